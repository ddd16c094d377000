/* Activation tensors resident in ACT (compiler/lower/src/pass_resident.c): which tensors the
 * pass keeps on chip (read from the IR dump after pass resident) and which it leaves in DDR,
 * and every program bytewise the reference's with the race checker on (ct_check): chains,
 * a tensor with two readers, a skip connection into a fused Add, depthwise inputs padded on
 * every side (DWCONV's implicit padding), a tensor too big for ACT, consumers that need DDR
 * (padded convolution, strided 1x1, pool), batch 2, every preset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compile_test_util.h"
#include "dpu/compile.h"
#include "dpu/graph.h"

static const int pad0[4] = {0, 0, 0, 0}, pad1[4] = {1, 1, 1, 1};

/* Is tensor name resident in the program compiled for preset? (The dump names tensors
 * NAME_INDEX.) */
static bool resident(struct dpu_graph *g, const char *preset, const char *name)
{
    char *dump = ct_dump_after(g, preset, "resident");
    char key[96];
    snprintf(key, sizeof key, "\ntensor '%s_", name);
    bool r = false;
    for (const char *p = strstr(dump, key); p && !r; p = strstr(p + 1, key)) {
        const char *q = p + strlen(key);
        while (*q >= '0' && *q <= '9')
            q++;
        r = strncmp(q, "': resident in ACT", 18) == 0;
    }
    free(dump);
    return r;
}

static int input(struct dpu_graph *g, int64_t n, int64_t c, int64_t h, int64_t w)
{
    dpu_graph_init(g);
    g->quantized = true;
    int x = ct_act(g, "x", n, c, h, w, 0.05);
    assert_true(dpu_graph_add_input(g, x) >= 0);
    return x;
}

/* expand 1x1 -> depthwise 3x3 (pad 1, stride s) -> project 1x1: both inner tensors stay in
 * ACT; the graph input and output go through DDR. */
static void test_chain(void **state)
{
    (void)state;
    static const char *const presets[] = {"b4096", "b1024", "b512", "tiny"};
    for (int v = 0; v < 8; v++) {
        const char *preset = presets[v % 4];
        ct_seed(10 + (uint64_t)v);
        struct dpu_graph g;
        bool tiny = v % 4 == 3;
        int h = tiny ? ct_int(5, 12) : ct_int(9, 30), s = 1 + v / 4, n = v % 2 ? 2 : 1;
        int x = input(&g, n, ct_int(3, 24), h, h);
        int e =
            ct_conv(&g, "e", x, ct_int(tiny ? 9 : 20, tiny ? 24 : 150), 1, 1, 1, 1, 1, 1, pad0, 1);
        int wide = (int)g.tensors[e].dims[1];
        int d = ct_conv(&g, "d", e, wide, 3, 3, s, s, 1, 1, pad1, wide);
        int y = ct_conv(&g, "y", d, ct_int(3, 40), 1, 1, 1, 1, 1, 1, pad0, 1);
        assert_true(dpu_graph_add_output(&g, y) >= 0);
        char what[96];
        snprintf(what, sizeof what, "chain h %d stride %d batch %d on %s", h, s, n, preset);
        assert_true(resident(&g, preset, "e"));
        assert_true(resident(&g, preset, "d"));
        assert_false(resident(&g, preset, "y"));
        ct_check(&g, preset, 10 + (uint64_t)v, what);
        dpu_graph_free(&g);
    }
}

/* One tensor read by a depthwise conv and by a 1x1 conv: resident for both. */
static void test_two_readers(void **state)
{
    (void)state;
    ct_seed(30);
    struct dpu_graph g;
    int x = input(&g, 1, 16, 14, 14);
    int t = ct_conv(&g, "t", x, 48, 1, 1, 1, 1, 1, 1, pad0, 1);
    int a = ct_conv(&g, "a", t, 48, 3, 3, 1, 1, 1, 1, pad1, 48);
    int b = ct_conv(&g, "b", t, 24, 1, 1, 1, 1, 1, 1, pad0, 1);
    int c = ct_conv(&g, "c", a, 24, 1, 1, 1, 1, 1, 1, pad0, 1);
    int y = ct_binary(&g, "y", DPU_NODE_ADD, c, b);
    assert_true(dpu_graph_add_output(&g, y) >= 0);
    assert_true(resident(&g, "b4096", "t"));
    ct_check(&g, "b4096", 30, "a tensor with two readers");
    ct_check(&g, "b512", 30, "a tensor with two readers");
    dpu_graph_free(&g);
}

/* An inverted-residual block with its skip: the block input s (written by a conv) is read by
 * the expansion and, as the fused Add's other operand, by the projection, which writes the
 * sum straight into the next block's input. */
static void test_skip(void **state)
{
    (void)state;
    static const char *const presets[] = {"b4096", "b512", "tiny"};
    for (int v = 0; v < 3; v++) {
        ct_seed(40 + (uint64_t)v);
        struct dpu_graph g;
        int h = v == 2 ? 8 : 28;
        int x = input(&g, v == 1 ? 2 : 1, 8, h, h);
        int s = ct_conv(&g, "s", x, 24, 1, 1, 1, 1, 1, 1, pad0, 1);
        int e = ct_conv(&g, "e", s, 72, 1, 1, 1, 1, 1, 1, pad0, 1);
        int d = ct_conv(&g, "d", e, 72, 3, 3, 1, 1, 1, 1, pad1, 72);
        int p = ct_conv(&g, "p", d, 24, 1, 1, 1, 1, 1, 1, pad0, 1);
        int a = ct_binary(&g, "a", DPU_NODE_ADD, p, s);
        int y = ct_conv(&g, "y", a, 16, 1, 1, 1, 1, 1, 1, pad0, 1);
        assert_true(dpu_graph_add_output(&g, y) >= 0);
        assert_true(resident(&g, presets[v], "s"));
        assert_true(resident(&g, presets[v], "a"));
        ct_check(&g, presets[v], 40 + (uint64_t)v, "skip connection into a fused Add");
        dpu_graph_free(&g);
    }
}

/* Depthwise inputs padded on every side, asymmetrically, with strides, dilations and kernels
 * up to 5, several bands: DWCONV's implicit padding must read the zero point exactly where a
 * LOAD would have stored it. */
static void test_dw_padding(void **state)
{
    (void)state;
    static const char *const presets[] = {"tiny", "b512", "b1024", "b4096"};
    for (int v = 0; v < 12; v++) {
        uint64_t seed = 50 + (uint64_t)v;
        ct_seed(seed);
        struct dpu_graph g;
        int k = ct_int(2, 5), dil = ct_int(1, 2), ext = (k - 1) * dil + 1;
        int pads[4];
        for (int i = 0; i < 4; i++)
            pads[i] = ct_int(0, ext - 1);
        int h = ct_int(ext, v % 4 == 0 ? 14 : 40), s = ct_int(1, 3);
        int x = input(&g, v % 3 == 0 ? 2 : 1, ct_int(2, 16), h, h + ct_int(0, 5));
        int e = ct_conv(&g, "e", x, ct_int(5, 70), 1, 1, 1, 1, 1, 1, pad0, 1);
        int wide = (int)g.tensors[e].dims[1];
        int d = ct_conv(&g, "d", e, wide, k, k, s, s, dil, dil, pads, wide);
        int y = ct_conv(&g, "y", d, ct_int(3, 20), 1, 1, 1, 1, 1, 1, pad0, 1);
        assert_true(dpu_graph_add_output(&g, y) >= 0);
        char what[128];
        snprintf(what, sizeof what, "dw %dx%d dil %d stride %d pads %d %d %d %d h %d", k, k, dil, s,
                 pads[0], pads[1], pads[2], pads[3], h);
        const char *preset = presets[v % 4];
        assert_true(resident(&g, preset, "e"));
        ct_check(&g, preset, seed, what);
        dpu_graph_free(&g);
    }
}

/* Fallbacks: a tensor larger than ACT (tiny: 64 KB), a 3x3 convolution with padding, a
 * strided 1x1 convolution and a pool read their inputs from DDR; the programs stay exact. */
static void test_fallbacks(void **state)
{
    (void)state;
    struct dpu_graph g;
    ct_seed(70);
    int x = input(&g, 1, 8, 48, 48);
    int big = ct_conv(&g, "big", x, 40, 1, 1, 1, 1, 1, 1, pad0, 1); /* 48*48*40 > 64 KB */
    int d = ct_conv(&g, "d", big, 40, 3, 3, 2, 2, 1, 1, pad1, 40);
    int y = ct_conv(&g, "y", d, 8, 1, 1, 1, 1, 1, 1, pad0, 1);
    assert_true(dpu_graph_add_output(&g, y) >= 0);
    assert_false(resident(&g, "tiny", "big"));
    ct_check(&g, "tiny", 70, "a tensor too big for ACT");
    dpu_graph_free(&g);

    ct_seed(71);
    x = input(&g, 1, 16, 20, 20);
    int t = ct_conv(&g, "t", x, 32, 1, 1, 1, 1, 1, 1, pad0, 1);
    int c3 = ct_conv(&g, "c3", t, 32, 3, 3, 1, 1, 1, 1, pad1, 1); /* padded: DDR */
    int u = ct_conv(&g, "u", c3, 32, 1, 1, 1, 1, 1, 1, pad0, 1);
    int s2 = ct_conv(&g, "s2", u, 32, 1, 1, 2, 2, 1, 1, pad0, 1); /* strided 1x1: DDR */
    int v = ct_conv(&g, "v", s2, 16, 1, 1, 1, 1, 1, 1, pad0, 1);
    static const int pp[4] = {0, 0, 0, 0};
    int pl = ct_pool(&g, "pl", DPU_NODE_MAX_POOL, v, 2, 2, 2, 2, pp); /* pool: DDR */
    int w = ct_conv(&g, "w", pl, 8, 3, 3, 1, 1, 1, 1, pad0, 1);       /* unpadded 3x3: in ACT */
    assert_true(dpu_graph_add_output(&g, w) >= 0);
    assert_false(resident(&g, "b4096", "t"));
    assert_false(resident(&g, "b4096", "u"));
    assert_false(resident(&g, "b4096", "v"));
    assert_true(resident(&g, "b4096", "c3"));
    ct_check(&g, "b4096", 71, "consumers that need DDR");
    ct_check(&g, "tiny", 71, "consumers that need DDR");
    dpu_graph_free(&g);
}

/* Random MobileNet-like stacks: 1-3 inverted-residual blocks (expansion, depthwise 3x3 or
 * 5x5 with "same" padding and stride 1 or 2, projection, the residual Add when the shapes
 * allow), random sizes, presets and batch: whatever the pass keeps in ACT, bytewise. */
static void test_random_blocks(void **state)
{
    (void)state;
    static const char *const presets[] = {"tiny", "b512", "b1024", "b4096"};
    int kept = 0;
    for (int v = 0; v < 16; v++) {
        uint64_t seed = 80 + (uint64_t)v;
        ct_seed(seed);
        struct dpu_graph g;
        const char *preset = presets[ct_int(0, 3)];
        bool tiny = strcmp(preset, "tiny") == 0;
        int h = ct_int(5, tiny ? 16 : 40), cin = ct_int(2, tiny ? 16 : 48);
        int x = input(&g, ct_int(1, 2), cin, h, h + ct_int(0, 3));
        int y = ct_conv(&g, "stem", x, cin, 1, 1, 1, 1, 1, 1, pad0, 1);
        int blocks = ct_int(1, 3);
        for (int b = 0; b < blocks; b++) {
            char n[4][16];
            snprintf(n[0], sizeof n[0], "e%d", b);
            snprintf(n[1], sizeof n[1], "d%d", b);
            snprintf(n[2], sizeof n[2], "p%d", b);
            snprintf(n[3], sizeof n[3], "a%d", b);
            int c = (int)g.tensors[y].dims[1], hh = (int)g.tensors[y].dims[2];
            int wide = c * ct_int(2, tiny ? 3 : 6), k = ct_int(0, 1) ? 5 : 3, r = k / 2;
            int s = hh > 4 && ct_int(0, 2) == 0 ? 2 : 1, cout = ct_int(0, 1) ? c : ct_int(2, 40);
            int pads[4] = {r, r, r, r};
            int e = ct_conv(&g, n[0], y, wide, 1, 1, 1, 1, 1, 1, pad0, 1);
            int d = ct_conv(&g, n[1], e, wide, k, k, s, s, 1, 1, pads, wide);
            int p = ct_conv(&g, n[2], d, cout, 1, 1, 1, 1, 1, 1, pad0, 1);
            y = s == 1 && cout == c ? ct_binary(&g, n[3], DPU_NODE_ADD, p, y) : p;
        }
        y = ct_conv(&g, "head", y, ct_int(2, 20), 1, 1, 1, 1, 1, 1, pad0, 1);
        assert_true(dpu_graph_add_output(&g, y) >= 0);
        char what[96];
        snprintf(what, sizeof what, "%d blocks, h %d, channels %d on %s", blocks, h, cin, preset);
        kept += resident(&g, preset, "e0") + resident(&g, preset, "d0");
        ct_check(&g, preset, seed, what);
        dpu_graph_free(&g);
    }
    assert_true(kept >= 16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain),     cmocka_unit_test(test_two_readers),
        cmocka_unit_test(test_skip),      cmocka_unit_test(test_dw_padding),
        cmocka_unit_test(test_fallbacks), cmocka_unit_test(test_random_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
