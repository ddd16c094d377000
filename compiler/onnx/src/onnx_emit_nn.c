/* Emission of compute ops, float and quantized alike: the same IR op with, in a quantized
 * graph, int8 tensors in place of the DequantizeLinear views, integer weights and biases,
 * and a clamp. Positions of the operands differ between the QDQ form (Conv: X, W, B) and
 * the operator form (QLinearConv: X, x_scale, x_zp, W, ...). */
#include <math.h>
#include <string.h>

#include "dpu/onnx_emit.h"
#include "dpu/onnx_infer.h"
#include "dpu/onnx_quant.h"

static bool is_op(const struct onnx_node *n, const char *op)
{
    return strcmp(n->op, op) == 0;
}

int onnx_emit_conv(struct onnx_ctx *ctx, struct onnx_node *n)
{
    bool ql = is_op(n, "QLinearConv");
    /* ConvInteger: inputs 2 and 3 are zero points (onnx_qplan.c); no bias, an int32 result. */
    bool integer = is_op(n, "ConvInteger");
    int wi = ql ? 3 : 1, bi = ql ? 8 : 2;
    const struct onnx_value *x = onnx_in_qvalue(ctx, n, 0), *w = onnx_in_qvalue(ctx, n, wi);
    const struct onnx_value *b =
        !integer && onnx_in(ctx, n, bi) ? onnx_in_qvalue(ctx, n, bi) : NULL;
    const struct onnx_value *xs = onnx_in(ctx, n, 0);
    struct onnx_window win;
    int64_t group;
    int err = onnx_window(ctx, n, ONNX_WIN_CONV, xs->rank, xs->dims, w->dims + 2, &win);
    if (err || (err = onnx_conv_group(ctx, n, &group)))
        return err;
    int64_t wd[4] = {w->dims[0], w->dims[1], 1, 1};
    if (win.nsp == 2)
        memcpy(wd, w->dims, sizeof wd);
    else
        wd[3] = w->dims[2];
    int wir, bir;
    if ((err = onnx_ir_weights(ctx, n, w, false, 1.0, 4, wd, &wir)) ||
        (err = onnx_ir_bias(ctx, n, b, 1.0, wd[0], wir, x, &bir)))
        return err;
    int xir = onnx_in_ir(ctx, n, 0), yir = xir < 0 ? xir : onnx_out_ir(ctx, n);
    if (yir < 0)
        return yir;
    int32_t extra[2] = {wir, bir};
    int node;
    if ((err = onnx_ir_window_op(ctx, n, DPU_NODE_CONV2D, &win, group, xir, b ? 2 : 1, extra, yir,
                                 &node)))
        return err;
    return onnx_ir_clamp(ctx, n, node, onnx_out_qvalue(ctx, n));
}

int onnx_emit_pool(struct onnx_ctx *ctx, struct onnx_node *n)
{
    bool is_max = is_op(n, "MaxPool");
    const struct onnx_value *x = onnx_in(ctx, n, 0);
    struct onnx_window win;
    int err = onnx_window(ctx, n, is_max ? ONNX_WIN_MAXPOOL : ONNX_WIN_AVGPOOL, x->rank, x->dims,
                          NULL, &win);
    if (err)
        return err;
    int xir = onnx_in_ir(ctx, n, 0), yir = xir < 0 ? xir : onnx_out_ir(ctx, n);
    if (yir < 0)
        return yir;
    int node;
    return onnx_ir_window_op(ctx, n, is_max ? DPU_NODE_MAX_POOL : DPU_NODE_AVG_POOL, &win, 0, xir,
                             0, NULL, yir, &node);
}

int onnx_emit_global_pool(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int xir = onnx_in_ir(ctx, n, 0), yir = xir < 0 ? xir : onnx_out_ir(ctx, n);
    if (yir < 0)
        return yir;
    const struct dpu_gtensor *tx = &ctx->g->tensors[xir];
    int32_t in = xir, out = yir;
    if (tx->rank == 3) {
        /* (N, C, L) pools as (N, C, 1, L) into (N, C, 1, 1), then back to (N, C, 1). */
        int64_t d4[4] = {tx->dims[0], tx->dims[1], 1, tx->dims[2]};
        int64_t o4[4] = {tx->dims[0], tx->dims[1], 1, 1};
        if ((in = onnx_ir_reshape(ctx, n, "to_2d", xir, 4, d4)) < 0)
            return in;
        if ((out = onnx_ir_reshape_to(ctx, n, "from_2d", yir, 4, o4)) < 0)
            return out;
    }
    int node = onnx_ir_node(ctx, n, NULL, DPU_NODE_GLOBAL_AVG_POOL, 1, &in, 1, &out);
    return node < 0 ? node : DPU_OK;
}

/* FullyConnected of 2-D x [rows, k] with weights w laid out [m, k] (transpose: w is the
 * model's [k, m]); x of higher rank is flattened to 2-D and the result reshaped back. */
static int emit_fc(struct onnx_ctx *ctx, struct onnx_node *n, int xi, const struct onnx_value *w,
                   bool transpose, double alpha, const struct onnx_value *b, double beta)
{
    const struct onnx_value *x = onnx_in_qvalue(ctx, n, xi);
    const struct onnx_value *xs = onnx_in(ctx, n, xi);
    int64_t m = transpose ? w->dims[1] : w->dims[0], k = transpose ? w->dims[0] : w->dims[1];
    int64_t wd[2] = {m, k};
    int wir, bir, err;
    if ((err = onnx_ir_weights(ctx, n, w, transpose, alpha, 2, wd, &wir)) ||
        (err = onnx_ir_bias(ctx, n, b, beta, m, wir, x, &bir)))
        return err;
    int xir = onnx_in_ir(ctx, n, xi), yir = xir < 0 ? xir : onnx_out_ir(ctx, n);
    if (yir < 0)
        return yir;
    int32_t in[3] = {xir, wir, bir}, out = yir;
    if (xs->rank > 2) {
        int64_t rows = dpu_shape_count(xs->rank - 1, xs->dims);
        int64_t d2[2] = {rows, k}, o2[2] = {rows, m};
        if ((in[0] = onnx_ir_reshape(ctx, n, "to_2d", xir, 2, d2)) < 0)
            return in[0];
        if ((out = onnx_ir_reshape_to(ctx, n, "from_2d", yir, 2, o2)) < 0)
            return out;
    }
    int node = onnx_ir_node(ctx, n, NULL, DPU_NODE_FULLY_CONNECTED, b ? 3 : 2, in, 1, &out);
    if (node < 0)
        return node;
    return onnx_ir_clamp(ctx, n, node, onnx_out_qvalue(ctx, n));
}

int onnx_emit_gemm(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int64_t ta, tb;
    double alpha, beta;
    int err;
    if ((err = onnx_attr_int(ctx, n, "transA", 0, &ta)) ||
        (err = onnx_attr_int(ctx, n, "transB", 0, &tb)) ||
        (err = onnx_attr_float(ctx, n, "alpha", 1, &alpha)) ||
        (err = onnx_attr_float(ctx, n, "beta", 1, &beta)))
        return err;
    const struct onnx_value *bq = onnx_in_qvalue(ctx, n, 1);
    const struct onnx_value *c = onnx_in(ctx, n, 2) ? onnx_in_qvalue(ctx, n, 2) : NULL;
    const struct onnx_value *y = onnx_out(ctx, n, 0);
    int64_t m = y->dims[1];
    bool c_vector =
        !c ||
        (c->is_const && (onnx_tensor_count(&c->konst) == 1 ||
                         (onnx_tensor_count(&c->konst) == m && (c->rank == 1 || c->dims[0] == 1))));
    if (!ta && bq->is_const && c_vector)
        return emit_fc(ctx, n, 0, bq, !tb, alpha, c, beta);
    if (ctx->quantized)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                         "a quantized Gemm needs transA = 0, constant B and a vector bias");
    /* The general float Gemm. */
    int32_t in[3] = {onnx_in_ir(ctx, n, 0), onnx_in_ir(ctx, n, 1), c ? onnx_in_ir(ctx, n, 2) : -1};
    for (int i = 0; i < 3; i++)
        if (in[i] < -1)
            return in[i];
    int32_t out = onnx_out_ir(ctx, n);
    if (out < 0)
        return out;
    int node = onnx_ir_node(ctx, n, NULL, DPU_NODE_GEMM, c ? 3 : 2, in, 1, &out);
    if (node < 0)
        return node;
    if ((err = onnx_ir_set_float(ctx, n, node, "alpha", alpha)) ||
        (err = onnx_ir_set_float(ctx, n, node, "beta", beta)) ||
        (err = onnx_ir_set_int(ctx, n, node, "transA", ta)) ||
        (err = onnx_ir_set_int(ctx, n, node, "transB", tb)))
        return err;
    return DPU_OK;
}

/* Whether constant int8 b becomes FullyConnected weights: symmetric ones (zero points 0,
 * no -128: what the accelerator runs), or per-column ones, which only FullyConnected can
 * carry. An asymmetric per-tensor b stays the second operand of an int8 MatMul, which
 * takes zero points on both sides. */
static bool symmetric_weights(const struct onnx_value *b)
{
    if (!b->has_q)
        return true; /* the weights emitter explains what is missing */
    bool per_tensor = b->q.count == 1;
    for (size_t i = 0; i < b->q.count; i++)
        if (b->q.zp[i] != 0)
            return !per_tensor;
    int64_t count = onnx_tensor_count(&b->konst);
    for (int64_t i = 0; i < count; i++) {
        int64_t v = onnx_tensor_get_i(&b->konst, i) - (b->elem == ONNX_UINT8 ? 128 : 0);
        if (v == -128)
            return !per_tensor;
    }
    return true;
}

int onnx_emit_matmul(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int bi = is_op(n, "QLinearMatMul") ? 3 : 1;
    const struct onnx_value *b = onnx_in_qvalue(ctx, n, bi);
    /* MatMulInteger stays MatMul unless B has a zero point per column, which only
     * FullyConnected weights (per output channel) can carry. */
    bool fc = is_op(n, "MatMulInteger") ? b->has_q && b->q.count > 1
                                        : !ctx->quantized || symmetric_weights(b);
    if (b->is_const && b->rank == 2 && fc)
        return emit_fc(ctx, n, 0, b, true, 1.0, NULL, 1.0);
    int32_t in[2] = {onnx_in_ir(ctx, n, 0), onnx_in_ir(ctx, n, bi)};
    if (in[0] < 0 || in[1] < 0)
        return in[0] < 0 ? in[0] : in[1];
    int32_t out = onnx_out_ir(ctx, n);
    if (out < 0)
        return out;
    int node = onnx_ir_node(ctx, n, NULL, DPU_NODE_MATMUL, 2, in, 1, &out);
    if (node < 0)
        return node;
    return onnx_ir_clamp(ctx, n, node, onnx_out_qvalue(ctx, n));
}

int onnx_emit_batchnorm(struct onnx_ctx *ctx, struct onnx_node *n)
{
    if (ctx->quantized)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                         "BatchNormalization in a quantized model (fold it into the preceding "
                         "convolution before quantizing)");
    double eps;
    int err = onnx_attr_float(ctx, n, "epsilon", 1e-5, &eps);
    if (err)
        return err;
    int32_t in[5];
    for (int i = 0; i < 5; i++)
        if ((in[i] = onnx_in_ir(ctx, n, i)) < 0)
            return in[i];
    int32_t out = onnx_out_ir(ctx, n);
    if (out < 0)
        return out;
    int node = onnx_ir_node(ctx, n, NULL, DPU_NODE_BATCH_NORM, 5, in, 1, &out);
    if (node < 0)
        return node;
    return onnx_ir_set_float(ctx, n, node, "epsilon", (float)eps);
}
