/* The fixture graphs (q8_fixtures.h). Weights come from a fixed linear congruential
 * generator so that every build produces the same bytes, which the golden files need. */
#include "q8_fixtures.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(expr)                                                                                \
    do {                                                                                           \
        int rc_ = (expr);                                                                          \
        if (rc_ < 0)                                                                               \
            return rc_;                                                                            \
    } while (0)

struct fx {
    struct dpu_graph *g;
    uint32_t seed;
};

static uint32_t rnd(struct fx *f)
{
    f->seed = f->seed * 1664525u + 1013904223u;
    return f->seed >> 8;
}

/* An activation (data NULL) with per-tensor quantization when scale > 0. */
static int act(struct fx *f, const char *name, enum dpu_dtype dt, int rank, const int64_t *dims,
               float scale, int32_t zp)
{
    int t = dpu_graph_add_tensor(f->g, name, dt, rank, dims, NULL);
    if (t >= 0 && scale > 0)
        CHECK(dpu_graph_set_quant(f->g, t, -1, 1, &scale, &zp));
    return t;
}

/* int8 weights in [-127, 127] with per-output-channel scales (axis 0). */
static int weights(struct fx *f, const char *name, int rank, const int64_t *dims)
{
    int64_t count = dpu_shape_count(rank, dims);
    int8_t *w = malloc((size_t)count);
    float *s = malloc((size_t)dims[0] * sizeof *s);
    int t = DPU_E_NOMEM;
    if (w && s) {
        for (int64_t i = 0; i < count; i++)
            w[i] = (int8_t)((int)(rnd(f) % 255) - 127);
        for (int64_t c = 0; c < dims[0]; c++)
            s[c] = 0.001f + 0.0001f * (float)(rnd(f) % 100);
        t = dpu_graph_add_tensor(f->g, name, DPU_DT_INT8, rank, dims, w);
        if (t >= 0) {
            int err = dpu_graph_set_quant(f->g, t, 0, (size_t)dims[0], s, NULL);
            t = err < 0 ? err : t;
        }
    }
    free(w);
    free(s);
    return t;
}

static int bias(struct fx *f, const char *name, int64_t m)
{
    int32_t *b = malloc((size_t)m * sizeof *b);
    if (!b)
        return DPU_E_NOMEM;
    for (int64_t i = 0; i < m; i++)
        b[i] = (int32_t)(rnd(f) % 20001) - 10000;
    int t = dpu_graph_add_tensor(f->g, name, DPU_DT_INT32, 1, &m, b);
    free(b);
    return t;
}

/* A float32 constant with values in [-1, 1). */
static int fconst(struct fx *f, const char *name, int rank, const int64_t *dims, float base)
{
    int64_t count = dpu_shape_count(rank, dims);
    float *v = malloc((size_t)(count ? count : 1) * sizeof *v);
    if (!v)
        return DPU_E_NOMEM;
    for (int64_t i = 0; i < count; i++)
        v[i] = base + (float)(rnd(f) % 2000) / 1000.0f - 1.0f;
    int t = dpu_graph_add_tensor(f->g, name, DPU_DT_FLOAT32, rank, dims, v);
    free(v);
    return t;
}

static int node(struct fx *f, const char *name, enum dpu_node_op op, size_t nin, const int32_t *in,
                int32_t out)
{
    return dpu_graph_add_node(f->g, name, op, nin, in, 1, &out);
}

static int set_ints(struct fx *f, int n, const char *name, size_t count, const int64_t *v)
{
    return dpu_node_set_ints(f->g, n, name, count, v);
}

#define DIMS(...)                                                                                  \
    (int)(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t)), (int64_t[])                         \
    {                                                                                              \
        __VA_ARGS__                                                                                \
    }
#define INS(...)                                                                                   \
    sizeof((int32_t[]){__VA_ARGS__}) / sizeof(int32_t), (int32_t[])                                \
    {                                                                                              \
        __VA_ARGS__                                                                                \
    }
#define INTS(...)                                                                                  \
    sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t), (int64_t[])                                \
    {                                                                                              \
        __VA_ARGS__                                                                                \
    }

/* The softmax exponent table of op_attrs.def for an input scale s. */
static int set_exp_table(struct fx *f, int n, float s)
{
    int64_t t[256];
    for (int d = 0; d < 256; d++)
        t[d] = llround(exp(-(double)d * s) * 8388608.0);
    return set_ints(f, n, "exp_table", 256, t);
}

/* A lookup table for y = fn(x) between the given scales and zero points (entry i is input
 * i - 128), saturated to int8. */
static int set_lut(struct fx *f, int n, double (*fn)(double), float si, int zi, float so, int zo)
{
    int64_t t[256];
    for (int i = 0; i < 256; i++) {
        double y = fn(si * (i - 128 - zi)) / so + zo;
        long q = lround(y);
        t[i] = q < -128 ? -128 : q > 127 ? 127 : q;
    }
    return set_ints(f, n, "lut", 256, t);
}

static double sigmoid(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

static double hard_sigmoid(double x)
{
    double y = 0.2 * x + 0.5;
    return y < 0 ? 0 : y > 1 ? 1 : y;
}

static double hard_swish(double x)
{
    return x * hard_sigmoid(x / 1.2);
}

static double gelu(double x)
{
    return 0.5 * x * (1.0 + erf(x / sqrt(2.0)));
}

static double leaky(double x)
{
    return x >= 0 ? x : 0.01 * x;
}

int q8_fixture_lenet(struct dpu_graph *g)
{
    struct fx fx = {g, 12345}, *f = &fx;
    const float s_in = 1.0f / 255.0f, s_a = 0.05f, s_b = 0.08f;
    g->name = strdup("lenet");
    g->quantized = true;
    int x = act(f, "input", DPU_DT_INT8, DIMS(1, 1, 28, 28), s_in, -128);
    int w1 = weights(f, "conv1.w", DIMS(6, 1, 5, 5)), b1 = bias(f, "conv1.b", 6);
    int c1 = act(f, "conv1.out", DPU_DT_INT8, DIMS(1, 6, 28, 28), s_a, -128);
    int p1 = act(f, "pool1.out", DPU_DT_INT8, DIMS(1, 6, 14, 14), s_a, -128);
    int w2 = weights(f, "conv2.w", DIMS(16, 6, 5, 5)), b2 = bias(f, "conv2.b", 16);
    int c2 = act(f, "conv2.out", DPU_DT_INT8, DIMS(1, 16, 10, 10), s_b, -128);
    int p2 = act(f, "pool2.out", DPU_DT_INT8, DIMS(1, 16, 5, 5), s_b, -128);
    int fl = act(f, "flat", DPU_DT_INT8, DIMS(1, 400), s_b, -128);
    int w3 = weights(f, "fc1.w", DIMS(120, 400)), b3 = bias(f, "fc1.b", 120);
    int f1 = act(f, "fc1.out", DPU_DT_INT8, DIMS(1, 120), s_a, -128);
    int w4 = weights(f, "fc2.w", DIMS(84, 120)), b4 = bias(f, "fc2.b", 84);
    int f2 = act(f, "fc2.out", DPU_DT_INT8, DIMS(1, 84), s_a, -128);
    int w5 = weights(f, "fc3.w", DIMS(10, 84)), b5 = bias(f, "fc3.b", 10);
    int lg = act(f, "logits", DPU_DT_INT8, DIMS(1, 10), 0.1f, 3);
    int pr = act(f, "probs", DPU_DT_INT8, DIMS(1, 10), 1.0f / 256.0f, -128);
    CHECK(x | w1 | b1 | c1 | p1 | w2 | b2 | c2 | p2 | fl | w3 | b3 | f1 | w4 | b4 | f2 | w5 | b5 |
          lg | pr);

    int n = node(f, "conv1", DPU_NODE_CONV2D, INS(x, w1, b1), c1);
    CHECK(n);
    CHECK(set_ints(f, n, "strides", INTS(1, 1)));
    CHECK(set_ints(f, n, "pads", INTS(2, 2, 2, 2)));
    CHECK(dpu_node_set_int(g, n, "group", 1));
    CHECK(set_ints(f, n, "clamp", INTS(-128, 127)));
    CHECK(n = node(f, "pool1", DPU_NODE_MAX_POOL, INS(c1), p1));
    CHECK(set_ints(f, n, "kernel_shape", INTS(2, 2)));
    CHECK(set_ints(f, n, "strides", INTS(2, 2)));
    CHECK(n = node(f, "conv2", DPU_NODE_CONV2D, INS(p1, w2, b2), c2));
    CHECK(set_ints(f, n, "clamp", INTS(-128, 127)));
    CHECK(n = node(f, "pool2", DPU_NODE_AVG_POOL, INS(c2), p2));
    CHECK(set_ints(f, n, "kernel_shape", INTS(2, 2)));
    CHECK(set_ints(f, n, "strides", INTS(2, 2)));
    CHECK(n = node(f, "flatten", DPU_NODE_FLATTEN, INS(p2), fl));
    CHECK(dpu_node_set_int(g, n, "axis", 1));
    CHECK(n = node(f, "fc1", DPU_NODE_FULLY_CONNECTED, INS(fl, w3, b3), f1));
    CHECK(set_ints(f, n, "clamp", INTS(-128, 127)));
    CHECK(n = node(f, "fc2", DPU_NODE_FULLY_CONNECTED, INS(f1, w4, b4), f2));
    CHECK(set_ints(f, n, "clamp", INTS(-128, 127)));
    CHECK(node(f, "fc3", DPU_NODE_FULLY_CONNECTED, INS(f2, w5, b5), lg));
    CHECK(n = node(f, "softmax", DPU_NODE_SOFTMAX, INS(lg), pr));
    CHECK(dpu_node_set_int(g, n, "axis", -1));
    CHECK(set_exp_table(f, n, 0.1f));
    CHECK(dpu_graph_add_input(g, x));
    CHECK(dpu_graph_add_output(g, pr));
    return DPU_OK;
}

int q8_fixture_int8_all_ops(struct dpu_graph *g)
{
    struct fx fx = {g, 777}, *f = &fx;
    const float s = 0.02f;
    const enum dpu_dtype I8 = DPU_DT_INT8;
    g->name = strdup("int8 all ops");
    g->quantized = true;
    int xf = act(f, "x", DPU_DT_FLOAT32, DIMS(1, 3, 8, 8), 0, 0);
    int q = act(f, "q", I8, DIMS(1, 3, 8, 8), s, 0);
    int w1 = weights(f, "conv.w", DIMS(4, 3, 3, 3)), b1 = bias(f, "conv.b", 4);
    int c1 = act(f, "conv.out", I8, DIMS(1, 4, 8, 8), s, -5);
    int w2 = weights(f, "dw.w", DIMS(4, 1, 3, 3));
    int c2 = act(f, "dw.out", I8, DIMS(1, 4, 8, 8), s, 0);
    const char *un[] = {"relu", "relu6", "clip",   "leaky", "sigmoid",
                        "tanh", "hsig",  "hswish", "gelu"};
    int u[9];
    for (int i = 0; i < 9; i++)
        CHECK(u[i] = act(f, un[i], I8, DIMS(1, 4, 8, 8), s, i - 4));
    int kadd = act(f, "addend", I8, DIMS(4, 1, 1), 0.01f, 1);
    int ad = act(f, "add", I8, DIMS(1, 4, 8, 8), s, 0);
    int mu = act(f, "mul", I8, DIMS(1, 4, 8, 8), s, 0);
    int mp = act(f, "maxpool", I8, DIMS(1, 4, 4, 4), 0.03f, 0);
    int ap = act(f, "avgpool", I8, DIMS(1, 4, 4, 4), s, 0);
    int cc = act(f, "concat", I8, DIMS(1, 8, 4, 4), s, 0);
    int pd = act(f, "pad", I8, DIMS(1, 8, 6, 6), s, 0);
    int rs = act(f, "resize", I8, DIMS(1, 8, 12, 12), s, 0);
    int gp = act(f, "gap", I8, DIMS(1, 8, 1, 1), s, 2);
    int fl = act(f, "flat", I8, DIMS(1, 8), s, 2);
    int w3 = weights(f, "fc.w", DIMS(5, 8)), b3 = bias(f, "fc.b", 5);
    int fc = act(f, "fc", I8, DIMS(1, 5), s, 0);
    int rh = act(f, "reshape", I8, DIMS(1, 5, 1), s, 0);
    int tr = act(f, "transpose", I8, DIMS(1, 1, 5), s, 0);
    int mb = act(f, "mm.b", I8, DIMS(5, 3), 0.01f, 0);
    int mm = act(f, "matmul", I8, DIMS(1, 1, 3), 0.1f, 0);
    int sm = act(f, "softmax", I8, DIMS(1, 1, 3), 1.0f / 256.0f, -128);
    int y = act(f, "y", DPU_DT_FLOAT32, DIMS(1, 1, 3), 0, 0);
    CHECK(xf | q | w1 | b1 | c1 | w2 | c2 | kadd | ad | mu | mp | ap | cc | pd | rs | gp | fl | w3 |
          b3 | fc | rh | tr | mb | mm | sm | y);
    /* mm.b is a constant operand of MatMul: int8, per tensor, like any activation. */
    int8_t mbv[15];
    for (int i = 0; i < 15; i++)
        mbv[i] = (int8_t)(i * 17 - 120);
    g->tensors[mb].data = malloc(sizeof mbv);
    if (!g->tensors[mb].data)
        return DPU_E_NOMEM;
    memcpy(g->tensors[mb].data, mbv, sizeof mbv);
    int8_t kv[4] = {-3, 0, 5, 127};
    g->tensors[kadd].data = malloc(sizeof kv);
    if (!g->tensors[kadd].data)
        return DPU_E_NOMEM;
    memcpy(g->tensors[kadd].data, kv, sizeof kv);

    int n;
    CHECK(node(f, "quantize", DPU_NODE_QUANTIZE, INS(xf), q));
    CHECK(n = node(f, "conv", DPU_NODE_CONV2D, INS(q, w1, b1), c1));
    CHECK(set_ints(f, n, "kernel_shape", INTS(3, 3)));
    CHECK(set_ints(f, n, "pads", INTS(1, 1, 1, 1)));
    CHECK(set_ints(f, n, "clamp", INTS(-5, 127)));
    CHECK(n = node(f, "dw", DPU_NODE_CONV2D, INS(c1, w2, -1), c2));
    CHECK(dpu_node_set_int(g, n, "group", 4));
    CHECK(set_ints(f, n, "dilations", INTS(2, 2)));
    CHECK(set_ints(f, n, "pads", INTS(2, 2, 2, 2)));
    CHECK(set_ints(f, n, "strides", INTS(1, 1)));
    CHECK(n = node(f, "relu", DPU_NODE_RELU, INS(c2), u[0]));
    CHECK(set_ints(f, n, "clamp", INTS(-4, 127)));
    CHECK(n = node(f, "relu6", DPU_NODE_RELU6, INS(u[0]), u[1]));
    CHECK(set_ints(f, n, "clamp", INTS(-3, 97)));
    CHECK(n = node(f, "clip", DPU_NODE_CLIP, INS(u[1]), u[2]));
    CHECK(set_ints(f, n, "clamp", INTS(-50, 60)));
    CHECK(n = node(f, "leaky", DPU_NODE_LEAKY_RELU, INS(u[2]), u[3]));
    CHECK(dpu_node_set_float(g, n, "alpha", 0.01));
    CHECK(set_lut(f, n, leaky, s, -2, s, -1));
    CHECK(n = node(f, "sigmoid", DPU_NODE_SIGMOID, INS(u[3]), u[4]));
    CHECK(set_lut(f, n, sigmoid, s, -1, s, 0));
    CHECK(n = node(f, "tanh", DPU_NODE_TANH, INS(u[4]), u[5]));
    CHECK(set_lut(f, n, tanh, s, 0, s, 1));
    CHECK(n = node(f, "hsig", DPU_NODE_HARD_SIGMOID, INS(u[5]), u[6]));
    CHECK(dpu_node_set_float(g, n, "alpha", 0.2));
    CHECK(dpu_node_set_float(g, n, "beta", 0.5));
    CHECK(set_lut(f, n, hard_sigmoid, s, 1, s, 2));
    CHECK(n = node(f, "hswish", DPU_NODE_HARD_SWISH, INS(u[6]), u[7]));
    CHECK(set_lut(f, n, hard_swish, s, 2, s, 3));
    CHECK(n = node(f, "gelu", DPU_NODE_GELU, INS(u[7]), u[8]));
    CHECK(set_lut(f, n, gelu, s, 3, s, 4));
    CHECK(n = node(f, "add", DPU_NODE_ADD, INS(u[8], kadd), ad));
    CHECK(set_ints(f, n, "clamp", INTS(-128, 127)));
    CHECK(n = node(f, "mul", DPU_NODE_MUL, INS(ad, u[1]), mu));
    CHECK(set_ints(f, n, "clamp", INTS(-100, 100)));
    CHECK(n = node(f, "maxpool", DPU_NODE_MAX_POOL, INS(ad), mp));
    CHECK(set_ints(f, n, "kernel_shape", INTS(2, 2)));
    CHECK(set_ints(f, n, "strides", INTS(2, 2)));
    CHECK(set_ints(f, n, "dilations", INTS(1, 1)));
    CHECK(set_ints(f, n, "pads", INTS(0, 0, 0, 0)));
    CHECK(dpu_node_set_int(g, n, "ceil_mode", 1));
    CHECK(n = node(f, "avgpool", DPU_NODE_AVG_POOL, INS(mu), ap));
    CHECK(set_ints(f, n, "kernel_shape", INTS(3, 3)));
    CHECK(set_ints(f, n, "strides", INTS(2, 2)));
    CHECK(set_ints(f, n, "pads", INTS(1, 1, 1, 1)));
    CHECK(dpu_node_set_int(g, n, "ceil_mode", 0));
    CHECK(dpu_node_set_int(g, n, "count_include_pad", 0));
    CHECK(n = node(f, "concat", DPU_NODE_CONCAT, INS(mp, ap), cc));
    CHECK(dpu_node_set_int(g, n, "axis", -3));
    CHECK(n = node(f, "pad", DPU_NODE_PAD, INS(cc), pd));
    CHECK(set_ints(f, n, "pads", INTS(0, 0, 1, 1, 0, 0, 1, 1)));
    CHECK(dpu_node_set_int(g, n, "qvalue", 0));
    CHECK(n = node(f, "resize", DPU_NODE_RESIZE, INS(pd), rs));
    CHECK(set_ints(f, n, "scales", INTS(1, 1, 2, 2)));
    CHECK(node(f, "gap", DPU_NODE_GLOBAL_AVG_POOL, INS(rs), gp));
    CHECK(node(f, "flatten", DPU_NODE_FLATTEN, INS(gp), fl));
    CHECK(n = node(f, "fc", DPU_NODE_FULLY_CONNECTED, INS(fl, w3, b3), fc));
    CHECK(n = node(f, "reshape", DPU_NODE_RESHAPE, INS(fc), rh));
    CHECK(set_ints(f, n, "shape", INTS(0, -1, 1)));
    CHECK(n = node(f, "transpose", DPU_NODE_TRANSPOSE, INS(rh), tr));
    CHECK(set_ints(f, n, "perm", INTS(0, 2, 1)));
    CHECK(n = node(f, "matmul", DPU_NODE_MATMUL, INS(tr, mb), mm));
    CHECK(set_ints(f, n, "clamp", INTS(-128, 127)));
    CHECK(n = node(f, "softmax", DPU_NODE_SOFTMAX, INS(mm), sm));
    CHECK(set_exp_table(f, n, 0.1f));
    CHECK(node(f, "dequantize", DPU_NODE_DEQUANTIZE, INS(sm), y));
    CHECK(dpu_graph_add_input(g, xf));
    CHECK(dpu_graph_add_output(g, y));
    return DPU_OK;
}

int q8_fixture_float_all_ops(struct dpu_graph *g)
{
    struct fx fx = {g, 4242}, *f = &fx;
    const enum dpu_dtype F = DPU_DT_FLOAT32;
    g->name = strdup("float all ops");
    g->quantized = false;
    int x = act(f, "x", F, DIMS(1, 3, 8, 8), 0, 0);
    int w1 = fconst(f, "conv.w", DIMS(4, 3, 3, 3), 0), b1 = fconst(f, "conv.b", DIMS(4), 0);
    int c1 = act(f, "conv.out", F, DIMS(1, 4, 8, 8), 0, 0);
    int w2 = fconst(f, "dw.w", DIMS(4, 1, 3, 3), 0);
    int c2 = act(f, "dw.out", F, DIMS(1, 4, 8, 8), 0, 0);
    int bs = fconst(f, "bn.scale", DIMS(4), 1), bb = fconst(f, "bn.bias", DIMS(4), 0);
    int bm = fconst(f, "bn.mean", DIMS(4), 0), bv = fconst(f, "bn.var", DIMS(4), 2);
    int bn = act(f, "bn.out", F, DIMS(1, 4, 8, 8), 0, 0);
    const char *un[] = {"relu", "relu6", "clip",   "leaky", "sigmoid",
                        "tanh", "hsig",  "hswish", "gelu"};
    int u[9];
    for (int i = 0; i < 9; i++)
        CHECK(u[i] = act(f, un[i], F, DIMS(1, 4, 8, 8), 0, 0));
    int kadd = fconst(f, "addend", DIMS(4, 1, 1), 0);
    int ad = act(f, "add", F, DIMS(1, 4, 8, 8), 0, 0);
    int mu = act(f, "mul", F, DIMS(1, 4, 8, 8), 0, 0);
    int mp = act(f, "maxpool", F, DIMS(1, 4, 4, 4), 0, 0);
    int ap = act(f, "avgpool", F, DIMS(1, 4, 4, 4), 0, 0);
    int cc = act(f, "concat", F, DIMS(1, 8, 4, 4), 0, 0);
    int pd = act(f, "pad", F, DIMS(1, 8, 6, 6), 0, 0);
    int rs = act(f, "resize", F, DIMS(1, 8, 12, 12), 0, 0);
    int gp = act(f, "gap", F, DIMS(1, 8, 1, 1), 0, 0);
    int fl = act(f, "flat", F, DIMS(1, 8), 0, 0);
    int w3 = fconst(f, "fc.w", DIMS(6, 8), 0), b3 = fconst(f, "fc.b", DIMS(6), 0);
    int fc = act(f, "fc", F, DIMS(1, 6), 0, 0);
    int gb = fconst(f, "gemm.b", DIMS(5, 6), 0), gc = fconst(f, "gemm.c", DIMS(5), 0);
    int gm = act(f, "gemm", F, DIMS(1, 5), 0, 0);
    int rh = act(f, "reshape", F, DIMS(1, 5, 1), 0, 0);
    int tr = act(f, "transpose", F, DIMS(1, 1, 5), 0, 0);
    int mb = fconst(f, "mm.b", DIMS(5, 3), 0);
    int mm = act(f, "matmul", F, DIMS(1, 1, 3), 0, 0);
    int sm = act(f, "y", F, DIMS(1, 1, 3), 0, 0);
    CHECK(x | w1 | b1 | c1 | w2 | c2 | bs | bb | bm | bv | bn | kadd | ad | mu | mp | ap | cc | pd |
          rs | gp | fl | w3 | b3 | fc | gb | gc | gm | rh | tr | mb | mm | sm);
    int n;
    CHECK(n = node(f, "conv", DPU_NODE_CONV2D, INS(x, w1, b1), c1));
    CHECK(set_ints(f, n, "kernel_shape", INTS(3, 3)));
    CHECK(set_ints(f, n, "pads", INTS(1, 1, 1, 1)));
    CHECK(set_ints(f, n, "strides", INTS(1, 1)));
    CHECK(set_ints(f, n, "dilations", INTS(1, 1)));
    CHECK(dpu_node_set_int(g, n, "group", 1));
    CHECK(n = node(f, "dw", DPU_NODE_CONV2D, INS(c1, w2), c2));
    CHECK(dpu_node_set_int(g, n, "group", 4));
    CHECK(set_ints(f, n, "dilations", INTS(2, 2)));
    CHECK(set_ints(f, n, "pads", INTS(2, 2, 2, 2)));
    CHECK(n = node(f, "bn", DPU_NODE_BATCH_NORM, INS(c2, bs, bb, bm, bv), bn));
    CHECK(dpu_node_set_float(g, n, "epsilon", 1e-5));
    CHECK(node(f, "relu", DPU_NODE_RELU, INS(bn), u[0]));
    CHECK(node(f, "relu6", DPU_NODE_RELU6, INS(u[0]), u[1]));
    CHECK(n = node(f, "clip", DPU_NODE_CLIP, INS(u[1]), u[2]));
    CHECK(dpu_node_set_float(g, n, "min", -1.5));
    CHECK(dpu_node_set_float(g, n, "max", 2.25));
    CHECK(n = node(f, "leaky", DPU_NODE_LEAKY_RELU, INS(u[2]), u[3]));
    CHECK(dpu_node_set_float(g, n, "alpha", 0.1));
    CHECK(node(f, "sigmoid", DPU_NODE_SIGMOID, INS(u[3]), u[4]));
    CHECK(node(f, "tanh", DPU_NODE_TANH, INS(u[4]), u[5]));
    CHECK(n = node(f, "hsig", DPU_NODE_HARD_SIGMOID, INS(u[5]), u[6]));
    CHECK(dpu_node_set_float(g, n, "alpha", 1.0 / 6.0));
    CHECK(dpu_node_set_float(g, n, "beta", 0.5));
    CHECK(node(f, "hswish", DPU_NODE_HARD_SWISH, INS(u[6]), u[7]));
    CHECK(node(f, "gelu", DPU_NODE_GELU, INS(u[7]), u[8]));
    CHECK(node(f, "add", DPU_NODE_ADD, INS(u[8], kadd), ad));
    CHECK(node(f, "mul", DPU_NODE_MUL, INS(ad, u[1]), mu));
    CHECK(n = node(f, "maxpool", DPU_NODE_MAX_POOL, INS(ad), mp));
    CHECK(set_ints(f, n, "kernel_shape", INTS(2, 2)));
    CHECK(set_ints(f, n, "strides", INTS(2, 2)));
    CHECK(dpu_node_set_int(g, n, "ceil_mode", 1));
    CHECK(n = node(f, "avgpool", DPU_NODE_AVG_POOL, INS(mu), ap));
    CHECK(set_ints(f, n, "kernel_shape", INTS(3, 3)));
    CHECK(set_ints(f, n, "strides", INTS(2, 2)));
    CHECK(set_ints(f, n, "pads", INTS(1, 1, 1, 1)));
    CHECK(dpu_node_set_int(g, n, "count_include_pad", 1));
    CHECK(n = node(f, "concat", DPU_NODE_CONCAT, INS(mp, ap), cc));
    CHECK(dpu_node_set_int(g, n, "axis", 1));
    CHECK(n = node(f, "pad", DPU_NODE_PAD, INS(cc), pd));
    CHECK(set_ints(f, n, "pads", INTS(0, 0, 1, 1, 0, 0, 1, 1)));
    CHECK(dpu_node_set_float(g, n, "value", -0.0));
    CHECK(n = node(f, "resize", DPU_NODE_RESIZE, INS(pd), rs));
    CHECK(set_ints(f, n, "scales", INTS(1, 1, 2, 2)));
    CHECK(node(f, "gap", DPU_NODE_GLOBAL_AVG_POOL, INS(rs), gp));
    CHECK(node(f, "flatten", DPU_NODE_FLATTEN, INS(gp), fl));
    CHECK(node(f, "fc", DPU_NODE_FULLY_CONNECTED, INS(fl, w3, b3), fc));
    CHECK(n = node(f, "gemm", DPU_NODE_GEMM, INS(fc, gb, gc), gm));
    CHECK(dpu_node_set_float(g, n, "alpha", 1.0));
    CHECK(dpu_node_set_float(g, n, "beta", 0.5));
    CHECK(dpu_node_set_int(g, n, "transA", 0));
    CHECK(dpu_node_set_int(g, n, "transB", 1));
    CHECK(n = node(f, "reshape", DPU_NODE_RESHAPE, INS(gm), rh));
    CHECK(set_ints(f, n, "shape", INTS(0, -1, 1)));
    CHECK(n = node(f, "transpose", DPU_NODE_TRANSPOSE, INS(rh), tr));
    CHECK(set_ints(f, n, "perm", INTS(0, 2, 1)));
    CHECK(node(f, "matmul", DPU_NODE_MATMUL, INS(tr, mb), mm));
    CHECK(n = node(f, "softmax", DPU_NODE_SOFTMAX, INS(mm), sm));
    CHECK(dpu_node_set_int(g, n, "axis", 2));
    CHECK(dpu_graph_add_input(g, x));
    CHECK(dpu_graph_add_output(g, sm));
    return DPU_OK;
}

int q8_fixture_small(struct dpu_graph *g)
{
    struct fx fx = {g, 99}, *f = &fx;
    g->name = strdup("small \"golden\" graph");
    g->quantized = true;
    int x = act(f, "image in", DPU_DT_INT8, DIMS(1, 2, 3, 3), 0.5f, -1);
    int w = weights(f, "conv/w", DIMS(2, 2, 1, 1));
    int b = bias(f, "conv/b", 2);
    int y = act(f, "conv:out", DPU_DT_INT8, DIMS(1, 2, 3, 3), 0.25f, -128);
    int z = act(f, "-", DPU_DT_INT8, DIMS(1, 2, 2, 2), 0.25f, -128);
    CHECK(x | w | b | y | z);
    int n;
    CHECK(n = node(f, "conv", DPU_NODE_CONV2D, INS(x, w, b), y));
    CHECK(set_ints(f, n, "clamp", INTS(-128, 127)));
    CHECK(n = node(f, "pool #1", DPU_NODE_MAX_POOL, INS(y), z));
    CHECK(set_ints(f, n, "kernel_shape", INTS(2, 2)));
    CHECK(set_ints(f, n, "pads", INTS(0, 0, 1, 1)));
    CHECK(set_ints(f, n, "strides", INTS(2, 2)));
    CHECK(dpu_graph_add_input(g, x));
    CHECK(dpu_graph_add_output(g, z));
    return DPU_OK;
}
