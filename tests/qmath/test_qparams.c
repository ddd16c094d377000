/* Unit tests of the float side of the arithmetic contract (dpu/qparams.h): scales to (M, s),
 * the two rounding rules and ONNX QuantizeLinear. Expected values are computed by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "dpu/qmath.h"
#include "dpu/qparams.h"

#define P2(k) (INT64_C(1) << (k))

struct qm {
    int err;
    int32_t M;
    int s;
    struct dpu_diag d;
};

static struct qm qm(double real)
{
    struct qm r;
    dpu_diag_clear(&r.d);
    r.M = -1;
    r.s = -1;
    r.err = dpu_quantize_multiplier(real, &r.M, &r.s, &r.d);
    return r;
}

#define assert_qm(real, wantM, wantS)                                                              \
    do {                                                                                           \
        struct qm r_ = qm(real);                                                                   \
        if (r_.err)                                                                                \
            fail_msg("quantize_multiplier(%.17g): %s", (double)(real), dpu_diag_message(&r_.d));   \
        assert_int_equal(r_.M, (wantM));                                                           \
        assert_int_equal(r_.s, (wantS));                                                           \
    } while (0)

#define assert_qm_err(real, wantErr, wantText)                                                     \
    do {                                                                                           \
        struct qm r_ = qm(real);                                                                   \
        assert_int_equal(r_.err, (wantErr));                                                       \
        assert_int_equal(r_.d.err, (wantErr));                                                     \
        assert_int_equal(r_.M, 0);                                                                 \
        assert_int_equal(r_.s, 0);                                                                 \
        if (!strstr(r_.d.msg, (wantText)))                                                         \
            fail_msg("message \"%s\" lacks \"%s\"", r_.d.msg, (wantText));                         \
    } while (0)

static void test_multiplier_values(void **state)
{
    (void)state;
    assert_qm(1.0, 1 << 30, 30);                       /* 0.5 * 2^1: M = 2^30, s = 31 - 1 */
    assert_qm(0.5, 1 << 30, 31);                       /* 0.5 * 2^0 */
    assert_qm(0.75, 1610612736, 31);                   /* 0.75 * 2^31 = 3 * 2^29 */
    assert_qm(1.0 / 3, 1431655765, 32);                /* 2/3 * 2^-1: llround(1431655765.33) */
    assert_qm(0.1, 1717986918, 34);                    /* 0.8 * 2^-3: llround(1717986918.4) */
    assert_qm(1.0 - ldexp(1, -53), 1 << 30, 30);       /* f * 2^31 rounds to 2^31: renormalized */
    assert_qm(0.5 + ldexp(1, -32), (1 << 30) + 1, 31); /* f * 2^31 = 2^30 + 0.5: tie, up */
    assert_qm(0.5 + ldexp(1, -33), 1 << 30, 31);       /* 2^30 + 0.25: down */
    assert_qm(0.0, 0, 0);                              /* the output is the zero point */
    /* Top end: s = 0. */
    assert_qm(ldexp(1, 30), 1 << 30, 0);
    assert_qm(2147483647.0, INT32_MAX, 0);
    assert_qm(2147483647.25, INT32_MAX, 0);
    /* Bottom end: s = 62. */
    assert_qm(ldexp(1, -32), 1 << 30, 62);
    assert_qm(ldexp(2147483647.0, -62), INT32_MAX, 62);    /* exactly (2^31 - 1) * 2^-62 */
    assert_qm(ldexp(1, -31) - ldexp(1, -84), 1 << 30, 61); /* 2^31 - 2^-22 rounds up: s = 61 */
    assert_qm(ldexp(1, -32) - ldexp(1, -64), 1 << 30, 62); /* (2^31 - 0.5) * 2^-63 -> 2^30 */
}

static void test_multiplier_errors(void **state)
{
    (void)state;
    assert_qm_err(ldexp(1, -40), DPU_E_RANGE, "too small");
    assert_qm_err(0.75 * ldexp(1, -32), DPU_E_RANGE, "too small");
    assert_qm_err(nextafter(ldexp(1, -32) - ldexp(1, -64), 0), DPU_E_RANGE, "too small");
    assert_qm_err(2147483648.0, DPU_E_RANGE, "too large");
    assert_qm_err(2147483647.5, DPU_E_RANGE, "too large"); /* llround ties up to 2^31 */
    assert_qm_err(1e300, DPU_E_RANGE, "too large");
    assert_qm_err(INFINITY, DPU_E_RANGE, "infinite");
    assert_qm_err(-0.5, DPU_E_INVALID, "not a non-negative");
    assert_qm_err(NAN, DPU_E_INVALID, "not a non-negative");
    /* A NULL diag is allowed: the code is still returned. */
    int32_t M = 5;
    int s = 5;
    assert_int_equal(dpu_quantize_multiplier(-1.0, &M, &s, NULL), DPU_E_INVALID);
    assert_int_equal(M, 0);
    assert_int_equal(s, 0);
}

/* |M*2^-s - real| <= 2^-31 * real, checked exactly: real * 2^s is exact (a power-of-two
 * scaling far from under- and overflow), lies in [2^30 - 1/2, 2^31), and M - real * 2^s is
 * then exact too (both in one or two adjacent binades: Sterbenz). */
static void test_multiplier_round_trip(void **state)
{
    (void)state;
    uint64_t x = 0x243F6A8885A308D3u;
    int n = 0;
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        /* Mantissa from the random bits, exponent over the whole accepted range. */
        double f = 0.5 + ldexp((double)(x >> 12), -53); /* [0.5, 1) */
        int e = (int)(x % 63) - 31;                     /* real in [2^-32, 2^31) */
        double real = ldexp(f, e);
        int32_t M;
        int s;
        int err = dpu_quantize_multiplier(real, &M, &s, NULL);
        if (real >= 2147483647.5) {
            assert_int_equal(err, DPU_E_RANGE);
            continue;
        }
        assert_int_equal(err, DPU_OK);
        assert_true(M >= (1 << 30) && s >= 0 && s <= 62);
        double scaled = ldexp(real, s);
        double diff = fabs((double)M - scaled);
        if (diff > 0.5 || fabs(dpu_multiplier_value(M, s) - real) > ldexp(real, -31))
            fail_msg("real %.17g -> M %d s %d: error %.17g", real, (int)M, s, diff);
        n++;
    }
    assert_true(n > 99000);
}

static void test_multiplier_capped(void **state)
{
    (void)state;
    int32_t M;
    int s;
    struct dpu_diag d;
    /* Within the cap: the normal result. */
    assert_int_equal(dpu_quantize_multiplier_capped(1.0, 31, &M, &s, NULL), 0);
    assert_int_equal(M, 1 << 30);
    assert_int_equal(s, 30);
    /* 0.25 wants s = 32: pinned at 31 with M = 0.25 * 2^31 = 2^29. */
    assert_int_equal(dpu_quantize_multiplier_capped(0.25, 31, &M, &s, NULL), 0);
    assert_int_equal(M, 1 << 29);
    assert_int_equal(s, 31);
    /* 1/3 at s = 31: llround(715827882.67) = 715827883. */
    assert_int_equal(dpu_quantize_multiplier_capped(1.0 / 3, 31, &M, &s, NULL), 0);
    assert_int_equal(M, 715827883);
    assert_int_equal(s, 31);
    /* 2^-32 at s = 31 is 0.5 -> M = 1 (tie up); 2^-33 gives 0.25 -> 0: an error. */
    assert_int_equal(dpu_quantize_multiplier_capped(ldexp(1, -32), 31, &M, &s, NULL), 0);
    assert_int_equal(M, 1);
    assert_int_equal(s, 31);
    dpu_diag_clear(&d);
    assert_int_equal(dpu_quantize_multiplier_capped(ldexp(1, -33), 31, &M, &s, &d), DPU_E_RANGE);
    assert_non_null(strstr(d.msg, "rounds to 0"));
    /* The cap at 62 accepts what the uncapped version refuses, with fewer bits: 2^-40 is
     * 2^22 * 2^-62. */
    assert_int_equal(dpu_quantize_multiplier_capped(ldexp(1, -40), 62, &M, &s, NULL), 0);
    assert_int_equal(M, 1 << 22);
    assert_int_equal(s, 62);
    /* Too large is still too large. */
    assert_int_equal(dpu_quantize_multiplier_capped(ldexp(1, 31), 31, &M, &s, NULL), DPU_E_RANGE);
    assert_int_equal(dpu_quantize_multiplier_capped(1.0, 63, &M, &s, NULL), DPU_E_INTERNAL);
}

static void test_multiplier_pair(void **state)
{
    (void)state;
    int32_t Ma, Mb;
    int s;
    /* 0.5 and 0.25 share s = 31: 2^30 and 2^29. */
    assert_int_equal(dpu_quantize_multiplier_pair(0.5, 0.25, &Ma, &Mb, &s, NULL), 0);
    assert_int_equal(Ma, 1 << 30);
    assert_int_equal(Mb, 1 << 29);
    assert_int_equal(s, 31);
    /* The larger may be either: 0.25 and 0.75 -> 2^29 and 3 * 2^29 at s = 31. */
    assert_int_equal(dpu_quantize_multiplier_pair(0.25, 0.75, &Ma, &Mb, &s, NULL), 0);
    assert_int_equal(Ma, 1 << 29);
    assert_int_equal(Mb, 3 << 29);
    assert_int_equal(s, 31);
    /* 3 and 1/3: 3 = 0.75 * 2^2 -> s = 29, M = 3 * 2^29; 1/3 * 2^29 = 178956970.67 -> ...71. */
    assert_int_equal(dpu_quantize_multiplier_pair(3.0, 1.0 / 3, &Ma, &Mb, &s, NULL), 0);
    assert_int_equal(Ma, 3 << 29);
    assert_int_equal(Mb, 178956971);
    assert_int_equal(s, 29);
    /* A ratio below 2^-31 leaves the smaller at 0: 1 and 2^-40 at s = 30 -> llround(2^-10). */
    assert_int_equal(dpu_quantize_multiplier_pair(1.0, ldexp(1, -40), &Ma, &Mb, &s, NULL), 0);
    assert_int_equal(Ma, 1 << 30);
    assert_int_equal(Mb, 0);
    assert_int_equal(s, 30);
    /* Both zero. */
    assert_int_equal(dpu_quantize_multiplier_pair(0.0, 0.0, &Ma, &Mb, &s, NULL), 0);
    assert_int_equal(Ma, 0);
    assert_int_equal(Mb, 0);
    assert_int_equal(s, 0);
    /* Errors in either operand. */
    assert_int_equal(dpu_quantize_multiplier_pair(1.0, -1.0, &Ma, &Mb, &s, NULL), DPU_E_INVALID);
    assert_int_equal(dpu_quantize_multiplier_pair(ldexp(1, 31), 1.0, &Ma, &Mb, &s, NULL),
                     DPU_E_RANGE);
    assert_int_equal(dpu_quantize_multiplier_pair(ldexp(1, -40), 0.0, &Ma, &Mb, &s, NULL),
                     DPU_E_RANGE);
}

static void test_rounding_helpers(void **state)
{
    (void)state;
    const double just_below_half = 0.49999999999999994; /* 0.5 - 2^-54 */
    assert_true(dpu_round_half_even(2.5) == 2.0);
    assert_true(dpu_round_half_even(3.5) == 4.0);
    assert_true(dpu_round_half_even(-2.5) == -2.0);
    assert_true(dpu_round_half_even(-3.5) == -4.0);
    assert_true(dpu_round_half_even(0.5) == 0.0);
    assert_true(dpu_round_half_even(-0.5) == 0.0);
    assert_true(dpu_round_half_even(1.5) == 2.0);
    assert_true(dpu_round_half_even(2.4999999) == 2.0);
    assert_true(dpu_round_half_even(2.5000001) == 3.0);
    assert_true(dpu_round_half_even(-2.5000001) == -3.0);
    assert_true(dpu_round_half_even(just_below_half) == 0.0);
    assert_true(dpu_round_half_even(4503599627370497.0) == 4503599627370497.0); /* 2^52+1 */
    assert_true(dpu_round_half_even(INFINITY) == INFINITY);
    assert_true(isnan(dpu_round_half_even(NAN)));

    assert_true(dpu_round_half_up(2.5) == 3.0);
    assert_true(dpu_round_half_up(3.5) == 4.0);
    assert_true(dpu_round_half_up(-2.5) == -2.0);
    assert_true(dpu_round_half_up(-3.5) == -3.0);
    assert_true(dpu_round_half_up(0.5) == 1.0);
    assert_true(dpu_round_half_up(-0.5) == 0.0);
    assert_true(dpu_round_half_up(-0.50000000000000011) == -1.0); /* -(0.5 + 2^-53) */
    assert_true(dpu_round_half_up(-1e-300) == 0.0);
    assert_true(dpu_round_half_up(just_below_half) == 0.0); /* floor(x + 0.5) would give 1 */
    assert_true(dpu_round_half_up(-4503599627370497.0) == -4503599627370497.0);
    assert_true(dpu_round_half_up(-INFINITY) == -INFINITY);
}

static void test_quantize_f32(void **state)
{
    (void)state;
    /* Ties to even on x / scale. */
    assert_int_equal(dpu_quantize_f32(2.5f, 1.0f, 0, -128, 127), 2);
    assert_int_equal(dpu_quantize_f32(3.5f, 1.0f, 0, -128, 127), 4);
    assert_int_equal(dpu_quantize_f32(-2.5f, 1.0f, 0, -128, 127), -2);
    assert_int_equal(dpu_quantize_f32(0.625f, 0.25f, 0, -128, 127), 2); /* 2.5 */
    assert_int_equal(dpu_quantize_f32(0.875f, 0.25f, 0, -128, 127), 4); /* 3.5 */
    assert_int_equal(dpu_quantize_f32(1.0f, 0.25f, 0, -128, 127), 4);
    /* The zero point is added after rounding: round(-2.5) + 3 = 1, not round(0.5) = 0. */
    assert_int_equal(dpu_quantize_f32(-2.5f, 1.0f, 3, -128, 127), 1);
    /* Saturation, int8 and uint8. */
    assert_int_equal(dpu_quantize_f32(1000.0f, 1.0f, 0, -128, 127), 127);
    assert_int_equal(dpu_quantize_f32(-1000.0f, 1.0f, 0, -128, 127), -128);
    assert_int_equal(dpu_quantize_f32(126.0f, 1.0f, 5, -128, 127), 127);
    assert_int_equal(dpu_quantize_f32(-1.0f, 1.0f, 0, 0, 255), 0);
    assert_int_equal(dpu_quantize_f32(300.0f, 1.0f, 0, 0, 255), 255);
    assert_int_equal(dpu_quantize_f32(3e38f, 1e-3f, 0, -128, 127), 127); /* quotient is inf */
    assert_int_equal(dpu_quantize_f32(INFINITY, 1.0f, 0, -128, 127), 127);
    assert_int_equal(dpu_quantize_f32(-INFINITY, 1.0f, 0, -128, 127), -128);
    assert_int_equal(dpu_quantize_f32(NAN, 1.0f, 5, -128, 127), 5);
    /* 1.5f / 3.0f = 0.5 exactly -> 0 (even), + 10. */
    assert_int_equal(dpu_quantize_f32(1.5f, 3.0f, 10, -128, 127), 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_multiplier_values),     cmocka_unit_test(test_multiplier_errors),
        cmocka_unit_test(test_multiplier_round_trip), cmocka_unit_test(test_multiplier_capped),
        cmocka_unit_test(test_multiplier_pair),       cmocka_unit_test(test_rounding_helpers),
        cmocka_unit_test(test_quantize_f32),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
