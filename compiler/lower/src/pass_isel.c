/* Pass isel: the instructions of every accelerator step, node by node, each step's segment
 * closed by its END; the CONST image (packed weights, PARAM records, tables) grows alongside.
 * Then each step's instructions are put in list-schedule order (lw_order.c), which may
 * interleave consecutive layers; a node's insn_first/insn_count then span its instructions
 * and those of others between them (pass emit gives each layer its runs). */
#include "lower.h"

int lw_pass_isel(struct lw_ctx *c)
{
    for (size_t s = 0; s < c->nsteps; s++) {
        struct lw_step *st = &c->steps[s];
        st->insn_first = c->ninsns;
        if (!st->accel)
            continue;
        for (size_t n = st->first; n <= st->last; n++) {
            struct lw_node *ln = &c->nodes[n];
            ln->insn_first = c->ninsns;
            int err;
            switch (ln->kind) {
            case LW_CONV:
                err = lw_isel_conv(c, n);
                break;
            case LW_DW:
                err = lw_isel_dw(c, n);
                break;
            case LW_GROUP:
                err = lw_isel_group(c, n);
                break;
            case LW_POOL:
                err = lw_isel_pool(c, n);
                break;
            case LW_ELTW:
            case LW_RESCALE:
            case LW_LUT:
                err = lw_isel_eltw(c, n);
                break;
            case LW_VIEW:
                err = 0; /* the output is the input's bytes (pass layout) */
                break;
            case LW_CONCAT:
                err = lw_isel_concat(c, n);
                break;
            default:
                lw_ice(c, "node '%s' in an accelerator step has no lowering", c->g->nodes[n].name);
            }
            if (err)
                return err;
            ln->insn_count = c->ninsns - ln->insn_first;
        }
        lw_new_insn(c, -1, DPU_OP_END);
        st->insn_count = c->ninsns - st->insn_first;
    }
    c->region_size[DPU_REGION_CONST] = c->ncst;
    lw_order(c); /* layers interleaved where that is faster (lw_order.c) */
    return 0;
}
