/* ONNX's own node tests (libonnx-testdata): each model imported with every input but the
 * first bound to its test data (as the conformance driver does), then the graph checked:
 * the op it maps to, and the output's shape and element type against output_0.pb. The
 * values are the conformance driver's business (tests/conformance). */
#include "onnx_test_util.h"

#include <unistd.h>

struct case_ {
    const char *test;
    enum dpu_node_op op; /* an op the graph must contain */
    bool quantized;
};

static const struct case_ cases[] = {
    {"test_conv_with_strides_padding", DPU_NODE_CONV2D, false},
    {"test_conv_with_strides_and_asymmetric_padding", DPU_NODE_CONV2D, false},
    {"test_conv_with_autopad_same", DPU_NODE_CONV2D, false},
    {"test_basic_conv_without_padding", DPU_NODE_CONV2D, false},
    {"test_maxpool_2d_same_upper", DPU_NODE_MAX_POOL, false},
    {"test_maxpool_2d_same_lower", DPU_NODE_MAX_POOL, false},
    {"test_maxpool_2d_ceil", DPU_NODE_MAX_POOL, false},
    {"test_maxpool_2d_dilations", DPU_NODE_MAX_POOL, false},
    {"test_maxpool_1d_default", DPU_NODE_MAX_POOL, false},
    {"test_averagepool_2d_pads_count_include_pad", DPU_NODE_AVG_POOL, false},
    {"test_averagepool_2d_precomputed_same_upper", DPU_NODE_AVG_POOL, false},
    {"test_globalaveragepool", DPU_NODE_GLOBAL_AVG_POOL, false},
    {"test_gemm_default_vector_bias", DPU_NODE_FULLY_CONNECTED, false},
    {"test_gemm_all_attributes", DPU_NODE_GEMM, false}, /* transA = 1 */
    {"test_gemm_transposeA", DPU_NODE_GEMM, false},
    {"test_matmul_2d", DPU_NODE_FULLY_CONNECTED, false},
    {"test_add_bcast", DPU_NODE_ADD, false},
    {"test_mul_bcast", DPU_NODE_MUL, false},
    {"test_concat_3d_axis_negative_2", DPU_NODE_CONCAT, false},
    {"test_relu", DPU_NODE_RELU, false},
    {"test_clip_splitbounds", DPU_NODE_CLIP, false},
    {"test_leakyrelu", DPU_NODE_LEAKY_RELU, false},
    {"test_hardsigmoid", DPU_NODE_HARD_SIGMOID, false},
    {"test_hardswish", DPU_NODE_HARD_SWISH, false},
    {"test_sigmoid", DPU_NODE_SIGMOID, false},
    {"test_tanh", DPU_NODE_TANH, false},
    {"test_softmax_axis_1", DPU_NODE_SOFTMAX, false},
    {"test_reshape_negative_extended_dims", DPU_NODE_RESHAPE, false},
    {"test_flatten_axis3", DPU_NODE_FLATTEN, false},
    {"test_transpose_all_permutations_4", DPU_NODE_TRANSPOSE, false},
    {"test_constant_pad", DPU_NODE_PAD, false},
    {"test_resize_upsample_scales_nearest", DPU_NODE_RESIZE, false},
    {"test_upsample_nearest", DPU_NODE_RESIZE, false},
    {"test_batchnorm_example", DPU_NODE_BATCH_NORM, false},
    {"test_unsqueeze_two_axes", DPU_NODE_RESHAPE, false},
    {"test_quantizelinear", DPU_NODE_QUANTIZE, true},
    {"test_dequantizelinear", DPU_NODE_DEQUANTIZE, true},
    {"test_qlinearmatmul_3D", DPU_NODE_MATMUL, true},
    {"test_qlinearconv", DPU_NODE_CONV2D, true}, /* asymmetric uint8 weights */
    {"test_quantizelinear_axis", DPU_NODE_QUANTIZE, true},
    {"test_dequantizelinear_axis", DPU_NODE_DEQUANTIZE, true},
    {"test_convinteger_with_padding", DPU_NODE_CONV2D, true}, /* raw int32 output */
    {"test_basic_convinteger", DPU_NODE_CONV2D, true},
    {"test_matmulinteger", DPU_NODE_MATMUL, true},
};

#define MAX_BOUND 16

/* Imports node test `test` with inputs 1.. bound to test_data_set_0; returns the error. */
static int import_node_test(const char *test, struct dpu_graph *g, struct dpu_diag *d)
{
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/node/%s", ONNX_TESTDATA_DIR, test);
    struct dpu_tensor bound[MAX_BOUND];
    char names[MAX_BOUND][128];
    struct dpu_onnx_binding b[MAX_BOUND];
    size_t nb = 0;
    for (int k = 1; k < MAX_BOUND; k++) {
        snprintf(path, sizeof path, "%s/test_data_set_0/input_%d.pb", dir, k);
        if (access(path, R_OK) != 0)
            break;
        dpu_diag_clear(d);
        if (dpu_onnx_read_tensor_pb(path, &bound[nb], names[nb], sizeof names[nb], d))
            fail_msg("%s: %s", test, dpu_diag_message(d));
        b[nb].name = names[nb];
        b[nb].value = &bound[nb];
        nb++;
    }
    struct dpu_onnx_options o = {.mode = DPU_ONNX_AUTO, .nbindings = nb, .bindings = b};
    dpu_graph_init(g);
    dpu_diag_clear(d);
    snprintf(path, sizeof path, "%s/model.onnx", dir);
    int err = dpu_onnx_import(path, &o, g, NULL, d);
    for (size_t i = 0; i < nb; i++)
        dpu_tensor_free(&bound[i]);
    return err;
}

static void check_case(const struct case_ *c)
{
    char path[600];
    struct dpu_diag d;
    struct dpu_graph g;
    int err = import_node_test(c->test, &g, &d);
    if (err)
        fail_msg("%s: %s", c->test, dpu_diag_message(&d));
    if (g.quantized != c->quantized || count_op(&g, c->op) < 1)
        fail_msg("%s: expected a %s graph with %s", c->test, c->quantized ? "quantized" : "float",
                 dpu_node_op_name(c->op));

    struct dpu_tensor want;
    snprintf(path, sizeof path, "%s/node/%s/test_data_set_0/output_0.pb", ONNX_TESTDATA_DIR,
             c->test);
    dpu_diag_clear(&d);
    if (dpu_onnx_read_tensor_pb(path, &want, NULL, 0, &d))
        fail_msg("%s: %s", c->test, dpu_diag_message(&d));
    assert_int_equal(g.noutputs, 1);
    const struct dpu_gtensor *y = tensor_of(&g, g.outputs[0]);
    bool same = y->rank == want.rank;
    for (int i = 0; same && i < y->rank; i++)
        same = y->dims[i] == want.dims[i];
    /* uint8 outputs are int8 in the graph. */
    enum dpu_dtype wdt = want.dtype == DPU_DT_UINT8 ? DPU_DT_INT8 : want.dtype;
    if (!same || y->dtype != wdt)
        fail_msg("%s: output shape or type differs from output_0.pb", c->test);
    dpu_tensor_free(&want);
    dpu_graph_free(&g);
}

static void test_node_tests(void **state)
{
    (void)state;
    if (access(ONNX_TESTDATA_DIR "/node", R_OK) != 0)
        skip();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_case(&cases[i]);
}

/* What the IR cannot express is refused by name, not mangled. */
static void test_node_refusals(void **state)
{
    (void)state;
    static const struct {
        const char *test, *want;
    } refusals[] = {
        {"test_convtranspose", "op ConvTranspose is not supported"},
        {"test_maxpool_3d_default", "only 1-D (N, C, L) and 2-D"},
        {"test_resize_upsample_sizes_nearest_floor_align_corners", "align_corners"},
        {"test_maxpool_with_argmax_2d_precomputed_pads", "Indices output"},
        {"test_dropout_default_mask", "mask output is used"},
    };
    if (access(ONNX_TESTDATA_DIR "/node", R_OK) != 0)
        skip();
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        struct dpu_graph g;
        struct dpu_diag d;
        int err = import_node_test(refusals[i].test, &g, &d);
        dpu_graph_free(&g);
        if (err == DPU_OK || !strstr(d.msg, refusals[i].want))
            fail_msg("%s: expected a refusal with '%s', got: %s", refusals[i].test,
                     refusals[i].want, dpu_diag_message(&d));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_node_tests),
        cmocka_unit_test(test_node_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
