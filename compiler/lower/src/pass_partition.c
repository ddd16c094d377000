/* Pass partition: which nodes the accelerator runs and which fall back to the CPU (with the
 * reason), then the plan's steps: maximal runs of consecutive accelerator nodes (one
 * segment each) and of CPU nodes (one model.q8 subgraph each). */
#include <stdlib.h>
#include <string.h>

#include "lower.h"

/* Reasons are short; a longer diagnostic (%.190s) is cut to fit the node's why[] field. */
#define WHY(...) (snprintf(why, cap, __VA_ARGS__), LW_CPU)

static bool act_i8(const struct dpu_graph *g, int32_t t, int rank)
{
    return t >= 0 && g->tensors[t].dtype == DPU_DT_INT8 && !g->tensors[t].data &&
           (rank == 0 || g->tensors[t].rank == rank);
}

static enum lw_kind classify(struct lw_ctx *c, size_t i, char *why, size_t cap)
{
    struct dpu_graph *g = c->g;
    const struct dpu_gnode *n = &g->nodes[i];
    struct dpu_diag d;
    dpu_diag_clear(&d);
    enum lw_kind k;
    switch (n->op) {
    case DPU_NODE_CONV2D:
    case DPU_NODE_FULLY_CONNECTED: {
        if (!act_i8(g, n->outputs[0], 0))
            return WHY("int32 output (no requantization on the accelerator)");
        if (!dpu_graph_weights_symmetric(g, n))
            return WHY("asymmetric weights (non-zero weight zero point)");
        struct dpu_qp_conv qp;
        if (dpu_qplan_conv(g, n, &qp, &d))
            return WHY("%.190s", d.msg);
        dpu_qp_conv_free(&qp);
        k = LW_CONV;
        if (n->op == DPU_NODE_CONV2D) {
            int64_t group = dpu_node_get_int(n, "group", 1);
            const struct dpu_gtensor *x = &g->tensors[n->inputs[0]];
            const struct dpu_gtensor *w = &g->tensors[n->inputs[1]];
            if (group != 1) {
                if (group == x->dims[1] && group == w->dims[0] && w->dims[1] == 1)
                    k = LW_DW;
                else
                    return WHY("grouped convolution (group %lld)", (long long)group);
            }
        }
        break;
    }
    case DPU_NODE_MAX_POOL: {
        struct dpu_qp_rescale qp;
        if (dpu_qplan_rescale(g, n, &qp, &d))
            return WHY("%.190s", d.msg);
        if (qp.rq.s > 31)
            return WHY("rescale shift %d above POOL's 31", qp.rq.s);
        k = LW_POOL;
        break;
    }
    case DPU_NODE_AVG_POOL:
    case DPU_NODE_GLOBAL_AVG_POOL: {
        if (n->op == DPU_NODE_AVG_POOL && dpu_node_get_int(n, "count_include_pad", 0) != 0) {
            const struct dpu_attr *a = dpu_node_attr(n, "pads");
            for (size_t j = 0; a && a->type == DPU_ATTR_INTS && j < a->n; j++)
                if (a->ints[j] != 0)
                    return WHY("count_include_pad = 1 with padding");
        }
        struct dpu_qp_avgpool qp;
        if (dpu_qplan_avgpool(g, n, &qp, &d))
            return WHY("%.190s", d.msg);
        k = LW_POOL;
        break;
    }
    case DPU_NODE_ADD:
    case DPU_NODE_MUL: {
        const struct dpu_gtensor *y = &g->tensors[n->outputs[0]];
        for (int j = 0; j < 2; j++) {
            const struct dpu_gtensor *x = &g->tensors[n->inputs[j]];
            if (!act_i8(g, n->inputs[j], 4) || memcmp(x->dims, y->dims, sizeof y->dims) != 0)
                return WHY("operands are not two 4-D activations of the output's shape");
        }
        if (n->op == DPU_NODE_ADD) {
            struct dpu_qp_add qp;
            if (dpu_qplan_add(g, n, &qp, &d))
                return WHY("%.190s", d.msg);
        } else {
            struct dpu_qp_mul qp;
            if (dpu_qplan_mul(g, n, &qp, &d))
                return WHY("%.190s", d.msg);
        }
        k = LW_ELTW;
        break;
    }
    case DPU_NODE_RELU:
    case DPU_NODE_RELU6:
    case DPU_NODE_CLIP: {
        struct dpu_qp_rescale qp;
        if (dpu_qplan_rescale(g, n, &qp, &d))
            return WHY("%.190s", d.msg);
        k = LW_RESCALE;
        break;
    }
    case DPU_NODE_LEAKY_RELU:
    case DPU_NODE_SIGMOID:
    case DPU_NODE_TANH:
    case DPU_NODE_HARD_SIGMOID:
    case DPU_NODE_HARD_SWISH:
    case DPU_NODE_GELU: {
        struct dpu_qp_lut qp;
        if (dpu_qplan_lut(g, n, &qp, &d))
            return WHY("%.190s", d.msg);
        k = LW_LUT;
        break;
    }
    case DPU_NODE_QUANTIZE:
    case DPU_NODE_DEQUANTIZE:
        return WHY("float boundary");
    case DPU_NODE_SOFTMAX:
        return WHY("no softmax on the accelerator");
    case DPU_NODE_RESHAPE:
    case DPU_NODE_FLATTEN:
    case DPU_NODE_TRANSPOSE:
        return WHY("changes the memory order (v0: no layout-aware reshape)");
    case DPU_NODE_CONCAT:
        return WHY("concat is not lowered yet (v0)");
    default:
        return WHY("no accelerator lowering for this op");
    }
    if (!act_i8(g, n->inputs[0], 0) || !act_i8(g, n->outputs[0], 0))
        return WHY("input or output is not an int8 activation");
    if (k != LW_CONV && k != LW_DW && k != LW_POOL && g->tensors[n->inputs[0]].rank != 4)
        return WHY("element-wise ops are lowered for 4-D tensors only (v0)");
    struct lw_node *ln = &c->nodes[i];
    ln->kind = k;
    if (k == LW_CONV || k == LW_DW || k == LW_POOL) {
        if (lw_geom_of(c, n, k, &ln->g, why, cap))
            return LW_CPU;
        if (lw_choose_band(c, i, why, cap) < 1)
            return LW_CPU;
    }
    return k;
}

int lw_pass_partition(struct lw_ctx *c)
{
    const struct dpu_graph *g = c->g;
    for (size_t i = 0; i < g->nnodes; i++) {
        struct lw_node *ln = &c->nodes[i];
        ln->why[0] = 0;
        ln->kind = classify(c, i, ln->why, sizeof ln->why);
        if (ln->kind != LW_CPU)
            continue;
        const struct dpu_gnode *n = &g->nodes[i];
        if (c->o->no_cpu_fallback)
            return lw_node_error(c, i, DPU_E_UNSUPPORTED,
                                 "cannot run on the accelerator (--no-cpu-fallback): %s", ln->why);
        if (c->o->log)
            fprintf(c->o->log, "dpuc: node '%s' (%s) runs on the CPU: %s\n", n->name,
                    dpu_node_op_name(n->op), ln->why);
    }
    c->steps = calloc(g->nnodes, sizeof *c->steps);
    if (!c->steps)
        return dpu_diag_set(c->d, DPU_E_NOMEM, "out of memory");
    for (size_t i = 0; i < g->nnodes; i++) {
        bool accel = c->nodes[i].kind != LW_CPU;
        if (c->nsteps == 0 || c->steps[c->nsteps - 1].accel != accel) {
            c->steps[c->nsteps].accel = accel;
            c->steps[c->nsteps].first = i;
            c->nsteps++;
        }
        c->steps[c->nsteps - 1].last = i;
        c->nodes[i].step = (int)c->nsteps - 1;
    }
    return 0;
}
