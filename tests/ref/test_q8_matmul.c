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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matmul_zero_points),
        cmocka_unit_test(test_matmul_batched_broadcast),
        cmocka_unit_test(test_matmul_inner_mismatch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
