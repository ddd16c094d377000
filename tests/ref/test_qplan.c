/* qplan: the integer parameters derived from scales, checked against values computed by hand
 * (M, s with M * 2^-s = the ratio; docs/arithmetic.md section 7). */
#include <string.h>

#include "dpu/qplan.h"
#include "ref_test_util.h"

#define P2(k) (INT64_C(1) << (k))

/* Graph with x (s_x, z_x), an optional weight tensor, y (s_y, z_y) and one node. */
static int build(struct dpu_graph *g, enum dpu_node_op op, float sx, int32_t zx, float sy,
                 int32_t zy, int with_weights)
{
    static const int64_t xd[2] = {1, 2}, wd[2] = {2, 2};
    static const int8_t w[4] = {1, 2, 3, 4};
    dpu_graph_init(g);
    g->quantized = true;
    int x = tu_act8(g, "x", 2, xd, sx, zx);
    int32_t in[2] = {x, x};
    if (with_weights)
        in[1] = tu_tensor(g, "w", DPU_DT_INT8, 2, wd, w);
    int y = tu_act8(g, "y", 2, xd, sy, zy);
    return tu_node(
        g, "n1", op,
        with_weights || op == DPU_NODE_ADD || op == DPU_NODE_MUL || op == DPU_NODE_MATMUL ? 2 : 1,
        in, y);
}

/* Per-channel: s_x = 0.5, s_w = [0.5, 0.75], s_y = 1: ratios 0.25 = 0.5 * 2^-1 -> (2^30, 32)
 * and 0.375 = 0.75 * 2^-1 -> (0.75 * 2^31 = 3 * 2^29, 32). z_x, z_y and the default clamp
 * carried through. Per-tensor s_w = 0.5 gives (2^30, 32) for both channels. */
static void test_conv_per_channel(void **state)
{
    (void)state;
    static const float sw[2] = {0.5f, 0.75f};
    struct dpu_graph g;
    struct dpu_qp_conv p;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int n = build(&g, DPU_NODE_FULLY_CONNECTED, 0.5f, -3, 1.0f, 7, 1);
    tu_quant_ch(&g, 1, 2, sw);
    assert_int_equal(dpu_qplan_conv(&g, &g.nodes[n], &p, &d), 0);
    assert_int_equal(p.nch, 2);
    assert_int_equal(p.ch[0].M, P2(30));
    assert_int_equal(p.ch[0].s, 32);
    assert_int_equal(p.ch[1].M, 3 * P2(29));
    assert_int_equal(p.ch[1].s, 32);
    assert_int_equal(p.zx, -3);
    assert_int_equal(p.zy, 7);
    assert_int_equal(p.lo, -128);
    assert_int_equal(p.hi, 127);
    dpu_qp_conv_free(&p);
    assert_null(p.ch);

    tu_quant(&g, 1, 0.5f, 0);
    assert_int_equal(dpu_qplan_conv(&g, &g.nodes[n], &p, &d), 0);
    assert_int_equal(p.nch, 2);
    assert_int_equal(p.ch[1].M, P2(30));
    assert_int_equal(p.ch[1].s, 32);
    dpu_qp_conv_free(&p);
    dpu_graph_free(&g);
}

/* Weights with a nonzero zero point, the wrong number of scales, or a ratio too large to
 * represent are refused with the node named. */
static void test_conv_refusals(void **state)
{
    (void)state;
    static const float sw3[3] = {1, 1, 1};
    static const float sw2[2] = {1, 1};
    static const int32_t zp2[2] = {0, 1};
    struct dpu_graph g;
    struct dpu_qp_conv p;
    struct dpu_diag d;
    int n = build(&g, DPU_NODE_FULLY_CONNECTED, 1.0f, 0, 1.0f, 0, 1);

    assert_int_equal(dpu_graph_set_quant(&g, 1, 0, 2, sw2, zp2), 0);
    dpu_diag_clear(&d);
    assert_int_equal(dpu_qplan_conv(&g, &g.nodes[n], &p, &d), DPU_E_UNSUPPORTED);
    assert_non_null(strstr(d.msg, "node 'n1' (FullyConnected): weights 'w' have zero point 1"));
    assert_null(p.ch);

    tu_quant_ch(&g, 1, 3, sw3);
    dpu_diag_clear(&d);
    assert_int_equal(dpu_qplan_conv(&g, &g.nodes[n], &p, &d), DPU_E_MISMATCH);
    assert_non_null(strstr(d.msg, "3 scales"));

    /* 1e6 * 1e6 / 1e-3 = 1e15 >= 2^31. */
    tu_quant(&g, 0, 1e6f, 0);
    tu_quant(&g, 1, 1e6f, 0);
    tu_quant(&g, 2, 1e-3f, 0);
    dpu_diag_clear(&d);
    assert_int_equal(dpu_qplan_conv(&g, &g.nodes[n], &p, &d), DPU_E_RANGE);
    assert_non_null(strstr(d.msg, "node 'n1' (FullyConnected)"));
    assert_non_null(strstr(d.msg, "too large"));
    assert_null(p.ch);
    dpu_graph_free(&g);
}

/* Turns tensor t of g into a raw int32 accumulator output: int32, no quantization. */
static void make_raw(struct dpu_graph *g, int t)
{
    g->tensors[t].dtype = DPU_DT_INT32;
    g->tensors[t].quant.count = 0; /* the arrays stay owned by the tensor */
}

/* dpu_qplan_conv_any takes what dpu_qplan_conv refuses: weight zero points (per channel
 * [0, 1] here; a per-tensor one repeats over the channels) and the raw int32 output. The
 * multipliers do not depend on z_w: s_x = 0.5, s_w = 1, s_y = 1 -> 0.5 = (2^30, 31). */
static void test_conv_any(void **state)
{
    (void)state;
    static const float sw2[2] = {1, 1};
    static const int32_t zp2[2] = {0, 1};
    struct dpu_graph g;
    struct dpu_qp_conv p;
    struct dpu_diag d;
    int n = build(&g, DPU_NODE_FULLY_CONNECTED, 0.5f, 3, 1.0f, -7, 1);
    assert_int_equal(dpu_graph_set_quant(&g, 1, 0, 2, sw2, zp2), 0);
    dpu_diag_clear(&d);
    assert_int_equal(dpu_qplan_conv_any(&g, &g.nodes[n], &p, &d), 0);
    assert_false(p.raw);
    assert_int_equal(p.nch, 2);
    assert_int_equal(p.zw[0], 0);
    assert_int_equal(p.zw[1], 1);
    assert_int_equal(p.ch[1].M, P2(30));
    assert_int_equal(p.ch[1].s, 31);
    assert_int_equal(p.zx, 3);
    assert_int_equal(p.zy, -7);
    dpu_qp_conv_free(&p);
    assert_null(p.zw);

    tu_quant(&g, 1, 1.0f, -128);
    assert_int_equal(dpu_qplan_conv_any(&g, &g.nodes[n], &p, &d), 0);
    assert_int_equal(p.zw[0], -128);
    assert_int_equal(p.zw[1], -128);
    dpu_qp_conv_free(&p);

    /* Out of int8: refused by both. */
    tu_quant(&g, 1, 1.0f, 128);
    dpu_diag_clear(&d);
    assert_int_equal(dpu_qplan_conv_any(&g, &g.nodes[n], &p, &d), DPU_E_RANGE);
    assert_non_null(strstr(d.msg, "weights 'w' have zero point 128 at channel 0, outside"));
    assert_null(p.ch);
    assert_null(p.zw);

    /* The raw int32 output: no multipliers; the accelerator's planner refuses it. */
    tu_quant(&g, 1, 1.0f, 0);
    make_raw(&g, 2);
    dpu_diag_clear(&d);
    assert_int_equal(dpu_qplan_conv(&g, &g.nodes[n], &p, &d), DPU_E_UNSUPPORTED);
    assert_non_null(strstr(d.msg, "node 'n1' (FullyConnected): output 'y' is int32"));
    assert_int_equal(dpu_qplan_conv_any(&g, &g.nodes[n], &p, &d), 0);
    assert_true(p.raw);
    assert_null(p.ch);
    assert_int_equal(p.nch, 2);
    assert_int_equal(p.zw[1], 0);
    assert_int_equal(p.zx, 3);
    dpu_qp_conv_free(&p);
    dpu_graph_free(&g);
}

/* MatMul with an int32 output: z_a, z_b planned, nothing else; refused by the int8 planner. */
static void test_matmul_raw(void **state)
{
    (void)state;
    struct dpu_graph g;
    struct dpu_qp_matmul p;
    struct dpu_diag d;
    int n = build(&g, DPU_NODE_MATMUL, 1.0f, 12, 1.0f, 0, 0);
    make_raw(&g, 1);
    dpu_diag_clear(&d);
    assert_int_equal(dpu_qplan_matmul(&g, &g.nodes[n], &p, &d), DPU_E_UNSUPPORTED);
    assert_non_null(strstr(d.msg, "node 'n1' (MatMul): output 'y' is int32"));
    assert_int_equal(dpu_qplan_matmul_any(&g, &g.nodes[n], &p, &d), 0);
    assert_true(p.raw);
    assert_int_equal(p.za, 12);
    assert_int_equal(p.zb, 12);
    dpu_graph_free(&g);
}

/* Add: s_a = s_b = 0.5 would be equal; with input 1 sharing x, use s_x = 0.75, s_y = 1:
 * both ratios 0.75 -> M_a = M_b = 3 * 2^29, s = 31. Mul: 0.75 * 0.75 = 0.5625 = 0.5625 * 2^0
 * -> f = 0.5625, M = 0.5625 * 2^31 = 9 * 2^27, s = 31. */
static void test_add_mul(void **state)
{
    (void)state;
    struct dpu_graph g;
    struct dpu_qp_add pa;
    struct dpu_qp_mul pm;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int n = build(&g, DPU_NODE_ADD, 0.75f, 4, 1.0f, -2, 0);
    assert_int_equal(dpu_qplan_add(&g, &g.nodes[n], &pa, &d), 0);
    assert_int_equal(pa.Ma, 3 * P2(29));
    assert_int_equal(pa.Mb, 3 * P2(29));
    assert_int_equal(pa.s, 31);
    assert_int_equal(pa.za, 4);
    assert_int_equal(pa.zb, 4);
    assert_int_equal(pa.zy, -2);
    assert_int_equal(dpu_qplan_mul(&g, &g.nodes[n], &pm, &d), 0);
    assert_int_equal(pm.rq.M, 9 * P2(27));
    assert_int_equal(pm.rq.s, 31);
    dpu_graph_free(&g);
}

/* Add with different scales: s_a = 0.5 (x), s_b = 0.75 (a second tensor), s_y = 1:
 * the larger 0.75 -> (3 * 2^29, 31); the smaller M = llround(0.5 * 2^31) = 2^30. */
static void test_add_pair(void **state)
{
    (void)state;
    static const int64_t xd[1] = {1};
    struct dpu_graph g;
    struct dpu_qp_add p;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    dpu_graph_init(&g);
    g.quantized = true;
    int a = tu_act8(&g, "a", 1, xd, 0.5f, 0);
    int b = tu_act8(&g, "b", 1, xd, 0.75f, 0);
    int y = tu_act8(&g, "y", 1, xd, 1.0f, 0);
    int32_t in[2] = {a, b};
    int n = tu_node(&g, "add", DPU_NODE_ADD, 2, in, y);
    assert_int_equal(dpu_qplan_add(&g, &g.nodes[n], &p, &d), 0);
    assert_int_equal(p.Ma, P2(30));
    assert_int_equal(p.Mb, 3 * P2(29));
    assert_int_equal(p.s, 31);
    dpu_graph_free(&g);
}

/* AvgPool's shift is capped at 31. Ratio 0.125 normally (2^30, 33) -> (llround(0.125 * 2^31)
 * = 2^28, 31). Ratio 1 / 10 normally (1717986918, 34) -> llround(0.1 * 2^31 =
 * 214748364.8) = 214748365, 31. Ratio 1 stays (2^30, 30). */
static void test_avgpool_capped_shift(void **state)
{
    (void)state;
    struct dpu_graph g;
    struct dpu_qp_avgpool p;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int n = build(&g, DPU_NODE_GLOBAL_AVG_POOL, 1.0f, 5, 8.0f, -5, 0);
    assert_int_equal(dpu_qplan_avgpool(&g, &g.nodes[n], &p, &d), 0);
    assert_int_equal(p.rq.M, P2(28));
    assert_int_equal(p.rq.s, 31);
    assert_int_equal(p.zx, 5);
    assert_int_equal(p.zy, -5);
    tu_quant(&g, 1, 10.0f, -5);
    assert_int_equal(dpu_qplan_avgpool(&g, &g.nodes[n], &p, &d), 0);
    assert_int_equal(p.rq.M, 214748365);
    assert_int_equal(p.rq.s, 31);
    tu_quant(&g, 1, 1.0f, -5);
    assert_int_equal(dpu_qplan_avgpool(&g, &g.nodes[n], &p, &d), 0);
    assert_int_equal(p.rq.M, P2(30));
    assert_int_equal(p.rq.s, 30);
    dpu_graph_free(&g);
}

/* Relu rescale: ratio 0.5 / 0.25 = 2 -> (2^30, 29); clamp read from the node. MaxPool has no
 * clamp: [-128, 127]. */
static void test_rescale(void **state)
{
    (void)state;
    static const int64_t clamp[2] = {-5, 100};
    struct dpu_graph g;
    struct dpu_qp_rescale p;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int n = build(&g, DPU_NODE_RELU, 0.5f, 1, 0.25f, -5, 0);
    tu_ints(&g, n, "clamp", 2, clamp);
    assert_int_equal(dpu_qplan_rescale(&g, &g.nodes[n], &p, &d), 0);
    assert_int_equal(p.rq.M, P2(30));
    assert_int_equal(p.rq.s, 29);
    assert_int_equal(p.lo, -5);
    assert_int_equal(p.hi, 100);
    g.nodes[n].op = DPU_NODE_MAX_POOL;
    assert_int_equal(dpu_qplan_rescale(&g, &g.nodes[n], &p, &d), 0);
    assert_int_equal(p.lo, -128);
    assert_int_equal(p.hi, 127);
    dpu_graph_free(&g);
}

/* Activation quantization checks: a zero point outside int8, a zero scale, per-channel
 * scales on an activation, no quantization at all. */
static void test_act_checks(void **state)
{
    (void)state;
    static const float s2[2] = {1, 1};
    struct dpu_graph g;
    struct dpu_qp_act q;
    struct dpu_diag d;
    int n = build(&g, DPU_NODE_RELU, 1.0f, 200, 1.0f, 0, 0);
    const struct dpu_gnode *node = &g.nodes[n];
    dpu_diag_clear(&d);
    assert_int_equal(dpu_qplan_act(&g, node, 0, "input 0", &q, &d), DPU_E_RANGE);
    assert_non_null(strstr(d.msg, "node 'n1' (Relu): input 0 'x' has zero point 200"));
    tu_quant(&g, 0, 0.0f, 0);
    dpu_diag_clear(&d);
    assert_int_equal(dpu_qplan_act(&g, node, 0, "input 0", &q, &d), DPU_E_INVALID);
    assert_non_null(strstr(d.msg, "scale 0"));
    assert_int_equal(dpu_graph_set_quant(&g, 0, 1, 2, s2, NULL), 0);
    dpu_diag_clear(&d);
    assert_int_equal(dpu_qplan_act(&g, node, 0, "input 0", &q, &d), DPU_E_UNSUPPORTED);
    assert_non_null(strstr(d.msg, "2 scales"));
    tu_quant(&g, 0, 0.5f, -1);
    assert_int_equal(dpu_qplan_act(&g, node, 0, "input 0", &q, &d), 0);
    assert_true(q.scale == 0.5f);
    assert_int_equal(q.zp, -1);
    dpu_graph_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_per_channel),
        cmocka_unit_test(test_conv_refusals),
        cmocka_unit_test(test_conv_any),
        cmocka_unit_test(test_matmul_raw),
        cmocka_unit_test(test_add_mul),
        cmocka_unit_test(test_add_pair),
        cmocka_unit_test(test_avgpool_capped_shift),
        cmocka_unit_test(test_rescale),
        cmocka_unit_test(test_act_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
