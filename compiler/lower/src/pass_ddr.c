/* Pass ddr: a place for every program tensor. Graph inputs go to INPUT, graph outputs to
 * OUTPUT, everything else to SCRATCH; v0 gives each intermediate tensor its own buffer (no
 * liveness-based reuse yet). Offsets are aligned to 64 bytes. */
#include "lower.h"

int lw_pass_ddr(struct lw_ctx *c)
{
    const struct dpu_graph *g = c->g;
    for (size_t t = 0; t < g->ntensors; t++) {
        struct lw_tensor *lt = &c->tensors[t];
        if (!lt->in_prog)
            continue;
        const struct dpu_gtensor *gt = &g->tensors[t];
        struct dpu_prog_tensor pt = {0};
        pt.dtype = gt->dtype;
        pt.rank = gt->rank;
        for (int i = 0; i < gt->rank; i++)
            pt.dims[i] = gt->dims[i];
        pt.layout = lt->layout;
        pt.cpad = lt->cpad;
        int64_t size = dpu_prog_tensor_footprint(&pt);
        if (size < 0)
            return dpu_diag_set(c->d, DPU_E_RANGE, "tensor '%s': no valid layout (%s)", gt->name,
                                dpu_prog_layout_name(lt->layout));
        lt->region = lt->graph_in    ? DPU_REGION_INPUT
                     : lt->graph_out ? DPU_REGION_OUTPUT
                                     : DPU_REGION_SCRATCH;
        lt->size = (uint64_t)size;
        lt->off = lw_round_up(c->region_size[lt->region], 64);
        c->region_size[lt->region] = lt->off + lt->size;
    }
    return 0;
}
