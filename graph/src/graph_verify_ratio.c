/* Phase 3d of the verifier (quantized graphs): every ratio of scales an int8 kernel turns
 * into an integer multiplier must have one (docs/arithmetic.md, section 7), so that no
 * executor meets an unrepresentable ratio at run time. The ratios are computed exactly as
 * the quantization planner (ref/src/qplan.c) computes them, in the same order in double:
 *
 *   Conv2D, FullyConnected   s_x * s_w[c] / s_y per output channel   dpu_quantize_multiplier
 *   MatMul, Mul              s_a * s_b / s_y                         dpu_quantize_multiplier
 *   Add                      s_a / s_y and s_b / s_y, one shift      ..._multiplier_pair
 *   Relu, Relu6, Clip,
 *   MaxPool, Concat (each)   s_x / s_y                               dpu_quantize_multiplier
 *   AvgPool, GlobalAvgPool   s_x / s_y, shift at most 31             ..._multiplier_capped
 * Phase 3c has already checked that the scales exist and are finite and positive. A Conv2D,
 * FullyConnected or MatMul with an int32 output is the raw accumulator: it has no s_y and
 * needs no multiplier. Quantize and Dequantize compute in float32 and need none either. */
#include <stdbool.h>
#include <stdio.h>

#include "dpu/qmath.h"
#include "dpu/qparams.h"
#include "graph_verify_internal.h"

static float scale_of(const struct dpu_graph *g, int32_t t, size_t c)
{
    const struct dpu_quant *q = &g->tensors[t].quant;
    return q->scale[q->count == 1 ? 0 : c];
}

static double out_scale(const struct dpu_graph *g, const struct dpu_gnode *n)
{
    return (double)scale_of(g, n->outputs[0], 0);
}

static int refuse(const struct dpu_gnode *n, int err, const char *what, double r,
                  const struct dpu_diag *inner, struct dpu_diag *d)
{
    return dpu_vfail_node(d, n, err, "%s = %g has no int32 multiplier and shift: %s", what, r,
                          dpu_diag_message(inner));
}

static int single(const struct dpu_gnode *n, double r, const char *what, struct dpu_diag *d)
{
    struct dpu_diag inner;
    dpu_diag_clear(&inner);
    int32_t M;
    int s;
    int err = dpu_quantize_multiplier(r, &M, &s, &inner);
    return err ? refuse(n, err, what, r, &inner, d) : DPU_OK;
}

static int conv_ratios(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d)
{
    int32_t x = n->inputs[0], w = n->inputs[1], y = n->outputs[0];
    int64_t m = g->tensors[w].dims[0];
    for (int64_t c = 0; c < m; c++) {
        double r = (double)scale_of(g, x, 0) * (double)scale_of(g, w, (size_t)c) /
                   (double)scale_of(g, y, 0);
        char what[96];
        snprintf(what, sizeof what, "output channel %lld: the ratio s_x * s_w / s_y", (long long)c);
        int err = single(n, r, what, d);
        if (err)
            return err;
    }
    return DPU_OK;
}

int dpu_verify_node_ratios(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d)
{
    if (!g->quantized)
        return DPU_OK;
    /* Quantize and Dequantize have a float32 side without scales: s_y is read per case. */
    bool raw = g->tensors[n->outputs[0]].dtype == DPU_DT_INT32;
    switch (n->op) {
    case DPU_NODE_CONV2D:
    case DPU_NODE_FULLY_CONNECTED:
        return raw ? DPU_OK : conv_ratios(g, n, d);
    case DPU_NODE_MATMUL:
    case DPU_NODE_MUL: {
        if (raw)
            return DPU_OK;
        double r = (double)scale_of(g, n->inputs[0], 0) * (double)scale_of(g, n->inputs[1], 0) /
                   out_scale(g, n);
        return single(n, r, "the ratio s_a * s_b / s_y", d);
    }
    case DPU_NODE_ADD: {
        double ra = (double)scale_of(g, n->inputs[0], 0) / out_scale(g, n);
        double rb = (double)scale_of(g, n->inputs[1], 0) / out_scale(g, n);
        struct dpu_diag inner;
        dpu_diag_clear(&inner);
        int32_t ma, mb;
        int s;
        int err = dpu_quantize_multiplier_pair(ra, rb, &ma, &mb, &s, &inner);
        return err ? refuse(n, err, "the larger of s_a / s_y and s_b / s_y", ra > rb ? ra : rb,
                            &inner, d)
                   : DPU_OK;
    }
    case DPU_NODE_RELU:
    case DPU_NODE_RELU6:
    case DPU_NODE_CLIP:
    case DPU_NODE_MAX_POOL:
        return single(n, (double)scale_of(g, n->inputs[0], 0) / out_scale(g, n),
                      "the ratio s_x / s_y", d);
    case DPU_NODE_CONCAT:
        for (size_t k = 0; k < n->ninputs; k++) {
            char what[64];
            snprintf(what, sizeof what, "input %zu: the ratio s_x / s_y", k);
            int err = single(n, (double)scale_of(g, n->inputs[k], 0) / out_scale(g, n), what, d);
            if (err)
                return err;
        }
        return DPU_OK;
    case DPU_NODE_AVG_POOL:
    case DPU_NODE_GLOBAL_AVG_POOL: {
        double r = (double)scale_of(g, n->inputs[0], 0) / out_scale(g, n);
        struct dpu_diag inner;
        dpu_diag_clear(&inner);
        int32_t M;
        int s;
        int err = dpu_quantize_multiplier_capped(r, DPU_POOL_MAX_SHIFT, &M, &s, &inner);
        return err ? refuse(n, err, "the pooling ratio s_x / s_y", r, &inner, d) : DPU_OK;
    }
    default:
        return DPU_OK;
    }
}
