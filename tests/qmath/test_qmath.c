/* Unit tests of dpu/qmath.h, the integer arithmetic contract. Every expected value below was
 * computed by hand (the arithmetic is in the comment next to it); the brute-force checks
 * compare against references that compute the same rounding a different way. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

/* Route the header's precondition checks to cmocka, in every build type, so that a
 * violated precondition fails the test and expect_assert_failure can check that one is. */
#define DPU_QMATH_REQUIRE(cond) mock_assert((int)(cond), #cond, __FILE__, __LINE__)
#include "dpu/qmath.h"

#define P2(k) (INT64_C(1) << (k))

/* xorshift64: a fixed pseudo-random sequence, so failures are reproducible. */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* A value in [lo, hi] (hi - lo < 2^63). */
static int64_t rng_range(int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
    return lo + (int64_t)(rng() % span);
}

/* ---- wrapping accumulation ---- */

static void test_wrap_add(void **state)
{
    (void)state;
    assert_int_equal(dpu_i32_from_u32(0x80000000u), INT32_MIN);
    assert_int_equal(dpu_i32_from_u32(0xFFFFFFFFu), -1);
    assert_int_equal(dpu_i32_from_u32(0x7FFFFFFFu), INT32_MAX);
    assert_int_equal(dpu_wrap_add32(INT32_MAX, 1), INT32_MIN);  /* 2^31 - 2^32 */
    assert_int_equal(dpu_wrap_add32(INT32_MIN, -1), INT32_MAX); /* -2^31 - 1 + 2^32 */
    assert_int_equal(dpu_wrap_add32(INT32_MIN, INT32_MIN), 0);  /* -2^32 */
    assert_int_equal(dpu_wrap_add32(INT32_MAX, INT32_MAX), -2); /* 2^32 - 2 */
    assert_int_equal(dpu_wrap_add32(-5, 3), -2);
}

static void test_mac(void **state)
{
    (void)state;
    assert_int_equal(dpu_mac32(10, -127, 128), -16246);       /* 10 - 16256 */
    assert_int_equal(dpu_mac32(INT32_MAX, 1, 1), INT32_MIN);  /* 2^31 wraps */
    assert_int_equal(dpu_mac32(INT32_MIN, -1, 1), INT32_MAX); /* -2^31 - 1 wraps */
    assert_int_equal(dpu_mac32(0, 65536, 65536), 0);          /* 2^32 */
    assert_int_equal(dpu_mac32(0, INT32_MIN, -1), INT32_MIN); /* 2^31 wraps */
    assert_int_equal(dpu_mac32(7, INT32_MIN, INT32_MIN), 7);  /* 2^62 = 0 mod 2^32 */
    assert_int_equal(dpu_mac32(0, INT32_MAX, INT32_MAX), 1);  /* (2^31-1)^2 = 1 mod 2^32 */

    /* 133145 products 127*127 = 16129: 16129 * 133145 = 2147495705 = 2^31 + 12057, which
     * wraps to 2147495705 - 2^32 = -2147471591. The first wrap happens at step 133145. */
    int32_t acc = 0;
    for (int i = 0; i < 133144; i++)
        acc = dpu_mac32(acc, 127, 127);
    assert_int_equal(acc, 2147479576); /* 16129 * 133144 = 2^31 - 4072 */
    acc = dpu_mac32(acc, 127, 127);
    assert_int_equal(acc, -2147471591);
}

/* ---- shifts and rounding ---- */

static void test_floor_shr(void **state)
{
    (void)state;
    assert_int_equal(dpu_floor_shr64(5, 2), 1);
    assert_int_equal(dpu_floor_shr64(-5, 2), -2); /* floor(-1.25) */
    assert_int_equal(dpu_floor_shr64(-4, 2), -1);
    assert_int_equal(dpu_floor_shr64(-1, 1), -1);
    assert_int_equal(dpu_floor_shr64(-1, 63), -1);
    assert_true(dpu_floor_shr64(INT64_MIN, 0) == INT64_MIN);
    assert_true(dpu_floor_shr64(INT64_MIN, 63) == -1);
    assert_true(dpu_floor_shr64(INT64_MIN, 62) == -2);
    assert_true(dpu_floor_shr64(INT64_MAX, 63) == 0);
    assert_true(dpu_floor_shr64(INT64_MAX, 62) == 1);
}

static void test_rshift_round(void **state)
{
    (void)state;
    /* Ties go toward +infinity. */
    assert_int_equal(dpu_rshift_round(5, 1), 3);   /* 2.5 -> 3 */
    assert_int_equal(dpu_rshift_round(-5, 1), -2); /* -2.5 -> -2 */
    assert_int_equal(dpu_rshift_round(-7, 1), -3); /* -3.5 -> -3 */
    assert_int_equal(dpu_rshift_round(7, 1), 4);   /* 3.5 -> 4 */
    assert_int_equal(dpu_rshift_round(1, 1), 1);   /* 0.5 -> 1 */
    assert_int_equal(dpu_rshift_round(-1, 1), 0);  /* -0.5 -> 0 */
    assert_int_equal(dpu_rshift_round(-2, 2), 0);  /* -0.5 -> 0 */
    assert_int_equal(dpu_rshift_round(-6, 2), -1); /* -1.5 -> -1 */
    assert_int_equal(dpu_rshift_round(6, 2), 2);   /* 1.5 -> 2 */
    /* Non-ties go to the nearest. */
    assert_int_equal(dpu_rshift_round(-3, 2), -1); /* -0.75 -> -1 */
    assert_int_equal(dpu_rshift_round(3, 2), 1);   /* 0.75 -> 1 */
    assert_int_equal(dpu_rshift_round(-5, 2), -1); /* -1.25 -> -1 */
    assert_int_equal(dpu_rshift_round(9, 3), 1);   /* 1.125 -> 1 */
    assert_int_equal(dpu_rshift_round(-1, 62), 0); /* -2^-62 -> 0 */
    /* s = 0 is the identity; the ends of int64 need no headroom. */
    assert_true(dpu_rshift_round(INT64_MIN, 0) == INT64_MIN);
    assert_true(dpu_rshift_round(INT64_MAX, 0) == INT64_MAX);
    assert_true(dpu_rshift_round(INT64_MAX, 1) == P2(62)); /* 2^62 - 0.5 is a tie: up */
    assert_true(dpu_rshift_round(INT64_MIN, 1) == -P2(62));
    assert_true(dpu_rshift_round(INT64_MAX, 62) == 2); /* 2 - 2^-62 */
    assert_true(dpu_rshift_round(INT64_MIN, 62) == -2);
}

/* Reference rounding by sign and magnitude in uint64_t, a different route to
 * floor((p + h) / d) with d = 2^s, h = d/2:
 *   p >= 0:     (|p| + h) >> s
 *   p < 0:      p + h >= 0 (|p| <= h) gives 0; otherwise -ceil((|p| - h) / d). */
static int64_t ref_round_shift(int64_t p, int s)
{
    if (s == 0)
        return p;
    uint64_t d = UINT64_C(1) << s, h = d >> 1;
    if (p >= 0)
        return (int64_t)(((uint64_t)p + h) >> s);
    uint64_t u = 0 - (uint64_t)p;
    if (u <= h)
        return 0;
    return -(int64_t)((u - h + d - 1) >> s);
}

static void test_rq_hand(void **state)
{
    (void)state;
    /* x*M exactly 2^(s-1): a tie, rounded up; its negative rounds to 0. */
    assert_int_equal(dpu_rq(1, 1 << 29, 30), 1);
    assert_int_equal(dpu_rq(-1, 1 << 29, 30), 0);
    assert_int_equal(dpu_rq(1, 1, 1), 1);
    assert_int_equal(dpu_rq(-1, 1, 1), 0);
    /* M * 2^-s = 0.5: x/2. */
    assert_int_equal(dpu_rq(5, 1 << 30, 31), 3);   /* 2.5 -> 3 */
    assert_int_equal(dpu_rq(-5, 1 << 30, 31), -2); /* -2.5 -> -2 */
    assert_int_equal(dpu_rq(-7, 1 << 30, 31), -3); /* -3.5 -> -3 */
    assert_int_equal(dpu_rq(-3, 1 << 30, 31), -1); /* -1.5 -> -1 */
    assert_int_equal(dpu_rq(-4, 1 << 30, 31), -2);
    /* M * 2^-s = 1431655765 / 2^32 = 0.33333333318: 1000 -> 333.33 -> 333. */
    assert_int_equal(dpu_rq(1000, 1431655765, 32), 333);
    assert_int_equal(dpu_rq(-1000, 1431655765, 32), -333);
    /* M * 2^-s = 0.75 (3 * 2^29 / 2^31): 2 -> 1.5 -> 2, -2 -> -1.5 -> -1, -6 -> -4.5 -> -4. */
    assert_int_equal(dpu_rq(2, 3 << 29, 31), 2);
    assert_int_equal(dpu_rq(-2, 3 << 29, 31), -1);
    assert_int_equal(dpu_rq(-6, 3 << 29, 31), -4);
}

static void test_rq_edges(void **state)
{
    (void)state;
    const int32_t mmax = INT32_MAX;
    /* s = 0: the product itself, up to 2^31 * (2^31 - 1) = 4611686016279904256. */
    assert_true(dpu_rq(P2(31), mmax, 0) == INT64_C(4611686016279904256));
    assert_true(dpu_rq(-P2(31), mmax, 0) == -INT64_C(4611686016279904256));
    assert_int_equal(dpu_rq(-3, 7, 0), -21);
    /* s = 62 with the largest |x| and M: (2^31 - 1) / 2^31 -> 1, its negative -> -1. */
    assert_int_equal(dpu_rq(P2(31), mmax, 62), 1);
    assert_int_equal(dpu_rq(-P2(31), mmax, 62), -1);
    /* s = 62: 2^31 * 2^30 / 2^62 = 0.5 -> 1 and -0.5 -> 0; one less is below the tie. */
    assert_int_equal(dpu_rq(P2(31), 1 << 30, 62), 1);
    assert_int_equal(dpu_rq(-P2(31), 1 << 30, 62), 0);
    assert_int_equal(dpu_rq(P2(31), (1 << 30) - 1, 62), 0);
    assert_int_equal(dpu_rq(-P2(31), (1 << 30) + 1, 62), -1); /* -0.5000000005 -> -1 */
    /* M = 0: always 0. */
    assert_int_equal(dpu_rq(12345, 0, 10), 0);
    assert_int_equal(dpu_rq(-P2(31), 0, 0), 0);
    assert_int_equal(dpu_rq(-P2(31), 0, 62), 0);
    /* Tiny multiplier M * 2^-s = 2^30 * 2^-62 = 2^-32: every int32 input rounds to 0 except
     * x = 2^31 (0.5 -> 1). */
    assert_int_equal(dpu_rq(INT32_MAX, 1 << 30, 62), 0);
    assert_int_equal(dpu_rq(INT32_MIN, 1 << 30, 62), 0);
}

static void test_rq_against_reference(void **state)
{
    (void)state;
    for (int i = 0; i < 200000; i++) {
        int64_t x = rng_range(-P2(31), P2(31));
        int32_t M = (int32_t)rng_range(0, INT32_MAX);
        int s = (int)rng_range(0, 62);
        if (i % 4 == 0) /* small operands hit ties and near-ties often */
            x = rng_range(-64, 64), M = (int32_t)rng_range(0, 64), s = (int)rng_range(0, 8);
        int64_t got = dpu_rq(x, M, s);
        int64_t want = ref_round_shift(x * M, s);
        if (got != want)
            fail_msg("rq(%lld, %ld, %d) = %lld, reference %lld", (long long)x, (long)M, s,
                     (long long)got, (long long)want);
    }
    /* rshift_round on the whole int64 range (the reference's sums stay below 2^64). */
    for (int i = 0; i < 200000; i++) {
        int64_t v = (int64_t)rng();
        int s = (int)rng_range(0, 62);
        int64_t got = dpu_rshift_round(v, s), want = ref_round_shift(v, s);
        if (got != want)
            fail_msg("rshift_round(%lld, %d) = %lld, reference %lld", (long long)v, s,
                     (long long)got, (long long)want);
    }
}

/* ---- saturation and the conv/fc output stage ---- */

static void test_sat(void **state)
{
    (void)state;
    assert_int_equal(dpu_sat(1000, -128, 127), 127);
    assert_int_equal(dpu_sat(-1000, -128, 127), -128);
    assert_int_equal(dpu_sat(INT64_MAX, -128, 127), 127);
    assert_int_equal(dpu_sat(INT64_MIN, -128, 127), -128);
    assert_int_equal(dpu_sat(-5, -128, 127), -5);
    assert_int_equal(dpu_sat(3, 3, 3), 3);
    assert_int_equal(dpu_sat_i8(128), 127);
    assert_int_equal(dpu_sat_i8(-129), -128);
    assert_int_equal(dpu_sat_i8(127), 127);
    assert_int_equal(dpu_sat_i8(-128), -128);
}

static void test_requant_out(void **state)
{
    (void)state;
    const int32_t half = 1 << 30; /* M = 2^30, s = 31: real multiplier 0.5 */
    /* (100 + 28) * 0.5 = 64, + zp -10 = 54. */
    assert_int_equal(dpu_requant_out(100, 28, half, 31, -10, -128, 127), 54);
    /* (-7 + 0) * 0.5 = -3.5 -> -3, + 5 = 2. */
    assert_int_equal(dpu_requant_out(-7, 0, half, 31, 5, -128, 127), 2);
    /* Saturation at both ends: 400 * 0.5 = 200 -> 127; -400 * 0.5 - 10 = -210 -> -128. */
    assert_int_equal(dpu_requant_out(400, 0, half, 31, 0, -128, 127), 127);
    assert_int_equal(dpu_requant_out(-400, 0, half, 31, -10, -128, 127), -128);
    /* ReLU is the clamp [zp_out, 127]: -100 * 0.5 - 10 = -60 -> -10; 30 * 0.5 - 10 = 5. */
    assert_int_equal(dpu_requant_out(-100, 0, half, 31, -10, -10, 127), -10);
    assert_int_equal(dpu_requant_out(30, 0, half, 31, -10, -10, 127), 5);
    /* ReLU6 with out_scale 0.05, zp_out -128: hi = -128 + 6/0.05 = -8. 1000 * 0.5 - 128 =
     * 372 -> -8; 200 * 0.5 - 128 = -28 stays; -50 * 0.5 - 128 = -153 -> -128. */
    assert_int_equal(dpu_requant_out(1000, 0, half, 31, -128, -128, -8), -8);
    assert_int_equal(dpu_requant_out(200, 0, half, 31, -128, -128, -8), -28);
    assert_int_equal(dpu_requant_out(-50, 0, half, 31, -128, -128, -8), -128);
    /* acc + bias wraps before rq: INT32_MAX + 1 = -2^31, * 0.5 = -2^30 -> -128 (a non-wrapping
     * sum would have given +2^30 -> 127). */
    assert_int_equal(dpu_requant_out(INT32_MAX, 1, half, 31, 0, -128, 127), -128);
    assert_int_equal(dpu_requant_out(INT32_MIN, -1, half, 31, 0, -128, 127), 127);
    /* Largest product: -2^31 * (2^31 - 1) at s = 0, then + zp and clamp. */
    assert_int_equal(dpu_requant_out(INT32_MIN, 0, INT32_MAX, 0, 127, -128, 127), -128);
    /* M = 0: the output is the zero point. */
    assert_int_equal(dpu_requant_out(123456, 7, 0, 20, -3, -128, 127), -3);
}

/* ---- element-wise ---- */

static void test_eltw_add(void **state)
{
    (void)state;
    const int32_t m05 = 1 << 30, m075 = 3 << 29; /* 0.5 and 0.75 at s = 31 */
    /* (10-2)*0.5 + (-20+4)*0.75 = 4 - 12 = -8, + 5 = -3. In integers: 8*2^30 - 16*3*2^29 =
     * -2^34, >> 31 = -8. */
    assert_int_equal(dpu_eltw_add(10, 2, m05, -20, -4, m075, 31, 5, -128, 127), -3);
    /* One rounding of the sum: 1*0.5 + 1*0.75 = 1.25 -> 1 (rounding each term first would
     * give 1 + 1 = 2). */
    assert_int_equal(dpu_eltw_add(1, 0, m05, 1, 0, m075, 31, 0, -128, 127), 1);
    /* Ties: 0.5 -> 1, -0.5 -> 0, -1.5 -> -1. */
    assert_int_equal(dpu_eltw_add(1, 0, m05, 0, 0, m075, 31, 0, -128, 127), 1);
    assert_int_equal(dpu_eltw_add(-1, 0, m05, 0, 0, m075, 31, 0, -128, 127), 0);
    assert_int_equal(dpu_eltw_add(-3, 0, m05, 0, 0, m075, 31, 0, -128, 127), -1);
    /* Saturation: 255 * 2 * (2^31-1) / 2^30 ~ 1020 -> 127; its negative -> -128. */
    assert_int_equal(dpu_eltw_add(127, -128, INT32_MAX, 127, -128, INT32_MAX, 30, 0, -128, 127),
                     127);
    assert_int_equal(dpu_eltw_add(-128, 127, INT32_MAX, -128, 127, INT32_MAX, 30, 0, -128, 127),
                     -128);
    /* ReLU clamp [zo, 127] = [-20, 127]: -8 - 20 = -28 -> -20. */
    assert_int_equal(dpu_eltw_add(10, 2, m05, -20, -4, m075, 31, -20, -20, 127), -20);
    /* s = 0 with unit multipliers: plain (a - za) + (b - zb) + zo = 3 + 4 + 1 = 8. */
    assert_int_equal(dpu_eltw_add(5, 2, 1, 6, 2, 1, 0, 1, -128, 127), 8);
}

static void test_eltw_mul(void **state)
{
    (void)state;
    const int32_t m05 = 1 << 30, m075 = 3 << 29;
    assert_int_equal(dpu_eltw_mul(10, 0, -3, 0, m05, 31, 0, -128, 127), -15); /* -30 * 0.5 */
    assert_int_equal(dpu_eltw_mul(3, 0, -5, 0, m05, 31, 0, -128, 127), -7);   /* -7.5 -> -7 */
    assert_int_equal(dpu_eltw_mul(3, 0, 5, 0, m05, 31, 0, -128, 127), 8);     /* 7.5 -> 8 */
    /* (7-1)*(9-5) = 24, * 0.75 = 18, - 3 = 15. */
    assert_int_equal(dpu_eltw_mul(7, 1, 9, 5, m075, 31, -3, -128, 127), 15);
    /* (-128-127)^2 = 65025 at the largest M and s = 0: saturates; negated operand too. */
    assert_int_equal(dpu_eltw_mul(-128, 127, -128, 127, INT32_MAX, 0, 0, -128, 127), 127);
    assert_int_equal(dpu_eltw_mul(-128, 127, 127, -128, INT32_MAX, 0, 0, -128, 127), -128);
    /* Clamp [0, 6]: 24 * 0.75 = 18 -> 6. */
    assert_int_equal(dpu_eltw_mul(7, 1, 9, 5, m075, 31, 0, 0, 6), 6);
}

/* ---- pooling ---- */

static void test_pool_hand(void **state)
{
    (void)state;
    const int32_t one = 1 << 30;                          /* M = 2^30, s = 30: real multiplier 1 */
    assert_int_equal(dpu_pool_div(10, 4, 0, one, 30), 3); /* 2.5 -> 3 */
    assert_int_equal(dpu_pool_div(-10, 4, 0, one, 30), -2); /* -2.5 -> -2 */
    assert_int_equal(dpu_pool_div(9, 4, 0, one, 30), 2);    /* 2.25 -> 2 */
    assert_int_equal(dpu_pool_div(-11, 4, 0, one, 30), -3); /* -2.75 -> -3 */
    assert_int_equal(dpu_pool_div(-14, 4, 0, one, 30), -3); /* -3.5 -> -3 */
    /* zero point: (13 - 4*3) / 4 = 0.25 -> 0; (2 - 4*3)/4 = -2.5 -> -2. */
    assert_int_equal(dpu_pool_div(13, 4, 3, one, 30), 0);
    assert_int_equal(dpu_pool_div(2, 4, 3, one, 30), -2);
    /* 3x3 window, multiplier 0.75 (3*2^29, s = 31): 20 / 9 * 0.75 = 1.667 -> 2;
     * 6 / 9 * 0.75 = 0.5 -> 1 (exact tie, no intermediate rounding of 6/9). */
    assert_int_equal(dpu_pool_div(20, 9, 0, 3 << 29, 31), 2);
    assert_int_equal(dpu_pool_div(6, 9, 0, 3 << 29, 31), 1);
    assert_int_equal(dpu_pool_div(-6, 9, 0, 3 << 29, 31), 0);
    /* s = 0, M = 1: plain rounded mean, 7/2 = 3.5 -> 4. */
    assert_int_equal(dpu_pool_div(7, 2, 0, 1, 0), 4);
    /* Largest inputs: 255x255 window of 127 with zi = -128 and M = 2^31-1, s = 31:
     * 383 * (2^31-1)/2^31 = 382.99999982 -> 383; the negative end -381.99999982 -> -382. */
    assert_int_equal(dpu_pool_div(255 * 65025, 65025, -128, INT32_MAX, 31), 383);
    assert_int_equal(dpu_pool_div(-255 * 65025, 65025, 127, INT32_MAX, 31), -382);
    assert_int_equal(dpu_avgpool_out(255 * 65025, 65025, -128, INT32_MAX, 31, 0), 127);
    assert_int_equal(dpu_avgpool_out(-255 * 65025, 65025, 127, INT32_MAX, 31, 0), -128);
    assert_int_equal(dpu_avgpool_out(10, 4, 0, one, 30, -5), -2); /* 3 - 5 */
}

/* Reference: the y with 2*y*den <= 2*num + den < 2*(y+1)*den, found from a floating-point
 * guess and corrected by exact integer comparisons (no division). */
static int64_t ref_pool(int64_t S, int64_t n, int32_t zi, int32_t M, int s)
{
    int64_t num = (S - n * zi) * M, den = n * P2(s);
    int64_t y = (int64_t)((double)num / (double)den);
    while (2 * y * den > 2 * num + den)
        y--;
    while (2 * (y + 1) * den <= 2 * num + den)
        y++;
    return y;
}

static void test_pool_exhaustive(void **state)
{
    (void)state;
    static const int32_t zis[] = {-128, -3, 0, 5, 127};
    static const int32_t ms[] = {1, 3, 1 << 30, 3 << 29, 1431655765, INT32_MAX};
    static const int ss[] = {0, 1, 2, 5, 17, 30, 31};
    long checked = 0;
    for (int64_t n = 1; n <= 9; n++)
        for (int64_t S = -128 * n; S <= 127 * n; S++)
            for (size_t zi = 0; zi < sizeof zis / sizeof zis[0]; zi++)
                for (size_t m = 0; m < sizeof ms / sizeof ms[0]; m++)
                    for (size_t k = 0; k < sizeof ss / sizeof ss[0]; k++) {
                        int64_t got = dpu_pool_div(S, n, zis[zi], ms[m], ss[k]);
                        int64_t want = ref_pool(S, n, zis[zi], ms[m], ss[k]);
                        if (got != want)
                            fail_msg("pool_div(S=%lld, n=%lld, zi=%d, M=%d, s=%d) = %lld, "
                                     "reference %lld",
                                     (long long)S, (long long)n, (int)zis[zi], (int)ms[m], ss[k],
                                     (long long)got, (long long)want);
                        /* n == 1 is exactly requantization of S - zi. */
                        if (n == 1 && got != dpu_rq(S - zis[zi], ms[m], ss[k]))
                            fail_msg("pool_div(n=1) != rq at S=%lld zi=%d M=%d s=%d", (long long)S,
                                     (int)zis[zi], (int)ms[m], ss[k]);
                        checked++;
                    }
    assert_true(checked == 11484L * 5 * 6 * 7); /* sum over n of (255n + 1) = 11484 sums */
}

static void test_pool_random_large(void **state)
{
    (void)state;
    for (int i = 0; i < 100000; i++) {
        int64_t n = rng_range(1, DPU_POOL_MAX_N);
        int32_t zi = (int32_t)rng_range(-128, 127);
        int64_t S = rng_range(-128 * n, 127 * n);
        int32_t M = (int32_t)rng_range(0, INT32_MAX);
        int s = (int)rng_range(0, 31);
        int64_t got = dpu_pool_div(S, n, zi, M, s), want = ref_pool(S, n, zi, M, s);
        if (got != want)
            fail_msg("pool_div(S=%lld, n=%lld, zi=%d, M=%d, s=%d) = %lld, reference %lld",
                     (long long)S, (long long)n, (int)zi, (int)M, s, (long long)got,
                     (long long)want);
    }
}

/* ---- lookup table ---- */

static void test_lut(void **state)
{
    (void)state;
    int8_t lut[DPU_LUT_ENTRIES];
    for (int i = 0; i < DPU_LUT_ENTRIES; i++)
        lut[i] = (int8_t)(127 - i); /* entry for y is 127 - (y + 128) = -1 - y */
    assert_int_equal(dpu_lut_index(-128), 0);
    assert_int_equal(dpu_lut_index(0), 128);
    assert_int_equal(dpu_lut_index(127), 255);
    assert_int_equal(dpu_lut_apply(lut, -128), 127);
    assert_int_equal(dpu_lut_apply(lut, 0), -1);
    assert_int_equal(dpu_lut_apply(lut, 127), -128);
}

/* ---- preconditions are enforced ---- */

static void test_preconditions(void **state)
{
    (void)state;
    expect_assert_failure(dpu_rq(0, -1, 0));          /* M < 0 */
    expect_assert_failure(dpu_rq(0, 1, 63));          /* s > 62 */
    expect_assert_failure(dpu_rq(0, 1, -1));          /* s < 0 */
    expect_assert_failure(dpu_rq(P2(31) + 1, 1, 0));  /* |x| > 2^31 */
    expect_assert_failure(dpu_rq(-P2(31) - 1, 1, 0)); /* |x| > 2^31 */
    expect_assert_failure(dpu_rshift_round(0, 63));
    expect_assert_failure(dpu_sat(0, 1, 0));
    expect_assert_failure(dpu_requant_out(0, 0, 1, 0, 128, -128, 127)); /* zp_out */
    expect_assert_failure(dpu_requant_out(0, 0, 1, 0, 0, 10, 5));       /* lo > hi */
    expect_assert_failure(dpu_eltw_add(0, -129, 1, 0, 0, 1, 0, 0, -128, 127));
    expect_assert_failure(dpu_eltw_mul(0, 0, 0, 0, -1, 0, 0, -128, 127));
    expect_assert_failure(dpu_pool_div(0, 0, 0, 1, 0));     /* n = 0 */
    expect_assert_failure(dpu_pool_div(0, 65026, 0, 1, 0)); /* n > 65025 */
    expect_assert_failure(dpu_pool_div(0, 1, 0, 1, 32));    /* s > 31 */
    expect_assert_failure(dpu_pool_div(255 * 65025 + 1, 1, 0, 1, 0));
    expect_assert_failure(dpu_floor_div64(1, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrap_add),
        cmocka_unit_test(test_mac),
        cmocka_unit_test(test_floor_shr),
        cmocka_unit_test(test_rshift_round),
        cmocka_unit_test(test_rq_hand),
        cmocka_unit_test(test_rq_edges),
        cmocka_unit_test(test_rq_against_reference),
        cmocka_unit_test(test_sat),
        cmocka_unit_test(test_requant_out),
        cmocka_unit_test(test_eltw_add),
        cmocka_unit_test(test_eltw_mul),
        cmocka_unit_test(test_pool_hand),
        cmocka_unit_test(test_pool_exhaustive),
        cmocka_unit_test(test_pool_random_large),
        cmocka_unit_test(test_lut),
        cmocka_unit_test(test_preconditions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
