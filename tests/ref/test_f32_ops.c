/* float32 kernels of the reference interpreter on small cases computed by hand. */
#include <math.h>

#include "ref_test_util.h"

/* A float graph with inputs x0..x(n-1) (graph inputs), constants for the others, one node. */
static int one_node(struct dpu_graph *g, enum dpu_node_op op, size_t nin, const int *ranks,
                    const int64_t (*dims)[4], const float *const *consts, int ry, const int64_t *yd)
{
    int32_t in[8];
    dpu_graph_init(g);
    for (size_t i = 0; i < nin; i++) {
        char name[8] = {'x', (char)('0' + i), 0};
        in[i] = tu_tensor(g, name, DPU_DT_FLOAT32, ranks[i], dims[i], consts ? consts[i] : NULL);
        if (!consts || !consts[i])
            tu_input(g, in[i]);
    }
    int y = tu_tensor(g, "y", DPU_DT_FLOAT32, ry, yd, NULL);
    int n = tu_node(g, "f", op, nin, in, y);
    tu_output(g, y);
    return n;
}

/* Conv2D 2x2 kernel [[1, 0], [0, 1]] on 1..9 (3x3), bias 0.5:
 *   1 + 5 + 0.5 = 6.5, 2 + 6 + 0.5 = 8.5, 4 + 8 + 0.5 = 12.5, 5 + 9 + 0.5 = 14.5 */
static void test_conv(void **state)
{
    (void)state;
    static const int ranks[3] = {4, 4, 1};
    static const int64_t dims[3][4] = {{1, 1, 3, 3}, {1, 1, 2, 2}, {1}};
    static const int64_t yd[4] = {1, 1, 2, 2};
    static const float xv[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, w[4] = {1, 0, 0, 1}, b[1] = {0.5f};
    const float *consts[3] = {NULL, w, b};
    struct dpu_graph g;
    one_node(&g, DPU_NODE_CONV2D, 3, ranks, dims, consts, 4, yd);
    struct dpu_tensor x = tu_view(DPU_DT_FLOAT32, 4, dims[0], xv);
    static const float want[4] = {6.5f, 8.5f, 12.5f, 14.5f};
    tu_run1_f32(&g, &x, 1, want, 4);
    dpu_graph_free(&g);
}

/* Depthwise 1x1 with group 2: channel 0 [1, 2] * 2, channel 1 [3, 4] * -1; pads [0, 1, 0, 0]
 * add a zero column on the left: [0, 2, 4, -0, -3, -4]. */
static void test_conv_depthwise_pad(void **state)
{
    (void)state;
    static const int ranks[2] = {4, 4};
    static const int64_t dims[2][4] = {{1, 2, 1, 2}, {2, 1, 1, 1}};
    static const int64_t yd[4] = {1, 2, 1, 3}, pads[4] = {0, 1, 0, 0};
    static const float xv[4] = {1, 2, 3, 4}, w[2] = {2, -1};
    const float *consts[2] = {NULL, w};
    struct dpu_graph g;
    int n = one_node(&g, DPU_NODE_CONV2D, 2, ranks, dims, consts, 4, yd);
    tu_int(&g, n, "group", 2);
    tu_ints(&g, n, "pads", 4, pads);
    struct dpu_tensor x = tu_view(DPU_DT_FLOAT32, 4, dims[0], xv);
    static const float want[6] = {0, 2, 4, 0, -3, -4};
    tu_run1_f32(&g, &x, 1, want, 6);
    dpu_graph_free(&g);
}

/* Gemm: A [[1, 2, 3], [4, 5, 6]], B [[1, 0, 1], [0, 1, 0]] with transB (B' = B^T),
 * alpha 2, beta 0.5, C [1, -2] broadcast over rows:
 *   A B' = [[4, 2], [10, 5]] -> * 2 = [[8, 4], [20, 10]] -> + [0.5, -1] */
static void test_gemm(void **state)
{
    (void)state;
    static const int ranks[3] = {2, 2, 1};
    static const int64_t dims[3][4] = {{2, 3}, {2, 3}, {2}};
    static const int64_t yd[2] = {2, 2};
    static const float av[6] = {1, 2, 3, 4, 5, 6}, bv[6] = {1, 0, 1, 0, 1, 0}, cv[2] = {1, -2};
    const float *consts[3] = {NULL, bv, cv};
    struct dpu_graph g;
    int n = one_node(&g, DPU_NODE_GEMM, 3, ranks, dims, consts, 2, yd);
    tu_int(&g, n, "transB", 1);
    tu_float(&g, n, "alpha", 2.0);
    tu_float(&g, n, "beta", 0.5);
    struct dpu_tensor x = tu_view(DPU_DT_FLOAT32, 2, dims[0], av);
    static const float want[4] = {8.5f, 3, 20.5f, 9};
    tu_run1_f32(&g, &x, 1, want, 4);
    dpu_graph_free(&g);
}

/* FullyConnected [1, 2] x w [[1, 1], [2, -1]] + [0.5, 0] = [3.5, 0]. */
static void test_fully_connected(void **state)
{
    (void)state;
    static const int ranks[3] = {2, 2, 1};
    static const int64_t dims[3][4] = {{1, 2}, {2, 2}, {2}};
    static const int64_t yd[2] = {1, 2};
    static const float xv[2] = {1, 2}, w[4] = {1, 1, 2, -1}, b[2] = {0.5f, 0};
    const float *consts[3] = {NULL, w, b};
    struct dpu_graph g;
    one_node(&g, DPU_NODE_FULLY_CONNECTED, 3, ranks, dims, consts, 2, yd);
    struct dpu_tensor x = tu_view(DPU_DT_FLOAT32, 2, dims[0], xv);
    static const float want[2] = {3.5f, 0};
    tu_run1_f32(&g, &x, 1, want, 2);
    dpu_graph_free(&g);
}

/* MatMul a [2, 1, 2] x b [2, 1]: [1, 2] . [1, 10] = 21, [3, 4] . [1, 10] = 43. */
static void test_matmul(void **state)
{
    (void)state;
    static const int ranks[2] = {3, 2};
    static const int64_t dims[2][4] = {{2, 1, 2}, {2, 1}};
    static const int64_t yd[3] = {2, 1, 1};
    static const float av[4] = {1, 2, 3, 4}, bv[2] = {1, 10};
    struct dpu_graph g;
    one_node(&g, DPU_NODE_MATMUL, 2, ranks, dims, NULL, 3, yd);
    struct dpu_tensor in[2] = {tu_view(DPU_DT_FLOAT32, 3, dims[0], av),
                               tu_view(DPU_DT_FLOAT32, 2, dims[1], bv)};
    static const float want[2] = {21, 43};
    tu_run1_f32(&g, in, 2, want, 2);
    dpu_graph_free(&g);
}

/* Add [[1, 2], [3, 4]] + [10, 20] = [11, 22, 13, 24]; Mul [[1], [2]] * [[3, 4]] = [3, 4, 6, 8]. */
static void test_add_mul(void **state)
{
    (void)state;
    static const int ranks[2] = {2, 1}, ranks2[2] = {2, 2};
    static const int64_t dims[2][4] = {{2, 2}, {2}}, dims2[2][4] = {{2, 1}, {1, 2}};
    static const int64_t yd[2] = {2, 2};
    static const float av[4] = {1, 2, 3, 4}, bv[2] = {10, 20}, cv[2] = {1, 2}, dv[2] = {3, 4};
    struct dpu_graph g;
    one_node(&g, DPU_NODE_ADD, 2, ranks, dims, NULL, 2, yd);
    struct dpu_tensor in[2] = {tu_view(DPU_DT_FLOAT32, 2, dims[0], av),
                               tu_view(DPU_DT_FLOAT32, 1, dims[1], bv)};
    static const float want[4] = {11, 22, 13, 24};
    tu_run1_f32(&g, in, 2, want, 4);
    dpu_graph_free(&g);

    one_node(&g, DPU_NODE_MUL, 2, ranks2, dims2, NULL, 2, yd);
    in[0] = tu_view(DPU_DT_FLOAT32, 2, dims2[0], cv);
    in[1] = tu_view(DPU_DT_FLOAT32, 2, dims2[1], dv);
    static const float want2[4] = {3, 4, 6, 8};
    tu_run1_f32(&g, in, 2, want2, 4);
    dpu_graph_free(&g);
}

/* BatchNorm with epsilon 1: channel 0 (x - 1) / sqrt(3 + 1) * 2 + 0 = x - 1 on [1, 2] -> [0, 1];
 * channel 1 (x - 3) / 2 * 1 + 1 on [3, 4] -> [1, 1.5]. */
static void test_batch_norm(void **state)
{
    (void)state;
    static const int ranks[5] = {4, 1, 1, 1, 1};
    static const int64_t dims[5][4] = {{1, 2, 1, 2}, {2}, {2}, {2}, {2}};
    static const float xv[4] = {1, 2, 3, 4}, sc[2] = {2, 1}, bi[2] = {0, 1}, mean[2] = {1, 3},
                       var[2] = {3, 3};
    const float *consts[5] = {NULL, sc, bi, mean, var};
    struct dpu_graph g;
    int n = one_node(&g, DPU_NODE_BATCH_NORM, 5, ranks, dims, consts, 4, dims[0]);
    tu_float(&g, n, "epsilon", 1.0);
    struct dpu_tensor x = tu_view(DPU_DT_FLOAT32, 4, dims[0], xv);
    static const float want[4] = {0, 1, 1, 1.5f};
    tu_run1_f32(&g, &x, 1, want, 4);
    dpu_graph_free(&g);
}

/* AvgPool 3x3 pads 1 over 1..9: excluding padding the counts are 4/6/9
 *   [12/4, 21/6, 16/4, 27/6, 45/9, 33/6, 24/4, 39/6, 28/4]; including it every count is 9.
 * MaxPool 2x2 stride 1 over the same: [5, 6, 8, 9]. */
static void test_pools(void **state)
{
    (void)state;
    static const int ranks[1] = {4};
    static const int64_t dims[1][4] = {{1, 1, 3, 3}};
    static const int64_t pads[4] = {1, 1, 1, 1}, k3[2] = {3, 3}, k2[2] = {2, 2};
    static const int64_t y2[4] = {1, 1, 2, 2}, y1[4] = {1, 1, 1, 1};
    static const float xv[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    struct dpu_tensor x = tu_view(DPU_DT_FLOAT32, 4, dims[0], xv);
    struct dpu_graph g;
    int n = one_node(&g, DPU_NODE_AVG_POOL, 1, ranks, dims, NULL, 4, dims[0]);
    tu_ints(&g, n, "kernel_shape", 2, k3);
    tu_ints(&g, n, "pads", 4, pads);
    const float want_ex[9] = {3, 3.5f, 4, 4.5f, 5, 5.5f, 6, 6.5f, 7};
    tu_run1_f32(&g, &x, 1, want_ex, 9);
    tu_int(&g, n, "count_include_pad", 1);
    const float want_in[9] = {12 / 9.0f, 21 / 9.0f, 16 / 9.0f, 27 / 9.0f, 5,
                              33 / 9.0f, 24 / 9.0f, 39 / 9.0f, 28 / 9.0f};
    tu_run1_f32(&g, &x, 1, want_in, 9);
    dpu_graph_free(&g);

    n = one_node(&g, DPU_NODE_MAX_POOL, 1, ranks, dims, NULL, 4, y2);
    tu_ints(&g, n, "kernel_shape", 2, k2);
    static const float want_max[4] = {5, 6, 8, 9};
    tu_run1_f32(&g, &x, 1, want_max, 4);
    dpu_graph_free(&g);

    one_node(&g, DPU_NODE_GLOBAL_AVG_POOL, 1, ranks, dims, NULL, 4, y1);
    static const float want_g[1] = {5};
    tu_run1_f32(&g, &x, 1, want_g, 1);
    dpu_graph_free(&g);
}

/* Activations on hand-picked points:
 *   Relu [-1, 2] -> [0, 2]; Relu6 [7, -1, 3] -> [6, 0, 3]; Clip(-1, 1) [-2, 0.5, 3] ->
 *   [-1, 0.5, 1]; LeakyRelu(0.1) [-10, 5] -> [-1, 5]; Sigmoid [0, 1] -> [0.5, 0.7310586];
 *   Tanh [0, 1] -> [0, 0.7615942]; HardSigmoid [0, 10, -10] -> [0.5, 1, 0];
 *   HardSwish [3, -3, 6, 1] -> [3, 0, 6, 1 * (1/6 + 1/2) = 0.6666667];
 *   Gelu [0, 1, -1] -> [0, 0.8413447, -0.1586553] (x Phi(x), Phi(1) = 0.8413447). */
static void check_act(enum dpu_node_op op, size_t n, const float *xv, const float *want,
                      const char *attr, double v1, const char *attr2, double v2)
{
    const int ranks[1] = {1};
    const int64_t dims[1][4] = {{(int64_t)n}};
    struct dpu_graph g;
    int node = one_node(&g, op, 1, ranks, dims, NULL, 1, dims[0]);
    if (attr)
        tu_float(&g, node, attr, v1);
    if (attr2)
        tu_float(&g, node, attr2, v2);
    struct dpu_tensor x = tu_view(DPU_DT_FLOAT32, 1, dims[0], xv);
    tu_run1_f32(&g, &x, 1, want, n);
    dpu_graph_free(&g);
}

static void test_activations(void **state)
{
    (void)state;
    check_act(DPU_NODE_RELU, 2, (const float[]){-1, 2}, (const float[]){0, 2}, NULL, 0, NULL, 0);
    check_act(DPU_NODE_RELU6, 3, (const float[]){7, -1, 3}, (const float[]){6, 0, 3}, NULL, 0, NULL,
              0);
    check_act(DPU_NODE_CLIP, 3, (const float[]){-2, 0.5f, 3}, (const float[]){-1, 0.5f, 1}, "min",
              -1, "max", 1);
    check_act(DPU_NODE_LEAKY_RELU, 2, (const float[]){-10, 5}, (const float[]){-1, 5}, "alpha", 0.1,
              NULL, 0);
    check_act(DPU_NODE_SIGMOID, 2, (const float[]){0, 1}, (const float[]){0.5f, 0.7310586f}, NULL,
              0, NULL, 0);
    check_act(DPU_NODE_TANH, 2, (const float[]){0, 1}, (const float[]){0, 0.7615942f}, NULL, 0,
              NULL, 0);
    check_act(DPU_NODE_HARD_SIGMOID, 3, (const float[]){0, 10, -10}, (const float[]){0.5f, 1, 0},
              NULL, 0, NULL, 0);
    check_act(DPU_NODE_HARD_SWISH, 4, (const float[]){3, -3, 6, 1},
              (const float[]){3, 0, 6, 0.6666667f}, NULL, 0, NULL, 0);
    check_act(DPU_NODE_GELU, 3, (const float[]){0, 1, -1},
              (const float[]){0, 0.8413447f, -0.1586553f}, NULL, 0, NULL, 0);
}

/* Softmax [1, 2, 3]: e^-2, e^-1, 1 over their sum 1.5032147:
 * [0.09003057, 0.24472847, 0.66524096]; a huge input does not overflow. */
static void test_softmax(void **state)
{
    (void)state;
    check_act(DPU_NODE_SOFTMAX, 3, (const float[]){1, 2, 3},
              (const float[]){0.09003057f, 0.24472847f, 0.66524096f}, NULL, 0, NULL, 0);
    check_act(DPU_NODE_SOFTMAX, 2, (const float[]){1000, 1000}, (const float[]){0.5f, 0.5f}, NULL,
              0, NULL, 0);
}

/* Concat [1, 2] and [1, 1] on axis 1; Pad [2] by [1, 2] with 9.5; Resize [2] by 2; Reshape;
 * Flatten; Transpose [1, 2] -> [2, 1]. */
static void test_movement(void **state)
{
    (void)state;
    struct dpu_graph g;
    static const int r2[2] = {2, 2}, r1[1] = {1};
    static const int64_t cd[2][4] = {{1, 2}, {1, 1}}, cy[2] = {1, 3};
    struct dpu_tensor in[2] = {tu_view(DPU_DT_FLOAT32, 2, cd[0], (const float[]){1, 2}),
                               tu_view(DPU_DT_FLOAT32, 2, cd[1], (const float[]){3})};
    int n = one_node(&g, DPU_NODE_CONCAT, 2, r2, cd, NULL, 2, cy);
    tu_int(&g, n, "axis", 1);
    tu_run1_f32(&g, in, 2, (const float[]){1, 2, 3}, 3);
    dpu_graph_free(&g);

    static const int64_t pd[1][4] = {{2}}, py[1] = {5}, pads[2] = {1, 2}, sc[1] = {2}, ry[1] = {4};
    in[0] = tu_view(DPU_DT_FLOAT32, 1, pd[0], (const float[]){1, 2});
    n = one_node(&g, DPU_NODE_PAD, 1, r1, pd, NULL, 1, py);
    tu_ints(&g, n, "pads", 2, pads);
    tu_float(&g, n, "value", 9.5);
    tu_run1_f32(&g, in, 1, (const float[]){9.5f, 1, 2, 9.5f, 9.5f}, 5);
    dpu_graph_free(&g);

    n = one_node(&g, DPU_NODE_RESIZE, 1, r1, pd, NULL, 1, ry);
    tu_ints(&g, n, "scales", 1, sc);
    tu_run1_f32(&g, in, 1, (const float[]){1, 1, 2, 2}, 4);
    dpu_graph_free(&g);

    /* Reshape [2] -> [1, 2] and Flatten [1, 2, 1] (axis 2) -> [2, 1] keep the values. */
    static const int64_t rsy[2] = {1, 2}, fd[1][4] = {{1, 2, 1}}, fy[2] = {2, 1};
    static const int r3[1] = {3};
    one_node(&g, DPU_NODE_RESHAPE, 1, r1, pd, NULL, 2, rsy);
    tu_run1_f32(&g, in, 1, (const float[]){1, 2}, 2);
    dpu_graph_free(&g);
    in[0] = tu_view(DPU_DT_FLOAT32, 3, fd[0], (const float[]){1, 2});
    n = one_node(&g, DPU_NODE_FLATTEN, 1, r3, fd, NULL, 2, fy);
    tu_int(&g, n, "axis", 2);
    tu_run1_f32(&g, in, 1, (const float[]){1, 2}, 2);
    dpu_graph_free(&g);

    static const int64_t td[1][4] = {{1, 2}}, ty[2] = {2, 1}, perm[2] = {1, 0};
    static const int r2a[1] = {2};
    in[0] = tu_view(DPU_DT_FLOAT32, 2, td[0], (const float[]){1, 2});
    n = one_node(&g, DPU_NODE_TRANSPOSE, 1, r2a, td, NULL, 2, ty);
    tu_ints(&g, n, "perm", 2, perm);
    tu_run1_f32(&g, in, 1, (const float[]){1, 2}, 2);
    dpu_graph_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv),        cmocka_unit_test(test_conv_depthwise_pad),
        cmocka_unit_test(test_gemm),        cmocka_unit_test(test_fully_connected),
        cmocka_unit_test(test_matmul),      cmocka_unit_test(test_add_mul),
        cmocka_unit_test(test_batch_norm),  cmocka_unit_test(test_pools),
        cmocka_unit_test(test_activations), cmocka_unit_test(test_softmax),
        cmocka_unit_test(test_movement),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
