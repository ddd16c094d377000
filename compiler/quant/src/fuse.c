/* Activation fusion. A Relu, Relu6 or Clip whose input comes from a Conv2D, FullyConnected,
 * MatMul, Add or Mul (and is read by nothing else) disappears into that node in the
 * quantized graph: the producer writes the activation's output tensor directly, quantized
 * with the activation's range, and its `clamp` attribute applies the activation bounds in the
 * int8 domain (docs/arithmetic.md, section 4).
 *
 * The float graph keeps both nodes (calibration must see what the model computes); the pass
 * records the pairing in the quantizer's per-node state, which the range and emission passes
 * follow. This pass also creates that state. */
#include <math.h>
#include <stdlib.h>

#include "quant_internal.h"

bool q_act_bounds(const struct dpu_gnode *a, double *lo, double *hi)
{
    switch (a->op) {
    case DPU_NODE_RELU:
        *lo = 0;
        *hi = INFINITY;
        return true;
    case DPU_NODE_RELU6:
        *lo = 0;
        *hi = 6;
        return true;
    case DPU_NODE_CLIP:
        *lo = dpu_node_get_float(a, "min", -INFINITY);
        *hi = dpu_node_get_float(a, "max", INFINITY);
        return true;
    default:
        return false;
    }
}

static bool takes_clamp(enum dpu_node_op op)
{
    return op == DPU_NODE_CONV2D || op == DPU_NODE_FULLY_CONNECTED || op == DPU_NODE_MATMUL ||
           op == DPU_NODE_ADD || op == DPU_NODE_MUL;
}

int q_fuse_activations(struct qctx *c, struct dpu_diag *d)
{
    struct dpu_graph *g = &c->fg;
    c->nodes = calloc(g->nnodes ? g->nnodes : 1, sizeof *c->nodes);
    c->tensors = calloc(g->ntensors ? g->ntensors : 1, sizeof *c->tensors);
    if (!c->nodes || !c->tensors)
        return dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
    for (size_t i = 0; i < g->nnodes; i++)
        c->nodes[i].fused = -1;
    for (size_t i = 0; i < g->nnodes; i++) {
        const struct dpu_gnode *a = &g->nodes[i];
        double lo, hi;
        if (!q_act_bounds(a, &lo, &hi))
            continue;
        int32_t x = a->inputs[0];
        int p = q_producer(g, x);
        if (p < 0 || !takes_clamp(g->nodes[p].op) || c->nodes[p].fused >= 0 || q_uses(g, x) != 1 ||
            q_is_output(g, x))
            continue;
        c->nodes[p].fused = (int32_t)i;
        c->nodes[i].absorbed = true;
    }
    return DPU_OK;
}
