/* Randomized compile tests: small quantized graphs with fixed seeds (channels not multiples
 * of R, odd sizes, kernels 1-5, strides 1-3, asymmetric pads), compiled for tiny and b1024,
 * run on dpusim (race checker on) and compared byte for byte with dpu_ref_run. */
#include "compile_test_util.h"

#include <stdio.h>

#include "dpu/graph.h"

static void random_pads(int kh, int kw, int dh, int dw, int p[4])
{
    p[0] = ct_int(0, (kh - 1) * dh), p[2] = ct_int(0, (kh - 1) * dh);
    p[1] = ct_int(0, (kw - 1) * dw), p[3] = ct_int(0, (kw - 1) * dw);
}

static int input4(struct dpu_graph *g, int c, int h, int w)
{
    int x = ct_act(g, "x", ct_int(1, 2), c, h, w, 0.05);
    assert_true(dpu_graph_add_input(g, x) >= 0);
    return x;
}

/* One graph per seed; kind selects the shape of the graph. */
static void one(uint64_t seed, const char *preset, int kind)
{
    struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    ct_seed(seed * 7919 + (uint64_t)kind);
    int R = preset[0] == 't' ? 8 : 16;
    const char *what = "?";
    int y = -1, p[4];
    for (;;) {
        int kh = ct_int(1, 5), kw = ct_int(1, 5), sh = ct_int(1, 3), sw = ct_int(1, 3);
        int dh = ct_int(1, 2), dw = ct_int(1, 2), h = 2 * ct_int(1, 6) + 1,
            w = 2 * ct_int(1, 6) + 1;
        if (h + 0 < (kh - 1) * dh + 1 || w < (kw - 1) * dw + 1)
            continue;
        random_pads(kh, kw, dh, dw, p);
        int cin = ct_int(1, 2 * R + 3), cout = ct_int(1, 3 * R + 1);
        switch (kind) {
        case 0:
            what = "conv";
            y = ct_conv(&g, "conv", input4(&g, cin, h, w), cout, kh, kw, sh, sw, dh, dw, p, 1);
            break;
        case 1:
            what = "depthwise";
            y = ct_conv(&g, "dw", input4(&g, cin, h, w), cin, kh, kw, sh, sw, dh, dw, p, cin);
            break;
        case 2: {
            what = "fc";
            int x = ct_act(&g, "x", ct_int(1, 3), ct_int(1, 80), 0, 0, 0.05);
            assert_true(dpu_graph_add_input(&g, x) >= 0);
            y = ct_fc(&g, "fc", x, ct_int(1, 70));
            break;
        }
        case 3: {
            what = "maxpool";
            int q[4] = {ct_int(0, kh - 1), ct_int(0, kw - 1), ct_int(0, kh - 1), ct_int(0, kw - 1)};
            if (h < kh || w < kw)
                continue;
            y = ct_pool(&g, "mp", DPU_NODE_MAX_POOL, input4(&g, cin, h, w), kh, kw, sh, sw, q);
            break;
        }
        case 4: {
            what = "avgpool";
            int q[4] = {ct_int(0, kh - 1), ct_int(0, kw - 1), ct_int(0, kh - 1), ct_int(0, kw - 1)};
            if (h < kh || w < kw)
                continue;
            y = ct_pool(&g, "ap", DPU_NODE_AVG_POOL, input4(&g, cin, h, w), kh, kw, sh, sw, q);
            break;
        }
        case 5:
            what = "global avgpool";
            y = ct_pool(&g, "gap", DPU_NODE_GLOBAL_AVG_POOL, input4(&g, cin, h, w), 0, 0, 0, 0, p);
            break;
        case 6: {
            what = "add/mul";
            int a = input4(&g, cin, h, w),
                b = ct_act(&g, "b", g.tensors[a].dims[0], cin, h, w, 0.07);
            assert_true(dpu_graph_add_input(&g, b) >= 0);
            y = ct_binary(&g, "eltw", ct_int(0, 1) ? DPU_NODE_ADD : DPU_NODE_MUL, a, b);
            break;
        }
        case 7: {
            static const int ops[] = {DPU_NODE_RELU, DPU_NODE_RELU6, DPU_NODE_CLIP,
                                      DPU_NODE_SIGMOID, DPU_NODE_TANH};
            what = "activation";
            y = ct_unary(&g, "act", ops[ct_int(0, 4)], input4(&g, cin, h, w));
            break;
        }
        case 8: {
            what = "conv-conv";
            random_pads(kh, kw, 1, 1, p);
            int a = ct_conv(&g, "c1", input4(&g, cin, h, w), cout, kh, kw, 1, 1, 1, 1, p, 1);
            int p2[4] = {1, 1, 1, 1};
            y = ct_conv(&g, "c2", a, ct_int(1, 2 * R), 3, 3, sh, sw, 1, 1, p2, 1);
            break;
        }
        case 9: {
            what = "depthwise-pointwise-residual";
            int x = input4(&g, cin, h, w);
            int p3[4] = {1, 1, 1, 1}, p0[4] = {0, 0, 0, 0};
            int a = ct_conv(&g, "dw", x, cin, 3, 3, 1, 1, 1, 1, p3, cin);
            int b = ct_conv(&g, "pw", a, cin, 1, 1, 1, 1, 1, 1, p0, 1);
            y = ct_binary(&g, "res", DPU_NODE_ADD, b, x);
            break;
        }
        case 10: {
            what = "conv-pool";
            random_pads(kh, kw, 1, 1, p);
            int a = ct_conv(&g, "c1", input4(&g, cin, h, w), cout, kh, kw, 1, 1, 1, 1, p, 1);
            int q[4] = {0, 0, 1, 1};
            y = ct_pool(&g, "mp", DPU_NODE_MAX_POOL, a, 2, 2, 2, 2, q);
            break;
        }
        case 11: {
            /* Large enough for several row bands, and on tiny for weights loaded per block. */
            what = "large conv";
            int q[4] = {ct_int(0, 2), ct_int(0, 2), ct_int(0, 2), ct_int(0, 2)};
            int x = ct_act(&g, "x", 1, 40, 61, 59, 0.05);
            assert_true(dpu_graph_add_input(&g, x) >= 0);
            y = ct_conv(&g, "big", x, 70, 5, 3, ct_int(1, 2), 1, 1, 1, q, 1);
            break;
        }
        case 12: {
            what = "large pool";
            int q[4] = {1, 0, 1, 2};
            int x = ct_act(&g, "x", 1, 20, 90, 91, 0.05);
            assert_true(dpu_graph_add_input(&g, x) >= 0);
            y = ct_pool(&g, "mp", ct_int(0, 1) ? DPU_NODE_MAX_POOL : DPU_NODE_AVG_POOL, x, 3, 3,
                        ct_int(1, 2), 2, q);
            break;
        }
        case 13: {
            /* Grouped, each group's weights too big for WGT on tiny: streamed per block. */
            what = "large grouped conv";
            int q[4] = {3, 3, 3, 3};
            int x = ct_act(&g, "x", 1, 64, 9, ct_int(5, 9), 0.05);
            assert_true(dpu_graph_add_input(&g, x) >= 0);
            y = ct_conv(&g, "gbig", x, 96, 7, 7, 1, ct_int(1, 2), 1, 1, q, 2);
            break;
        }
        }
        break;
    }
    assert_true(dpu_graph_add_output(&g, y) >= 0);
    char buf[64];
    snprintf(buf, sizeof buf, "%s, kind %d", what, kind);
    ct_check(&g, preset, seed, buf);
    dpu_graph_free(&g);
}

static void run(const char *preset, int kind, int count)
{
    for (int s = 1; s <= count; s++)
        one((uint64_t)s, preset, kind);
}

#define KIND_TEST(k, n)                                                                            \
    static void test_kind##k(void **state)                                                         \
    {                                                                                              \
        (void)state;                                                                               \
        run("tiny", k, n);                                                                         \
        run("b1024", k, n / 2);                                                                    \
    }
KIND_TEST(0, 40)
KIND_TEST(1, 30)
KIND_TEST(2, 30)
KIND_TEST(3, 30)
KIND_TEST(4, 30)
KIND_TEST(5, 20)
KIND_TEST(6, 30)
KIND_TEST(7, 30)
KIND_TEST(8, 20)
KIND_TEST(9, 20)
KIND_TEST(10, 20)
KIND_TEST(11, 4)
KIND_TEST(12, 4)
KIND_TEST(13, 2)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind0),  cmocka_unit_test(test_kind1),  cmocka_unit_test(test_kind2),
        cmocka_unit_test(test_kind3),  cmocka_unit_test(test_kind4),  cmocka_unit_test(test_kind5),
        cmocka_unit_test(test_kind6),  cmocka_unit_test(test_kind7),  cmocka_unit_test(test_kind8),
        cmocka_unit_test(test_kind9),  cmocka_unit_test(test_kind10), cmocka_unit_test(test_kind11),
        cmocka_unit_test(test_kind12), cmocka_unit_test(test_kind13),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
