/* The runner: input binding (the float32 boundary step), dispatch, refusals of bad graphs,
 * the trace callback, and the kernel table against ops.def. */
#include <string.h>

#include "../../ref/src/ref_internal.h"
#include "ref_test_util.h"

/* Quantized graph x int8 [4] (s = 0.5, z = 1) -> Reshape -> y [4]. */
static void build_q8_identity(struct dpu_graph *g)
{
    static const int64_t d4[1] = {4};
    dpu_graph_init(g);
    g->quantized = true;
    int x = tu_act8(g, "x", 1, d4, 0.5f, 1);
    int y = tu_act8(g, "y", 1, d4, 0.5f, 1);
    tu_node(g, "r", DPU_NODE_RESHAPE, 1, &x, y);
    tu_input(g, x);
    tu_output(g, y);
}

/* A float32 value for an int8 input is quantized with the input's scale and zero point:
 * x / 0.5 = [0.5, 1.5, -2.5, 200] -> ties to even [0, 2, -2, 200] -> + 1 -> [1, 3, -1, 127]. */
static void test_boundary_quantize(void **state)
{
    (void)state;
    static const int64_t d4[1] = {4};
    static const float xf[4] = {0.25f, 0.75f, -1.25f, 100.0f};
    static const int8_t want[4] = {1, 3, -1, 127};
    struct dpu_graph g;
    build_q8_identity(&g);
    struct dpu_tensor x = tu_view(DPU_DT_FLOAT32, 1, d4, xf);
    tu_run1_i8(&g, &x, 1, want, 4);
    /* int8 passes through unchanged. */
    static const int8_t xq[4] = {-128, 0, 5, 127};
    x = tu_view(DPU_DT_INT8, 1, d4, xq);
    tu_run1_i8(&g, &x, 1, xq, 4);
    dpu_graph_free(&g);
}

/* Inputs of the wrong dtype, shape or number are refused with the input named. */
static void test_input_mismatch(void **state)
{
    (void)state;
    static const int64_t d4[1] = {4}, d5[1] = {5};
    static const int32_t xi[4] = {0};
    static const float xf[5] = {0};
    struct dpu_graph g;
    build_q8_identity(&g);
    struct dpu_tensor x = tu_view(DPU_DT_INT32, 1, d4, xi);
    tu_run_fails(&g, &x, 1, DPU_E_MISMATCH, "graph input 0 'x'", "expected int8", "(4,)",
                 "got int32 (4,)", NULL);
    x = tu_view(DPU_DT_FLOAT32, 1, d5, xf);
    tu_run_fails(&g, &x, 1, DPU_E_MISMATCH, "got float32 (5,)", NULL);
    tu_run_fails(&g, &x, 0, DPU_E_MISMATCH, "the graph has 1 inputs, 0 given", NULL);
    dpu_graph_free(&g);

    /* A float graph takes no int8 input. */
    dpu_graph_init(&g);
    int xt = tu_tensor(&g, "x", DPU_DT_FLOAT32, 1, d4, NULL);
    int yt = tu_tensor(&g, "y", DPU_DT_FLOAT32, 1, d4, NULL);
    tu_node(&g, "relu", DPU_NODE_RELU, 1, &xt, yt);
    tu_input(&g, xt);
    tu_output(&g, yt);
    static const int8_t x8[4] = {0};
    x = tu_view(DPU_DT_INT8, 1, d4, x8);
    tu_run_fails(&g, &x, 1, DPU_E_MISMATCH, "expected float32 (4,), got int8", NULL);
    dpu_graph_free(&g);
}

/* x -> Relu -> a -> Mul(a, c = [2, 3]) -> y (float graph); the trace sees both nodes. */
struct trace_log {
    int calls;
    size_t nodes[4];
    float first[4];
    int stop_at;
};

static int record(void *user, const struct dpu_graph *g, const struct dpu_ref_event *ev)
{
    struct trace_log *log = user;
    assert_int_equal(ev->output, 0);
    assert_int_equal(ev->tensor, g->nodes[ev->node].outputs[0]);
    log->nodes[log->calls] = ev->node;
    log->first[log->calls] = ((const float *)ev->value->data)[0];
    log->calls++;
    return log->calls == log->stop_at ? 42 : 0;
}

static void build_chain(struct dpu_graph *g)
{
    static const int64_t d2[1] = {2};
    static const float c[2] = {2, 3};
    dpu_graph_init(g);
    int x = tu_tensor(g, "x", DPU_DT_FLOAT32, 1, d2, NULL);
    int a = tu_tensor(g, "a", DPU_DT_FLOAT32, 1, d2, NULL);
    int ct = tu_tensor(g, "c", DPU_DT_FLOAT32, 1, d2, c);
    int y = tu_tensor(g, "y", DPU_DT_FLOAT32, 1, d2, NULL);
    tu_node(g, "relu", DPU_NODE_RELU, 1, &x, a);
    int32_t in[2] = {a, ct};
    tu_node(g, "mul", DPU_NODE_MUL, 2, in, y);
    tu_input(g, x);
    tu_output(g, y);
}

static void test_trace(void **state)
{
    (void)state;
    static const int64_t d2[1] = {2};
    static const float xv[2] = {-1, 4};
    struct dpu_graph g;
    build_chain(&g);
    struct dpu_tensor x = tu_view(DPU_DT_FLOAT32, 1, d2, xv), y;
    struct trace_log log = {0};
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_ref_run_trace(&g, &x, 1, &y, record, &log, &d), 0);
    assert_int_equal(log.calls, 2);
    assert_int_equal(log.nodes[0], 0);
    assert_int_equal(log.nodes[1], 1);
    assert_true(log.first[0] == 0.0f); /* relu(-1) */
    tu_expect_f32(&y, (const float[]){0, 12}, 2, 0);
    dpu_tensor_free(&y);

    /* A nonzero return stops the run and is returned; the outputs stay empty. */
    memset(&log, 0, sizeof log);
    log.stop_at = 1;
    assert_int_equal(dpu_ref_run_trace(&g, &x, 1, &y, record, &log, &d), 42);
    assert_int_equal(log.calls, 1);
    assert_null(y.data);
    dpu_graph_free(&g);
}

/* Nodes out of order: the Mul reads 'a' before the Relu computes it. */
static void test_unsorted_graph(void **state)
{
    (void)state;
    static const int64_t d2[1] = {2};
    static const float xv[2] = {0};
    struct dpu_graph g;
    build_chain(&g);
    struct dpu_gnode tmp = g.nodes[0];
    g.nodes[0] = g.nodes[1];
    g.nodes[1] = tmp;
    struct dpu_tensor x = tu_view(DPU_DT_FLOAT32, 1, d2, xv);
    tu_run_fails(&g, &x, 1, DPU_E_INVALID, "node 'mul' (Mul): input 0 'a' has no value yet", NULL);
    dpu_graph_free(&g);
}

/* Ops outside their graph kind, bad tensor references and arity are refused. */
static void test_refusals(void **state)
{
    (void)state;
    static const int64_t d2[1] = {2};
    static const float xv[2] = {0};
    struct dpu_graph g;
    build_chain(&g);
    struct dpu_tensor x = tu_view(DPU_DT_FLOAT32, 1, d2, xv);
    g.nodes[0].op = DPU_NODE_QUANTIZE;
    tu_run_fails(&g, &x, 1, DPU_E_UNSUPPORTED, "node 'relu' (Quantize)", "float graph", NULL);
    g.nodes[0].op = DPU_NODE_RELU;
    g.nodes[1].inputs[1] = 99;
    tu_run_fails(&g, &x, 1, DPU_E_INVALID, "node 'mul' (Mul): input 1 refers to tensor 99", NULL);
    g.nodes[1].inputs[1] = -1;
    tu_run_fails(&g, &x, 1, DPU_E_INVALID, "node 'mul' (Mul): input 1 refers to tensor -1", NULL);
    g.nodes[1].ninputs = 1;
    tu_run_fails(&g, &x, 1, DPU_E_INVALID, "node 'mul' (Mul): has 1 inputs", NULL);
    g.nodes[1].ninputs = 2;
    g.nodes[1].inputs[1] = 2;
    g.nodes[1].outputs[0] = 1; /* writes 'a' a second time */
    tu_run_fails(&g, &x, 1, DPU_E_INVALID, "output 0 'a' already has a value", NULL);
    g.nodes[1].outputs[0] = 3;
    g.quantized = true;
    g.nodes[0].op = DPU_NODE_BATCH_NORM;
    g.nodes[0].ninputs = 1;
    tu_run_fails(&g, &x, 1, DPU_E_INVALID, "(BatchNorm): has 1 inputs", NULL);
    g.nodes[0].op = DPU_NODE_GEMM;
    g.nodes[0].ninputs = 2;
    tu_run_fails(&g, &x, 1, DPU_E_UNSUPPORTED, "(Gemm): this op cannot appear in a quantized",
                 NULL);
    dpu_graph_free(&g);
}

/* A whole quantized pipeline with a float input and output: Quantize (s 0.5, z 0) ->
 * FullyConnected (w [[2]] scale 0.25, bias 4, out s 0.25 z -1: ratio 0.5 * 0.25 / 0.25 = 0.5)
 * -> Dequantize. x = 3.0 -> q 6 -> acc 12 + 4 = 16 -> 8 - 1 = 7 -> (7 + 1) * 0.25 = 2.0.
 * x = -1.25 -> -2.5 -> -2 (even) -> acc -4 + 4 = 0 -> -1 -> 0.0. */
static void test_pipeline(void **state)
{
    (void)state;
    static const int64_t xd[2] = {2, 1}, wd[2] = {1, 1}, bd[1] = {1};
    static const int8_t w[1] = {2};
    static const int32_t b[1] = {4};
    static const float xv[2] = {3.0f, -1.25f};
    struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    int x = tu_tensor(&g, "x", DPU_DT_FLOAT32, 2, xd, NULL);
    int q = tu_act8(&g, "q", 2, xd, 0.5f, 0);
    int wt = tu_tensor(&g, "w", DPU_DT_INT8, 2, wd, w);
    tu_quant(&g, wt, 0.25f, 0);
    int bt = tu_tensor(&g, "b", DPU_DT_INT32, 1, bd, b);
    int h = tu_act8(&g, "h", 2, xd, 0.25f, -1);
    int y = tu_tensor(&g, "y", DPU_DT_FLOAT32, 2, xd, NULL);
    tu_node(&g, "quant", DPU_NODE_QUANTIZE, 1, &x, q);
    int32_t in[3] = {q, wt, bt};
    tu_node(&g, "fc", DPU_NODE_FULLY_CONNECTED, 3, in, h);
    tu_node(&g, "dequant", DPU_NODE_DEQUANTIZE, 1, &h, y);
    tu_input(&g, x);
    tu_output(&g, y);
    struct dpu_tensor xt = tu_view(DPU_DT_FLOAT32, 2, xd, xv);
    tu_run1_f32(&g, &xt, 1, (const float[]){2.0f, 0.0f}, 2);
    dpu_graph_free(&g);
}

/* Every op ops.def allows in a graph kind has a kernel there, and no other. */
static void test_kernel_table(void **state)
{
    (void)state;
    static const bool float_ok[DPU_NODE_COUNT] = {
#define X(e, name, mi, ma, no, f, q, doc) [DPU_NODE_##e] = (f),
#include "dpu/ops.def"
#undef X
    };
    static const bool int8_ok[DPU_NODE_COUNT] = {
#define X(e, name, mi, ma, no, f, q, doc) [DPU_NODE_##e] = (q),
#include "dpu/ops.def"
#undef X
    };
    for (int op = 0; op < DPU_NODE_COUNT; op++) {
        assert_int_equal(ref_kernel_for((enum dpu_node_op)op, false) != NULL, float_ok[op]);
        assert_int_equal(ref_kernel_for((enum dpu_node_op)op, true) != NULL, int8_ok[op]);
    }
    assert_null(ref_kernel_for(DPU_NODE_COUNT, true));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boundary_quantize),
        cmocka_unit_test(test_input_mismatch),
        cmocka_unit_test(test_trace),
        cmocka_unit_test(test_unsorted_graph),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_pipeline),
        cmocka_unit_test(test_kernel_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
