/* Float import: op mapping, shapes, auto_pad, 1-D windows, folding of shape subgraphs and
 * the forms of Clip, Softmax, Resize and Pad the IR can express. Models are built in memory
 * with model_builder.c. */
#include "onnx_test_util.h"

static float zeros[4096];

/* x[N,1,8,8] -> Conv(3x3, pad 1) -> Relu -> MaxPool(2) -> Flatten -> Gemm -> Softmax. */
static void test_small_cnn(void **state)
{
    (void)state;
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 4, (int64_t[]){-1, 1, 8, 8});
    mb_init_f(m, "w1", 4, (int64_t[]){4, 1, 3, 3}, zeros);
    mb_init_f(m, "b1", 1, (int64_t[]){4}, zeros);
    mb_init_f(m, "w2", 2, (int64_t[]){10, 64}, zeros);
    mb_init_f(m, "b2", 1, (int64_t[]){10}, zeros);
    struct mb_node *c = mb_node(m, "Conv", "conv", "x,w1,b1", "c");
    mb_attr_ints(c, "pads", 4, (int64_t[]){1, 1, 1, 1});
    mb_node(m, "Relu", "relu", "c", "r");
    struct mb_node *p = mb_node(m, "MaxPool", "pool", "r", "p");
    mb_attr_ints(p, "kernel_shape", 2, (int64_t[]){2, 2});
    mb_attr_ints(p, "strides", 2, (int64_t[]){2, 2});
    mb_node(m, "Flatten", "flat", "p", "f");
    struct mb_node *gm = mb_node(m, "Gemm", "fc", "f,w2,b2", "logits");
    mb_attr_i(gm, "transB", 1);
    mb_node(m, "Softmax", "softmax", "logits", "y");
    mb_output(m, "y");

    struct dpu_graph g;
    struct dpu_onnx_report r;
    import_ok(m, DPU_ONNX_AUTO, &g, &r);
    assert_false(g.quantized);
    assert_int_equal(r.opset, 13);
    assert_int_equal(g.ninputs, 1);
    assert_dims(tensor_of(&g, g.inputs[0]), 4, 1, 1, 8, 8); /* symbolic batch -> 1 */
    assert_dims(tensor_of(&g, g.outputs[0]), 2, 1, 10);
    assert_int_equal(g.nnodes, 6);
    const struct dpu_gnode *conv = find_node(&g, "conv");
    assert_int_equal(conv->op, DPU_NODE_CONV2D);
    assert_ints(conv, "pads", 4, 1, 1, 1, 1);
    assert_ints(conv, "kernel_shape", 2, 3, 3);
    assert_dims(tensor_of(&g, conv->outputs[0]), 4, 1, 4, 8, 8);
    assert_int_equal(find_node(&g, "relu")->op, DPU_NODE_RELU);
    assert_dims(tensor_of(&g, find_node(&g, "pool")->outputs[0]), 4, 1, 4, 4, 4);
    assert_int_equal(find_node(&g, "flat")->op, DPU_NODE_FLATTEN);
    const struct dpu_gnode *fc = find_node(&g, "fc");
    assert_int_equal(fc->op, DPU_NODE_FULLY_CONNECTED);
    assert_dims(tensor_of(&g, fc->inputs[1]), 2, 10, 64);
    assert_int_equal(find_node(&g, "softmax")->op, DPU_NODE_SOFTMAX);
    dpu_graph_free(&g);
}

/* SAME_UPPER puts the odd padding at the end, SAME_LOWER at the beginning. */
static void check_auto_pad(const char *mode, int top, int bottom, int out)
{
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 4, (int64_t[]){1, 1, 6, 6});
    mb_init_f(m, "w", 4, (int64_t[]){1, 1, 3, 3}, zeros);
    struct mb_node *c = mb_node(m, "Conv", "conv", "x,w", "y");
    mb_attr_s(c, "auto_pad", mode);
    mb_attr_ints(c, "strides", 2, (int64_t[]){2, 2});
    mb_output(m, "y");
    struct dpu_graph g;
    import_ok(m, DPU_ONNX_FLOAT, &g, NULL);
    const struct dpu_gnode *conv = find_node(&g, "conv");
    assert_ints(conv, "pads", 4, top, top, bottom, bottom);
    assert_dims(tensor_of(&g, conv->outputs[0]), 4, 1, 1, out, out);
    dpu_graph_free(&g);
}

static void test_auto_pad(void **state)
{
    (void)state;
    check_auto_pad("SAME_UPPER", 0, 1, 3);
    check_auto_pad("SAME_LOWER", 1, 0, 3);
    check_auto_pad("VALID", 0, 0, 2);
}

/* A 1-D convolution runs as a 2-D one with H = 1 between two Reshapes. */
static void test_conv1d(void **state)
{
    (void)state;
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 3, (int64_t[]){1, 2, 10});
    mb_init_f(m, "w", 3, (int64_t[]){3, 2, 3}, zeros);
    struct mb_node *c = mb_node(m, "Conv", "conv", "x,w", "y");
    mb_attr_ints(c, "pads", 2, (int64_t[]){1, 1});
    mb_output(m, "y");
    struct dpu_graph g;
    import_ok(m, DPU_ONNX_FLOAT, &g, NULL);
    assert_int_equal(count_op(&g, DPU_NODE_RESHAPE), 2);
    const struct dpu_gnode *conv = find_node(&g, "conv");
    assert_ints(conv, "kernel_shape", 2, 1, 3);
    assert_ints(conv, "pads", 4, 0, 1, 0, 1);
    assert_dims(tensor_of(&g, conv->inputs[0]), 4, 1, 2, 1, 10);
    assert_dims(tensor_of(&g, conv->inputs[1]), 4, 3, 2, 1, 3);
    assert_dims(tensor_of(&g, g.outputs[0]), 3, 1, 3, 10);
    dpu_graph_free(&g);
}

/* PyTorch's x.view(x.size(0), -1): Shape -> Gather -> Unsqueeze -> Concat -> Reshape folds
 * into one Reshape with a constant shape. */
static void test_shape_subgraph(void **state)
{
    (void)state;
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 4, (int64_t[]){-1, 3, 4, 4});
    mb_init_i64(m, "zero", 0, NULL, (int64_t[]){0});
    mb_init_i64(m, "axes0", 1, (int64_t[]){1}, (int64_t[]){0});
    mb_init_i64(m, "minus1", 1, (int64_t[]){1}, (int64_t[]){-1});
    mb_node(m, "Shape", "shape", "x", "s");
    mb_node(m, "Gather", "gather", "s,zero", "n");
    mb_node(m, "Unsqueeze", "unsq", "n,axes0", "n1");
    struct mb_node *cat = mb_node(m, "Concat", "cat", "n1,minus1", "shp");
    mb_attr_i(cat, "axis", 0);
    mb_node(m, "Reshape", "reshape", "x,shp", "y");
    mb_output(m, "y");
    struct dpu_graph g;
    import_ok(m, DPU_ONNX_FLOAT, &g, NULL);
    assert_int_equal(g.nnodes, 1);
    const struct dpu_gnode *r = find_node(&g, "reshape");
    assert_int_equal(r->op, DPU_NODE_RESHAPE);
    assert_ints(r, "shape", 2, 1, -1);
    assert_dims(tensor_of(&g, r->outputs[0]), 2, 1, 48);
    dpu_graph_free(&g);
}

static void test_clip_forms(void **state)
{
    (void)state;
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 3});
    mb_scalar_f(m, "zero", 0);
    mb_scalar_f(m, "six", 6);
    mb_scalar_f(m, "lo", -1);
    mb_scalar_f(m, "hi", 1);
    mb_node(m, "Clip", "relu6", "x,zero,six", "a");
    mb_node(m, "Clip", "relu", "a,zero", "b");
    mb_node(m, "Clip", "clip", "b,lo,hi", "y");
    mb_output(m, "y");
    struct dpu_graph g;
    import_ok(m, DPU_ONNX_FLOAT, &g, NULL);
    assert_int_equal(find_node(&g, "relu6")->op, DPU_NODE_RELU6);
    assert_int_equal(find_node(&g, "relu")->op, DPU_NODE_RELU);
    const struct dpu_gnode *c = find_node(&g, "clip");
    assert_int_equal(c->op, DPU_NODE_CLIP);
    assert_true(dpu_node_get_float(c, "min", 0) == -1.0);
    assert_true(dpu_node_get_float(c, "max", 0) == 1.0);
    dpu_graph_free(&g);

    /* Before opset 11 the bounds are attributes. */
    m = mb_new(10);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 3});
    struct mb_node *n = mb_node(m, "Clip", "clip", "x", "y");
    mb_attr_f(n, "min", -2);
    mb_attr_f(n, "max", 3);
    mb_output(m, "y");
    import_ok(m, DPU_ONNX_FLOAT, &g, NULL);
    c = find_node(&g, "clip");
    assert_true(dpu_node_get_float(c, "min", 0) == -2.0);
    assert_true(dpu_node_get_float(c, "max", 0) == 3.0);
    dpu_graph_free(&g);
}

/* Softmax before opset 13 normalizes over dims[axis:] together. */
static void test_softmax_opset11(void **state)
{
    (void)state;
    struct mb *m = mb_new(11);
    mb_input(m, "x", MB_FLOAT, 3, (int64_t[]){2, 1, 5});
    mb_node(m, "Softmax", "sm", "x", "y"); /* axis 1 by default: dims (1, 5): axis 2 */
    mb_output(m, "y");
    struct dpu_graph g;
    import_ok(m, DPU_ONNX_FLOAT, &g, NULL);
    assert_int_equal(dpu_node_get_int(find_node(&g, "sm"), "axis", -9), 2);
    dpu_graph_free(&g);

    m = mb_new(11);
    mb_input(m, "x", MB_FLOAT, 3, (int64_t[]){2, 3, 5});
    mb_node(m, "Softmax", "sm", "x", "y");
    mb_output(m, "y");
    import_fails(m, DPU_E_UNSUPPORTED, "node 'sm' (Softmax)", "attribute 'axis'", "opset 13", NULL);
}

static struct mb *resize_model(const char *coord, const char *nearest, float factor)
{
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 4, (int64_t[]){1, 2, 3, 3});
    mb_init_f(m, "scales", 1, (int64_t[]){4}, (float[]){1, 1, factor, factor});
    struct mb_node *r = mb_node(m, "Resize", "up", "x,,scales", "y");
    mb_attr_s(r, "mode", "nearest");
    mb_attr_s(r, "coordinate_transformation_mode", coord);
    mb_attr_s(r, "nearest_mode", nearest);
    mb_output(m, "y");
    return m;
}

static void test_resize(void **state)
{
    (void)state;
    struct dpu_graph g;
    import_ok(resize_model("asymmetric", "floor", 4), DPU_ONNX_FLOAT, &g, NULL);
    const struct dpu_gnode *r = find_node(&g, "up");
    assert_int_equal(r->op, DPU_NODE_RESIZE);
    assert_ints(r, "scales", 4, 1, 1, 4, 4);
    assert_dims(tensor_of(&g, r->outputs[0]), 4, 1, 2, 12, 12);
    dpu_graph_free(&g);
    import_ok(resize_model("half_pixel", "round_prefer_floor", 3), DPU_ONNX_FLOAT, &g, NULL);
    dpu_graph_free(&g);
    import_ok(resize_model("asymmetric", "round_prefer_floor", 2), DPU_ONNX_FLOAT, &g, NULL);
    dpu_graph_free(&g);
    /* floor((i + 0.5) / 2 - 0.5) is not floor(i / 2): i = 2 gives 0. */
    import_fails(resize_model("half_pixel", "floor", 2), DPU_E_UNSUPPORTED, "node 'up' (Resize)",
                 "'half_pixel' with nearest_mode 'floor'", NULL);
    import_fails(resize_model("asymmetric", "round_prefer_floor", 3), DPU_E_UNSUPPORTED, "factor 3",
                 NULL);
    import_fails(resize_model("align_corners", "floor", 2), DPU_E_UNSUPPORTED, "align_corners",
                 NULL);
    import_fails(resize_model("asymmetric", "floor", 1.5f), DPU_E_UNSUPPORTED, "scale 1.5", NULL);
}

static void test_pad(void **state)
{
    (void)state;
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 4, (int64_t[]){1, 1, 2, 2});
    mb_init_i64(m, "pads", 1, (int64_t[]){8}, (int64_t[]){0, 0, 1, 2, 0, 0, 3, 4});
    mb_scalar_f(m, "v", 0.5f);
    mb_node(m, "Pad", "pad", "x,pads,v", "y");
    mb_output(m, "y");
    struct dpu_graph g;
    import_ok(m, DPU_ONNX_FLOAT, &g, NULL);
    const struct dpu_gnode *p = find_node(&g, "pad");
    assert_ints(p, "pads", 8, 0, 0, 1, 2, 0, 0, 3, 4);
    assert_true(dpu_node_get_float(p, "value", 0) == 0.5);
    assert_dims(tensor_of(&g, p->outputs[0]), 4, 1, 1, 6, 8);
    dpu_graph_free(&g);

    m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 2});
    mb_init_i64(m, "pads", 1, (int64_t[]){4}, (int64_t[]){1, 1, 1, 1});
    struct mb_node *n = mb_node(m, "Pad", "pad", "x,pads", "y");
    mb_attr_s(n, "mode", "reflect");
    mb_output(m, "y");
    import_fails(m, DPU_E_UNSUPPORTED, "node 'pad' (Pad): attribute 'mode' value 'reflect'", NULL);
}

/* Identity and inference Dropout disappear; the Relu reads the graph input directly. */
static void test_identity_dropout(void **state)
{
    (void)state;
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 3});
    mb_node(m, "Identity", "id", "x", "a");
    mb_node(m, "Dropout", "drop", "a", "b");
    mb_node(m, "Relu", "relu", "b", "y");
    mb_output(m, "y");
    struct dpu_graph g;
    import_ok(m, DPU_ONNX_FLOAT, &g, NULL);
    assert_int_equal(g.nnodes, 1);
    const struct dpu_gnode *r = find_node(&g, "relu");
    assert_int_equal(r->inputs[0], g.inputs[0]);
    dpu_graph_free(&g);

    /* An Identity that is the graph's output keeps the output's name through a Reshape. */
    m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 3});
    mb_node(m, "Identity", "id", "x", "y");
    mb_output(m, "y");
    import_ok(m, DPU_ONNX_FLOAT, &g, NULL);
    assert_int_equal(g.nnodes, 1);
    const struct dpu_gnode *id = find_node(&g, "id");
    assert_int_equal(id->op, DPU_NODE_RESHAPE);
    assert_string_equal(tensor_of(&g, g.outputs[0])->name, "y");
    dpu_graph_free(&g);
}

/* x - c and x / c with constant c become an Add and a Mul. */
static void test_sub_div_const(void **state)
{
    (void)state;
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){1, 2});
    mb_init_f(m, "mean", 1, (int64_t[]){2}, (float[]){0.5f, 0.25f});
    mb_init_f(m, "std", 1, (int64_t[]){2}, (float[]){2.0f, 4.0f});
    mb_node(m, "Sub", "sub", "x,mean", "a");
    mb_node(m, "Div", "div", "a,std", "y");
    mb_output(m, "y");
    struct dpu_graph g;
    import_ok(m, DPU_ONNX_FLOAT, &g, NULL);
    const struct dpu_gnode *s = find_node(&g, "sub"), *d = find_node(&g, "div");
    assert_int_equal(s->op, DPU_NODE_ADD);
    assert_int_equal(d->op, DPU_NODE_MUL);
    const float *neg = tensor_of(&g, s->inputs[1])->data;
    const float *inv = tensor_of(&g, d->inputs[1])->data;
    assert_true(neg[0] == -0.5f && neg[1] == -0.25f);
    assert_true(inv[0] == 0.5f && inv[1] == 0.25f);
    dpu_graph_free(&g);
}

/* MatMul of a 3-D activation by constant weights: FullyConnected between Reshapes. */
static void test_matmul_batched(void **state)
{
    (void)state;
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 3, (int64_t[]){2, 5, 8});
    mb_init_f(m, "w", 2, (int64_t[]){8, 3}, zeros);
    mb_node(m, "MatMul", "mm", "x,w", "y");
    mb_output(m, "y");
    struct dpu_graph g;
    import_ok(m, DPU_ONNX_FLOAT, &g, NULL);
    const struct dpu_gnode *fc = find_node(&g, "mm");
    assert_int_equal(fc->op, DPU_NODE_FULLY_CONNECTED);
    assert_dims(tensor_of(&g, fc->inputs[0]), 2, 10, 8);
    assert_dims(tensor_of(&g, fc->inputs[1]), 2, 3, 8); /* [K, M] transposed to [M, K] */
    assert_dims(tensor_of(&g, g.outputs[0]), 3, 2, 5, 3);
    assert_int_equal(count_op(&g, DPU_NODE_RESHAPE), 2);
    dpu_graph_free(&g);
}

/* Gemm with transA or a matrix C stays a float Gemm. */
static void test_gemm_general(void **state)
{
    (void)state;
    struct mb *m = mb_new(13);
    mb_input(m, "a", MB_FLOAT, 2, (int64_t[]){4, 3});
    mb_init_f(m, "b", 2, (int64_t[]){4, 5}, zeros);
    struct mb_node *n = mb_node(m, "Gemm", "gemm", "a,b", "y");
    mb_attr_i(n, "transA", 1);
    mb_attr_f(n, "alpha", 0.5f);
    mb_output(m, "y");
    struct dpu_graph g;
    import_ok(m, DPU_ONNX_FLOAT, &g, NULL);
    const struct dpu_gnode *gm = find_node(&g, "gemm");
    assert_int_equal(gm->op, DPU_NODE_GEMM);
    assert_int_equal(dpu_node_get_int(gm, "transA", 0), 1);
    assert_dims(tensor_of(&g, gm->outputs[0]), 2, 3, 5);
    dpu_graph_free(&g);
}

static void test_batchnorm(void **state)
{
    (void)state;
    struct mb *m = mb_new(15);
    mb_input(m, "x", MB_FLOAT, 4, (int64_t[]){1, 2, 3, 3});
    float one[2] = {1, 1};
    mb_init_f(m, "s", 1, (int64_t[]){2}, one);
    mb_init_f(m, "b", 1, (int64_t[]){2}, zeros);
    mb_init_f(m, "mean", 1, (int64_t[]){2}, zeros);
    mb_init_f(m, "var", 1, (int64_t[]){2}, one);
    struct mb_node *n = mb_node(m, "BatchNormalization", "bn", "x,s,b,mean,var", "y");
    mb_attr_f(n, "epsilon", 1e-3f);
    mb_output(m, "y");
    struct dpu_graph g;
    import_ok(m, DPU_ONNX_FLOAT, &g, NULL);
    const struct dpu_gnode *bn = find_node(&g, "bn");
    assert_int_equal(bn->op, DPU_NODE_BATCH_NORM);
    assert_true(fabs(dpu_node_get_float(bn, "epsilon", 0) - 1e-3) < 1e-9);
    dpu_graph_free(&g);
}

/* Only the batch dimension may be symbolic. */
static void test_symbolic_dims(void **state)
{
    (void)state;
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, -1});
    mb_node(m, "Relu", "relu", "x", "y");
    mb_output(m, "y");
    import_fails(m, DPU_E_UNSUPPORTED, "graph input 'x'", "dimension 1 is symbolic", NULL);

    m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, -1, NULL);
    mb_node(m, "Relu", "relu", "x", "y");
    mb_output(m, "y");
    import_fails(m, DPU_E_UNSUPPORTED, "graph input 'x'", "no shape", NULL);
}

/* An unnamed node is called OpType_N in the graph and in messages. */
static void test_unnamed_nodes(void **state)
{
    (void)state;
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 3});
    mb_node(m, "Relu", NULL, "x", "a");
    mb_node(m, "Relu", "Relu_0", "a", "y"); /* collides with the generated name */
    mb_output(m, "y");
    struct dpu_graph g;
    import_ok(m, DPU_ONNX_FLOAT, &g, NULL);
    assert_int_equal(g.nnodes, 2);
    assert_string_not_equal(g.nodes[0].name, g.nodes[1].name);
    dpu_graph_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_cnn),        cmocka_unit_test(test_auto_pad),
        cmocka_unit_test(test_conv1d),           cmocka_unit_test(test_shape_subgraph),
        cmocka_unit_test(test_clip_forms),       cmocka_unit_test(test_softmax_opset11),
        cmocka_unit_test(test_resize),           cmocka_unit_test(test_pad),
        cmocka_unit_test(test_identity_dropout), cmocka_unit_test(test_sub_div_const),
        cmocka_unit_test(test_matmul_batched),   cmocka_unit_test(test_gemm_general),
        cmocka_unit_test(test_batchnorm),        cmocka_unit_test(test_symbolic_dims),
        cmocka_unit_test(test_unnamed_nodes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
