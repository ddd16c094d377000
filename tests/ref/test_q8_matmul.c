/* int8 MatMul of the reference interpreter, against values computed by hand. */
#include "ref_test_util.h"

static void build(struct dpu_graph *g, int ra, const int64_t *ad, float sa, int32_t za, int rb,
                  const int64_t *bd, float sb, int32_t zb, int ry, const int64_t *yd, float sy,
                  int32_t zy)
{
    dpu_graph_init(g);
    g->quantized = true;
    int a = tu_act8(g, "a", ra, ad, sa, za);
    int b = tu_act8(g, "b", rb, bd, sb, zb);
    int y = tu_act8(g, "y", ry, yd, sy, zy);
    int32_t in[2] = {a, b};
    tu_node(g, "mm", DPU_NODE_MATMUL, 2, in, y);
    tu_input(g, a);
    tu_input(g, b);
    tu_output(g, y);
}

/* a [2, 3], z_a = 1; b [3, 2], z_b = -1; ratio 0.5 * 0.5 / 0.25 = 1, z_y = 0.
 *   a - z_a = [[1, 2, 3], [-1, 0, -2]], b - z_b = [[1, 2], [2, 3], [-1, 1]]
 *   row 0: [1 + 4 - 3, 2 + 6 + 3] = [2, 11]; row 1: [-1 + 0 + 2, -2 + 0 - 2] = [1, -4] */
static void test_matmul_zero_points(void **state)
{
    (void)state;
    static const int64_t ad[2] = {2, 3}, bd[2] = {3, 2}, yd[2] = {2, 2};
    static const int8_t av[6] = {2, 3, 4, 0, 1, -1}, bv[6] = {0, 1, 1, 2, -2, 0};
    struct dpu_graph g;
    build(&g, 2, ad, 0.5f, 1, 2, bd, 0.5f, -1, 2, yd, 0.25f, 0);
    struct dpu_tensor in[2] = {tu_view(DPU_DT_INT8, 2, ad, av), tu_view(DPU_DT_INT8, 2, bd, bv)};
    static const int8_t want[4] = {2, 11, 1, -4};
    tu_run1_i8(&g, in, 2, want, 4);
    dpu_graph_free(&g);
}

/* Batched a [2, 1, 2] times a 2-D b [2, 2] broadcast over the batch; ratio 1 * 0.5 / 1 = 0.5.
 *   b = [[1, 0], [2, 1]]
 *   batch 0: [1, 2] b = [5, 2] -> [2.5 -> 3, 1]
 *   batch 1: [3, -1] b = [1, -1] -> [0.5 -> 1, -0.5 -> 0] (ties toward +infinity) */
static void test_matmul_batched_broadcast(void **state)
{
    (void)state;
    static const int64_t ad[3] = {2, 1, 2}, bd[2] = {2, 2}, yd[3] = {2, 1, 2};
    static const int8_t av[4] = {1, 2, 3, -1}, bv[4] = {1, 0, 2, 1};
    struct dpu_graph g;
    build(&g, 3, ad, 1.0f, 0, 2, bd, 0.5f, 0, 3, yd, 1.0f, 0);
    struct dpu_tensor in[2] = {tu_view(DPU_DT_INT8, 3, ad, av), tu_view(DPU_DT_INT8, 2, bd, bv)};
    static const int8_t want[4] = {3, 1, 1, 0};
    tu_run1_i8(&g, in, 2, want, 4);
    dpu_graph_free(&g);
}

/* Inner dimensions that differ are refused with the node named. */
static void test_matmul_inner_mismatch(void **state)
{
    (void)state;
    static const int64_t ad[2] = {2, 3}, bd[2] = {2, 2}, yd[2] = {2, 2};
    static const int8_t av[6] = {0}, bv[4] = {0};
    struct dpu_graph g;
    build(&g, 2, ad, 1.0f, 0, 2, bd, 1.0f, 0, 2, yd, 1.0f, 0);
    struct dpu_tensor in[2] = {tu_view(DPU_DT_INT8, 2, ad, av), tu_view(DPU_DT_INT8, 2, bd, bv)};
    tu_run_fails(&g, in, 2, DPU_E_MISMATCH, "node 'mm' (MatMul)", "inner dimensions", NULL);
    dpu_graph_free(&g);
}

/* MatMulInteger, a [4, 3] (uint8 with zero point 12, shifted to int8: a - 128, z_a = -116)
 * times b [3, 2] (uint8 with zero point 0: b - 128, z_b = -128), int32 output: the raw
 * accumulator. a - z_a = [[-1,-5,-9], [-2,-6,-10], [-3,-7,-11], [-4,-8,-12]] (the uint8 values
 * 11 7 3 / 10 6 2 / 9 5 1 / 8 4 0 minus 12), b - z_b = [[1,4],[2,5],[3,6]]:
 *   row 0: [-1 - 10 - 27, -4 - 25 - 54] = [-38, -83]
 *   row 1: [-2 - 12 - 30, -8 - 30 - 60] = [-44, -98]
 *   row 2: [-3 - 14 - 33, -12 - 35 - 66] = [-50, -113]
 *   row 3: [-4 - 16 - 36, -16 - 40 - 72] = [-56, -128]
 * (-128 is not saturated: nothing is clamped.) */
static void test_matmul_integer_raw(void **state)
{
    (void)state;
    static const int64_t ad[2] = {4, 3}, bd[2] = {3, 2}, yd[2] = {4, 2};
    static const uint8_t au[12] = {11, 7, 3, 10, 6, 2, 9, 5, 1, 8, 4, 0};
    static const uint8_t bu[6] = {1, 4, 2, 5, 3, 6};
    int8_t av[12], bv[6];
    for (int i = 0; i < 12; i++)
        av[i] = (int8_t)(au[i] - 128);
    for (int i = 0; i < 6; i++)
        bv[i] = (int8_t)(bu[i] - 128);
    struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    int a = tu_act8(&g, "a", 2, ad, 1.0f, 12 - 128);
    int b = tu_act8(&g, "b", 2, bd, 1.0f, -128);
    int y = tu_tensor(&g, "y", DPU_DT_INT32, 2, yd, NULL);
    int32_t in[2] = {a, b};
    tu_node(&g, "mm", DPU_NODE_MATMUL, 2, in, y);
    tu_input(&g, a);
    tu_input(&g, b);
    tu_output(&g, y);
    struct dpu_tensor inv[2] = {tu_view(DPU_DT_INT8, 2, ad, av), tu_view(DPU_DT_INT8, 2, bd, bv)};
    struct dpu_tensor out;
    tu_run(&g, inv, 2, &out);
    static const int32_t want[8] = {-38, -83, -44, -98, -50, -113, -56, -128};
    tu_expect_i32(&out, want, 8);
    dpu_tensor_free(&out);

    /* The interpreter alone refuses a clamp on the raw accumulator. */
    static const int64_t clamp[2] = {-128, 127};
    tu_ints(&g, 0, "clamp", 2, clamp);
    tu_run_fails(&g, inv, 2, DPU_E_INVALID, "node 'mm' (MatMul)", "never clamped", NULL);
    dpu_graph_free(&g);
}

/* Batched raw: a [2, 1, 2] (z_a = 0) times b [2, 2] (z_b = 1) broadcast, int32 out [2, 1, 2].
 *   b - z_b = [[0, -1], [1, 0]]; batch 0: [100, 50] -> [50, -100]; batch 1: [-128, 127] ->
 *   [127, 128]. */
static void test_matmul_integer_batched(void **state)
{
    (void)state;
    static const int64_t ad[3] = {2, 1, 2}, bd[2] = {2, 2}, yd[3] = {2, 1, 2};
    static const int8_t av[4] = {100, 50, -128, 127}, bv[4] = {1, 0, 2, 1};
    struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    int a = tu_act8(&g, "a", 3, ad, 1.0f, 0);
    int b = tu_act8(&g, "b", 2, bd, 1.0f, 1);
    int y = tu_tensor(&g, "y", DPU_DT_INT32, 3, yd, NULL);
    int32_t in[2] = {a, b};
    tu_node(&g, "mm", DPU_NODE_MATMUL, 2, in, y);
    tu_input(&g, a);
    tu_input(&g, b);
    tu_output(&g, y);
    struct dpu_tensor inv[2] = {tu_view(DPU_DT_INT8, 3, ad, av), tu_view(DPU_DT_INT8, 2, bd, bv)};
    struct dpu_tensor out;
    tu_run(&g, inv, 2, &out);
    static const int32_t want[4] = {50, -100, 127, 128};
    tu_expect_i32(&out, want, 4);
    dpu_tensor_free(&out);
    dpu_graph_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matmul_zero_points),
        cmocka_unit_test(test_matmul_batched_broadcast),
        cmocka_unit_test(test_matmul_inner_mismatch),
        cmocka_unit_test(test_matmul_integer_raw),
        cmocka_unit_test(test_matmul_integer_batched),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
