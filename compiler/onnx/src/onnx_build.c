/* From GraphProto to values and nodes: initializers and bound inputs become constants, the
 * remaining graph inputs get static shapes, every node output gets its one producer, and
 * the nodes are put in topological order (ONNX requires it, but we do not trust it). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/onnx_ctx.h"

static int fail_value(struct onnx_ctx *ctx, int err, const char *what, const char *name,
                      const char *msg)
{
    char nb[ONNX_NAME_MAX];
    return dpu_diag_set(ctx->d, err, "%s: %s '%s': %s", ctx->model_name, what,
                        onnx_safe_name(name, nb), msg);
}

static int dtype_to_elem(enum dpu_dtype dt)
{
    switch (dt) {
    case DPU_DT_INT8:
        return ONNX_INT8;
    case DPU_DT_UINT8:
        return ONNX_UINT8;
    case DPU_DT_INT32:
        return ONNX_INT32;
    case DPU_DT_FLOAT32:
        return ONNX_FLOAT;
    }
    return ONNX_UNDEFINED;
}

static void set_const(struct onnx_value *v, struct onnx_tensor *t)
{
    onnx_tensor_free(&v->konst);
    v->konst = *t;
    v->is_const = true;
    v->unsupported_const = false;
    v->elem = t->elem;
    v->shape_known = true;
    v->rank = t->rank;
    memcpy(v->dims, t->dims, sizeof v->dims);
}

static int add_initializers(struct onnx_ctx *ctx)
{
    const Onnx__GraphProto *gp = ctx->graph;
    for (size_t i = 0; i < gp->n_initializer; i++) {
        const Onnx__TensorProto *pb = gp->initializer[i];
        if (!pb->name || !pb->name[0])
            return dpu_diag_set(ctx->d, DPU_E_PARSE, "%s: initializer %zu has no name",
                                ctx->model_name, i);
        if (onnx_value_find(ctx, pb->name) >= 0)
            return fail_value(ctx, DPU_E_PARSE, "initializer", pb->name, "defined twice");
        int v = onnx_value_get(ctx, pb->name);
        if (v < 0)
            return v;
        struct onnx_value *val = &ctx->values[v];
        /* A constant of a type we cannot hold only matters if something uses it. */
        if (!pb->has_data_type || onnx_elem_size(pb->data_type) == 0) {
            val->unsupported_const = true;
            val->elem = pb->has_data_type ? pb->data_type : ONNX_UNDEFINED;
            continue;
        }
        char what[ONNX_NAME_MAX + 32], nb[ONNX_NAME_MAX];
        snprintf(what, sizeof what, "%s: initializer '%s'", ctx->model_name,
                 onnx_safe_name(pb->name, nb));
        struct onnx_tensor t;
        int err = onnx_tensor_from_pb(pb, what, &t, ctx->d);
        if (err)
            return err;
        set_const(val, &t);
    }
    return DPU_OK;
}

static const struct dpu_onnx_binding *find_binding(const struct onnx_ctx *ctx, const char *name)
{
    if (!ctx->opts)
        return NULL;
    for (size_t i = 0; i < ctx->opts->nbindings; i++)
        if (ctx->opts->bindings[i].name && strcmp(ctx->opts->bindings[i].name, name) == 0)
            return &ctx->opts->bindings[i];
    return NULL;
}

static int bind_input(struct onnx_ctx *ctx, int v, const struct dpu_onnx_binding *b)
{
    const struct dpu_tensor *src = b->value;
    int elem = src ? dtype_to_elem(src->dtype) : ONNX_UNDEFINED;
    int64_t count = src ? dpu_tensor_count(src) : -1;
    if (elem == ONNX_UNDEFINED || count < 0 || !src->data)
        return fail_value(ctx, DPU_E_INVALID, "binding", b->name, "not a valid tensor");
    char what[ONNX_NAME_MAX + 32], nb[ONNX_NAME_MAX];
    snprintf(what, sizeof what, "binding '%s'", onnx_safe_name(b->name, nb));
    struct onnx_tensor t;
    /* Bound values are arbitrary caller data: not subject to the folding limit. */
    size_t bytes = (size_t)count * onnx_elem_size(elem);
    t.elem = elem;
    t.rank = src->rank;
    memcpy(t.dims, src->dims, sizeof t.dims);
    t.data = malloc(bytes ? bytes : 1);
    if (!t.data)
        return dpu_diag_set(ctx->d, DPU_E_NOMEM, "%s: out of memory", what);
    if (bytes)
        memcpy(t.data, src->data, bytes);
    set_const(&ctx->values[v], &t);
    return DPU_OK;
}

/* Static shape of a graph input from its ValueInfo: a symbolic first (batch) dimension
 * becomes 1; any other symbolic dimension is refused. */
static int input_shape(struct onnx_ctx *ctx, const Onnx__ValueInfoProto *vi, struct onnx_value *v)
{
    const Onnx__TypeProto *tp = vi->type;
    if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type)
        return fail_value(ctx, DPU_E_UNSUPPORTED, "graph input", vi->name, "is not a tensor");
    const Onnx__TypeProto__Tensor *tt = tp->tensor_type;
    int elem = tt->has_elem_type ? tt->elem_type : ONNX_UNDEFINED;
    if (elem != ONNX_FLOAT && elem != ONNX_INT8 && elem != ONNX_UINT8) {
        char msg[128];
        snprintf(msg, sizeof msg, "element type %s is not supported (float32, int8 and uint8 are)",
                 onnx_elem_name(elem));
        return fail_value(ctx, DPU_E_UNSUPPORTED, "graph input", vi->name, msg);
    }
    if (!tt->shape)
        return fail_value(ctx, DPU_E_UNSUPPORTED, "graph input", vi->name,
                          "has no shape; opendpu needs static input shapes");
    if (tt->shape->n_dim > DPU_TENSOR_MAX_RANK)
        return fail_value(ctx, DPU_E_UNSUPPORTED, "graph input", vi->name, "rank is above 8");
    v->elem = elem;
    v->rank = (int)tt->shape->n_dim;
    for (int i = 0; i < v->rank; i++) {
        const Onnx__TensorShapeProto__Dimension *dim = tt->shape->dim[i];
        bool fixed = dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
        if (!fixed && i == 0) {
            v->dims[0] = 1;
            continue;
        }
        if (!fixed) {
            char msg[160], pb[ONNX_NAME_MAX];
            snprintf(msg, sizeof msg,
                     "dimension %d is symbolic ('%s'); only the first (batch) dimension may be, "
                     "and it becomes 1",
                     i,
                     onnx_safe_name(dim->value_case ==
                                            ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM
                                        ? dim->dim_param
                                        : "",
                                    pb));
            return fail_value(ctx, DPU_E_UNSUPPORTED, "graph input", vi->name, msg);
        }
        if (dim->dim_value < 0 || dim->dim_value > DPU_TENSOR_MAX_DIM)
            return fail_value(ctx, DPU_E_RANGE, "graph input", vi->name,
                              "has a dimension outside [0, 2^40]");
        v->dims[i] = dim->dim_value;
    }
    if (dpu_shape_count(v->rank, v->dims) < 0)
        return fail_value(ctx, DPU_E_RANGE, "graph input", vi->name, "is larger than 2^40 bytes");
    v->shape_known = true;
    return DPU_OK;
}

static int add_list(int **arr, size_t *n, int v)
{
    int *na = realloc(*arr, (*n + 1) * sizeof *na);
    if (!na)
        return DPU_E_NOMEM;
    na[(*n)++] = v;
    *arr = na;
    return DPU_OK;
}

static int add_graph_inputs(struct onnx_ctx *ctx)
{
    const Onnx__GraphProto *gp = ctx->graph;
    for (size_t i = 0; i < gp->n_input; i++) {
        const Onnx__ValueInfoProto *vi = gp->input[i];
        if (!vi->name || !vi->name[0])
            return dpu_diag_set(ctx->d, DPU_E_PARSE, "%s: graph input %zu has no name",
                                ctx->model_name, i);
        const struct dpu_onnx_binding *b = find_binding(ctx, vi->name);
        int v = onnx_value_find(ctx, vi->name);
        if (v >= 0 && ctx->values[v].graph_input)
            return fail_value(ctx, DPU_E_PARSE, "graph input", vi->name, "listed twice");
        if (v < 0 && (v = onnx_value_get(ctx, vi->name)) < 0)
            return v;
        if (b) {
            int err = bind_input(ctx, v, b);
            if (err)
                return err;
            continue;
        }
        /* Listed as an input but also an initializer (IR version < 4 style): a constant. */
        if (ctx->values[v].is_const || ctx->values[v].unsupported_const)
            continue;
        ctx->values[v].graph_input = true;
        int err = input_shape(ctx, vi, &ctx->values[v]);
        if (err)
            return err;
        if (add_list(&ctx->ginputs, &ctx->nginputs, v))
            return dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
    }
    if (ctx->opts) {
        for (size_t i = 0; i < ctx->opts->nbindings; i++) {
            const char *name = ctx->opts->bindings[i].name;
            bool found = false;
            for (size_t k = 0; name && k < gp->n_input && !found; k++)
                found = gp->input[k]->name && strcmp(gp->input[k]->name, name) == 0;
            if (!found)
                return fail_value(ctx, DPU_E_INVALID, "binding", name ? name : "",
                                  "names no graph input");
        }
    }
    return DPU_OK;
}

static enum onnx_domain domain_of(const char *domain)
{
    if (!domain || !domain[0] || strcmp(domain, "ai.onnx") == 0)
        return ONNX_DOMAIN_DEFAULT;
    if (strcmp(domain, "com.microsoft") == 0)
        return ONNX_DOMAIN_MS;
    return ONNX_DOMAIN_OTHER;
}

/* Node names must be unique in the IR: an empty or repeated ONNX name becomes OpType_N
 * (N the node's position), made unique by a suffix if needed. */
static int name_nodes(struct onnx_ctx *ctx)
{
    size_t nslots = 16;
    while (nslots < ctx->nnodes * 2)
        nslots *= 2;
    const char **set = calloc(nslots, sizeof *set);
    if (!set)
        return dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
    int err = DPU_OK;
    for (size_t i = 0; i < ctx->nnodes && !err; i++) {
        struct onnx_node *n = &ctx->nodes[i];
        const char *want = n->pb->name && n->pb->name[0] ? n->pb->name : NULL;
        size_t len = (want ? strlen(want) : strlen(n->op)) + 32;
        char *name = malloc(len);
        if (!name) {
            err = dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
            break;
        }
        if (want)
            snprintf(name, len, "%s", want);
        else
            snprintf(name, len, "%s_%d", n->op, n->index);
        for (unsigned k = 2;; k++) {
            uint64_t h = 1469598103934665603ull;
            for (const char *s = name; *s; s++)
                h = (h ^ (unsigned char)*s) * 1099511628211ull;
            size_t s = h & (nslots - 1);
            while (set[s] && strcmp(set[s], name) != 0)
                s = (s + 1) & (nslots - 1);
            if (!set[s]) {
                set[s] = name;
                break;
            }
            if (want)
                snprintf(name, len, "%s_%u", want, k);
            else
                snprintf(name, len, "%s_%d_%u", n->op, n->index, k);
        }
        n->name = name;
    }
    free(set);
    return err;
}

static int add_nodes(struct onnx_ctx *ctx)
{
    const Onnx__GraphProto *gp = ctx->graph;
    if (gp->n_node > ONNX_MAX_NODES)
        return dpu_diag_set(ctx->d, DPU_E_RANGE, "%s: %zu nodes is more than the %d supported",
                            ctx->model_name, gp->n_node, ONNX_MAX_NODES);
    ctx->nodes = calloc(gp->n_node ? gp->n_node : 1, sizeof *ctx->nodes);
    if (!ctx->nodes)
        return dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
    for (size_t i = 0; i < gp->n_node; i++) {
        const Onnx__NodeProto *pb = gp->node[i];
        struct onnx_node *n = &ctx->nodes[ctx->nnodes++];
        n->pb = pb;
        n->index = (int)i;
        n->op = pb->op_type ? pb->op_type : "";
        n->domain = domain_of(pb->domain);
        n->qout = -1;
        n->fused = -1;
        n->qin = -1;
    }
    int err = name_nodes(ctx);
    for (size_t i = 0; i < ctx->nnodes && !err; i++) {
        struct onnx_node *n = &ctx->nodes[i];
        const Onnx__NodeProto *pb = n->pb;
        if (!n->op[0])
            return onnx_fail(ctx, n, DPU_E_PARSE, "no op_type");
        if (pb->n_input > ONNX_MAX_NODE_IO || pb->n_output > ONNX_MAX_NODE_IO)
            return onnx_fail(ctx, n, DPU_E_RANGE, "more than %d inputs or outputs",
                             ONNX_MAX_NODE_IO);
        n->nin = (int)pb->n_input;
        n->nout = (int)pb->n_output;
        n->in = malloc((pb->n_input + 1) * sizeof *n->in);
        n->out = malloc((pb->n_output + 1) * sizeof *n->out);
        if (!n->in || !n->out)
            return dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
        for (int k = 0; k < n->nin; k++) {
            const char *nm = pb->input[k];
            n->in[k] = (nm && nm[0]) ? onnx_value_get(ctx, nm) : -1;
            if (n->in[k] < -1)
                return n->in[k];
        }
        for (int k = 0; k < n->nout; k++) {
            const char *nm = pb->output[k];
            n->out[k] = -1;
            if (!nm || !nm[0])
                continue;
            int v = onnx_value_get(ctx, nm);
            if (v < 0)
                return v;
            struct onnx_value *val = &ctx->values[v];
            char vb[ONNX_NAME_MAX];
            if (val->producer >= 0 || val->graph_input || val->is_const || val->unsupported_const)
                return onnx_fail(ctx, n, DPU_E_PARSE,
                                 "output '%s' is already defined (by another node, an initializer "
                                 "or a graph input)",
                                 onnx_safe_name(nm, vb));
            val->producer = (int)i;
            n->out[k] = v;
        }
    }
    return err;
}

static int add_graph_outputs(struct onnx_ctx *ctx)
{
    const Onnx__GraphProto *gp = ctx->graph;
    if (gp->n_output == 0)
        return dpu_diag_set(ctx->d, DPU_E_PARSE, "%s: the graph has no outputs", ctx->model_name);
    for (size_t i = 0; i < gp->n_output; i++) {
        const char *name = gp->output[i]->name;
        int v = name && name[0] ? onnx_value_find(ctx, name) : -1;
        if (v < 0)
            return fail_value(ctx, DPU_E_PARSE, "graph output", name ? name : "",
                              "is not produced by any node");
        if (ctx->values[v].graph_output)
            return fail_value(ctx, DPU_E_PARSE, "graph output", name, "listed twice");
        ctx->values[v].graph_output = true;
        if (add_list(&ctx->goutputs, &ctx->ngoutputs, v))
            return dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
    }
    return DPU_OK;
}

/* Kahn's algorithm over the producer relation; also refuses inputs nothing defines. */
static int topo_sort(struct onnx_ctx *ctx)
{
    size_t nn = ctx->nnodes, nv = ctx->nvalues;
    int *indeg = calloc(nn + 1, sizeof *indeg);
    size_t *start = calloc(nv + 1, sizeof *start);
    int *cons = NULL, *queue = malloc((nn + 1) * sizeof *queue);
    ctx->order = malloc((nn + 1) * sizeof *ctx->order);
    size_t nedges = 0;
    for (size_t i = 0; i < nn; i++)
        nedges += (size_t)ctx->nodes[i].nin;
    cons = malloc((nedges + 1) * sizeof *cons);
    int err = DPU_OK;
    if (!indeg || !start || !cons || !queue || !ctx->order) {
        err = dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < nn && !err; i++) {
        const struct onnx_node *n = &ctx->nodes[i];
        for (int k = 0; k < n->nin; k++) {
            int v = n->in[k];
            if (v < 0)
                continue;
            const struct onnx_value *val = &ctx->values[v];
            char vb[ONNX_NAME_MAX];
            if (val->producer < 0 && !val->graph_input && !val->is_const &&
                !val->unsupported_const) {
                err = onnx_fail(ctx, n, DPU_E_PARSE,
                                "input '%s' is not produced by any node, initializer or graph "
                                "input",
                                onnx_safe_name(val->name, vb));
                break;
            }
            if (val->producer >= 0) {
                indeg[i]++;
                start[v + 1]++;
            }
        }
    }
    if (err)
        goto out;
    for (size_t v = 0; v < nv; v++)
        start[v + 1] += start[v];
    {
        size_t *fill = calloc(nv + 1, sizeof *fill);
        if (!fill) {
            err = dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
            goto out;
        }
        for (size_t i = 0; i < nn; i++) {
            const struct onnx_node *n = &ctx->nodes[i];
            for (int k = 0; k < n->nin; k++) {
                int v = n->in[k];
                if (v >= 0 && ctx->values[v].producer >= 0)
                    cons[start[v] + fill[v]++] = (int)i;
            }
        }
        free(fill);
    }
    size_t head = 0, tail = 0, done = 0;
    /* A model already in topological order keeps its order (as the IR verifier keeps a
     * valid one), so that re-importing what `dpuc export` wrote gives the same node order. */
    bool ordered = true;
    for (size_t i = 0; i < nn && ordered; i++)
        for (int k = 0; k < ctx->nodes[i].nin && ordered; k++) {
            int v = ctx->nodes[i].in[k];
            ordered = v < 0 || ctx->values[v].producer < (int)i;
        }
    for (size_t i = 0; i < nn; i++)
        if (ordered || indeg[i] == 0)
            queue[tail++] = (int)i;
    if (ordered) {
        memcpy(ctx->order, queue, nn * sizeof *queue);
        head = tail = done = nn;
    }
    while (head < tail) {
        int i = queue[head++];
        ctx->order[done++] = i;
        const struct onnx_node *n = &ctx->nodes[i];
        for (int k = 0; k < n->nout; k++) {
            int v = n->out[k];
            if (v < 0)
                continue;
            for (size_t e = start[v]; e < start[v + 1]; e++)
                if (--indeg[cons[e]] == 0)
                    queue[tail++] = cons[e];
        }
    }
    if (done < nn) {
        for (size_t i = 0; i < nn; i++)
            if (indeg[i] > 0) {
                err = onnx_fail(ctx, &ctx->nodes[i], DPU_E_PARSE,
                                "is part of a cycle (its inputs depend on its own outputs)");
                break;
            }
    }
out:
    free(indeg);
    free(start);
    free(cons);
    free(queue);
    return err;
}

int onnx_build(struct onnx_ctx *ctx)
{
    int err = add_initializers(ctx);
    if (!err)
        err = add_graph_inputs(ctx);
    if (!err)
        err = add_nodes(ctx);
    if (!err)
        err = add_graph_outputs(ctx);
    if (!err)
        err = topo_sort(ctx);
    return err;
}
