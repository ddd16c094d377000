/* The emission driver: every live node, in topological order, through its op's emitter;
 * then the graph inputs and outputs. The rule table says, per op, which emitter runs and
 * what the quantized planner (onnx_qplan.c) needs to know. */
#include <string.h>

#include "dpu/onnx_emit.h"

#define D   ONNX_DOMAIN_DEFAULT
#define MS  ONNX_DOMAIN_MS
#define ALL 0xffffffffu
/*  op                   domain emitter            data   clamp  pass   qlinear */
static const struct onnx_emit_rule rules[] = {
    {"Conv", D, onnx_emit_conv, 7, true, false, false},
    {"QLinearConv", D, onnx_emit_conv, 0, false, false, true},
    {"Gemm", D, onnx_emit_gemm, 7, true, false, false},
    {"MatMul", D, onnx_emit_matmul, 3, true, false, false},
    {"QLinearMatMul", D, onnx_emit_matmul, 0, false, false, true},
    {"Add", D, onnx_emit_binary, 3, true, false, false},
    {"Mul", D, onnx_emit_binary, 3, true, false, false},
    {"Sub", D, onnx_emit_binary, 3, false, false, false},
    {"Div", D, onnx_emit_binary, 3, false, false, false},
    {"QLinearAdd", MS, onnx_emit_binary, 0, false, false, true},
    {"MaxPool", D, onnx_emit_pool, 1, false, true, false},
    {"AveragePool", D, onnx_emit_pool, 1, false, false, false},
    {"GlobalAveragePool", D, onnx_emit_global_pool, 1, false, false, false},
    {"QLinearGlobalAveragePool", MS, onnx_emit_global_pool, 0, false, false, true},
    {"Relu", D, onnx_emit_activation, 1, false, false, false},
    {"Sigmoid", D, onnx_emit_activation, 1, false, false, false},
    {"Tanh", D, onnx_emit_activation, 1, false, false, false},
    {"LeakyRelu", D, onnx_emit_activation, 1, false, false, false},
    {"HardSigmoid", D, onnx_emit_activation, 1, false, false, false},
    {"HardSwish", D, onnx_emit_activation, 1, false, false, false},
    {"Gelu", D, onnx_emit_activation, 1, false, false, false},
    {"Gelu", MS, onnx_emit_activation, 1, false, false, false},
    {"Clip", D, onnx_emit_clip, 1, false, false, false},
    {"Softmax", D, onnx_emit_softmax, 1, false, false, false},
    {"Reshape", D, onnx_emit_reshape, 1, false, true, false},
    {"Squeeze", D, onnx_emit_reshape, 1, false, true, false},
    {"Unsqueeze", D, onnx_emit_reshape, 1, false, true, false},
    {"Flatten", D, onnx_emit_flatten, 1, false, true, false},
    {"Transpose", D, onnx_emit_transpose, 1, false, true, false},
    {"Concat", D, onnx_emit_concat, ALL, false, true, false},
    {"Pad", D, onnx_emit_pad, 1, false, true, false},
    {"Resize", D, onnx_emit_resize, 1, false, true, false},
    {"Upsample", D, onnx_emit_resize, 1, false, true, false},
    {"BatchNormalization", D, onnx_emit_batchnorm, 1, false, false, false},
    {"QuantizeLinear", D, onnx_emit_boundary, 0, false, false, false},
    {"DequantizeLinear", D, onnx_emit_boundary, 0, false, false, false},
    {"Gather", D, onnx_emit_refuse, 0, false, false, false},
    {"Slice", D, onnx_emit_refuse, 0, false, false, false},
    {"Cast", D, onnx_emit_refuse, 0, false, false, false},
    {"ConvInteger", D, onnx_emit_conv, 0, false, false, false},
    {"MatMulInteger", D, onnx_emit_matmul, 0, false, false, false},
};
#undef D
#undef MS
#undef ALL

const struct onnx_emit_rule *onnx_emit_rule_of(const struct onnx_node *n)
{
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (rules[i].domain == n->domain && strcmp(rules[i].op, n->op) == 0)
            return &rules[i];
    return NULL;
}

const struct onnx_value *onnx_in_qvalue(struct onnx_ctx *ctx, const struct onnx_node *n, int i)
{
    const struct onnx_value *v = onnx_in(ctx, n, i);
    if (ctx->quantized && i == 0 && n->qin >= 0) /* rescaled first (onnx_qplan.c) */
        return &ctx->values[n->qin];
    if (ctx->quantized && v && v->dq_of >= 0)
        return &ctx->values[onnx_value_resolve(ctx, v->dq_of)];
    return v;
}

const struct onnx_value *onnx_out_qvalue(struct onnx_ctx *ctx, const struct onnx_node *n)
{
    if (ctx->quantized && n->qout >= 0)
        return &ctx->values[onnx_value_resolve(ctx, n->qout)];
    return onnx_out(ctx, n, 0);
}

int onnx_in_ir(struct onnx_ctx *ctx, const struct onnx_node *n, int i)
{
    const struct onnx_value *v = onnx_in_qvalue(ctx, n, i);
    if (!v)
        return onnx_fail(ctx, n, DPU_E_INVALID, "input %d is missing", i);
    return onnx_ir_tensor(ctx, n, (int)(v - ctx->values));
}

int onnx_out_ir(struct onnx_ctx *ctx, const struct onnx_node *n)
{
    const struct onnx_value *v = onnx_out_qvalue(ctx, n);
    if (!v)
        return onnx_fail(ctx, n, DPU_E_INVALID, "output 0 is missing");
    return onnx_ir_tensor(ctx, n, (int)(v - ctx->values));
}

int onnx_emit(struct onnx_ctx *ctx)
{
    /* Each node adds at most a handful of tensors (reshapes, weights, bias). */
    int err = onnx_values_reserve(ctx, 8 * ctx->nnodes + 2 * ctx->nvalues + 64);
    if (err)
        return err;
    ctx->values_frozen = true;
    ctx->g->quantized = ctx->quantized;
    for (size_t k = 0; k < ctx->nnodes; k++) {
        struct onnx_node *n = &ctx->nodes[ctx->order[k]];
        if (n->dead)
            continue;
        const struct onnx_emit_rule *r = onnx_emit_rule_of(n);
        if (!r)
            return onnx_fail(ctx, n, DPU_E_INTERNAL, "no emitter for this op");
        if (ctx->quantized && n->qin >= 0 && (err = onnx_emit_rescale_input(ctx, n)))
            return err;
        if ((err = r->emit(ctx, n)))
            return err;
    }
    return onnx_ir_graph_io(ctx);
}
