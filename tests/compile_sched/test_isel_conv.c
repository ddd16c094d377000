/* Convolution instruction selection corner cases (compiler/lower/src/isel_conv.c), compiled
 * and run on dpusim, bytewise against the reference interpreter. */
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

/* Does pass isel give node `name` no instructions of its own (fused into another)? */
static bool no_insns(struct dpu_graph *g, const char *preset, const char *name)
{
    char *buf = ct_dump_after(g, preset, "isel");
    char pat[80];
    snprintf(pat, sizeof pat, "'%s' (", name);
    bool none = false;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
        if (strncmp(line, "node ", 5) == 0 && strstr(line, pat))
            none = strstr(line, ", +0)") != NULL;
    free(buf);
    return none;
}

/* More output channels than PARAM holds records (tiny: 512) while all weights fit WGT: the
 * records of each output block must be loaded before its CONVs (MobileNetV2's 1x1 expansions
 * to 576 channels on tiny read stale records before this was fixed). Both the flat 1x1 form
 * and a 3x3 kernel, several bands. */
static void test_records_per_block(void **state)
{
    (void)state;
    static const int pad0[4] = {0, 0, 0, 0}, pad1[4] = {1, 1, 1, 1};
    for (int k = 0; k < 2; k++) {
        ct_seed(77 + (uint64_t)k);
        struct dpu_graph g;
        dpu_graph_init(&g);
        g.quantized = true;
        int x = ct_act(&g, "x", 1, 5, 9, 7, 0.05);
        assert_true(dpu_graph_add_input(&g, x) >= 0);
        int y = k == 0 ? ct_conv(&g, "wide", x, 600, 1, 1, 1, 1, 1, 1, pad0, 1)
                       : ct_conv(&g, "wide", x, 530, 3, 3, 1, 1, 1, 1, pad1, 1);
        assert_true(dpu_graph_add_output(&g, y) >= 0);
        ct_check(&g, "tiny", 77 + (uint64_t)k, k == 0 ? "1x1 to 600 channels" : "3x3 to 530");
        dpu_graph_free(&g);
    }
}

/* Streamed weights whose whole output blocks fit a WGT slot (tiny: 32 KB; here blocks of
 * 8 input blocks x 9 taps x 64 bytes = 4.5 KB, 115 or 147 KB in all) go two output blocks
 * per LOAD: the CONVs of the chunk's second block must read its weights after the first's,
 * an odd block count leaves a last chunk of one, and the chunks alternate slots across
 * tiles (batch 2). */
static void test_streamed_block_chunks(void **state)
{
    (void)state;
    static const int pad1[4] = {1, 1, 1, 1};
    for (int k = 0; k < 2; k++) {
        ct_seed(91 + (uint64_t)k);
        struct dpu_graph g;
        dpu_graph_init(&g);
        g.quantized = true;
        int x = ct_act(&g, "x", 1 + k, 64, 5, 6, 0.05);
        assert_true(dpu_graph_add_input(&g, x) >= 0);
        int y = ct_conv(&g, "streamed", x, k == 0 ? 200 : 256, 3, 3, 1, 1, 1, 1, pad1, 1);
        assert_true(dpu_graph_add_output(&g, y) >= 0);
        ct_check(&g, "tiny", 91 + (uint64_t)k, k == 0 ? "25 output blocks" : "32 blocks, batch 2");
        dpu_graph_free(&g);
    }
}

/* Residual Add fused into the convolution producing one input: the conv's output as the
 * Add's first or second input, the other from the graph input or an earlier conv, one band or
 * several (double-buffered), batch 1 or 2, with a ReLU folded into the Add's clamp or not.
 * The Add must emit nothing, and the result must be bytewise the reference's. */
static void test_fused_add(void **state)
{
    (void)state;
    static const char *const presets[] = {"tiny", "b512", "b4096"};
    static const int pad1[4] = {1, 1, 1, 1}, pad0[4] = {0, 0, 0, 0};
    for (int v = 0; v < 12; v++) {
        uint64_t seed = 300 + (uint64_t)v;
        ct_seed(seed);
        const char *preset = presets[v % 3];
        int big = v % 4 >= 2, N = v % 5 == 4 ? 2 : 1, C = ct_int(3, 40);
        struct dpu_graph g;
        dpu_graph_init(&g);
        g.quantized = true;
        int x = ct_act(&g, "x", N, C, big ? 30 : 6, big ? 27 : 5, 0.05);
        assert_true(dpu_graph_add_input(&g, x) >= 0);
        int skip = v % 2 ? ct_conv(&g, "down", x, C, 1, 1, 1, 1, 1, 1, pad0, 1) : x;
        int h = ct_conv(&g, "c1", x, ct_int(2, 30), 3, 3, 1, 1, 1, 1, pad1, 1);
        int z = ct_conv(&g, "c2", h, C, 3, 3, 1, 1, 1, 1, pad1, 1);
        int y = v % 3 == 1 ? ct_binary(&g, "add", DPU_NODE_ADD, skip, z)
                           : ct_binary(&g, "add", DPU_NODE_ADD, z, skip);
        if (v % 4 == 1)
            y = ct_unary(&g, "relu", DPU_NODE_RELU, y);
        assert_true(dpu_graph_add_output(&g, y) >= 0);
        assert_true(no_insns(&g, preset, "add"));
        ct_check(&g, preset, seed, "fused residual add");
        dpu_graph_free(&g);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records_per_block),
        cmocka_unit_test(test_streamed_block_chunks),
        cmocka_unit_test(test_fused_add),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
