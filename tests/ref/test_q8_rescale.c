/* int8 Relu, Relu6, Clip and Concat (rescale, then clamp) of the reference interpreter,
 * against values computed by hand. */
#include "ref_test_util.h"

static int build_unary(struct dpu_graph *g, enum dpu_node_op op, int64_t n, float sx, int32_t zx,
                       float sy, int32_t zy, const int64_t *clamp)
{
    const int64_t dims[1] = {n};
    dpu_graph_init(g);
    g->quantized = true;
    int x = tu_act8(g, "x", 1, dims, sx, zx);
    int y = tu_act8(g, "y", 1, dims, sy, zy);
    int node = tu_node(g, "act", op, 1, &x, y);
    if (clamp)
        tu_ints(g, node, "clamp", 2, clamp);
    tu_input(g, x);
    tu_output(g, y);
    return node;
}

/* Relu with s_x = 0.5, z_x = 10, s_y = 0.25, z_y = -5, clamp [-5, 127] (lo = z_y): ratio 2.
 *   x - z_x = [0, 1, -1, 70, -138] -> * 2 = [0, 2, -2, 140, -276] -> + z_y =
 *   [-5, -3, -7, 135, -281] -> clamp: [-5, -3, -5, 127, -5] */
static void test_relu_rescale(void **state)
{
    (void)state;
    static const int64_t clamp[2] = {-5, 127}, dims[1] = {5};
    static const int8_t xv[5] = {10, 11, 9, 80, -128};
    struct dpu_graph g;
    build_unary(&g, DPU_NODE_RELU, 5, 0.5f, 10, 0.25f, -5, clamp);
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 1, dims, xv);
    static const int8_t want[5] = {-5, -3, -5, 127, -5};
    tu_run1_i8(&g, &x, 1, want, 5);
    dpu_graph_free(&g);
}

/* Relu6 with ratio 0.5 (s_x = 0.5, s_y = 1), zero points 0, clamp [0, 6]:
 *   3 -> 1.5 -> 2; -3 -> -1.5 -> -1 -> 0; 13 -> 6.5 -> 7 -> 6; 5 -> 2.5 -> 3; 127 -> 63.5 -> 6 */
static void test_relu6_rounding(void **state)
{
    (void)state;
    static const int64_t clamp[2] = {0, 6}, dims[1] = {5};
    static const int8_t xv[5] = {3, -3, 13, 5, 127};
    struct dpu_graph g;
    build_unary(&g, DPU_NODE_RELU6, 5, 0.5f, 0, 1.0f, 0, clamp);
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 1, dims, xv);
    static const int8_t want[5] = {2, 0, 6, 3, 6};
    tu_run1_i8(&g, &x, 1, want, 5);
    dpu_graph_free(&g);
}

/* Clip with clamp [-10, 20] (the quantizer's Q(min), Q(max)), ratio 1, z_x = 0, z_y = 2:
 *   [-50, 0, 10, 30] + 2 = [-48, 2, 12, 32] -> [-10, 2, 12, 20] */
static void test_clip(void **state)
{
    (void)state;
    static const int64_t clamp[2] = {-10, 20}, dims[1] = {4};
    static const int8_t xv[4] = {-50, 0, 10, 30};
    struct dpu_graph g;
    build_unary(&g, DPU_NODE_CLIP, 4, 1.0f, 0, 1.0f, 2, clamp);
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 1, dims, xv);
    static const int8_t want[4] = {-10, 2, 12, 20};
    tu_run1_i8(&g, &x, 1, want, 4);
    dpu_graph_free(&g);
}

/* A quantized Clip needs its clamp; a clamp with lo > hi is refused too. */
static void test_clip_clamp_checks(void **state)
{
    (void)state;
    static const int64_t dims[1] = {1}, bad[2] = {10, 5};
    static const int8_t xv[1] = {0};
    struct dpu_graph g;
    int n = build_unary(&g, DPU_NODE_CLIP, 1, 1.0f, 0, 1.0f, 0, NULL);
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 1, dims, xv);
    tu_run_fails(&g, &x, 1, DPU_E_INVALID, "node 'act' (Clip)", "'clamp'", NULL);
    tu_ints(&g, n, "clamp", 2, bad);
    tu_run_fails(&g, &x, 1, DPU_E_RANGE, "node 'act' (Clip)", "[10, 5]", NULL);
    dpu_graph_free(&g);
}

/* Concat along axis -1 (= 1) of a [2, 2] (s = 1, z = 0) and b [2, 1] (s = 0.5, z = 2) into
 * y [2, 3] (s = 1, z = 1); each input rescaled by its own ratio:
 *   a: x * 1 + 1: [5, -3] -> [6, -2]; [127, 0] -> [128 -> 127, 1]
 *   b: (x - 2) * 0.5 + 1: 7 -> 2.5 -> 3 -> 4; -128 -> -65 -> -64 */
static void test_concat_different_scales(void **state)
{
    (void)state;
    static const int64_t ad[2] = {2, 2}, bd[2] = {2, 1}, yd[2] = {2, 3};
    static const int8_t av[4] = {5, -3, 127, 0}, bv[2] = {7, -128};
    struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    int a = tu_act8(&g, "a", 2, ad, 1.0f, 0);
    int b = tu_act8(&g, "b", 2, bd, 0.5f, 2);
    int y = tu_act8(&g, "y", 2, yd, 1.0f, 1);
    int32_t in[2] = {a, b};
    int n = tu_node(&g, "cat", DPU_NODE_CONCAT, 2, in, y);
    tu_int(&g, n, "axis", -1);
    tu_input(&g, a);
    tu_input(&g, b);
    tu_output(&g, y);
    struct dpu_tensor xs[2] = {tu_view(DPU_DT_INT8, 2, ad, av), tu_view(DPU_DT_INT8, 2, bd, bv)};
    static const int8_t want[6] = {6, -2, 4, 127, 1, -64};
    tu_run1_i8(&g, xs, 2, want, 6);
    dpu_graph_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_relu_rescale),
        cmocka_unit_test(test_relu6_rounding),
        cmocka_unit_test(test_clip),
        cmocka_unit_test(test_clip_clamp_checks),
        cmocka_unit_test(test_concat_different_scales),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
