/* Phase 3c of the verifier: dtypes and quantization of each node's operands in a quantized
 * graph (float graphs were checked as a whole: float32 everywhere, no quantization).
 *
 *   activations  int8, per-tensor: one scale (finite, > 0) and one zero point in [-128, 127]
 *   weights      (Conv2D, FullyConnected input 1) int8 constants, per tensor or per output
 *                channel (axis 0), zero points in [-128, 127]. The quantizer writes symmetric
 *                weights (zero point 0: dpu_graph_weights_symmetric), which is what
 *                the accelerator needs; imported ONNX models (QLinearConv with uint8 weights,
 *                ConvInteger) may carry any zero point, and the CPU runs those layers
 *   bias         (input 2) int32 constant, no quantization or zero points 0
 *   raw int32    Conv2D, FullyConnected and MatMul may instead have an int32 output without
 *                quantization: the accumulator itself (ONNX ConvInteger, MatMulInteger), with
 *                no bias and no clamp. No other int32 activation exists
 *   boundaries   Quantize: float32 in, int8 out; Dequantize: int8 in, float32 out. Their int8
 *                side may be quantized per channel (ONNX QuantizeLinear/DequantizeLinear with
 *                axis); every other op refuses a per-channel activation, so such a tensor can
 *                only be a graph input or output or lie between a Quantize and Dequantizes
 *   pass-through Reshape, Flatten, Transpose, Pad, Resize keep the input's scale and zero
 *                point exactly (they move bytes and never requantize)
 *   Softmax      output scale 1/256 and zero point -128: [0, 1) in 256 steps
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "graph_verify_internal.h"

/* "input 1 'conv1.w'" or "output 'conv1.out'" for messages. */
static const char *role(char *buf, size_t cap, bool is_out, size_t i, const struct dpu_gtensor *t)
{
    char nb[VNAME_MAX];
    if (is_out)
        snprintf(buf, cap, "output '%s'", dpu_vname(t->name, nb));
    else
        snprintf(buf, cap, "input %zu '%s'", i, dpu_vname(t->name, nb));
    return buf;
}

static int check_scales(const struct dpu_gnode *n, const char *who, const struct dpu_quant *q,
                        struct dpu_diag *d)
{
    for (size_t c = 0; c < q->count; c++)
        if (!isfinite(q->scale[c]) || !(q->scale[c] > 0))
            return dpu_vfail_node(d, n, DPU_E_RANGE, "%s scale %zu is %g, not finite and > 0", who,
                                  c, (double)q->scale[c]);
    return DPU_OK;
}

static int check_zero_points(const struct dpu_gnode *n, const char *who, const struct dpu_quant *q,
                             struct dpu_diag *d)
{
    for (size_t c = 0; c < q->count; c++)
        if (q->zero_point[c] < -128 || q->zero_point[c] > 127) {
            if (q->count == 1)
                return dpu_vfail_node(d, n, DPU_E_RANGE,
                                      "%s zero point %" PRId32 " is outside [-128, 127]", who,
                                      q->zero_point[c]);
            return dpu_vfail_node(d, n, DPU_E_RANGE,
                                  "%s zero point %zu is %" PRId32 ", outside [-128, 127]", who, c,
                                  q->zero_point[c]);
        }
    return DPU_OK;
}

/* An int8 activation: per tensor, or per channel where per_axis_ok (the int8 side of Quantize
 * and Dequantize; phase 1 has checked that the axis exists and the count matches it). */
static int check_act_as(const struct dpu_gnode *n, bool is_out, size_t i,
                        const struct dpu_gtensor *t, bool per_axis_ok, struct dpu_diag *d)
{
    char who[VNAME_MAX + 32];
    role(who, sizeof who, is_out, i, t);
    if (t->dtype != DPU_DT_INT8)
        return dpu_vfail_node(d, n, DPU_E_INVALID, "%s is %s, expected int8 in a quantized graph",
                              who, dpu_dtype_name(t->dtype));
    if (t->quant.count == 0)
        return dpu_vfail_node(d, n, DPU_E_INVALID, "%s has no quantization parameters", who);
    if (t->quant.axis != -1 && !per_axis_ok)
        return dpu_vfail_node(d, n, DPU_E_INVALID,
                              "%s is quantized per channel (axis %d); activations take one scale "
                              "and zero point",
                              who, t->quant.axis);
    int err = check_zero_points(n, who, &t->quant, d);
    return err ? err : check_scales(n, who, &t->quant, d);
}

static int check_act(const struct dpu_gnode *n, bool is_out, size_t i, const struct dpu_gtensor *t,
                     struct dpu_diag *d)
{
    return check_act_as(n, is_out, i, t, false, d);
}

static int check_float_io(const struct dpu_gnode *n, bool is_out, size_t i,
                          const struct dpu_gtensor *t, struct dpu_diag *d)
{
    char who[VNAME_MAX + 32];
    role(who, sizeof who, is_out, i, t);
    if (t->dtype != DPU_DT_FLOAT32)
        return dpu_vfail_node(d, n, DPU_E_INVALID, "%s is %s, expected float32", who,
                              dpu_dtype_name(t->dtype));
    if (t->quant.count)
        return dpu_vfail_node(d, n, DPU_E_INVALID, "%s is float32 but has quantization parameters",
                              who);
    return DPU_OK;
}

/* Any int8 value and zero point: acc = sum (x - z_x)(w - z_w) stays exact for every one of
 * them (|(x - z_x)(w - z_w)| <= 255 * 255). The symmetric convention is checked separately,
 * by whoever needs it (dpu_graph_weights_symmetric). */
static int check_weights(const struct dpu_gnode *n, const struct dpu_gtensor *w, struct dpu_diag *d)
{
    char who[VNAME_MAX + 32];
    role(who, sizeof who, false, 1, w);
    if (!w->data)
        return dpu_vfail_node(d, n, DPU_E_INVALID, "weights %s must be a constant", who);
    if (w->dtype != DPU_DT_INT8)
        return dpu_vfail_node(d, n, DPU_E_INVALID, "weights %s are %s, expected int8", who,
                              dpu_dtype_name(w->dtype));
    const struct dpu_quant *q = &w->quant;
    if (q->count == 0)
        return dpu_vfail_node(d, n, DPU_E_INVALID, "weights %s have no quantization parameters",
                              who);
    if (q->axis != -1 && q->axis != 0)
        return dpu_vfail_node(d, n, DPU_E_INVALID,
                              "weights %s are quantized along axis %d; expected per output "
                              "channel (axis 0) or per tensor",
                              who, q->axis);
    char wwho[VNAME_MAX + 48];
    snprintf(wwho, sizeof wwho, "weights %s", who);
    int err = check_zero_points(n, wwho, q, d);
    return err ? err : check_scales(n, who, q, d);
}

/* The raw accumulator form (ONNX ConvInteger, MatMulInteger): an int32 output is acc itself,
 * so nothing may act on it after the sum: no bias, no scale, no clamp. */
static int check_raw_out(const struct dpu_gnode *n, const struct dpu_gtensor *b,
                         const struct dpu_gtensor *y, struct dpu_diag *d)
{
    char nb[VNAME_MAX];
    if (y->quant.count)
        return dpu_vfail_node(d, n, DPU_E_INVALID,
                              "int32 output '%s' has quantization parameters; the raw "
                              "accumulator output has none",
                              dpu_vname(y->name, nb));
    if (b)
        return dpu_vfail_node(d, n, DPU_E_INVALID,
                              "has a bias '%s' and an int32 output; the raw accumulator output "
                              "takes no bias",
                              dpu_vname(b->name, nb));
    if (dpu_node_attr(n, "clamp"))
        return dpu_vfail_node(d, n, DPU_E_INVALID,
                              "has attribute 'clamp' and an int32 output; the raw accumulator "
                              "output is never clamped");
    return DPU_OK;
}

static int check_bias(const struct dpu_gnode *n, const struct dpu_gtensor *b, struct dpu_diag *d)
{
    char who[VNAME_MAX + 32];
    role(who, sizeof who, false, 2, b);
    if (!b->data)
        return dpu_vfail_node(d, n, DPU_E_INVALID, "bias %s must be a constant", who);
    if (b->dtype != DPU_DT_INT32)
        return dpu_vfail_node(d, n, DPU_E_INVALID, "bias %s is %s, expected int32", who,
                              dpu_dtype_name(b->dtype));
    for (size_t c = 0; c < b->quant.count; c++)
        if (b->quant.zero_point[c] != 0)
            return dpu_vfail_node(d, n, DPU_E_RANGE,
                                  "bias %s zero point %zu is %" PRId32 ", expected 0", who, c,
                                  b->quant.zero_point[c]);
    return check_scales(n, who, &b->quant, d);
}

/* Byte-moving ops: the output must carry the input's quantization bit for bit. */
static int check_same_quant(const struct dpu_gnode *n, const struct dpu_gtensor *x,
                            const struct dpu_gtensor *y, struct dpu_diag *d)
{
    float sx = x->quant.scale[0], sy = y->quant.scale[0];
    int32_t zx = x->quant.zero_point[0], zy = y->quant.zero_point[0];
    if (memcmp(&sx, &sy, sizeof sx) != 0 || zx != zy) {
        char nb[VNAME_MAX];
        return dpu_vfail_node(d, n, DPU_E_MISMATCH,
                              "output '%s' has scale %.9g and zero point %" PRId32
                              ", but this op keeps the input's scale %.9g and zero point %" PRId32,
                              dpu_vname(y->name, nb), (double)sy, zy, (double)sx, zx);
    }
    return DPU_OK;
}

static int check_softmax_out(const struct dpu_gnode *n, const struct dpu_gtensor *y,
                             struct dpu_diag *d)
{
    if (y->quant.scale[0] != 1.0f / 256.0f || y->quant.zero_point[0] != -128) {
        char nb[VNAME_MAX];
        return dpu_vfail_node(d, n, DPU_E_RANGE,
                              "output '%s' has scale %.9g and zero point %" PRId32
                              "; Softmax outputs take scale 1/256 (0.00390625) and zero point -128",
                              dpu_vname(y->name, nb), (double)y->quant.scale[0],
                              y->quant.zero_point[0]);
    }
    return DPU_OK;
}

bool dpu_graph_weights_symmetric(const struct dpu_graph *g, const struct dpu_gnode *n)
{
    if (!g || !n || (n->op != DPU_NODE_CONV2D && n->op != DPU_NODE_FULLY_CONNECTED) ||
        n->ninputs < 2 || !n->inputs || n->inputs[1] < 0 || (size_t)n->inputs[1] >= g->ntensors)
        return false;
    const struct dpu_gtensor *w = &g->tensors[n->inputs[1]];
    if (!w->data || w->dtype != DPU_DT_INT8 || w->quant.count == 0 || !w->quant.zero_point)
        return false;
    for (size_t c = 0; c < w->quant.count; c++)
        if (w->quant.zero_point[c] != 0)
            return false;
    return true;
}

int dpu_verify_node_types(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d)
{
    if (!g->quantized)
        return DPU_OK;
    const struct dpu_gtensor *x = dpu_vin(g, n, 0), *y = dpu_vout(g, n, 0);
    int err = DPU_OK;
    switch (n->op) {
    case DPU_NODE_QUANTIZE:
        err = check_float_io(n, false, 0, x, d);
        return err ? err : check_act_as(n, true, 0, y, true, d);
    case DPU_NODE_DEQUANTIZE:
        err = check_act_as(n, false, 0, x, true, d);
        return err ? err : check_float_io(n, true, 0, y, d);
    case DPU_NODE_CONV2D:
    case DPU_NODE_FULLY_CONNECTED: {
        const struct dpu_gtensor *b = dpu_vin(g, n, 2);
        err = check_act(n, false, 0, x, d);
        if (!err)
            err = check_weights(n, dpu_vin(g, n, 1), d);
        if (!err && y->dtype == DPU_DT_INT32)
            return check_raw_out(n, b, y, d);
        if (!err && b)
            err = check_bias(n, b, d);
        return err ? err : check_act(n, true, 0, y, d);
    }
    case DPU_NODE_MATMUL:
        err = check_act(n, false, 0, x, d);
        if (!err)
            err = check_act(n, false, 1, dpu_vin(g, n, 1), d);
        if (!err && y->dtype == DPU_DT_INT32)
            return check_raw_out(n, NULL, y, d);
        return err ? err : check_act(n, true, 0, y, d);
    default:
        break;
    }
    for (size_t i = 0; i < n->ninputs && !err; i++) {
        const struct dpu_gtensor *t = dpu_vin(g, n, i);
        if (t)
            err = check_act(n, false, i, t, d);
    }
    if (!err)
        err = check_act(n, true, 0, y, d);
    if (err)
        return err;
    switch (n->op) {
    case DPU_NODE_RESHAPE:
    case DPU_NODE_FLATTEN:
    case DPU_NODE_TRANSPOSE:
    case DPU_NODE_PAD:
    case DPU_NODE_RESIZE:
        return check_same_quant(n, x, y, d);
    case DPU_NODE_SOFTMAX:
        return check_softmax_out(n, y, d);
    default:
        return DPU_OK;
    }
}
