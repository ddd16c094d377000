/* The calibration histogram, the range estimators on synthetic histograms with known answers,
 * and the scale rules (activations, weights, biases, powers of two). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/quant_passes.h"
#include "quant_test_util.h"

static struct dpu_qhist *new_hist(void)
{
    struct dpu_qhist *h = malloc(sizeof *h);
    assert_non_null(h);
    dpu_qhist_init(h);
    return h;
}

static uint64_t bins_total(const struct dpu_qhist *h)
{
    uint64_t n = 0;
    for (int i = 0; i < DPU_QHIST_BINS; i++)
        n += h->pos[i] + h->neg[i];
    return n;
}

/* The width is set by the first batch and doubles, merging bins exactly, when a larger value
 * comes; zeros and non-finite values are kept apart. */
static void test_hist_rebinning(void **state)
{
    (void)state;
    struct dpu_qhist *h = new_hist();
    float a[4] = {0.5f, -0.25f, 0.0f, NAN};
    dpu_qhist_add(h, a, 4);
    assert_true(h->width == 0.5 / DPU_QHIST_BINS);
    assert_int_equal(h->count, 3);
    assert_int_equal(h->zeros, 1);
    assert_int_equal(h->pos[DPU_QHIST_BINS - 1], 1); /* 0.5 is the top edge: last bin */
    assert_int_equal(h->neg[DPU_QHIST_BINS / 2], 1); /* 0.25 = 1024 widths */
    float b[2] = {3.0f, INFINITY};
    dpu_qhist_add(h, b, 2);
    /* 0.5 -> 1 -> 2 -> 4: three doublings, so widths of 4 / 2048. */
    assert_true(h->width == 4.0 / DPU_QHIST_BINS);
    assert_int_equal(bins_total(h), 3);
    assert_int_equal(h->pos[255], 1); /* 0.5 was in bin 2047 of width 0.5/2048: 2047 >> 3 */
    assert_int_equal(h->neg[128], 1); /* 0.25: bin 1024 >> 3 */
    assert_int_equal(h->pos[1536], 1);
    assert_true(h->min == -0.25 && h->max == 3.0);
    free(h);
}

/* Uniform |x| over (0, 1]: the p-th percentile is p / 100. */
static void test_percentile_uniform(void **state)
{
    (void)state;
    struct dpu_qhist *h = new_hist();
    float *v = malloc(100000 * sizeof *v);
    for (int i = 0; i < 100000; i++)
        v[i] = (float)((i + 1) / 100000.0) * (i % 2 ? 1.0f : -1.0f);
    dpu_qhist_add(h, v, 100000);
    double w = h->width;
    assert_true(fabs(dpu_qhist_percentile(h, 50) - 0.5) <= w);
    assert_true(fabs(dpu_qhist_percentile(h, 99) - 0.99) <= w);
    assert_true(fabs(dpu_qhist_percentile(h, 100) - 1.0) <= w);
    double lo, hi;
    dpu_qhist_range(h, DPU_CALIB_PERCENTILE, 90, &lo, &hi);
    assert_true(fabs(hi - 0.9) <= w && fabs(lo + 0.9) <= w);
    dpu_qhist_range(h, DPU_CALIB_MINMAX, 0, &lo, &hi);
    assert_true(lo == (double)-(float)(99999 / 100000.0) && hi == 1.0);
    free(v);
    free(h);
}

/* N = 100000 values spread over [0, 1) and one outlier at a = 4. For a threshold t in [1, a]
 * the expected error is the outlier's clipping error plus the bulk's rounding noise,
 *     E(t) = (a - t)^2 + N (t / 255)^2 / 12,
 * smallest at t* = a / (1 + N / (12 * 255^2)) = a / 1.12816. The histogram sees the outlier at
 * its bin's centre, 2047.5 * (4 / 2048) = 3.9990, so t* = 3.5447. */
static void test_mse_known_threshold(void **state)
{
    (void)state;
    struct dpu_qhist *h = new_hist();
    float *v = malloc(100001 * sizeof *v);
    for (int i = 0; i < 100000; i++)
        v[i] = (float)((i + 0.5) / 100000.0);
    v[100000] = 4.0f;
    dpu_qhist_add(h, v, 100001);
    double centre = 2047.5 * 4.0 / 2048;
    double want = centre / (1 + 100000.0 / (12.0 * 255 * 255));
    double t = dpu_qhist_mse(h);
    assert_true(fabs(t - want) <= 2.5 * h->width);
    double lo, hi;
    dpu_qhist_range(h, DPU_CALIB_MSE, 0, &lo, &hi);
    assert_true(lo == 0 && hi == t);
    free(v);
    free(h);
}

/* Without outliers clipping only adds error: uniform data keeps its whole range. */
static void test_mse_uniform_keeps_range(void **state)
{
    (void)state;
    struct dpu_qhist *h = new_hist();
    float *v = malloc(50000 * sizeof *v);
    uint32_t seed = 17;
    qt_fill(&seed, v, 50000, -2, 2);
    dpu_qhist_add(h, v, 50000);
    double t = dpu_qhist_mse(h);
    assert_true(t >= 1.98 && t <= 2.0 + h->width);
    free(v);
    free(h);
}

/* Uniform over all bins: Q reproduces P exactly only without clipping: T = the whole range. */
static void test_entropy_uniform(void **state)
{
    (void)state;
    struct dpu_qhist *h = new_hist();
    float *v = malloc(2048 * 20 * sizeof *v);
    for (int i = 0; i < 2048 * 20; i++)
        v[i] = (float)((i % 2048 + 0.5) / 2048.0); /* 20 values in each bin of [0, 1) */
    v[0] = 1.0f;                                   /* pins the width to 1/2048 */
    dpu_qhist_add(h, v, 2048 * 20);
    assert_true(h->width == 1.0 / 2048);
    double t = dpu_qhist_entropy(h);
    assert_true(fabs(t - 1.0) <= 1e-12);
    free(v);
    free(h);
}

/* A bulk in [0, 0.125) and a thin tail to 1: the KL minimum clips most of the tail. */
static void test_entropy_clips_tail(void **state)
{
    (void)state;
    struct dpu_qhist *h = new_hist();
    size_t n = 200000;
    float *v = malloc(n * sizeof *v);
    uint32_t seed = 5;
    for (size_t i = 0; i < n; i++)
        v[i] = i % 1000 == 0 ? qt_rand(&seed, 0.125f, 1.0f) : qt_rand(&seed, 0.0f, 0.125f);
    v[0] = 1.0f;
    dpu_qhist_add(h, v, n);
    double t = dpu_qhist_entropy(h);
    assert_true(t >= 0.12 && t <= 0.2); /* measured: 0.125, the bulk's edge */
    free(v);
    free(h);
}

/* Relu(N(0, 1)): half the values are exact zeros. They are exact in every range, so they must
 * not move the entropy threshold; in P's first bin they pulled it down to 1.6 (of 4.35). */
static void test_entropy_ignores_zeros(void **state)
{
    (void)state;
    struct dpu_qhist *pos = new_hist(), *relu = new_hist();
    size_t n = 200000;
    float *v = malloc(n * sizeof *v);
    uint32_t seed = 9;
    for (size_t i = 0; i < n; i++) { /* Box-Muller */
        float u1 = qt_rand(&seed, 1e-7f, 1), u2 = qt_rand(&seed, 0, 1);
        float g = sqrtf(-2 * logf(u1)) * cosf(6.2831853f * u2);
        v[i] = g > 0 ? g : 0;
    }
    dpu_qhist_add(relu, v, n);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] > 0)
            v[k++] = v[i];
    dpu_qhist_add(pos, v, k);
    assert_true(relu->zeros > n / 3);
    double t = dpu_qhist_entropy(relu);
    assert_true(t == dpu_qhist_entropy(pos));
    assert_true(t > 3.0 && t <= relu->max + relu->width); /* measured: 4.33 of 4.35 */
    free(v);
    free(pos);
    free(relu);
}

static void test_empty_histogram(void **state)
{
    (void)state;
    struct dpu_qhist *h = new_hist();
    float z[3] = {0, 0, 0};
    dpu_qhist_add(h, z, 3);
    assert_true(dpu_qhist_percentile(h, 99) == 0);
    assert_true(dpu_qhist_mse(h) == 0);
    assert_true(dpu_qhist_entropy(h) == 0);
    double lo = 1, hi = 1;
    dpu_qhist_range(h, DPU_CALIB_ENTROPY, 0, &lo, &hi);
    assert_true(lo == 0 && hi == 0);
    free(h);
}

static void test_pof2(void **state)
{
    (void)state;
    assert_true(dpu_qpof2(0.25f) == 0.25f);
    assert_true(dpu_qpof2(0.3f) == 0.5f);
    assert_true(dpu_qpof2(1.0f) == 1.0f);
    assert_true(dpu_qpof2(1.5f) == 2.0f);
    assert_true(dpu_qpof2(6.0f / 255.0f) == 0.03125f);
    assert_true(dpu_qpof2(1e-9f) == ldexpf(1.0f, -29));
}

static void test_act_params(void **state)
{
    (void)state;
    float s;
    int32_t z;
    /* [-1, 3]: s = 4/255, zp = round(-128 + 1 / (4/255)) = round(-64.25) = -64. */
    dpu_qact_params(-1, 3, false, &s, &z);
    assert_true(s == (float)(4.0 / 255.0));
    assert_int_equal(z, -64);
    /* After Relu6: [0, 6], zp -128 (real 0 is the lowest code). */
    dpu_qact_params(0, 6, false, &s, &z);
    assert_true(s == (float)(6.0 / 255.0));
    assert_int_equal(z, -128);
    /* A range without 0 is widened to hold it. */
    dpu_qact_params(2, 5, false, &s, &z);
    assert_true(s == (float)(5.0 / 255.0));
    assert_int_equal(z, -128);
    dpu_qact_params(-5, -2, false, &s, &z);
    assert_int_equal(z, 127);
    /* Power of two: 6/255 -> 2^-5; zp still places 0 exactly. */
    dpu_qact_params(0, 6, true, &s, &z);
    assert_true(s == 0.03125f);
    assert_int_equal(z, -128);
    dpu_qact_params(-1, 1, true, &s, &z); /* 2/255 -> 2^-6; zp = round(-128 + 64) = -64 */
    assert_true(s == 0.015625f);
    assert_int_equal(z, -64);
    /* Nothing but zeros. */
    dpu_qact_params(0, 0, false, &s, &z);
    assert_true(s == 1.0f / 255.0f);
    assert_int_equal(z, -128);
}

static void test_weights_per_channel(void **state)
{
    (void)state;
    /* Row 0 max 1, row 1 zeros, row 2 max 0.5; pof2 scales make every quotient exact. */
    float w[9] = {1.0f, 0.5f, -0.25f, 0, 0, 0, -0.5f, 0.125f, 0.0078125f};
    float s[3];
    int8_t q[9];
    dpu_qweights(w, 3, 3, false, true, s, q);
    /* 1/127 -> 1/64; the zero row takes the largest scale; 0.5/127 -> 1/128. */
    assert_true(s[0] == 1.0f / 64 && s[1] == 1.0f / 64 && s[2] == 1.0f / 128);
    int8_t want[9] = {64, 32, -16, 0, 0, 0, -64, 16, 1};
    assert_memory_equal(q, want, 9);
    /* Not pof2: the largest weight of each row is exactly +-127. */
    dpu_qweights(w, 3, 3, false, false, s, q);
    assert_true(s[0] == (float)(1.0 / 127) && s[2] == (float)(0.5 / 127));
    assert_int_equal(q[0], 127);
    assert_int_equal(q[6], -127);
    for (int i = 0; i < 9; i++)
        assert_true(fabs(q[i] - w[i] / s[i / 3]) <= 0.5 + 1e-6);
    /* Per tensor: one scale from the largest weight. */
    dpu_qweights(w, 3, 3, true, false, s, q);
    assert_true(s[0] == s[1] && s[1] == s[2] && s[0] == (float)(1.0 / 127));
    assert_int_equal(q[6], -64); /* -0.5 * 127 = -63.5: ties to even */
}

static void test_weights_never_minus_128(void **state)
{
    (void)state;
    float w[2] = {-1.0f, 1.0f};
    float s[1];
    int8_t q[2];
    dpu_qweights(w, 1, 2, false, false, s, q);
    assert_int_equal(q[0], -127);
    assert_int_equal(q[1], 127);
}

static void test_bias(void **state)
{
    (void)state;
    struct dpu_gnode n = {.name = "fc", .op = DPU_NODE_FULLY_CONNECTED};
    float sw[3] = {0.25f, 0.25f, 0.25f};
    int32_t q[3];
    struct dpu_diag d;
    dpu_diag_clear(&d);
    /* unit 0.5 * 0.25 = 0.125: 1.0 -> 8, 0.1875 -> 1.5 -> 2, 0.3125 -> 2.5 -> 2 (even). */
    float b[3] = {1.0f, 0.1875f, 0.3125f};
    assert_int_equal(dpu_qbias(&n, b, 3, 0.5f, sw, q, &d), 0);
    assert_int_equal(q[0], 8);
    assert_int_equal(q[1], 2);
    assert_int_equal(q[2], 2);
    /* 1e9 / (1e-3 * 0.25) = 4e12 does not fit int32. */
    float big[3] = {0, 1e9f, 0};
    qt_expect_error(dpu_qbias(&n, big, 3, 1e-3f, sw, q, &d), &d, DPU_E_RANGE,
                    "node 'fc' (FullyConnected)", "output channel 1", "int32", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hist_rebinning),
        cmocka_unit_test(test_percentile_uniform),
        cmocka_unit_test(test_mse_known_threshold),
        cmocka_unit_test(test_mse_uniform_keeps_range),
        cmocka_unit_test(test_entropy_uniform),
        cmocka_unit_test(test_entropy_clips_tail),
        cmocka_unit_test(test_entropy_ignores_zeros),
        cmocka_unit_test(test_empty_histogram),
        cmocka_unit_test(test_pof2),
        cmocka_unit_test(test_act_params),
        cmocka_unit_test(test_weights_per_channel),
        cmocka_unit_test(test_weights_never_minus_128),
        cmocka_unit_test(test_bias),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
