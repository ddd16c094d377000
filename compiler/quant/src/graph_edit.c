/* Graph surgery for the quantizer's passes: copying, use counts, rewiring, and compaction
 * after nodes are removed. The graph API builds graphs; these helpers change them. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quant_internal.h"

int q_fail(struct dpu_diag *d, const struct dpu_gnode *n, int err, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return dpu_diag_set(d, err, "node '%s' (%s): %s", n->name, dpu_node_op_name(n->op), msg);
}

static int nomem(struct dpu_diag *d)
{
    return dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
}

int q_copy_attrs(struct dpu_graph *g, int dst, const struct dpu_gnode *src,
                 bool (*skip)(enum dpu_node_op op, const char *name), struct dpu_diag *d)
{
    for (size_t k = 0; k < src->nattrs; k++) {
        const struct dpu_attr *a = &src->attrs[k];
        if (skip && skip(src->op, a->name))
            continue;
        int err = DPU_OK;
        switch (a->type) {
        case DPU_ATTR_INT:
            err = dpu_node_set_int(g, dst, a->name, a->i);
            break;
        case DPU_ATTR_FLOAT:
            err = dpu_node_set_float(g, dst, a->name, a->f);
            break;
        case DPU_ATTR_INTS:
            err = dpu_node_set_ints(g, dst, a->name, a->n, a->ints);
            break;
        case DPU_ATTR_FLOATS:
            err = dpu_node_set_floats(g, dst, a->name, a->n, a->floats);
            break;
        case DPU_ATTR_STRING:
            err = dpu_node_set_string(g, dst, a->name, a->s);
            break;
        }
        if (err)
            return err == DPU_E_NOMEM ? nomem(d)
                                      : q_fail(d, src, err, "cannot copy attribute '%s'", a->name);
    }
    return DPU_OK;
}

int q_clone(const struct dpu_graph *src, struct dpu_graph *dst, struct dpu_diag *d)
{
    dpu_graph_init(dst);
    dst->quantized = src->quantized;
    dst->name = strdup(src->name ? src->name : "");
    if (!dst->name)
        return nomem(d);
    for (size_t i = 0; i < src->ntensors; i++) {
        const struct dpu_gtensor *t = &src->tensors[i];
        int k = dpu_graph_add_tensor(dst, t->name, t->dtype, t->rank, t->dims, t->data);
        if (k < 0 || (t->quant.count && dpu_graph_set_quant(dst, k, t->quant.axis, t->quant.count,
                                                            t->quant.scale, t->quant.zero_point)))
            goto fail;
    }
    for (size_t i = 0; i < src->nnodes; i++) {
        const struct dpu_gnode *n = &src->nodes[i];
        int k =
            dpu_graph_add_node(dst, n->name, n->op, n->ninputs, n->inputs, n->noutputs, n->outputs);
        if (k < 0 || q_copy_attrs(dst, k, n, NULL, d))
            goto fail;
    }
    for (size_t i = 0; i < src->ninputs; i++)
        if (dpu_graph_add_input(dst, src->inputs[i]) < 0)
            goto fail;
    for (size_t i = 0; i < src->noutputs; i++)
        if (dpu_graph_add_output(dst, src->outputs[i]) < 0)
            goto fail;
    return DPU_OK;
fail:
    dpu_graph_free(dst);
    return nomem(d);
}

int q_producer(const struct dpu_graph *g, int32_t t)
{
    for (size_t i = 0; i < g->nnodes; i++)
        for (size_t k = 0; k < g->nodes[i].noutputs; k++)
            if (g->nodes[i].outputs[k] == t)
                return (int)i;
    return -1;
}

size_t q_uses(const struct dpu_graph *g, int32_t t)
{
    size_t n = 0;
    for (size_t i = 0; i < g->nnodes; i++)
        for (size_t k = 0; k < g->nodes[i].ninputs; k++)
            n += g->nodes[i].inputs[k] == t;
    return n;
}

bool q_is_output(const struct dpu_graph *g, int32_t t)
{
    for (size_t i = 0; i < g->noutputs; i++)
        if (g->outputs[i] == t)
            return true;
    return false;
}

bool q_is_input(const struct dpu_graph *g, int32_t t)
{
    for (size_t i = 0; i < g->ninputs; i++)
        if (g->inputs[i] == t)
            return true;
    return false;
}

void q_replace_uses(struct dpu_graph *g, int32_t from, int32_t to)
{
    for (size_t i = 0; i < g->nnodes; i++)
        for (size_t k = 0; k < g->nodes[i].ninputs; k++)
            if (g->nodes[i].inputs[k] == from)
                g->nodes[i].inputs[k] = to;
    for (size_t i = 0; i < g->noutputs; i++)
        if (g->outputs[i] == from)
            g->outputs[i] = to;
}

static void free_node(struct dpu_gnode *n)
{
    free(n->name);
    free(n->inputs);
    free(n->outputs);
    q_clear_attrs(n);
}

void q_clear_attrs(struct dpu_gnode *n)
{
    for (size_t k = 0; k < n->nattrs; k++) {
        free(n->attrs[k].name);
        free(n->attrs[k].ints);
        free(n->attrs[k].floats);
        free(n->attrs[k].s);
    }
    free(n->attrs);
    n->attrs = NULL;
    n->nattrs = 0;
}

int q_set_inputs(struct dpu_gnode *n, size_t count, const int32_t *in, struct dpu_diag *d)
{
    int32_t *ni = malloc((count ? count : 1) * sizeof *ni);
    if (!ni)
        return nomem(d);
    for (size_t i = 0; i < count; i++)
        ni[i] = in[i];
    free(n->inputs);
    n->inputs = ni;
    n->ninputs = count;
    return DPU_OK;
}

static void free_tensor(struct dpu_gtensor *t)
{
    free(t->name);
    free(t->data);
    free(t->quant.scale);
    free(t->quant.zero_point);
}

int q_compact(struct dpu_graph *g, const bool *drop, struct dpu_diag *d)
{
    size_t kept = 0;
    for (size_t i = 0; i < g->nnodes; i++) {
        if (drop && drop[i])
            free_node(&g->nodes[i]);
        else
            g->nodes[kept++] = g->nodes[i];
    }
    g->nnodes = kept;
    bool *used = calloc(g->ntensors ? g->ntensors : 1, sizeof *used);
    int32_t *remap = malloc((g->ntensors ? g->ntensors : 1) * sizeof *remap);
    if (!used || !remap) {
        free(used);
        free(remap);
        return nomem(d);
    }
    for (size_t i = 0; i < g->nnodes; i++) {
        const struct dpu_gnode *n = &g->nodes[i];
        for (size_t k = 0; k < n->ninputs; k++)
            if (n->inputs[k] >= 0)
                used[n->inputs[k]] = true;
        for (size_t k = 0; k < n->noutputs; k++)
            if (n->outputs[k] >= 0)
                used[n->outputs[k]] = true;
    }
    for (size_t i = 0; i < g->ninputs; i++)
        used[g->inputs[i]] = true;
    for (size_t i = 0; i < g->noutputs; i++)
        used[g->outputs[i]] = true;
    size_t nt = 0;
    for (size_t i = 0; i < g->ntensors; i++) {
        if (used[i]) {
            remap[i] = (int32_t)nt;
            g->tensors[nt++] = g->tensors[i];
        } else {
            remap[i] = -1;
            free_tensor(&g->tensors[i]);
        }
    }
    g->ntensors = nt;
    for (size_t i = 0; i < g->nnodes; i++) {
        struct dpu_gnode *n = &g->nodes[i];
        for (size_t k = 0; k < n->ninputs; k++)
            if (n->inputs[k] >= 0)
                n->inputs[k] = remap[n->inputs[k]];
        for (size_t k = 0; k < n->noutputs; k++)
            if (n->outputs[k] >= 0)
                n->outputs[k] = remap[n->outputs[k]];
    }
    for (size_t i = 0; i < g->ninputs; i++)
        g->inputs[i] = remap[g->inputs[i]];
    for (size_t i = 0; i < g->noutputs; i++)
        g->outputs[i] = remap[g->outputs[i]];
    free(used);
    free(remap);
    return DPU_OK;
}

void q_unique_name(const struct dpu_graph *g, const char *base, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", base);
    for (int k = 2; dpu_graph_find_tensor(g, buf) >= 0; k++)
        snprintf(buf, cap, "%s_%d", base, k);
}

int q_add_const_f32(struct dpu_graph *g, const char *base, int rank, const int64_t *dims,
                    const float *data, struct dpu_diag *d)
{
    char name[512];
    q_unique_name(g, base, name, sizeof name);
    int t = dpu_graph_add_tensor(g, name, DPU_DT_FLOAT32, rank, dims, data);
    return t < 0 ? nomem(d) : t;
}

int q_own_constant(struct dpu_graph *g, int node, size_t in, struct dpu_diag *d)
{
    int32_t t = g->nodes[node].inputs[in];
    if (q_uses(g, t) <= 1 && !q_is_output(g, t))
        return t;
    const struct dpu_gtensor *src = &g->tensors[t];
    char base[512];
    snprintf(base, sizeof base, "%s@%s", src->name, g->nodes[node].name);
    char name[512];
    q_unique_name(g, base, name, sizeof name);
    /* Copy before adding: the tensor array may move. */
    struct dpu_gtensor copy = *src;
    int k = dpu_graph_add_tensor(g, name, copy.dtype, copy.rank, copy.dims, copy.data);
    if (k < 0)
        return nomem(d);
    g->nodes[node].inputs[in] = k;
    return k;
}

int q_verify(struct dpu_graph *g, const char *pass, struct dpu_diag *d)
{
    struct dpu_diag inner;
    dpu_diag_clear(&inner);
    int err = dpu_graph_verify(g, &inner);
    if (err)
        return dpu_diag_set(d, DPU_E_INTERNAL, "quantizer pass '%s' left an invalid graph: %s",
                            pass, dpu_diag_message(&inner));
    return DPU_OK;
}
