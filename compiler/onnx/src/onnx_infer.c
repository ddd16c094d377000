/* The forward pass: every node in topological order gets its outputs' types and shapes
 * (shape inference), and a node whose result can be computed at import time is computed
 * and marked dead (constant folding). Folding sees the shapes inferred so far, which is what
 * turns PyTorch's Shape -> Gather -> Unsqueeze -> Concat -> Reshape chains into a constant
 * shape. Identity and inference-mode Dropout become aliases of their input.
 *
 * The op table below is THE list of ONNX ops the importer knows; an op not in it is refused
 * here, by node name and op type, before anything is emitted.
 */
#include <string.h>

#include "dpu/onnx_infer.h"

struct op_rule {
    const char *op;
    enum onnx_domain domain;
    int min_in, max_in, max_out;
    bool quant; /* a quantization op: refused in DPU_ONNX_FLOAT mode */
    onnx_infer_fn infer;
    onnx_infer_fn fold; /* computes the outputs when every present input is constant */
};

#define D  ONNX_DOMAIN_DEFAULT
#define MS ONNX_DOMAIN_MS
static const struct op_rule rules[] = {
    {"Identity", D, 1, 1, 1, false, onnx_infer_identity, NULL},
    {"Dropout", D, 1, 3, 2, false, onnx_infer_dropout, NULL},
    {"Constant", D, 0, 0, 1, false, onnx_infer_constant, NULL},
    {"Shape", D, 1, 1, 1, false, onnx_infer_shape_op, NULL},
    {"ConstantOfShape", D, 1, 1, 1, false, onnx_infer_constant_of_shape, NULL},
    {"Gather", D, 2, 2, 1, false, onnx_infer_gather, onnx_fold_gather},
    {"Unsqueeze", D, 1, 2, 1, false, onnx_infer_unsqueeze, onnx_fold_reshape_like},
    {"Squeeze", D, 1, 2, 1, false, onnx_infer_squeeze, onnx_fold_reshape_like},
    {"Reshape", D, 2, 2, 1, false, onnx_infer_reshape, onnx_fold_reshape_like},
    {"Flatten", D, 1, 1, 1, false, onnx_infer_flatten, onnx_fold_reshape_like},
    {"Concat", D, 1, ONNX_MAX_NODE_IO, 1, false, onnx_infer_concat, onnx_fold_concat},
    {"Cast", D, 1, 1, 1, false, onnx_infer_cast, onnx_fold_cast},
    {"Slice", D, 3, 5, 1, false, onnx_infer_slice, onnx_fold_slice},
    {"Transpose", D, 1, 1, 1, false, onnx_infer_transpose, onnx_fold_transpose},
    {"Add", D, 2, 2, 1, false, onnx_infer_binary, onnx_fold_binary},
    {"Sub", D, 2, 2, 1, false, onnx_infer_binary, onnx_fold_binary},
    {"Mul", D, 2, 2, 1, false, onnx_infer_binary, onnx_fold_binary},
    {"Div", D, 2, 2, 1, false, onnx_infer_binary, onnx_fold_binary},
    {"Conv", D, 2, 3, 1, false, onnx_infer_conv, NULL},
    {"Gemm", D, 2, 3, 1, false, onnx_infer_gemm, NULL},
    {"MatMul", D, 2, 2, 1, false, onnx_infer_matmul, NULL},
    {"MaxPool", D, 1, 1, 2, false, onnx_infer_pool, NULL},
    {"AveragePool", D, 1, 1, 1, false, onnx_infer_pool, NULL},
    {"GlobalAveragePool", D, 1, 1, 1, false, onnx_infer_global_pool, NULL},
    {"Relu", D, 1, 1, 1, false, onnx_infer_unary, NULL},
    {"Sigmoid", D, 1, 1, 1, false, onnx_infer_unary, NULL},
    {"Tanh", D, 1, 1, 1, false, onnx_infer_unary, NULL},
    {"HardSwish", D, 1, 1, 1, false, onnx_infer_unary, NULL},
    {"LeakyRelu", D, 1, 1, 1, false, onnx_infer_unary, NULL},
    {"HardSigmoid", D, 1, 1, 1, false, onnx_infer_unary, NULL},
    {"Gelu", D, 1, 1, 1, false, onnx_infer_unary, NULL},
    {"Clip", D, 1, 3, 1, false, onnx_infer_clip, NULL},
    {"Softmax", D, 1, 1, 1, false, onnx_infer_softmax, NULL},
    {"Pad", D, 1, 3, 1, false, onnx_infer_pad, NULL},
    {"Resize", D, 1, 4, 1, false, onnx_infer_resize, NULL},
    {"Upsample", D, 1, 2, 1, false, onnx_infer_resize, NULL},
    {"BatchNormalization", D, 5, 5, 3, false, onnx_infer_batchnorm, NULL},
    {"QuantizeLinear", D, 2, 3, 1, true, onnx_infer_quantize, onnx_fold_quantize},
    {"DequantizeLinear", D, 2, 3, 1, true, onnx_infer_dequantize, NULL},
    {"QLinearConv", D, 8, 9, 1, true, onnx_infer_conv, NULL},
    {"QLinearMatMul", D, 8, 8, 1, true, onnx_infer_matmul, NULL},
    {"ConvInteger", D, 2, 4, 1, true, onnx_infer_conv, NULL},
    {"MatMulInteger", D, 2, 4, 1, true, onnx_infer_matmul, NULL},
    {"QLinearAdd", MS, 7, 8, 1, true, onnx_infer_qlinear_add, NULL},
    {"QLinearGlobalAveragePool", MS, 5, 5, 1, true, onnx_infer_global_pool, NULL},
    {"Gelu", MS, 1, 1, 1, false, onnx_infer_unary, NULL},
};
#undef D
#undef MS

static const struct op_rule *find_rule(const struct onnx_node *n)
{
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (rules[i].domain == n->domain && strcmp(rules[i].op, n->op) == 0)
            return &rules[i];
    return NULL;
}

bool onnx_is_quant_op(const struct onnx_node *n)
{
    const struct op_rule *r = find_rule(n);
    return r && r->quant;
}

static int unsupported(struct onnx_ctx *ctx, const struct onnx_node *n)
{
    char db[ONNX_NAME_MAX];
    if (n->domain == ONNX_DOMAIN_OTHER)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "op %s of domain '%s' is not supported", n->op,
                         onnx_safe_name(n->pb->domain, db));
    if (n->domain == ONNX_DOMAIN_MS)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                         "op %s of domain 'com.microsoft' is not supported", n->op);
    return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "op %s is not supported", n->op);
}

/* Counts how many node inputs and graph outputs read each value. */
void onnx_count_uses(struct onnx_ctx *ctx, bool live_only)
{
    for (size_t v = 0; v < ctx->nvalues; v++)
        ctx->values[v].nuses = 0;
    for (size_t i = 0; i < ctx->nnodes; i++) {
        const struct onnx_node *n = &ctx->nodes[i];
        if (live_only && n->dead)
            continue;
        for (int k = 0; k < n->nin; k++)
            if (n->in[k] >= 0)
                ctx->values[onnx_value_resolve(ctx, n->in[k])].nuses++;
    }
    for (size_t i = 0; i < ctx->ngoutputs; i++)
        ctx->values[onnx_value_resolve(ctx, ctx->goutputs[i])].nuses++;
}

static bool all_inputs_const(struct onnx_ctx *ctx, const struct onnx_node *n)
{
    for (int i = 0; i < n->nin; i++) {
        const struct onnx_value *v = onnx_in(ctx, n, i);
        if (v && !v->is_const)
            return false;
    }
    return true;
}

int onnx_infer_node(struct onnx_ctx *ctx, struct onnx_node *n)
{
    const struct op_rule *r = find_rule(n);
    if (!r)
        return unsupported(ctx, n);
    if (r->quant && ctx->opts && ctx->opts->mode == DPU_ONNX_FLOAT)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                         "is a quantization op, and a float import was requested");
    if (n->nin < r->min_in || n->nin > r->max_in)
        return onnx_fail(ctx, n, DPU_E_INVALID, "has %d inputs, expected %d to %d", n->nin,
                         r->min_in, r->max_in);
    if (n->nout < 1 || n->nout > r->max_out)
        return onnx_fail(ctx, n, DPU_E_INVALID, "has %d outputs, expected 1 to %d", n->nout,
                         r->max_out);
    /* Only later outputs are optional; every op here has a first one. */
    if (n->out[0] < 0)
        return onnx_fail(ctx, n, DPU_E_INVALID, "its first output has no name");
    for (int i = 0; i < n->nin; i++) {
        const struct onnx_value *v = onnx_in(ctx, n, i);
        char nb[ONNX_NAME_MAX];
        if (v && !v->shape_known && !v->unsupported_const)
            return onnx_fail(ctx, n, DPU_E_INTERNAL, "input '%s' was not inferred",
                             onnx_safe_name(v->name, nb));
    }
    int err = r->infer(ctx, n);
    if (err || n->dead)
        return err;
    if (r->fold && all_inputs_const(ctx, n)) {
        err = r->fold(ctx, n);
        if (!err) {
            n->dead = true;
            for (int i = 0; i < n->nout; i++)
                if (n->out[i] >= 0 && ctx->values[n->out[i]].konst.data)
                    ctx->values[n->out[i]].is_const = true;
        }
    }
    return err;
}

int onnx_infer(struct onnx_ctx *ctx)
{
    onnx_count_uses(ctx, false);
    for (size_t i = 0; i < ctx->nnodes; i++) {
        int err = onnx_infer_node(ctx, &ctx->nodes[ctx->order[i]]);
        if (err)
            return err;
    }
    return DPU_OK;
}

int onnx_make_alias(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err;
    struct onnx_value *in = onnx_need_in(ctx, n, 0, &err);
    if (!in)
        return err;
    struct onnx_value *out = onnx_out(ctx, n, 0);
    if (out) {
        out->alias = (int)(in - ctx->values);
        out->elem = in->elem;
        out->rank = in->rank;
        memcpy(out->dims, in->dims, sizeof out->dims);
        out->shape_known = true;
    }
    n->dead = true;
    return DPU_OK;
}

int onnx_infer_identity(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = onnx_attr_only(ctx, n, (const char *const[]){NULL});
    return err ? err : onnx_make_alias(ctx, n);
}

/* Dropout at inference is the identity; its mask output, if anything reads it, is not. */
int onnx_infer_dropout(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = onnx_attr_only(ctx, n, (const char *const[]){"ratio", "seed", "is_test", NULL});
    if (err)
        return err;
    struct onnx_value *mask = onnx_out(ctx, n, 1);
    if (mask && mask->nuses > 0)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "its mask output is used");
    const struct onnx_value *training = onnx_in(ctx, n, 2);
    if (training) {
        if (!training->is_const || onnx_tensor_count(&training->konst) != 1)
            return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "training_mode must be a constant scalar");
        if (onnx_tensor_get_i(&training->konst, 0) != 0)
            return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "training mode is not supported");
    }
    return onnx_make_alias(ctx, n);
}
