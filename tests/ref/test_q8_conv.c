/* int8 Conv2D and FullyConnected of the reference interpreter, against values computed by
 * hand (the arithmetic is in the comments). */
#include <stdlib.h>

#include "ref_test_util.h"

/* Conv2D graph: x [1, C, H, W] (s_x, z_x) -> y; w [M, C/group, kh, kw] per-tensor scale s_w;
 * optional bias. Returns the node index. */
struct conv_case {
    int64_t xd[4], wd[4], yd[4];
    float sx, sw, sy;
    int32_t zx, zy;
    const int8_t *w;
    const int32_t *bias;
};

static int build_conv(struct dpu_graph *g, const struct conv_case *c)
{
    dpu_graph_init(g);
    g->quantized = true;
    int x = tu_act8(g, "x", 4, c->xd, c->sx, c->zx);
    int w = tu_tensor(g, "w", DPU_DT_INT8, 4, c->wd, c->w);
    tu_quant(g, w, c->sw, 0);
    int32_t in[3] = {x, w, -1};
    if (c->bias) {
        in[2] = tu_tensor(g, "b", DPU_DT_INT32, 1, c->wd, c->bias);
        tu_quant(g, in[2], c->sx * c->sw, 0);
    }
    int y = tu_act8(g, "y", 4, c->yd, c->sy, c->zy);
    int n = tu_node(g, "conv1", DPU_NODE_CONV2D, c->bias ? 3 : 2, in, y);
    tu_input(g, x);
    tu_output(g, y);
    return n;
}

/* 3x3 input, 2x2 kernel, ratio 0.5 * 0.25 / 0.125 = 1 (rq is the identity), z_x = 1,
 * z_y = -2, bias 10. x - z_x = [[0,1,2],[3,4,5],[6,7,8]], w = [[1,2],[3,4]]:
 *   (0,0): 0*1 + 1*2 + 3*3 + 4*4 = 27     (0,1): 1 + 4 + 12 + 20 = 37
 *   (1,0): 3 + 8 + 18 + 28 = 57           (1,1): 4 + 10 + 21 + 32 = 67
 * + bias 10, + z_y -2: 35, 45, 65, 75. */
static void test_conv_basic(void **state)
{
    (void)state;
    static const int8_t w[4] = {1, 2, 3, 4};
    static const int32_t bias[1] = {10};
    static const int8_t xv[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    struct conv_case c = {{1, 1, 3, 3}, {1, 1, 2, 2}, {1, 1, 2, 2}, 0.5f, 0.25f, 0.125f, 1, -2, w,
                          bias};
    struct dpu_graph g;
    build_conv(&g, &c);
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 4, c.xd, xv);
    static const int8_t want[4] = {35, 45, 65, 75};
    tu_run1_i8(&g, &x, 1, want, 4);
    dpu_graph_free(&g);
}

/* Asymmetric pads [top 1, left 0, bottom 0, right 2], strides [2, 2], dilations [1, 2] on a
 * 4x4 input whose real values x - z_x are 4r + c + 1 (z_x = 3, so padding reads as 3 = a real
 * 0); 2x2 kernel of ones, ratio 1, z_y = 0.
 *   oh = floor((4 + 1 + 0 - 2) / 2) + 1 = 2, ow = floor((4 + 0 + 2 - 3) / 2) + 1 = 2
 *   rows iy = 2 oy - 1 + ky, cols ix = 2 ox + 2 kx
 *   (0,0): rows {-1, 0} cols {0, 2}: 1 + 3 = 4        (0,1): cols {2, 4}: 3
 *   (1,0): rows {1, 2}: 5 + 7 + 9 + 11 = 32           (1,1): 7 + 11 = 18 */
static void test_conv_pads_stride_dilation(void **state)
{
    (void)state;
    static const int8_t w[4] = {1, 1, 1, 1};
    int8_t xv[16];
    for (int i = 0; i < 16; i++)
        xv[i] = (int8_t)(i + 1 + 3);
    struct conv_case c = {{1, 1, 4, 4}, {1, 1, 2, 2}, {1, 1, 2, 2}, 1.0f, 1.0f, 1.0f, 3, 0, w,
                          NULL};
    struct dpu_graph g;
    int n = build_conv(&g, &c);
    static const int64_t pads[4] = {1, 0, 0, 2}, strides[2] = {2, 2}, dil[2] = {1, 2};
    tu_ints(&g, n, "pads", 4, pads);
    tu_ints(&g, n, "strides", 2, strides);
    tu_ints(&g, n, "dilations", 2, dil);
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 4, c.xd, xv);
    static const int8_t want[4] = {4, 3, 32, 18};
    tu_run1_i8(&g, &x, 1, want, 4);
    dpu_graph_free(&g);
}

/* Depthwise with multiplier 2: C_in = 2, group = 2, C_out = 4, 1x1 kernel; output channel m
 * reads input channel m / 2. x ch0 = [1,2,3,4], ch1 = [10,20,30,40] (H = W = 2), z_x = 0,
 * w = [1, 2, 3, -1], bias [0, 0, -100, 0], ratio 1:
 *   ch0 = [1,2,3,4]; ch1 = 2 ch0 = [2,4,6,8]; ch2 = 3 ch1 - 100 = [-70,-40,-10,20];
 *   ch3 = -ch1 = [-10,-20,-30,-40]. */
static void test_conv_depthwise_multiplier(void **state)
{
    (void)state;
    static const int8_t w[4] = {1, 2, 3, -1};
    static const int32_t bias[4] = {0, 0, -100, 0};
    static const int8_t xv[8] = {1, 2, 3, 4, 10, 20, 30, 40};
    struct conv_case c = {{1, 2, 2, 2}, {4, 1, 1, 1}, {1, 4, 2, 2}, 1.0f, 1.0f, 1.0f, 0, 0, w,
                          bias};
    struct dpu_graph g;
    int n = build_conv(&g, &c);
    tu_int(&g, n, "group", 2);
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 4, c.xd, xv);
    static const int8_t want[16] = {1, 2, 3, 4, 2, 4, 6, 8, -70, -40, -10, 20, -10, -20, -30, -40};
    tu_run1_i8(&g, &x, 1, want, 16);
    dpu_graph_free(&g);
}

/* Grouped (not depthwise): C_in = 4, group = 2, C_out = 2, 1x1 on a 1x1 input. m0 reads
 * channels 0, 1 with w [1, 1]: 1 + 2 = 3; m1 reads channels 2, 3 with w [2, -1]: 6 - 4 = 2
 * (reading channels 0, 1 instead would give 0). */
static void test_conv_groups(void **state)
{
    (void)state;
    static const int8_t w[4] = {1, 1, 2, -1};
    static const int8_t xv[4] = {1, 2, 3, 4};
    struct conv_case c = {{1, 4, 1, 1}, {2, 2, 1, 1}, {1, 2, 1, 1}, 1.0f, 1.0f, 1.0f, 0, 0, w,
                          NULL};
    struct dpu_graph g;
    int n = build_conv(&g, &c);
    tu_int(&g, n, "group", 2);
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 4, c.xd, xv);
    static const int8_t want[2] = {3, 2};
    tu_run1_i8(&g, &x, 1, want, 2);
    dpu_graph_free(&g);
}

/* An output tensor whose shape disagrees with the attributes is refused, naming the node. */
static void test_conv_wrong_output_shape(void **state)
{
    (void)state;
    static const int8_t w[4] = {1, 2, 3, 4};
    static const int8_t xv[9] = {0};
    struct conv_case c = {{1, 1, 3, 3}, {1, 1, 2, 2}, {1, 1, 3, 3}, 1.0f, 1.0f, 1.0f, 0, 0, w,
                          NULL};
    struct dpu_graph g;
    build_conv(&g, &c);
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 4, c.xd, xv);
    tu_run_fails(&g, &x, 1, DPU_E_MISMATCH, "node 'conv1' (Conv2D)", "(1, 1, 3, 3)", "(1, 1, 2, 2)",
                 NULL);
    dpu_graph_free(&g);
}

/* FullyConnected graph: x [6, 1] with s_x = 1, z_x = 0; w [2, 1] = [1, 127] with per-channel
 * scales [0.5, 0.25]; s_y = 1, z_y = 0: channel 0 is x * 0.5, channel 1 is 127 x * 0.25. */
static void build_fc(struct dpu_graph *g, const int64_t *clamp)
{
    static const int64_t xd[2] = {6, 1}, wd[2] = {2, 1}, yd[2] = {6, 2};
    static const int8_t w[2] = {1, 127};
    static const float sw[2] = {0.5f, 0.25f};
    dpu_graph_init(g);
    g->quantized = true;
    int x = tu_act8(g, "x", 2, xd, 1.0f, 0);
    int wt = tu_tensor(g, "w", DPU_DT_INT8, 2, wd, w);
    tu_quant_ch(g, wt, 2, sw);
    int y = tu_act8(g, "y", 2, yd, 1.0f, 0);
    int32_t in[2] = {x, wt};
    int n = tu_node(g, "fc", DPU_NODE_FULLY_CONNECTED, 2, in, y);
    if (clamp)
        tu_ints(g, n, "clamp", 2, clamp);
    tu_input(g, x);
    tu_output(g, y);
}

/* x = [5, -5, -7, -3, 127, -128].
 * channel 0 (ratio 0.5, ties toward +inf): 2.5 -> 3, -2.5 -> -2, -3.5 -> -3, -1.5 -> -1,
 *   63.5 -> 64, -64 -> -64.
 * channel 1 (127 x * 0.25): 158.75 -> 127 (saturated), -158.75 -> -128, -222.25 -> -128,
 *   -95.25 -> -95, 4032.25 -> 127, -4064 -> -128. */
static void test_fc_per_channel_rounding_saturation(void **state)
{
    (void)state;
    static const int64_t xd[2] = {6, 1};
    static const int8_t xv[6] = {5, -5, -7, -3, 127, -128};
    struct dpu_graph g;
    build_fc(&g, NULL);
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 2, xd, xv);
    static const int8_t want[12] = {3, 127, -2, -128, -3, -128, -1, -95, 64, 127, -64, -128};
    tu_run1_i8(&g, &x, 1, want, 12);
    dpu_graph_free(&g);
}

/* The same with clamp [0, 127] (a fused ReLU with z_y = 0): negatives become 0. */
static void test_fc_clamp_as_relu(void **state)
{
    (void)state;
    static const int64_t xd[2] = {6, 1}, clamp[2] = {0, 127};
    static const int8_t xv[6] = {5, -5, -7, -3, 127, -128};
    struct dpu_graph g;
    build_fc(&g, clamp);
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 2, xd, xv);
    static const int8_t want[12] = {3, 127, 0, 0, 0, 0, 0, 0, 64, 127, 0, 0};
    tu_run1_i8(&g, &x, 1, want, 12);
    dpu_graph_free(&g);
}

/* The accumulator wraps modulo 2^32: bias 2^31 - 1 plus x * w = 1 is -2^31; with ratio 2^-24
 * that is -128 (an int64 sum would give +128 -> 127). */
static void test_fc_bias_wraps(void **state)
{
    (void)state;
    static const int64_t xd[2] = {1, 1}, wd[2] = {1, 1}, bd[1] = {1};
    static const int8_t w[1] = {1}, xv[1] = {1};
    static const int32_t bias[1] = {INT32_MAX};
    struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    int x = tu_act8(&g, "x", 2, xd, 1.0f, 0);
    int wt = tu_tensor(&g, "w", DPU_DT_INT8, 2, wd, w);
    tu_quant(&g, wt, 1.0f / 16777216.0f, 0); /* 2^-24 */
    int b = tu_tensor(&g, "b", DPU_DT_INT32, 1, bd, bias);
    int y = tu_act8(&g, "y", 2, xd, 1.0f, 0);
    int32_t in[3] = {x, wt, b};
    tu_node(&g, "fc", DPU_NODE_FULLY_CONNECTED, 3, in, y);
    tu_input(&g, x);
    tu_output(&g, y);
    struct dpu_tensor xt = tu_view(DPU_DT_INT8, 2, xd, xv);
    static const int8_t want[1] = {-128};
    tu_run1_i8(&g, &xt, 1, want, 1);
    dpu_graph_free(&g);
}

/* ---- weights with a zero point (ONNX QLinearConv with uint8 weights, ConvInteger) ---- */

/* test_conv_basic with a per-tensor weight zero point z_w = 2: w - z_w = [[-1, 0], [1, 2]],
 * x - z_x = [[0,1,2],[3,4,5],[6,7,8]], ratio 0.5 * 0.25 / 0.125 = 1:
 *   (0,0): 0*-1 + 1*0 + 3*1 + 4*2 = 11    (0,1): -1 + 0 + 4 + 10 = 13
 *   (1,0): -3 + 0 + 6 + 14 = 17           (1,1): -4 + 0 + 7 + 16 = 19
 * + bias 10, + z_y -2: 19, 21, 25, 27. (Ignoring z_w would give 35, 45, 65, 75.) */
static void test_conv_weight_zero_point(void **state)
{
    (void)state;
    static const int8_t w[4] = {1, 2, 3, 4};
    static const int32_t bias[1] = {10};
    static const int8_t xv[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    struct conv_case c = {{1, 1, 3, 3}, {1, 1, 2, 2}, {1, 1, 2, 2}, 0.5f, 0.25f, 0.125f, 1, -2, w,
                          bias};
    struct dpu_graph g;
    build_conv(&g, &c);
    tu_quant(&g, 1, c.sw, 2); /* tensor 1: the weights */
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 4, c.xd, xv);
    static const int8_t want[4] = {19, 21, 25, 27};
    tu_run1_i8(&g, &x, 1, want, 4);
    dpu_graph_free(&g);
}

/* Per-channel weight zero points with padding. x [1,1,2,2], z_x = 3, x - z_x = [[1,2],[3,4]];
 * 2x2 kernel, pads [top 1, left 1, bottom 0, right 0], so oh = ow = 2 and the window of
 * output (oy, ox) reads rows oy - 1 + ky, columns ox - 1 + kx. Padded taps read x = z_x, a
 * real 0, and contribute nothing whatever w - z_w is.
 *   ch0: w = [10,20,30,40], z_w = 10:   w - z_w = [0, 10, 20, 30]
 *   ch1: w = [-128,127,0,1], z_w = -128: w - z_w = [0, 255, 128, 129]
 *   (0,0): only tap (1,1) on x(0,0)=1:                 ch0 30,  ch1 129
 *   (0,1): taps (1,0), (1,1) on 1, 2:                  ch0 20 + 60 = 80,   ch1 128 + 258 = 386
 *   (1,0): taps (0,1), (1,1) on 1, 3:                  ch0 10 + 90 = 100,  ch1 255 + 387 = 642
 *   (1,1): all four on 1, 2, 3, 4:  ch0 0 + 20 + 60 + 120 = 200,  ch1 0 + 510 + 384 + 516 = 1410
 * These raw sums are what ONNX ConvInteger gives; see test_conv_integer_raw. */
static int build_conv_zw_ch(struct dpu_graph *g, bool raw)
{
    static const int64_t xd[4] = {1, 1, 2, 2}, wd[4] = {2, 1, 2, 2}, yd[4] = {1, 2, 2, 2};
    static const int64_t pads[4] = {1, 1, 0, 0};
    static const int8_t w[8] = {10, 20, 30, 40, -128, 127, 0, 1};
    static const float sw[2] = {0.5f, 0.125f};
    static const int32_t zw[2] = {10, -128};
    dpu_graph_init(g);
    g->quantized = true;
    int x = tu_act8(g, "x", 4, xd, 1.0f, 3);
    int wt = tu_tensor(g, "w", DPU_DT_INT8, 4, wd, w);
    tu_quant_axis(g, wt, 0, 2, sw, zw);
    int y = raw ? tu_tensor(g, "y", DPU_DT_INT32, 4, yd, NULL) : tu_act8(g, "y", 4, yd, 1.0f, -100);
    int32_t in[2] = {x, wt};
    int n = tu_node(g, "conv1", DPU_NODE_CONV2D, 2, in, y);
    tu_ints(g, n, "pads", 4, pads);
    tu_input(g, x);
    tu_output(g, y);
    return n;
}

/* Requantized per channel: ch0 ratio 1 * 0.5 / 1 = 0.5, ch1 ratio 0.125; z_y = -100.
 *   ch0: 15, 40, 50, 100 -> -85, -60, -50, 0
 *   ch1: 16.125 -> 16, 48.25 -> 48, 80.25 -> 80, 176.25 -> 176 -> -84, -52, -20, 76 */
static void test_conv_weight_zero_point_per_channel(void **state)
{
    (void)state;
    static const int64_t xd[4] = {1, 1, 2, 2};
    static const int8_t xv[4] = {4, 5, 6, 7};
    struct dpu_graph g;
    build_conv_zw_ch(&g, false);
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 4, xd, xv);
    static const int8_t want[8] = {-85, -60, -50, 0, -84, -52, -20, 76};
    tu_run1_i8(&g, &x, 1, want, 8);
    dpu_graph_free(&g);
}

/* ConvInteger: the same convolution with an int32 output is the raw accumulator:
 * [30, 80, 100, 200] and [129, 386, 642, 1410], no rounding, no clamp. */
static void test_conv_integer_raw(void **state)
{
    (void)state;
    static const int64_t xd[4] = {1, 1, 2, 2};
    static const int8_t xv[4] = {4, 5, 6, 7};
    struct dpu_graph g;
    build_conv_zw_ch(&g, true);
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 4, xd, xv), out;
    tu_run(&g, &x, 1, &out);
    static const int32_t want[8] = {30, 80, 100, 200, 129, 386, 642, 1410};
    tu_expect_i32(&out, want, 8);
    dpu_tensor_free(&out);
    dpu_graph_free(&g);
}

/* The raw accumulator wraps like any other: 2 taps of (127 - -128) * (127 - -128) = 65025
 * each is exact; what matters here is that nothing saturates at int8. A 1x1 conv over 2
 * channels, x - z_x = 255 on both, w - z_w = 255 on both: 2 * 65025 = 130050. */
static void test_conv_integer_extremes(void **state)
{
    (void)state;
    static const int64_t xd[4] = {1, 2, 1, 1}, wd[4] = {1, 2, 1, 1}, yd[4] = {1, 1, 1, 1};
    static const int8_t w[2] = {127, 127}, xv[2] = {127, 127};
    struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    int x = tu_act8(&g, "x", 4, xd, 1.0f, -128);
    int wt = tu_tensor(&g, "w", DPU_DT_INT8, 4, wd, w);
    tu_quant(&g, wt, 1.0f, -128);
    int y = tu_tensor(&g, "y", DPU_DT_INT32, 4, yd, NULL);
    int32_t in[2] = {x, wt};
    tu_node(&g, "conv1", DPU_NODE_CONV2D, 2, in, y);
    tu_input(&g, x);
    tu_output(&g, y);
    struct dpu_tensor xt = tu_view(DPU_DT_INT8, 4, xd, xv), out;
    tu_run(&g, &xt, 1, &out);
    static const int32_t want[1] = {130050};
    tu_expect_i32(&out, want, 1);
    dpu_tensor_free(&out);
    dpu_graph_free(&g);
}

/* An integer FullyConnected (MatMulInteger with constant B, imported as FullyConnected):
 * x [1, 3] with z_x = -128 (a uint8 input with zero point 0, shifted by -128), x - z_x =
 * [1, 2, 3]; w [2, 3] per tensor z_w = 127 (uint8 zero point 255), w - z_w = [0, -1, -2] and
 * [-255, -127, 0]:  acc0 = 0 - 2 - 6 = -8,  acc1 = -255 - 254 + 0 = -509. */
static void test_fc_integer_raw(void **state)
{
    (void)state;
    static const int64_t xd[2] = {1, 3}, wd[2] = {2, 3}, yd[2] = {1, 2};
    static const int8_t w[6] = {127, 126, 125, -128, 0, 127}, xv[3] = {-127, -126, -125};
    struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    int x = tu_act8(&g, "x", 2, xd, 1.0f, -128);
    int wt = tu_tensor(&g, "w", DPU_DT_INT8, 2, wd, w);
    tu_quant(&g, wt, 1.0f, 127);
    int y = tu_tensor(&g, "y", DPU_DT_INT32, 2, yd, NULL);
    int32_t in[2] = {x, wt};
    tu_node(&g, "fc", DPU_NODE_FULLY_CONNECTED, 2, in, y);
    tu_input(&g, x);
    tu_output(&g, y);
    struct dpu_tensor xt = tu_view(DPU_DT_INT8, 2, xd, xv), out;
    tu_run(&g, &xt, 1, &out);
    static const int32_t want[2] = {-8, -509};
    tu_expect_i32(&out, want, 2);
    dpu_tensor_free(&out);
    dpu_graph_free(&g);
}

/* The interpreter refuses, on its own (without the verifier), a raw output with a bias, a
 * clamp or quantization, and a weight zero point outside int8. */
static void test_conv_integer_refusals(void **state)
{
    (void)state;
    static const int64_t xd[4] = {1, 1, 2, 2}, bd[1] = {2};
    static const int8_t xv[4] = {4, 5, 6, 7};
    static const int32_t bias[2] = {1, 2};
    static const int64_t clamp[2] = {0, 127};
    struct dpu_graph g;
    struct dpu_tensor x = tu_view(DPU_DT_INT8, 4, xd, xv);

    int n = build_conv_zw_ch(&g, true);
    tu_ints(&g, n, "clamp", 2, clamp);
    tu_run_fails(&g, &x, 1, DPU_E_INVALID, "node 'conv1' (Conv2D)", "never clamped", NULL);
    dpu_graph_free(&g);

    build_conv_zw_ch(&g, true);
    tu_quant(&g, 2, 1.0f, 0);
    tu_run_fails(&g, &x, 1, DPU_E_INVALID, "int32 output 'y' has quantization parameters", NULL);
    dpu_graph_free(&g);

    build_conv_zw_ch(&g, true);
    int b = tu_tensor(&g, "b", DPU_DT_INT32, 1, bd, bias);
    int32_t *in = realloc(g.nodes[0].inputs, 3 * sizeof *in);
    assert_non_null(in);
    in[2] = b;
    g.nodes[0].inputs = in;
    g.nodes[0].ninputs = 3;
    tu_run_fails(&g, &x, 1, DPU_E_INVALID, "takes no bias", NULL);
    dpu_graph_free(&g);

    build_conv_zw_ch(&g, false);
    g.tensors[1].quant.zero_point[1] = 200;
    tu_run_fails(&g, &x, 1, DPU_E_RANGE, "weights 'w' have zero point 200 at channel 1", NULL);
    dpu_graph_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_basic),
        cmocka_unit_test(test_conv_pads_stride_dilation),
        cmocka_unit_test(test_conv_depthwise_multiplier),
        cmocka_unit_test(test_conv_groups),
        cmocka_unit_test(test_conv_wrong_output_shape),
        cmocka_unit_test(test_fc_per_channel_rounding_saturation),
        cmocka_unit_test(test_fc_clamp_as_relu),
        cmocka_unit_test(test_fc_bias_wraps),
        cmocka_unit_test(test_conv_weight_zero_point),
        cmocka_unit_test(test_conv_weight_zero_point_per_channel),
        cmocka_unit_test(test_conv_integer_raw),
        cmocka_unit_test(test_conv_integer_extremes),
        cmocka_unit_test(test_fc_integer_raw),
        cmocka_unit_test(test_conv_integer_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
