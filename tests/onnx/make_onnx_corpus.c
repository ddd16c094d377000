/* Writes the committed ONNX test files: small valid models (tests/onnx/models: fixtures
 * for the dpuc import/run tests and fuzz seeds) and broken ones (fuzz seeds only), all built
 * with model_builder.c so that no Python onnx is needed.
 *
 *   make_onnx_corpus MODELS_DIR CORPUS_DIR           write them
 *   make_onnx_corpus --check MODELS_DIR CORPUS_DIR   fail if any committed file differs
 *
 * The fuzz corpus (CORPUS_DIR) gets every model, valid and broken. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/fileio.h"
#include "model_builder.h"

static bool check_mode;
static int problems;

static void emit(const char *dir, const char *name, const uint8_t *bytes, size_t len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (!check_mode) {
        if (dpu_write_file(path, bytes, len, &d)) {
            fprintf(stderr, "%s\n", dpu_diag_message(&d));
            problems++;
        }
        return;
    }
    uint8_t *have;
    size_t hlen;
    if (dpu_read_file(path, 1 << 24, &have, &hlen, &d)) {
        fprintf(stderr, "%s\n", dpu_diag_message(&d));
        problems++;
        return;
    }
    if (hlen != len || memcmp(have, bytes, len) != 0) {
        fprintf(stderr, "%s: differs from what make_onnx_corpus writes\n", path);
        problems++;
    }
    free(have);
}

/* Writes m (freed) as name into the corpus, and into the models directory when good. */
static void put(const char *models, const char *corpus, const char *name, struct mb *m, bool good)
{
    size_t len;
    uint8_t *bytes = mb_pack(m, &len);
    mb_free(m);
    if (good)
        emit(models, name, bytes, len);
    emit(corpus, name, bytes, len);
    free(bytes);
}

/* Deterministic small weights: values in [-127, 127] (floats scaled down). */
static int8_t w8(int i)
{
    return (int8_t)((i * 37 + 11) % 255 - 127);
}

static float wf(int i)
{
    return (float)w8(i) / 254.0f;
}

static void fill_f(float *v, int n, int seed)
{
    for (int i = 0; i < n; i++)
        v[i] = wf(i + seed);
}

/* x[1,1,8,8] -> Conv 3x3 pad 1 -> Relu -> MaxPool 2 -> Flatten -> Gemm -> Softmax. */
static struct mb *float_cnn(void)
{
    static float w1[36], b1[4], w2[640], b2[10];
    fill_f(w1, 36, 1);
    fill_f(b1, 4, 2);
    fill_f(w2, 640, 3);
    fill_f(b2, 10, 4);
    struct mb *m = mb_new(13);
    mb_graph_name(m, "float_cnn");
    mb_input(m, "x", MB_FLOAT, 4, (int64_t[]){-1, 1, 8, 8});
    mb_init_f(m, "w1", 4, (int64_t[]){4, 1, 3, 3}, w1);
    mb_init_f(m, "b1", 1, (int64_t[]){4}, b1);
    mb_init_f(m, "w2", 2, (int64_t[]){10, 64}, w2);
    mb_init_f(m, "b2", 1, (int64_t[]){10}, b2);
    mb_attr_ints(mb_node(m, "Conv", "conv1", "x,w1,b1", "c1"), "pads", 4, (int64_t[]){1, 1, 1, 1});
    mb_node(m, "Relu", "relu1", "c1", "r1");
    struct mb_node *p = mb_node(m, "MaxPool", "pool1", "r1", "p1");
    mb_attr_ints(p, "kernel_shape", 2, (int64_t[]){2, 2});
    mb_attr_ints(p, "strides", 2, (int64_t[]){2, 2});
    mb_node(m, "Flatten", "flatten", "p1", "f");
    mb_attr_i(mb_node(m, "Gemm", "fc", "f,w2,b2", "logits"), "transB", 1);
    mb_node(m, "Softmax", "softmax", "logits", "y");
    mb_output(m, "y");
    return m;
}

/* QDQ: x(float) -> Q -> DQ -> Conv(per-channel int8 w, int32 b) -> Relu -> Q -> DQ -> y. */
static struct mb *qdq_conv(void)
{
    static int8_t w[54];
    for (int i = 0; i < 54; i++)
        w[i] = w8(i);
    struct mb *m = mb_new(13);
    mb_graph_name(m, "qdq_conv");
    mb_input(m, "x", MB_FLOAT, 4, (int64_t[]){1, 2, 4, 4});
    mb_scalar_f(m, "xs", 1.0f / 64);
    mb_scalar_u8(m, "xz", 128);
    mb_init_i8(m, "w", 4, (int64_t[]){3, 2, 3, 3}, w);
    mb_init_f(m, "ws", 1, (int64_t[]){3}, (float[]){1.0f / 256, 1.0f / 512, 1.0f / 128});
    mb_init_i8(m, "wz", 1, (int64_t[]){3}, (int8_t[]){0, 0, 0});
    mb_init_i32(m, "b", 1, (int64_t[]){3}, (int32_t[]){100, -200, 300});
    mb_init_f(m, "bs", 1, (int64_t[]){3},
              (float[]){1.0f / (64 * 256), 1.0f / (64 * 512), 1.0f / (64 * 128)});
    mb_scalar_f(m, "ys", 1.0f / 32);
    mb_scalar_u8(m, "yz", 0);
    mb_node(m, "QuantizeLinear", "quant_in", "x,xs,xz", "xq");
    mb_node(m, "DequantizeLinear", "dq_x", "xq,xs,xz", "xf");
    mb_attr_i(mb_node(m, "DequantizeLinear", "dq_w", "w,ws,wz", "wf"), "axis", 0);
    mb_attr_i(mb_node(m, "DequantizeLinear", "dq_b", "b,bs", "bf"), "axis", 0);
    mb_attr_ints(mb_node(m, "Conv", "conv", "xf,wf,bf", "c"), "pads", 4, (int64_t[]){1, 1, 1, 1});
    mb_node(m, "Relu", "relu", "c", "r");
    mb_node(m, "QuantizeLinear", "quant_out", "r,ys,yz", "yq");
    mb_node(m, "DequantizeLinear", "dequant_out", "yq,ys,yz", "y");
    mb_output(m, "y");
    return m;
}

/* Operator form over uint8: QLinearConv -> QLinearAdd -> QLinearGlobalAveragePool ->
 * (reshape) -> QLinearMatMul, I/O uint8. */
static struct mb *qlinear_ops(void)
{
    static int8_t w[32], fcw[40];
    for (int i = 0; i < 32; i++)
        w[i] = w8(i);
    for (int i = 0; i < 40; i++)
        fcw[i] = w8(i + 5);
    struct mb *m = mb_new(13);
    mb_opset(m, "com.microsoft", 1);
    mb_graph_name(m, "qlinear_ops");
    mb_input(m, "x", MB_UINT8, 4, (int64_t[]){1, 2, 5, 5});
    mb_scalar_f(m, "s_x", 0.02f);
    mb_scalar_u8(m, "z_x", 128);
    mb_init_i8(m, "w", 4, (int64_t[]){4, 2, 2, 2}, w);
    mb_init_f(m, "s_w", 1, (int64_t[]){4}, (float[]){0.01f, 0.02f, 0.03f, 0.04f});
    mb_init_i8(m, "z_w", 1, (int64_t[]){4}, (int8_t[]){0, 0, 0, 0});
    mb_scalar_f(m, "s_c", 0.05f);
    mb_scalar_u8(m, "z_c", 120);
    mb_init_i32(m, "b", 1, (int64_t[]){4}, (int32_t[]){10, -10, 20, -20});
    mb_scalar_f(m, "s_a", 0.08f);
    mb_scalar_u8(m, "z_a", 125);
    mb_scalar_f(m, "s_g", 0.04f);
    mb_scalar_u8(m, "z_g", 128);
    mb_init_i64(m, "shape", 1, (int64_t[]){2}, (int64_t[]){1, 4});
    mb_init_i8(m, "fcw", 2, (int64_t[]){4, 10}, fcw);
    mb_scalar_f(m, "s_fcw", 0.01f);
    mb_scalar_i8(m, "z_fcw", 0);
    mb_scalar_f(m, "s_y", 0.1f);
    mb_scalar_u8(m, "z_y", 128);
    mb_node(m, "QLinearConv", "qconv", "x,s_x,z_x,w,s_w,z_w,s_c,z_c,b", "c");
    mb_domain(mb_node(m, "QLinearAdd", "qadd", "c,s_c,z_c,c,s_c,z_c,s_a,z_a", "a"),
              "com.microsoft");
    mb_domain(mb_node(m, "QLinearGlobalAveragePool", "qgap", "a,s_a,z_a,s_g,z_g", "g"),
              "com.microsoft");
    mb_node(m, "Reshape", "flatten", "g,shape", "gf");
    mb_node(m, "QLinearMatMul", "qfc", "gf,s_g,z_g,fcw,s_fcw,z_fcw,s_y,z_y", "y");
    mb_output(m, "y");
    return m;
}

/* QDQ activations with tables: DQ -> Sigmoid -> Q -> DQ -> HardSwish -> Q -> DQ -> Softmax
 * -> Q, int8 I/O. */
static struct mb *qdq_luts(void)
{
    struct mb *m = mb_new(14);
    mb_graph_name(m, "qdq_luts");
    mb_input(m, "x", MB_INT8, 2, (int64_t[]){2, 16});
    mb_scalar_f(m, "s0", 0.05f);
    mb_scalar_i8(m, "z0", -3);
    mb_scalar_f(m, "s1", 1.0f / 256);
    mb_scalar_i8(m, "z1", -128);
    mb_scalar_f(m, "s2", 0.004f);
    mb_scalar_i8(m, "z2", 0);
    mb_node(m, "DequantizeLinear", "dq0", "x,s0,z0", "xf");
    mb_node(m, "Sigmoid", "sigmoid", "xf", "a");
    mb_node(m, "QuantizeLinear", "q1", "a,s1,z1", "aq");
    mb_node(m, "DequantizeLinear", "dq1", "aq,s1,z1", "af");
    mb_node(m, "HardSwish", "hswish", "af", "h");
    mb_node(m, "QuantizeLinear", "q2", "h,s2,z2", "hq");
    mb_node(m, "DequantizeLinear", "dq2", "hq,s2,z2", "hf");
    mb_node(m, "Softmax", "softmax", "hf", "sm");
    mb_node(m, "QuantizeLinear", "q3", "sm,s1,z1", "y");
    mb_output(m, "y");
    return m;
}

/* PyTorch's flatten through a shape subgraph, a 1-D conv and pool, Resize, Pad, Concat. */
static struct mb *shapes_and_moves(void)
{
    static float w[24];
    fill_f(w, 24, 7);
    struct mb *m = mb_new(13);
    mb_graph_name(m, "shapes_and_moves");
    mb_input(m, "x", MB_FLOAT, 3, (int64_t[]){-1, 2, 12});
    mb_init_f(m, "w", 3, (int64_t[]){4, 2, 3}, w);
    mb_init_i64(m, "zero", 0, NULL, (int64_t[]){0});
    mb_init_i64(m, "axes0", 1, (int64_t[]){1}, (int64_t[]){0});
    mb_init_i64(m, "minus1", 1, (int64_t[]){1}, (int64_t[]){-1});
    mb_init_i64(m, "to4d", 1, (int64_t[]){4}, (int64_t[]){1, 4, 1, 12});
    mb_init_f(m, "scales", 1, (int64_t[]){4}, (float[]){1, 1, 2, 2});
    mb_init_i64(m, "pads", 1, (int64_t[]){8}, (int64_t[]){0, 0, 1, 1, 0, 0, 1, 1});
    mb_attr_ints(mb_node(m, "Conv", "conv1d", "x,w", "c"), "pads", 2, (int64_t[]){1, 1});
    struct mb_node *p = mb_node(m, "AveragePool", "pool1d", "c", "p");
    mb_attr_ints(p, "kernel_shape", 1, (int64_t[]){3});
    mb_attr_ints(p, "pads", 2, (int64_t[]){1, 1});
    mb_node(m, "Reshape", "to4d", "p,to4d", "p4");
    struct mb_node *r = mb_node(m, "Resize", "upsample", "p4,,scales", "u");
    mb_attr_s(r, "mode", "nearest");
    mb_attr_s(r, "coordinate_transformation_mode", "asymmetric");
    mb_attr_s(r, "nearest_mode", "floor");
    mb_node(m, "Pad", "pad", "u,pads", "pd");
    mb_attr_i(mb_node(m, "Concat", "concat", "pd,pd", "cat"), "axis", 1);
    mb_node(m, "Shape", "shape", "cat", "s");
    mb_node(m, "Gather", "gather", "s,zero", "n");
    mb_node(m, "Unsqueeze", "unsqueeze", "n,axes0", "n1");
    mb_attr_i(mb_node(m, "Concat", "shape_cat", "n1,minus1", "shp"), "axis", 0);
    mb_node(m, "Reshape", "flatten", "cat,shp", "y");
    mb_output(m, "y");
    return m;
}

/* DequantizeLinear -> Squeeze -> float graph output (found by fuzzing). */
static struct mb *qdq_move_output(void)
{
    struct mb *m = mb_new(13);
    mb_graph_name(m, "qdq_move_output");
    mb_input(m, "x", MB_INT8, 2, (int64_t[]){1, 4});
    mb_scalar_f(m, "s", 0.5f);
    mb_node(m, "DequantizeLinear", "dq", "x,s", "xf");
    mb_node(m, "Squeeze", "squeeze", "xf", "y");
    mb_output(m, "y");
    return m;
}

/* Before opset 11: Clip and Pad with attributes, Gemm-6 broadcast, BatchNormalization-6. */
static struct mb *old_opset(void)
{
    static float w[12], one[3] = {1, 1, 1}, zero[3];
    fill_f(w, 12, 9);
    struct mb *m = mb_new(6);
    mb_graph_name(m, "old_opset");
    mb_input(m, "x", MB_FLOAT, 4, (int64_t[]){1, 3, 2, 2});
    mb_init_f(m, "s", 1, (int64_t[]){3}, one);
    mb_init_f(m, "b", 1, (int64_t[]){3}, zero);
    mb_init_f(m, "w", 2, (int64_t[]){1, 12}, w);
    struct mb_node *bn = mb_node(m, "BatchNormalization", "bn", "x,s,b,b,s", "n");
    mb_attr_i(bn, "is_test", 1);
    struct mb_node *c = mb_node(m, "Clip", "clip", "n", "c");
    mb_attr_f(c, "min", 0);
    mb_attr_f(c, "max", 6);
    mb_node(m, "Flatten", "flatten", "c", "f");
    struct mb_node *g = mb_node(m, "Gemm", "fc", "f,w", "y");
    mb_attr_i(g, "transB", 1);
    mb_attr_i(g, "broadcast", 1);
    mb_output(m, "y");
    return m;
}

static struct mb *relu_model(int opset)
{
    struct mb *m = mb_new(opset);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 3});
    mb_node(m, "Relu", "relu", "x", "y");
    mb_output(m, "y");
    return m;
}

static void put_bytes(const char *corpus, const char *name, const uint8_t *b, size_t len)
{
    emit(corpus, name, b, len);
}

/* Prepends the tag of length-delimited field `field` and the length *n to buf[0..*n). */
static void wrap(uint8_t *buf, size_t *n, unsigned field)
{
    uint8_t head[12];
    size_t h = 0;
    head[h++] = (uint8_t)(field << 3 | 2);
    for (size_t v = *n;; v >>= 7) {
        head[h++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        if (v <= 0x7f)
            break;
    }
    memmove(buf + h, buf, *n);
    memcpy(buf, head, h);
    *n += h;
}

static void broken(const char *models, const char *corpus)
{
    struct mb *m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 3});
    mb_node(m, "Relu", "a", "b_out", "a_out");
    mb_node(m, "Relu", "b", "a_out", "b_out");
    mb_output(m, "b_out");
    put(models, corpus, "bad_cycle.onnx", m, false);

    m = relu_model(13);
    mb_init_raw(m, "w", MB_FLOAT, 2, (int64_t[]){(int64_t)1 << 40, (int64_t)1 << 40}, NULL, 0);
    put(models, corpus, "bad_huge_dims.onnx", m, false);

    m = relu_model(13);
    mb_init_raw(m, "w", MB_FLOAT, 1, (int64_t[]){10}, (float[]){1, 2}, 8);
    put(models, corpus, "bad_short_raw_data.onnx", m, false);

    m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 3, (int64_t[]){1, 2, 3});
    mb_node(m, "LSTM", "lstm", "x", "y");
    mb_output(m, "y");
    put(models, corpus, "bad_unsupported_op.onnx", m, false);

    put(models, corpus, "bad_opset18.onnx", relu_model(18), false);

    m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 3});
    mb_node(m, "Relu", "relu", "nope", "y");
    mb_output(m, "y");
    put(models, corpus, "bad_dangling_input.onnx", m, false);

    m = mb_new(13);
    mb_input(m, "x", MB_INT8, 2, (int64_t[]){1, 4});
    mb_scalar_f(m, "s", 0.5f);
    mb_node(m, "DequantizeLinear", "dq", "x,s", "xf");
    mb_node(m, "Sigmoid", "sig", "xf", "y");
    mb_output(m, "y");
    put(models, corpus, "bad_not_quantized.onnx", m, false);

    m = mb_new(13);
    mb_input(m, "x", MB_FLOAT, 2, (int64_t[]){2, 3});
    mb_init_i64(m, "shape", 1, (int64_t[]){2}, (int64_t[]){1 << 14, 1 << 14});
    mb_node(m, "ConstantOfShape", "cos", "shape", "c");
    mb_node(m, "Add", "add", "x,c", "y");
    mb_output(m, "y");
    put(models, corpus, "bad_huge_constant.onnx", m, false);

    /* A QDQ convolution whose float bias holds a NaN (found by fuzzing). */
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
    put(models, corpus, "bad_nan_bias.onnx", m, false);

    /* Half of a valid model. */
    size_t len;
    struct mb *cnn = float_cnn();
    uint8_t *b = mb_pack(cnn, &len);
    mb_free(cnn);
    put_bytes(corpus, "bad_truncated.onnx", b, len / 2);
    free(b);

    /* Graph -> node -> attribute -> graph ... 40 levels: deeper than the importer allows. */
    static uint8_t deep[4096];
    size_t n = 0;
    for (int level = 0; level < 40; level++) {
        wrap(deep, &n, 6); /* AttributeProto.g */
        wrap(deep, &n, 5); /* NodeProto.attribute */
        wrap(deep, &n, 1); /* GraphProto.node */
    }
    wrap(deep, &n, 7); /* ModelProto.graph */
    put_bytes(corpus, "bad_deep_nesting.onnx", deep, n);

    uint8_t noise[256];
    uint32_t seed = 7;
    for (size_t i = 0; i < sizeof noise; i++) {
        seed = seed * 1103515245u + 12345u;
        noise[i] = (uint8_t)(seed >> 16);
    }
    put_bytes(corpus, "bad_random.bin", noise, sizeof noise);
}

int main(int argc, char **argv)
{
    int a = 1;
    if (a < argc && strcmp(argv[a], "--check") == 0) {
        check_mode = true;
        a++;
    }
    if (argc - a != 2) {
        fprintf(stderr, "usage: make_onnx_corpus [--check] MODELS_DIR CORPUS_DIR\n");
        return 1;
    }
    const char *models = argv[a], *corpus = argv[a + 1];
    put(models, corpus, "float_cnn.onnx", float_cnn(), true);
    put(models, corpus, "qdq_conv.onnx", qdq_conv(), true);
    put(models, corpus, "qlinear_ops.onnx", qlinear_ops(), true);
    put(models, corpus, "qdq_luts.onnx", qdq_luts(), true);
    put(models, corpus, "shapes_and_moves.onnx", shapes_and_moves(), true);
    put(models, corpus, "old_opset.onnx", old_opset(), true);
    put(models, corpus, "qdq_move_output.onnx", qdq_move_output(), true);
    broken(models, corpus);
    if (problems)
        fprintf(stderr, "make_onnx_corpus: %d problem(s)%s\n", problems,
                check_mode ? "; regenerate with make_onnx_corpus MODELS_DIR CORPUS_DIR" : "");
    return problems ? 1 : 0;
}
