/* The float graph preparation passes and cross-layer equalization, on hand-built graphs: each
 * pass must keep the float function (checked by running the graph before and after) and
 * leave the structure it promises. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/quant_passes.h"
#include "quant_test_util.h"

/* x [1,2,5,5] -> Conv2D (3x3, pad 1, 3 out, bias) -> BatchNorm -> y. */
static void conv_bn(struct dpu_graph *g, float *w, float *b, float *bn)
{
    dpu_graph_init(g);
    uint32_t seed = 7;
    qt_fill(&seed, w, 54, -1, 1);
    qt_fill(&seed, b, 3, -0.5f, 0.5f);
    float gamma[3] = {0.5f, -2.0f, 1.5f}, beta[3] = {0.1f, 0.2f, -0.3f};
    float mean[3] = {0.3f, -0.1f, 0.05f}, var[3] = {0.25f, 2.0f, 0.01f};
    memcpy(bn, gamma, sizeof gamma);
    memcpy(bn + 3, beta, sizeof beta);
    memcpy(bn + 6, mean, sizeof mean);
    memcpy(bn + 9, var, sizeof var);
    int64_t xd[4] = {1, 2, 5, 5}, wd[4] = {3, 2, 3, 3}, c3 = 3, yd[4] = {1, 3, 5, 5};
    int x = qt_tensor(g, "x", 4, xd, NULL);
    int tw = qt_tensor(g, "w", 4, wd, w), tb = qt_tensor(g, "b", 1, &c3, b);
    int t1 = qt_tensor(g, "conv_out", 4, yd, NULL), y = qt_tensor(g, "y", 4, yd, NULL);
    int tg = qt_tensor(g, "gamma", 1, &c3, gamma), tbe = qt_tensor(g, "beta", 1, &c3, beta);
    int tm = qt_tensor(g, "mean", 1, &c3, mean), tv = qt_tensor(g, "var", 1, &c3, var);
    int32_t cin[3] = {x, tw, tb}, bin[5] = {t1, tg, tbe, tm, tv};
    int c = qt_node(g, "conv", DPU_NODE_CONV2D, 3, cin, t1);
    int64_t pads[4] = {1, 1, 1, 1};
    qt_ints(g, c, "pads", 4, pads);
    int bnn = qt_node(g, "bn", DPU_NODE_BATCH_NORM, 5, bin, y);
    assert_int_equal(dpu_node_set_float(g, bnn, "epsilon", 1e-3), 0);
    qt_input(g, x);
    qt_output(g, y);
}

static void test_bn_fold_conv_exact(void **state)
{
    (void)state;
    struct dpu_graph g;
    float w[54], b[3], bn[12];
    conv_bn(&g, w, b, bn);
    float x[50];
    uint32_t seed = 3;
    qt_fill(&seed, x, 50, -2, 2);
    struct dpu_tensor before, after;
    qt_run(&g, x, &before);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_qprep_fold_batchnorm(&g, &d), 0);
    assert_int_equal(g.nnodes, 1);
    assert_int_equal(g.nodes[0].op, DPU_NODE_CONV2D);
    assert_string_equal(g.tensors[g.nodes[0].outputs[0]].name, "y");
    /* w' = (float)(w a), b' = (float)(b a + beta - mean a), a = gamma / sqrt(var + eps). */
    const float *wf = g.tensors[g.nodes[0].inputs[1]].data;
    const float *bf = g.tensors[g.nodes[0].inputs[2]].data;
    for (int c = 0; c < 3; c++) {
        double a = (double)bn[c] / sqrt((double)bn[9 + c] + 1e-3);
        double t = (double)bn[3 + c] - (double)bn[6 + c] * a;
        for (int k = 0; k < 18; k++)
            assert_true(wf[c * 18 + k] == (float)((double)w[c * 18 + k] * a));
        assert_true(bf[c] == (float)((double)b[c] * a + t));
    }
    qt_run(&g, x, &after);
    assert_true(qt_max_rel(after.data, before.data, 75, 1e-3) < 1e-5);
    dpu_tensor_free(&before);
    dpu_tensor_free(&after);
    dpu_graph_free(&g);
}

/* x [2,4] -> FullyConnected without bias -> BatchNorm: the fold creates the bias. */
static void test_bn_fold_fc_without_bias(void **state)
{
    (void)state;
    struct dpu_graph g;
    dpu_graph_init(&g);
    float w[12], p[12] = {1, 2, 3, 0, 0.5f, -1, 0.1f, 0.2f, 0.3f, 1, 4, 0.25f};
    uint32_t seed = 11;
    qt_fill(&seed, w, 12, -1, 1);
    int64_t xd[2] = {2, 4}, wd[2] = {3, 4}, c3 = 3, yd[2] = {2, 3};
    int x = qt_tensor(&g, "x", 2, xd, NULL), tw = qt_tensor(&g, "w", 2, wd, w);
    int t1 = qt_tensor(&g, "fc_out", 2, yd, NULL), y = qt_tensor(&g, "y", 2, yd, NULL);
    int32_t bin[5] = {t1, qt_tensor(&g, "g", 1, &c3, p), qt_tensor(&g, "b", 1, &c3, p + 3),
                      qt_tensor(&g, "m", 1, &c3, p + 6), qt_tensor(&g, "v", 1, &c3, p + 9)};
    int32_t fin[2] = {x, tw};
    qt_node(&g, "fc", DPU_NODE_FULLY_CONNECTED, 2, fin, t1);
    qt_node(&g, "bn", DPU_NODE_BATCH_NORM, 5, bin, y);
    qt_input(&g, x);
    qt_output(&g, y);
    float xv[8];
    qt_fill(&seed, xv, 8, -1, 1);
    struct dpu_tensor before, after;
    qt_run(&g, xv, &before);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_qprep_fold_batchnorm(&g, &d), 0);
    assert_int_equal(g.nnodes, 1);
    assert_int_equal(g.nodes[0].ninputs, 3);
    assert_non_null(g.tensors[g.nodes[0].inputs[2]].data);
    qt_run(&g, xv, &after);
    assert_true(qt_max_rel(after.data, before.data, 6, 1e-3) < 1e-5);
    dpu_tensor_free(&before);
    dpu_tensor_free(&after);
    dpu_graph_free(&g);
}

/* A BatchNorm after a Relu has nothing to fold into: it becomes Mul + Add. So does one whose
 * input is also a graph output. */
static void test_bn_standalone_becomes_mul_add(void **state)
{
    (void)state;
    for (int variant = 0; variant < 2; variant++) {
        struct dpu_graph g;
        float w[54], b[3], bn[12];
        conv_bn(&g, w, b, bn);
        if (variant == 0) {
            /* conv -> relu -> bn */
            int64_t yd[4] = {1, 3, 5, 5};
            int r = qt_tensor(&g, "relu_out", 4, yd, NULL);
            int32_t rin[1] = {g.nodes[0].outputs[0]};
            qt_node(&g, "relu", DPU_NODE_RELU, 1, rin, r);
            g.nodes[1].inputs[0] = r;
        } else {
            qt_output(&g, g.nodes[0].outputs[0]); /* the conv's output is wanted as is */
        }
        float x[50];
        uint32_t seed = 5;
        qt_fill(&seed, x, 50, -2, 2);
        struct dpu_tensor before, after;
        qt_run(&g, x, &before);
        struct dpu_diag d;
        dpu_diag_clear(&d);
        assert_int_equal(dpu_qprep_fold_batchnorm(&g, &d), 0);
        assert_int_equal(qt_count_op(&g, DPU_NODE_BATCH_NORM), 0);
        assert_int_equal(qt_count_op(&g, DPU_NODE_MUL), 1);
        assert_int_equal(qt_count_op(&g, DPU_NODE_ADD), 1);
        assert_int_equal(qt_count_op(&g, DPU_NODE_CONV2D), 1);
        qt_run(&g, x, &after);
        assert_true(qt_max_rel(after.data, before.data, 75, 1e-3) < 1e-5);
        dpu_tensor_free(&before);
        dpu_tensor_free(&after);
        dpu_graph_free(&g);
    }
}

/* y = alpha A B + beta C with transB 0 or 1. */
static void test_gemm_to_fc(void **state)
{
    (void)state;
    for (int tb = 0; tb < 2; tb++) {
        struct dpu_graph g;
        dpu_graph_init(&g);
        float bv[12], cv[4] = {0.5f, -1, 2, 0.25f};
        uint32_t seed = 21;
        qt_fill(&seed, bv, 12, -1, 1);
        int64_t ad[2] = {2, 3}, bd[2] = {tb ? 4 : 3, tb ? 3 : 4}, n4 = 4, yd[2] = {2, 4};
        int a = qt_tensor(&g, "a", 2, ad, NULL), b = qt_tensor(&g, "B", 2, bd, bv);
        int c = qt_tensor(&g, "C", 1, &n4, cv), y = qt_tensor(&g, "y", 2, yd, NULL);
        int32_t in[3] = {a, b, c};
        int n = qt_node(&g, "gemm", DPU_NODE_GEMM, 3, in, y);
        assert_int_equal(dpu_node_set_float(&g, n, "alpha", 2.0), 0);
        assert_int_equal(dpu_node_set_float(&g, n, "beta", 0.5), 0);
        assert_int_equal(dpu_node_set_int(&g, n, "transB", tb), 0);
        qt_input(&g, a);
        qt_output(&g, y);
        float x[6];
        qt_fill(&seed, x, 6, -1, 1);
        struct dpu_tensor before, after;
        qt_run(&g, x, &before);
        struct dpu_diag d;
        dpu_diag_clear(&d);
        assert_int_equal(dpu_qprep_gemm_to_fc(&g, &d), 0);
        assert_int_equal(g.nnodes, 1);
        assert_int_equal(g.nodes[0].op, DPU_NODE_FULLY_CONNECTED);
        assert_int_equal(g.nodes[0].nattrs, 0);
        qt_run(&g, x, &after);
        assert_true(qt_max_rel(after.data, before.data, 8, 1e-3) < 1e-6);
        dpu_tensor_free(&before);
        dpu_tensor_free(&after);
        dpu_graph_free(&g);
    }
}

static void test_gemm_trans_a_refused(void **state)
{
    (void)state;
    struct dpu_graph g;
    dpu_graph_init(&g);
    float bv[12] = {0};
    int64_t ad[2] = {3, 2}, bd[2] = {3, 4}, yd[2] = {2, 4};
    int a = qt_tensor(&g, "a", 2, ad, NULL), b = qt_tensor(&g, "B", 2, bd, bv);
    int y = qt_tensor(&g, "y", 2, yd, NULL);
    int32_t in[2] = {a, b};
    int n = qt_node(&g, "Gemm_7", DPU_NODE_GEMM, 2, in, y);
    assert_int_equal(dpu_node_set_int(&g, n, "transA", 1), 0);
    qt_input(&g, a);
    qt_output(&g, y);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_graph_verify(&g, &d), 0);
    qt_expect_error(dpu_qprep_gemm_to_fc(&g, &d), &d, DPU_E_UNSUPPORTED, "node 'Gemm_7' (Gemm)",
                    "transA", NULL);
    dpu_graph_free(&g);
}

/* y = x * (c1 + c2): the Add of two constants becomes a constant. */
static void test_fold_constants(void **state)
{
    (void)state;
    struct dpu_graph g;
    dpu_graph_init(&g);
    float c1[4] = {1, 2, 3, 4}, c2[4] = {0.5f, 0.25f, -1, -8};
    int64_t n4 = 4, xd[2] = {1, 4};
    int x = qt_tensor(&g, "x", 2, xd, NULL);
    int a = qt_tensor(&g, "c1", 1, &n4, c1), b = qt_tensor(&g, "c2", 1, &n4, c2);
    int s = qt_tensor(&g, "sum", 1, &n4, NULL), y = qt_tensor(&g, "y", 2, xd, NULL);
    int32_t ain[2] = {a, b}, min[2] = {x, s};
    qt_node(&g, "add", DPU_NODE_ADD, 2, ain, s);
    qt_node(&g, "mul", DPU_NODE_MUL, 2, min, y);
    qt_input(&g, x);
    qt_output(&g, y);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_qprep_fold_constants(&g, &d), 0);
    assert_int_equal(g.nnodes, 1);
    assert_int_equal(g.nodes[0].op, DPU_NODE_MUL);
    const float *sum = g.tensors[g.nodes[0].inputs[1]].data;
    assert_non_null(sum);
    float want[4] = {1.5f, 2.25f, 2, -4};
    assert_memory_equal(sum, want, sizeof want);
    assert_int_equal(g.ntensors, 3); /* x, sum, y: c1 and c2 are gone */
    dpu_graph_free(&g);
}

/* x -> Reshape (same shape) -> Flatten -> Reshape [2,4] -> Relu -> y: the identity goes,
 * Flatten + Reshape become one Reshape from x. */
static void test_remove_reshapes(void **state)
{
    (void)state;
    struct dpu_graph g;
    dpu_graph_init(&g);
    int64_t xd[4] = {1, 2, 2, 2}, fd[2] = {1, 8}, rd[2] = {2, 4};
    int x = qt_tensor(&g, "x", 4, xd, NULL), r1 = qt_tensor(&g, "r1", 4, xd, NULL);
    int f = qt_tensor(&g, "f", 2, fd, NULL), r2 = qt_tensor(&g, "r2", 2, rd, NULL);
    int y = qt_tensor(&g, "y", 2, rd, NULL);
    int32_t in;
    in = x;
    int n0 = qt_node(&g, "same", DPU_NODE_RESHAPE, 1, &in, r1);
    qt_ints(&g, n0, "shape", 4, xd);
    in = r1;
    qt_node(&g, "flat", DPU_NODE_FLATTEN, 1, &in, f);
    in = f;
    int n2 = qt_node(&g, "reshape", DPU_NODE_RESHAPE, 1, &in, r2);
    int64_t shape[2] = {-1, 4};
    qt_ints(&g, n2, "shape", 2, shape);
    in = r2;
    qt_node(&g, "relu", DPU_NODE_RELU, 1, &in, y);
    qt_input(&g, x);
    qt_output(&g, y);
    float xv[8] = {1, -2, 3, -4, 5, -6, 7, -8};
    struct dpu_tensor before, after;
    qt_run(&g, xv, &before);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_qprep_remove_reshapes(&g, &d), 0);
    assert_int_equal(g.nnodes, 2);
    int k = qt_find_node(&g, "reshape");
    assert_true(k >= 0);
    assert_int_equal(g.nodes[k].op, DPU_NODE_RESHAPE);
    assert_string_equal(g.tensors[g.nodes[k].inputs[0]].name, "x");
    const struct dpu_attr *a = dpu_node_attr(&g.nodes[k], "shape");
    assert_non_null(a);
    assert_int_equal(a->n, 2);
    assert_int_equal(a->ints[0], 2);
    assert_int_equal(a->ints[1], 4);
    qt_run(&g, xv, &after);
    assert_memory_equal(after.data, before.data, 8 * sizeof(float));
    dpu_tensor_free(&before);
    dpu_tensor_free(&after);
    dpu_graph_free(&g);
}

/* A graph output keeps its name: the identity Reshape writing it stays. */
static void test_reshape_output_kept(void **state)
{
    (void)state;
    struct dpu_graph g;
    dpu_graph_init(&g);
    int64_t xd[2] = {1, 4};
    int x = qt_tensor(&g, "x", 2, xd, NULL), y = qt_tensor(&g, "y", 2, xd, NULL);
    int32_t in = x;
    int n = qt_node(&g, "same", DPU_NODE_RESHAPE, 1, &in, y);
    qt_ints(&g, n, "shape", 2, xd);
    qt_input(&g, x);
    qt_output(&g, y);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_qprep_remove_reshapes(&g, &d), 0);
    assert_int_equal(g.nnodes, 1);
    dpu_graph_free(&g);
}

/* --- cross-layer equalization --- */

struct cle_net {
    struct dpu_graph g;
    int conv1, conv2, act;
};

/* x [1,4,6,6] -> conv1 (4 -> 4, 3x3, pad 1, group g1) -> act -> conv2 (4 -> m2, group g2) -> y.
 * conv1's output channels get very different ranges (x 0.01 .. x 10). */
static void cle_net(struct cle_net *n, int g1, int g2, int64_t m2, enum dpu_node_op act)
{
    struct dpu_graph *g = &n->g;
    dpu_graph_init(g);
    uint32_t seed = 99;
    int64_t xd[4] = {1, 4, 6, 6}, w1d[4] = {4, 4 / g1, 3, 3}, w2d[4] = {m2, 4 / g2, 3, 3};
    int64_t c4 = 4, yd[4] = {1, m2, 6, 6};
    float w1[144], b1[4], w2[144 * 2], b2[8];
    qt_fill(&seed, w1, 144, -1, 1);
    qt_fill(&seed, b1, 4, -0.2f, 0.2f);
    qt_fill(&seed, w2, 288, -1, 1);
    qt_fill(&seed, b2, 8, -0.2f, 0.2f);
    const float spread[4] = {0.01f, 10.0f, 0.5f, 3.0f};
    int64_t per1 = 4 / g1 * 9;
    for (int c = 0; c < 4; c++) {
        for (int64_t k = 0; k < per1; k++)
            w1[c * per1 + k] *= spread[c];
        b1[c] *= spread[c];
    }
    int x = qt_tensor(g, "x", 4, xd, NULL);
    int t1 = qt_tensor(g, "t1", 4, xd, NULL), t2 = qt_tensor(g, "t2", 4, xd, NULL);
    int y = qt_tensor(g, "y", 4, yd, NULL);
    int32_t c1in[3] = {x, qt_tensor(g, "w1", 4, w1d, w1), qt_tensor(g, "b1", 1, &c4, b1)};
    int32_t c2in[3] = {t2, qt_tensor(g, "w2", 4, w2d, w2), qt_tensor(g, "b2", 1, &m2, b2)};
    int64_t pads[4] = {1, 1, 1, 1};
    n->conv1 = qt_node(g, "conv1", DPU_NODE_CONV2D, 3, c1in, t1);
    qt_ints(g, n->conv1, "pads", 4, pads);
    assert_int_equal(dpu_node_set_int(g, n->conv1, "group", g1), 0);
    int32_t ain = t1;
    n->act = qt_node(g, "act", act, 1, &ain, t2);
    n->conv2 = qt_node(g, "conv2", DPU_NODE_CONV2D, 3, c2in, y);
    qt_ints(g, n->conv2, "pads", 4, pads);
    assert_int_equal(dpu_node_set_int(g, n->conv2, "group", g2), 0);
    qt_input(g, x);
    qt_output(g, y);
}

/* max |w1[i, .]| and max |w2[., i]| (input channel i of conv2, groups followed). */
static void cle_ranges(const struct cle_net *n, double r1[4], double r2[4])
{
    const struct dpu_graph *g = &n->g;
    const struct dpu_gtensor *w1 = &g->tensors[g->nodes[n->conv1].inputs[1]];
    const struct dpu_gtensor *w2 = &g->tensors[g->nodes[n->conv2].inputs[1]];
    int64_t per1 = w1->dims[1] * 9, cg = w2->dims[1], m2 = w2->dims[0];
    int64_t groups = 4 / cg, mg = m2 / groups;
    for (int i = 0; i < 4; i++) {
        r1[i] = r2[i] = 0;
        for (int64_t k = 0; k < per1; k++)
            r1[i] = fmax(r1[i], fabs(((float *)w1->data)[i * per1 + k]));
        for (int64_t m = (i / cg) * mg; m < (i / cg + 1) * mg; m++)
            for (int t = 0; t < 9; t++)
                r2[i] = fmax(r2[i], fabs(((float *)w2->data)[(m * cg + i % cg) * 9 + t]));
    }
}

static void cle_case(int g1, int g2, int64_t m2, enum dpu_node_op act, bool relu6,
                     size_t want_pairs)
{
    struct cle_net n;
    cle_net(&n, g1, g2, m2, act);
    float x[144];
    uint32_t seed = 1234;
    qt_fill(&seed, x, 144, -1, 1);
    struct dpu_tensor before, after;
    qt_run(&n.g, x, &before);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    size_t pairs = 99;
    assert_int_equal(dpu_qpass_cle(&n.g, relu6, 20, &pairs, &d), 0);
    assert_int_equal(pairs, want_pairs);
    double r1[4], r2[4];
    cle_ranges(&n, r1, r2);
    for (int i = 0; i < 4 && want_pairs; i++)
        assert_true(fabs(r1[i] - r2[i]) <= 1e-5 * r2[i]);
    qt_run(&n.g, x, &after);
    size_t count = (size_t)dpu_tensor_count(&after);
    if (act == DPU_NODE_RELU6 && relu6) {
        /* Relu6 became Relu: the float function holds where no activation exceeded 6. */
        assert_int_equal(n.g.nodes[n.act].op, DPU_NODE_RELU);
    } else {
        assert_true(qt_max_rel(after.data, before.data, count, 1e-2) < 1e-4);
    }
    dpu_tensor_free(&before);
    dpu_tensor_free(&after);
    dpu_graph_free(&n.g);
}

static void test_cle_conv_relu_conv(void **state)
{
    (void)state;
    cle_case(1, 1, 3, DPU_NODE_RELU, false, 1);
}

static void test_cle_into_depthwise(void **state)
{
    (void)state;
    cle_case(1, 4, 4, DPU_NODE_RELU, false, 1); /* depthwise, multiplier 1 */
    cle_case(1, 4, 8, DPU_NODE_RELU, false, 1); /* depthwise, multiplier 2 */
    cle_case(4, 1, 3, DPU_NODE_RELU, false, 1); /* depthwise first */
    cle_case(1, 2, 4, DPU_NODE_RELU, false, 1); /* two groups */
}

static void test_cle_relu6_barrier(void **state)
{
    (void)state;
    cle_case(1, 1, 3, DPU_NODE_RELU6, false, 0);
    cle_case(1, 1, 3, DPU_NODE_RELU6, true, 1);
    cle_case(1, 1, 3, DPU_NODE_SIGMOID, false, 0); /* not homogeneous: never crossed */
}

/* With calibration samples CLE crosses Relu6 and respects its clamp: the channel whose Relu6
 * input reaches 6 (conv1's x10 channel) keeps scale 1, the others are equalized but stay below
 * 6, so on every calibration sample the model computes what it computed before. */
static void test_cle_relu6_respected(void **state)
{
    (void)state;
    struct cle_net n;
    cle_net(&n, 1, 1, 3, DPU_NODE_RELU6);
    struct dpu_calib_set cs;
    int64_t sd[3] = {4, 6, 6};
    qt_calib(&cs, 8, 3, sd, 77, -1, 1);
    struct dpu_tensor before[8], after;
    for (size_t k = 0; k < cs.count; k++)
        qt_run(&n.g, dpu_calib_sample(&cs, k), &before[k]);
    float w1[144];
    memcpy(w1, n.g.tensors[n.g.nodes[n.conv1].inputs[1]].data, sizeof w1);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    size_t pairs = 99;
    assert_int_equal(dpu_qpass_cle_data(&n.g, false, &cs, 0, 20, &pairs, &d), 0);
    assert_int_equal(pairs, 1);
    assert_int_equal(n.g.nodes[n.act].op, DPU_NODE_RELU6); /* the clamp stays */
    const float *w1n = n.g.tensors[n.g.nodes[n.conv1].inputs[1]].data;
    assert_memory_equal(w1n + 36, w1 + 36, 36 * sizeof(float)); /* channel 1 reached 6 */
    assert_true(fabsf(w1n[0] / w1[0] - 1.0f) > 0.1f);           /* channel 0 was scaled */
    for (size_t k = 0; k < cs.count; k++) {
        qt_run(&n.g, dpu_calib_sample(&cs, k), &after);
        size_t count = (size_t)dpu_tensor_count(&after);
        assert_true(qt_max_rel(after.data, before[k].data, count, 1e-2) < 1e-4);
        dpu_tensor_free(&after);
        dpu_tensor_free(&before[k]);
    }
    dpu_calib_free(&cs);
    dpu_graph_free(&n.g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bn_fold_conv_exact),
        cmocka_unit_test(test_bn_fold_fc_without_bias),
        cmocka_unit_test(test_bn_standalone_becomes_mul_add),
        cmocka_unit_test(test_gemm_to_fc),
        cmocka_unit_test(test_gemm_trans_a_refused),
        cmocka_unit_test(test_fold_constants),
        cmocka_unit_test(test_remove_reshapes),
        cmocka_unit_test(test_reshape_output_kept),
        cmocka_unit_test(test_cle_conv_relu_conv),
        cmocka_unit_test(test_cle_into_depthwise),
        cmocka_unit_test(test_cle_relu6_barrier),
        cmocka_unit_test(test_cle_relu6_respected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
