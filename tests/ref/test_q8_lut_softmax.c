/* int8 lookup-table activations and Softmax of the reference interpreter, against values
 * computed by hand. */
#include "ref_test_util.h"

static int build_unary(struct dpu_graph *g, enum dpu_node_op op, int rank, const int64_t *dims,
                       float sy, int32_t zy)
{
    dpu_graph_init(g);
    g->quantized = true;
    int x = tu_act8(g, "x", rank, dims, 0.1f, 0);
    int y = tu_act8(g, "y", rank, dims, sy, zy);
    int n = tu_node(g, "f", op, 1, &x, y);
    tu_input(g, x);
    tu_output(g, y);
    return n;
}

/* lut[i] = 127 - i, so y = 127 - (x + 128) = -1 - x:
 *   -128 -> 127, 0 -> -1, 127 -> -128, 5 -> -6. The same table serves every LUT op. */
static void test_lut_ops(void **state)
{
    (void)state;
    static const enum dpu_node_op ops[6] = {DPU_NODE_LEAKY_RELU, DPU_NODE_SIGMOID,
                                            DPU_NODE_TANH,       DPU_NODE_HARD_SIGMOID,
                                            DPU_NODE_HARD_SWISH, DPU_NODE_GELU};
    static const int64_t dims[1] = {4};
    static const int8_t xv[4] = {-128, 0, 127, 5}, want[4] = {127, -1, -128, -6};
    int64_t lut[256];
    for (int i = 0; i < 256; i++)
        lut[i] = 127 - i;
    for (size_t k = 0; k < NELEM(ops); k++) {
        struct dpu_graph g;
        int n = build_unary(&g, ops[k], 1, dims, 0.1f, 0);
        tu_ints(&g, n, "lut", 256, lut);
        struct dpu_tensor x = tu_view(DPU_DT_INT8, 1, dims, xv);
        tu_run1_i8(&g, &x, 1, want, 4);
        dpu_graph_free(&g);
    }
}

/* A table of the wrong length, or with a value outside int8, is refused. */
static void test_lut_checks(void **state)
{
    (void)state;
    static const int64_t dims[1] = {1};
    static const int8_t xv[1] = {0};
    int64_t lut[256] = {0};
    struct dpu_graph g;
    int n = build_unary(&g, DPU_NODE_SIGMOID, 1, dims, 0.1f, 0);
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 1, dims, xv);
    tu_ints(&g, n, "lut", 255, lut);
    tu_run_fails(&g, &x, 1, DPU_E_INVALID, "node 'f' (Sigmoid)", "255 values", NULL);
    lut[7] = 200;
    tu_ints(&g, n, "lut", 256, lut);
    tu_run_fails(&g, &x, 1, DPU_E_RANGE, "lut[7] = 200", NULL);
    dpu_graph_free(&g);
}

/* exp_table T[k] = 2^(23 - k) (for k <= 23, else 0): exp(-k s_in) with s_in = ln 2. */
static void softmax_table(int64_t *t)
{
    for (int k = 0; k < 256; k++)
        t[k] = k <= 23 ? (INT64_C(1) << (23 - k)) : 0;
}

static int build_softmax(struct dpu_graph *g, int rank, const int64_t *dims, int64_t axis)
{
    int64_t t[256];
    softmax_table(t);
    int n = build_unary(g, DPU_NODE_SOFTMAX, rank, dims, 1.0f / 256, -128);
    tu_ints(g, n, "exp_table", 256, t);
    if (axis != -1)
        tu_int(g, n, "axis", axis);
    return n;
}

/* Rows along the last axis (in units of 2^20: e = 8, 4, 2, 1 for x = m, m-1, m-2, m-3):
 *   [3, 2, 1, 0]: S = 15; 256 e / S = 136.53 -> 137, 68.27 -> 68, 34.13 -> 34, 17.07 -> 17;
 *                 minus 128: [9, -60, -94, -111]
 *   [0, 0, 0, 0]: 256 / 4 = 64 -> -64 each */
static void test_softmax_rows(void **state)
{
    (void)state;
    static const int64_t dims[2] = {2, 4};
    static const int8_t xv[8] = {3, 2, 1, 0, 0, 0, 0, 0};
    struct dpu_graph g;
    build_softmax(&g, 2, dims, -1);
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 2, dims, xv);
    static const int8_t want[8] = {9, -60, -94, -111, -64, -64, -64, -64};
    tu_run1_i8(&g, &x, 1, want, 8);
    dpu_graph_free(&g);
}

/* Along axis 0 of [[3, 0], [2, 0]]: column 0 is [3, 2] (e = 8, 4; S = 12):
 * 170.67 -> 171 -> 43 and 85.33 -> 85 -> -43; column 1 [0, 0]: 128 -> 0 each.
 * A single-element row is probability 1: 256 -> 128, saturated to 127. */
static void test_softmax_axis0_and_saturation(void **state)
{
    (void)state;
    static const int64_t dims[2] = {2, 2}, one[2] = {1, 1};
    static const int8_t xv[4] = {3, 0, 2, 0}, xone[1] = {-100};
    struct dpu_graph g;
    build_softmax(&g, 2, dims, 0);
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 2, dims, xv);
    static const int8_t want[4] = {43, 0, -43, 0};
    tu_run1_i8(&g, &x, 1, want, 4);
    dpu_graph_free(&g);

    build_softmax(&g, 2, one, -1);
    x = tu_view(DPU_DT_INT8, 2, one, xone);
    static const int8_t want_one[1] = {127};
    tu_run1_i8(&g, &x, 1, want_one, 1);
    dpu_graph_free(&g);
}

/* 512 equal values: 256 / 512 = 0.5 exactly, rounded toward +infinity to 1 -> -127 (ties to
 * even would give 0 -> -128). */
static void test_softmax_tie(void **state)
{
    (void)state;
    static const int64_t dims[2] = {1, 512};
    static int8_t xv[512], want[512];
    for (int i = 0; i < 512; i++) {
        xv[i] = 7;
        want[i] = -127;
    }
    struct dpu_graph g;
    build_softmax(&g, 2, dims, -1);
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 2, dims, xv);
    tu_run1_i8(&g, &x, 1, want, 512);
    dpu_graph_free(&g);
}

/* The output must be quantized with scale 1/256 and zero point -128. */
static void test_softmax_output_quant(void **state)
{
    (void)state;
    static const int64_t dims[1] = {2};
    static const int8_t xv[2] = {0, 0};
    int64_t t[256];
    softmax_table(t);
    struct dpu_graph g;
    int n = build_unary(&g, DPU_NODE_SOFTMAX, 1, dims, 1.0f / 256, 0);
    tu_ints(&g, n, "exp_table", 256, t);
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 1, dims, xv);
    tu_run_fails(&g, &x, 1, DPU_E_UNSUPPORTED, "node 'f' (Softmax)", "zero point -128", NULL);
    dpu_graph_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lut_ops),      cmocka_unit_test(test_lut_checks),
        cmocka_unit_test(test_softmax_rows), cmocka_unit_test(test_softmax_axis0_and_saturation),
        cmocka_unit_test(test_softmax_tie),  cmocka_unit_test(test_softmax_output_quant),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
