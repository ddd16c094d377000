/* CPU steps: nodes [first, last] copied into a graph of their own, serialized as model.q8.
 * Its inputs are the activations the nodes read and do not produce; its outputs those they
 * produce that a later step or the caller reads. Both are bound to program tensors. */
#include <stdlib.h>
#include <string.h>

#include "dpu/q8.h"
#include "lower.h"

static int copy_tensor(struct dpu_graph *sub, const struct dpu_gtensor *t)
{
    int i = dpu_graph_add_tensor(sub, t->name, t->dtype, t->rank, t->dims, t->data);
    if (i >= 0 && t->quant.count > 0) {
        int e = dpu_graph_set_quant(sub, i, t->quant.axis, t->quant.count, t->quant.scale,
                                    t->quant.zero_point);
        if (e < 0)
            return e;
    }
    return i;
}

static int copy_attrs(struct dpu_graph *sub, int ni, const struct dpu_gnode *n)
{
    for (size_t a = 0; a < n->nattrs; a++) {
        const struct dpu_attr *at = &n->attrs[a];
        int e = 0;
        switch (at->type) {
        case DPU_ATTR_INT:
            e = dpu_node_set_int(sub, ni, at->name, at->i);
            break;
        case DPU_ATTR_FLOAT:
            e = dpu_node_set_float(sub, ni, at->name, at->f);
            break;
        case DPU_ATTR_INTS:
            e = dpu_node_set_ints(sub, ni, at->name, at->n, at->ints);
            break;
        case DPU_ATTR_FLOATS:
            e = dpu_node_set_floats(sub, ni, at->name, at->n, at->floats);
            break;
        case DPU_ATTR_STRING:
            e = dpu_node_set_string(sub, ni, at->name, at->s);
            break;
        }
        if (e < 0)
            return e;
    }
    return 0;
}

static bool read_outside(const struct lw_ctx *c, int32_t t, size_t first, size_t last)
{
    if (c->tensors[t].graph_out)
        return true;
    for (size_t n = 0; n < c->g->nnodes; n++) {
        if (n >= first && n <= last)
            continue;
        for (size_t k = 0; k < c->g->nodes[n].ninputs; k++)
            if (c->g->nodes[n].inputs[k] == t)
                return true;
    }
    return false;
}

int lw_cpu_subgraph(struct lw_ctx *c, size_t first, size_t last, uint8_t **q8, size_t *len,
                    uint32_t **ins, size_t *nin, uint32_t **outs, size_t *nout)
{
    const struct dpu_graph *g = c->g;
    struct dpu_graph sub;
    dpu_graph_init(&sub);
    sub.quantized = g->quantized;
    int32_t *map = malloc(sizeof *map * (g->ntensors ? g->ntensors : 1));
    *ins = calloc(g->ntensors + 1, sizeof **ins);
    *outs = calloc(g->ntensors + 1, sizeof **outs);
    *nin = *nout = 0;
    int err = 0;
    if (!map || !*ins || !*outs) {
        err = DPU_E_NOMEM;
        goto out;
    }
    for (size_t t = 0; t < g->ntensors; t++)
        map[t] = -1;
    for (size_t n = first; n <= last && err >= 0; n++) {
        const struct dpu_gnode *gn = &g->nodes[n];
        int32_t in[64], outv[8];
        for (size_t k = 0; k < gn->ninputs && err >= 0; k++) {
            int32_t t = gn->inputs[k];
            if (t >= 0 && map[t] < 0) {
                err = map[t] = copy_tensor(&sub, &g->tensors[t]);
                const struct lw_tensor *lt = &c->tensors[t];
                if (err >= 0 && !lt->is_const) { /* produced outside: a subgraph input */
                    err = dpu_graph_add_input(&sub, map[t]);
                    (*ins)[(*nin)++] = lt->prog_index;
                }
            }
            in[k] = t >= 0 ? map[t] : -1;
        }
        for (size_t k = 0; k < gn->noutputs && err >= 0; k++) {
            int32_t t = gn->outputs[k];
            err = map[t] = copy_tensor(&sub, &g->tensors[t]);
            outv[k] = map[t];
        }
        if (err < 0)
            break;
        int ni = dpu_graph_add_node(&sub, gn->name, gn->op, gn->ninputs, in, gn->noutputs, outv);
        err = ni < 0 ? ni : copy_attrs(&sub, ni, gn);
        for (size_t k = 0; k < gn->noutputs && err >= 0; k++) {
            int32_t t = gn->outputs[k];
            if (read_outside(c, t, first, last)) {
                err = dpu_graph_add_output(&sub, map[t]);
                (*outs)[(*nout)++] = c->tensors[t].prog_index;
            }
        }
    }
    if (err >= 0)
        err = dpu_graph_verify(&sub, c->d);
    if (err >= 0)
        err = dpu_q8_encode(&sub, q8, len, c->d);
out:
    if (err < 0 && !c->d->msg[0])
        dpu_diag_set(c->d, err, "node '%s': building its CPU step failed: %s", g->nodes[first].name,
                     dpu_strerror(err));
    free(map);
    dpu_graph_free(&sub);
    return err < 0 ? err : 0;
}
