/* The fetch/dispatch loop of the functional simulator: the program's defined meaning, its
 * sequential execution in stream order (isa.md section 4).
 *
 * For each instruction: check it (the static rules, plus "a LUTLD came earlier" for readers
 * of the LUT), take its waits in the order LOAD, CONV, MISC, SAVE, execute it, give its
 * signals in the same order. In stream order a wait on an empty queue and a signal into a
 * full one are deadlocks (TOKEN_UNDERFLOW, TOKEN_OVERFLOW). END must be the last
 * instruction and finds every queue empty. The first fault in stream order stops the run,
 * which is what dpusim in functional mode reports (isa.md section 5).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dpu/qmath.h"
#include "dpu/sim_timing.h"

#include "sim_internal.h"
#include "sim_tokens.h"

static int fault(struct dpu_sim_status *st, struct dpu_diag *d, unsigned code, size_t index,
                 uint64_t addr, const char *field, const char *mnemonic, const char *why)
{
    st->error = true;
    st->fault.errcode = code;
    st->fault.insn = index;
    st->fault.addr = addr;
    st->fault.field = field;
    const char *name = dpu_errcode_name(code);
    return dpu_diag_set(d, DPU_E_INVALID, "instruction %zu (%s): %s: %s", index, mnemonic,
                        name ? name : "?", why);
}

typedef unsigned (*exec_fn)(struct dpu_sim *s, const dpu_insn *in, uint64_t *fault_addr);

static exec_fn exec_for(unsigned opcode)
{
    switch (opcode) {
    case DPU_OP_LOAD:
        return sim_exec_load;
    case DPU_OP_SAVE:
        return sim_exec_save;
    case DPU_OP_CONV:
        return sim_exec_conv;
    case DPU_OP_POOL:
        return sim_exec_pool;
    case DPU_OP_ELTW:
        return sim_exec_eltw;
    case DPU_OP_DWCONV:
        return sim_exec_dwconv;
    case DPU_OP_LUTLD:
        return sim_exec_lutld;
    case DPU_OP_LUT:
        return sim_exec_lut;
    default: /* SYNC: tokens only */
        return NULL;
    }
}

/* END: the last instruction, reached with every token queue empty. */
static int finish(struct dpu_sim *s, size_t i, size_t count, struct dpu_sim_status *st,
                  struct dpu_diag *d)
{
    char why[160];
    if (i + 1 != count) {
        snprintf(why, sizeof why, "END must be the last instruction, but %zu follow it",
                 count - i - 1);
        return fault(st, d, DPU_ERRCODE_BAD_FIELD, i, DPU_INSN_OPCODE_LO, "opcode", "END", why);
    }
    int from, to;
    if (!sim_tokens_empty(s, &from, &to)) {
        snprintf(why, sizeof why, "%" PRIu32 " token(s) left in queue %s -> %s at END",
                 s->q[from][to].count, dpu_engine_name(from), dpu_engine_name(to));
        return fault(st, d, DPU_ERRCODE_TOKEN_OVERFLOW, i, 0, NULL, "END", why);
    }
    st->executed++;
    st->done = true;
    return DPU_OK;
}

/* Waits, execution, signals of one checked instruction on engine self. */
static int step(struct dpu_sim *s, const dpu_insn *in, size_t i, int self, const char *mnemonic,
                struct dpu_sim_status *st, struct dpu_diag *d)
{
    char why[200];
    uint64_t wait = dpu_insn_get_wait(in), signal = dpu_insn_get_signal(in);
    for (int e = 0; e < DPU_ENGINE_COUNT; e++) {
        if ((wait >> e & 1) && !sim_token_take(s, e, self)) {
            snprintf(why, sizeof why,
                     "waits for a token from %s, but no earlier instruction left one in queue "
                     "%s -> %s (deadlock)",
                     dpu_engine_name(e), dpu_engine_name(e), dpu_engine_name(self));
            return fault(st, d, DPU_ERRCODE_TOKEN_UNDERFLOW, i, 0, "wait", mnemonic, why);
        }
    }
    s->vc[self][self]++;
    exec_fn exec = s->no_data ? NULL : exec_for((unsigned)dpu_insn_get_opcode(in));
    if (s->no_data && dpu_insn_get_opcode(in) == DPU_OP_LUTLD)
        s->lut_loaded = true; /* what exec_lutld records, without the data (timing-only) */
    uint64_t addr = 0;
    if (exec && exec(s, in, &addr)) {
        struct sim_param r = sim_param_read(s, addr / 16);
        snprintf(why, sizeof why,
                 "PARAM record %" PRIu64 " (byte %" PRIu64 ") has M = %" PRId32
                 " and s = %d: M must be >= 0 and s in 0..%d",
                 addr / 16, addr, r.M, r.s,
                 dpu_insn_get_opcode(in) == DPU_OP_POOL ? DPU_POOL_MAX_SHIFT : DPU_RQ_MAX_SHIFT);
        return fault(st, d, DPU_ERRCODE_BAD_PARAM, i, addr, NULL, mnemonic, why);
    }
    if (s->check_races) {
        int err = sim_races_insn(s, in, i, self, st, d);
        if (err)
            return err;
    }
    st->engine_insns[self]++;
    st->executed++;
    for (int e = 0; e < DPU_ENGINE_COUNT; e++) {
        if ((signal >> e & 1) && !sim_token_give(s, self, e)) {
            snprintf(why, sizeof why,
                     "signals %s, but queue %s -> %s already holds token_queue_depth = %" PRIu32
                     " tokens (deadlock)",
                     dpu_engine_name(e), dpu_engine_name(self), dpu_engine_name(e),
                     s->p.token_queue_depth);
            return fault(st, d, DPU_ERRCODE_TOKEN_OVERFLOW, i, 0, "signal", mnemonic, why);
        }
    }
    return DPU_OK;
}

static int report_race(const struct dpu_sim_status *st, struct dpu_diag *d)
{
    const struct dpu_sim_race *r = &st->race;
    return dpu_diag_set(d, DPU_E_INVALID,
                        "race: instructions %zu (%s) and %zu (%s) on different engines both "
                        "access %s byte %" PRIu64 " with no token path ordering them",
                        r->first, r->first_wrote ? "writes" : "reads", r->second,
                        r->second_wrote ? "writes" : "reads", dpu_sim_space_name(r->space),
                        r->addr);
}

int dpu_sim_run(struct dpu_sim *s, const dpu_insn *insns, size_t count, struct dpu_sim_status *st,
                struct dpu_diag *d)
{
    if (!st)
        return dpu_diag_set(d, DPU_E_INVALID, "dpu_sim_run: no status");
    memset(st, 0, sizeof *st);
    if (!s || (!insns && count))
        return dpu_diag_set(d, DPU_E_INVALID, "dpu_sim_run: no simulator or instructions");
    sim_tokens_reset(s);
    s->lut_loaded = false;
    if (s->check_races) {
        int err = sim_races_begin(s, count, d);
        if (err)
            return err;
    }
    if (s->timing) {
        int err = dpu_timing_begin(s->timing, count, d);
        if (err)
            return err;
    }
    struct sim_check c;
    sim_check_init(&c, &s->p, s->region_size);
    c.f = &st->fault;
    c.d = d;
    for (size_t i = 0; i < count; i++) {
        const dpu_insn *in = &insns[i];
        c.index = i;
        c.lut_loaded = s->lut_loaded;
        if (sim_check_insn(&c, in)) {
            st->error = true;
            return DPU_E_INVALID;
        }
        int self = sim_insn_engine(in);
        int err = self == DPU_ENGINE_CTRL ? finish(s, i, count, st, d)
                                          : step(s, in, i, self, c.mnemonic, st, d);
        if (!err && s->timing) /* the cycle model observes each completed instruction */
            err = dpu_timing_insn(s->timing, in, d);
        if (err || st->done)
            return err ? err : st->race.found ? report_race(st, d) : DPU_OK;
    }
    return fault(st, d, DPU_ERRCODE_MISSING_END, count, 0, NULL, "past the end",
                 "the program ran past its last instruction without an END");
}
