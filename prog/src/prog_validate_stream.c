/* The instruction stream of a program: each instruction on its own, the accelerator
 * segments of the plan, and the token discipline of docs/isa.md section 4 in each segment.
 *
 * The per-instruction range checks (field ranges, alignment, overlap, on-chip and DDR
 * ranges) are the simulator's (dpu_sim_insn_check): they are used when libdpusim is linked
 * in (DPU_PROG_HAVE_SIM, set by prog/CMakeLists.txt), so the rules live in one place.
 */
#include <inttypes.h>
#include <stdio.h>

#include "dpu/asm.h"
#include "prog_validate.h"

#ifdef DPU_PROG_HAVE_SIM
#include "dpu/sim.h"
#endif

/* "instruction 12 (CONV, layer 'conv1')" into buf. */
static const char *where(const struct pv_ctx *c, size_t i, char *buf, size_t cap)
{
    const struct dpu_insn_desc *desc =
        dpu_insn_desc_by_opcode((unsigned)dpu_insn_get_opcode(&c->p->insns[i]));
    const char *mn = desc ? desc->mnemonic : "?";
    int32_t l = c->layer_of ? c->layer_of[i] : -1;
    if (l >= 0)
        snprintf(buf, cap, "instruction %zu (%s, layer '%s')", i, mn, c->p->layers[l].name);
    else
        snprintf(buf, cap, "instruction %zu (%s)", i, mn);
    return buf;
}

/* Prefixes a message from a lower layer with the layer the instruction belongs to. */
static int relay(const struct pv_ctx *c, size_t i, int err, const struct dpu_diag *local)
{
    int32_t l = c->layer_of ? c->layer_of[i] : -1;
    if (l >= 0)
        return dpu_diag_set(c->d, err, "layer '%s' (%s): %s", c->p->layers[l].name,
                            c->p->layers[l].op, dpu_diag_message(local));
    return dpu_diag_set(c->d, err, "%s", dpu_diag_message(local));
}

int pv_check_insns(const struct pv_ctx *c)
{
    for (size_t i = 0; i < c->p->ninsns; i++) {
        struct dpu_diag local;
        dpu_diag_clear(&local);
        int err = dpu_insn_validate(&c->p->insns[i], i, &local);
#ifdef DPU_PROG_HAVE_SIM
        if (!err)
            err =
                dpu_sim_insn_check(c->preset, &c->p->insns[i], i, c->p->region_size, NULL, &local);
#endif
        if (err)
            return relay(c, i, err, &local);
    }
    return DPU_OK;
}

/* The engine whose queue runs insn: its descriptor's, or for SYNC the one it names. */
static int engine_of(const dpu_insn *insn)
{
    unsigned op = (unsigned)dpu_insn_get_opcode(insn);
    if (op == DPU_OP_SYNC)
        return (int)dpu_sync_get_engine(insn);
    const struct dpu_insn_desc *desc = dpu_insn_desc_by_opcode(op);
    return desc ? desc->engine : DPU_ENGINE_CTRL;
}

/* Walks one segment in stream order, counting the tokens of each queue (from -> to). */
static int check_tokens(const struct pv_ctx *c, size_t step, uint64_t first, uint64_t count)
{
    unsigned q[DPU_ENGINE_COUNT][DPU_ENGINE_COUNT] = {{0}};
    unsigned depth = c->preset->token_queue_depth;
    char at[DPU_PROG_NAME_MAX + 96];
    for (uint64_t i = first; i < first + count; i++) {
        const dpu_insn *insn = &c->p->insns[i];
        int self = engine_of(insn);
        unsigned wait = (unsigned)dpu_insn_get_wait(insn);
        unsigned signal = (unsigned)dpu_insn_get_signal(insn);
        if (self == DPU_ENGINE_CTRL) {
            if (wait || signal)
                return dpu_diag_set(c->d, DPU_E_INVALID, "%s: END must neither wait nor signal",
                                    where(c, i, at, sizeof at));
            continue;
        }
        for (int e = 0; e < DPU_ENGINE_COUNT; e++) {
            if (!((wait >> e) & 1))
                continue;
            if (e == self)
                return dpu_diag_set(c->d, DPU_E_INVALID,
                                    "%s: waits for a token from its own engine %s",
                                    where(c, i, at, sizeof at), dpu_engine_name(e));
            if (q[e][self] == 0)
                return dpu_diag_set(c->d, DPU_E_INVALID,
                                    "%s: token underflow: waits for a token from %s that no "
                                    "earlier instruction of plan step %zu signalled",
                                    where(c, i, at, sizeof at), dpu_engine_name(e), step);
            q[e][self]--;
        }
        for (int e = 0; e < DPU_ENGINE_COUNT; e++) {
            if (!((signal >> e) & 1))
                continue;
            if (e == self)
                return dpu_diag_set(c->d, DPU_E_INVALID, "%s: signals a token to its own engine %s",
                                    where(c, i, at, sizeof at), dpu_engine_name(e));
            if (q[self][e] >= depth)
                return dpu_diag_set(c->d, DPU_E_INVALID,
                                    "%s: token overflow: the %s -> %s queue already holds %u "
                                    "tokens (token_queue_depth of preset %s)",
                                    where(c, i, at, sizeof at), dpu_engine_name(self),
                                    dpu_engine_name(e), q[self][e], c->preset->name);
            q[self][e]++;
        }
    }
    for (int a = 0; a < DPU_ENGINE_COUNT; a++) {
        for (int b = 0; b < DPU_ENGINE_COUNT; b++) {
            if (q[a][b])
                return dpu_diag_set(c->d, DPU_E_INVALID,
                                    "%s: tokens left over at END: the %s -> %s queue still "
                                    "holds %u (every signal must be waited for)",
                                    where(c, first + count - 1, at, sizeof at), dpu_engine_name(a),
                                    dpu_engine_name(b), q[a][b]);
        }
    }
    return DPU_OK;
}

/* One segment: inside the stream, where the previous one ended, ending with its only END. */
static int check_segment(const struct pv_ctx *c, size_t step, const struct dpu_prog_step *s,
                         uint64_t *cursor)
{
    uint64_t n = c->p->ninsns;
    if (s->first != *cursor)
        return dpu_diag_set(c->d, DPU_E_INVALID,
                            "plan step %zu: starts at instruction %" PRIu64 ", but the "
                            "accelerator segments must tile the stream: the previous segment "
                            "ended at %" PRIu64,
                            step, s->first, *cursor);
    if (s->count == 0 || s->count > n - s->first)
        return dpu_diag_set(c->d, DPU_E_RANGE,
                            "plan step %zu: instructions %" PRIu64 "..+%" PRIu64
                            " are empty or outside the %zu-instruction stream",
                            step, s->first, s->count, c->p->ninsns);
    char at[DPU_PROG_NAME_MAX + 96];
    for (uint64_t i = s->first; i < s->first + s->count; i++) {
        bool is_end = dpu_insn_get_opcode(&c->p->insns[i]) == DPU_OP_END;
        bool last = i == s->first + s->count - 1;
        if (is_end && !last)
            return dpu_diag_set(c->d, DPU_E_INVALID,
                                "plan step %zu: %s: END before the end of the segment (it must "
                                "be the segment's last and only END)",
                                step, where(c, i, at, sizeof at));
        if (!is_end && last)
            return dpu_diag_set(c->d, DPU_E_INVALID,
                                "plan step %zu: the segment does not end with END (its last "
                                "instruction is %s)",
                                step, where(c, i, at, sizeof at));
    }
    *cursor = s->first + s->count;
    return check_tokens(c, step, s->first, s->count);
}

int pv_check_segments(const struct pv_ctx *c)
{
    uint64_t cursor = 0;
    for (size_t i = 0; i < c->p->nsteps; i++) {
        if (c->p->steps[i].kind != DPU_PROG_STEP_ACCEL)
            continue;
        int err = check_segment(c, i, &c->p->steps[i], &cursor);
        if (err)
            return err;
    }
    if (cursor != c->p->ninsns)
        return dpu_diag_set(c->d, DPU_E_INVALID,
                            "instructions %" PRIu64 "..%zu belong to no accelerator step of "
                            "the plan (the segments must tile the stream)",
                            cursor, c->p->ninsns - 1);
    return DPU_OK;
}
