/* Unit tests of the conformance driver's comparison rules (compare.h) and list parser
 * (test_list.h), on hand-made tensors and texts. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "compare.h"
#include "test_list.h"

/* A rank-1 tensor over caller storage. */
static struct dpu_tensor vec(enum dpu_dtype dt, int64_t n, void *data)
{
    struct dpu_tensor t = {.dtype = dt, .rank = 1, .data = data};
    t.dims[0] = n;
    return t;
}

/* ---- float rule: |got - exp| <= 1e-5 * max(1, |exp|) ---- */

static void test_float_tolerance_edges(void **state)
{
    (void)state;
    /* Near 0 the bound is absolute (1e-5); above 1 it is relative (1e-5 * |exp|). Values are
     * chosen so that float32 rounding cannot move them across the bound. */
    float exp[] = {0.0f, 0.5f, 1000.0f, -1000.0f};
    float ok[] = {9e-6f, 0.500009f, 1000.0095f, -1000.0095f};
    float bad[] = {1.1e-5f, 0.500011f, 1000.0107f, -999.9893f};
    struct dpu_tensor e = vec(DPU_DT_FLOAT32, 4, exp);
    struct dpu_tensor g = vec(DPU_DT_FLOAT32, 4, ok);
    struct conf_cmp r;
    char msg[128];
    assert_int_equal(conf_compare_float(&g, &e, CONF_FLOAT_RTOL, &r, msg, sizeof(msg)), 0);
    assert_int_equal(r.count, 4);
    assert_int_equal(r.mismatches, 0);
    assert_int_equal(r.first_bad, -1);
    assert_true(r.max_rel <= 1e-5);
    assert_true(r.max_abs > 9e-3 && r.max_abs < 1e-2); /* the 1000.0095 element */

    g = vec(DPU_DT_FLOAT32, 4, bad);
    assert_int_equal(conf_compare_float(&g, &e, CONF_FLOAT_RTOL, &r, msg, sizeof(msg)), 0);
    assert_int_equal(r.mismatches, 4);
    assert_int_equal(r.first_bad, 0);
    assert_true(fabs(r.first_got - 1.1e-5) < 1e-9);
    assert_true(r.first_exp == 0.0);
    assert_true(r.max_rel > 1e-5);
}

static void test_float_nan_inf(void **state)
{
    (void)state;
    float exp[] = {NAN, INFINITY, -INFINITY, 1.0f};
    float same[] = {NAN, INFINITY, -INFINITY, 1.0f};
    float diff[] = {0.0f, -INFINITY, NAN, NAN};
    struct dpu_tensor e = vec(DPU_DT_FLOAT32, 4, exp);
    struct dpu_tensor g = vec(DPU_DT_FLOAT32, 4, same);
    struct conf_cmp r;
    char msg[128];
    assert_int_equal(conf_compare_float(&g, &e, CONF_FLOAT_RTOL, &r, msg, sizeof(msg)), 0);
    assert_int_equal(r.mismatches, 0);
    assert_true(r.max_abs == 0.0 && r.max_rel == 0.0);
    g = vec(DPU_DT_FLOAT32, 4, diff);
    assert_int_equal(conf_compare_float(&g, &e, CONF_FLOAT_RTOL, &r, msg, sizeof(msg)), 0);
    assert_int_equal(r.mismatches, 4);
    assert_true(r.max_abs == 0.0); /* no finite pair differs: non-finite ones have no size */
}

static void test_layout_mismatch(void **state)
{
    (void)state;
    float a[6] = {0}, b[6] = {0};
    struct dpu_tensor g = {.dtype = DPU_DT_FLOAT32, .rank = 2, .dims = {2, 3}, .data = a};
    struct dpu_tensor e = {.dtype = DPU_DT_FLOAT32, .rank = 2, .dims = {3, 2}, .data = b};
    struct conf_cmp r;
    char msg[128];
    assert_int_equal(conf_compare_float(&g, &e, CONF_FLOAT_RTOL, &r, msg, sizeof(msg)), -1);
    assert_string_equal(msg, "shape (2, 3), expected (3, 2)");
    e = vec(DPU_DT_FLOAT32, 6, b);
    assert_int_equal(conf_compare_float(&g, &e, CONF_FLOAT_RTOL, &r, msg, sizeof(msg)), -1);
    assert_string_equal(msg, "shape (2, 3), expected (6,)");
    int8_t q[6] = {0};
    struct dpu_tensor gi = vec(DPU_DT_INT8, 6, q);
    struct dpu_tensor eu = vec(DPU_DT_UINT8, 6, q);
    assert_int_equal(conf_compare_quant(&gi, &eu, NULL, &r, msg, sizeof(msg)), -1);
    assert_string_equal(msg, "dtype int8, expected uint8");
}

/* ---- quant rule: exact, 1 LSB = tie, more = fail ---- */

static void test_quant_ties(void **state)
{
    (void)state;
    /* Zero point 128 (uint8). Expected (ONNX, ties to even) vs ours (ties up):
     *   130 vs 131: exp - zp = 2, even, ours one above: the exact tie pattern.
     *   131 vs 132: exp - zp = 3, odd: 1 LSB but not at a tie (a multiplier rounding).
     *   100 vs  99: ours below: 1 LSB, not the tie pattern.
     *    10 vs  12: 2 LSB: a failure.
     *   255 vs 255, 0 vs 0: equal. */
    uint8_t exp[] = {130, 131, 100, 10, 255, 0};
    uint8_t got[] = {131, 132, 99, 12, 255, 0};
    int32_t zp = 128;
    struct conf_zero_points z = {-1, 1, &zp};
    struct dpu_tensor e = vec(DPU_DT_UINT8, 6, exp);
    struct dpu_tensor g = vec(DPU_DT_UINT8, 6, got);
    struct conf_cmp r;
    char msg[128];
    assert_int_equal(conf_compare_quant(&g, &e, &z, &r, msg, sizeof(msg)), 0);
    assert_int_equal(r.count, 6);
    assert_int_equal(r.ties, 3);
    assert_int_equal(r.ties_off_pattern, 2);
    assert_int_equal(r.mismatches, 1);
    assert_int_equal(r.first_bad, 3);
    assert_true(r.first_got == 12 && r.first_exp == 10);
    assert_true(r.max_abs == 2.0);

    /* The int8 domain of the same zero point (0) gives the same parities. */
    int32_t zp8 = 0;
    z.zp = &zp8;
    assert_int_equal(conf_compare_quant(&g, &e, &z, &r, msg, sizeof(msg)), 0);
    assert_int_equal(r.ties_off_pattern, 2);
    /* Without zero points no tie can be placed on the pattern. */
    assert_int_equal(conf_compare_quant(&g, &e, NULL, &r, msg, sizeof(msg)), 0);
    assert_int_equal(r.ties, 3);
    assert_int_equal(r.ties_off_pattern, 3);
}

static void test_quant_per_channel_zero_points(void **state)
{
    (void)state;
    /* Shape (1, 2, 2), axis 1: channel 0 has zp 0, channel 1 has zp 1. Every element is ours =
     * exp + 1 with exp = 4: exp - zp is even in channel 0 and odd in channel 1. */
    int8_t exp[] = {4, 4, 4, 4};
    int8_t got[] = {5, 5, 5, 5};
    int32_t zps[] = {0, 1};
    struct conf_zero_points z = {1, 2, zps};
    struct dpu_tensor e = {.dtype = DPU_DT_INT8, .rank = 3, .dims = {1, 2, 2}, .data = exp};
    struct dpu_tensor g = e;
    g.data = got;
    struct conf_cmp r;
    char msg[128];
    assert_int_equal(conf_compare_quant(&g, &e, &z, &r, msg, sizeof(msg)), 0);
    assert_int_equal(r.ties, 4);
    assert_int_equal(r.ties_off_pattern, 2);
    assert_int_equal(r.mismatches, 0);
}

static void test_quant_int32_and_float_exact(void **state)
{
    (void)state;
    /* 1 apart is a tie only for 8-bit outputs: int32 (ConvInteger) and float (Dequantize)
     * results must be equal. */
    int32_t ei[] = {12, 16}, gi[] = {12, 17};
    float ef[] = {-256.0f, 0.5f}, gf[] = {-256.0f, 0.50000006f};
    struct dpu_tensor e = vec(DPU_DT_INT32, 2, ei), g = vec(DPU_DT_INT32, 2, gi);
    struct conf_cmp r;
    char msg[128];
    assert_int_equal(conf_compare_quant(&g, &e, NULL, &r, msg, sizeof(msg)), 0);
    assert_int_equal(r.ties, 0);
    assert_int_equal(r.mismatches, 1);
    e = vec(DPU_DT_FLOAT32, 2, ef);
    g = vec(DPU_DT_FLOAT32, 2, gf);
    assert_int_equal(conf_compare_quant(&g, &e, NULL, &r, msg, sizeof(msg)), 0);
    assert_int_equal(r.mismatches, 1);
    assert_int_equal(r.first_bad, 1);
}

static void test_merge(void **state)
{
    (void)state;
    struct conf_cmp a, b;
    conf_cmp_init(&a);
    conf_cmp_init(&b);
    a.count = 4;
    a.max_abs = 0.5;
    b.count = 6;
    b.mismatches = 2;
    b.ties = 1;
    b.max_rel = 0.25;
    b.first_bad = 3;
    b.first_got = 7;
    conf_cmp_merge(&a, &b);
    assert_int_equal(a.count, 10);
    assert_int_equal(a.mismatches, 2);
    assert_int_equal(a.ties, 1);
    assert_true(a.max_abs == 0.5 && a.max_rel == 0.25);
    assert_int_equal(a.first_bad, 3);
    assert_true(a.first_got == 7);
}

/* ---- uint8 boundary ---- */

static void test_uint8_conversion(void **state)
{
    (void)state;
    uint8_t u[] = {0, 127, 128, 255};
    struct dpu_tensor t = vec(DPU_DT_UINT8, 4, u);
    assert_int_equal(conf_uint8_to_int8(&t), 0);
    assert_int_equal(t.dtype, DPU_DT_INT8);
    const int8_t *s = t.data;
    assert_int_equal(s[0], -128);
    assert_int_equal(s[1], -1);
    assert_int_equal(s[2], 0);
    assert_int_equal(s[3], 127);
    assert_int_equal(conf_uint8_to_int8(&t), -1); /* already int8: refused, unchanged */
    assert_int_equal(s[0], -128);
    assert_int_equal(conf_int8_to_uint8(&t), 0);
    assert_int_equal(t.dtype, DPU_DT_UINT8);
    assert_memory_equal(u, ((uint8_t[]){0, 127, 128, 255}), 4);
    float f[1] = {0};
    struct dpu_tensor ft = vec(DPU_DT_FLOAT32, 1, f);
    assert_int_equal(conf_int8_to_uint8(&ft), -1);
    assert_int_equal(ft.dtype, DPU_DT_FLOAT32);
}

/* ---- the list format ---- */

static void test_list_parse(void **state)
{
    (void)state;
    const char *text = "# comment\n"
                       "float node/test_relu\n"
                       "\n"
                       "float node/test_conv bind=W   # trailing comment\n"
                       "quant node/test_qlinearmatmul_2D bind=a_scale,b_scale\r\n"
                       "skip  node/test_maxpool_3d_default   3-D pooling  \n"
                       "quant node/test_quantizelinear";
    struct conf_list l;
    char err[256];
    assert_int_equal(conf_list_parse("t", text, &l, err, sizeof(err)), 0);
    assert_int_equal(l.n, 5);
    assert_int_equal(l.e[0].kind, CONF_FLOAT);
    assert_false(l.e[0].bind_given);
    assert_int_equal(l.e[0].line, 2);
    assert_int_equal(l.e[1].nbind, 1);
    assert_string_equal(l.e[1].bind[0], "W");
    assert_int_equal(l.e[2].kind, CONF_QUANT);
    assert_int_equal(l.e[2].nbind, 2);
    assert_string_equal(l.e[2].bind[1], "b_scale");
    assert_int_equal(l.e[3].kind, CONF_SKIP);
    assert_string_equal(l.e[3].reason, "3-D pooling");
    assert_string_equal(l.e[4].dir, "node/test_quantizelinear");
    assert_false(l.e[4].bind_given);
    assert_non_null(conf_list_find(&l, "node/test_conv"));
    assert_null(conf_list_find(&l, "node/test_conv2"));
    conf_list_free(&l);
}

static void test_list_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *err;
    } cases[] = {
        {"fp32 node/x\n", "t:1: unknown kind 'fp32' (float, quant or skip)"},
        {"float\n", "t:1: float line without a test directory"},
        {"\nskip node/x\n", "t:2: skip node/x without a reason"},
        {"float node/x bind=\n", "t:1: unexpected 'bind=' (only one bind=NAME,... may follow)"},
        {"float node/x bind=a,,b\n", "t:1: bad bind list 'bind=a,,b'"},
        {"float node/x junk\n", "t:1: unexpected 'junk' (only one bind=NAME,... may follow)"},
        {"float node/x\nquant node/x\n", "t:2: node/x is listed twice"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct conf_list l;
        char err[256] = "";
        assert_int_equal(conf_list_parse("t", cases[i].text, &l, err, sizeof(err)), -1);
        assert_string_equal(err, cases[i].err);
        conf_list_free(&l);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_float_tolerance_edges),
        cmocka_unit_test(test_float_nan_inf),
        cmocka_unit_test(test_layout_mismatch),
        cmocka_unit_test(test_quant_ties),
        cmocka_unit_test(test_quant_per_channel_zero_points),
        cmocka_unit_test(test_quant_int32_and_float_exact),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_uint8_conversion),
        cmocka_unit_test(test_list_parse),
        cmocka_unit_test(test_list_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
