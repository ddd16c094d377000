/* Stream order (compiler/lower/src/lw_order.c): inverted-residual chains (1x1 expansion,
 * depthwise 3x3, 1x1 projection, twice) whose layers the list schedule interleaves, so that
 * the depthwise layers on MISC run beside the convolutions on CONV. The program must still be
 * bytewise the reference's (ct_check), and on b4096 some layer must come in more than one run
 * of instructions (else the reordering is not happening). */
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

/* Two blocks x -> expand -> depthwise (stride s) -> project, on an h x h input. */
static void build(struct dpu_graph *g, int h, int s, int cin, int wide)
{
    static const int pad0[4] = {0, 0, 0, 0}, pad1[4] = {1, 1, 1, 1};
    dpu_graph_init(g);
    g->quantized = true;
    int x = ct_act(g, "x", 1, cin, h, h, 0.05);
    assert_true(dpu_graph_add_input(g, x) >= 0);
    for (int b = 0; b < 2; b++) {
        char n[3][16];
        snprintf(n[0], sizeof n[0], "expand%d", b);
        snprintf(n[1], sizeof n[1], "dw%d", b);
        snprintf(n[2], sizeof n[2], "project%d", b);
        int e = ct_conv(g, n[0], x, wide, 1, 1, 1, 1, 1, 1, pad0, 1);
        int d = ct_conv(g, n[1], e, wide, 3, 3, b ? 1 : s, b ? 1 : s, 1, 1, pad1, wide);
        x = ct_conv(g, n[2], d, cin, 1, 1, 1, 1, 1, 1, pad0, 1);
    }
    assert_true(dpu_graph_add_output(g, x) >= 0);
}

/* How many layers of the program come in more than one run of instructions. */
static int split_layers(struct dpu_graph *g, const char *preset)
{
    struct dpu_compile_opts o = {0};
    o.preset = dpu_preset_find(preset);
    o.no_cpu_fallback = true;
    struct dpu_program p;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_compile(g, &o, &p, &d), 0);
    int split = 0;
    for (size_t l = 0; l < p.nlayers; l++)
        split += p.layers[l].nranges > 1;
    dpu_program_free(&p);
    return split;
}

static void test_interleaved(void **state)
{
    (void)state;
    ct_seed(5);
    struct dpu_graph g;
    build(&g, 56, 1, 24, 144);
    assert_true(split_layers(&g, "b4096") > 0);
    ct_check(&g, "b4096", 5, "two inverted-residual blocks, 56x56, b4096");
    dpu_graph_free(&g);
}

/* Other sizes, strides and presets: whatever order each gets, bytewise the reference's. */
static void test_exact(void **state)
{
    (void)state;
    static const char *const presets[] = {"tiny", "b512", "b1024", "b4096"};
    for (int v = 0; v < 8; v++) {
        uint64_t seed = 100 + (uint64_t)v;
        ct_seed(seed);
        struct dpu_graph g;
        int h = ct_int(7, 30), s = ct_int(1, 2), cin = ct_int(3, 40), wide = ct_int(20, 100);
        build(&g, h, s, cin, wide);
        char what[96];
        snprintf(what, sizeof what, "h %d stride %d channels %d/%d", h, s, cin, wide);
        ct_check(&g, presets[v % 4], seed, what);
        dpu_graph_free(&g);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interleaved),
        cmocka_unit_test(test_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
