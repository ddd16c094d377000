/* Low-channel packing (docs/compiler.md, Tiling): convolutions with few input channels run
 * with kw kernel columns x C channels in the array's lanes over a dense input. Random such
 * convolutions (C = 1..4, kernels 3/5/7, strides 1/2, asymmetric pads, batch 1-2, input from a
 * graph input, a convolution or a max pool, sometimes read by two packed convolutions) are
 * compiled, run on dpusim through ct_check and compared byte for byte with the reference
 * interpreter; the dump after pass tile tells whether the nodes were packed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compile_test_util.h"
#include "dpu/compile.h"
#include "dpu/preset.h"
#include "dpu/program.h"

/* How many nodes of g whose name starts with prefix pass tile marks as packed on preset. */
static int packed_nodes(struct dpu_graph *g, const char *preset, const char *prefix)
{
    char *buf = ct_dump_after(g, preset, "tile");
    int n = 0;
    char pat[64];
    snprintf(pat, sizeof pat, "'%s", prefix);
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
        if (strncmp(line, "node ", 5) == 0 && strstr(line, pat) && strstr(line, " packed"))
            n++;
    free(buf);
    return n;
}

static const char *const presets[] = {"tiny", "b512", "b1024", "b4096"};

/* One random case; returns how many of its convolutions were packed (of *nconv). */
static int one_case(uint64_t seed, int *nconv)
{
    ct_seed(seed);
    const char *preset = presets[ct_int(0, 3)];
    int C = ct_int(1, 4), ks[] = {3, 5, 7};
    int kw = ks[ct_int(0, 2)], kh = ct_int(0, 3) == 0 ? 1 : ks[ct_int(0, 2)];
    int sh = ct_int(1, 2), sw = ct_int(1, 2), dh = ct_int(0, 3) == 0 ? 2 : 1;
    int pads[4] = {ct_int(0, kh - 1), ct_int(0, kw - 1), ct_int(0, kh - 1), ct_int(0, kw - 1)};
    int H = ct_int(kh * dh + 2, 26), W = ct_int(kw + 2, 40), N = ct_int(0, 4) == 0 ? 2 : 1;
    int src = ct_int(0, 2), twice = ct_int(0, 3) == 0;
    struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    int x;
    if (src == 0) {
        x = ct_act(&g, "x", N, C, H, W, 0.05);
        assert_true(dpu_graph_add_input(&g, x) >= 0);
    } else {
        static const int pad1[4] = {1, 1, 1, 1};
        int x0 = ct_act(&g, "x", N, ct_int(1, 9), H, W, 0.05);
        assert_true(dpu_graph_add_input(&g, x0) >= 0);
        x = src == 1 ? ct_conv(&g, "pre", x0, C, 3, 3, 1, 1, 1, 1, pad1, 1)
                     : ct_pool(&g, "pre", DPU_NODE_MAX_POOL, x0, 3, 3, 1, 1, pad1);
        if (src == 2) /* pool keeps the channels: make them few */
            x = ct_conv(&g, "pre2", x, C, 1, 1, 1, 1, 1, 1, (const int[4]){0, 0, 0, 0}, 1);
    }
    int y = ct_conv(&g, "low", x, ct_int(1, 70), kh, kw, sh, sw, dh, 1, pads, 1);
    assert_true(dpu_graph_add_output(&g, y) >= 0);
    *nconv = 1;
    if (twice) {
        int y2 =
            ct_conv(&g, "low2", x, ct_int(1, 20), 3, 3, 1, 1, 1, 1, (const int[4]){1, 1, 1, 1}, 1);
        assert_true(dpu_graph_add_output(&g, y2) >= 0);
        *nconv = 2;
    }
    char what[160];
    snprintf(what, sizeof what, "C %d k %dx%d s %d,%d dh %d pads %d,%d,%d,%d in %dx%dx%d src %d%s",
             C, kh, kw, sh, sw, dh, pads[0], pads[1], pads[2], pads[3], N, H, W, src,
             twice ? " twice" : "");
    int np = packed_nodes(&g, preset, "low");
    ct_check(&g, preset, seed, what);
    dpu_graph_free(&g);
    return np;
}

static void test_random_lowchan(void **state)
{
    (void)state;
    int packed = 0, total = 0;
    for (uint64_t seed = 1; seed <= 120; seed++) {
        int n;
        packed += one_case(seed, &n);
        total += n;
    }
    /* With at most 4 channels and kw >= 3, kw*C lanes always take fewer blocks than kw taps
     * of ceil(C/R) blocks, and every input is wider than the kernel: all are packed. */
    assert_int_equal(packed, total);
}

/* The first layers of ResNet-50 (3 channels, 7x7, stride 2, pad 3) and LeNet-5 (1 channel,
 * 5x5, pad 2) on a smaller image: packed on every preset, and bytewise equal. */
static void test_first_layers(void **state)
{
    (void)state;
    for (int p = 0; p < 4; p++) {
        for (int which = 0; which < 2; which++) {
            ct_seed(1000 + (uint64_t)(p * 2 + which));
            struct dpu_graph g;
            dpu_graph_init(&g);
            g.quantized = true;
            int y;
            if (which == 0) {
                int x = ct_act(&g, "x", 1, 3, 45, 38, 0.05);
                assert_true(dpu_graph_add_input(&g, x) >= 0);
                y = ct_conv(&g, "conv1", x, 64, 7, 7, 2, 2, 1, 1, (const int[4]){3, 3, 3, 3}, 1);
            } else {
                int x = ct_act(&g, "x", 1, 1, 28, 28, 0.05);
                assert_true(dpu_graph_add_input(&g, x) >= 0);
                y = ct_conv(&g, "conv1", x, 6, 5, 5, 1, 1, 1, 1, (const int[4]){2, 2, 2, 2}, 1);
            }
            assert_true(dpu_graph_add_output(&g, y) >= 0);
            assert_int_equal(packed_nodes(&g, presets[p], "conv1"), 1);
            ct_check(&g, presets[p], 1000 + (uint64_t)(p * 2 + which), which ? "lenet" : "resnet");
            dpu_graph_free(&g);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_layers),
        cmocka_unit_test(test_random_lowchan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
