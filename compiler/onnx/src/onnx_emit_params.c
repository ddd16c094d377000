/* Constants and attributes of compute ops: weights laid out output-channel first, biases
 * as vectors, and in quantized graphs the integer forms the arithmetic contract
 * (docs/arithmetic.md) wants: per-channel int8 weights (any zero points), int32 biases with scale
 * s_x * s_w[c], clamps, lookup tables and exp tables. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/onnx_emit.h"
#include "dpu/onnx_infer.h"
#include "dpu/onnx_quant.h"
#include "dpu/qparams.h"

static bool same_shape(int ra, const int64_t *a, int rb, const int64_t *b)
{
    if (ra != rb)
        return false;
    for (int i = 0; i < ra; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* Source element i of w as int8 (uint8 shifted). */
static int32_t q_at(const struct onnx_value *w, int64_t i)
{
    int32_t v = (int32_t)onnx_tensor_get_i(&w->konst, i);
    return w->elem == ONNX_UINT8 ? onnx_u8_to_i8(v) : v;
}

static int quant_weights(struct onnx_ctx *ctx, const struct onnx_node *n,
                         const struct onnx_value *w, bool transpose, int64_t m, int8_t *dst,
                         float *scales, int32_t *zps)
{
    char nb[ONNX_NAME_MAX];
    const char *wn = onnx_safe_name(w->name, nb);
    int ch_axis = transpose ? 1 : 0;
    if (!w->has_q)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "weights '%s' have no quantization", wn);
    if (w->elem != ONNX_INT8 && w->elem != ONNX_UINT8)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "weights '%s' are %s, not int8 or uint8", wn,
                         onnx_elem_name(w->elem));
    if (w->q.axis >= 0 && w->q.axis != ch_axis)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                         "weights '%s' are quantized along axis %d; opendpu needs per-tensor or "
                         "per-output-channel (axis %d) scales",
                         wn, w->q.axis, ch_axis);
    /* Zero points are int8 here (uint8 shifted); any value, like any int8 weight, is kept:
     * dpu_graph_weights_symmetric tells the compiler whether the accelerator can run it. */
    for (int64_t c = 0; c < m; c++) {
        scales[c] = w->q.scale[w->q.axis >= 0 ? c : 0];
        zps[c] = w->q.zp[w->q.axis >= 0 ? c : 0];
    }
    int64_t count = onnx_tensor_count(&w->konst), k = count / (m ? m : 1);
    for (int64_t i = 0; i < count; i++) {
        /* dst is [m, k]; a transposed source is [k, m]. */
        int64_t src = transpose ? (i % k) * m + i / k : i;
        dst[i] = (int8_t)q_at(w, src);
    }
    return DPU_OK;
}

int onnx_ir_weights(struct onnx_ctx *ctx, const struct onnx_node *n, const struct onnx_value *w,
                    bool transpose, double alpha, int rank, const int64_t *dims, int *ir)
{
    char nb[ONNX_NAME_MAX];
    if (!w->is_const)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "weights '%s' must be a constant",
                         onnx_safe_name(w->name, nb));
    int64_t m = dims[0], count = onnx_tensor_count(&w->konst);
    if (dpu_shape_count(rank, dims) != count)
        return onnx_fail(ctx, n, DPU_E_INTERNAL, "weights '%s' reshaped to another size",
                         onnx_safe_name(w->name, nb));
    bool direct = !transpose && alpha == 1 && same_shape(rank, dims, w->rank, w->dims);
    if (direct && w->ir >= 0) {
        *ir = w->ir;
        return DPU_OK;
    }
    void *data = malloc(count ? (size_t)count * 4 : 1);
    float *scales = malloc((size_t)(m ? m : 1) * sizeof *scales);
    int32_t *zps = calloc((size_t)(m ? m : 1), sizeof *zps);
    int err = DPU_OK;
    if (!data || !scales || !zps) {
        err = dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
    } else if (ctx->quantized) {
        err = quant_weights(ctx, n, w, transpose, m, data, scales, zps);
    } else if (w->elem != ONNX_FLOAT) {
        err = onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "weights '%s' are %s in a float model",
                        onnx_safe_name(w->name, nb), onnx_elem_name(w->elem));
    } else {
        int64_t k = count / (m ? m : 1);
        for (int64_t i = 0; i < count; i++) {
            int64_t src = transpose ? (i % k) * m + i / k : i;
            ((float *)data)[i] = (float)(alpha * ((const float *)w->konst.data)[src]);
        }
    }
    int t = err;
    if (!err) {
        enum dpu_dtype dt = ctx->quantized ? DPU_DT_INT8 : DPU_DT_FLOAT32;
        /* Weights used as the model stores them keep the model's name. */
        if (direct) {
            t = dpu_graph_add_tensor(ctx->g, w->name, dt, rank, dims, data);
            if (t < 0)
                t = onnx_ir_fail(ctx, n, t);
            else
                ctx->values[w - ctx->values].ir = t;
        } else {
            t = onnx_ir_new_tensor(ctx, w->name, transpose ? "/T" : "/2d", dt, rank, dims, data);
        }
        if (t >= 0 && ctx->quantized) {
            int e = dpu_graph_set_quant(ctx->g, t, 0, (size_t)m, scales, zps);
            if (e)
                t = onnx_ir_fail(ctx, n, e);
        }
    }
    free(data);
    free(scales);
    free(zps);
    if (t < 0)
        return t;
    *ir = t;
    return DPU_OK;
}

/* Bias element c of b broadcast to m channels: b is a scalar, [m] or [1, m]. */
static int64_t bias_index(const struct onnx_value *b, int64_t c)
{
    return onnx_tensor_count(&b->konst) == 1 ? 0 : c;
}

static int check_bias_shape(struct onnx_ctx *ctx, const struct onnx_node *n,
                            const struct onnx_value *b, int64_t m)
{
    int64_t count = onnx_tensor_count(&b->konst);
    char nb[ONNX_NAME_MAX], sb[DPU_SHAPE_STR_MAX];
    bool ok = count == 1 || (count == m && (b->rank == 1 || (b->rank == 2 && b->dims[0] == 1)));
    if (!b->is_const)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "bias '%s' must be a constant",
                         onnx_safe_name(b->name, nb));
    if (!ok)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                         "bias '%s' of shape %s for %" PRId64 " channels",
                         onnx_safe_name(b->name, nb), onnx_shape_str(b->rank, b->dims, sb), m);
    return DPU_OK;
}

/* The int32 bias of a quantized op: real bias / (s_x s_w[c]), rounded once. */
static int quant_bias(struct onnx_ctx *ctx, const struct onnx_node *n, const struct onnx_value *b,
                      int64_t m, const float *expect, int32_t *dst)
{
    char nb[ONNX_NAME_MAX];
    for (int64_t c = 0; c < m; c++) {
        int64_t i = bias_index(b, c);
        double real;
        if (!(expect[c] > 0) || isinf(expect[c]))
            return onnx_fail(ctx, n, DPU_E_RANGE,
                             "the bias scale of channel %lld (input scale x weight scale) is "
                             "not a positive float32",
                             (long long)c);
        if (b->elem == ONNX_FLOAT) {
            real = onnx_tensor_get_f(&b->konst, i);
        } else if (b->elem == ONNX_INT32 && b->has_q) {
            size_t qc = b->q.count > 1 ? (size_t)c : 0;
            if (b->q.count > 1 && b->q.axis != 0)
                return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "bias '%s' quantized along axis %d",
                                 onnx_safe_name(b->name, nb), b->q.axis);
            if (b->q.zp[qc] != 0)
                return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "bias '%s' has a nonzero zero point",
                                 onnx_safe_name(b->name, nb));
            int32_t v = (int32_t)onnx_tensor_get_i(&b->konst, i);
            /* The usual case: the bias already has scale s_x * s_w[c]. */
            if (fabs((double)b->q.scale[qc] - expect[c]) <= 1e-6 * expect[c]) {
                dst[c] = v;
                continue;
            }
            real = (double)b->q.scale[qc] * v;
        } else if (b->elem == ONNX_INT32) {
            dst[c] = (int32_t)onnx_tensor_get_i(&b->konst, i); /* QLinearConv: s_x * s_w */
            continue;
        } else {
            return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "bias '%s' of type %s",
                             onnx_safe_name(b->name, nb), onnx_elem_name(b->elem));
        }
        if (isnan(real))
            return onnx_fail(ctx, n, DPU_E_INVALID, "bias '%s' holds a NaN",
                             onnx_safe_name(b->name, nb));
        /* Saturated to int32 (infinities included) before the conversion. */
        double q = dpu_round_half_even(real / expect[c]);
        dst[c] = q >= 2147483647.0 ? INT32_MAX : q <= -2147483648.0 ? INT32_MIN : (int32_t)q;
    }
    return DPU_OK;
}

/* Whether the quantized bias data equals b itself: an int32 [m] not yet emitted. */
static bool kept_int32_bias(const struct onnx_value *b, int64_t m, const int32_t *data)
{
    if (b->elem != ONNX_INT32 || b->rank != 1 || b->dims[0] != m || b->ir >= 0)
        return false;
    for (int64_t c = 0; c < m; c++)
        if (onnx_tensor_get_i(&b->konst, c) != data[c])
            return false;
    return true;
}

int onnx_ir_bias(struct onnx_ctx *ctx, const struct onnx_node *n, const struct onnx_value *b,
                 double beta, int64_t m, int weights_ir, const struct onnx_value *x, int *ir)
{
    *ir = -1;
    if (!b)
        return DPU_OK;
    int err = check_bias_shape(ctx, n, b, m);
    if (err)
        return err;
    /* A float bias used as the model stores it keeps the model's name. */
    if (!ctx->quantized && beta == 1 && b->rank == 1 && b->dims[0] == m && b->elem == ONNX_FLOAT) {
        int t = onnx_ir_tensor(ctx, n, (int)(b - ctx->values));
        if (t < 0)
            return t;
        *ir = t;
        return DPU_OK;
    }
    void *data = malloc((size_t)(m ? m : 1) * 4);
    float *expect = malloc((size_t)(m ? m : 1) * sizeof *expect);
    if (!data || !expect) {
        free(data);
        free(expect);
        return dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
    }
    if (ctx->quantized) {
        const struct dpu_quant *wq = &ctx->g->tensors[weights_ir].quant;
        for (int64_t c = 0; c < m; c++)
            expect[c] = (float)((double)x->q.scale[0] * wq->scale[wq->count > 1 ? c : 0]);
        err = quant_bias(ctx, n, b, m, expect, data);
    } else if (b->elem != ONNX_FLOAT) {
        char nb[ONNX_NAME_MAX];
        err = onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "bias '%s' is %s in a float model",
                        onnx_safe_name(b->name, nb), onnx_elem_name(b->elem));
    } else {
        for (int64_t c = 0; c < m; c++)
            ((float *)data)[c] = (float)(beta * onnx_tensor_get_f(&b->konst, bias_index(b, c)));
    }
    int t = err;
    if (!err && kept_int32_bias(b, m, data)) {
        /* An int32 bias used exactly as the model stores it keeps the model's name (as
         * weights do), so a model written by `dpuc export` re-imports with its names. */
        t = dpu_graph_add_tensor(ctx->g, b->name, DPU_DT_INT32, 1, &m, data);
        if (t < 0)
            t = onnx_ir_fail(ctx, n, t);
        else
            ctx->values[b - ctx->values].ir = t;
    } else if (!err) {
        t = onnx_ir_new_tensor(ctx, b->name, ctx->quantized ? "/q" : "/b",
                               ctx->quantized ? DPU_DT_INT32 : DPU_DT_FLOAT32, 1, &m, data);
    }
    if (t >= 0 && ctx->quantized) {
        err = dpu_graph_set_quant(ctx->g, t, 0, (size_t)m, expect, NULL);
        if (err)
            t = onnx_ir_fail(ctx, n, err);
    }
    free(data);
    free(expect);
    if (t < 0)
        return t;
    *ir = t;
    return DPU_OK;
}

static int32_t q_real(double v, const struct onnx_value *out)
{
    return dpu_quantize_f32((float)v, out->q.scale[0], out->q.zp[0], -128, 127);
}

int onnx_q_clamp_of(struct onnx_ctx *ctx, const struct onnx_node *act, const struct onnx_value *out,
                    int64_t *lo, int64_t *hi)
{
    if (strcmp(act->op, "Relu") == 0) {
        *lo = out->q.zp[0];
        *hi = 127;
        return DPU_OK;
    }
    double a, b;
    int err = onnx_clip_bounds(ctx, act, &a, &b);
    if (err)
        return err;
    *lo = q_real(a, out);
    *hi = q_real(b, out);
    return DPU_OK;
}

int onnx_ir_clamp(struct onnx_ctx *ctx, const struct onnx_node *n, int node,
                  const struct onnx_value *out)
{
    if (!ctx->quantized || n->fused < 0)
        return DPU_OK;
    int64_t c[2];
    int err = onnx_q_clamp_of(ctx, &ctx->nodes[n->fused], out, &c[0], &c[1]);
    return err ? err : onnx_ir_set_ints(ctx, n, node, "clamp", 2, c);
}

int onnx_q_lut(struct onnx_ctx *ctx, const struct onnx_node *act, const struct onnx_value *in,
               const struct onnx_value *out, int64_t *lut)
{
    double alpha, beta;
    bool leaky = strcmp(act->op, "LeakyRelu") == 0;
    int err = onnx_attr_float(ctx, act, "alpha", leaky ? 0.01 : 0.2, &alpha);
    if (err || (err = onnx_attr_float(ctx, act, "beta", 0.5, &beta)))
        return err;
    for (int i = 0; i < 256; i++) {
        /* Dequantized as ONNX DequantizeLinear does: in float. */
        float x = (float)(i - 128 - in->q.zp[0]) * in->q.scale[0];
        double y;
        switch (act->op[0]) {
        case 'S': /* Sigmoid */
            y = 1.0 / (1.0 + exp(-(double)x));
            break;
        case 'T': /* Tanh */
            y = tanh(x);
            break;
        case 'L': /* LeakyRelu */
            y = x >= 0 ? x : (double)(float)alpha * x;
            break;
        case 'G': /* Gelu, erf form */
            y = 0.5 * x * (1.0 + erf(x / sqrt(2.0)));
            break;
        default:
            if (strcmp(act->op, "HardSigmoid") == 0) {
                y = fmax(0.0, fmin(1.0, (float)alpha * x + (float)beta));
            } else if (strcmp(act->op, "HardSwish") == 0) {
                y = x * fmax(0.0, fmin(1.0, x / 6.0 + 0.5));
            } else {
                return onnx_fail(ctx, act, DPU_E_INTERNAL, "no lookup table for this op");
            }
        }
        lut[i] = q_real(y, out);
    }
    return DPU_OK;
}

void onnx_q_exp_table(float s_in, int64_t *table)
{
    for (int d = 0; d < 256; d++)
        table[d] = llround(exp(-(double)d * (double)s_in) * 8388608.0);
}
