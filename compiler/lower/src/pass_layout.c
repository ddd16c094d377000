/* Pass layout: which tensors the program's tensor table holds, and their DDR layout. A 4-D
 * tensor that an accelerator node reads or writes is NHWC with channels padded to a multiple
 * of R (element (n,c,h,w) at ((n*H+h)*W+w)*cpad + c); everything else is dense NCHW (the
 * 2-D input and output of FullyConnected: rows of K bytes). CPU steps see the layout in the
 * tensor table and the runtime converts.
 *
 * Then the tensors that live inside another one's bytes (lw_tensor.alias):
 *  - the output of a view (Flatten, Reshape) is its input's bytes, with the input's pixel
 *    stride (a folded Flatten's FullyConnected reads the NHWC pixels);
 *  - an input of a channel Concat written in place: its producer SAVEs straight into the
 *    output, at the input's channel offset and with the output's pixel stride.
 * Such tensors have no entry of their own in the tensor table (their layout is not one the
 * table can describe); pass ddr places them with the tensor they live in. */
#include <string.h>

#include "dpu/qmath.h"
#include "lower.h"

/* Concat input k of node n passes through unchanged (same scale and zero point, so the
 * rescale is the identity on every int8 value). */
static bool identity_rescale(const struct lw_ctx *c, size_t n, size_t k)
{
    struct dpu_qp_rescale p;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_qplan_concat_input(c->g, &c->g->nodes[n], k, &p, &d))
        return false;
    for (int x = -128; x <= 127; x++)
        if (dpu_sat(dpu_rq(x - p.zx, p.rq.M, p.rq.s) + p.zy, p.lo, p.hi) != x)
            return false;
    return true;
}

/* Can tensor t (input k of Concat node n) be written by its producer straight into the
 * output? Its producer must SAVE it pixel by pixel with the tensor's pixel stride and only its
 * real channels (CONV, DWCONV, POOL do; the element-wise kinds write whole byte runs), every
 * other reader must read it the same way (those kinds, or another Concat, which copies it
 * from here), and nothing may need it as a tensor of its own (graph output, CPU step, twice
 * in this Concat). */
static bool can_write_in_place(const struct lw_ctx *c, size_t n, size_t k)
{
    const struct dpu_graph *g = c->g;
    int32_t t = g->nodes[n].inputs[k];
    const struct lw_tensor *lt = &c->tensors[t];
    if (lt->producer < 0 || lt->graph_in || lt->graph_out || lt->alias >= 0)
        return false;
    enum lw_kind pk = c->nodes[lt->producer].kind;
    if (pk != LW_CONV && pk != LW_DW && pk != LW_POOL)
        return false;
    for (size_t m = 0; m < g->nnodes; m++) {
        const struct dpu_gnode *gm = &g->nodes[m];
        for (size_t j = 0; j < gm->ninputs; j++) {
            if (gm->inputs[j] != t || (m == n && j == k))
                continue;
            enum lw_kind mk = c->nodes[m].kind;
            if (m == n || (mk != LW_CONV && mk != LW_DW && mk != LW_POOL && mk != LW_CONCAT))
                return false;
        }
    }
    return identity_rescale(c, n, k);
}

/* May node n run packed (lw_pack_choose: lw_packable, with one row of output fitting the
 * buffers that way)? */
static bool pack_fits(const struct lw_ctx *c, size_t n)
{
    const struct lw_node *ln = &c->nodes[n];
    if (ln->kind != LW_CONV || c->g->nodes[n].op != DPU_NODE_CONV2D)
        return false;
    return lw_pack_choose(c, ln) > 0;
}

/* Low-channel first layers: a tensor read only by convolutions that gain from packing (few
 * input channels, kw > 1) is stored densely (pixel stride C) so that one LOAD column of
 * kw*C bytes gathers kw neighbouring pixels into one vector; its readers are marked packed.
 * Its producer must write it pixel by pixel with the tensor's pixel stride: a graph input or
 * a CPU step (the runtime follows the table's cpad), or CONV, DWCONV, POOL (their SAVEs). */
static void choose_packing(struct lw_ctx *c)
{
    const struct dpu_graph *g = c->g;
    for (size_t t = 0; t < g->ntensors; t++) {
        struct lw_tensor *lt = &c->tensors[t];
        if (lt->is_const || !lt->accel || g->tensors[t].rank != 4 || lt->graph_out)
            continue;
        if (lt->producer >= 0) {
            enum lw_kind pk = c->nodes[lt->producer].kind;
            if (pk != LW_CPU && pk != LW_CONV && pk != LW_DW && pk != LW_POOL)
                continue;
        }
        bool ok = true, any = false;
        for (size_t m = 0; m < g->nnodes && ok; m++)
            for (size_t j = 0; j < g->nodes[m].ninputs; j++)
                if (g->nodes[m].inputs[j] == (int32_t)t) {
                    ok = ok && j == 0 && pack_fits(c, m);
                    any = true;
                }
        if (!ok || !any)
            continue;
        for (size_t m = 0; m < g->nnodes; m++)
            if (g->nodes[m].ninputs > 0 && g->nodes[m].inputs[0] == (int32_t)t) {
                c->nodes[m].pack_kr = lw_pack_choose(c, &c->nodes[m]);
                c->nodes[m].pack = true;
            }
        lt->cpad = (uint32_t)g->tensors[t].dims[1];
        lt->pstride = lt->cpad;
    }
}

static void place_concat_inputs(struct lw_ctx *c, size_t n)
{
    const struct dpu_gnode *gn = &c->g->nodes[n];
    int32_t y = gn->outputs[0];
    uint64_t choff = 0;
    for (size_t k = 0; k < gn->ninputs; k++) {
        int32_t t = gn->inputs[k];
        if (can_write_in_place(c, n, k)) {
            struct lw_tensor *lt = &c->tensors[t];
            lt->alias = y;
            lt->alias_off = choff;
            lt->pstride = c->tensors[y].pstride;
            lt->in_place = true;
            lt->in_prog = false;
        }
        choff += (uint64_t)c->g->tensors[t].dims[1];
    }
}

/* How many times tensor t is an input of any node. */
static int readers(const struct dpu_graph *g, int32_t t)
{
    int r = 0;
    for (size_t m = 0; m < g->nnodes; m++)
        for (size_t j = 0; j < g->nodes[m].ninputs; j++)
            r += g->nodes[m].inputs[j] == t;
    return r;
}

/* Residual Add fused into a convolution: an Add whose input k is the only use of a CONV
 * output of the same accelerator step, and whose other input is written before that conv
 * runs (an earlier node, or a graph input), becomes an ELTW on each output tile of the conv
 * while it is in ACT (the other input's tile loaded next to it); the conv SAVEs the Add's
 * output, and the conv's own output is never stored. The Add's output then counts as written
 * by the conv (its producer, for pass ddr's lifetimes). The conv needs room for the Add's two
 * PARAM records next to its own. */
static void fuse_adds(struct lw_ctx *c)
{
    const struct dpu_graph *g = c->g;
    for (size_t n = 0; n < g->nnodes; n++) {
        const struct dpu_gnode *gn = &g->nodes[n];
        if (c->nodes[n].kind != LW_ELTW || gn->op != DPU_NODE_ADD || gn->ninputs != 2)
            continue;
        struct lw_tensor *y = &c->tensors[gn->outputs[0]];
        if (y->alias >= 0 || y->in_place)
            continue;
        for (int k = 1; k >= 0; k--) { /* the later input first: usually the block's last conv */
            int32_t a = gn->inputs[k], b = gn->inputs[1 - k];
            const struct lw_tensor *ta = &c->tensors[a], *tb = &c->tensors[b];
            int p = ta->producer;
            if (a == b || p < 0 || c->nodes[p].kind != LW_CONV || c->nodes[p].fuse_add ||
                c->nodes[p].step != c->nodes[n].step || ta->graph_out || ta->alias >= 0 ||
                ta->in_place || readers(g, a) != 1 || tb->producer >= p || tb->alias >= 0 ||
                g->tensors[b].rank != 4 || tb->layout != DPU_PROG_LAYOUT_NHWC)
                continue;
            uint64_t recs = lw_round_up((uint64_t)c->nodes[p].g.M, c->C);
            if (recs + 2 > c->p->param_buf_records)
                continue;
            c->nodes[p].fuse_add = true;
            c->nodes[p].add_node = (int)n;
            c->nodes[n].fused = true;
            y->producer = p;
            break;
        }
    }
}

int lw_pass_layout(struct lw_ctx *c)
{
    const struct dpu_graph *g = c->g;
    for (size_t t = 0; t < g->ntensors; t++) {
        c->tensors[t].alias = -1;
        c->tensors[t].alias_off = 0;
        c->tensors[t].in_place = false;
    }
    for (size_t n = 0; n < g->nnodes; n++) {
        const struct dpu_gnode *gn = &g->nodes[n];
        bool accel = c->nodes[n].kind != LW_CPU;
        for (size_t k = 0; k < gn->ninputs; k++) {
            int32_t t = gn->inputs[k];
            if (t < 0 || c->tensors[t].is_const)
                continue;
            struct lw_tensor *lt = &c->tensors[t];
            lt->accel |= accel;
            if (lt->producer < 0 || c->nodes[lt->producer].step != c->nodes[n].step)
                lt->in_prog = true;
        }
        for (size_t k = 0; k < gn->noutputs; k++)
            if (gn->outputs[k] >= 0)
                c->tensors[gn->outputs[k]].accel |= accel;
    }
    for (size_t t = 0; t < g->ntensors; t++) {
        struct lw_tensor *lt = &c->tensors[t];
        const struct dpu_gtensor *gt = &g->tensors[t];
        if (lt->is_const)
            continue;
        lt->in_prog |= lt->graph_in || lt->graph_out || lt->accel;
        if (lt->accel && gt->rank == 4) {
            lt->layout = DPU_PROG_LAYOUT_NHWC;
            lt->cpad = (uint32_t)lw_round_up((uint64_t)gt->dims[1], c->R);
            lt->pstride = lt->cpad;
        } else {
            lt->layout = DPU_PROG_LAYOUT_NCHW;
            lt->cpad = 0;
            lt->pstride = gt->rank == 2 ? (uint64_t)gt->dims[1] : 0;
        }
    }
    for (size_t n = 0; n < g->nnodes; n++) {
        c->nodes[n].pack = c->nodes[n].fuse_add = c->nodes[n].fused = false;
        c->nodes[n].add_node = -1;
    }
    choose_packing(c);
    /* Views first, in node order (a view of a view follows the chain), then Concat inputs. */
    for (size_t n = 0; n < g->nnodes; n++) {
        if (c->nodes[n].kind != LW_VIEW)
            continue;
        struct lw_tensor *y = &c->tensors[g->nodes[n].outputs[0]];
        const struct lw_tensor *x = &c->tensors[g->nodes[n].inputs[0]];
        y->alias = g->nodes[n].inputs[0];
        y->alias_off = 0;
        y->pstride = x->pstride;
        y->in_prog = false;
    }
    for (size_t n = 0; n < g->nnodes; n++)
        if (c->nodes[n].kind == LW_CONCAT)
            place_concat_inputs(c, n);
    fuse_adds(c);
    return 0;
}
