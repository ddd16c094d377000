/* Low-channel packing (docs/compiler.md, "Low-channel packing"): convolutions with few input
 * channels run with kr kernel rows x kw kernel columns x C channels in the array's lanes over a
 * dense input. Random such convolutions (C = 1..R of the preset, kernels 1..7, strides 1..3,
 * dilations 1..2, asymmetric pads, batch 1-2, input from a graph input, a convolution or a
 * max pool, sometimes read by two packed convolutions), with kr chosen by the compiler or
 * forced (dpu_compile_opts.pack_rows), gathered in pieces of stride_w columns or not (by the
 * estimate, or forced with dpu_compile_opts.pack_pieces), are compiled, run on dpusim (race checker
 * on) through ct_check and compared byte for byte with the reference interpreter; the dump after
 * pass tile tells whether the nodes were packed and with how many kernel rows. */
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

/* Whether pass tile marks node `name` of g as packed on preset (1) or not (0); *kr gets its
 * kernel rows per vector group (0 when not packed), *pieces whether it gathers in pieces,
 * *pairs whether it computes two output pixels per pass. */
static int packed_nodes_kr(struct dpu_graph *g, const char *preset, const char *name, int *kr,
                           int *pieces, int *pairs)
{
    char *buf = ct_dump_after(g, preset, "tile");
    int n = 0;
    char pat[64];
    snprintf(pat, sizeof pat, "'%s'", name);
    *kr = *pieces = *pairs = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
        if (strncmp(line, "node ", 5) == 0 && strstr(line, pat) && strstr(line, " packed")) {
            const char *k = strstr(line, " packed (");
            assert_non_null(k);
            *kr = atoi(k + 9);
            *pieces = strstr(line, ", pieces") != NULL;
            *pairs = strstr(line, ", pairs)") != NULL;
            n++;
        }
    free(buf);
    return n;
}

/* Does pass resident keep tensor t of g in ACT on preset? */
static bool resident(struct dpu_graph *g, const char *preset, int t)
{
    char *buf = ct_dump_after(g, preset, "resident"), pat[128];
    snprintf(pat, sizeof pat, "tensor '%s': resident in ACT", g->tensors[t].name);
    bool r = strstr(buf, pat) != NULL;
    free(buf);
    return r;
}

static const char *const presets[] = {"tiny", "b512", "b1024", "b4096"};

/* What the random cases covered: convolutions, packed ones, packed with kr > 1 kernel rows
 * per vector group, with all kh rows (kr == kh > 1), with some (1 < kr < kh), gathered in
 * pieces (with sw > 1, and chosen by the estimate rather than forced), as pairs of output
 * pixels. */
struct cover {
    int conv, packed, rows, all_rows, some_rows, pieces, pieces_sw, pieces_chosen, pairs, pairs_res;
};

/* One random case. */
static void one_case(uint64_t seed, struct cover *cv)
{
    ct_seed(seed);
    const char *preset = presets[ct_int(0, 3)];
    int R = (int)dpu_preset_find(preset)->array_rows;
    int C = ct_int(0, 2) ? ct_int(1, 4) : ct_int(1, R), ks[] = {1, 2, 3, 5, 7};
    int kw = ks[ct_int(1, 4)], kh = ks[ct_int(0, 4)];
    int sh = ct_int(1, 3), sw = ct_int(1, 3), dh = ct_int(0, 3) == 0 ? 2 : 1;
    int dw = ct_int(0, 7) == 0 ? 2 : 1; /* not packed: checks the choice stays exact */
    int eh = (kh - 1) * dh + 1, ew = (kw - 1) * dw + 1;
    int pads[4] = {ct_int(0, eh - 1), ct_int(0, ew - 1), ct_int(0, eh - 1), ct_int(0, ew - 1)};
    int H = ct_int(eh + 1, 26), W = ct_int(ew + 2, 40), N = ct_int(0, 4) == 0 ? 2 : 1;
    if (ct_int(0,
               1)) /* often a multiple of the stride, as real images: pieces need u*W % sw == 0 */
        W += (sw - W % sw) % sw;
    int src = ct_int(0, 2), twice = ct_int(0, 3) == 0;
    ct_pack_rows = ct_int(0, 1) ? 0 : ct_int(1, kh);     /* 0: the compiler's choice */
    ct_pack_pieces = (int[]){-1, 0, 1, 1}[ct_int(0, 3)]; /* never, the choice, always */
    ct_pack_pairs = (int[]){-1, 0, 1, 1}[ct_int(0, 3)];
    /* Pairs of output pixels need M = R (a multiple of R, at most C/2: b1024 and b4096). */
    int M = ct_int(0, 2) == 0 ? R : ct_int(1, 70);
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
    int y = ct_conv(&g, "low", x, M, kh, kw, sh, sw, dh, dw, pads, 1);
    /* Sometimes read by a 1x1 convolution instead of being an output: pass resident may then
     * keep it in ACT (with pairs, at pixel stride M). */
    int post = ct_int(0, 2) == 0, ylow = y;
    if (post)
        y = ct_conv(&g, "post", y, ct_int(1, 20), 1, 1, 1, 1, 1, 1, (const int[4]){0, 0, 0, 0}, 1);
    assert_true(dpu_graph_add_output(&g, y) >= 0);
    cv->conv++;
    if (twice) {
        int y2 =
            ct_conv(&g, "low2", x, ct_int(1, 20), 3, 3, 1, 1, 1, 1, (const int[4]){1, 1, 1, 1}, 1);
        assert_true(dpu_graph_add_output(&g, y2) >= 0);
    }
    char what[200];
    snprintf(what, sizeof what,
             "C %d k %dx%d s %d,%d d %d,%d pads %d,%d,%d,%d in %dx%dx%d src %d%s rows %d pieces %d "
             "pairs %d M %d%s",
             C, kh, kw, sh, sw, dh, dw, pads[0], pads[1], pads[2], pads[3], N, H, W, src,
             twice ? " twice" : "", ct_pack_rows, ct_pack_pieces, ct_pack_pairs, M,
             post ? " post" : "");
    int kr, pieces, pairs;
    if (packed_nodes_kr(&g, preset, "low", &kr, &pieces, &pairs) > 0) {
        cv->packed++;
        cv->rows += kr > 1;
        cv->all_rows += kr > 1 && kr == kh;
        cv->some_rows += kr > 1 && kr < kh;
        cv->pieces += pieces;
        cv->pieces_sw += pieces && sw > 1;
        cv->pieces_chosen += pieces && ct_pack_pieces == 0;
        cv->pairs += pairs;
        cv->pairs_res += pairs && post && resident(&g, preset, ylow);
        if (ct_pack_pieces < 0)
            assert_false(pieces);
        if (ct_pack_pairs < 0)
            assert_false(pairs);
    }
    ct_check(&g, preset, seed, what);
    ct_pack_rows = ct_pack_pieces = ct_pack_pairs = 0;
    dpu_graph_free(&g);
}

static void test_random_lowchan(void **state)
{
    (void)state;
    struct cover cv = {0};
    for (uint64_t seed = 1; seed <= 400; seed++)
        one_case(seed, &cv);
    print_message("lowchan: %d convolutions, %d packed, %d over kernel rows (%d all, %d some), "
                  "%d in pieces (%d with stride_w > 1, %d chosen), %d as pairs (%d resident)\n",
                  cv.conv, cv.packed, cv.rows, cv.all_rows, cv.some_rows, cv.pieces, cv.pieces_sw,
                  cv.pieces_chosen, cv.pairs, cv.pairs_res);
    /* The cases must exercise every form, or the comparisons above prove little. */
    assert_true(cv.packed >= cv.conv / 3);
    assert_true(cv.all_rows >= 10 && cv.some_rows >= 10);
    assert_true(cv.pieces >= cv.packed / 5 && cv.pieces_sw >= 15);
    assert_true(cv.pairs >= 10 && cv.pairs_res >= 3);
}

/* The first layers of ResNet-50 (3 channels, 7x7, stride 2, pad 3), MobileNetV2 (3 channels,
 * 3x3, stride 2, pad 1; an even output width: pairs of output pixels on b4096) and LeNet-5 (1
 * channel, 5x5, pad 2) on smaller images: packed on every preset with every count of kernel rows
 * forced (the largest that fits up to it) and with the compiler's choice, and bytewise equal. */
static void test_first_layers(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int C, H, W, M, k, s, pad;
    } nets[] = {{"resnet", 3, 45, 38, 64, 7, 2, 3},
                {"mobilenet", 3, 33, 32, 32, 3, 2, 1},
                {"lenet", 1, 28, 28, 6, 5, 1, 2}};
    for (int p = 0; p < 4; p++) {
        for (int which = 0; which < 3; which++) {
            for (int force = 0; force <= nets[which].k; force++) {
                uint64_t seed = 1000 + (uint64_t)((p * 3 + which) * 16 + force);
                ct_seed(seed);
                struct dpu_graph g;
                dpu_graph_init(&g);
                g.quantized = true;
                int x = ct_act(&g, "x", 1, nets[which].C, nets[which].H, nets[which].W, 0.05);
                assert_true(dpu_graph_add_input(&g, x) >= 0);
                int k = nets[which].k, s = nets[which].s, q = nets[which].pad;
                int y = ct_conv(&g, "conv1", x, nets[which].M, k, k, s, s, 1, 1,
                                (const int[4]){q, q, q, q}, 1);
                assert_true(dpu_graph_add_output(&g, y) >= 0);
                ct_pack_rows = force;
                /* in pieces or not, alternately, when the count is forced */
                ct_pack_pieces = force == 0 ? 0 : (force + p) % 2 ? 1 : -1;
                ct_pack_pairs = force == 0 ? 0 : (force + p) / 2 % 2 ? 1 : -1;
                int kr, pieces, pairs;
                assert_int_equal(packed_nodes_kr(&g, presets[p], "conv1", &kr, &pieces, &pairs), 1);
                assert_true(kr >= 1 && kr <= k && (force == 0 || kr <= force));
                assert_true(ct_pack_pieces >= 0 || !pieces);
                assert_true(ct_pack_pairs >= 0 || !pairs);
                char what[80];
                snprintf(what, sizeof what, "%s rows %d pieces %d (got %d, %d)", nets[which].name,
                         force, ct_pack_pieces, kr, pieces);
                ct_check(&g, presets[p], seed, what);
                ct_pack_rows = ct_pack_pieces = ct_pack_pairs = 0;
                dpu_graph_free(&g);
            }
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
