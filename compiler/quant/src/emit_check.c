/* The requantization ratios of each emitted node must have an int32 multiplier and shift
 * (docs/arithmetic.md, section 7), computed as the planner computes them (qplan.h):
 *   Conv2D, FullyConnected   s_x s_w[c] / s_y per output channel
 *   MatMul, Mul              s_a s_b / s_y
 *   Add                      s_a / s_y and s_b / s_y sharing one shift
 *   Relu, Relu6, Clip, MaxPool, each Concat input   s_x / s_y
 *   AvgPool, GlobalAvgPool   s_x / s_y with the shift capped at 31
 * The verifier checks the same; checking here lets the message say what to do about it. */
#include <stdio.h>

#include "dpu/qmath.h"
#include "dpu/qparams.h"
#include "quant_internal.h"

static float scale_of(const struct dpu_graph *g, int32_t t, size_t c)
{
    const struct dpu_quant *q = &g->tensors[t].quant;
    return q->scale[q->count == 1 ? 0 : c];
}

static int refuse(const struct dpu_gnode *n, const char *what, double r,
                  const struct dpu_diag *inner, struct dpu_diag *d)
{
    const char *hint = r < 1 ? "a layer whose output range is far wider than its inputs and "
                               "weights can produce (check the calibration data and its "
                               "preprocessing)"
                             : "an output range far narrower than the inputs' (check the "
                               "calibration data and its preprocessing)";
    return q_fail(d, n, DPU_E_RANGE, "%s = %g has no int32 multiplier and shift (%s): %s", what, r,
                  dpu_diag_message(inner), hint);
}

static int single(const struct dpu_gnode *n, double r, const char *what, struct dpu_diag *d)
{
    struct dpu_diag inner;
    dpu_diag_clear(&inner);
    int32_t M;
    int s;
    return dpu_quantize_multiplier(r, &M, &s, &inner) ? refuse(n, what, r, &inner, d) : DPU_OK;
}

int q_check_ratios(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d)
{
    double sy = scale_of(g, n->outputs[0], 0);
    struct dpu_diag inner;
    dpu_diag_clear(&inner);
    int32_t M, Mb;
    int s;
    char what[96];
    switch (n->op) {
    case DPU_NODE_CONV2D:
    case DPU_NODE_FULLY_CONNECTED: {
        int64_t m = g->tensors[n->inputs[1]].dims[0];
        for (int64_t c = 0; c < m; c++) {
            double r = (double)scale_of(g, n->inputs[0], 0) *
                       (double)scale_of(g, n->inputs[1], (size_t)c) / sy;
            snprintf(what, sizeof what, "output channel %lld: s_x * s_w / s_y", (long long)c);
            int err = single(n, r, what, d);
            if (err)
                return err;
        }
        return DPU_OK;
    }
    case DPU_NODE_MATMUL:
    case DPU_NODE_MUL:
        return single(
            n, (double)scale_of(g, n->inputs[0], 0) * (double)scale_of(g, n->inputs[1], 0) / sy,
            "s_a * s_b / s_y", d);
    case DPU_NODE_ADD: {
        double ra = (double)scale_of(g, n->inputs[0], 0) / sy;
        double rb = (double)scale_of(g, n->inputs[1], 0) / sy;
        if (dpu_quantize_multiplier_pair(ra, rb, &M, &Mb, &s, &inner))
            return refuse(n, "max(s_a, s_b) / s_y", ra > rb ? ra : rb, &inner, d);
        return DPU_OK;
    }
    case DPU_NODE_RELU:
    case DPU_NODE_RELU6:
    case DPU_NODE_CLIP:
    case DPU_NODE_MAX_POOL:
        return single(n, (double)scale_of(g, n->inputs[0], 0) / sy, "s_x / s_y", d);
    case DPU_NODE_CONCAT:
        for (size_t k = 0; k < n->ninputs; k++) {
            snprintf(what, sizeof what, "input %zu: s_x / s_y", k);
            int err = single(n, (double)scale_of(g, n->inputs[k], 0) / sy, what, d);
            if (err)
                return err;
        }
        return DPU_OK;
    case DPU_NODE_AVG_POOL:
    case DPU_NODE_GLOBAL_AVG_POOL: {
        double r = (double)scale_of(g, n->inputs[0], 0) / sy;
        if (dpu_quantize_multiplier_capped(r, DPU_POOL_MAX_SHIFT, &M, &s, &inner))
            return refuse(n, "the pooling ratio s_x / s_y", r, &inner, d);
        return DPU_OK;
    }
    default:
        return DPU_OK;
    }
}
