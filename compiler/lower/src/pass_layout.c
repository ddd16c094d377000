/* Pass layout: which tensors the program's tensor table holds, and their DDR layout. A 4-D
 * tensor that an accelerator node reads or writes is NHWC with channels padded to a multiple
 * of R (element (n,c,h,w) at ((n*H+h)*W+w)*cpad + c); everything else is dense NCHW (the
 * 2-D input and output of FullyConnected: rows of K bytes). CPU steps see the layout in the
 * tensor table and the runtime converts. */
#include "lower.h"

int lw_pass_layout(struct lw_ctx *c)
{
    const struct dpu_graph *g = c->g;
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
    return 0;
}
