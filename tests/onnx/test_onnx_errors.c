/* Models the importer must refuse, each with a message that names the node, op, attribute
 * or tensor at fault: unsupported ops and attributes, wrong opsets, malformed protobuf
 * (truncated, random, too deeply nested), broken graphs (cycles, dangling names, duplicate
 * outputs), broken initializers, absurd sizes. None of them may crash or allocate absurdly
 * (this test also runs under AddressSanitizer in the sanitizer build). */
#include "onnx_test_util.h"

static float zeros[64];

static struct mb *relu_model(int opset)
{
    struct mb *m = mb_new(opset);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 3});
    mb_node(m, "Relu", "relu", "x", "y");
    mb_output(m, "y");
    return m;
}

static void test_unsupported_op(void **state)
{
    (void)state;
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 3, (int64_t[]){1, 2, 3});
    mb_node(m, "LSTM", "lstm1", "x", "y");
    mb_output(m, "y");
    import_fails(m, DPU_E_UNSUPPORTED, "test.onnx: node 'lstm1' (LSTM): op LSTM is not supported",
                 NULL);

    m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 3});
    mb_domain(mb_node(m, "Frobnicate", "f", "x", "y"), "my.domain");
    mb_output(m, "y");
    import_fails(m, DPU_E_UNSUPPORTED, "node 'f' (Frobnicate)", "domain 'my.domain'", NULL);
}

static void test_unsupported_attribute(void **state)
{
    (void)state;
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 4, (int64_t[]){1, 1, 4, 4});
    mb_init_f(m, "w", 4, (int64_t[]){1, 1, 3, 3}, zeros);
    mb_attr_s(mb_node(m, "Conv", "Conv_3", "x,w", "y"), "auto_pad", "VALID_X");
    mb_output(m, "y");
    import_fails(m, DPU_E_UNSUPPORTED,
                 "node 'Conv_3' (Conv): attribute 'auto_pad' value 'VALID_X' is not supported",
                 NULL);

    m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 3});
    mb_attr_i(mb_node(m, "Relu", "relu", "x", "y"), "foo", 1);
    mb_output(m, "y");
    import_fails(m, DPU_E_UNSUPPORTED, "node 'relu' (Relu): attribute 'foo' is not supported",
                 NULL);

    m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 4, (int64_t[]){1, 1, 4, 4});
    mb_init_f(m, "w", 4, (int64_t[]){1, 1, 3, 3}, zeros);
    mb_attr_f(mb_node(m, "Conv", "c", "x,w", "y"), "group", 1.0f);
    mb_output(m, "y");
    import_fails(m, DPU_E_PARSE, "node 'c' (Conv): attribute 'group' must be an int", NULL);

    m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 4, (int64_t[]){1, 1, 4, 4});
    struct mb_node *p = mb_node(m, "MaxPool", "pool", "x", "y");
    mb_attr_ints(p, "kernel_shape", 2, (int64_t[]){2, 2});
    mb_attr_ints(p, "strides", 1, (int64_t[]){2});
    mb_output(m, "y");
    import_fails(m, DPU_E_INVALID, "node 'pool' (MaxPool): attribute 'strides' has 1 values", NULL);
}

static void test_opsets(void **state)
{
    (void)state;
    import_fails(relu_model(18), DPU_E_UNSUPPORTED, "opset 18", NULL);

    /* Add before opset 7 broadcast along an `axis` attribute: refused. */
    struct mb *m = mb_new(6);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 3});
    mb_node(m, "Add", "add", "x,x", "y");
    mb_output(m, "y");
    import_fails(m, DPU_E_UNSUPPORTED, "node 'add' (Add)", "opset 6", "(7)", NULL);
    m = mb_new(10);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 3});
    mb_node(m, "Softplus", "sp", "x", "y");
    mb_output(m, "y");
    import_fails(m, DPU_E_UNSUPPORTED, "node 'sp' (Softplus)", "opset 10", NULL);

    /* An old model whose ops did not change is fine. */
    struct dpu_graph g;
    import_ok(relu_model(9), DPU_ONNX_FLOAT, &g, NULL);
    dpu_graph_free(&g);

    m = mb_new(0);
    mb_opset(m, "com.microsoft", 1);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 3});
    mb_output(m, "x");
    import_fails(m, DPU_E_UNSUPPORTED, "no opset of the default ONNX domain", NULL);
}

static int import_bytes(const uint8_t *bytes, size_t len, struct dpu_diag *d)
{
    struct dpu_graph g;
    dpu_graph_init(&g);
    dpu_diag_clear(d);
    int err = dpu_onnx_import_bytes("bytes.onnx", bytes, len, NULL, &g, NULL, d);
    dpu_graph_free(&g);
    return err;
}

/* Every proper prefix of a valid model fails cleanly (the opset imports are serialized
 * last, so no prefix is a complete model). */
static void test_truncated(void **state)
{
    (void)state;
    size_t len;
    struct mb *m = relu_model(13);
    uint8_t *bytes = mb_pack(m, &len);
    mb_free(m);
    struct dpu_diag d;
    assert_int_equal(import_bytes(bytes, len, &d), DPU_OK);
    for (size_t cut = 0; cut < len; cut++) {
        int err = import_bytes(bytes, cut, &d);
        assert_true(err < 0);
        assert_true(d.msg[0] != '\0');
    }
    assert_int_equal(import_bytes(bytes, 5, &d), DPU_E_PARSE);
    assert_non_null(strstr(d.msg, "not a valid ONNX protobuf"));
    assert_int_equal(import_bytes(bytes, 0, &d), DPU_E_PARSE);
    assert_non_null(strstr(d.msg, "no graph"));
    free(bytes);
}

static void test_random_bytes(void **state)
{
    (void)state;
    uint32_t seed = 12345;
    uint8_t buf[512];
    struct dpu_diag d;
    for (int k = 0; k < 2000; k++) {
        size_t len = (size_t)(k % 512);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = (uint8_t)(seed >> 16);
        }
        assert_true(import_bytes(buf, len, &d) < 0);
    }
}

/* Appends field `field` (length-delimited) holding payload to out; returns the new length. */
static size_t wrap(uint8_t *out, size_t cap, unsigned field, const uint8_t *payload, size_t len)
{
    uint8_t head[16];
    size_t h = 0;
    for (uint64_t v = field << 3 | 2;; v >>= 7) {
        head[h++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        if (v <= 0x7f)
            break;
    }
    for (uint64_t v = len;; v >>= 7) {
        head[h++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        if (v <= 0x7f)
            break;
    }
    assert_true(h + len <= cap);
    memmove(out + h, payload, len);
    memcpy(out, head, h);
    return h + len;
}

/* Graph -> node -> attribute -> graph -> ... 100 levels deep: refused before protobuf-c
 * recurses into it. */
static void test_deep_nesting(void **state)
{
    (void)state;
    static uint8_t buf[8192];
    size_t len = 0;
    for (int level = 0; level < 100; level++) {
        len = wrap(buf, sizeof buf, 6, buf, len); /* AttributeProto.g */
        len = wrap(buf, sizeof buf, 5, buf, len); /* NodeProto.attribute */
        len = wrap(buf, sizeof buf, 1, buf, len); /* GraphProto.node */
    }
    len = wrap(buf, sizeof buf, 7, buf, len); /* ModelProto.graph */
    struct dpu_diag d;
    assert_int_equal(import_bytes(buf, len, &d), DPU_E_UNSUPPORTED);
    assert_non_null(strstr(d.msg, "nested more than"));
}

static void test_broken_graphs(void **state)
{
    (void)state;
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 3});
    mb_node(m, "Relu", "a", "b_out", "a_out");
    mb_node(m, "Relu", "b", "a_out", "b_out");
    mb_output(m, "b_out");
    import_fails(m, DPU_E_PARSE, "cycle", NULL);

    m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 3});
    mb_node(m, "Relu", "relu", "nope", "y");
    mb_output(m, "y");
    import_fails(m, DPU_E_PARSE, "node 'relu' (Relu): input 'nope' is not produced", NULL);

    m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 3});
    mb_node(m, "Relu", "r1", "x", "y");
    mb_node(m, "Relu", "r2", "x", "y");
    mb_output(m, "y");
    import_fails(m, DPU_E_PARSE, "node 'r2' (Relu): output 'y' is already defined", NULL);

    m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 3});
    mb_node(m, "Relu", "r1", "x", "y");
    mb_output(m, "z");
    import_fails(m, DPU_E_PARSE, "graph output 'z': is not produced", NULL);

    m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 3});
    mb_attr_tensor_f(mb_node(m, "Constant", "k", "", "y"), "value", 1, (int64_t[]){2}, zeros);
    mb_output(m, "y");
    import_fails(m, DPU_E_UNSUPPORTED, "graph output 'y' is a constant", NULL);

    /* A node whose first output has no name (found by fuzzing). */
    m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 3});
    mb_init_i64(m, "shape", 1, (int64_t[]){1}, (int64_t[]){6});
    mb_node(m, "Reshape", "rs", "shape,shape", ",z");
    mb_node(m, "Relu", "relu", "x", "y");
    mb_output(m, "y");
    import_fails(m, DPU_E_INVALID, "node 'rs' (Reshape): has 2 outputs", NULL);
    m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 3});
    mb_node(m, "Dropout", "drop", "x", ",mask");
    mb_node(m, "Relu", "relu", "x", "y");
    mb_output(m, "y");
    import_fails(m, DPU_E_INVALID, "node 'drop' (Dropout): its first output has no name", NULL);

    /* An initializer of a type we cannot hold as a graph output (found by fuzzing). */
    m = relu_model(13);
    mb_init_raw(m, "d", MB_DOUBLE, 0, NULL, (double[]){1.0}, 8);
    mb_output(m, "d");
    import_fails(m, DPU_E_UNSUPPORTED, "graph output 'd' is a constant", NULL);

    m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 3});
    mb_init_i64(m, "shape", 1, (int64_t[]){2}, (int64_t[]){4, 2});
    mb_node(m, "Reshape", "rs", "x,shape", "y");
    mb_output(m, "y");
    import_fails(m, DPU_E_INVALID, "node 'rs' (Reshape): cannot reshape (2, 3) into (4, 2)", NULL);
}

static void test_broken_initializers(void **state)
{
    (void)state;
    struct mb *m = relu_model(13);
    mb_init_raw(m, "w", MB_FLOAT, 1, (int64_t[]){10}, zeros, 8);
    import_fails(m, DPU_E_PARSE, "initializer 'w': raw_data has 8 bytes", "needs 40", NULL);

    /* Dimensions that promise terabytes, with no data behind them. */
    m = relu_model(13);
    mb_init_raw(m, "huge", MB_FLOAT, 2, (int64_t[]){(int64_t)1 << 40, (int64_t)1 << 40}, NULL, 0);
    import_fails(m, DPU_E_RANGE, "initializer 'huge'", "2^40", NULL);
    m = relu_model(13);
    mb_init_raw(m, "big", MB_FLOAT, 1, (int64_t[]){(int64_t)1 << 36}, NULL, 0);
    import_fails(m, DPU_E_PARSE, "initializer 'big': raw_data has 0 bytes", NULL);
    m = relu_model(13);
    mb_init_raw(m, "neg", MB_FLOAT, 1, (int64_t[]){-1}, NULL, 0);
    import_fails(m, DPU_E_RANGE, "initializer 'neg': dimension 0 is -1", NULL);

    m = relu_model(13);
    mb_init_external(m, "ext", 1, (int64_t[]){4});
    import_fails(m, DPU_E_UNSUPPORTED, "initializer 'ext'", "external file", NULL);

    /* A computed constant too large to make. */
    m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){1, 1});
    mb_init_i64(m, "shape", 1, (int64_t[]){2}, (int64_t[]){1 << 14, 1 << 14});
    mb_node(m, "ConstantOfShape", "cos", "shape", "c");
    mb_node(m, "Add", "add", "x,c", "y");
    mb_output(m, "y");
    import_fails(m, DPU_E_RANGE, "node 'cos' (ConstantOfShape)", "computed constant", NULL);
}

static void test_bindings(void **state)
{
    (void)state;
    size_t len;
    struct mb *m = relu_model(13);
    uint8_t *bytes = mb_pack(m, &len);
    mb_free(m);
    float v[6] = {0};
    struct dpu_tensor t = {.dtype = DPU_DT_FLOAT32, .rank = 2, .dims = {2, 3}, .data = v};
    struct dpu_onnx_binding b = {.name = "nope", .value = &t};
    struct dpu_onnx_options o = {.mode = DPU_ONNX_AUTO, .nbindings = 1, .bindings = &b};
    struct dpu_graph g;
    struct dpu_diag d;
    dpu_graph_init(&g);
    dpu_diag_clear(&d);
    assert_int_equal(dpu_onnx_import_bytes("m.onnx", bytes, len, &o, &g, NULL, &d), DPU_E_INVALID);
    assert_non_null(strstr(d.msg, "binding 'nope': names no graph input"));
    dpu_graph_free(&g);
    free(bytes);
}

static void test_missing_file(void **state)
{
    (void)state;
    struct dpu_graph g;
    struct dpu_diag d;
    dpu_graph_init(&g);
    dpu_diag_clear(&d);
    assert_int_equal(dpu_onnx_import(ONNX_TMP_DIR "/does-not-exist.onnx", NULL, &g, NULL, &d),
                     DPU_E_IO);
    assert_non_null(strstr(d.msg, "does-not-exist.onnx"));
    dpu_graph_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unsupported_op), cmocka_unit_test(test_unsupported_attribute),
        cmocka_unit_test(test_opsets),         cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_random_bytes),   cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_broken_graphs),  cmocka_unit_test(test_broken_initializers),
        cmocka_unit_test(test_bindings),       cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
