/* Tables of the quantized nonlinear ops (docs/arithmetic.md, section 8; docs/reference.md):
 *   lookup tables  lut[i] = Q_out(f(s_in (i - 128 - z_in))), i = 0..255, Q_out =
 *                  dpu_quantize_f32 (ties to even, saturating); f in double, as the float
 *                  reference computes it, rounded to float once;
 *   Softmax        T[k] = round(exp(-k s_in) 2^23), k = 0..255 (ties up; all values > 0). */
#include <math.h>

#include "dpu/qparams.h"
#include "quant_internal.h"

bool q_is_lut_op(enum dpu_node_op op)
{
    switch (op) {
    case DPU_NODE_LEAKY_RELU:
    case DPU_NODE_SIGMOID:
    case DPU_NODE_TANH:
    case DPU_NODE_HARD_SIGMOID:
    case DPU_NODE_HARD_SWISH:
    case DPU_NODE_GELU:
        return true;
    default:
        return false;
    }
}

/* f(x) for the LUT ops, with the float reference's formulas (docs/reference.md). */
static double lut_function(const struct dpu_gnode *n, double x)
{
    switch (n->op) {
    case DPU_NODE_LEAKY_RELU:
        return x >= 0 ? x : dpu_node_get_float(n, "alpha", 0.01) * x;
    case DPU_NODE_SIGMOID:
        return 1.0 / (1.0 + exp(-x));
    case DPU_NODE_TANH:
        return tanh(x);
    case DPU_NODE_HARD_SIGMOID: {
        double v = dpu_node_get_float(n, "alpha", 0.2) * x + dpu_node_get_float(n, "beta", 0.5);
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }
    case DPU_NODE_HARD_SWISH: {
        double v = x / 6.0 + 0.5;
        return x * (v < 0 ? 0 : v > 1 ? 1 : v);
    }
    default: /* Gelu, erf form, without cancellation for large negative x */
        return x / 2.0 * erfc(-x / sqrt(2.0));
    }
}

void q_lut_table(const struct dpu_gnode *n, float s_in, int32_t z_in, float s_out, int32_t z_out,
                 int64_t lut[256])
{
    for (int i = 0; i < 256; i++) {
        double x = (double)s_in * (double)(i - 128 - z_in);
        lut[i] = dpu_quantize_f32((float)lut_function(n, x), s_out, (int)z_out, -128, 127);
    }
}

void q_softmax_table(float s_in, int64_t table[256])
{
    for (int k = 0; k < 256; k++)
        table[k] = (int64_t)dpu_round_half_up(exp(-(double)k * (double)s_in) * 8388608.0);
}
