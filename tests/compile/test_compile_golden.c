/* Golden disassembly: small fixed graphs compiled for tiny must list exactly their
 * tests/compile/golden/NAME.s (the plan's steps, then every instruction with the layer it
 * belongs to), so that any change of tiling, selection, memory planning or scheduling shows
 * up in review. Each graph also runs through the runtime, bytewise equal to the reference.
 *
 * To accept a deliberate change, regenerate every golden file with one command and review
 * the diff:
 *
 *     DPU_UPDATE_GOLDEN=1 ctest --test-dir BUILD -R test_compile_golden
 *
 * (or DPU_UPDATE_GOLDEN=1 BUILD/tests/test_compile_golden). */
#include "compile_test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/asm.h"
#include "dpu/compile.h"
#include "dpu/q8.h"
#include "dpu/runtime.h"

/* The text a golden file holds for program p. */
static char *listing(const struct dpu_program *p)
{
    size_t cap = 1 << 20, n = 0;
    char *text = calloc(cap, 1);
    const char **layer = calloc(p->ninsns + 1, sizeof *layer);
    assert_non_null(text);
    assert_non_null(layer);
    for (size_t l = 0; l < p->nlayers; l++)
        for (size_t r = 0; r < p->layers[l].nranges; r++)
            for (uint64_t k = 0; k < p->layers[l].ranges[r].count; k++)
                if (p->layers[l].ranges[r].first + k < p->ninsns)
                    layer[p->layers[l].ranges[r].first + k] = p->layers[l].name;
    for (size_t s = 0; s < p->nsteps; s++) {
        const struct dpu_prog_step *st = &p->steps[s];
        if (st->kind == DPU_PROG_STEP_ACCEL)
            n += (size_t)snprintf(
                text + n, cap - n, "; step %zu: accelerator, instructions %llu..%llu\n", s,
                (unsigned long long)st->first, (unsigned long long)(st->first + st->count - 1));
        else
            n += (size_t)snprintf(text + n, cap - n, "; step %zu: cpu '%s'\n", s,
                                  st->name ? st->name : "");
    }
    for (size_t i = 0; i < p->ninsns; i++) {
        char line[DPU_DISASM_LINE_MAX];
        struct dpu_diag d;
        assert_int_equal(dpu_disasm_insn(&p->insns[i], line, sizeof line, &d), 0);
        n += (size_t)snprintf(text + n, cap - n, "%-24s %s\n", layer[i] ? layer[i] : "-", line);
        assert_true(n < cap);
    }
    free(layer);
    return text;
}

/* Checks g on the runtime against the reference, then its listing for tiny against
 * golden/NAME.s (rewritten first when DPU_UPDATE_GOLDEN is set). */
static void golden(struct dpu_graph *g, const char *name)
{
    struct dpu_compile_opts o = {0};
    o.preset = dpu_preset_find("tiny");
    struct dpu_program p;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_compile(g, &o, &p, &d))
        fail_msg("%s: %s", name, d.msg);
    char msg[1024];
    struct dpu_rt rt;
    if (ct_rt_open(&rt, &p, msg, sizeof msg))
        fail_msg("%s: %s", name, msg);
    for (int run = 0; run < 3; run++) {
        struct dpu_tensor in[4];
        assert_true(g->ninputs <= 4);
        for (size_t i = 0; i < g->ninputs; i++) {
            const struct dpu_gtensor *gt = &g->tensors[g->inputs[i]];
            assert_int_equal(dpu_tensor_alloc(&in[i], DPU_DT_INT8, gt->rank, gt->dims, &d), 0);
            for (int64_t e = 0; e < dpu_tensor_count(&in[i]); e++)
                ((int8_t *)in[i].data)[e] = (int8_t)ct_int(-128, 127);
        }
        int rc = ct_rt_compare(&rt, g, in, g->ninputs, msg, sizeof msg);
        for (size_t i = 0; i < g->ninputs; i++)
            dpu_tensor_free(&in[i]);
        if (rc)
            fail_msg("%s: %s", name, msg);
    }
    dpu_rt_unload(&rt);

    char *text = listing(&p);
    size_t n = strlen(text);
    char path[512];
    snprintf(path, sizeof path, "%s/%s.s", DPU_GOLDEN_DIR, name);
    if (getenv("DPU_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
    }
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("%s missing: run with DPU_UPDATE_GOLDEN=1 to create it", path);
    char *want = calloc(n + 2, 1);
    size_t got = fread(want, 1, n + 1, f);
    fclose(f);
    if (got != n || memcmp(want, text, n) != 0) {
        size_t k = 0, line = 1;
        while (k < n && k < got && want[k] == text[k])
            line += text[k++] == '\n';
        /* cmocka's print_error cuts long text: the listing goes straight to stderr */
        fprintf(stderr,
                "%s differs from the compiler's listing from line %zu on; the compiler now "
                "emits:\n%s(if the change is intended: DPU_UPDATE_GOLDEN=1 ctest -R "
                "test_compile_golden, then review the diff)\n",
                path, line, text);
        fail();
    }
    free(want);
    free(text);
    dpu_program_free(&p);
}

static struct dpu_graph *start(uint64_t seed)
{
    static struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    ct_seed(seed);
    return &g;
}

static int in4(struct dpu_graph *g, int c, int h, int w)
{
    int x = ct_act(g, "x", 1, c, h, w, 0.05);
    assert_true(dpu_graph_add_input(g, x) >= 0);
    return x;
}

static void finish(struct dpu_graph *g, int y, const char *name)
{
    assert_true(dpu_graph_add_output(g, y) >= 0);
    golden(g, name);
    dpu_graph_free(g);
}

/* 3x3 conv (ReLU clamp), then 2x2 max pool. */
static void test_golden_conv_pool(void **state)
{
    (void)state;
    struct dpu_graph *g = start(42);
    int p1[4] = {1, 1, 1, 1}, p0[4] = {0, 0, 1, 1};
    int a = ct_conv(g, "conv", in4(g, 3, 5, 5), 4, 3, 3, 1, 1, 1, 1, p1, 1);
    finish(g, ct_pool(g, "pool", DPU_NODE_MAX_POOL, a, 2, 2, 2, 2, p0), "conv_pool_tiny");
}

/* A strided, dilated conv with asymmetric pads and channels beyond one block each way. */
static void test_golden_conv(void **state)
{
    (void)state;
    struct dpu_graph *g = start(1);
    int p[4] = {2, 0, 1, 3};
    finish(g, ct_conv(g, "conv", in4(g, 11, 9, 7), 13, 3, 5, 2, 1, 2, 1, p, 1), "conv_tiny");
}

/* Depthwise 3x3 on 12 channels (two vectors). */
static void test_golden_depthwise(void **state)
{
    (void)state;
    struct dpu_graph *g = start(2);
    int p[4] = {1, 1, 1, 1};
    finish(g, ct_conv(g, "dw", in4(g, 12, 6, 5), 12, 3, 3, 1, 1, 1, 1, p, 12), "depthwise_tiny");
}

/* An inverted-residual block with its skip, in ACT: expansion 1x1, depthwise 3x3 (pad 1),
 * projection 1x1 with the residual Add fused; the block input s, the expansion and the
 * depthwise output are resident (pass resident): no SAVE or LOAD between the layers, and the
 * DWCONVs read their rows with implicit padding. */
static void test_golden_resident(void **state)
{
    (void)state;
    struct dpu_graph *g = start(5);
    int p0[4] = {0, 0, 0, 0}, p1[4] = {1, 1, 1, 1};
    int s = ct_conv(g, "s", in4(g, 5, 6, 5), 8, 1, 1, 1, 1, 1, 1, p0, 1);
    int e = ct_conv(g, "expand", s, 20, 1, 1, 1, 1, 1, 1, p0, 1);
    int d = ct_conv(g, "dw", e, 20, 3, 3, 1, 1, 1, 1, p1, 20);
    int pr = ct_conv(g, "project", d, 8, 1, 1, 1, 1, 1, 1, p0, 1);
    finish(g, ct_binary(g, "add", DPU_NODE_ADD, pr, s), "resident_tiny");
}

/* Average pool 3x3 stride 2 with padding, then global average pool. */
static void test_golden_pools(void **state)
{
    (void)state;
    struct dpu_graph *g = start(3);
    int p[4] = {1, 1, 1, 1};
    int a = ct_pool(g, "avg", DPU_NODE_AVG_POOL, in4(g, 10, 7, 7), 3, 3, 2, 2, p);
    finish(g, ct_pool(g, "gap", DPU_NODE_GLOBAL_AVG_POOL, a, 0, 0, 0, 0, p), "pool_tiny");
}

/* A residual: 1x1 conv of x added to x. */
static void test_golden_add(void **state)
{
    (void)state;
    struct dpu_graph *g = start(4);
    int p[4] = {0, 0, 0, 0};
    int x = in4(g, 9, 4, 5);
    int a = ct_conv(g, "pw", x, 9, 1, 1, 1, 1, 1, 1, p, 1);
    finish(g, ct_binary(g, "add", DPU_NODE_ADD, a, x), "add_tiny");
}

/* Two convs of one input concatenated along channels. */
static void test_golden_concat(void **state)
{
    (void)state;
    struct dpu_graph *g = start(5);
    int p[4] = {1, 1, 1, 1};
    int x = in4(g, 5, 4, 4);
    int in[2] = {ct_conv(g, "left", x, 6, 3, 3, 1, 1, 1, 1, p, 1),
                 ct_conv(g, "right", x, 3, 3, 3, 1, 1, 1, 1, p, 1)};
    int y = ct_act(g, "cat", 1, 9, 4, 4, 0.2);
    int n = dpu_graph_add_node(g, "cat", DPU_NODE_CONCAT, 2, in, 1, &y);
    assert_true(n >= 0);
    assert_int_equal(dpu_node_set_int(g, n, "axis", 1), 0);
    finish(g, y, "concat_tiny");
}

/* FullyConnected 20 -> 10 on two rows. */
static void test_golden_fc(void **state)
{
    (void)state;
    struct dpu_graph *g = start(6);
    int x = ct_act(g, "x", 2, 20, 0, 0, 0.05);
    assert_true(dpu_graph_add_input(g, x) >= 0);
    finish(g, ct_fc(g, "fc", x, 10), "fc_tiny");
}

/* A LUT activation (Sigmoid) after a clamp activation (Relu6). */
static void test_golden_lut(void **state)
{
    (void)state;
    struct dpu_graph *g = start(7);
    int a = ct_unary(g, "relu6", DPU_NODE_RELU6, in4(g, 6, 3, 5));
    finish(g, ct_unary(g, "sigmoid", DPU_NODE_SIGMOID, a), "lut_tiny");
}

/* Grouped conv: 12 -> 6 channels in 3 groups (4 in, 2 out each). */
static void test_golden_grouped(void **state)
{
    (void)state;
    struct dpu_graph *g = start(8);
    int p[4] = {1, 0, 1, 0};
    finish(g, ct_conv(g, "gconv", in4(g, 12, 5, 4), 6, 3, 1, 1, 1, 1, 1, p, 3), "grouped_tiny");
}

/* Grouped conv with small groups: 16 -> 8 channels in 8 groups (2 in, 1 out each); four
 * groups share one 8x8 array block (block-diagonal weights), so two CONV sequences. */
static void test_golden_grouped_packed(void **state)
{
    (void)state;
    struct dpu_graph *g = start(9);
    int p[4] = {1, 1, 1, 1};
    finish(g, ct_conv(g, "gconv", in4(g, 16, 4, 4), 8, 3, 3, 1, 1, 1, 1, p, 8),
           "grouped_packed_tiny");
}

/* conv -> Softmax over channels (CPU: no softmax on the accelerator) -> conv: three steps,
 * the CPU step's subgraph decodes, the softmax's input is bound in the accelerator's NHWC
 * layout on both sides, and the whole program equals the reference. */
static void test_cpu_fallback_plan(void **state)
{
    (void)state;
    struct dpu_graph *g = start(7);
    int p1[4] = {1, 1, 1, 1};
    int a = ct_conv(g, "conv", in4(g, 3, 5, 5), 4, 3, 3, 1, 1, 1, 1, p1, 1);
    int64_t sd[4] = {1, 4, 5, 5}, table[256];
    int sm = dpu_graph_add_tensor(g, "probs", DPU_DT_INT8, 4, sd, NULL);
    float s = 1.0f / 256;
    int32_t zp = -128;
    assert_int_equal(dpu_graph_set_quant(g, sm, -1, 1, &s, &zp), 0);
    int n = dpu_graph_add_node(g, "softmax", DPU_NODE_SOFTMAX, 1, &a, 1, &sm);
    assert_true(n >= 0);
    assert_int_equal(dpu_node_set_int(g, n, "axis", 1), 0);
    for (int i = 0; i < 256; i++)
        table[i] = (INT64_C(1) << 23) >> (i / 8 < 23 ? i / 8 : 23); /* exp(-i * ln2 / 8) */
    assert_int_equal(dpu_node_set_ints(g, n, "exp_table", 256, table), 0);
    int p0[4] = {0, 0, 0, 0};
    int y = ct_conv(g, "conv2", sm, 6, 1, 1, 1, 1, 1, 1, p0, 1);
    assert_true(dpu_graph_add_output(g, y) >= 0);
    struct dpu_compile_opts o = {0};
    o.preset = dpu_preset_find("tiny");
    struct dpu_program p;
    struct dpu_diag d;
    int err = dpu_compile(g, &o, &p, &d);
    if (err)
        print_error("%s\n", d.msg);
    assert_int_equal(err, 0);
    assert_int_equal(p.nsteps, 3);
    assert_int_equal(p.steps[0].kind, DPU_PROG_STEP_ACCEL);
    assert_int_equal(p.steps[1].kind, DPU_PROG_STEP_CPU);
    assert_int_equal(p.steps[2].kind, DPU_PROG_STEP_ACCEL);
    assert_int_equal(p.steps[1].n_inputs, 1);
    assert_int_equal(p.steps[1].n_outputs, 1);
    assert_string_equal(p.tensors[p.steps[1].inputs[0]].name, g->tensors[a].name);
    assert_int_equal(p.tensors[p.steps[1].inputs[0]].layout, DPU_PROG_LAYOUT_NHWC);
    assert_string_equal(p.tensors[p.steps[1].outputs[0]].name, "probs");
    struct dpu_graph sub;
    assert_int_equal(dpu_q8_decode("step", p.steps[1].q8, p.steps[1].q8_len, &sub, &d), 0);
    assert_int_equal(sub.nnodes, 1);
    dpu_graph_free(&sub);
    dpu_program_free(&p);
    golden(g, "softmax_fallback_tiny");
    /* --no-cpu-fallback names the node. */
    o.no_cpu_fallback = true;
    assert_int_equal(dpu_compile(g, &o, &p, &d), DPU_E_UNSUPPORTED);
    assert_non_null(strstr(d.msg, "node 'softmax' (Softmax)"));
    dpu_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_conv_pool), cmocka_unit_test(test_golden_conv),
        cmocka_unit_test(test_golden_depthwise), cmocka_unit_test(test_golden_pools),
        cmocka_unit_test(test_golden_add),       cmocka_unit_test(test_golden_concat),
        cmocka_unit_test(test_golden_fc),        cmocka_unit_test(test_golden_lut),
        cmocka_unit_test(test_golden_grouped),   cmocka_unit_test(test_golden_grouped_packed),
        cmocka_unit_test(test_golden_resident),  cmocka_unit_test(test_cpu_fallback_plan)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
