/* Quantize and Dequantize with per-channel quantization along an axis (ONNX QuantizeLinear /
 * DequantizeLinear with `axis`), against values computed by hand. Element e of a tensor
 * quantized along axis a lies in channel (e / prod(dims[a+1:])) % dims[a]. */
#include "dpu/qplan.h"
#include "ref_test_util.h"

#include <string.h>

/* x [1, 3, 2] quantized along axis 1: scales [0.5, 1, 2], zero points [-128, 0, 127]
 * (x / s in float32, ties to even, then + z, saturated):
 *   ch0: 1.0 / 0.5 = 2 -> -126;   -0.25 / 0.5 = -0.5 -> -0 -> -128
 *   ch1: 2.5 -> 2 -> 2;           -3.5 -> -4 -> -4
 *   ch2: -10 / 2 = -5 -> 122;     3 / 2 = 1.5 -> 2 -> 129 -> 127 (saturated) */
static void test_quantize_axis(void **state)
{
    (void)state;
    static const int64_t dims[3] = {1, 3, 2};
    static const float s[3] = {0.5f, 1.0f, 2.0f};
    static const int32_t z[3] = {-128, 0, 127};
    static const float xv[6] = {1.0f, -0.25f, 2.5f, -3.5f, -10.0f, 3.0f};
    struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    int x = tu_tensor(&g, "x", DPU_DT_FLOAT32, 3, dims, NULL);
    int q = tu_tensor(&g, "q", DPU_DT_INT8, 3, dims, NULL);
    tu_quant_axis(&g, q, 1, 3, s, z);
    tu_node(&g, "quantize", DPU_NODE_QUANTIZE, 1, &x, q);
    tu_input(&g, x);
    tu_output(&g, q);
    struct dpu_tensor xt = tu_view(DPU_DT_FLOAT32, 3, dims, xv);
    static const int8_t want[6] = {-126, -128, 2, -4, 122, 127};
    tu_run1_i8(&g, &xt, 1, want, 6);
    dpu_graph_free(&g);
}

/* p [2, 2] along axis 0: scales [0.25, 4], zero points [1, -1]:
 *   ch0: (5 - 1) 0.25 = 1;  (-3 - 1) 0.25 = -1;   ch1: (0 + 1) 4 = 4;  (127 + 1) 4 = 512.
 * Fed float32 values, the runner quantizes the input on entry with the same per-channel
 * parameters: ch0 1.0 / 0.25 = 4 -> 5, -1.1 / 0.25 = -4.4 -> -4 -> -3; ch1 4.0 / 4 = 1 -> 0,
 * 510 / 4 = 127.5 -> 128 (ties to even) -> 127: the int8 values [5, -3, 0, 127] again, hence
 * the same output. */
static void test_dequantize_axis(void **state)
{
    (void)state;
    static const int64_t dims[2] = {2, 2};
    static const float s[2] = {0.25f, 4.0f};
    static const int32_t z[2] = {1, -1};
    static const int8_t pv[4] = {5, -3, 0, 127};
    static const float pf[4] = {1.0f, -1.1f, 4.0f, 510.0f};
    struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    int p = tu_tensor(&g, "p", DPU_DT_INT8, 2, dims, NULL);
    tu_quant_axis(&g, p, 0, 2, s, z);
    int y = tu_tensor(&g, "y", DPU_DT_FLOAT32, 2, dims, NULL);
    tu_node(&g, "dequantize", DPU_NODE_DEQUANTIZE, 1, &p, y);
    tu_input(&g, p);
    tu_output(&g, y);
    static const float want[4] = {1.0f, -1.0f, 4.0f, 512.0f};
    struct dpu_tensor pt = tu_view(DPU_DT_INT8, 2, dims, pv);
    tu_run1_f32(&g, &pt, 1, want, 4);
    pt = tu_view(DPU_DT_FLOAT32, 2, dims, pf);
    tu_run1_f32(&g, &pt, 1, want, 4);
    dpu_graph_free(&g);
}

/* Quantize then Dequantize along the middle axis of [2, 2, 2] (outer 2, channels 2, inner 2),
 * scales [1, 0.5], zero points [0, 10]; q is both a graph output and read by the Dequantize.
 *   o0 c0: 1.4 -> 1, -2.6 -> -3                 back: 1, -3
 *   o0 c1: 1.25 / 0.5 = 2.5 -> 2 -> 12, 0.75 / 0.5 = 1.5 -> 2 -> 12      back: 1, 1
 *   o1 c0: 100 -> 100, -300 -> -128             back: 100, -128
 *   o1 c1: -1 / 0.5 = -2 -> 8, 70 / 0.5 = 140 -> 150 -> 127               back: -1, 58.5 */
static void test_quantize_dequantize_middle_axis(void **state)
{
    (void)state;
    static const int64_t dims[3] = {2, 2, 2};
    static const float s[2] = {1.0f, 0.5f};
    static const int32_t z[2] = {0, 10};
    static const float xv[8] = {1.4f, -2.6f, 1.25f, 0.75f, 100.0f, -300.0f, -1.0f, 70.0f};
    struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    int x = tu_tensor(&g, "x", DPU_DT_FLOAT32, 3, dims, NULL);
    int q = tu_tensor(&g, "q", DPU_DT_INT8, 3, dims, NULL);
    tu_quant_axis(&g, q, 1, 2, s, z);
    int y = tu_tensor(&g, "y", DPU_DT_FLOAT32, 3, dims, NULL);
    tu_node(&g, "quantize", DPU_NODE_QUANTIZE, 1, &x, q);
    tu_node(&g, "dequantize", DPU_NODE_DEQUANTIZE, 1, &q, y);
    tu_input(&g, x);
    tu_output(&g, q);
    tu_output(&g, y);
    struct dpu_tensor xt = tu_view(DPU_DT_FLOAT32, 3, dims, xv), out[2];
    tu_run(&g, &xt, 1, out);
    static const int8_t wantq[8] = {1, -3, 12, 12, 100, -128, 8, 127};
    static const float wanty[8] = {1.0f, -3.0f, 1.0f, 1.0f, 100.0f, -128.0f, -1.0f, 58.5f};
    tu_expect_i8(&out[0], wantq, 8);
    tu_expect_f32(&out[1], wanty, 8, 0);
    dpu_tensor_free(&out[0]);
    dpu_tensor_free(&out[1]);
    dpu_graph_free(&g);
}

/* Without the verifier, the interpreter still refuses a per-channel layout that does not fit
 * (count != dims[axis]) and a per-channel zero point outside int8; the per-tensor planners
 * (the accelerator's form) refuse per-channel boundaries. */
static void test_boundary_refusals(void **state)
{
    (void)state;
    static const int64_t dims[2] = {2, 3};
    static const float s[3] = {1.0f, 1.0f, 1.0f};
    static const int32_t z[3] = {0, 0, 0};
    static const float xv[6] = {0};
    struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    int x = tu_tensor(&g, "x", DPU_DT_FLOAT32, 2, dims, NULL);
    int q = tu_tensor(&g, "q", DPU_DT_INT8, 2, dims, NULL);
    tu_quant_axis(&g, q, 1, 3, s, z);
    int n = tu_node(&g, "quantize", DPU_NODE_QUANTIZE, 1, &x, q);
    tu_input(&g, x);
    tu_output(&g, q);
    struct dpu_tensor xt = tu_view(DPU_DT_FLOAT32, 2, dims, xv);

    struct dpu_qp_act act;
    struct dpu_qp_boundary b;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_qplan_quantize(&g, &g.nodes[n], &act, &d), DPU_E_UNSUPPORTED);
    assert_non_null(strstr(d.msg, "node 'quantize' (Quantize): output 'q' has 3 scales"));
    assert_int_equal(dpu_qplan_quantize_axis(&g, &g.nodes[n], &b, &d), DPU_OK);
    assert_int_equal(b.axis, 1);
    assert_int_equal(b.count, 3);
    assert_int_equal(b.zp[2], 0);

    g.tensors[q].quant.zero_point[2] = -129;
    tu_run_fails(&g, &xt, 1, DPU_E_RANGE, "node 'quantize' (Quantize)",
                 "output 'q' has zero point -129 at channel 2, outside [-128, 127]", NULL);
    g.tensors[q].quant.zero_point[2] = 0;
    g.tensors[q].quant.axis = 0; /* 3 scales along an axis of 2 */
    tu_run_fails(&g, &xt, 1, DPU_E_INVALID, "output 'q' has 3 scales on axis 0", NULL);
    dpu_graph_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantize_axis),
        cmocka_unit_test(test_dequantize_axis),
        cmocka_unit_test(test_quantize_dequantize_middle_axis),
        cmocka_unit_test(test_boundary_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
