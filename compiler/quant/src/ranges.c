/* Ranges: every activation of the quantized graph gets a real range and from it a scale and
 * zero point (dpu_qact_params), in node order:
 *   - graph inputs and computing nodes: the range the calibration method picks from the
 *     tensor's histogram;
 *   - a node with a fused activation: the range of the activation's output tensor (what the
 *     node now writes), clipped to the activation's bounds ([0, inf) for Relu, [0, 6],
 *     Clip's [min, max]); a stand-alone Relu/Relu6/Clip alike;
 *   - MaxPool, Reshape, Flatten, Transpose, Pad, Resize: the input's scale and zero point
 *     (they move values, and keeping the scale makes them exact);
 *   - Softmax: scale 1/256, zero point -128, as the int8 kernel requires. */
#include <math.h>

#include "quant_internal.h"

static bool keeps_quant(enum dpu_node_op op)
{
    switch (op) {
    case DPU_NODE_MAX_POOL:
    case DPU_NODE_RESHAPE:
    case DPU_NODE_FLATTEN:
    case DPU_NODE_TRANSPOSE:
    case DPU_NODE_PAD:
    case DPU_NODE_RESIZE:
        return true;
    default:
        return false;
    }
}

void q_stats_needed(const struct qctx *c, bool *need)
{
    const struct dpu_graph *g = &c->fg;
    for (size_t i = 0; i < g->ninputs; i++)
        need[g->inputs[i]] = true;
    for (size_t i = 0; i < g->nnodes; i++) {
        const struct dpu_gnode *n = &g->nodes[i];
        if (c->nodes[i].absorbed || keeps_quant(n->op) || n->op == DPU_NODE_SOFTMAX)
            continue;
        int32_t fused = c->nodes[i].fused;
        need[fused >= 0 ? g->nodes[fused].outputs[0] : n->outputs[0]] = true;
    }
}

static void from_stats(struct qctx *c, int32_t t, const struct dpu_gnode *act)
{
    struct qtensor *qt = &c->tensors[t];
    double lo = 0, hi = 0;
    if (qt->hist)
        dpu_qhist_range(qt->hist, c->opt->method, c->opt->percentile, &lo, &hi);
    double alo, ahi;
    if (act && q_act_bounds(act, &alo, &ahi)) {
        lo = fmax(lo, alo);
        hi = fmin(hi, ahi);
        if (hi < lo)
            hi = lo;
    }
    dpu_qact_params(lo, hi, c->opt->pof2, &qt->scale, &qt->zp);
    qt->lo = qt->scale * (-128.0 - qt->zp);
    qt->hi = qt->scale * (127.0 - qt->zp);
    qt->has_q = true;
}

int q_ranges(struct qctx *c, struct dpu_diag *d)
{
    const struct dpu_graph *g = &c->fg;
    for (size_t i = 0; i < g->ninputs; i++)
        from_stats(c, g->inputs[i], NULL);
    for (size_t i = 0; i < g->nnodes; i++) {
        const struct dpu_gnode *n = &g->nodes[i];
        if (c->nodes[i].absorbed)
            continue;
        int32_t y = n->outputs[0];
        struct qtensor *qy = &c->tensors[y];
        if (keeps_quant(n->op)) {
            const struct qtensor *qx = &c->tensors[n->inputs[0]];
            if (!qx->has_q)
                return q_fail(d, n, DPU_E_INTERNAL, "input '%s' has no quantization yet",
                              g->tensors[n->inputs[0]].name);
            *qy = (struct qtensor){qy->hist, true, qx->lo, qx->hi, qx->scale, qx->zp};
        } else if (n->op == DPU_NODE_SOFTMAX) {
            *qy = (struct qtensor){qy->hist, true, 0.0, 255.0 / 256.0, 1.0f / 256.0f, -128};
        } else if (c->nodes[i].fused >= 0) {
            const struct dpu_gnode *a = &g->nodes[c->nodes[i].fused];
            from_stats(c, a->outputs[0], a);
        } else {
            from_stats(c, y, n);
        }
    }
    return DPU_OK;
}
