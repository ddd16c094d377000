/* Float side of the arithmetic contract: scales to (M, s), the two rounding rules, and ONNX
 * QuantizeLinear. See dpu/qparams.h for the contracts and docs/arithmetic.md for the why. */
#include "dpu/qparams.h"

#include <math.h>

#include "dpu/qmath.h"

/* 2^52: every double at or above it in magnitude is an integer already. */
#define TWO_POW_52 4503599627370496.0

/* real = f * 2^e with f in [0.5, 1); M = llround(f * 2^31), s = 31 - e. ldexp by 31 is exact,
 * so the only rounding is llround's (ties away from zero, which is ties up since f > 0).
 * f * 2^31 lies in [2^30, 2^31), so M lies in [2^30, 2^31]; M = 2^31 (f >= 1 - 2^-32) is
 * renormalized to 2^30 one shift lower, which is the same value. The returned s may fall
 * outside [0, 62]; the callers decide. Requires real > 0 and finite. */
static void normalize(double real, int64_t *M, int *s)
{
    int e;
    double f = frexp(real, &e);
    long long m = llround(ldexp(f, 31));
    if (m == (1LL << 31)) {
        m = 1LL << 30;
        e += 1;
    }
    *M = m;
    *s = 31 - e;
}

/* Common checks: negative and NaN are invalid, infinity out of range, zero is M = 0. Returns
 * 1 when real is a positive finite number the caller must convert, else 0 with *err set. */
static int check_real(double real, const char *what, int *err, struct dpu_diag *d)
{
    if (isnan(real) || real < 0) {
        *err = dpu_diag_set(d, DPU_E_INVALID,
                            "%s %.17g is not a non-negative number: scales must be positive", what,
                            real);
        return 0;
    }
    if (isinf(real)) {
        *err = dpu_diag_set(d, DPU_E_RANGE, "%s is infinite: a scale is zero or overflows", what);
        return 0;
    }
    *err = DPU_OK;
    return real > 0;
}

static int too_large(double real, const char *what, struct dpu_diag *d)
{
    return dpu_diag_set(d, DPU_E_RANGE,
                        "%s %.17g is too large: requantization multipliers must be below "
                        "2^31 - 0.5 (M < 2^31 with shift 0); check the scales of this node",
                        what, real);
}

int dpu_quantize_multiplier_capped(double real, int max_shift, int32_t *M, int *s,
                                   struct dpu_diag *d)
{
    int err;
    int64_t m;
    int sh;

    *M = 0;
    *s = 0;
    if (max_shift < 0 || max_shift > DPU_RQ_MAX_SHIFT)
        return dpu_diag_set(d, DPU_E_INTERNAL, "max_shift %d is outside [0, %d]", max_shift,
                            DPU_RQ_MAX_SHIFT);
    if (!check_real(real, "multiplier", &err, d))
        return err;
    normalize(real, &m, &sh);
    if (sh < 0)
        return too_large(real, "multiplier", d);
    if (sh > max_shift) {
        /* Denormalize: fewer bits in M, the shift pinned at its maximum. real < 2^(30-sh)
         * <= 2^(30-max_shift) here, so real * 2^max_shift < 2^30 and the llround fits. */
        sh = max_shift;
        m = llround(ldexp(real, max_shift));
        if (m == 0)
            return dpu_diag_set(d, DPU_E_RANGE,
                                "multiplier %.17g is too small: with the shift at its maximum "
                                "%d it rounds to 0 (it must be at least 2^-%d); the output "
                                "would be the constant zero point",
                                real, max_shift, max_shift + 1);
    }
    *M = (int32_t)m;
    *s = sh;
    return DPU_OK;
}

int dpu_quantize_multiplier(double real, int32_t *M, int *s, struct dpu_diag *d)
{
    int err;
    int64_t m;
    int sh;

    *M = 0;
    *s = 0;
    if (!check_real(real, "multiplier", &err, d))
        return err;
    normalize(real, &m, &sh);
    if (sh < 0)
        return too_large(real, "multiplier", d);
    if (sh > DPU_RQ_MAX_SHIFT)
        return dpu_diag_set(d, DPU_E_RANGE,
                            "multiplier %.17g is too small: M in [2^30, 2^31) would need a "
                            "shift of %d > %d (the smallest is 2^-32); every int32 accumulator "
                            "would requantize to 0; check the scales of this node",
                            real, sh, DPU_RQ_MAX_SHIFT);
    *M = (int32_t)m;
    *s = sh;
    return DPU_OK;
}

int dpu_quantize_multiplier_pair(double ra, double rb, int32_t *Ma, int32_t *Mb, int *s,
                                 struct dpu_diag *d)
{
    int err;
    int32_t mbig;
    int sh;

    *Ma = 0;
    *Mb = 0;
    *s = 0;
    /* Validate both first, so that a bad smaller value is reported too. */
    if (!check_real(ra, "multiplier of a", &err, d) && err)
        return err;
    if (!check_real(rb, "multiplier of b", &err, d) && err)
        return err;
    double big = ra >= rb ? ra : rb;
    double small = ra >= rb ? rb : ra;
    if (big == 0)
        return DPU_OK;
    err = dpu_quantize_multiplier(big, &mbig, &sh, d);
    if (err)
        return err;
    /* mbig == llround(big * 2^sh) (also after normalize's renormalization, where
     * big * 2^sh lies in [2^30 - 1/4, 2^30)), and llround is monotone, so
     * 0 <= msmall <= mbig < 2^31: the conversion to int32_t is exact. */
    int32_t msmall = (int32_t)llround(ldexp(small, sh));
    *Ma = ra >= rb ? mbig : msmall;
    *Mb = ra >= rb ? msmall : mbig;
    *s = sh;
    return DPU_OK;
}

double dpu_multiplier_value(int32_t M, int s)
{
    return ldexp((double)M, -s);
}

/* x - floor(x) is exact for |x| < 2^52 (Sterbenz for |x| >= 1; trivially for 0 <= x < 1),
 * except for -1 < x < 0 where x + 1 may round; rounding is monotone and 0.5 is a double, so
 * the comparisons with 0.5 below still give the right answer. */
double dpu_round_half_even(double x)
{
    if (!isfinite(x) || fabs(x) >= TWO_POW_52)
        return x;
    double f = floor(x);
    double frac = x - f;
    if (frac > 0.5)
        return f + 1;
    if (frac < 0.5)
        return f;
    return fmod(f, 2.0) == 0 ? f : f + 1;
}

double dpu_round_half_up(double x)
{
    if (!isfinite(x) || fabs(x) >= TWO_POW_52)
        return x;
    double f = floor(x);
    return (x - f >= 0.5) ? f + 1 : f;
}

int32_t dpu_quantize_f32(float x, float scale, int zp, int lo, int hi)
{
    /* Assignment to a float drops any excess precision (C11 5.1.2.3p12): the quotient is the
     * float32 quotient on every platform, as in the ONNX reference. */
    float q = x / scale;
    double r;
    if (isnan(q))
        r = zp;
    else
        r = dpu_round_half_even((double)q) + zp; /* exact: |q| < 2^52, or q is already huge */
    if (r <= lo)
        return lo;
    if (r >= hi)
        return hi;
    return (int32_t)r;
}
