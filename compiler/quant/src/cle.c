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
 * and FullyConnected (weights [M, K], one group). Relu6 is not homogeneous (its bound 6 would
 * have to become 6 / s_i per channel), so it stops equalization unless `relu6` is set, which
 * replaces it by Relu in the equalized pairs, as the paper does for MobileNetV2: that changes
 * the float model wherever an activation exceeded 6. */
#include <math.h>
#include <stdlib.h>

#include "quant_internal.h"

struct cle_pair {
    int conv1, conv2, act; /* act: the Relu/Relu6 between them, or -1 */
};

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

static bool find_pair(const struct dpu_graph *g, int c1, bool relu6, struct cle_pair *p)
{
    const struct dpu_gnode *n1 = &g->nodes[c1];
    if (!is_layer(g, n1))
        return false;
    int next = only_reader(g, n1->outputs[0]), act = -1;
    if (next < 0)
        return false;
    enum dpu_node_op op = g->nodes[next].op;
    if (op == DPU_NODE_RELU || (relu6 && op == DPU_NODE_RELU6)) {
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
    return true;
}

/* Equalizes one pair; returns the largest |s_i - 1|. */
static double equalize(struct dpu_graph *g, const struct cle_pair *p)
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

int dpu_qpass_cle(struct dpu_graph *g, bool relu6, int iterations, size_t *npairs,
                  struct dpu_diag *d)
{
    struct cle_pair *pairs = malloc((g->nnodes ? g->nnodes : 1) * sizeof *pairs);
    if (!pairs)
        return dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
    size_t n = 0;
    int err = DPU_OK;
    for (size_t i = 0; i < g->nnodes && !err; i++) {
        struct cle_pair p;
        if (!find_pair(g, (int)i, relu6, &p))
            continue;
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
    for (int it = 0; !err && it < iterations; it++) {
        double moved = 0;
        for (size_t k = 0; k < n; k++)
            moved = fmax(moved, equalize(g, &pairs[k]));
        if (moved < 1e-6)
            break;
    }
    for (size_t k = 0; !err && k < n; k++)
        if (pairs[k].act >= 0 && g->nodes[pairs[k].act].op == DPU_NODE_RELU6)
            g->nodes[pairs[k].act].op = DPU_NODE_RELU;
    free(pairs);
    if (npairs)
        *npairs = err ? 0 : n;
    if (!err)
        err = q_compact(g, NULL, d);
    return err ? err : q_verify(g, "cle", d);
}
