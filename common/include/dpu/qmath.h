/* dpu/qmath.h: the opendpu INT8 arithmetic contract, written once in C.
 *
 * The reference interpreter, the compiler's constant folding and the C simulator all include
 * this header, and the RTL is checked against it, so every executor produces the same bytes.
 * docs/arithmetic.md states the same contract in prose; the two must agree.
 *
 * Data:        weights int8 in [-127, 127], zero point 0, one scale per output channel;
 *              activations int8 in [-128, 127] with one scale and zero point per tensor;
 *              bias int32 with scale in_scale * w_scale[c];
 *              accumulators int32, wrapping modulo 2^32 (two's complement).
 * Requantize:  rq(x, M, s) = x*M                      if s == 0
 *                          = floor((x*M + 2^(s-1)) / 2^s)  if 1 <= s <= 62
 *              i.e. x * M * 2^-s rounded once, ties toward +infinity.
 * Conv/FC/DW:  y = clamp(rq(wrap32(acc + bias), M[c], s[c]) + zp_out, lo, hi)
 * Eltw ADD:    y = clamp(rshift_round((a-za)*Ma + (b-zb)*Mb, s) + zo, lo, hi)
 * Eltw MUL:    y = clamp(rq((a-za)*(b-zb), M, s) + zo, lo, hi)
 * Avg pool:    y = sat8(floor((2*num + den) / (2*den)) + zo), num = (S - n*zi)*M, den = n*2^s
 * LUT:         y' = lut[y + 128]
 *
 * Everything here is integer-only, C11, with no __int128 and no implementation-defined or
 * undefined behaviour for any input that meets the stated preconditions: signed overflow is
 * avoided by doing wrapping arithmetic in uint32_t, and right shifts are only ever applied
 * to non-negative values (C11 6.5.7p5 leaves E1 >> E2 implementation-defined for negative
 * E1). Preconditions are checked by DPU_QMATH_REQUIRE, which is assert() unless the includer
 * defines it first (the unit tests route it to cmocka's mock_assert).
 */
#ifndef DPU_QMATH_H
#define DPU_QMATH_H

#include <stdint.h>

#ifndef DPU_QMATH_REQUIRE
#include <assert.h>
#define DPU_QMATH_REQUIRE(cond) assert(cond)
#endif

/* Ranges of the contract. */
#define DPU_ACT_MIN        (-128) /* activations: full int8 */
#define DPU_ACT_MAX        127
#define DPU_WGT_MIN        (-127) /* weights: symmetric, -128 never used */
#define DPU_WGT_MAX        127
#define DPU_RQ_MAX_SHIFT   62                 /* s in [0, 62] for rq and rshift_round */
#define DPU_RQ_MAX_ABS_X   (INT64_C(1) << 31) /* |x| <= 2^31 so |x*M| < 2^62 */
#define DPU_POOL_MAX_N     65025              /* 255 * 255 window positions */
#define DPU_POOL_MAX_SHIFT 31
#define DPU_POOL_MAX_ABS_S (INT64_C(255) * DPU_POOL_MAX_N)
#define DPU_LUT_ENTRIES    256

/* ---- 32-bit wrapping accumulation ------------------------------------------------------ */

/* The int32 whose two's complement representation is u, i.e. u - 2^32 when u >= 2^31.
 * A plain (int32_t)u is implementation-defined for u >= 2^31 (C11 6.3.1.3p3); here the
 * value is built from in-range pieces: for u >= 2^31, ~u = 2^32-1-u lies in [0, 2^31), and
 * -(~u) - 1 = u - 2^32. Compilers reduce this to a plain move. */
static inline int32_t dpu_i32_from_u32(uint32_t u)
{
    if (u <= (uint32_t)INT32_MAX)
        return (int32_t)u;
    return -(int32_t)(uint32_t)~u - 1;
}

/* a + b modulo 2^32. Conversion of a negative int32 to uint32_t is defined (adds 2^32), and
 * unsigned addition wraps, so C never sees a signed overflow. */
static inline int32_t dpu_wrap_add32(int32_t a, int32_t b)
{
    return dpu_i32_from_u32((uint32_t)a + (uint32_t)b);
}

/* acc + a*b modulo 2^32. The product of the two's complement bit patterns, taken mod 2^32,
 * equals the product of the values mod 2^32. The multiply is done in uint64_t so that no
 * operand is promoted to (signed) int, whatever the width of int. */
static inline int32_t dpu_mac32(int32_t acc, int32_t a, int32_t b)
{
    uint64_t p = (uint64_t)(uint32_t)a * (uint32_t)b;
    return dpu_i32_from_u32((uint32_t)acc + (uint32_t)(p & UINT32_MAX));
}

/* ---- shifts and rounding --------------------------------------------------------------- */

/* floor(v / 2^s) for any int64 v and 0 <= s <= 63, without shifting a negative value.
 * For v < 0 let w = -1 - v >= 0 (no overflow: w <= 2^63 - 1). Then
 *   floor(v / d) = floor((-1 - w) / d) = -ceil((w + 1) / d) = -(floor(w / d) + 1),
 * using ceil((w+1)/d) = floor(w/d) + 1 for integers w >= 0, d >= 1. */
static inline int64_t dpu_floor_shr64(int64_t v, int s)
{
    DPU_QMATH_REQUIRE(s >= 0 && s <= 63);
    if (v >= 0)
        return v >> s;
    return -1 - ((-1 - v) >> s);
}

/* floor((v + 2^(s-1)) / 2^s) for s >= 1, v for s == 0: v * 2^-s rounded to the nearest
 * integer, ties toward +infinity (2.5 -> 3, -2.5 -> -2, -3.5 -> -3). Total for every int64 v:
 * the sum v + 2^(s-1) is never formed. With v = q*2^s + r, q = floor(v / 2^s), 0 <= r < 2^s,
 *   floor((v + 2^(s-1)) / 2^s) = q + floor((r + 2^(s-1)) / 2^s) = q + (r >= 2^(s-1)).
 * r is the low s bits of v (conversion to uint64_t keeps v mod 2^64). q + 1 cannot overflow
 * because |q| <= 2^62 for s >= 1. */
static inline int64_t dpu_rshift_round(int64_t v, int s)
{
    DPU_QMATH_REQUIRE(s >= 0 && s <= DPU_RQ_MAX_SHIFT);
    if (s == 0)
        return v;
    uint64_t r = (uint64_t)v & ((UINT64_C(1) << s) - 1);
    int64_t q = dpu_floor_shr64(v, s);
    return q + (r >= (UINT64_C(1) << (s - 1)) ? 1 : 0);
}

/* Requantization, the one rounding step of the contract:
 *   rq(x, M, s) = round_half_up(x * M * 2^-s)
 * Requires 0 <= M <= 2^31 - 1, 0 <= s <= 62 and |x| <= 2^31, hence |x*M| < 2^62 fits int64.
 * The result is not saturated: the caller adds its zero point and clamps. */
static inline int64_t dpu_rq(int64_t x, int32_t M, int s)
{
    DPU_QMATH_REQUIRE(M >= 0);
    DPU_QMATH_REQUIRE(s >= 0 && s <= DPU_RQ_MAX_SHIFT);
    DPU_QMATH_REQUIRE(x >= -DPU_RQ_MAX_ABS_X && x <= DPU_RQ_MAX_ABS_X);
    return dpu_rshift_round(x * (int64_t)M, s);
}

/* ---- saturation ------------------------------------------------------------------------ */

/* min(max(v, lo), hi). Requires lo <= hi. */
static inline int32_t dpu_sat(int64_t v, int32_t lo, int32_t hi)
{
    DPU_QMATH_REQUIRE(lo <= hi);
    if (v < lo)
        return lo;
    if (v > hi)
        return hi;
    return (int32_t)v;
}

static inline int8_t dpu_sat_i8(int64_t v)
{
    return (int8_t)dpu_sat(v, DPU_ACT_MIN, DPU_ACT_MAX);
}

/* True when a clamp [lo, hi] or a zero point is a valid int8 activation parameter. */
static inline int dpu_is_i8(int64_t v)
{
    return v >= DPU_ACT_MIN && v <= DPU_ACT_MAX;
}

/* ---- output stage of CONV, fully connected and DWCONV ---------------------------------- */

/* y = clamp(rq(wrap32(acc + bias), M, s) + zp_out, lo, hi).
 * The clamp implements the activation too: no activation is [-128, 127], ReLU is
 * [zp_out, 127], ReLU6 is [zp_out, min(127, zp_out + round(6 / out_scale))]; the compiler
 * computes lo and hi, this function only applies them. Requires -128 <= lo <= hi <= 127 and
 * zp_out in [-128, 127]. rq's result is below 2^62 in magnitude, so + zp_out cannot
 * overflow. */
static inline int8_t dpu_requant_out(int32_t acc, int32_t bias, int32_t M, int s, int32_t zp_out,
                                     int32_t lo, int32_t hi)
{
    DPU_QMATH_REQUIRE(dpu_is_i8(zp_out) && dpu_is_i8(lo) && dpu_is_i8(hi) && lo <= hi);
    int32_t x = dpu_wrap_add32(acc, bias);
    return (int8_t)dpu_sat(dpu_rq(x, M, s) + zp_out, lo, hi);
}

/* ---- element-wise ---------------------------------------------------------------------- */

/* ADD: y = clamp(rshift_round((a - za)*Ma + (b - zb)*Mb, s) + zo, lo, hi), one rounding.
 * The quantizer picks Ma ~ (a_scale / out_scale) * 2^s and Mb ~ (b_scale / out_scale) * 2^s
 * with a common s. |a - za| <= 255 and 0 <= Ma, Mb < 2^31, so |acc| < 2^40: exact in int64.
 * Requires za, zb, zo, lo, hi in [-128, 127], lo <= hi, 0 <= s <= 62. */
static inline int8_t dpu_eltw_add(int8_t a, int32_t za, int32_t Ma, int8_t b, int32_t zb,
                                  int32_t Mb, int s, int32_t zo, int32_t lo, int32_t hi)
{
    DPU_QMATH_REQUIRE(dpu_is_i8(za) && dpu_is_i8(zb) && dpu_is_i8(zo));
    DPU_QMATH_REQUIRE(dpu_is_i8(lo) && dpu_is_i8(hi) && lo <= hi);
    DPU_QMATH_REQUIRE(Ma >= 0 && Mb >= 0);
    int64_t acc = (int64_t)(a - za) * Ma + (int64_t)(b - zb) * Mb;
    return (int8_t)dpu_sat(dpu_rshift_round(acc, s) + zo, lo, hi);
}

/* MUL: y = clamp(rq((a - za)*(b - zb), M, s) + zo, lo, hi), M ~ a_scale*b_scale/out_scale*2^s.
 * |(a - za)*(b - zb)| <= 255*255 = 65025, well inside rq's |x| <= 2^31.
 * Requires za, zb, zo, lo, hi in [-128, 127], lo <= hi, M >= 0, 0 <= s <= 62. */
static inline int8_t dpu_eltw_mul(int8_t a, int32_t za, int8_t b, int32_t zb, int32_t M, int s,
                                  int32_t zo, int32_t lo, int32_t hi)
{
    DPU_QMATH_REQUIRE(dpu_is_i8(za) && dpu_is_i8(zb) && dpu_is_i8(zo));
    DPU_QMATH_REQUIRE(dpu_is_i8(lo) && dpu_is_i8(hi) && lo <= hi);
    int64_t x = (int64_t)(a - za) * (b - zb);
    return (int8_t)dpu_sat(dpu_rq(x, M, s) + zo, lo, hi);
}

/* ---- average pooling ------------------------------------------------------------------- */

/* floor(a / b) for b > 0. C11 division truncates toward zero (6.5.5p6) and a % b takes the
 * sign of a, so a negative remainder means the truncated quotient is one too large. */
static inline int64_t dpu_floor_div64(int64_t a, int64_t b)
{
    DPU_QMATH_REQUIRE(b > 0);
    int64_t q = a / b;
    return (a % b < 0) ? q - 1 : q;
}

/* Average of n inputs whose raw sum is S, requantized by M * 2^-s, before the output zero
 * point:
 *   num = (S - n*zi) * M,  den = n * 2^s,  y = floor((2*num + den) / (2*den))
 * i.e. num / den rounded to nearest with ties toward +infinity, computed exactly (one
 * rounding; the division by n is not rounded separately). For n == 1 this equals
 * dpu_rq(S - zi, M, s).
 * Requires 1 <= n <= 65025, zi in [-128, 127], 0 <= M < 2^31, 0 <= s <= 31 and
 * |S| <= 255*65025. Bounds: |S - n*zi| < 2^25, |num| < 2^56, den < 2^47, so
 * |2*num + den| < 2^58 and 2*den < 2^48: all exact in int64. */
static inline int64_t dpu_pool_div(int64_t S, int64_t n, int32_t zi, int32_t M, int s)
{
    DPU_QMATH_REQUIRE(n >= 1 && n <= DPU_POOL_MAX_N);
    DPU_QMATH_REQUIRE(S >= -DPU_POOL_MAX_ABS_S && S <= DPU_POOL_MAX_ABS_S);
    DPU_QMATH_REQUIRE(dpu_is_i8(zi));
    DPU_QMATH_REQUIRE(M >= 0);
    DPU_QMATH_REQUIRE(s >= 0 && s <= DPU_POOL_MAX_SHIFT);
    int64_t num = (S - n * zi) * M;
    int64_t den = n * (INT64_C(1) << s);
    return dpu_floor_div64(2 * num + den, 2 * den);
}

/* The int8 result of average pooling: sat8(pool_div(...) + zo). POOL has no clamp fields. */
static inline int8_t dpu_avgpool_out(int64_t S, int64_t n, int32_t zi, int32_t M, int s, int32_t zo)
{
    DPU_QMATH_REQUIRE(dpu_is_i8(zo));
    return dpu_sat_i8(dpu_pool_div(S, n, zi, M, s) + zo);
}

/* ---- lookup table ---------------------------------------------------------------------- */

/* Entry of the 256-entry table that holds the result for int8 input y: y + 128, so entry 0
 * is the result for -128 and entry 255 the result for 127. */
static inline unsigned dpu_lut_index(int8_t y)
{
    return (unsigned)(y + 128);
}

static inline int8_t dpu_lut_apply(const int8_t lut[DPU_LUT_ENTRIES], int8_t y)
{
    return lut[dpu_lut_index(y)];
}

#endif
