/* Shared emission helpers: value -> IR tensor, ONNX node -> IR node(s), liveness. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/onnx_emit.h"
#include "dpu/onnx_infer.h"
#include "dpu/onnx_quant.h"

int onnx_ir_fail(struct onnx_ctx *ctx, const struct onnx_node *n, int err)
{
    if (n)
        return onnx_fail(ctx, n, err, "building the graph failed: %s", dpu_strerror(err));
    return dpu_diag_set(ctx->d, err, "%s: building the graph failed: %s", ctx->model_name,
                        dpu_strerror(err));
}

int onnx_prune(struct onnx_ctx *ctx)
{
    bool *needed = calloc(ctx->nvalues + 1, sizeof *needed);
    if (!needed)
        return dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
    for (size_t i = 0; i < ctx->ngoutputs; i++)
        needed[onnx_value_resolve(ctx, ctx->goutputs[i])] = true;
    for (size_t k = ctx->nnodes; k-- > 0;) {
        struct onnx_node *n = &ctx->nodes[ctx->order[k]];
        if (n->dead)
            continue;
        bool live = false;
        for (int i = 0; i < n->nout; i++)
            live |= n->out[i] >= 0 && needed[n->out[i]];
        if (!live) {
            n->dead = true;
            continue;
        }
        for (int i = 0; i < n->nin; i++)
            if (n->in[i] >= 0)
                needed[onnx_value_resolve(ctx, n->in[i])] = true;
    }
    free(needed);
    onnx_count_uses(ctx, true);
    return DPU_OK;
}

static int ir_dtype(struct onnx_ctx *ctx, const struct onnx_node *n, const struct onnx_value *v,
                    enum dpu_dtype *dt)
{
    char nb[ONNX_NAME_MAX];
    switch (v->elem) {
    case ONNX_FLOAT:
        *dt = DPU_DT_FLOAT32;
        return DPU_OK;
    case ONNX_INT8:
    case ONNX_UINT8:
        *dt = DPU_DT_INT8;
        break;
    case ONNX_INT32:
        *dt = DPU_DT_INT32;
        break;
    default:
        goto bad;
    }
    if (ctx->quantized)
        return DPU_OK;
bad:
    if (n)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                         "tensor '%s' of type %s cannot be part of %s "
                         "graph",
                         onnx_safe_name(v->name, nb), onnx_elem_name(v->elem),
                         ctx->quantized ? "a quantized" : "a float");
    return dpu_diag_set(ctx->d, DPU_E_UNSUPPORTED,
                        "%s: tensor '%s' of type %s cannot be part of "
                        "%s graph",
                        ctx->model_name, onnx_safe_name(v->name, nb), onnx_elem_name(v->elem),
                        ctx->quantized ? "a quantized" : "a float");
}

int onnx_ir_tensor(struct onnx_ctx *ctx, const struct onnx_node *n, int v)
{
    v = onnx_value_resolve(ctx, v);
    struct onnx_value *val = &ctx->values[v];
    if (val->ir >= 0)
        return val->ir;
    enum dpu_dtype dt = DPU_DT_INT8; /* set by ir_dtype on success */
    int err = ir_dtype(ctx, n, val, &dt);
    if (err)
        return err;
    const void *data = val->is_const ? val->konst.data : NULL;
    int8_t *shifted = NULL;
    if (data && val->elem == ONNX_UINT8) {
        int64_t count = onnx_tensor_count(&val->konst);
        shifted = malloc(count ? (size_t)count : 1);
        if (!shifted)
            return dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
        for (int64_t i = 0; i < count; i++)
            shifted[i] = (int8_t)onnx_u8_to_i8_byte(((const uint8_t *)data)[i]);
        data = shifted;
    }
    int t = dpu_graph_add_tensor(ctx->g, val->name, dt, val->rank, val->dims, data);
    free(shifted);
    if (t < 0)
        return onnx_ir_fail(ctx, n, t);
    if (val->elem == ONNX_UINT8)
        val->was_uint8 = true;
    if (val->has_q) {
        err = dpu_graph_set_quant(ctx->g, t, val->q.axis, val->q.count, val->q.scale, val->q.zp);
        if (err)
            return onnx_ir_fail(ctx, n, err);
    }
    val->ir = t;
    return t;
}

int onnx_ir_new_tensor(struct onnx_ctx *ctx, const char *base, const char *suffix,
                       enum dpu_dtype dt, int rank, const int64_t *dims, const void *data)
{
    /* Registering the name as a value keeps every IR tensor name unique. */
    int v = onnx_value_new(ctx, base, suffix);
    if (v < 0)
        return v;
    int t = dpu_graph_add_tensor(ctx->g, ctx->values[v].name, dt, rank, dims, data);
    if (t < 0)
        return onnx_ir_fail(ctx, NULL, t);
    ctx->values[v].ir = t;
    ctx->values[v].producer = -2; /* made by the importer */
    return t;
}

int onnx_ir_node(struct onnx_ctx *ctx, const struct onnx_node *n, const char *suffix,
                 enum dpu_node_op op, size_t nin, const int32_t *in, size_t nout,
                 const int32_t *out)
{
    char *name = NULL;
    if (suffix) {
        size_t len = strlen(n->name) + strlen(suffix) + 2;
        if (!(name = malloc(len)))
            return dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
        snprintf(name, len, "%s/%s", n->name, suffix);
    }
    int node = dpu_graph_add_node(ctx->g, name ? name : n->name, op, nin, in, nout, out);
    free(name);
    return node < 0 ? onnx_ir_fail(ctx, n, node) : node;
}

int onnx_ir_set_int(struct onnx_ctx *ctx, const struct onnx_node *n, int node, const char *name,
                    int64_t v)
{
    int err = dpu_node_set_int(ctx->g, node, name, v);
    return err ? onnx_ir_fail(ctx, n, err) : DPU_OK;
}

int onnx_ir_set_float(struct onnx_ctx *ctx, const struct onnx_node *n, int node, const char *name,
                      double v)
{
    int err = dpu_node_set_float(ctx->g, node, name, v);
    return err ? onnx_ir_fail(ctx, n, err) : DPU_OK;
}

int onnx_ir_set_ints(struct onnx_ctx *ctx, const struct onnx_node *n, int node, const char *name,
                     size_t count, const int64_t *v)
{
    int err = dpu_node_set_ints(ctx->g, node, name, count, v);
    return err ? onnx_ir_fail(ctx, n, err) : DPU_OK;
}

int onnx_ir_reshape_into(struct onnx_ctx *ctx, const struct onnx_node *n, const char *suffix,
                         int from, int to)
{
    const struct dpu_gtensor *t = &ctx->g->tensors[to];
    int32_t in = from, out = to;
    int node = onnx_ir_node(ctx, n, suffix, DPU_NODE_RESHAPE, 1, &in, 1, &out);
    if (node < 0)
        return node;
    int64_t dims[DPU_TENSOR_MAX_RANK];
    memcpy(dims, t->dims, sizeof dims);
    return onnx_ir_set_ints(ctx, n, node, "shape", (size_t)t->rank, dims);
}

/* A new activation tensor shaped dims with the dtype and quantization of IR tensor like. */
static int tensor_like(struct onnx_ctx *ctx, const struct onnx_node *n, int like,
                       const char *suffix, int rank, const int64_t *dims)
{
    const struct dpu_gtensor *src = &ctx->g->tensors[like];
    char *base = strdup(src->name);
    if (!base)
        return dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
    int t = onnx_ir_new_tensor(ctx, base, suffix, src->dtype, rank, dims, NULL);
    free(base);
    if (t < 0)
        return t;
    src = &ctx->g->tensors[like]; /* the tensor array may have moved */
    if (src->quant.count) {
        int err = dpu_graph_set_quant(ctx->g, t, src->quant.axis, src->quant.count,
                                      src->quant.scale, src->quant.zero_point);
        if (err)
            return onnx_ir_fail(ctx, n, err);
    }
    return t;
}

int onnx_ir_reshape(struct onnx_ctx *ctx, const struct onnx_node *n, const char *suffix, int from,
                    int rank, const int64_t *dims)
{
    int t = tensor_like(ctx, n, from, "/reshaped", rank, dims);
    if (t < 0)
        return t;
    int err = onnx_ir_reshape_into(ctx, n, suffix, from, t);
    return err ? err : t;
}

int onnx_ir_reshape_to(struct onnx_ctx *ctx, const struct onnx_node *n, const char *suffix, int to,
                       int rank, const int64_t *dims)
{
    int t = tensor_like(ctx, n, to, "/unreshaped", rank, dims);
    if (t < 0)
        return t;
    int err = onnx_ir_reshape_into(ctx, n, suffix, t, to);
    return err ? err : t;
}

/* A graph output that is another name for an earlier tensor (Identity, Dropout): the IR
 * keeps the model's output name with a Reshape to the same shape, its identity op. */
static int alias_output(struct onnx_ctx *ctx, int v, int from)
{
    struct onnx_value *a = &ctx->values[v];
    if (a->ir >= 0)
        return a->ir;
    const struct dpu_gtensor *src = &ctx->g->tensors[from];
    int64_t dims[DPU_TENSOR_MAX_RANK];
    memcpy(dims, src->dims, sizeof dims);
    int t = dpu_graph_add_tensor(ctx->g, a->name, src->dtype, src->rank, dims, NULL);
    if (t < 0)
        return onnx_ir_fail(ctx, NULL, t);
    src = &ctx->g->tensors[from];
    if (src->quant.count) {
        int err = dpu_graph_set_quant(ctx->g, t, src->quant.axis, src->quant.count,
                                      src->quant.scale, src->quant.zero_point);
        if (err)
            return onnx_ir_fail(ctx, NULL, err);
    }
    a->ir = t;
    struct onnx_node pseudo = {.name = a->name, .op = "Identity"};
    bool named = a->producer >= 0;
    int err = onnx_ir_reshape_into(ctx, named ? &ctx->nodes[a->producer] : &pseudo,
                                   named ? NULL : "identity", from, t);
    return err ? err : t;
}

/* A float graph output that is a view of an int8 tensor (data movement after a
 * DequantizeLinear, whose result keeps the int8 input's scale): the IR dequantizes it at
 * the boundary, as the model's float output asks. */
static int dequantized_output(struct onnx_ctx *ctx, int v)
{
    struct onnx_value *val = &ctx->values[v];
    int src = onnx_ir_tensor(ctx, NULL, val->dq_of);
    int t = src < 0 ? src : onnx_ir_tensor(ctx, NULL, v);
    if (t < 0)
        return t;
    struct onnx_node pseudo = {.name = val->name, .op = "DequantizeLinear"};
    const struct onnx_node *n = val->producer >= 0 ? &ctx->nodes[val->producer] : &pseudo;
    int32_t in = src, out = t;
    int node = onnx_ir_node(ctx, n, "dequantize", DPU_NODE_DEQUANTIZE, 1, &in, 1, &out);
    return node < 0 ? node : t;
}

int onnx_ir_graph_io(struct onnx_ctx *ctx)
{
    for (size_t i = 0; i < ctx->nginputs; i++) {
        int t = onnx_ir_tensor(ctx, NULL, ctx->ginputs[i]);
        if (t < 0)
            return t;
        int err = dpu_graph_add_input(ctx->g, t);
        if (err < 0)
            return onnx_ir_fail(ctx, NULL, err);
    }
    for (size_t i = 0; i < ctx->ngoutputs; i++) {
        int v = onnx_value_resolve(ctx, ctx->goutputs[i]);
        char nb[ONNX_NAME_MAX];
        if (ctx->values[v].is_const || ctx->values[v].unsupported_const)
            return dpu_diag_set(ctx->d, DPU_E_UNSUPPORTED,
                                "%s: graph output '%s' is a constant; a graph needs at least one "
                                "op between its inputs and each output",
                                ctx->model_name,
                                onnx_safe_name(ctx->values[ctx->goutputs[i]].name, nb));
        if (ctx->quantized && ctx->values[v].ir < 0 && ctx->values[v].dq_of >= 0) {
            int t = dequantized_output(ctx, v);
            if (t < 0)
                return t;
        }
        if (ctx->values[v].ir < 0 && !ctx->values[v].graph_input)
            return dpu_diag_set(ctx->d, DPU_E_INTERNAL, "%s: graph output '%s' was not emitted",
                                ctx->model_name, onnx_safe_name(ctx->values[v].name, nb));
        int t = onnx_ir_tensor(ctx, NULL, v);
        if (t >= 0 && v != ctx->goutputs[i])
            t = alias_output(ctx, ctx->goutputs[i], t);
        if (t < 0)
            return t;
        int err = dpu_graph_add_output(ctx->g, t);
        if (err < 0)
            return onnx_ir_fail(ctx, NULL, err);
    }
    return DPU_OK;
}
