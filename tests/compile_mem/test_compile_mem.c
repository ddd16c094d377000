/* Memory planning and layout in the compiler (docs/compiler.md): SCRATCH shared by lifetime,
 * channel Concat written in place by its producers (copies on the accelerator where it cannot
 * be), Flatten/Reshape folded into FullyConnected, and --no-cpu-fallback. Each graph is
 * compiled, checked for the property, and run on dpusim against the reference interpreter
 * (ct_check: one accelerator step, no CPU fallback, bytewise equal, race checker on). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "compile_test_util.h"
#include "dpu/compile.h"
#include "dpu/program.h"

/* dpu_graph_add_input/output return the position (>= 0) or an error. */
#define ADD_IN(g, t)  assert_true(dpu_graph_add_input((g), (t)) >= 0)
#define ADD_OUT(g, t) assert_true(dpu_graph_add_output((g), (t)) >= 0)

static const char *const presets[] = {"tiny", "b512", "b4096"};
#define NPRESETS (sizeof presets / sizeof presets[0])
static const int pad1[4] = {1, 1, 1, 1}, pad0[4] = {0, 0, 0, 0};

static void copy_quant(struct dpu_graph *g, int dst, int src)
{
    const struct dpu_quant *q = &g->tensors[src].quant;
    float s = q->scale[0];
    int32_t z = q->zero_point[0];
    assert_int_equal(dpu_graph_set_quant(g, dst, -1, 1, &s, &z), 0);
}

/* Concat of n inputs along channels; the output gets the quantization of `like`. */
static int concat(struct dpu_graph *g, const char *name, const int *in, size_t n, int like)
{
    int64_t c = 0;
    for (size_t k = 0; k < n; k++)
        c += g->tensors[in[k]].dims[1];
    int64_t d[4]; /* copied: adding a tensor may move g->tensors */
    memcpy(d, g->tensors[in[0]].dims, sizeof d);
    int y = ct_act(g, name, d[0], c, d[2], d[3], 1.0);
    copy_quant(g, y, like);
    int32_t ins[8];
    for (size_t k = 0; k < n; k++)
        ins[k] = in[k];
    int node = dpu_graph_add_node(g, name, DPU_NODE_CONCAT, n, ins, 1, &y);
    assert_true(node >= 0);
    assert_int_equal(dpu_node_set_int(g, node, "axis", 1), 0);
    return y;
}

/* A move (Flatten, Reshape, Transpose) from x to a new tensor of shape dims. */
static int move(struct dpu_graph *g, const char *name, enum dpu_node_op op, int x, int rank,
                const int64_t *dims)
{
    int y = dpu_graph_add_tensor(g, name, DPU_DT_INT8, rank, dims, NULL);
    assert_true(y >= 0);
    copy_quant(g, y, x);
    int node = dpu_graph_add_node(g, name, op, 1, &x, 1, &y);
    assert_true(node >= 0);
    if (op == DPU_NODE_TRANSPOSE) {
        const int64_t perm[4] = {0, 1, 3, 2};
        assert_int_equal(dpu_node_set_ints(g, node, "perm", 4, perm), 0);
    }
    return y;
}

static void compile_ok(struct dpu_graph *g, const char *preset, struct dpu_program *p)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct dpu_compile_opts o = {0};
    o.preset = dpu_preset_find(preset);
    o.no_cpu_fallback = true;
    if (dpu_compile(g, &o, p, &d))
        fail_msg("%s: %s", preset, d.msg);
}

/* Instructions of the layer named after node `name` (0 when it has no layer). */
static uint64_t layer_insns(const struct dpu_program *p, const char *name)
{
    uint64_t n = 0;
    for (size_t l = 0; l < p->nlayers; l++)
        if (strcmp(p->layers[l].name, name) == 0)
            for (size_t r = 0; r < p->layers[l].nranges; r++)
                n += p->layers[l].ranges[r].count;
    return n;
}

static void run_all(struct dpu_graph *g, const char *what, uint64_t seed)
{
    for (size_t i = 0; i < NPRESETS; i++)
        ct_check(g, presets[i], seed, what);
}

/* Two convolutions write straight into their slices of the Concat, which emits nothing. */
static void test_concat_in_place(void **state)
{
    (void)state;
    ct_seed(11);
    struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    int x = ct_act(&g, "x", 1, 5, 9, 7, 0.05);
    ADD_IN(&g, x);
    int a = ct_conv(&g, "ca", x, 6, 3, 3, 1, 1, 1, 1, pad1, 1);
    int b = ct_conv(&g, "cb", x, 11, 1, 1, 1, 1, 1, 1, pad0, 1);
    int m = ct_pool(&g, "mp", DPU_NODE_MAX_POOL, x, 3, 3, 1, 1, pad1);
    copy_quant(&g, a, m); /* MaxPool keeps (about) x's scale; the convolutions take it */
    copy_quant(&g, b, m);
    const int in[3] = {a, b, m};
    int cat = concat(&g, "cat", in, 3, m);
    int y = ct_conv(&g, "cy", cat, 9, 3, 3, 1, 1, 1, 1, pad1, 1);
    ADD_OUT(&g, y);
    for (size_t i = 0; i < NPRESETS; i++) {
        struct dpu_program p;
        compile_ok(&g, presets[i], &p);
        assert_int_equal(layer_insns(&p, "cat"), 0);
        dpu_program_free(&p);
    }
    run_all(&g, "concat in place", 11);
    dpu_graph_free(&g);
}

/* Inputs that cannot be written in place are copied on the accelerator: a graph input, an
 * input with its own scale (rescaled by ELTW), a tensor an Add also reads, one tensor twice,
 * and a producer feeding two Concats (one in place, one copy). */
static void test_concat_copies(void **state)
{
    (void)state;
    ct_seed(12);
    struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    int x = ct_act(&g, "x", 2, 5, 6, 7, 0.05);
    int x2 = ct_act(&g, "x2", 2, 3, 6, 7, 0.05);
    ADD_IN(&g, x);
    ADD_IN(&g, x2);
    int a = ct_conv(&g, "ca", x, 6, 3, 3, 1, 1, 1, 1, pad1, 1);
    int b = ct_conv(&g, "cb", x, 13, 1, 1, 1, 1, 1, 1, pad0, 1); /* own scale: rescaled */
    int e = ct_conv(&g, "ce", x, 6, 1, 1, 1, 1, 1, 1, pad0, 1);
    copy_quant(&g, x2, a);
    copy_quant(&g, e, a);
    int s = ct_binary(&g, "add", DPU_NODE_ADD, e, e); /* e also read by an Add */
    const int in1[5] = {a, x2, b, e, e};
    int cat1 = concat(&g, "cat1", in1, 5, a);
    const int in2[2] = {a, s}; /* a: in place in cat1, copied here; s: an ELTW output */
    int cat2 = concat(&g, "cat2", in2, 2, a);
    int y1 = ct_conv(&g, "cy1", cat1, 7, 3, 3, 1, 1, 1, 1, pad1, 1);
    int y2 = ct_conv(&g, "cy2", cat2, 7, 1, 1, 1, 1, 1, 1, pad0, 1);
    ADD_OUT(&g, y1);
    ADD_OUT(&g, y2);
    for (size_t i = 0; i < NPRESETS; i++) {
        struct dpu_program p;
        compile_ok(&g, presets[i], &p);
        assert_true(layer_insns(&p, "cat1") > 0);
        assert_true(layer_insns(&p, "cat2") > 0);
        dpu_program_free(&p);
    }
    run_all(&g, "concat copies", 12);
    dpu_graph_free(&g);
}

/* A Concat that is itself the graph output: producers write into OUTPUT. */
static void test_concat_output(void **state)
{
    (void)state;
    ct_seed(13);
    struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    int x = ct_act(&g, "x", 1, 9, 5, 4, 0.05);
    ADD_IN(&g, x);
    int a = ct_conv(&g, "ca", x, 3, 3, 3, 1, 1, 1, 1, pad1, 1);
    int b = ct_pool(&g, "mp", DPU_NODE_MAX_POOL, x, 3, 3, 1, 1, pad1);
    copy_quant(&g, a, b);
    const int in[2] = {a, b};
    ADD_OUT(&g, concat(&g, "cat", in, 2, b));
    run_all(&g, "concat output", 13);
    dpu_graph_free(&g);
}

/* A chain: SCRATCH holds far less than the sum of its tensors. */
static void test_scratch_reuse(void **state)
{
    (void)state;
    ct_seed(14);
    struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    int t = ct_act(&g, "x", 1, 8, 12, 12, 0.05);
    ADD_IN(&g, t);
    for (int i = 0; i < 8; i++) {
        char nm[16];
        snprintf(nm, sizeof nm, "c%d", i);
        t = ct_conv(&g, nm, t, 8 + 3 * i, 3, 3, 1, 1, 1, 1, pad1, 1);
    }
    int y = ct_pool(&g, "gap", DPU_NODE_GLOBAL_AVG_POOL, t, 0, 0, 0, 0, pad0);
    ADD_OUT(&g, y);
    for (size_t i = 0; i < NPRESETS; i++) {
        struct dpu_program p;
        compile_ok(&g, presets[i], &p);
        uint64_t sum = 0, largest = 0, two = 0;
        for (size_t k = 0; k < p.ntensors; k++)
            if (p.tensors[k].region == DPU_REGION_SCRATCH) {
                sum += p.tensors[k].size;
                largest = p.tensors[k].size > largest ? p.tensors[k].size : largest;
            }
        /* Live at once: a node's input and output, so the two largest neighbours bound it. */
        for (size_t k = 0; k + 1 < p.ntensors; k++)
            if (p.tensors[k].region == DPU_REGION_SCRATCH &&
                p.tensors[k + 1].region == DPU_REGION_SCRATCH &&
                p.tensors[k].size + p.tensors[k + 1].size > two)
                two = p.tensors[k].size + p.tensors[k + 1].size;
        uint64_t scratch = p.region_size[DPU_REGION_SCRATCH];
        if (!(scratch < sum && scratch >= largest && scratch <= two + 64 * 2))
            fail_msg("%s: SCRATCH %llu bytes for tensors of %llu bytes (largest %llu, pair %llu)",
                     presets[i], (unsigned long long)scratch, (unsigned long long)sum,
                     (unsigned long long)largest, (unsigned long long)two);
        dpu_program_free(&p);
    }
    run_all(&g, "scratch reuse", 14);
    dpu_graph_free(&g);
}

/* Flatten of an NHWC tensor into FullyConnected, and Reshape dropping 1x1 dims after global
 * pooling: no CPU step, no instructions for the move. Batch 2. */
static void test_flatten_folded(void **state)
{
    (void)state;
    ct_seed(15);
    struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    int x = ct_act(&g, "x", 2, 6, 5, 5, 0.05);
    ADD_IN(&g, x);
    int c = ct_conv(&g, "conv", x, 10, 3, 3, 1, 1, 1, 1, pad1, 1);
    const int64_t fd[2] = {2, 10 * 5 * 5};
    int f = move(&g, "flat", DPU_NODE_FLATTEN, c, 2, fd);
    int h = ct_fc(&g, "fc1", f, 12);
    int y1 = ct_fc(&g, "fc2", h, 7);
    int gp = ct_pool(&g, "gap", DPU_NODE_GLOBAL_AVG_POOL, c, 0, 0, 0, 0, pad0);
    const int64_t rd[2] = {2, 10};
    int r = move(&g, "squeeze", DPU_NODE_RESHAPE, gp, 2, rd);
    int y2 = ct_fc(&g, "fc3", r, 5);
    ADD_OUT(&g, y1);
    ADD_OUT(&g, y2);
    for (size_t i = 0; i < NPRESETS; i++) {
        struct dpu_program p;
        compile_ok(&g, presets[i], &p);
        assert_int_equal(p.nsteps, 1);
        assert_int_equal(layer_insns(&p, "flat"), 0);
        assert_int_equal(layer_insns(&p, "squeeze"), 0);
        dpu_program_free(&p);
    }
    run_all(&g, "flatten folded", 15);
    dpu_graph_free(&g);
}

static int compile_err(struct dpu_graph *g, bool no_fallback, char *msg, size_t cap)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct dpu_compile_opts o = {0};
    o.preset = dpu_preset_find("tiny");
    o.no_cpu_fallback = no_fallback;
    struct dpu_program p;
    int err = dpu_compile(g, &o, &p, &d);
    snprintf(msg, cap, "%s", d.msg);
    if (!err)
        dpu_program_free(&p);
    return err;
}

/* --no-cpu-fallback: an error naming the node and why; without it, a CPU step. A Flatten
 * whose output is a graph output, or read by something other than FullyConnected, falls back
 * too (its bytes must be in NCHW order). */
static void test_no_fallback_errors(void **state)
{
    (void)state;
    char msg[1100];
    for (int k = 0; k < 3; k++) {
        ct_seed(16);
        struct dpu_graph g;
        dpu_graph_init(&g);
        g.quantized = true;
        int x = ct_act(&g, "x", 1, 4, 3, 3, 0.05);
        ADD_IN(&g, x);
        int c = ct_conv(&g, "conv", x, 6, 3, 3, 1, 1, 1, 1, pad1, 1);
        const int64_t td[4] = {1, 6, 3, 3}, fd[2] = {1, 54};
        const char *node = "tr", *why = "memory order";
        if (k == 0) {
            int y = move(&g, "tr", DPU_NODE_TRANSPOSE, c, 4, td);
            assert_int_equal(
                dpu_graph_add_output(&g, ct_conv(&g, "c2", y, 3, 1, 1, 1, 1, 1, 1, pad0, 1)), 0);
        } else if (k == 1) {
            ADD_OUT(&g, move(&g, "flat", DPU_NODE_FLATTEN, c, 2, fd));
            node = "flat", why = "graph output";
        } else {
            int f = move(&g, "flat", DPU_NODE_FLATTEN, c, 2, fd);
            int r = move(&g, "same", DPU_NODE_RESHAPE, f, 2, fd);
            ADD_OUT(&g, ct_fc(&g, "fc", r, 4));
            node = "flat", why = "not a FullyConnected";
        }
        assert_int_equal(compile_err(&g, false, msg, sizeof msg), 0);
        if (compile_err(&g, true, msg, sizeof msg) == 0)
            fail_msg("case %d: compiled with --no-cpu-fallback", k);
        char want[64];
        snprintf(want, sizeof want, "node '%s'", node);
        if (!strstr(msg, want) || !strstr(msg, why) || !strstr(msg, "--no-cpu-fallback"))
            fail_msg("case %d: message '%s' lacks \"%s\" or \"%s\"", k, msg, want, why);
        dpu_graph_free(&g);
    }
}

/* The float boundary stays a CPU step under --no-cpu-fallback. */
static void test_boundary_allowed(void **state)
{
    (void)state;
    ct_seed(17);
    struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    const int64_t xd[4] = {1, 3, 4, 4};
    int xf = dpu_graph_add_tensor(&g, "xf", DPU_DT_FLOAT32, 4, xd, NULL);
    ADD_IN(&g, xf);
    int xq = ct_act(&g, "xq", 1, 3, 4, 4, 0.05);
    assert_true(dpu_graph_add_node(&g, "q", DPU_NODE_QUANTIZE, 1, &xf, 1, &xq) >= 0);
    int c = ct_conv(&g, "conv", xq, 5, 3, 3, 1, 1, 1, 1, pad1, 1);
    int64_t yd[4]; /* copied: adding a tensor may move g.tensors */
    memcpy(yd, g.tensors[c].dims, sizeof yd);
    int yf = dpu_graph_add_tensor(&g, "yf", DPU_DT_FLOAT32, 4, yd, NULL);
    assert_true(dpu_graph_add_node(&g, "dq", DPU_NODE_DEQUANTIZE, 1, &c, 1, &yf) >= 0);
    ADD_OUT(&g, yf);
    char msg[1100];
    if (compile_err(&g, true, msg, sizeof msg))
        fail_msg("%s", msg);
    dpu_graph_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concat_in_place),  cmocka_unit_test(test_concat_copies),
        cmocka_unit_test(test_concat_output),    cmocka_unit_test(test_scratch_reuse),
        cmocka_unit_test(test_flatten_folded),   cmocka_unit_test(test_no_fallback_errors),
        cmocka_unit_test(test_boundary_allowed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
