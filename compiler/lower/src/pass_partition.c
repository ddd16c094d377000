/* Pass partition: which nodes the accelerator runs and which fall back to the CPU (with the
 * reason), then the plan's steps: maximal runs of consecutive accelerator nodes (one
 * segment each) and of CPU nodes (one model.q8 subgraph each). */
#include <stdlib.h>
#include <string.h>

#include "lower.h"

/* Reasons are short; a longer diagnostic (%.190s) is cut to fit the node's why[] field. */
#define WHY(...)     (snprintf(why, cap, __VA_ARGS__), LW_CPU)
#define NOTOK(...)   (snprintf(why, cap, __VA_ARGS__), false)
#define BLOCKED(...) (snprintf(why, cap, __VA_ARGS__), true)

static bool act_i8(const struct dpu_graph *g, int32_t t, int rank)
{
    return t >= 0 && g->tensors[t].dtype == DPU_DT_INT8 && !g->tensors[t].data &&
           (rank == 0 || g->tensors[t].rank == rank);
}

/* A Flatten/Reshape the accelerator gets for free: the shape kept (rank and dims), or a
 * 4-D [N, C, H, W] flattened to [N, C*H*W] (read by FullyConnected as an HxW convolution over
 * the NHWC bytes, see fold_flatten). */
static bool view_shape(const struct dpu_graph *g, const struct dpu_gnode *n)
{
    const struct dpu_gtensor *x = &g->tensors[n->inputs[0]], *y = &g->tensors[n->outputs[0]];
    if (x->rank == y->rank && memcmp(x->dims, y->dims, sizeof(int64_t) * (size_t)x->rank) == 0)
        return true;
    return x->rank == 4 && y->rank == 2 && y->dims[0] == x->dims[0] &&
           y->dims[1] == x->dims[1] * x->dims[2] * x->dims[3];
}

/* A channel Concat of 4-D int8 activations that LOAD/SAVE can address. */
static bool concat_ok(struct lw_ctx *c, const struct dpu_gnode *n, char *why, size_t cap)
{
    const struct dpu_graph *g = c->g;
    const struct dpu_gtensor *y = &g->tensors[n->outputs[0]];
    int64_t axis = dpu_node_get_int(n, "axis", 1);
    if (!act_i8(g, n->outputs[0], 4) || (axis != 1 && axis != -3))
        return NOTOK("only channel concat (axis 1) of 4-D int8 tensors");
    if (y->dims[3] > 1023 || (uint64_t)lw_round_up((uint64_t)y->dims[1], c->R) > (1u << 23))
        return NOTOK("width or channels too large for LOAD/SAVE");
    for (size_t k = 0; k < n->ninputs; k++) {
        const struct dpu_gtensor *x = &g->tensors[n->inputs[k]];
        if (!act_i8(g, n->inputs[k], 4) || x->dims[0] != y->dims[0] || x->dims[2] != y->dims[2] ||
            x->dims[3] != y->dims[3])
            return NOTOK("input %zu is not a 4-D int8 activation of the output's N, H, W", k);
        if (lw_round_up((uint64_t)x->dims[1], c->R) > 4095)
            return NOTOK("input %zu has more than 4095 channels", k);
        struct dpu_qp_rescale qp;
        struct dpu_diag d;
        dpu_diag_clear(&d);
        if (dpu_qplan_concat_input(g, n, k, &qp, &d))
            return NOTOK("%.190s", d.msg);
    }
    return true;
}

/* FullyConnected reading a Flatten view of a 4-D [N, C, H, W] tensor: an HxW convolution with
 * no padding over the NHWC bytes, one output pixel per image. The FC weight [M, C*H*W] in
 * NCHW flatten order is exactly the conv weight [M, C, H, W], so packing needs no change;
 * padding lanes of the NHWC pixels meet zero weights. */
static int fold_flatten(const struct lw_ctx *c, const struct dpu_gnode *n, struct lw_geom *g,
                        char *why, size_t cap)
{
    int32_t p = c->tensors[n->inputs[0]].producer;
    if (p < 0 || c->nodes[p].kind != LW_VIEW)
        return 0;
    const struct dpu_gtensor *x = &c->g->tensors[c->g->nodes[p].inputs[0]];
    if (x->rank != 4)
        return 0;
    if (x->dims[2] > 15 || x->dims[3] > 15)
        return snprintf(why, cap, "flattened %lldx%lld image larger than the 15x15 kernel limit",
                        (long long)x->dims[2], (long long)x->dims[3]),
               -1;
    g->N = x->dims[0], g->C = x->dims[1], g->H = x->dims[2], g->W = x->dims[3];
    g->OH = g->OW = 1;
    g->kh = (int)g->H, g->kw = (int)g->W;
    return 0;
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
                else if (group > 1 && x->dims[1] % group == 0 && w->dims[0] % group == 0)
                    k = LW_GROUP; /* isel_group.c: one CONV sequence per channel slice */
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
        if (!act_i8(g, n->inputs[0], 0) || !act_i8(g, n->outputs[0], 0))
            return WHY("input or output is not an int8 activation");
        if (!view_shape(g, n))
            return WHY("changes the memory order (only Flatten/Reshape of [N,C,H,W] to "
                       "[N,C*H*W] into FullyConnected, or keeping the shape, are free)");
        return LW_VIEW; /* provisional: settle_views checks the consumers */
    case DPU_NODE_TRANSPOSE:
        return WHY("changes the memory order");
    case DPU_NODE_CONCAT:
        return concat_ok(c, n, why, cap) ? LW_CONCAT : LW_CPU;
    default:
        return WHY("no accelerator lowering for this op");
    }
    if (!act_i8(g, n->inputs[0], 0) || !act_i8(g, n->outputs[0], 0))
        return WHY("input or output is not an int8 activation");
    if (k != LW_CONV && k != LW_DW && k != LW_POOL && g->tensors[n->inputs[0]].rank != 4)
        return WHY("element-wise ops are lowered for 4-D tensors only (v0)");
    struct lw_node *ln = &c->nodes[i];
    ln->kind = k;
    if (k == LW_CONV || k == LW_DW || k == LW_POOL || k == LW_GROUP) {
        if (lw_geom_of(c, n, k, &ln->g, why, cap))
            return LW_CPU;
        if (k == LW_GROUP) { /* the geometry of one group */
            ln->g.C /= dpu_node_get_int(n, "group", 1);
            ln->g.M /= dpu_node_get_int(n, "group", 1);
        }
        if (n->op == DPU_NODE_FULLY_CONNECTED && fold_flatten(c, n, &ln->g, why, cap))
            return LW_CPU;
        if (lw_choose_band(c, i, why, cap) < 1)
            return LW_CPU;
    }
    return k;
}

/* A view stays free only when nothing needs its bytes in the graph's own layout: it is not
 * a graph output, and every reader is an accelerator node (a flattening view: a
 * FullyConnected reading it as its input, folded into an HxW convolution). Demoting a view
 * changes how its FullyConnected readers lower, so they are classified again, to a fixpoint. */
static bool view_blocker(struct lw_ctx *c, size_t v, char *why, size_t cap)
{
    const struct dpu_graph *g = c->g;
    int32_t t = g->nodes[v].outputs[0];
    bool flat = g->tensors[t].rank != g->tensors[g->nodes[v].inputs[0]].rank;
    if (c->tensors[t].graph_out)
        return BLOCKED("its output is a graph output");
    for (size_t m = 0; m < g->nnodes; m++) {
        const struct dpu_gnode *gm = &g->nodes[m];
        for (size_t k = 0; k < gm->ninputs; k++) {
            if (gm->inputs[k] != t)
                continue;
            if (c->nodes[m].kind == LW_CPU)
                return BLOCKED("read by '%.80s' (%s), which runs on the CPU", gm->name,
                               dpu_node_op_name(gm->op));
            if (flat && (gm->op != DPU_NODE_FULLY_CONNECTED || k != 0))
                return BLOCKED("changes the memory order and is read by '%.80s' (%s), not a "
                               "FullyConnected",
                               gm->name, dpu_node_op_name(gm->op));
        }
    }
    return false;
}

static void settle_views(struct lw_ctx *c)
{
    const struct dpu_graph *g = c->g;
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t v = 0; v < g->nnodes; v++) {
            struct lw_node *lv = &c->nodes[v];
            if (lv->kind != LW_VIEW || !view_blocker(c, v, lv->why, sizeof lv->why))
                continue;
            lv->kind = LW_CPU;
            changed = true;
            int32_t t = g->nodes[v].outputs[0];
            for (size_t m = 0; m < g->nnodes; m++)
                if (g->nodes[m].op == DPU_NODE_FULLY_CONNECTED && g->nodes[m].inputs[0] == t &&
                    c->nodes[m].kind != LW_CPU) {
                    c->nodes[m].why[0] = 0;
                    c->nodes[m].kind = classify(c, m, c->nodes[m].why, sizeof c->nodes[m].why);
                }
        }
    }
}

/* The float boundary: a Quantize of a graph input or a Dequantize into a graph output. These
 * stay CPU steps even under --no-cpu-fallback. */
static bool boundary_step(const struct lw_ctx *c, size_t i)
{
    const struct dpu_gnode *n = &c->g->nodes[i];
    if (n->op == DPU_NODE_QUANTIZE)
        return c->tensors[n->inputs[0]].graph_in;
    if (n->op == DPU_NODE_DEQUANTIZE)
        return c->tensors[n->outputs[0]].graph_out;
    return false;
}

int lw_pass_partition(struct lw_ctx *c)
{
    const struct dpu_graph *g = c->g;
    for (size_t i = 0; i < g->nnodes; i++) {
        struct lw_node *ln = &c->nodes[i];
        ln->why[0] = 0;
        ln->kind = classify(c, i, ln->why, sizeof ln->why);
    }
    settle_views(c);
    for (size_t i = 0; i < g->nnodes; i++) {
        struct lw_node *ln = &c->nodes[i];
        if (ln->kind != LW_CPU)
            continue;
        const struct dpu_gnode *n = &g->nodes[i];
        if (c->o->no_cpu_fallback && !boundary_step(c, i))
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
