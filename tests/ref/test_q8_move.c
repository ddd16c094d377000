/* int8 data movement (Reshape, Flatten, Transpose, Resize, Pad) and the graph boundary
 * (Quantize, Dequantize) of the reference interpreter, against values computed by hand. */
#include "ref_test_util.h"

/* x -> op -> y, both int8 with scale 0.5 and zero point 3 unless the caller changes y. */
static int build(struct dpu_graph *g, enum dpu_node_op op, int rx, const int64_t *xd, int ry,
                 const int64_t *yd)
{
    dpu_graph_init(g);
    g->quantized = true;
    int x = tu_act8(g, "x", rx, xd, 0.5f, 3);
    int y = tu_act8(g, "y", ry, yd, 0.5f, 3);
    int n = tu_node(g, "mv", op, 1, &x, y);
    tu_input(g, x);
    tu_output(g, y);
    return n;
}

static void run(struct dpu_graph *g, int rx, const int64_t *xd, const int8_t *xv,
                const int8_t *want, size_t n)
{
    struct dpu_tensor x = tu_view(DPU_DT_INT8, rx, xd, xv);
    tu_run1_i8(g, &x, 1, want, n);
    dpu_graph_free(g);
}

static const int8_t x6[6] = {1, 2, 3, 4, 5, 6};

static void test_reshape_flatten(void **state)
{
    (void)state;
    static const int64_t xd[2] = {2, 3}, yd[2] = {3, 2}, fd[3] = {1, 2, 3}, fy[2] = {2, 3};
    struct dpu_graph g;
    build(&g, DPU_NODE_RESHAPE, 2, xd, 2, yd);
    run(&g, 2, xd, x6, x6, 6);
    /* Flatten [1, 2, 3] at axis 2: [1 * 2, 3]. */
    int n = build(&g, DPU_NODE_FLATTEN, 3, fd, 2, fy);
    tu_int(&g, n, "axis", 2);
    run(&g, 3, fd, x6, x6, 6);
}

/* Reshape/Flatten/... move bytes: an output with another scale is refused. */
static void test_move_needs_same_quant(void **state)
{
    (void)state;
    static const int64_t xd[2] = {2, 3}, yd[2] = {3, 2};
    struct dpu_graph g;
    build(&g, DPU_NODE_RESHAPE, 2, xd, 2, yd);
    tu_quant(&g, 1, 0.25f, 3);
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 2, xd, x6);
    tu_run_fails(&g, &x, 1, DPU_E_MISMATCH, "node 'mv' (Reshape)", "cannot rescale", NULL);
    dpu_graph_free(&g);
}

/* Transpose [2, 3] with perm [1, 0]: [[1, 2, 3], [4, 5, 6]] -> [[1, 4], [2, 5], [3, 6]]. */
static void test_transpose(void **state)
{
    (void)state;
    static const int64_t xd[2] = {2, 3}, yd[2] = {3, 2}, perm[2] = {1, 0};
    static const int8_t want[6] = {1, 4, 2, 5, 3, 6};
    struct dpu_graph g;
    int n = build(&g, DPU_NODE_TRANSPOSE, 2, xd, 2, yd);
    tu_ints(&g, n, "perm", 2, perm);
    run(&g, 2, xd, x6, want, 6);
}

/* Transpose of rank 3: x [2, 1, 3] (x[i, 0, k] = 3i + k + 1), perm [2, 0, 1] gives y [3, 2, 1]
 * with y[k, i, 0] = x[i, 0, k]: [1, 4, 2, 5, 3, 6]. */
static void test_transpose_rank3(void **state)
{
    (void)state;
    static const int64_t xd[3] = {2, 1, 3}, yd[3] = {3, 2, 1}, perm[3] = {2, 0, 1};
    static const int8_t want[6] = {1, 4, 2, 5, 3, 6};
    struct dpu_graph g;
    int n = build(&g, DPU_NODE_TRANSPOSE, 3, xd, 3, yd);
    tu_ints(&g, n, "perm", 3, perm);
    run(&g, 3, xd, x6, want, 6);
}

/* Resize nearest by [1, 1, 2, 3] of a 2x2: out[i, j] = in[i / 2, j / 3]. */
static void test_resize(void **state)
{
    (void)state;
    static const int64_t xd[4] = {1, 1, 2, 2}, yd[4] = {1, 1, 4, 6}, sc[4] = {1, 1, 2, 3};
    static const int8_t xv[4] = {1, 2, 3, 4};
    static const int8_t want[24] = {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2,
                                    3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4};
    struct dpu_graph g;
    int n = build(&g, DPU_NODE_RESIZE, 4, xd, 4, yd);
    tu_ints(&g, n, "scales", 4, sc);
    run(&g, 4, xd, xv, want, 24);
}

/* Pad [2, 2] with pads [1, 0, 0, 1] (begins [1, 0], ends [0, 1]) and qvalue -7:
 *   [[-7, -7, -7], [1, 2, -7], [3, 4, -7]] */
static void test_pad(void **state)
{
    (void)state;
    static const int64_t xd[2] = {2, 2}, yd[2] = {3, 3}, pads[4] = {1, 0, 0, 1};
    static const int8_t xv[4] = {1, 2, 3, 4};
    static const int8_t want[9] = {-7, -7, -7, 1, 2, -7, 3, 4, -7};
    struct dpu_graph g;
    int n = build(&g, DPU_NODE_PAD, 2, xd, 2, yd);
    tu_ints(&g, n, "pads", 4, pads);
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 2, xd, xv);
    tu_run_fails(&g, &x, 1, DPU_E_INVALID, "'qvalue'", NULL); /* required when quantized */
    tu_int(&g, n, "qvalue", -7);
    run(&g, 2, xd, xv, want, 9);
}

/* Quantize with s = 1, z = 3 (ties to even, as ONNX QuantizeLinear):
 *   0.5 -> 0 + 3 = 3; 1.5 -> 2 + 3 = 5; -2.5 -> -2 + 3 = 1; 1000 -> 127.
 * Dequantize with s = 0.5, z = 3: 5 -> 1.0, -128 -> -65.5. */
static void test_quantize_dequantize(void **state)
{
    (void)state;
    static const int64_t d4[1] = {4}, d2[1] = {2};
    static const float xf[4] = {0.5f, 1.5f, -2.5f, 1000.0f};
    static const int8_t wantq[4] = {3, 5, 1, 127}, xq[2] = {5, -128};
    static const float wantf[2] = {1.0f, -65.5f};
    struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    int x = tu_tensor(&g, "x", DPU_DT_FLOAT32, 1, d4, NULL);
    int y = tu_act8(&g, "y", 1, d4, 1.0f, 3);
    tu_node(&g, "q", DPU_NODE_QUANTIZE, 1, &x, y);
    tu_input(&g, x);
    tu_output(&g, y);
    struct dpu_tensor xt = tu_view(DPU_DT_FLOAT32, 1, d4, xf);
    tu_run1_i8(&g, &xt, 1, wantq, 4);
    dpu_graph_free(&g);

    dpu_graph_init(&g);
    g.quantized = true;
    x = tu_act8(&g, "x", 1, d2, 0.5f, 3);
    y = tu_tensor(&g, "y", DPU_DT_FLOAT32, 1, d2, NULL);
    tu_node(&g, "dq", DPU_NODE_DEQUANTIZE, 1, &x, y);
    tu_input(&g, x);
    tu_output(&g, y);
    xt = tu_view(DPU_DT_INT8, 1, d2, xq);
    tu_run1_f32(&g, &xt, 1, wantf, 2);
    dpu_graph_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reshape_flatten),
        cmocka_unit_test(test_move_needs_same_quant),
        cmocka_unit_test(test_transpose),
        cmocka_unit_test(test_transpose_rank3),
        cmocka_unit_test(test_resize),
        cmocka_unit_test(test_pad),
        cmocka_unit_test(test_quantize_dequantize),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
