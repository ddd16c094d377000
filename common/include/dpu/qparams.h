/* dpu/qparams.h: the float side of the arithmetic contract, for the quantizer and importer.
 *
 * The integer kernels (dpu/qmath.h) never see a float. Scales become an int32 multiplier M
 * and a shift s with M * 2^-s ~ real, chosen here once, in double, by a rule that is spelled
 * out in docs/arithmetic.md ("From scales to M and s"). The same file holds the two rounding
 * rules (ONNX's ties-to-even, our ties-up) and ONNX QuantizeLinear for graph inputs.
 */
#ifndef DPU_QPARAMS_H
#define DPU_QPARAMS_H

#include <stdint.h>

#include "dpu/err.h"

/* Finds M in [2^30, 2^31) and s in [0, 62] with M * 2^-s closest to real > 0:
 *   real = f * 2^e with f in [0.5, 1) (frexp), M = llround(f * 2^31), s = 31 - e,
 * and if the rounding gives M = 2^31: M = 2^30, s = 30 - e. Then |M*2^-s - real| <= 2^-31 real.
 * real == 0 gives M = 0, s = 0 (the output is the zero point). Errors, with a message in d:
 *   DPU_E_INVALID  real is negative or NaN;
 *   DPU_E_RANGE    real is infinite or >= 2^31 - 0.5 (M would round to 2^31 at s = 0), or
 *                  real < 2^-32 - 2^-64 (M would be below 2^30 - 0.5 at s = 62).
 * *M and *s are always written (0 and 0 on error). */
int dpu_quantize_multiplier(double real, int32_t *M, int *s, struct dpu_diag *d);

/* As dpu_quantize_multiplier, for instructions whose shift field is narrower (average pooling:
 * max_shift = DPU_POOL_MAX_SHIFT). When the normalized s exceeds max_shift, s = max_shift and
 * M = llround(real * 2^max_shift) < 2^30: fewer significant bits, |M*2^-s - real| <= 2^-(s+1).
 * DPU_E_RANGE when that M is 0 (real < 2^-(max_shift+1)). Requires 0 <= max_shift <= 62. */
int dpu_quantize_multiplier_capped(double real, int max_shift, int32_t *M, int *s,
                                   struct dpu_diag *d);

/* Two multipliers that share one shift, for element-wise ADD (ra = a_scale / out_scale,
 * rb = b_scale / out_scale). The larger real is normalized as by dpu_quantize_multiplier; the
 * smaller gets M = llround(r * 2^s) <= the larger M (possibly 0 when the ratio is below 2^-31).
 * Errors as dpu_quantize_multiplier for the larger; both zero gives 0, 0, 0. */
int dpu_quantize_multiplier_pair(double ra, double rb, int32_t *Ma, int32_t *Mb, int *s,
                                 struct dpu_diag *d);

/* M * 2^-s as a double (exact: M has at most 31 significant bits). */
double dpu_multiplier_value(int32_t M, int s);

/* Round to the nearest integer, ties to even (2.5 -> 2, 3.5 -> 4, -2.5 -> -2), independent of
 * the current floating-point rounding mode. Infinities and NaN are returned unchanged. */
double dpu_round_half_even(double x);

/* Round to the nearest integer, ties toward +infinity (2.5 -> 3, -2.5 -> -2), the rule of the
 * integer requantization. Not floor(x + 0.5), which is wrong for 0.49999999999999994. */
double dpu_round_half_up(double x);

/* ONNX QuantizeLinear for one value: saturate(round_half_even(x / scale) + zp, lo, hi), with
 * x / scale computed in float (as the ONNX reference does) and the rounding applied before
 * the zero point is added. lo/hi are the type's range: [-128, 127] for int8, [0, 255] for
 * uint8. Infinities saturate; NaN gives the zero point, saturated (ONNX leaves it undefined).
 * Requires scale > 0 and finite, lo <= hi. */
int32_t dpu_quantize_f32(float x, float scale, int zp, int lo, int hi);

#endif
