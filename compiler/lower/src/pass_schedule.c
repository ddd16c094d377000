/* Pass schedule: dependency tokens. v0 serializes each segment: between two consecutive
 * instructions on different engines, the first signals the second's engine and the second
 * waits for the first's. Every instruction therefore happens-before the next (docs/isa.md,
 * ordering rule), every wait takes a token signalled just before it in the stream, no queue
 * ever holds more than one token, and all are empty at END (the token discipline).
 * Double buffering (overlapping the next tile's loads with this tile's compute) comes later. */
#include "lower.h"

static int engine_of(const dpu_insn *i)
{
    switch (dpu_insn_get_opcode(i)) {
    case DPU_OP_LOAD:
        return DPU_ENGINE_LOAD;
    case DPU_OP_CONV:
        return DPU_ENGINE_CONV;
    case DPU_OP_SAVE:
        return DPU_ENGINE_SAVE;
    case DPU_OP_POOL:
    case DPU_OP_ELTW:
    case DPU_OP_DWCONV:
    case DPU_OP_LUTLD:
    case DPU_OP_LUT:
        return DPU_ENGINE_MISC;
    default:
        return -1; /* END, SYNC: the fetch unit */
    }
}

int lw_pass_schedule(struct lw_ctx *c)
{
    for (size_t k = 1; k < c->ninsns; k++) {
        dpu_insn *prev = &c->insns[k - 1].in, *cur = &c->insns[k].in;
        int ep = engine_of(prev), ec = engine_of(cur);
        if (ep < 0 || ec < 0 || ep == ec)
            continue;
        dpu_insn_set_signal(prev, dpu_insn_get_signal(prev) | (1u << ec));
        dpu_insn_set_wait(cur, dpu_insn_get_wait(cur) | (1u << ep));
    }
    return 0;
}
