/* Pass tile: per accelerator node, the band of output rows per tile (the largest whose
 * input rows with halo and padding, outputs and accumulators fit the buffers), and whether
 * the weights and PARAM records fit on chip at once or are loaded per output-channel block. */
#include "lower.h"

int lw_pass_tile(struct lw_ctx *c)
{
    for (size_t n = 0; n < c->g->nnodes; n++) {
        struct lw_node *ln = &c->nodes[n];
        if (ln->kind == LW_CPU)
            continue;
        char why[200];
        ln->band = lw_choose_band(c, n, why, sizeof why);
        if (ln->band < 1)
            lw_ice(c, "node '%s': no band fits although partition accepted it: %s",
                   c->g->nodes[n].name, why);
        if (ln->kind == LW_CONV) {
            uint64_t nci = lw_round_up((uint64_t)ln->g.C, c->R) / c->R;
            uint64_t nco = lw_round_up((uint64_t)ln->g.M, c->C) / c->C;
            uint64_t taps = (uint64_t)ln->g.kh * (uint64_t)ln->g.kw;
            ln->wgt_all = nco * nci * taps * c->R * c->C <= c->p->wgt_buf_bytes;
            ln->param_all = nco * c->C <= c->p->param_buf_records;
        }
    }
    return 0;
}
