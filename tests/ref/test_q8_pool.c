/* int8 MaxPool, AvgPool and GlobalAvgPool of the reference interpreter, against values
 * computed by hand. */
#include "ref_test_util.h"

/* A pooling graph x [1, 1, H, W] -> y with the given attributes (pads/strides/dilations may be
 * NULL). */
struct pool_case {
    enum dpu_node_op op;
    int64_t xd[4], yd[4];
    float sx, sy;
    int32_t zx, zy;
    int64_t kernel[2];
    const int64_t *pads, *strides, *dilations;
    int ceil_mode, count_include_pad;
};

static void build(struct dpu_graph *g, const struct pool_case *c)
{
    dpu_graph_init(g);
    g->quantized = true;
    int x = tu_act8(g, "x", 4, c->xd, c->sx, c->zx);
    int y = tu_act8(g, "y", 4, c->yd, c->sy, c->zy);
    int n = tu_node(g, "pool", c->op, 1, &x, y);
    if (c->op != DPU_NODE_GLOBAL_AVG_POOL)
        tu_ints(g, n, "kernel_shape", 2, c->kernel);
    if (c->pads)
        tu_ints(g, n, "pads", 4, c->pads);
    if (c->strides)
        tu_ints(g, n, "strides", 2, c->strides);
    if (c->dilations)
        tu_ints(g, n, "dilations", 2, c->dilations);
    if (c->ceil_mode)
        tu_int(g, n, "ceil_mode", 1);
    if (c->count_include_pad)
        tu_int(g, n, "count_include_pad", 1);
    tu_input(g, x);
    tu_output(g, y);
}

static void run_case(const struct pool_case *c, const int8_t *xv, const int8_t *want, size_t n)
{
    struct dpu_graph g;
    build(&g, c);
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 4, c->xd, xv);
    tu_run1_i8(&g, &x, 1, want, n);
    dpu_graph_free(&g);
}

/* MaxPool 2x2 stride 2 with pads [1, 1, 0, 0] over all-negative values: padding never wins.
 *   x = [[-5, -6, -7], [-8, -9, -10], [-11, -12, -13]], oh = ow = floor((3 + 1 - 2) / 2) + 1 = 2
 *   maxima: (0,0) {-5} = -5; (0,1) {-6, -7} = -6; (1,0) {-8, -11} = -8; (1,1) = -9
 * then rescaled with s_x = 1, z_x = -1, s_y = 2, z_y = 3 (ratio 0.5):
 *   (-5 + 1) / 2 = -2 -> 1; -5 / 2 = -2.5 -> -2 -> 1; -7 / 2 = -3.5 -> -3 -> 0; -8 / 2 -> -1 */
static void test_maxpool_pads_never_win(void **state)
{
    (void)state;
    static const int64_t pads[4] = {1, 1, 0, 0}, strides[2] = {2, 2};
    static const int8_t xv[9] = {-5, -6, -7, -8, -9, -10, -11, -12, -13};
    struct pool_case c = {DPU_NODE_MAX_POOL,
                          {1, 1, 3, 3},
                          {1, 1, 2, 2},
                          1.0f,
                          2.0f,
                          -1,
                          3,
                          {2, 2},
                          pads,
                          strides,
                          NULL,
                          0,
                          0};
    static const int8_t want[4] = {1, 1, 0, -1};
    run_case(&c, xv, want, 4);
}

/* MaxPool 2x2 stride 2 with ceil_mode on 5x5 (x = 5r + c): o = ceil((5 - 2) / 2) + 1 = 3, the
 * last windows clipped to row/column 4. Maxima at rows/cols min(2o + 1, 4) = 1, 3, 4:
 *   [6, 8, 9, 16, 18, 19, 21, 23, 24] */
static void test_maxpool_ceil_mode(void **state)
{
    (void)state;
    static const int64_t strides[2] = {2, 2};
    int8_t xv[25];
    for (int i = 0; i < 25; i++)
        xv[i] = (int8_t)i;
    struct pool_case c = {DPU_NODE_MAX_POOL,
                          {1, 1, 5, 5},
                          {1, 1, 3, 3},
                          1.0f,
                          1.0f,
                          0,
                          0,
                          {2, 2},
                          NULL,
                          strides,
                          NULL,
                          1,
                          0};
    static const int8_t want[9] = {6, 8, 9, 16, 18, 19, 21, 23, 24};
    run_case(&c, xv, want, 9);
}

/* ceil_mode drops a last window that would start in the end padding: W = 5, kernel 2,
 * stride 3, pads right 1: ceil((5 + 1 - 2) / 3) + 1 = 3, but the third window would start at
 * 6 >= 5 + 0, so ow = 2: windows {0, 1} -> 2 and {3, 4} -> 5. An output of width 3 is
 * refused. */
static void test_maxpool_ceil_mode_drops_pad_window(void **state)
{
    (void)state;
    static const int64_t pads[4] = {0, 0, 0, 1}, strides[2] = {1, 3};
    static const int8_t xv[5] = {1, 2, 3, 4, 5};
    struct pool_case c = {DPU_NODE_MAX_POOL,
                          {1, 1, 1, 5},
                          {1, 1, 1, 2},
                          1.0f,
                          1.0f,
                          0,
                          0,
                          {1, 2},
                          pads,
                          strides,
                          NULL,
                          1,
                          0};
    static const int8_t want[2] = {2, 5};
    run_case(&c, xv, want, 2);

    c.yd[3] = 3;
    struct dpu_graph g;
    build(&g, &c);
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 4, c.xd, xv);
    tu_run_fails(&g, &x, 1, DPU_E_MISMATCH, "node 'pool' (MaxPool)", "(1, 1, 1, 2)", NULL);
    dpu_graph_free(&g);
}

/* MaxPool 2x2 with dilations [2, 2], stride 1, on 4x4 (x = 4r + c): the window of (oy, ox)
 * covers rows {oy, oy + 2} and cols {ox, ox + 2}; the maximum is 4 (oy + 2) + ox + 2:
 *   [10, 11, 14, 15] (and the output is 2x2, not the undilated 3x3). */
static void test_maxpool_dilation(void **state)
{
    (void)state;
    static const int64_t dil[2] = {2, 2};
    int8_t xv[16];
    for (int i = 0; i < 16; i++)
        xv[i] = (int8_t)i;
    struct pool_case c = {DPU_NODE_MAX_POOL,
                          {1, 1, 4, 4},
                          {1, 1, 2, 2},
                          1.0f,
                          1.0f,
                          0,
                          0,
                          {2, 2},
                          NULL,
                          NULL,
                          dil,
                          0,
                          0};
    static const int8_t want[4] = {10, 11, 14, 15};
    run_case(&c, xv, want, 4);
}

/* AvgPool 3x3, stride 1, pads 1 on all sides, over real values 1..9 (z_x = 1, so x = 2..10),
 * ratio 1. Excluding the padding (count_include_pad = 0), counts 4 (corners), 6 (edges), 9:
 *   12/4 = 3; 21/6 = 3.5 -> 4; 16/4 = 4; 27/6 = 4.5 -> 5; 45/9 = 5; 33/6 = 5.5 -> 6;
 *   24/4 = 6; 39/6 = 6.5 -> 7; 28/4 = 7                    (z_y = 0) */
static void test_avgpool_border_counts(void **state)
{
    (void)state;
    static const int64_t pads[4] = {1, 1, 1, 1};
    static const int8_t xv[9] = {2, 3, 4, 5, 6, 7, 8, 9, 10};
    struct pool_case c = {DPU_NODE_AVG_POOL,
                          {1, 1, 3, 3},
                          {1, 1, 3, 3},
                          1.0f,
                          1.0f,
                          1,
                          0,
                          {3, 3},
                          pads,
                          NULL,
                          NULL,
                          0,
                          0};
    static const int8_t want[9] = {3, 4, 4, 5, 5, 6, 6, 7, 7};
    run_case(&c, xv, want, 9);
}

/* The same with count_include_pad = 1: every window counts 9 and the padding adds z_x (a real
 * 0): 12/9 = 1.33 -> 1; 21/9 = 2.33 -> 2; 16/9 = 1.78 -> 2; 27/9 = 3; 5; 33/9 = 3.67 -> 4;
 * 24/9 = 2.67 -> 3; 39/9 = 4.33 -> 4; 28/9 = 3.11 -> 3; then z_y = -1. */
static void test_avgpool_count_include_pad(void **state)
{
    (void)state;
    static const int64_t pads[4] = {1, 1, 1, 1};
    static const int8_t xv[9] = {2, 3, 4, 5, 6, 7, 8, 9, 10};
    struct pool_case c = {DPU_NODE_AVG_POOL,
                          {1, 1, 3, 3},
                          {1, 1, 3, 3},
                          1.0f,
                          1.0f,
                          1,
                          -1,
                          {3, 3},
                          pads,
                          NULL,
                          NULL,
                          0,
                          1};
    static const int8_t want[9] = {0, 1, 1, 2, 4, 3, 2, 3, 2};
    run_case(&c, xv, want, 9);
}

/* GlobalAvgPool, ratio 1: channel [1, 2, 3, 4] -> 2.5 -> 3; [-1, -2, -3, -4] -> -2.5 -> -2
 * (ties toward +infinity). */
static void test_global_avgpool_ties(void **state)
{
    (void)state;
    static const int8_t xv[8] = {1, 2, 3, 4, -1, -2, -3, -4};
    struct pool_case c = {DPU_NODE_GLOBAL_AVG_POOL,
                          {1, 2, 2, 2},
                          {1, 2, 1, 1},
                          1.0f,
                          1.0f,
                          0,
                          0,
                          {0, 0},
                          NULL,
                          NULL,
                          NULL,
                          0,
                          0};
    static const int8_t want[2] = {3, -2};
    run_case(&c, xv, want, 2);
}

/* One rounding for mean and rescale: ratio 0.75 over 9 values. Sum 5: 5/9 * 0.75 = 0.417 -> 0
 * (rounding the mean first, round(0.556) = 1, would give 0.75 -> 1). Sum 6: exactly 0.5 -> 1. */
static void test_global_avgpool_single_rounding(void **state)
{
    (void)state;
    static const int8_t xv[18] = {1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0};
    struct pool_case c = {DPU_NODE_GLOBAL_AVG_POOL,
                          {1, 2, 3, 3},
                          {1, 2, 1, 1},
                          0.75f,
                          1.0f,
                          0,
                          0,
                          {0, 0},
                          NULL,
                          NULL,
                          NULL,
                          0,
                          0};
    static const int8_t want[2] = {0, 1};
    run_case(&c, xv, want, 2);
}

/* More than 65025 positions in one average are refused, naming the node. */
static void test_global_avgpool_too_many(void **state)
{
    (void)state;
    static int8_t xv[256 * 256];
    struct pool_case c = {DPU_NODE_GLOBAL_AVG_POOL,
                          {1, 1, 256, 256},
                          {1, 1, 1, 1},
                          1.0f,
                          1.0f,
                          0,
                          0,
                          {0, 0},
                          NULL,
                          NULL,
                          NULL,
                          0,
                          0};
    struct dpu_graph g;
    build(&g, &c);
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 4, c.xd, xv);
    tu_run_fails(&g, &x, 1, DPU_E_UNSUPPORTED, "node 'pool' (GlobalAvgPool)", "65536", NULL);
    dpu_graph_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_maxpool_pads_never_win),
        cmocka_unit_test(test_maxpool_ceil_mode),
        cmocka_unit_test(test_maxpool_ceil_mode_drops_pad_window),
        cmocka_unit_test(test_maxpool_dilation),
        cmocka_unit_test(test_avgpool_border_counts),
        cmocka_unit_test(test_avgpool_count_include_pad),
        cmocka_unit_test(test_global_avgpool_ties),
        cmocka_unit_test(test_global_avgpool_single_rounding),
        cmocka_unit_test(test_global_avgpool_too_many),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
