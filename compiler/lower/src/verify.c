/* The verifier run after every pass: each annotation of the stages reached so far must hold.
 * A violation is a bug in a pass, so it aborts naming the pass that just ran. */
#include <string.h>

#include "dpu/sim.h"
#include "lower.h"

static void verify_steps(struct lw_ctx *c)
{
    size_t next = 0;
    for (size_t s = 0; s < c->nsteps; s++) {
        const struct lw_step *st = &c->steps[s];
        if (st->first != next || st->last < st->first)
            lw_ice(c, "step %zu does not continue the plan at node %zu", s, next);
        for (size_t n = st->first; n <= st->last; n++)
            if ((c->nodes[n].kind != LW_CPU) != st->accel || c->nodes[n].step != (int)s)
                lw_ice(c, "node '%s' is in the wrong step", c->g->nodes[n].name);
        next = st->last + 1;
    }
    if (next != c->g->nnodes)
        lw_ice(c, "the plan covers %zu of %zu nodes", next, c->g->nnodes);
}

static void verify_tensors(struct lw_ctx *c)
{
    for (size_t t = 0; t < c->g->ntensors; t++) {
        const struct lw_tensor *lt = &c->tensors[t];
        const struct dpu_gtensor *gt = &c->g->tensors[t];
        if (lt->is_const || !lt->in_prog)
            continue;
        if (lt->layout == DPU_PROG_LAYOUT_NHWC &&
            (gt->rank != 4 || lt->cpad < gt->dims[1] ||
             (lt->cpad % c->R != 0 && lt->cpad != gt->dims[1]))) /* padded, or dense */
            lw_ice(c, "tensor '%s': bad NHWC layout (cpad %u)", gt->name, lt->cpad);
        if (lt->accel && gt->rank == 4 && lt->layout != DPU_PROG_LAYOUT_NHWC)
            lw_ice(c, "tensor '%s': accelerator tensor not in NHWC", gt->name);
        if (c->stage < LW_DDR)
            continue;
        if (lt->off + lt->size > c->region_size[lt->region])
            lw_ice(c, "tensor '%s' outside its region", gt->name);
        for (size_t u = 0; u < t; u++) {
            const struct lw_tensor *o = &c->tensors[u];
            if (o->in_prog && !o->is_const && o->region == lt->region &&
                o->off < lt->off + lt->size && lt->off < o->off + o->size &&
                o->live_first <= lt->live_last && lt->live_first <= o->live_last)
                lw_ice(c, "tensors '%s' and '%s' overlap in DDR while both live",
                       c->g->tensors[u].name, gt->name);
        }
    }
}

static void verify_insns(struct lw_ctx *c)
{
    uint64_t sizes[DPU_REGION_COUNT];
    memcpy(sizes, c->region_size, sizeof sizes);
    sizes[DPU_REGION_CONST] = c->ncst;
    for (size_t i = 0; i < c->ninsns; i++) {
        struct dpu_sim_fault f;
        struct dpu_diag d;
        dpu_diag_clear(&d);
        if (dpu_sim_insn_check(c->p, &c->insns[i].in, i, sizes, &f, &d))
            lw_ice(c, "instruction %zu (node %d) is invalid: %s", i, c->insns[i].node, d.msg);
    }
    for (size_t s = 0; s < c->nsteps; s++) {
        const struct lw_step *st = &c->steps[s];
        if (!st->accel)
            continue;
        if (st->insn_count == 0 ||
            dpu_insn_get_opcode(&c->insns[st->insn_first + st->insn_count - 1].in) != DPU_OP_END)
            lw_ice(c, "step %zu does not end with END", s);
        if (c->stage < LW_SCHEDULE)
            continue;
        int count[DPU_ENGINE_COUNT][DPU_ENGINE_COUNT] = {{0}};
        for (size_t k = st->insn_first; k < st->insn_first + st->insn_count; k++) {
            const dpu_insn *in = &c->insns[k].in;
            unsigned op = (unsigned)dpu_insn_get_opcode(in);
            int self = op == DPU_OP_LOAD   ? DPU_ENGINE_LOAD
                       : op == DPU_OP_CONV ? DPU_ENGINE_CONV
                       : op == DPU_OP_SAVE ? DPU_ENGINE_SAVE
                       : op == DPU_OP_END  ? -1
                                           : DPU_ENGINE_MISC;
            unsigned w = (unsigned)dpu_insn_get_wait(in), sg = (unsigned)dpu_insn_get_signal(in);
            for (int e = 0; e < DPU_ENGINE_COUNT && self >= 0; e++) {
                if ((w >> e & 1) && --count[e][self] < 0)
                    lw_ice(c, "instruction %zu waits on an empty queue", k);
                if ((sg >> e & 1) && ++count[self][e] > (int)c->p->token_queue_depth)
                    lw_ice(c, "instruction %zu overfills a token queue", k);
            }
        }
        for (int a = 0; a < DPU_ENGINE_COUNT; a++)
            for (int b = 0; b < DPU_ENGINE_COUNT; b++)
                if (count[a][b])
                    lw_ice(c, "step %zu ends with tokens in queue %d->%d", s, a, b);
    }
}

/* Resident tensors (pass resident): inside ACT, R-aligned, disjoint from every other resident
 * tensor live at the same time, and above the tile buffers of every node in their lifetime. */
static uint64_t act_bytes_of(const struct lw_ctx *c, size_t t)
{
    const int64_t *d = c->g->tensors[t].dims;
    return (uint64_t)d[0] * (uint64_t)d[2] * (uint64_t)d[3] * c->tensors[t].act_ps;
}

static void verify_resident(struct lw_ctx *c)
{
    for (size_t t = 0; t < c->g->ntensors; t++) {
        const struct lw_tensor *a = &c->tensors[t];
        if (!a->resident)
            continue;
        const char *name = c->g->tensors[t].name;
        if (a->act_off % c->R || a->act_ps % c->R ||
            a->act_off + act_bytes_of(c, t) > c->p->act_buf_bytes || a->in_prog)
            lw_ice(c, "resident tensor '%s' badly placed in ACT", name);
        for (int n = a->live_first; n <= a->live_last; n++)
            if (c->nodes[n].act_cap > a->act_off)
                lw_ice(c, "node '%s' may place tile buffers over resident tensor '%s'",
                       c->g->nodes[n].name, name);
        for (size_t u = 0; u < t; u++) {
            const struct lw_tensor *b = &c->tensors[u];
            if (b->resident && a->live_first <= b->live_last && b->live_first <= a->live_last &&
                a->act_off < b->act_off + act_bytes_of(c, u) &&
                b->act_off < a->act_off + act_bytes_of(c, t))
                lw_ice(c, "resident tensors '%s' and '%s' overlap in ACT while both live",
                       c->g->tensors[u].name, name);
        }
    }
}

void lw_verify(struct lw_ctx *c)
{
    if (c->stage >= LW_PARTITION)
        verify_steps(c);
    if (c->stage >= LW_LAYOUT)
        verify_tensors(c);
    if (c->stage >= LW_TILE)
        for (size_t n = 0; n < c->g->nnodes; n++)
            if ((c->nodes[n].kind == LW_CONV || c->nodes[n].kind == LW_DW ||
                 c->nodes[n].kind == LW_POOL || c->nodes[n].kind == LW_GROUP) &&
                c->nodes[n].band < 1)
                lw_ice(c, "node '%s' has no band", c->g->nodes[n].name);
    if (c->stage >= LW_RESIDENT)
        verify_resident(c);
    if (c->stage >= LW_ISEL)
        verify_insns(c);
}
