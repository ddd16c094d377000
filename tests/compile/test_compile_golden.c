/* Golden disassembly: a small fixed graph (3x3 conv, ReLU clamp, then 2x2 max pool) compiled
 * for tiny must list exactly tests/compile/golden/conv_pool_tiny.s, so that any change of
 * tiling, selection or scheduling shows up in review. DPU_UPDATE_GOLDEN=1 rewrites the file. */
#include "compile_test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/asm.h"
#include "dpu/compile.h"
#include "dpu/q8.h"

static void test_golden_conv_pool(void **state)
{
    (void)state;
    struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    ct_seed(42);
    int x = ct_act(&g, "x", 1, 3, 5, 5, 0.05);
    assert_true(dpu_graph_add_input(&g, x) >= 0);
    int p1[4] = {1, 1, 1, 1}, p0[4] = {0, 0, 1, 1};
    int a = ct_conv(&g, "conv", x, 4, 3, 3, 1, 1, 1, 1, p1, 1);
    int y = ct_pool(&g, "pool", DPU_NODE_MAX_POOL, a, 2, 2, 2, 2, p0);
    assert_true(dpu_graph_add_output(&g, y) >= 0);
    ct_check(&g, "tiny", 42, "golden graph");

    struct dpu_compile_opts o = {0};
    o.preset = dpu_preset_find("tiny");
    struct dpu_program p;
    struct dpu_diag d;
    assert_int_equal(dpu_compile(&g, &o, &p, &d), 0);
    size_t cap = 1 << 16, n = 0;
    char *text = calloc(cap, 1);
    for (size_t i = 0; i < p.ninsns; i++) {
        char line[DPU_DISASM_LINE_MAX];
        assert_int_equal(dpu_disasm_insn(&p.insns[i], line, sizeof line, &d), 0);
        n += (size_t)snprintf(text + n, cap - n, "%s\n", line);
        assert_true(n < cap);
    }
    const char *path = DPU_GOLDEN_DIR "/conv_pool_tiny.s";
    if (getenv("DPU_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
    }
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *want = calloc(cap, 1);
    size_t got = fread(want, 1, cap - 1, f);
    fclose(f);
    if (got != n || memcmp(want, text, n) != 0) {
        print_error("disassembly differs from %s; the compiler now emits:\n%s", path, text);
        fail();
    }
    free(want);
    free(text);
    dpu_program_free(&p);
    dpu_graph_free(&g);
}

/* conv -> Flatten (CPU: changes the memory order) -> FullyConnected: three steps, the CPU
 * step's subgraph decodes, the flattened tensor is bound on both sides. */
static void test_cpu_fallback_plan(void **state)
{
    (void)state;
    struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    ct_seed(7);
    int x = ct_act(&g, "x", 1, 3, 5, 5, 0.05);
    assert_true(dpu_graph_add_input(&g, x) >= 0);
    int p1[4] = {1, 1, 1, 1};
    int a = ct_conv(&g, "conv", x, 4, 3, 3, 1, 1, 1, 1, p1, 1);
    int64_t fd[2] = {1, 100};
    int f = dpu_graph_add_tensor(&g, "flat", DPU_DT_INT8, 2, fd, NULL);
    assert_int_equal(
        dpu_graph_set_quant(&g, f, -1, 1, g.tensors[a].quant.scale, g.tensors[a].quant.zero_point),
        0);
    assert_true(dpu_graph_add_node(&g, "flatten", DPU_NODE_FLATTEN, 1, &a, 1, &f) >= 0);
    int y = ct_fc(&g, "fc", f, 10);
    assert_true(dpu_graph_add_output(&g, y) >= 0);
    struct dpu_compile_opts o = {0};
    o.preset = dpu_preset_find("tiny");
    struct dpu_program p;
    struct dpu_diag d;
    int err = dpu_compile(&g, &o, &p, &d);
    if (err)
        print_error("%s\n", d.msg);
    assert_int_equal(err, 0);
    assert_int_equal(p.nsteps, 3);
    assert_int_equal(p.steps[0].kind, DPU_PROG_STEP_ACCEL);
    assert_int_equal(p.steps[1].kind, DPU_PROG_STEP_CPU);
    assert_int_equal(p.steps[2].kind, DPU_PROG_STEP_ACCEL);
    assert_int_equal(p.steps[1].n_inputs, 1);
    assert_int_equal(p.steps[1].n_outputs, 1);
    assert_string_equal(p.tensors[p.steps[1].inputs[0]].name, g.tensors[a].name);
    assert_int_equal(p.tensors[p.steps[1].inputs[0]].layout, DPU_PROG_LAYOUT_NHWC);
    assert_string_equal(p.tensors[p.steps[1].outputs[0]].name, "flat");
    struct dpu_graph sub;
    assert_int_equal(dpu_q8_decode("step", p.steps[1].q8, p.steps[1].q8_len, &sub, &d), 0);
    assert_int_equal(sub.nnodes, 1);
    dpu_graph_free(&sub);
    dpu_program_free(&p);
    /* --no-cpu-fallback names the node. */
    o.no_cpu_fallback = true;
    assert_int_equal(dpu_compile(&g, &o, &p, &d), DPU_E_UNSUPPORTED);
    assert_non_null(strstr(d.msg, "node 'flatten' (Flatten)"));
    dpu_graph_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_golden_conv_pool),
                                       cmocka_unit_test(test_cpu_fallback_plan)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
