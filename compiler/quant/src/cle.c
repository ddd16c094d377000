/* Cross-layer equalization (Nagel et al., "Data-Free Quantization Through Weight Equalization
 * and Bias Correction", 2019), applied to the float graph before calibration.
 *
 * Two layers in a row, y = W2 f(W1 x + b1) + b2, with f = identity or Relu. Relu is positively
 * homogeneous: f(v / s) = f(v) / s for s > 0. So for any positive s_i per channel i of the
 * link,
 *     W1'[i, .] = W1[i, .] / s_i,   b1'[i] = b1[i] / s_i,   W2'[., i] = W2[., i] s_i
 * computes the same function. Per-channel weight quantization loses least when the ranges of
 * W1's output channel i (r1_i = max |W1[i, .]|) and of W2's input channel i (r2_i =
 * max |W2[., i]|) are equal after the scaling: r1_i / s_i = r2_i s_i, so
 *     s_i = sqrt(r1_i / r2_i),   both ranges becoming sqrt(r1_i r2_i).
 * Equalizing one pair changes the ranges its neighbours see, so all pairs are swept again
 * until no s_i moves by more than 1e-6 or the iteration budget is spent.
 *
 * Layers are Conv2D (any group count: with G groups of Cg = C/G input and Mg = M/G output
 * channels, input channel i of the second layer is slice i % Cg of its output channels
 * (i / Cg) Mg .. (i / Cg + 1) Mg - 1, so depthwise layers are followed channel by channel)
 * and FullyConnected (weights [M, K], one group).
 *
 * Relu6 is not homogeneous: relu6(v) / s = min(max(v / s, 0), 6 / s), so after scaling, the
 * bound of channel i would have to be 6 / s_i, which a per-tensor clamp cannot express. Two
 * ways across it:
 *   - `relu6` (--cle-relu6): replace it by Relu in the equalized pairs, as the paper does for
 *     MobileNetV2. That changes the float model wherever an activation exceeded 6.
 *   - with calibration samples (--cle): keep the clamp and respect it. The float graph runs
 *     once on the samples to find, per channel i, the largest value M_i reaching the Relu6.
 *     A channel that reached 6 (M_i >= 6: the clamp acted) keeps s_i = 1. Any other channel
 *     may be scaled as long as its values stay below the clamp, M_i / S_i <= 6 with S_i the
 *     product of its scales: s_i is raised to M_i / (6 S_i) when smaller. On every
 *     calibration sample the equalized model then computes what the original computed (up to
 *     float rounding): the clamp acts on the same values, or on none. (On an input driving a
 *     scaled channel past its calibrated maximum the two may differ, as any range chosen
 *     from calibration data would.)
 * Without either, Relu6 stops equalization. */
#include <math.h>
#include <stdlib.h>

#include "dpu/ref.h"
#include "quant_internal.h"

struct cle_pair {
    int conv1, conv2, act; /* act: the Relu/Relu6 between them, or -1 */
    double *max;           /* clamp-respecting Relu6: per channel M_i, then */
    double *scaled;        /* S_i; both NULL for other pairs */
};

#define RELU6_BOUND 6.0

static bool is_layer(const struct dpu_graph *g, const struct dpu_gnode *n)
{
    if (n->op != DPU_NODE_CONV2D && n->op != DPU_NODE_FULLY_CONNECTED)
        return false;
    if (!g->tensors[n->inputs[1]].data)
        return false;
    return n->ninputs < 3 || n->inputs[2] < 0 || g->tensors[n->inputs[2]].data;
}

/* The single reader of t (not a graph output), or -1. */
static int only_reader(const struct dpu_graph *g, int32_t t)
{
    if (q_uses(g, t) != 1 || q_is_output(g, t))
        return -1;
    for (size_t i = 0; i < g->nnodes; i++)
        for (size_t k = 0; k < g->nodes[i].ninputs; k++)
            if (g->nodes[i].inputs[k] == t)
                return (int)i;
    return -1;
}

/* How find_pair treats a Relu6 between two layers. */
enum relu6_mode { RELU6_STOP, RELU6_REPLACE, RELU6_RESPECT };

static bool find_pair(const struct dpu_graph *g, int c1, enum relu6_mode relu6, struct cle_pair *p)
{
    const struct dpu_gnode *n1 = &g->nodes[c1];
    if (!is_layer(g, n1))
        return false;
    int next = only_reader(g, n1->outputs[0]), act = -1;
    if (next < 0)
        return false;
    enum dpu_node_op op = g->nodes[next].op;
    if (op == DPU_NODE_RELU || (relu6 != RELU6_STOP && op == DPU_NODE_RELU6)) {
        act = next;
        next = only_reader(g, g->nodes[act].outputs[0]);
        if (next < 0)
            return false;
    }
    const struct dpu_gnode *n2 = &g->nodes[next];
    if (!is_layer(g, n2) || g->tensors[n2->inputs[0]].data ||
        n2->inputs[0] != (act >= 0 ? g->nodes[act].outputs[0] : n1->outputs[0]))
        return false;
    /* The link's channels: n1's outputs are n2's input channels. */
    int64_t m1 = g->tensors[n1->inputs[1]].dims[0];
    const struct dpu_gtensor *x2 = &g->tensors[n2->inputs[0]];
    if (x2->rank < 2 || x2->dims[1] != m1)
        return false;
    p->conv1 = c1;
    p->conv2 = next;
    p->act = act;
    p->max = p->scaled = NULL;
    return true;
}

/* Equalizes one pair; returns the largest |s_i - 1|. */
static double equalize(struct dpu_graph *g, struct cle_pair *p)
{
    const struct dpu_gnode *n1 = &g->nodes[p->conv1], *n2 = &g->nodes[p->conv2];
    struct dpu_gtensor *w1 = &g->tensors[n1->inputs[1]], *w2 = &g->tensors[n2->inputs[1]];
    struct dpu_gtensor *b1 =
        n1->ninputs > 2 && n1->inputs[2] >= 0 ? &g->tensors[n1->inputs[2]] : NULL;
    int64_t m1 = w1->dims[0], per1 = dpu_shape_count(w1->rank, w1->dims) / (m1 ? m1 : 1);
    int64_t m2 = w2->dims[0], cg = w2->dims[1];
    int64_t taps = w2->rank > 2 ? dpu_shape_count(w2->rank - 2, w2->dims + 2) : 1;
    int64_t groups = n2->op == DPU_NODE_CONV2D ? dpu_node_get_int(n2, "group", 1) : 1;
    int64_t mg = m2 / (groups ? groups : 1);
    float *v1 = w1->data, *v2 = w2->data;
    double moved = 0;
    for (int64_t i = 0; i < m1; i++) {
        double r1 = 0, r2 = 0;
        for (int64_t k = 0; k < per1; k++)
            r1 = fmax(r1, fabs((double)v1[i * per1 + k]));
        int64_t gi = i / cg, ii = i % cg;
        for (int64_t m = gi * mg; m < (gi + 1) * mg; m++)
            for (int64_t t = 0; t < taps; t++)
                r2 = fmax(r2, fabs((double)v2[(m * cg + ii) * taps + t]));
        if (!(r1 > 0) || !(r2 > 0))
            continue;
        double s = sqrt(r1 / r2);
        if (p->max) { /* a Relu6 respected: see the top of the file */
            if (p->max[i] >= RELU6_BOUND)
                continue;
            s = fmax(s, p->max[i] / (RELU6_BOUND * p->scaled[i]));
            p->scaled[i] *= s;
        }
        moved = fmax(moved, fabs(s - 1));
        for (int64_t k = 0; k < per1; k++)
            v1[i * per1 + k] = (float)((double)v1[i * per1 + k] / s);
        if (b1)
            ((float *)b1->data)[i] = (float)((double)((float *)b1->data)[i] / s);
        for (int64_t m = gi * mg; m < (gi + 1) * mg; m++)
            for (int64_t t = 0; t < taps; t++)
                v2[(m * cg + ii) * taps + t] = (float)((double)v2[(m * cg + ii) * taps + t] * s);
    }
    return moved;
}

/* Per-channel maxima of the Relu6 inputs of the respecting pairs, over the samples. */
struct max_run {
    struct cle_pair *pairs;
    size_t n, batch, real;
    const struct dpu_graph *g;
};

static int observe_max(void *user, const struct dpu_graph *g, const struct dpu_ref_event *ev)
{
    struct max_run *r = user;
    for (size_t k = 0; k < r->n; k++) {
        struct cle_pair *p = &r->pairs[k];
        if (!p->max || g->nodes[p->conv1].outputs[0] != ev->tensor)
            continue;
        const struct dpu_tensor *v = ev->value;
        if (v->dtype != DPU_DT_FLOAT32 || v->rank < 2)
            continue;
        int64_t ch = v->dims[1],
                inner = v->rank > 2 ? dpu_shape_count(v->rank - 2, v->dims + 2) : 1;
        int64_t rows = v->dims[0] == (int64_t)r->batch ? (int64_t)r->real : v->dims[0];
        const float *x = v->data;
        for (int64_t i = 0; i < rows * ch * inner; i++) {
            int64_t c = (i / inner) % ch;
            if (x[i] > p->max[c])
                p->max[c] = x[i];
        }
    }
    return 0;
}

static int measure_maxima(const struct dpu_graph *g, struct cle_pair *pairs, size_t n,
                          const struct dpu_calib_set *calib, size_t count, struct dpu_diag *d)
{
    struct qfeed feed;
    int err = q_feed_init(&feed, g, calib, count, d);
    if (err)
        return err;
    struct dpu_tensor *outs = calloc(g->noutputs ? g->noutputs : 1, sizeof *outs);
    if (!outs)
        err = dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
    struct max_run r = {pairs, n, feed.batch, 0, g};
    for (size_t first = 0; !err && first < feed.count; first += feed.batch) {
        r.real = q_feed_fill(&feed, first);
        err = dpu_ref_run_trace(g, &feed.in, 1, outs, observe_max, &r, d);
        for (size_t o = 0; o < g->noutputs; o++)
            dpu_tensor_free(&outs[o]);
    }
    free(outs);
    q_feed_free(&feed);
    return err;
}

int dpu_qpass_cle(struct dpu_graph *g, bool relu6, int iterations, size_t *npairs,
                  struct dpu_diag *d)
{
    return dpu_qpass_cle_data(g, relu6, NULL, 0, iterations, npairs, d);
}

int dpu_qpass_cle_data(struct dpu_graph *g, bool relu6, const struct dpu_calib_set *calib,
                       size_t calib_count, int iterations, size_t *npairs, struct dpu_diag *d)
{
    enum relu6_mode mode = relu6 ? RELU6_REPLACE : calib ? RELU6_RESPECT : RELU6_STOP;
    struct cle_pair *pairs = malloc((g->nnodes ? g->nnodes : 1) * sizeof *pairs);
    if (!pairs)
        return dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
    size_t n = 0;
    int err = DPU_OK;
    for (size_t i = 0; i < g->nnodes && !err; i++) {
        struct cle_pair p;
        if (!find_pair(g, (int)i, mode, &p))
            continue;
        if (mode == RELU6_RESPECT && p.act >= 0 && g->nodes[p.act].op == DPU_NODE_RELU6) {
            int64_t m1 = g->tensors[g->nodes[p.conv1].inputs[1]].dims[0];
            p.max = malloc((size_t)m1 * 2 * sizeof *p.max);
            if (!p.max) {
                err = dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
                break;
            }
            p.scaled = p.max + m1;
            for (int64_t c = 0; c < m1; c++) {
                p.max[c] = -INFINITY;
                p.scaled[c] = 1.0;
            }
        }
        /* Scaling rewrites the constants: give each layer its own copies. */
        int t = q_own_constant(g, p.conv1, 1, d);
        if (t >= 0 && g->nodes[p.conv1].ninputs > 2 && g->nodes[p.conv1].inputs[2] >= 0)
            t = q_own_constant(g, p.conv1, 2, d);
        if (t >= 0)
            t = q_own_constant(g, p.conv2, 1, d);
        if (t < 0)
            err = t;
        pairs[n++] = p;
    }
    bool any_max = false;
    for (size_t k = 0; k < n; k++)
        any_max = any_max || pairs[k].max;
    if (!err && any_max) /* before any scaling: M_i of the original model */
        err = measure_maxima(g, pairs, n, calib, calib_count, d);
    for (int it = 0; !err && it < iterations; it++) {
        double moved = 0;
        for (size_t k = 0; k < n; k++)
            moved = fmax(moved, equalize(g, &pairs[k]));
        if (moved < 1e-6)
            break;
    }
    for (size_t k = 0; !err && mode == RELU6_REPLACE && k < n; k++)
        if (pairs[k].act >= 0 && g->nodes[pairs[k].act].op == DPU_NODE_RELU6)
            g->nodes[pairs[k].act].op = DPU_NODE_RELU;
    for (size_t k = 0; k < n; k++)
        free(pairs[k].max);
    free(pairs);
    if (npairs)
        *npairs = err ? 0 : n;
    if (!err)
        err = q_compact(g, NULL, d);
    return err ? err : q_verify(g, "cle", d);
}
