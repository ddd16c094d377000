/* qplan: the integer parameters of every quantized node, derived once from its scales.
 *
 * The int8 reference kernels and the compiler both call these functions, so the multipliers,
 * shifts, zero points and clamps that the interpreter uses are exactly those the compiled
 * program carries: interpreter and accelerator agree bit for bit by construction.
 *
 * Each function reads the node's input/output tensors' quantization and its attributes,
 * checks them (per-tensor activations with zero points in [-128, 127], positive finite
 * scales, weights with one scale and zero point per output channel or one in all, clamps
 * inside [-128, 127]) and converts every ratio of scales, computed in double as
 * (double)s_x * (double)s_w / (double)s_y, with dpu_quantize_multiplier (dpu/qparams.h).
 * Errors return a negative dpu_err with a message naming the node:
 * "node 'conv1' (Conv2D): ...". docs/reference.md states each op's formula.
 */
#ifndef DPU_QPLAN_H
#define DPU_QPLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpu/err.h"
#include "dpu/graph.h"
#include "dpu/qmath.h"

/* One requantization: x -> rq(x, M, s) = round_half_up(x * M * 2^-s). */
struct dpu_qp_rq {
    int32_t M;
    int s;
};

/* Per-tensor quantization of an activation: real = scale * (q - zp). */
struct dpu_qp_act {
    float scale;
    int32_t zp;
};

/* Conv2D and FullyConnected:
 *   acc[m] = sum (x - zx) * (w - zw[m])           (int32, wrapping)
 *   y[m]   = clamp(rq(wrap32(acc[m] + bias[m]), ch[m].M, ch[m].s) + zy, lo, hi)   int8 output
 *   y[m]   = acc[m]                               raw: int32 output (ONNX ConvInteger)
 * ch[m] from s_x * s_w[m] / s_y. zw[m] is the weight zero point of output channel m (a
 * per-tensor one repeated); the quantizer's weights have zw = 0, imported ones may not. */
struct dpu_qp_conv {
    int32_t zx, zy, lo, hi;
    size_t nch;           /* output channels: dims[0] of the weights */
    struct dpu_qp_rq *ch; /* nch entries, NULL when raw; malloc'd, owned (dpu_qp_conv_free) */
    int32_t *zw;          /* nch entries, malloc'd, owned by the struct */
    bool raw;             /* int32 output: y = acc; no bias, no clamp, ch NULL, zy/lo/hi 0 */
};
/* The accelerator's form: symmetric weights (every zero point 0) and an int8 output stage.
 * Weights with a non-zero zero point are refused with DPU_E_UNSUPPORTED (the z_w * sum(x) term
 * depends on the data and cannot be folded into the bias: docs/arithmetic.md, section 2), and
 * so is an int32 output (there is no requantization to plan). */
int dpu_qplan_conv(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_qp_conv *p,
                   struct dpu_diag *d);
/* Every form a verified graph may hold: also weight zero points in [-128, 127] (per tensor or
 * per output channel) and the raw int32 output (then no bias input and no `clamp`; the
 * output's scale is not read). The reference interpreter plans with this one. */
int dpu_qplan_conv_any(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_qp_conv *p,
                       struct dpu_diag *d);
/* Frees p->ch and p->zw and empties p; p may be empty already. */
void dpu_qp_conv_free(struct dpu_qp_conv *p);

/* MatMul: acc = sum (a - za)(b - zb) (int32, wrapping);
 *   y = clamp(rq(acc, rq) + zy, lo, hi), ratio s_a * s_b / s_y     int8 output
 *   y = acc                                                        raw: int32 output
 *                                                                  (ONNX MatMulInteger) */
struct dpu_qp_matmul {
    int32_t za, zb, zy, lo, hi;
    struct dpu_qp_rq rq;
    bool raw; /* int32 output: no clamp; rq, zy, lo, hi 0 */
};
/* The int8 output stage (a raw int32 output is refused with DPU_E_UNSUPPORTED: nothing to
 * plan). */
int dpu_qplan_matmul(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_qp_matmul *p,
                     struct dpu_diag *d);
/* Also the raw int32 output (no `clamp`, the output's scale not read). */
int dpu_qplan_matmul_any(const struct dpu_graph *g, const struct dpu_gnode *n,
                         struct dpu_qp_matmul *p, struct dpu_diag *d);

/* Add: y = clamp(rshift_round((a - za) * Ma + (b - zb) * Mb, s) + zy, lo, hi), from
 * dpu_quantize_multiplier_pair(s_a / s_y, s_b / s_y): the larger ratio normalized, the smaller
 * M = llround(r * 2^s) with the same shift. */
struct dpu_qp_add {
    int32_t za, zb, zy, lo, hi;
    int32_t Ma, Mb;
    int s;
};
int dpu_qplan_add(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_qp_add *p,
                  struct dpu_diag *d);

/* Mul: y = clamp(rq((a - za) * (b - zb), rq) + zy, lo, hi), ratio s_a * s_b / s_y. */
struct dpu_qp_mul {
    int32_t za, zb, zy, lo, hi;
    struct dpu_qp_rq rq;
};
int dpu_qplan_mul(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_qp_mul *p,
                  struct dpu_diag *d);

/* A rescale of one int8 input: y = clamp(rq(x - zx, rq) + zy, lo, hi), ratio s_x / s_y.
 * dpu_qplan_rescale serves Relu, Relu6 and Clip (lo, hi from the required `clamp`) and MaxPool
 * (applied to the window maximum; lo, hi = -128, 127). */
struct dpu_qp_rescale {
    int32_t zx, zy, lo, hi;
    struct dpu_qp_rq rq;
};
int dpu_qplan_rescale(const struct dpu_graph *g, const struct dpu_gnode *n,
                      struct dpu_qp_rescale *p, struct dpu_diag *d);
/* Concat: the rescale of input `input` into the output's scale (lo, hi = -128, 127). */
int dpu_qplan_concat_input(const struct dpu_graph *g, const struct dpu_gnode *n, size_t input,
                           struct dpu_qp_rescale *p, struct dpu_diag *d);

/* AvgPool and GlobalAvgPool: y = sat8(dpu_pool_div(S, count, zx, rq.M, rq.s) + zy). The ratio
 * s_x / s_y goes through dpu_quantize_multiplier_capped(r, DPU_POOL_MAX_SHIFT): when the
 * normalized shift would exceed 31, s = 31 and M = llround(r * 2^31) (fewer significant bits;
 * an error if that is 0). */
struct dpu_qp_avgpool {
    int32_t zx, zy;
    struct dpu_qp_rq rq;
};
int dpu_qplan_avgpool(const struct dpu_graph *g, const struct dpu_gnode *n,
                      struct dpu_qp_avgpool *p, struct dpu_diag *d);

/* LeakyRelu, Sigmoid, Tanh, HardSigmoid, HardSwish, Gelu: y = lut[x + 128], the attribute
 * `lut` (256 values, each in [-128, 127]). */
struct dpu_qp_lut {
    int8_t lut[DPU_LUT_ENTRIES];
};
int dpu_qplan_lut(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_qp_lut *p,
                  struct dpu_diag *d);

/* Softmax: the attribute `exp_table`, T[k] = round(exp(-k * s_in) * 2^23) for k = 0..255.
 * Checked: 256 entries, each in [0, 2^23], T[0] > 0 (so every row sum is positive), and the
 * output quantized with scale 1/256 and zero point -128 (the formula assumes them). The axis
 * is the attribute `axis` (default -1). */
#define DPU_SOFTMAX_TABLE_ONE (INT32_C(1) << 23)
struct dpu_qp_softmax {
    int32_t exp_table[DPU_LUT_ENTRIES];
};
int dpu_qplan_softmax(const struct dpu_graph *g, const struct dpu_gnode *n,
                      struct dpu_qp_softmax *p, struct dpu_diag *d);

/* Quantize (float32 -> int8): y = dpu_quantize_f32(x, out.scale, out.zp, -128, 127).
 * Dequantize (int8 -> float32): y = (float)(x - in.zp) * in.scale.
 * These two take a per-tensor int8 side only (a per-channel one is refused). */
int dpu_qplan_quantize(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_qp_act *out,
                       struct dpu_diag *d);
int dpu_qplan_dequantize(const struct dpu_graph *g, const struct dpu_gnode *n,
                         struct dpu_qp_act *in, struct dpu_diag *d);

/* The int8 side of Quantize (its output) or Dequantize (its input), per tensor (axis -1,
 * count 1) or per channel along axis (count = dims[axis]; ONNX QuantizeLinear and
 * DequantizeLinear with axis). Element e of the tensor belongs to channel
 * c = (e / prod(dims[axis+1:])) % count (c = 0 per tensor), and
 *   Quantize:   y = dpu_quantize_f32(x, scale[c], zp[c], -128, 127)
 *   Dequantize: y = (float)(x - zp[c]) * scale[c]
 * Checked: the layout, every scale positive and finite, every zero point in [-128, 127].
 * scale and zp point into the graph's tensor and live as long as it does. */
struct dpu_qp_boundary {
    int axis; /* -1: per tensor */
    size_t count;
    const float *scale;
    const int32_t *zp;
};
int dpu_qplan_quantize_axis(const struct dpu_graph *g, const struct dpu_gnode *n,
                            struct dpu_qp_boundary *out, struct dpu_diag *d);
int dpu_qplan_dequantize_axis(const struct dpu_graph *g, const struct dpu_gnode *n,
                              struct dpu_qp_boundary *in, struct dpu_diag *d);

/* Reshape, Flatten, Transpose, Resize, Pad move bytes only: input 0 and the output must have
 * the same scale and zero point (checked here). For Pad, *pad_value receives the attribute
 * `qvalue` (in [-128, 127]); pass NULL for the other ops. */
int dpu_qplan_move(const struct dpu_graph *g, const struct dpu_gnode *n, int8_t *pad_value,
                   struct dpu_diag *d);

/* The per-tensor quantization of tensor index t as an activation (count 1, scale positive and
 * finite, zero point in [-128, 127]); `what` names it in messages ("input 0", "output"). */
int dpu_qplan_act(const struct dpu_graph *g, const struct dpu_gnode *n, int32_t t, const char *what,
                  struct dpu_qp_act *q, struct dpu_diag *d);

/* The clamp attribute [lo, hi] of n: -128 <= lo <= hi <= 127; when absent, *lo = -128 and
 * *hi = 127 if !required, an error if required. */
int dpu_qplan_clamp(const struct dpu_gnode *n, int required, int32_t *lo, int32_t *hi,
                    struct dpu_diag *d);

#endif
