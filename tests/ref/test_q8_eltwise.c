/* int8 Add and Mul (with numpy broadcasting) of the reference interpreter, against values
 * computed by hand. */
#include "ref_test_util.h"

struct side {
    int rank;
    int64_t dims[3];
    float scale;
    int32_t zp;
};

static int build(struct dpu_graph *g, enum dpu_node_op op, const struct side *a,
                 const struct side *b, const struct side *y)
{
    dpu_graph_init(g);
    g->quantized = true;
    int ta = tu_act8(g, "a", a->rank, a->dims, a->scale, a->zp);
    int tb = tu_act8(g, "b", b->rank, b->dims, b->scale, b->zp);
    int ty = tu_act8(g, "y", y->rank, y->dims, y->scale, y->zp);
    int32_t in[2] = {ta, tb};
    int n = tu_node(g, "op", op, 2, in, ty);
    tu_input(g, ta);
    tu_input(g, tb);
    tu_output(g, ty);
    return n;
}

/* Add with s_a = 0.5 (z_a = 2), s_b = 0.75 (z_b = -4), s_y = 1 (z_y = 5): M_a = 2^30,
 * M_b = 3 * 2^29, s = 31 (docs/arithmetic.md's worked case). a [2, 2] + b [2] (b broadcast
 * over rows):
 *   (10, -20): 8 * 0.5 - 16 * 0.75 = -8 -> -3      (4, 0): 1 + 3 = 4 -> 9
 *   (2, -20):  0 - 12 = -12 -> -7                  (-128, 0): -65 + 3 = -62 -> -57 */
static void test_add_broadcast(void **state)
{
    (void)state;
    struct side a = {2, {2, 2}, 0.5f, 2}, b = {1, {2}, 0.75f, -4}, y = {2, {2, 2}, 1.0f, 5};
    static const int8_t av[4] = {10, 4, 2, -128}, bv[2] = {-20, 0};
    struct dpu_graph g;
    build(&g, DPU_NODE_ADD, &a, &b, &y);
    struct dpu_tensor in[2] = {tu_view(DPU_DT_INT8, 2, a.dims, av),
                               tu_view(DPU_DT_INT8, 1, b.dims, bv)};
    static const int8_t want[4] = {-3, 9, -7, -57};
    tu_run1_i8(&g, in, 2, want, 4);
    dpu_graph_free(&g);
}

/* Both sides broadcast: a [1, 2] = [3, 1] with b [2, 1] = [[-4], [-3]] gives [2, 2]; scales as
 * above, so a contributes (a - 2) * 0.5 and b (b + 4) * 0.75; one rounding of the sum:
 *   (3, -4): 0.5 -> 1 -> 6        (1, -4): -0.5 -> 0 -> 5      (ties toward +infinity)
 *   (3, -3): 0.5 + 0.75 = 1.25 -> 1 -> 6 (rounding each term first would give 2)
 *   (1, -3): -0.5 + 0.75 = 0.25 -> 0 -> 5 */
static void test_add_ties_two_sided_broadcast(void **state)
{
    (void)state;
    struct side a = {2, {1, 2}, 0.5f, 2}, b = {2, {2, 1}, 0.75f, -4}, y = {2, {2, 2}, 1.0f, 5};
    static const int8_t av[2] = {3, 1}, bv[2] = {-4, -3};
    struct dpu_graph g;
    build(&g, DPU_NODE_ADD, &a, &b, &y);
    struct dpu_tensor in[2] = {tu_view(DPU_DT_INT8, 2, a.dims, av),
                               tu_view(DPU_DT_INT8, 2, b.dims, bv)};
    static const int8_t want[4] = {6, 5, 6, 5};
    tu_run1_i8(&g, in, 2, want, 4);
    dpu_graph_free(&g);
}

/* Shapes that do not broadcast are refused. */
static void test_add_no_broadcast(void **state)
{
    (void)state;
    struct side a = {1, {3}, 1.0f, 0}, b = {1, {2}, 1.0f, 0}, y = {1, {3}, 1.0f, 0};
    static const int8_t av[3] = {0}, bv[2] = {0};
    struct dpu_graph g;
    build(&g, DPU_NODE_ADD, &a, &b, &y);
    struct dpu_tensor in[2] = {tu_view(DPU_DT_INT8, 1, a.dims, av),
                               tu_view(DPU_DT_INT8, 1, b.dims, bv)};
    tu_run_fails(&g, in, 2, DPU_E_MISMATCH, "node 'op' (Add)", "do not broadcast", NULL);
    dpu_graph_free(&g);
}

/* Mul with ratio 1 * 0.75 / 1 = 0.75, z_a = 1, z_b = 5, z_y = -3; b [1] = [6] broadcast, so
 * b - z_b = 1 and y = rq((a - 1) * 0.75) - 3:
 *   a = 7: 4.5 -> 5 -> 2     a = 4: 2.25 -> 2 -> -1     a = 127: 94.5 -> 95 -> 92
 *   a = -1: -1.5 -> -1 -> -4 (tie toward +infinity)
 * With clamp [0, 50]: 2, 0, 50, 0. */
static void test_mul_broadcast_and_clamp(void **state)
{
    (void)state;
    struct side a = {1, {4}, 1.0f, 1}, b = {1, {1}, 0.75f, 5}, y = {1, {4}, 1.0f, -3};
    static const int8_t av[4] = {7, 4, 127, -1}, bv[1] = {6};
    struct dpu_graph g;
    int n = build(&g, DPU_NODE_MUL, &a, &b, &y);
    struct dpu_tensor in[2] = {tu_view(DPU_DT_INT8, 1, a.dims, av),
                               tu_view(DPU_DT_INT8, 1, b.dims, bv)};
    static const int8_t want[4] = {2, -1, 92, -4};
    tu_run1_i8(&g, in, 2, want, 4);
    static const int64_t clamp[2] = {0, 50};
    tu_ints(&g, n, "clamp", 2, clamp);
    static const int8_t want_clamped[4] = {2, 0, 50, 0};
    tu_run1_i8(&g, in, 2, want_clamped, 4);
    dpu_graph_free(&g);
}

/* Mul saturates: (127 - 0) * (127 - 0) * 1 = 16129 -> 127, 127 * -128 -> -128. */
static void test_mul_saturates(void **state)
{
    (void)state;
    struct side a = {1, {2}, 1.0f, 0}, b = {1, {2}, 1.0f, 0}, y = {1, {2}, 1.0f, 0};
    static const int8_t av[2] = {127, 127}, bv[2] = {127, -128};
    struct dpu_graph g;
    build(&g, DPU_NODE_MUL, &a, &b, &y);
    struct dpu_tensor in[2] = {tu_view(DPU_DT_INT8, 1, a.dims, av),
                               tu_view(DPU_DT_INT8, 1, b.dims, bv)};
    static const int8_t want[2] = {127, -128};
    tu_run1_i8(&g, in, 2, want, 2);
    dpu_graph_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_broadcast),
        cmocka_unit_test(test_add_ties_two_sided_broadcast),
        cmocka_unit_test(test_add_no_broadcast),
        cmocka_unit_test(test_mul_broadcast_and_clamp),
        cmocka_unit_test(test_mul_saturates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
