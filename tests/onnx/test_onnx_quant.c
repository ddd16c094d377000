/* Quantized import: QDQ models (QuantizeLinear/DequantizeLinear around float ops) and the
 * operator form (QLinearConv, QLinearMatMul, QLinearAdd, QLinearGlobalAveragePool), the
 * integer ops (ConvInteger, MatMulInteger), per-axis Quantize/Dequantize, uint8 ->
 * int8, fused clamps, lookup tables, exp tables, and the refusals the contract requires. */
#include "onnx_test_util.h"

#include "dpu/qparams.h"
#include "dpu/ref.h"

static int8_t w8[4096];

static void init_weights(void)
{
    for (size_t i = 0; i < sizeof w8; i++)
        w8[i] = (int8_t)((int)(i * 37 % 255) - 127); /* [-127, 127], never -128 */
}

/* x(float) -> Q(uint8) -> DQ -> Conv(DQ w per-channel, DQ int32 bias) -> Relu -> Q(uint8)
 * -> DQ -> y(float). */
static struct mb *qdq_conv(bool with_relu, const int8_t *weights)
{
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 4, (int64_t[]){1, 2, 4, 4});
    mb_scalar_f(m, "xs", 0.05f);
    mb_scalar_u8(m, "xz", 128);
    mb_init_i8(m, "w", 4, (int64_t[]){3, 2, 3, 3}, weights);
    mb_init_f(m, "ws", 1, (int64_t[]){3}, (float[]){0.01f, 0.02f, 0.04f});
    mb_init_i8(m, "wz", 1, (int64_t[]){3}, (int8_t[]){0, 0, 0});
    mb_init_i32(m, "b", 1, (int64_t[]){3}, (int32_t[]){100, -200, 300});
    mb_init_f(m, "bs", 1, (int64_t[]){3}, (float[]){0.05f * 0.01f, 0.05f * 0.02f, 0.05f * 0.04f});
    mb_init_i32(m, "bz", 1, (int64_t[]){3}, (int32_t[]){0, 0, 0});
    mb_scalar_f(m, "ys", 0.1f);
    mb_scalar_u8(m, "yz", 10);
    mb_node(m, "QuantizeLinear", "q_in", "x,xs,xz", "xq");
    mb_node(m, "DequantizeLinear", "dq_in", "xq,xs,xz", "xf");
    struct mb_node *n = mb_node(m, "DequantizeLinear", "dq_w", "w,ws,wz", "wf");
    mb_attr_i(n, "axis", 0);
    n = mb_node(m, "DequantizeLinear", "dq_b", "b,bs,bz", "bf");
    mb_attr_i(n, "axis", 0);
    n = mb_node(m, "Conv", "conv", "xf,wf,bf", with_relu ? "c" : "r");
    mb_attr_ints(n, "pads", 4, (int64_t[]){1, 1, 1, 1});
    if (with_relu)
        mb_node(m, "Relu", "relu", "c", "r");
    mb_node(m, "QuantizeLinear", "q_out", "r,ys,yz", "yq");
    mb_node(m, "DequantizeLinear", "dq_out", "yq,ys,yz", "y");
    mb_output(m, "y");
    return m;
}

static void test_qdq_conv_relu(void **state)
{
    (void)state;
    struct dpu_graph g;
    struct dpu_onnx_report r;
    import_ok(qdq_conv(true, w8), DPU_ONNX_AUTO, &g, &r);
    assert_true(g.quantized);
    assert_int_equal(g.nnodes, 3);
    assert_int_equal(find_node(&g, "q_in")->op, DPU_NODE_QUANTIZE);
    assert_int_equal(find_node(&g, "dq_out")->op, DPU_NODE_DEQUANTIZE);
    const struct dpu_gnode *c = find_node(&g, "conv");
    assert_int_equal(c->op, DPU_NODE_CONV2D);
    /* The input's uint8 zero point 128 is 0 as int8; the output's 10 is -118, the Relu's
     * clamp starts there. */
    const struct dpu_gtensor *x = tensor_of(&g, c->inputs[0]);
    assert_int_equal(x->dtype, DPU_DT_INT8);
    assert_int_equal(x->quant.count, 1);
    assert_int_equal(x->quant.zero_point[0], 0);
    assert_true(x->quant.scale[0] == 0.05f);
    const struct dpu_gtensor *y = tensor_of(&g, c->outputs[0]);
    assert_string_equal(y->name, "yq");
    assert_int_equal(y->quant.zero_point[0], -118);
    assert_ints(c, "clamp", 2, -118, 127);
    const struct dpu_gtensor *w = tensor_of(&g, c->inputs[1]);
    assert_int_equal(w->dtype, DPU_DT_INT8);
    assert_int_equal(w->quant.axis, 0);
    assert_int_equal(w->quant.count, 3);
    assert_true(w->quant.scale[2] == 0.04f);
    assert_memory_equal(w->data, w8, 54);
    const struct dpu_gtensor *b = tensor_of(&g, c->inputs[2]);
    assert_int_equal(b->dtype, DPU_DT_INT32);
    assert_int_equal(((const int32_t *)b->data)[1], -200);
    assert_true(b->quant.scale[1] == (float)(0.05 * (double)0.02f) ||
                fabs(b->quant.scale[1] - 0.001) < 1e-9);
    assert_int_equal(r.nuint8_inputs, 0);
    assert_int_equal(r.nuint8_outputs, 0);
    dpu_graph_free(&g);

    /* Without the Relu: no clamp. */
    import_ok(qdq_conv(false, w8), DPU_ONNX_AUTO, &g, NULL);
    assert_null(dpu_node_attr(find_node(&g, "conv"), "clamp"));
    dpu_graph_free(&g);
}

static void test_qdq_weight_refusals(void **state)
{
    (void)state;
    /* Weights holding -128 are kept as they are, and with zero point 0 they stay symmetric:
     * the accelerator runs them (docs/arithmetic.md, 1). */
    int8_t odd[54];
    memcpy(odd, w8, sizeof odd);
    odd[7] = -128;
    struct dpu_graph g;
    import_ok(qdq_conv(true, odd), DPU_ONNX_AUTO, &g, NULL);
    const struct dpu_gnode *conv = find_node(&g, "conv");
    const struct dpu_gtensor *w = tensor_of(&g, conv->inputs[1]);
    assert_int_equal(((const int8_t *)w->data)[7], -128);
    assert_true(dpu_graph_weights_symmetric(&g, conv));
    dpu_graph_free(&g);

    /* Weights quantized along another axis than the output channels: refused. */
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_INT8, 4, (int64_t[]){1, 2, 2, 2});
    mb_scalar_f(m, "s", 0.5f);
    mb_init_i8(m, "w", 4, (int64_t[]){1, 2, 1, 1}, (int8_t[]){3, 4});
    mb_init_f(m, "ws", 1, (int64_t[]){2}, (float[]){0.5f, 0.25f});
    mb_node(m, "DequantizeLinear", "dq_x", "x,s", "xf");
    mb_attr_i(mb_node(m, "DequantizeLinear", "dq_w", "w,ws", "wf"), "axis", 1);
    mb_node(m, "Conv", "conv", "xf,wf", "c");
    mb_node(m, "QuantizeLinear", "q", "c,s", "y");
    mb_output(m, "y");
    import_fails(m, DPU_E_UNSUPPORTED, "node 'conv' (Conv)", "along axis 1", NULL);

    /* A float bias in a quantized model is quantized; a NaN in it is refused. */
    m = mb_new(13);
    mb_input(m, "x", MB_INT8, 4, (int64_t[]){1, 1, 2, 2});
    mb_scalar_f(m, "s", 0.5f);
    mb_init_i8(m, "w", 4, (int64_t[]){1, 1, 1, 1}, (int8_t[]){3});
    mb_init_f(m, "b", 1, (int64_t[]){1}, (float[]){NAN});
    mb_node(m, "DequantizeLinear", "dq_x", "x,s", "xf");
    mb_node(m, "DequantizeLinear", "dq_w", "w,s", "wf");
    mb_node(m, "Conv", "conv", "xf,wf,b", "c");
    mb_node(m, "QuantizeLinear", "q", "c,s", "y");
    mb_output(m, "y");
    import_fails(m, DPU_E_INVALID, "node 'conv' (Conv): bias 'b' holds a NaN", NULL);

    /* A float op whose result is not quantized again. */
    m = mb_new(13);
    mb_input(m, "x", MB_INT8, 2, (int64_t[]){1, 4});
    mb_scalar_f(m, "s", 0.5f);
    mb_scalar_i8(m, "z", 0);
    mb_node(m, "DequantizeLinear", "dq", "x,s,z", "xf");
    mb_node(m, "Sigmoid", "sig", "xf", "y");
    mb_output(m, "y");
    import_fails(m, DPU_E_UNSUPPORTED, "node 'sig' (Sigmoid)", "not quantized", NULL);

    /* A quantization op in a float import. */
    m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){1, 4});
    mb_scalar_f(m, "s", 0.5f);
    mb_node(m, "QuantizeLinear", "q", "x,s", "y");
    mb_output(m, "y");
    struct dpu_diag d;
    assert_int_equal(import_mb(m, DPU_ONNX_FLOAT, &g, NULL, &d), DPU_E_UNSUPPORTED);
    assert_non_null(strstr(d.msg, "float import was requested"));
    dpu_graph_free(&g);
}

/* DQ -> op -> Q around an activation with a lookup table. */
static struct mb *qdq_unary(const char *op, float s_in, int zp_in, float s_out, int zp_out)
{
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_INT8, 2, (int64_t[]){1, 16});
    mb_scalar_f(m, "si", s_in);
    mb_scalar_i8(m, "zi", (int8_t)zp_in);
    mb_scalar_f(m, "so", s_out);
    mb_scalar_i8(m, "zo", (int8_t)zp_out);
    mb_node(m, "DequantizeLinear", "dq", "x,si,zi", "xf");
    mb_node(m, op, "act", "xf", "a");
    mb_node(m, "QuantizeLinear", "q", "a,so,zo", "y");
    mb_output(m, "y");
    return m;
}

static void test_lut(void **state)
{
    (void)state;
    struct dpu_graph g;
    struct dpu_onnx_report r;
    import_ok(qdq_unary("Sigmoid", 0.0625f, 3, 1.0f / 256, -128), DPU_ONNX_AUTO, &g, &r);
    assert_int_equal(g.nnodes, 1);
    const struct dpu_gnode *a = find_node(&g, "act");
    assert_int_equal(a->op, DPU_NODE_SIGMOID);
    const struct dpu_attr *lut = dpu_node_attr(a, "lut");
    assert_non_null(lut);
    assert_int_equal(lut->n, 256);
    for (int i = 0; i < 256; i++) {
        float x = (float)(i - 128 - 3) * 0.0625f;
        float y = (float)(1.0 / (1.0 + exp(-(double)x)));
        assert_int_equal(lut->ints[i], dpu_quantize_f32(y, 1.0f / 256, -128, -128, 127));
    }
    /* int8 graph I/O stays int8: nothing to report. */
    assert_int_equal(r.nuint8_inputs + r.nuint8_outputs, 0);
    assert_int_equal(tensor_of(&g, g.inputs[0])->dtype, DPU_DT_INT8);
    dpu_graph_free(&g);

    const char *ops[] = {"Tanh", "HardSigmoid", "HardSwish", "LeakyRelu"};
    for (size_t i = 0; i < 4; i++) {
        import_ok(qdq_unary(ops[i], 0.05f, 0, 0.02f, 0), DPU_ONNX_AUTO, &g, NULL);
        assert_non_null(dpu_node_attr(find_node(&g, "act"), "lut"));
        dpu_graph_free(&g);
    }
    /* A standalone quantized Relu is a clamp at the output's zero point. */
    import_ok(qdq_unary("Relu", 0.05f, 0, 0.05f, -20), DPU_ONNX_AUTO, &g, NULL);
    assert_ints(find_node(&g, "act"), "clamp", 2, -20, 127);
    dpu_graph_free(&g);
}

static void test_softmax_exp_table(void **state)
{
    (void)state;
    struct dpu_graph g;
    import_ok(qdq_unary("Softmax", 0.125f, 0, 1.0f / 256, -128), DPU_ONNX_AUTO, &g, NULL);
    const struct dpu_attr *t = dpu_node_attr(find_node(&g, "act"), "exp_table");
    assert_non_null(t);
    assert_int_equal(t->n, 256);
    assert_int_equal(t->ints[0], 1 << 23);
    assert_int_equal(t->ints[1], llround(exp(-0.125) * 8388608.0));
    assert_int_equal(t->ints[255], llround(exp(-255 * 0.125) * 8388608.0));
    dpu_graph_free(&g);
}

/* uint8 graph input and output: int8 in the graph, reported, zero points shifted. */
static void test_uint8_io(void **state)
{
    (void)state;
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_UINT8, 2, (int64_t[]){1, 8});
    mb_scalar_f(m, "s", 0.1f);
    mb_scalar_u8(m, "z", 100);
    mb_scalar_f(m, "so", 0.2f);
    mb_scalar_u8(m, "zo", 0);
    mb_node(m, "DequantizeLinear", "dq", "x,s,z", "xf");
    mb_node(m, "Relu", "relu", "xf", "r");
    mb_node(m, "QuantizeLinear", "q", "r,so,zo", "y");
    mb_output(m, "y");
    struct dpu_graph g;
    struct dpu_onnx_report r;
    import_ok(m, DPU_ONNX_AUTO, &g, &r);
    assert_int_equal(r.nuint8_inputs, 1);
    assert_int_equal(r.uint8_inputs[0], 0);
    assert_int_equal(r.nuint8_outputs, 1);
    assert_int_equal(r.uint8_outputs[0], 0);
    const struct dpu_gtensor *x = tensor_of(&g, g.inputs[0]), *y = tensor_of(&g, g.outputs[0]);
    assert_int_equal(x->dtype, DPU_DT_INT8);
    assert_int_equal(x->quant.zero_point[0], -28);
    assert_int_equal(y->quant.zero_point[0], -128);
    assert_ints(find_node(&g, "relu"), "clamp", 2, -128, 127);
    dpu_graph_free(&g);
}

/* Data movement without a QuantizeLinear keeps the input's scale; Gemm reads it. */
static void test_passthrough(void **state)
{
    (void)state;
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_INT8, 4, (int64_t[]){1, 2, 2, 2});
    mb_scalar_f(m, "s", 0.1f);
    mb_scalar_i8(m, "z", 5);
    mb_init_i8(m, "w", 2, (int64_t[]){3, 8}, w8);
    mb_scalar_f(m, "ws", 0.01f);
    mb_scalar_f(m, "so", 0.3f);
    mb_scalar_i8(m, "zo", -3);
    mb_node(m, "DequantizeLinear", "dq", "x,s,z", "xf");
    mb_node(m, "DequantizeLinear", "dq_w", "w,ws", "wf");
    mb_node(m, "Flatten", "flat", "xf", "f");
    struct mb_node *n = mb_node(m, "Gemm", "fc", "f,wf", "o");
    mb_attr_i(n, "transB", 1);
    mb_node(m, "QuantizeLinear", "q", "o,so,zo", "y");
    mb_output(m, "y");
    struct dpu_graph g;
    import_ok(m, DPU_ONNX_AUTO, &g, NULL);
    const struct dpu_gnode *flat = find_node(&g, "flat"), *fc = find_node(&g, "fc");
    const struct dpu_gtensor *f = tensor_of(&g, flat->outputs[0]);
    assert_int_equal(f->dtype, DPU_DT_INT8);
    assert_int_equal(f->quant.zero_point[0], 5);
    assert_int_equal(fc->inputs[0], flat->outputs[0]);
    assert_int_equal(fc->op, DPU_NODE_FULLY_CONNECTED);
    assert_int_equal(tensor_of(&g, fc->inputs[1])->quant.count, 3);
    dpu_graph_free(&g);
}

/* Data movement after a DequantizeLinear straight into a float graph output: the int8
 * result is dequantized at the boundary (found by fuzzing). */
static void test_passthrough_to_output(void **state)
{
    (void)state;
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_INT8, 2, (int64_t[]){1, 4});
    mb_scalar_f(m, "s", 0.5f);
    mb_node(m, "DequantizeLinear", "dq", "x,s", "xf");
    mb_node(m, "Squeeze", "squeeze", "xf", "y");
    mb_output(m, "y");
    struct dpu_graph g;
    import_ok(m, DPU_ONNX_AUTO, &g, NULL);
    assert_int_equal(g.nnodes, 2);
    assert_int_equal(find_node(&g, "squeeze")->op, DPU_NODE_RESHAPE);
    assert_int_equal(find_node(&g, "squeeze/dequantize")->op, DPU_NODE_DEQUANTIZE);
    const struct dpu_gtensor *y = tensor_of(&g, g.outputs[0]);
    assert_string_equal(y->name, "y");
    assert_int_equal(y->dtype, DPU_DT_FLOAT32);
    assert_dims(y, 1, 4);
    dpu_graph_free(&g);
}

/* A QuantizeLinear to other parameters after data movement (PyTorch's FX observes a
 * Flatten anew) or straight after a DequantizeLinear: a rescale, an int8 Clip over the
 * whole range. After the Flatten it runs first, on the Flatten's input, and the Flatten
 * carries the new parameters. */
static void test_requantize(void **state)
{
    (void)state;
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_UINT8, 4, (int64_t[]){1, 2, 1, 1});
    mb_scalar_f(m, "s", 0.04f);
    mb_scalar_u8(m, "z", 80);
    mb_scalar_f(m, "s2", 0.01f);
    mb_scalar_u8(m, "z2", 0);
    mb_scalar_f(m, "s3", 0.02f);
    mb_scalar_i8(m, "z3", 3);
    mb_node(m, "DequantizeLinear", "dq", "x,s,z", "xf");
    mb_node(m, "Flatten", "flat", "xf", "f");
    mb_node(m, "QuantizeLinear", "q", "f,s2,z2", "fq");
    mb_node(m, "DequantizeLinear", "dq2", "fq,s2,z2", "ff");
    mb_node(m, "QuantizeLinear", "q2", "ff,s3,z3", "y");
    mb_output(m, "y");
    struct dpu_graph g;
    import_ok(m, DPU_ONNX_AUTO, &g, NULL);
    assert_int_equal(g.nnodes, 3);
    const struct dpu_gnode *flat = find_node(&g, "flat"), *q = find_node(&g, "q"),
                           *q2 = find_node(&g, "q2");
    assert_int_equal(q->op, DPU_NODE_CLIP);
    assert_true(q < flat);
    assert_int_equal(q->inputs[0], g.inputs[0]);
    assert_ints(q, "clamp", 2, -128, 127);
    const struct dpu_gtensor *r = tensor_of(&g, q->outputs[0]);
    assert_dims(r, 4, 1, 2, 1, 1);
    assert_true(r->quant.scale[0] == 0.01f);
    assert_int_equal(r->quant.zero_point[0], -128);
    assert_int_equal(flat->op, DPU_NODE_FLATTEN);
    assert_int_equal(flat->inputs[0], q->outputs[0]);
    const struct dpu_gtensor *f = tensor_of(&g, flat->outputs[0]);
    assert_string_equal(f->name, "fq");
    assert_true(f->quant.scale[0] == 0.01f);
    assert_int_equal(f->quant.zero_point[0], -128);
    assert_int_equal(q2->op, DPU_NODE_CLIP);
    assert_int_equal(q2->inputs[0], flat->outputs[0]);
    const struct dpu_gtensor *y = tensor_of(&g, q2->outputs[0]);
    assert_int_equal(y->quant.zero_point[0], 3);
    assert_int_equal(q2->outputs[0], g.outputs[0]);
    dpu_graph_free(&g);
}

/* int8 x [1, 64, 2, 2] (all 256 values) -> DQ -> op -> QuantizeLinear to other parameters
 * -> y. keep_order: the op's float result is a graph output too, so the op keeps its
 * input's scale and the rescale stays after it. */
static struct mb *requant_after(const char *op, bool keep_order)
{
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_INT8, 4, (int64_t[]){1, 64, 2, 2});
    mb_scalar_f(m, "s", 0.037f);
    mb_scalar_i8(m, "z", -5);
    mb_scalar_f(m, "s2", 0.0913f);
    mb_scalar_u8(m, "z2", 140);
    mb_node(m, "DequantizeLinear", "dq", "x,s,z", "xf");
    if (strcmp(op, "Transpose") == 0) {
        struct mb_node *n = mb_node(m, op, "move", "xf", "f");
        mb_attr_ints(n, "perm", 4, (int64_t[]){0, 2, 3, 1});
    } else if (strcmp(op, "Resize") == 0) {
        mb_init_f(m, "scales", 1, (int64_t[]){4}, (float[]){1, 1, 2, 2});
        struct mb_node *n = mb_node(m, op, "move", "xf,,scales", "f");
        mb_attr_s(n, "mode", "nearest");
        mb_attr_s(n, "coordinate_transformation_mode", "asymmetric");
        mb_attr_s(n, "nearest_mode", "floor");
    } else if (strcmp(op, "Reshape") == 0) {
        mb_init_i64(m, "shape", 1, (int64_t[]){2}, (int64_t[]){16, 16});
        mb_node(m, op, "move", "xf,shape", "f");
    } else {
        mb_node(m, op, "move", "xf", "f");
    }
    mb_node(m, "QuantizeLinear", "q", "f,s2,z2", "y");
    mb_output(m, "y");
    if (keep_order)
        mb_output(m, "f");
    return m;
}

/* Runs g on the int8 values -128..127 as x; returns output 0 in y (free with
 * dpu_tensor_free). */
static void run_all_values(const struct dpu_graph *g, struct dpu_tensor *y)
{
    int8_t xs[256];
    for (int i = 0; i < 256; i++)
        xs[i] = (int8_t)(i - 128);
    struct dpu_tensor x = {.dtype = DPU_DT_INT8, .rank = 4, .dims = {1, 64, 2, 2}, .data = xs};
    struct dpu_tensor out[2] = {0};
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_ref_run(g, &x, 1, out, &d))
        fail_msg("reference run failed: %s", dpu_diag_message(&d));
    *y = out[0];
    for (size_t i = 1; i < g->noutputs; i++)
        dpu_tensor_free(&out[i]);
}

/* PyTorch's GlobalAveragePool -> Q -> DQ -> Flatten -> Q (new parameters): the rescale
 * runs before an op that only moves bytes, on its 4-D input (the compiler runs it on the
 * accelerator and folds the Flatten into the FullyConnected after it). Moving it gives the
 * same bytes as rescaling after the op, for every int8 value. */
static void test_rescale_before_move(void **state)
{
    (void)state;
    static const char *const ops[] = {"Flatten", "Reshape", "Transpose", "Resize"};
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        struct dpu_graph moved, kept;
        import_ok(requant_after(ops[k], false), DPU_ONNX_AUTO, &moved, NULL);
        import_ok(requant_after(ops[k], true), DPU_ONNX_AUTO, &kept, NULL);
        assert_int_equal(moved.nnodes, 2);
        const struct dpu_gnode *q = find_node(&moved, "q"), *mv = find_node(&moved, "move");
        assert_int_equal(q->op, DPU_NODE_CLIP);
        assert_true(q < mv); /* the rescale comes first */
        assert_int_equal(q->inputs[0], moved.inputs[0]);
        assert_int_equal(mv->inputs[0], q->outputs[0]);
        assert_int_equal(mv->outputs[0], moved.outputs[0]);
        const struct dpu_gtensor *r = tensor_of(&moved, q->outputs[0]);
        assert_dims(r, 4, 1, 64, 2, 2);
        assert_true(r->quant.scale[0] == 0.0913f);
        assert_int_equal(r->quant.zero_point[0], 12);
        const struct dpu_gtensor *y = tensor_of(&moved, moved.outputs[0]);
        assert_string_equal(y->name, "y");
        assert_true(y->quant.scale[0] == 0.0913f);
        assert_int_equal(y->quant.zero_point[0], 12);
        /* With the op's result also a graph output, the op keeps the input's scale and the
         * rescale follows it. */
        const struct dpu_gnode *kq = find_node(&kept, "q"), *kmv = find_node(&kept, "move");
        assert_true(kmv < kq);
        assert_int_equal(kq->inputs[0], kmv->outputs[0]);
        assert_true(tensor_of(&kept, kmv->outputs[0])->quant.scale[0] == 0.037f);
        struct dpu_tensor a, b;
        run_all_values(&moved, &a);
        run_all_values(&kept, &b);
        assert_int_equal(dpu_tensor_count(&a), dpu_tensor_count(&b));
        assert_true(dpu_tensor_count(&a) >= 256);
        assert_memory_equal(a.data, b.data, (size_t)dpu_tensor_count(&a));
        dpu_tensor_free(&a);
        dpu_tensor_free(&b);
        dpu_graph_free(&moved);
        dpu_graph_free(&kept);
    }
}

/* PyTorch's unfused ReLU6: Conv -> Q -> DQ -> Clip(0, 6) -> Q with the same parameters
 * becomes the Conv's clamp [Q(0), Q(6)]; a Clip whose QuantizeLinear picks other
 * parameters stays a Clip (it rescales), and so does one whose input has another reader. */
static struct mb *fake_quant_relu6(float s_after, bool second_reader, bool pool)
{
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 4, (int64_t[]){1, 2, 4, 4});
    mb_scalar_f(m, "xs", 0.05f);
    mb_scalar_u8(m, "xz", 128);
    mb_init_f(m, "w", 4, (int64_t[]){3, 2, 1, 1}, (float[]){1, -1, 0.5f, 2, 0, -2});
    mb_init_f(m, "ws", 1, (int64_t[]){3}, (float[]){0.01f, 0.02f, 0.04f});
    mb_init_i8(m, "wz", 1, (int64_t[]){3}, (int8_t[]){0, 0, 0});
    mb_init_f(m, "b", 1, (int64_t[]){3}, (float[]){0.1f, -0.2f, 0.3f});
    mb_scalar_f(m, "cs", 0.05f);
    mb_scalar_u8(m, "cz", 100);
    mb_scalar_f(m, "as", s_after);
    mb_scalar_u8(m, "az", 100);
    mb_node(m, "QuantizeLinear", "q_in", "x,xs,xz", "xq");
    mb_node(m, "DequantizeLinear", "dq_in", "xq,xs,xz", "xf");
    struct mb_node *n = mb_node(m, "QuantizeLinear", "q_w", "w,ws,wz", "wq");
    mb_attr_i(n, "axis", 0);
    n = mb_node(m, "DequantizeLinear", "dq_w", "wq,ws,wz", "wf");
    mb_attr_i(n, "axis", 0);
    mb_node(m, "Conv", "conv", "xf,wf,b", "c");
    mb_node(m, "QuantizeLinear", "q_c", "c,cs,cz", "cq");
    mb_node(m, "DequantizeLinear", "dq_c", "cq,cs,cz", "cf");
    mb_scalar_f(m, "lo", 0);
    mb_scalar_f(m, "hi", 6);
    if (pool) { /* MaxPool's result is a view of an int8 tensor the planner makes */
        struct mb_node *p = mb_node(m, "MaxPool", "pool", "cf", "pf");
        mb_attr_ints(p, "kernel_shape", 2, (int64_t[]){2, 2});
    }
    mb_node(m, "Clip", "relu6", pool ? "pf,lo,hi" : "cf,lo,hi", "r");
    mb_node(m, "QuantizeLinear", "q_r", "r,as,az", "rq");
    mb_node(m, "DequantizeLinear", "dq_r", "rq,as,az", "y");
    mb_output(m, "y");
    if (second_reader) {
        mb_node(m, "DequantizeLinear", "dq_c2", "cq,cs,cz", "y2");
        mb_output(m, "y2");
    }
    return m;
}

/* Clip(0, 6) may be emitted as Clip or as Relu6 (the same clamp). */
static bool is_clamp_op(enum dpu_node_op op)
{
    return op == DPU_NODE_CLIP || op == DPU_NODE_RELU6;
}

static void test_fake_quant_relu6(void **state)
{
    (void)state;
    struct dpu_graph g;
    import_ok(fake_quant_relu6(0.05f, false, false), DPU_ONNX_AUTO, &g, NULL);
    assert_int_equal(g.nnodes, 3); /* Quantize, Conv2D, Dequantize */
    const struct dpu_gnode *c = find_node(&g, "conv");
    assert_int_equal(c->op, DPU_NODE_CONV2D);
    /* In the int8 domain z = 100 - 128 = -28: Q(0) = -28, Q(6) = 6 / 0.05 - 28 = 92. */
    assert_ints(c, "clamp", 2, -28, 92);
    assert_int_equal(c->outputs[0], find_node(&g, "dq_r")->inputs[0]);
    dpu_graph_free(&g);

    import_ok(fake_quant_relu6(0.1f, false, false), DPU_ONNX_AUTO, &g, NULL);
    assert_int_equal(g.nnodes, 4);
    assert_true(is_clamp_op(find_node(&g, "relu6")->op));
    assert_null(dpu_node_attr(find_node(&g, "conv"), "clamp"));
    dpu_graph_free(&g);

    import_ok(fake_quant_relu6(0.05f, true, false), DPU_ONNX_AUTO, &g, NULL);
    assert_int_equal(g.nnodes, 5);
    assert_true(is_clamp_op(find_node(&g, "relu6")->op));
    dpu_graph_free(&g);

    import_ok(fake_quant_relu6(0.05f, false, true), DPU_ONNX_AUTO, &g, NULL);
    assert_int_equal(g.nnodes, 5);
    assert_int_equal(find_node(&g, "pool")->op, DPU_NODE_MAX_POOL);
    assert_true(is_clamp_op(find_node(&g, "relu6")->op));
    dpu_graph_free(&g);
}

/* QLinearConv with symmetric int8 weights; the int32 bias is taken as is. */
static void test_qlinear_conv(void **state)
{
    (void)state;
    struct mb *m = mb_new(10);
    mb_input(m, "x", MB_UINT8, 4, (int64_t[]){1, 1, 3, 3});
    mb_scalar_f(m, "xs", 0.02f);
    mb_scalar_u8(m, "xz", 128);
    mb_init_i8(m, "w", 4, (int64_t[]){2, 1, 2, 2}, w8);
    mb_init_f(m, "ws", 1, (int64_t[]){2}, (float[]){0.1f, 0.2f});
    mb_init_i8(m, "wz", 1, (int64_t[]){2}, (int8_t[]){0, 0});
    mb_scalar_f(m, "ys", 0.5f);
    mb_scalar_u8(m, "yz", 128);
    mb_init_i32(m, "b", 1, (int64_t[]){2}, (int32_t[]){7, -7});
    mb_node(m, "QLinearConv", "qconv", "x,xs,xz,w,ws,wz,ys,yz,b", "y");
    mb_output(m, "y");
    struct dpu_graph g;
    struct dpu_onnx_report r;
    import_ok(m, DPU_ONNX_AUTO, &g, &r);
    const struct dpu_gnode *c = find_node(&g, "qconv");
    assert_int_equal(c->op, DPU_NODE_CONV2D);
    assert_int_equal(tensor_of(&g, c->inputs[1])->quant.count, 2);
    assert_int_equal(((const int32_t *)tensor_of(&g, c->inputs[2])->data)[1], -7);
    assert_dims(tensor_of(&g, c->outputs[0]), 4, 1, 2, 2, 2);
    assert_int_equal(r.nuint8_inputs, 1);
    assert_int_equal(r.nuint8_outputs, 1);
    dpu_graph_free(&g);

    /* Asymmetric uint8 weights (ONNX's own test: zero point 255) become int8 weights with
     * zero point 127 and values - 128 (0 becomes -128). */
    m = mb_new(10);
    mb_input(m, "x", MB_UINT8, 4, (int64_t[]){1, 1, 3, 3});
    mb_scalar_f(m, "xs", 0.02f);
    mb_scalar_u8(m, "xz", 128);
    mb_init_u8(m, "w", 4, (int64_t[]){1, 1, 1, 2}, (uint8_t[]){3, 0});
    mb_scalar_f(m, "ws", 0.1f);
    mb_scalar_u8(m, "wz", 255);
    mb_scalar_f(m, "ys", 0.5f);
    mb_scalar_u8(m, "yz", 128);
    mb_node(m, "QLinearConv", "qconv", "x,xs,xz,w,ws,wz,ys,yz", "y");
    mb_output(m, "y");
    import_ok(m, DPU_ONNX_AUTO, &g, NULL);
    c = find_node(&g, "qconv");
    assert_int_equal(c->op, DPU_NODE_CONV2D);
    assert_int_equal(c->ninputs, 2);
    const struct dpu_gtensor *w = tensor_of(&g, c->inputs[1]);
    assert_int_equal(w->quant.count, 1);
    assert_int_equal(w->quant.zero_point[0], 127);
    assert_int_equal(((const int8_t *)w->data)[0], -125);
    assert_int_equal(((const int8_t *)w->data)[1], -128);
    assert_false(dpu_graph_weights_symmetric(&g, c));
    dpu_graph_free(&g);

    /* Per-channel asymmetric int8 weights keep their zero points. */
    m = mb_new(10);
    mb_input(m, "x", MB_INT8, 4, (int64_t[]){1, 1, 3, 3});
    mb_scalar_f(m, "xs", 0.02f);
    mb_scalar_i8(m, "xz", -3);
    mb_init_i8(m, "w", 4, (int64_t[]){2, 1, 2, 2}, w8);
    mb_init_f(m, "ws", 1, (int64_t[]){2}, (float[]){0.1f, 0.2f});
    mb_init_i8(m, "wz", 1, (int64_t[]){2}, (int8_t[]){-128, 5});
    mb_scalar_f(m, "ys", 0.5f);
    mb_scalar_i8(m, "yz", 1);
    mb_node(m, "QLinearConv", "qconv", "x,xs,xz,w,ws,wz,ys,yz", "y");
    mb_output(m, "y");
    import_ok(m, DPU_ONNX_AUTO, &g, NULL);
    w = tensor_of(&g, find_node(&g, "qconv")->inputs[1]);
    assert_int_equal(w->quant.axis, 0);
    assert_int_equal(w->quant.count, 2);
    assert_int_equal(w->quant.zero_point[0], -128);
    assert_int_equal(w->quant.zero_point[1], 5);
    dpu_graph_free(&g);
}

/* ConvInteger: Conv2D with scale-1.0 operands carrying the zero points and a raw int32
 * output without quantization, no bias and no clamp. */
static void test_conv_integer(void **state)
{
    (void)state;
    for (int per_channel = 0; per_channel < 2; per_channel++) {
        struct mb *m = mb_new(10);
        mb_input(m, "x", MB_UINT8, 4, (int64_t[]){1, 1, 3, 3});
        mb_init_u8(m, "w", 4, (int64_t[]){2, 1, 2, 2}, (const uint8_t[]){0, 1, 2, 3, 4, 5, 6, 255});
        mb_scalar_u8(m, "xz", 130);
        if (per_channel)
            mb_init_u8(m, "wz", 1, (int64_t[]){2}, (const uint8_t[]){1, 200});
        else
            mb_scalar_u8(m, "wz", 1);
        struct mb_node *n = mb_node(m, "ConvInteger", "ci", "x,w,xz,wz", "y");
        mb_attr_ints(n, "pads", 4, (int64_t[]){1, 1, 1, 1});
        mb_output(m, "y");
        struct dpu_graph g;
        struct dpu_onnx_report r;
        import_ok(m, DPU_ONNX_AUTO, &g, &r);
        assert_true(g.quantized);
        const struct dpu_gnode *c = find_node(&g, "ci");
        assert_int_equal(c->op, DPU_NODE_CONV2D);
        assert_int_equal(c->ninputs, 2);
        assert_null(dpu_node_attr(c, "clamp"));
        const struct dpu_gtensor *x = tensor_of(&g, c->inputs[0]);
        assert_int_equal(x->dtype, DPU_DT_INT8);
        assert_int_equal(x->quant.count, 1);
        assert_true(x->quant.scale[0] == 1.0f);
        assert_int_equal(x->quant.zero_point[0], 2);
        const struct dpu_gtensor *w = tensor_of(&g, c->inputs[1]);
        assert_int_equal(w->quant.axis, 0);
        assert_int_equal(w->quant.count, 2);
        assert_true(w->quant.scale[0] == 1.0f && w->quant.scale[1] == 1.0f);
        assert_int_equal(w->quant.zero_point[0], -127);
        assert_int_equal(w->quant.zero_point[1], per_channel ? 72 : -127);
        assert_int_equal(((const int8_t *)w->data)[0], -128);
        assert_int_equal(((const int8_t *)w->data)[7], 127);
        const struct dpu_gtensor *y = tensor_of(&g, c->outputs[0]);
        assert_int_equal(y->dtype, DPU_DT_INT32);
        assert_int_equal(y->quant.count, 0);
        assert_int_equal(y->quant.axis, -1);
        assert_dims(y, 4, 1, 2, 4, 4);
        assert_int_equal(g.noutputs, 1);
        assert_int_equal(g.outputs[0], c->outputs[0]);
        assert_int_equal(r.nuint8_inputs, 1);
        assert_int_equal(r.nuint8_outputs, 0);
        dpu_graph_free(&g);
    }

    /* Without zero points: int8 operands with zero point 0. */
    struct mb *m = mb_new(10);
    mb_input(m, "x", MB_INT8, 4, (int64_t[]){1, 1, 2, 2});
    mb_init_i8(m, "w", 4, (int64_t[]){1, 1, 1, 1}, (const int8_t[]){-128});
    mb_node(m, "ConvInteger", "ci", "x,w", "y");
    mb_output(m, "y");
    struct dpu_graph g;
    import_ok(m, DPU_ONNX_AUTO, &g, NULL);
    const struct dpu_gnode *c = find_node(&g, "ci");
    assert_int_equal(tensor_of(&g, c->inputs[0])->quant.zero_point[0], 0);
    assert_int_equal(tensor_of(&g, c->inputs[1])->quant.zero_point[0], 0);
    dpu_graph_free(&g);

    /* The raw accumulator read by another op: refused, named. */
    m = mb_new(10);
    mb_input(m, "x", MB_INT8, 4, (int64_t[]){1, 1, 2, 2});
    mb_init_i8(m, "w", 4, (int64_t[]){1, 1, 1, 1}, (const int8_t[]){3});
    mb_node(m, "ConvInteger", "ci", "x,w", "acc");
    mb_node(m, "Reshape", "rs", "acc,shape", "y");
    mb_init_i64(m, "shape", 1, (int64_t[]){1}, (int64_t[]){4});
    mb_output(m, "y");
    import_fails(m, DPU_E_UNSUPPORTED, "node 'ci' (ConvInteger)", "'acc' is read by another op",
                 NULL);

    /* A 1-D ConvInteger would reshape the int32 accumulator: refused. */
    m = mb_new(10);
    mb_input(m, "x", MB_INT8, 3, (int64_t[]){1, 1, 4});
    mb_init_i8(m, "w", 3, (int64_t[]){1, 1, 1}, (const int8_t[]){3});
    mb_node(m, "ConvInteger", "ci", "x,w", "y");
    mb_output(m, "y");
    import_fails(m, DPU_E_UNSUPPORTED, "node 'ci' (ConvInteger)", "rank 3", NULL);

    /* One zero point per input channel of x: refused. */
    m = mb_new(10);
    mb_input(m, "x", MB_INT8, 4, (int64_t[]){1, 2, 2, 2});
    mb_init_i8(m, "w", 4, (int64_t[]){1, 2, 1, 1}, (const int8_t[]){3, 4});
    mb_init_i8(m, "xz", 1, (int64_t[]){2}, (const int8_t[]){1, 2});
    mb_node(m, "ConvInteger", "ci", "x,w,xz", "y");
    mb_output(m, "y");
    import_fails(m, DPU_E_UNSUPPORTED, "node 'ci' (ConvInteger)", "2 zero points for 'x'", NULL);
}

/* MatMulInteger: MatMul of scale-1.0 operands into a raw int32 output; B with one zero
 * point per column becomes FullyConnected weights [N, K], per channel. */
static void test_matmul_integer(void **state)
{
    (void)state;
    struct mb *m = mb_new(10);
    mb_input(m, "a", MB_UINT8, 2, (int64_t[]){4, 3});
    mb_init_u8(m, "b", 2, (int64_t[]){3, 2}, (const uint8_t[]){1, 2, 3, 4, 5, 6});
    mb_scalar_u8(m, "az", 12);
    mb_scalar_u8(m, "bz", 0);
    mb_node(m, "MatMulInteger", "mmi", "a,b,az,bz", "y");
    mb_output(m, "y");
    struct dpu_graph g;
    import_ok(m, DPU_ONNX_AUTO, &g, NULL);
    const struct dpu_gnode *n = find_node(&g, "mmi");
    assert_int_equal(n->op, DPU_NODE_MATMUL);
    assert_null(dpu_node_attr(n, "clamp"));
    const struct dpu_gtensor *a = tensor_of(&g, n->inputs[0]), *b = tensor_of(&g, n->inputs[1]);
    assert_true(a->quant.scale[0] == 1.0f && b->quant.scale[0] == 1.0f);
    assert_int_equal(a->quant.zero_point[0], -116);
    assert_int_equal(b->quant.zero_point[0], -128);
    assert_int_equal(b->quant.count, 1);
    const struct dpu_gtensor *y = tensor_of(&g, n->outputs[0]);
    assert_int_equal(y->dtype, DPU_DT_INT32);
    assert_int_equal(y->quant.count, 0);
    assert_dims(y, 2, 4, 2);
    dpu_graph_free(&g);

    /* Per-column zero points of a constant int8 B. */
    m = mb_new(10);
    mb_input(m, "a", MB_INT8, 2, (int64_t[]){4, 3});
    mb_init_i8(m, "b", 2, (int64_t[]){3, 2}, (const int8_t[]){1, 2, 3, 4, 5, -128});
    mb_scalar_i8(m, "az", -5);
    mb_init_i8(m, "bz", 1, (int64_t[]){2}, (const int8_t[]){7, -9});
    mb_node(m, "MatMulInteger", "mmi", "a,b,az,bz", "y");
    mb_output(m, "y");
    import_ok(m, DPU_ONNX_AUTO, &g, NULL);
    n = find_node(&g, "mmi");
    assert_int_equal(n->op, DPU_NODE_FULLY_CONNECTED);
    assert_int_equal(n->ninputs, 2);
    const struct dpu_gtensor *w = tensor_of(&g, n->inputs[1]);
    assert_dims(w, 2, 2, 3);
    assert_int_equal(w->quant.axis, 0);
    assert_int_equal(w->quant.count, 2);
    assert_int_equal(w->quant.zero_point[0], 7);
    assert_int_equal(w->quant.zero_point[1], -9);
    assert_memory_equal(w->data, ((const int8_t[]){1, 3, 5, 2, 4, -128}), 6);
    assert_int_equal(tensor_of(&g, n->outputs[0])->dtype, DPU_DT_INT32);
    dpu_graph_free(&g);

    /* Per-column zero points of a B that is not a constant: refused. */
    m = mb_new(10);
    mb_input(m, "a", MB_INT8, 2, (int64_t[]){4, 3});
    mb_input(m, "b", MB_INT8, 2, (int64_t[]){3, 2});
    mb_init_i8(m, "bz", 1, (int64_t[]){2}, (const int8_t[]){7, -9});
    mb_node(m, "MatMulInteger", "mmi", "a,b,,bz", "y");
    mb_output(m, "y");
    import_fails(m, DPU_E_UNSUPPORTED, "node 'mmi' (MatMulInteger)", "2 zero points for 'b'", NULL);
}

/* QuantizeLinear / DequantizeLinear with axis: per-channel int8 at the graph's edge. */
static void test_qdq_axis(void **state)
{
    (void)state;
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 4, (int64_t[]){1, 3, 2, 2});
    mb_init_f(m, "s", 1, (int64_t[]){3}, (float[]){0.5f, 0.25f, 2.0f});
    mb_init_u8(m, "z", 1, (int64_t[]){3}, (const uint8_t[]){0, 128, 255});
    mb_attr_i(mb_node(m, "QuantizeLinear", "q", "x,s,z", "y"), "axis", 1);
    mb_output(m, "y");
    struct dpu_graph g;
    struct dpu_onnx_report r;
    import_ok(m, DPU_ONNX_AUTO, &g, &r);
    const struct dpu_gnode *n = find_node(&g, "q");
    assert_int_equal(n->op, DPU_NODE_QUANTIZE);
    const struct dpu_gtensor *y = tensor_of(&g, n->outputs[0]);
    assert_int_equal(y->quant.axis, 1);
    assert_int_equal(y->quant.count, 3);
    assert_true(y->quant.scale[2] == 2.0f);
    assert_int_equal(y->quant.zero_point[0], -128);
    assert_int_equal(y->quant.zero_point[2], 127);
    assert_int_equal(r.nuint8_outputs, 1);
    dpu_graph_free(&g);

    m = mb_new(13);
    mb_input(m, "x", MB_INT8, 2, (int64_t[]){2, 3});
    mb_init_f(m, "s", 1, (int64_t[]){2}, (float[]){0.5f, 0.25f});
    mb_init_i8(m, "z", 1, (int64_t[]){2}, (const int8_t[]){-128, 3});
    mb_attr_i(mb_node(m, "DequantizeLinear", "dq", "x,s,z", "y"), "axis", 0);
    mb_output(m, "y");
    import_ok(m, DPU_ONNX_AUTO, &g, NULL);
    n = find_node(&g, "dq");
    assert_int_equal(n->op, DPU_NODE_DEQUANTIZE);
    const struct dpu_gtensor *x = tensor_of(&g, n->inputs[0]);
    assert_int_equal(x->quant.axis, 0);
    assert_int_equal(x->quant.count, 2);
    assert_int_equal(x->quant.zero_point[1], 3);
    assert_int_equal(tensor_of(&g, n->outputs[0])->dtype, DPU_DT_FLOAT32);
    dpu_graph_free(&g);
}

/* QLinearMatMul: symmetric constant B becomes FullyConnected; asymmetric stays MatMul. */
static void test_qlinear_matmul(void **state)
{
    (void)state;
    for (int asym = 0; asym < 2; asym++) {
        struct mb *m = mb_new(10);
        mb_input(m, "a", MB_INT8, 2, (int64_t[]){2, 4});
        mb_scalar_f(m, "as", 0.1f);
        mb_scalar_i8(m, "az", 1);
        mb_init_i8(m, "b", 2, (int64_t[]){4, 3}, w8);
        mb_scalar_f(m, "bs", 0.05f);
        mb_scalar_i8(m, "bz", (int8_t)(asym ? 4 : 0));
        mb_scalar_f(m, "ys", 0.2f);
        mb_scalar_i8(m, "yz", 0);
        mb_node(m, "QLinearMatMul", "qmm", "a,as,az,b,bs,bz,ys,yz", "y");
        mb_output(m, "y");
        struct dpu_graph g;
        import_ok(m, DPU_ONNX_AUTO, &g, NULL);
        const struct dpu_gnode *n = find_node(&g, "qmm");
        assert_int_equal(n->op, asym ? DPU_NODE_MATMUL : DPU_NODE_FULLY_CONNECTED);
        dpu_graph_free(&g);
    }
}

/* com.microsoft QLinearAdd and QLinearGlobalAveragePool. */
static void test_ms_ops(void **state)
{
    (void)state;
    struct mb *m = mb_new(13);
    mb_opset(m, "com.microsoft", 1);
    mb_input(m, "a", MB_UINT8, 4, (int64_t[]){1, 2, 3, 3});
    mb_input(m, "b", MB_UINT8, 4, (int64_t[]){1, 2, 3, 3});
    mb_scalar_f(m, "s1", 0.1f);
    mb_scalar_u8(m, "z1", 120);
    mb_scalar_f(m, "s2", 0.2f);
    mb_scalar_u8(m, "z2", 130);
    mb_scalar_f(m, "s3", 0.3f);
    mb_scalar_u8(m, "z3", 128);
    mb_domain(mb_node(m, "QLinearAdd", "qadd", "a,s1,z1,b,s2,z2,s3,z3", "c"), "com.microsoft");
    mb_domain(mb_node(m, "QLinearGlobalAveragePool", "qgap", "c,s3,z3,s1,z1", "y"),
              "com.microsoft");
    mb_output(m, "y");
    struct dpu_graph g;
    import_ok(m, DPU_ONNX_AUTO, &g, NULL);
    const struct dpu_gnode *add = find_node(&g, "qadd"), *gap = find_node(&g, "qgap");
    assert_int_equal(add->op, DPU_NODE_ADD);
    assert_int_equal(gap->op, DPU_NODE_GLOBAL_AVG_POOL);
    assert_int_equal(tensor_of(&g, add->inputs[1])->quant.zero_point[0], 2);
    assert_int_equal(tensor_of(&g, add->outputs[0])->quant.zero_point[0], 0);
    assert_dims(tensor_of(&g, gap->outputs[0]), 4, 1, 2, 1, 1);
    dpu_graph_free(&g);
}

/* One tensor may not be given two quantizations. */
static void test_conflicting_quant(void **state)
{
    (void)state;
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_INT8, 2, (int64_t[]){1, 4});
    mb_scalar_f(m, "s1", 0.1f);
    mb_scalar_f(m, "s2", 0.2f);
    mb_node(m, "DequantizeLinear", "dq1", "x,s1", "a");
    mb_node(m, "DequantizeLinear", "dq2", "x,s2", "b");
    mb_node(m, "Add", "add", "a,b", "c");
    mb_node(m, "QuantizeLinear", "q", "c,s1", "y");
    mb_output(m, "y");
    import_fails(m, DPU_E_UNSUPPORTED, "node 'dq2' (DequantizeLinear)",
                 "two different quantizations", NULL);
}

static int setup(void **state)
{
    (void)state;
    init_weights();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qdq_conv_relu),
        cmocka_unit_test(test_qdq_weight_refusals),
        cmocka_unit_test(test_lut),
        cmocka_unit_test(test_softmax_exp_table),
        cmocka_unit_test(test_uint8_io),
        cmocka_unit_test(test_passthrough),
        cmocka_unit_test(test_passthrough_to_output),
        cmocka_unit_test(test_requantize),
        cmocka_unit_test(test_rescale_before_move),
        cmocka_unit_test(test_fake_quant_relu6),
        cmocka_unit_test(test_qlinear_conv),
        cmocka_unit_test(test_qlinear_matmul),
        cmocka_unit_test(test_conv_integer),
        cmocka_unit_test(test_matmul_integer),
        cmocka_unit_test(test_qdq_axis),
        cmocka_unit_test(test_ms_ops),
        cmocka_unit_test(test_conflicting_quant),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
