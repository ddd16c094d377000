/* dpu_quantize_graph on hand-built float graphs: fusion and clamps, per-channel weights and
 * biases as the rules say, the options (per tensor, powers of two, int8 boundaries, bias
 * correction), tables, dumps, and the errors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/q8.h"
#include "dpu/qparams.h"
#include "dpu/quant_passes.h"
#include "dpu/ref.h"
#include "quant_test_util.h"

/* x [1,2,6,6] -> Conv2D (4 out, 3x3, pad 1) -> ACT -> y (act DPU_NODE_COUNT: none). */
static void conv_act(struct dpu_graph *g, enum dpu_node_op act, float wscale)
{
    dpu_graph_init(g);
    uint32_t seed = 42;
    float w[72], b[4];
    qt_fill(&seed, w, 72, -wscale, wscale);
    qt_fill(&seed, b, 4, -0.3f, 0.3f);
    w[5] = 0.001f; /* channel 0 gets a tiny weight next to ordinary ones */
    int64_t xd[4] = {1, 2, 6, 6}, wd[4] = {4, 2, 3, 3}, c4 = 4, yd[4] = {1, 4, 6, 6};
    int x = qt_tensor(g, "x", 4, xd, NULL);
    int t1 = qt_tensor(g, "conv_out", 4, yd, NULL);
    int32_t in[3] = {x, qt_tensor(g, "w", 4, wd, w), qt_tensor(g, "b", 1, &c4, b)};
    int c = qt_node(g, "conv", DPU_NODE_CONV2D, 3, in, t1);
    int64_t pads[4] = {1, 1, 1, 1};
    qt_ints(g, c, "pads", 4, pads);
    qt_input(g, x);
    if (act == DPU_NODE_COUNT) {
        qt_output(g, t1);
        return;
    }
    int y = qt_tensor(g, "y", 4, yd, NULL);
    int32_t ain = t1;
    qt_node(g, "act", act, 1, &ain, y);
    qt_output(g, y);
}

static void quantize_ok(const struct dpu_graph *fg, const struct dpu_quant_options *o,
                        struct dpu_graph *qg)
{
    struct dpu_calib_set cs;
    const struct dpu_gtensor *in = &fg->tensors[fg->inputs[0]];
    qt_calib(&cs, 16, in->rank - 1, in->dims + 1, 77, -1, 1);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_quantize_graph(fg, &cs, o, qg, &d);
    if (err)
        fail_msg("dpu_quantize_graph failed (%d): %s", err, dpu_diag_message(&d));
    assert_true(qg->quantized);
    assert_int_equal(dpu_graph_verify(qg, &d), 0);
    dpu_calib_free(&cs);
}

static const struct dpu_gnode *node_of_op(const struct dpu_graph *g, enum dpu_node_op op)
{
    for (size_t i = 0; i < g->nnodes; i++)
        if (g->nodes[i].op == op)
            return &g->nodes[i];
    fail_msg("no %s node", dpu_node_op_name(op));
    return NULL;
}

static void options(struct dpu_quant_options *o)
{
    dpu_quant_options_init(o);
    o->progress = 0;
}

/* Largest |quantized - float| over one input, relative to the float output's largest value.
 * The input is calibration sample 0 (same seed), so no value lies beyond the calibrated
 * ranges and the error is that of rounding, not of clipping. */
static double output_error(struct dpu_graph *fg, struct dpu_graph *qg)
{
    const struct dpu_gtensor *in = &fg->tensors[fg->inputs[0]];
    size_t n = (size_t)dpu_shape_count(in->rank, in->dims);
    float *x = malloc(n * sizeof *x);
    uint32_t seed = 77;
    qt_fill(&seed, x, n, -1, 1);
    struct dpu_tensor yf, yq;
    qt_run(fg, x, &yf);
    qt_run(qg, x, &yq);
    size_t m = (size_t)dpu_tensor_count(&yf);
    assert_int_equal(yq.dtype, DPU_DT_FLOAT32);
    double big = 0, err = 0;
    for (size_t i = 0; i < m; i++) {
        big = fmax(big, fabs(((float *)yf.data)[i]));
        err = fmax(err, fabs(((float *)yf.data)[i] - ((float *)yq.data)[i]));
    }
    free(x);
    dpu_tensor_free(&yf);
    dpu_tensor_free(&yq);
    return err / big;
}

/* Conv + Relu: one Conv2D writing the Relu's tensor with the Relu's range (zero point -128),
 * clamp [zp, 127]; weights per channel max|w| / 127; bias round(b / (s_x s_w)). */
static void test_conv_relu_fused(void **state)
{
    (void)state;
    struct dpu_graph fg, qg;
    conv_act(&fg, DPU_NODE_RELU, 1.0f);
    struct dpu_quant_options o;
    options(&o);
    quantize_ok(&fg, &o, &qg);
    assert_int_equal(qg.nnodes, 3);
    assert_int_equal(qt_count_op(&qg, DPU_NODE_QUANTIZE), 1);
    assert_int_equal(qt_count_op(&qg, DPU_NODE_RELU), 0);
    assert_int_equal(qt_count_op(&qg, DPU_NODE_DEQUANTIZE), 1);
    const struct dpu_gnode *c = node_of_op(&qg, DPU_NODE_CONV2D);
    assert_string_equal(c->name, "conv");
    const struct dpu_gtensor *y = &qg.tensors[c->outputs[0]];
    assert_string_equal(y->name, "y:q");
    assert_int_equal(y->quant.zero_point[0], -128);
    const struct dpu_attr *clamp = dpu_node_attr(c, "clamp");
    assert_non_null(clamp);
    assert_int_equal(clamp->ints[0], -128);
    assert_int_equal(clamp->ints[1], 127);
    const struct dpu_gtensor *x = &qg.tensors[c->inputs[0]], *w = &qg.tensors[c->inputs[1]];
    const struct dpu_gtensor *b = &qg.tensors[c->inputs[2]];
    const struct dpu_gtensor *fw = &fg.tensors[fg.nodes[0].inputs[1]];
    const struct dpu_gtensor *fb = &fg.tensors[fg.nodes[0].inputs[2]];
    assert_int_equal(w->dtype, DPU_DT_INT8);
    assert_int_equal(w->quant.axis, 0);
    assert_int_equal(w->quant.count, 4);
    for (int ch = 0; ch < 4; ch++) {
        double amax = 0;
        for (int k = 0; k < 18; k++)
            amax = fmax(amax, fabs(((float *)fw->data)[ch * 18 + k]));
        float s = w->quant.scale[ch];
        assert_true(s == (float)(amax / 127));
        for (int k = 0; k < 18; k++)
            assert_int_equal(((int8_t *)w->data)[ch * 18 + k],
                             dpu_quantize_f32(((float *)fw->data)[ch * 18 + k], s, 0, -127, 127));
        double unit = (double)x->quant.scale[0] * s;
        assert_int_equal(((int32_t *)b->data)[ch],
                         (int32_t)dpu_round_half_even(((float *)fb->data)[ch] / unit));
    }
    assert_true(output_error(&fg, &qg) < 0.03);
    dpu_graph_free(&fg);
    dpu_graph_free(&qg);
}

/* Clip(0.5, 3) fused: range [0, 3] (widened to hold 0), clamp [Q(0.5), Q(3)]. Outputs exceed 3
 * (weights up to 4), so the range is the Clip's. */
static void test_clip_fused_clamp(void **state)
{
    (void)state;
    struct dpu_graph fg, qg;
    conv_act(&fg, DPU_NODE_CLIP, 4.0f);
    assert_int_equal(dpu_node_set_float(&fg, 1, "min", 0.5), 0);
    assert_int_equal(dpu_node_set_float(&fg, 1, "max", 3.0), 0);
    struct dpu_quant_options o;
    options(&o);
    quantize_ok(&fg, &o, &qg);
    assert_int_equal(qt_count_op(&qg, DPU_NODE_CLIP), 0);
    const struct dpu_gnode *c = node_of_op(&qg, DPU_NODE_CONV2D);
    const struct dpu_gtensor *y = &qg.tensors[c->outputs[0]];
    float s = y->quant.scale[0];
    int32_t z = y->quant.zero_point[0];
    assert_true(s == (float)(3.0 / 255));
    assert_int_equal(z, -128);
    const struct dpu_attr *clamp = dpu_node_attr(c, "clamp");
    assert_int_equal(clamp->ints[0], dpu_quantize_f32(0.5f, s, z, -128, 127));
    assert_int_equal(clamp->ints[1], dpu_quantize_f32(3.0f, s, z, -128, 127));
    assert_true(clamp->ints[0] > -128);
    dpu_graph_free(&fg);
    dpu_graph_free(&qg);
}

/* Relu6 on outputs beyond 6: scale 6/255 and clamp [-128, 127]. */
static void test_relu6_fused(void **state)
{
    (void)state;
    struct dpu_graph fg, qg;
    conv_act(&fg, DPU_NODE_RELU6, 8.0f);
    struct dpu_quant_options o;
    options(&o);
    quantize_ok(&fg, &o, &qg);
    assert_int_equal(qt_count_op(&qg, DPU_NODE_RELU6), 0);
    const struct dpu_gnode *c = node_of_op(&qg, DPU_NODE_CONV2D);
    const struct dpu_gtensor *y = &qg.tensors[c->outputs[0]];
    assert_true(y->quant.scale[0] == (float)(6.0 / 255));
    assert_int_equal(y->quant.zero_point[0], -128);
    dpu_graph_free(&fg);
    dpu_graph_free(&qg);
}

static void test_per_tensor_and_pof2(void **state)
{
    (void)state;
    struct dpu_graph fg, qg;
    conv_act(&fg, DPU_NODE_RELU, 1.0f);
    struct dpu_quant_options o;
    options(&o);
    o.per_tensor_weights = true;
    o.pof2 = true;
    quantize_ok(&fg, &o, &qg);
    const struct dpu_gnode *c = node_of_op(&qg, DPU_NODE_CONV2D);
    const struct dpu_gtensor *w = &qg.tensors[c->inputs[1]];
    assert_int_equal(w->quant.axis, -1);
    assert_int_equal(w->quant.count, 1);
    for (size_t t = 0; t < qg.ntensors; t++) {
        const struct dpu_gtensor *gt = &qg.tensors[t];
        if (gt->dtype != DPU_DT_INT8)
            continue;
        for (size_t k = 0; k < gt->quant.count; k++) {
            int e;
            assert_true(frexpf(gt->quant.scale[k], &e) == 0.5f);
        }
    }
    assert_true(output_error(&fg, &qg) < 0.1);
    dpu_graph_free(&fg);
    dpu_graph_free(&qg);
}

static void test_int8_boundaries(void **state)
{
    (void)state;
    struct dpu_graph fg, qg;
    conv_act(&fg, DPU_NODE_RELU, 1.0f);
    struct dpu_quant_options o;
    options(&o);
    o.int8_inputs = o.int8_outputs = true;
    quantize_ok(&fg, &o, &qg);
    assert_int_equal(qg.nnodes, 1);
    assert_int_equal(qg.tensors[qg.inputs[0]].dtype, DPU_DT_INT8);
    assert_string_equal(qg.tensors[qg.inputs[0]].name, "x");
    assert_int_equal(qg.tensors[qg.outputs[0]].dtype, DPU_DT_INT8);
    assert_string_equal(qg.tensors[qg.outputs[0]].name, "y");
    dpu_graph_free(&fg);
    dpu_graph_free(&qg);
}

/* x [1,8] -> FullyConnected [4,8] -> OP -> y, for the table ops. */
static void fc_op(struct dpu_graph *g, enum dpu_node_op op)
{
    dpu_graph_init(g);
    uint32_t seed = 8;
    float w[32];
    qt_fill(&seed, w, 32, -1, 1);
    int64_t xd[2] = {1, 8}, wd[2] = {4, 8}, yd[2] = {1, 4};
    int x = qt_tensor(g, "x", 2, xd, NULL), h = qt_tensor(g, "h", 2, yd, NULL);
    int y = qt_tensor(g, "y", 2, yd, NULL);
    int32_t in[2] = {x, qt_tensor(g, "w", 2, wd, w)}, hin = h;
    qt_node(g, "fc", DPU_NODE_FULLY_CONNECTED, 2, in, h);
    qt_node(g, "op", op, 1, &hin, y);
    qt_input(g, x);
    qt_output(g, y);
}

static void test_lut_table(void **state)
{
    (void)state;
    struct dpu_graph fg, qg;
    fc_op(&fg, DPU_NODE_SIGMOID);
    struct dpu_quant_options o;
    options(&o);
    quantize_ok(&fg, &o, &qg);
    const struct dpu_gnode *n = node_of_op(&qg, DPU_NODE_SIGMOID);
    const struct dpu_gtensor *x = &qg.tensors[n->inputs[0]], *y = &qg.tensors[n->outputs[0]];
    const struct dpu_attr *lut = dpu_node_attr(n, "lut");
    assert_non_null(lut);
    assert_int_equal(lut->n, 256);
    for (int i = 0; i < 256; i++) {
        double v = (double)x->quant.scale[0] * (i - 128 - x->quant.zero_point[0]);
        int32_t want = dpu_quantize_f32((float)(1 / (1 + exp(-v))), y->quant.scale[0],
                                        y->quant.zero_point[0], -128, 127);
        assert_int_equal(lut->ints[i], want);
    }
    assert_true(output_error(&fg, &qg) < 0.03);
    dpu_graph_free(&fg);
    dpu_graph_free(&qg);
}

static void test_softmax_table(void **state)
{
    (void)state;
    struct dpu_graph fg, qg;
    fc_op(&fg, DPU_NODE_SOFTMAX);
    struct dpu_quant_options o;
    options(&o);
    quantize_ok(&fg, &o, &qg);
    const struct dpu_gnode *n = node_of_op(&qg, DPU_NODE_SOFTMAX);
    const struct dpu_gtensor *x = &qg.tensors[n->inputs[0]], *y = &qg.tensors[n->outputs[0]];
    assert_true(y->quant.scale[0] == 1.0f / 256);
    assert_int_equal(y->quant.zero_point[0], -128);
    const struct dpu_attr *t = dpu_node_attr(n, "exp_table");
    assert_int_equal(t->n, 256);
    assert_int_equal(t->ints[0], 1 << 23);
    for (int k = 0; k < 256; k++)
        assert_int_equal(t->ints[k],
                         (int64_t)dpu_round_half_up(exp(-k * (double)x->quant.scale[0]) * 8388608));
    assert_true(output_error(&fg, &qg) < 0.03);
    dpu_graph_free(&fg);
    dpu_graph_free(&qg);
}

/* conv -> BN -> Relu -> MaxPool -> (Add with itself through a second conv) -> GlobalAvgPool:
 * BatchNorm folds, MaxPool keeps its input's quantization, Add and the pool get their own. */
static void test_small_network(void **state)
{
    (void)state;
    struct dpu_graph fg, qg;
    conv_act(&fg, DPU_NODE_RELU, 1.0f);
    /* Insert a BatchNorm between conv and relu. */
    int64_t c4 = 4, yd[4] = {1, 4, 6, 6}, pd[4] = {1, 4, 3, 3}, gd[4] = {1, 4, 1, 1};
    float bnp[16] = {1, 2, 0.5f, 1, 0, 0.1f, -0.1f, 0, 0.1f, 0, 0, -0.2f, 1, 0.5f, 2, 1};
    int bo = qt_tensor(&fg, "bn_out", 4, yd, NULL);
    int32_t bin[5] = {fg.nodes[0].outputs[0], qt_tensor(&fg, "g", 1, &c4, bnp),
                      qt_tensor(&fg, "be", 1, &c4, bnp + 4), qt_tensor(&fg, "m", 1, &c4, bnp + 8),
                      qt_tensor(&fg, "v", 1, &c4, bnp + 12)};
    qt_node(&fg, "bn", DPU_NODE_BATCH_NORM, 5, bin, bo);
    fg.nodes[1].inputs[0] = bo;
    int32_t relu_out = fg.nodes[1].outputs[0];
    int p = qt_tensor(&fg, "pool", 4, pd, NULL);
    int32_t pin = relu_out;
    int mp = qt_node(&fg, "maxpool", DPU_NODE_MAX_POOL, 1, &pin, p);
    int64_t k2[2] = {2, 2};
    qt_ints(&fg, mp, "kernel_shape", 2, k2);
    qt_ints(&fg, mp, "strides", 2, k2);
    float w2[16];
    uint32_t seed = 3;
    qt_fill(&seed, w2, 16, -1, 1);
    int64_t w2d[4] = {4, 4, 1, 1};
    int c2 = qt_tensor(&fg, "c2", 4, pd, NULL), s = qt_tensor(&fg, "sum", 4, pd, NULL);
    int32_t c2in[2] = {p, qt_tensor(&fg, "w2", 4, w2d, w2)}, ain[2] = {p, c2};
    qt_node(&fg, "conv2", DPU_NODE_CONV2D, 2, c2in, c2);
    qt_node(&fg, "add", DPU_NODE_ADD, 2, ain, s);
    int gp = qt_tensor(&fg, "gap", 4, gd, NULL);
    int32_t gin = s;
    qt_node(&fg, "gap", DPU_NODE_GLOBAL_AVG_POOL, 1, &gin, gp);
    fg.outputs[0] = gp;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_graph_verify(&fg, &d), 0);
    struct dpu_quant_options o;
    options(&o);
    quantize_ok(&fg, &o, &qg);
    assert_int_equal(qt_count_op(&qg, DPU_NODE_BATCH_NORM), 0);
    assert_int_equal(qt_count_op(&qg, DPU_NODE_RELU), 0);
    const struct dpu_gnode *m = node_of_op(&qg, DPU_NODE_MAX_POOL);
    const struct dpu_quant *qx = &qg.tensors[m->inputs[0]].quant;
    const struct dpu_quant *qy = &qg.tensors[m->outputs[0]].quant;
    assert_true(qx->scale[0] == qy->scale[0] && qx->zero_point[0] == qy->zero_point[0]);
    assert_true(output_error(&fg, &qg) < 0.05);
    /* SQNR: against the float graph every quantized tensor has a float twin; against itself
     * every row is exact. */
    struct dpu_calib_set cs;
    qt_calib(&cs, 4, 3, fg.tensors[fg.inputs[0]].dims + 1, 77, -1, 1);
    struct dpu_sqnr_report rep;
    assert_int_equal(dpu_eval_sqnr(&fg, &qg, &cs, 0, 0, &rep, &d), 0);
    assert_int_equal(rep.nrows, qg.nnodes);
    for (size_t r = 0; r < rep.nrows; r++)
        assert_true(rep.rows[r].sqnr_db > 20 && isfinite(rep.rows[r].sqnr_db));
    dpu_sqnr_report_free(&rep);
    assert_int_equal(dpu_eval_sqnr(&qg, &qg, &cs, 0, 0, &rep, &d), 0);
    for (size_t r = 0; r < rep.nrows; r++)
        assert_true(isinf(rep.rows[r].sqnr_db));
    dpu_sqnr_report_free(&rep);
    dpu_calib_free(&cs);
    dpu_graph_free(&fg);
    dpu_graph_free(&qg);
}

static void test_deterministic(void **state)
{
    (void)state;
    struct dpu_graph fg, a, b;
    conv_act(&fg, DPU_NODE_RELU, 1.0f);
    struct dpu_quant_options o;
    options(&o);
    o.method = DPU_CALIB_ENTROPY;
    quantize_ok(&fg, &o, &a);
    quantize_ok(&fg, &o, &b);
    char why[256];
    assert_true(dpu_q8_graph_equal(&a, &b, why, sizeof why));
    dpu_graph_free(&fg);
    dpu_graph_free(&a);
    dpu_graph_free(&b);
}

static void test_every_method_runs(void **state)
{
    (void)state;
    for (int m = DPU_CALIB_MINMAX; m <= DPU_CALIB_ENTROPY; m++) {
        struct dpu_graph fg, qg;
        conv_act(&fg, DPU_NODE_RELU, 1.0f);
        struct dpu_quant_options o;
        options(&o);
        o.method = (enum dpu_calib_method)m;
        o.cle = o.bias_correct = true;
        quantize_ok(&fg, &o, &qg);
        /* Entropy clips hard on this small sample (the KL minimum sits well inside the
         * range of 2304 values, half of them zeros): its error is mostly clipping. */
        assert_true(output_error(&fg, &qg) < (m == DPU_CALIB_ENTROPY ? 0.4 : 0.1));
        dpu_graph_free(&fg);
        dpu_graph_free(&qg);
    }
}

/* Per-channel mean of (quantized - float) outputs of the single FullyConnected over the
 * calibration inputs. */
static void mean_errors(struct dpu_graph *fg, struct dpu_graph *qg, const struct dpu_calib_set *cs,
                        double err[4])
{
    for (int c = 0; c < 4; c++)
        err[c] = 0;
    for (size_t s = 0; s < cs->count; s++) {
        struct dpu_tensor yf, yq;
        qt_run(fg, dpu_calib_sample(cs, s), &yf);
        qt_run(qg, dpu_calib_sample(cs, s), &yq);
        for (int c = 0; c < 4; c++)
            err[c] += (((float *)yq.data)[c] - ((float *)yf.data)[c]) / (double)cs->count;
        dpu_tensor_free(&yf);
        dpu_tensor_free(&yq);
    }
}

/* Coarse per-tensor power-of-two weights on inputs in [0, 1) give each channel a systematic
 * output error; bias correction takes most of it back. */
static void test_bias_correction(void **state)
{
    (void)state;
    struct dpu_graph fg, q0, q1;
    dpu_graph_init(&fg);
    uint32_t seed = 12;
    float w[32];
    qt_fill(&seed, w, 32, -1, 1);
    w[0] = 2.9f; /* one large weight: the per-tensor step is coarse for the others */
    int64_t xd[2] = {1, 8}, wd[2] = {4, 8}, yd[2] = {1, 4};
    int x = qt_tensor(&fg, "x", 2, xd, NULL), y = qt_tensor(&fg, "y", 2, yd, NULL);
    int32_t in[2] = {x, qt_tensor(&fg, "w", 2, wd, w)};
    qt_node(&fg, "fc", DPU_NODE_FULLY_CONNECTED, 2, in, y);
    qt_input(&fg, x);
    qt_output(&fg, y);
    struct dpu_calib_set cs;
    int64_t sd[1] = {8};
    qt_calib(&cs, 64, 1, sd, 5, 0, 1);
    struct dpu_quant_options o;
    options(&o);
    o.per_tensor_weights = o.pof2 = true;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_quantize_graph(&fg, &cs, &o, &q0, &d), 0);
    o.bias_correct = true;
    assert_int_equal(dpu_quantize_graph(&fg, &cs, &o, &q1, &d), 0);
    const struct dpu_gnode *n = node_of_op(&q1, DPU_NODE_FULLY_CONNECTED);
    assert_int_equal(n->ninputs, 3); /* a bias was created to absorb the error */
    double e0[4], e1[4], s0 = 0, s1 = 0;
    mean_errors(&fg, &q0, &cs, e0);
    mean_errors(&fg, &q1, &cs, e1);
    const struct dpu_gtensor *yq = &q1.tensors[n->outputs[0]];
    double unit = q1.tensors[n->inputs[0]].quant.scale[0] * q1.tensors[n->inputs[1]].quant.scale[0];
    for (int c = 0; c < 4; c++) {
        /* What is left is the output rounding, not a bias of the weights. */
        assert_true(fabs(e1[c]) <= fabs(e0[c]) + unit);
        assert_true(fabs(e1[c]) <= yq->quant.scale[0]);
        s0 += fabs(e0[c]);
        s1 += fabs(e1[c]);
    }
    assert_true(s1 < s0 / 2);
    dpu_calib_free(&cs);
    dpu_graph_free(&fg);
    dpu_graph_free(&q0);
    dpu_graph_free(&q1);
}

static void test_dump_after(void **state)
{
    (void)state;
    struct dpu_graph fg, qg;
    conv_act(&fg, DPU_NODE_RELU, 1.0f);
    struct dpu_quant_options o;
    options(&o);
    const char *passes[3] = {"fuse-activations", "emit", "all"};
    const char *want[3] = {"# fused: conv (Conv2D) <- act (Relu)", "q8 1.0 quantized",
                           "after pass 'bias-correct'"};
    for (int k = 0; k < 3; k++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        o.dump = f;
        o.dump_after = passes[k];
        quantize_ok(&fg, &o, &qg);
        fclose(f);
        assert_non_null(strstr(buf, want[k]));
        if (k == 0)
            assert_non_null(strstr(buf, "q8 1.0 float"));
        if (k == 2)
            for (size_t p = 0; p < dpu_quant_pass_count(); p++) {
                char head[64];
                snprintf(head, sizeof head, "after pass '%s'", dpu_quant_pass_name(p));
                assert_non_null(strstr(buf, head));
            }
        free(buf);
        dpu_graph_free(&qg);
    }
    dpu_graph_free(&fg);
}

static void test_errors(void **state)
{
    (void)state;
    struct dpu_graph fg, qg;
    conv_act(&fg, DPU_NODE_RELU, 1.0f);
    struct dpu_calib_set cs;
    int64_t sd[3] = {2, 6, 6};
    qt_calib(&cs, 4, 3, sd, 1, -1, 1);
    struct dpu_quant_options o;
    options(&o);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    o.dump_after = "folding";
    qt_expect_error(dpu_quantize_graph(&fg, &cs, &o, &qg, &d), &d, DPU_E_INVALID,
                    "unknown pass 'folding'", "fold-bn", NULL);
    options(&o);
    o.method = DPU_CALIB_PERCENTILE;
    o.percentile = 0;
    dpu_diag_clear(&d);
    qt_expect_error(dpu_quantize_graph(&fg, &cs, &o, &qg, &d), &d, DPU_E_RANGE, "percentile", NULL);
    /* Samples that do not fit the input. */
    struct dpu_calib_set bad;
    int64_t bd[1] = {5};
    qt_calib(&bad, 2, 1, bd, 1, -1, 1);
    options(&o);
    dpu_diag_clear(&d);
    qt_expect_error(dpu_quantize_graph(&fg, &bad, &o, &qg, &d), &d, DPU_E_MISMATCH, "'x'",
                    "takes samples of 72 values", NULL);
    assert_int_equal(qg.nnodes, 0);
    dpu_calib_free(&bad);
    /* A Gemm that FullyConnected cannot express, named. */
    struct dpu_graph gg;
    dpu_graph_init(&gg);
    int64_t ad[2] = {2, 2}, n2[2] = {2, 2};
    int a = qt_tensor(&gg, "a", 2, ad, NULL), b = qt_tensor(&gg, "b", 2, n2, NULL);
    int y = qt_tensor(&gg, "y", 2, ad, NULL);
    int32_t in[2] = {a, b};
    qt_node(&gg, "/head/Gemm", DPU_NODE_GEMM, 2, in, y);
    qt_input(&gg, a);
    qt_input(&gg, b);
    qt_output(&gg, y);
    assert_int_equal(dpu_graph_verify(&gg, &d), 0);
    dpu_diag_clear(&d);
    qt_expect_error(dpu_quantize_graph(&gg, &cs, &o, &qg, &d), &d, DPU_E_UNSUPPORTED,
                    "node '/head/Gemm' (Gemm)", "not a constant", NULL);
    dpu_graph_free(&gg);
    dpu_calib_free(&cs);
    dpu_graph_free(&fg);
}

/* x -> Relu -> y with inputs in [-5, 1e-9]: s_x = 5/255 but s_y = 1e-9/255, a ratio of 5e9 that
 * no int32 multiplier reaches: refused, naming the node. */
static void test_unrepresentable_ratio(void **state)
{
    (void)state;
    struct dpu_graph fg, qg;
    dpu_graph_init(&fg);
    int64_t xd[2] = {1, 4};
    int x = qt_tensor(&fg, "x", 2, xd, NULL), y = qt_tensor(&fg, "y", 2, xd, NULL);
    int32_t in = x;
    qt_node(&fg, "relu", DPU_NODE_RELU, 1, &in, y);
    qt_input(&fg, x);
    qt_output(&fg, y);
    float raw[8] = {-5, -5, -5, 1e-9f, -5, -5, -5, -5};
    struct dpu_tensor t = {DPU_DT_FLOAT32, 3, {2, 1, 4}, raw};
    struct dpu_calib_set cs;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_calib_from_tensor("t", &t, NULL, &cs, &d), 0);
    struct dpu_quant_options o;
    options(&o);
    qt_expect_error(dpu_quantize_graph(&fg, &cs, &o, &qg, &d), &d, DPU_E_RANGE,
                    "node 'relu' (Relu)", "s_x / s_y", "no int32 multiplier", NULL);
    assert_int_equal(qg.nnodes, 0);
    dpu_calib_free(&cs);
    dpu_graph_free(&fg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_relu_fused), cmocka_unit_test(test_clip_fused_clamp),
        cmocka_unit_test(test_relu6_fused),     cmocka_unit_test(test_per_tensor_and_pof2),
        cmocka_unit_test(test_int8_boundaries), cmocka_unit_test(test_lut_table),
        cmocka_unit_test(test_softmax_table),   cmocka_unit_test(test_small_network),
        cmocka_unit_test(test_deterministic),   cmocka_unit_test(test_every_method_runs),
        cmocka_unit_test(test_bias_correction), cmocka_unit_test(test_dump_after),
        cmocka_unit_test(test_errors),          cmocka_unit_test(test_unrepresentable_ratio),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
