/* The schedule of the timing model (docs/architecture.md, "Fetch, queues and tokens"),
 * computed in one pass over the stream.
 *
 * For instruction i of engine e (stream order):
 *   dispatch(i) = max(dispatch(i-1) + 1, head(the instruction Q_INSN earlier in e's queue))
 *                 (the first at cycle 0; a slot frees in the cycle its occupant leaves)
 *   head(i)     = max(dispatch(i) + 1, free(previous instruction of e))
 *   start(i)    = max(head(i), give(token taken) + T_TOKEN for each wait)
 *   end(i)      = start(i) + cycles(i), or for LOAD and SAVE: the cycle after the last of
 *                 the ddr_busy cycles it books on the DDR channel, the first free ones from
 *                 start(i) + L_DDR on, plus LOAD's padding cycles, or for CONV (the array
 *                 streams from one CONV into the next):
 *                   first(i) = max(start(i) + R,          its first tap's preload
 *                                  end(previous CONV),    the array's input is free
 *                                  done(j) for each CONV j whose ACT output range overlaps
 *                                  the ACT range i reads) the RAW interlock
 *                   end(i)   = first(i) + cycles(i) - R  (its streaming)
 *   done(i)     = max(end(i) + latency(i), done(previous instruction of e))
 *   free(i)     = max(done(i), start(taker of the token depth signals earlier) + 1 for each
 *                 signal into a queue that would otherwise hold more than depth tokens)
 *   give        = free(i) for each of its signals
 *   the engine takes its next instruction from free(i) when a signal was held, else from
 *   end(i), or for a CONV from end(i) - P(i): the start of its last tap, when the shadow
 *   weight registers are free for the next CONV's first preload.
 * Every quantity refers to instructions earlier in the stream: the m-th token of a queue was
 * signalled before the m-th wait on it (token discipline), and when the j-th signal needs
 * the (j-depth)-th take, that take also came earlier (else the stream itself would overflow
 * the queue). So stream order is a topological order of the schedule's dependencies.
 * Token queues keep the last `depth` give and take times each: all that can still be
 * looked at. The DDR channel is a calendar of the cycles older LOADs and SAVEs have booked
 * (sorted, disjoint, never adjacent intervals); a younger instruction fills the gaps, so the
 * older one always wins, which is what keeps stream order a topological order here too.
 * Intervals that end before every future LOAD or SAVE can start are dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/sim_timing.h"

#include "sim_internal.h"

struct tq {
    uint64_t signals, takes;
    uint64_t *give; /* ring of token_queue_depth: give time of signal m at m % depth */
    uint64_t *take; /* ring: start of the instruction making take m at m % depth */
};

struct span {
    uint64_t s, e; /* channel cycles s .. e-1 are booked */
};

/* The DDR channel's booked cycles: spans[lo .. n-1] live, sorted, disjoint, never touching. */
struct ddr_cal {
    struct span *spans;
    size_t lo, n, cap;
};

/* A CONV that may still be in the array's pipeline: its ACT output bytes [lo, hi) (empty
 * without post-processing) and its done cycle. */
struct inflight {
    uint64_t lo, hi, done;
};

struct dpu_timing {
    struct dpu_timing_consts k;
    /* The CONV engine's pipeline: the last CONV's end and pixels (its last tap), and a ring
     * of the last n_fl CONVs, enough to hold every one still in flight (each streams at
     * least one cycle, so those whose done lies after a CONV's first pixel are among the
     * R + C - 1 + D_POST before it). */
    uint64_t conv_end, conv_P, convs;
    struct inflight *fl;
    size_t n_fl;
    uint64_t engine_done[DPU_ENGINE_COUNT];
    struct ddr_cal ddr;
    struct dpu_timing_rec *recs;
    size_t n, cap;
    bool started, ended;
    uint64_t last_dispatch, end_dispatch;
    uint64_t engine_free[DPU_ENGINE_COUNT];
    uint64_t engine_count[DPU_ENGINE_COUNT];
    uint64_t *heads[DPU_ENGINE_COUNT]; /* ring of insn_queue_depth head times */
    struct tq q[DPU_ENGINE_COUNT][DPU_ENGINE_COUNT];
    struct dpu_timing_totals tot;
};

static uint64_t max64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

static uint64_t min64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

void dpu_timing_destroy(struct dpu_timing *t)
{
    if (!t)
        return;
    for (int a = 0; a < DPU_ENGINE_COUNT; a++) {
        free(t->heads[a]);
        for (int b = 0; b < DPU_ENGINE_COUNT; b++) {
            free(t->q[a][b].give);
            free(t->q[a][b].take);
        }
    }
    free(t->ddr.spans);
    free(t->fl);
    free(t->recs);
    free(t);
}

int dpu_timing_create(const struct dpu_preset *p, struct dpu_timing **out, struct dpu_diag *d)
{
    if (!out)
        return dpu_diag_set(d, DPU_E_INVALID, "dpu_timing_create: no place for the model");
    *out = NULL;
    int err = dpu_preset_check(p, NULL, d);
    if (err)
        return err;
    struct dpu_timing *t = calloc(1, sizeof *t);
    if (!t)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for the timing model");
    dpu_timing_consts_of(p, &t->k);
    t->n_fl = (size_t)t->k.R + t->k.C + t->k.d_post;
    t->fl = calloc(t->n_fl, sizeof *t->fl);
    if (!t->fl)
        goto nomem;
    for (int a = 0; a < DPU_ENGINE_COUNT; a++) {
        t->heads[a] = calloc(t->k.q_insn, sizeof *t->heads[a]);
        if (!t->heads[a])
            goto nomem;
        for (int b = 0; b < DPU_ENGINE_COUNT; b++) {
            t->q[a][b].give = calloc(t->k.q_token, sizeof(uint64_t));
            t->q[a][b].take = calloc(t->k.q_token, sizeof(uint64_t));
            if (!t->q[a][b].give || !t->q[a][b].take)
                goto nomem;
        }
    }
    *out = t;
    return DPU_OK;
nomem:
    dpu_timing_destroy(t);
    return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for the timing model");
}

const struct dpu_timing_consts *dpu_timing_consts(const struct dpu_timing *t)
{
    return &t->k;
}

int dpu_timing_begin(struct dpu_timing *t, size_t count, struct dpu_diag *d)
{
    if (count > t->cap) {
        struct dpu_timing_rec *r = realloc(t->recs, count * sizeof *r);
        if (!r)
            return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for %zu timing records", count);
        t->recs = r;
        t->cap = count;
    }
    t->n = 0;
    t->started = t->ended = false;
    t->last_dispatch = t->end_dispatch = 0;
    memset(t->engine_free, 0, sizeof t->engine_free);
    memset(t->engine_count, 0, sizeof t->engine_count);
    memset(t->engine_done, 0, sizeof t->engine_done);
    t->conv_end = t->conv_P = t->convs = 0;
    for (int a = 0; a < DPU_ENGINE_COUNT; a++) {
        for (int b = 0; b < DPU_ENGINE_COUNT; b++) {
            t->q[a][b].signals = 0;
            t->q[a][b].takes = 0;
        }
    }
    memset(&t->tot, 0, sizeof t->tot);
    t->ddr.lo = t->ddr.n = 0;
    return DPU_OK;
}

static int grow(struct dpu_timing *t, struct dpu_diag *d)
{
    size_t cap = t->cap ? 2 * t->cap : 64;
    struct dpu_timing_rec *r = realloc(t->recs, cap * sizeof *r);
    if (!r)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for %zu timing records", cap);
    t->recs = r;
    t->cap = cap;
    return DPU_OK;
}

/* Makes room for one more span at index i (live spans from i on move up by one). */
static int cal_insert(struct ddr_cal *c, size_t i, uint64_t s, uint64_t e, struct dpu_diag *d)
{
    if (c->lo > 0 && c->lo * 2 >= c->n) { /* compact: most of the array is dead */
        memmove(c->spans, c->spans + c->lo, (c->n - c->lo) * sizeof *c->spans);
        c->n -= c->lo;
        i -= c->lo;
        c->lo = 0;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        struct span *sp = realloc(c->spans, cap * sizeof *sp);
        if (!sp)
            return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for the DDR channel calendar");
        c->spans = sp;
        c->cap = cap;
    }
    memmove(c->spans + i + 1, c->spans + i, (c->n - i) * sizeof *c->spans);
    c->spans[i] = (struct span){s, e};
    c->n++;
    return DPU_OK;
}

static void cal_remove(struct ddr_cal *c, size_t i)
{
    memmove(c->spans + i, c->spans + i + 1, (c->n - i - 1) * sizeof *c->spans);
    c->n--;
}

/* Books the first `work` free channel cycles at or after `ready`; *finish = the cycle after
 * the last one. A piece that fills a gap joins the spans on both sides of it. */
static int cal_book(struct ddr_cal *c, uint64_t ready, uint64_t work, uint64_t *finish,
                    struct dpu_diag *d)
{
    *finish = ready;
    if (!work)
        return DPU_OK;
    size_t a = c->lo, b = c->n; /* the first live span ending after ready */
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (c->spans[m].e <= ready)
            a = m + 1;
        else
            b = m;
    }
    size_t i = a;
    uint64_t t = ready;
    for (;;) {
        if (i < c->n && c->spans[i].s <= t) { /* t is booked: go to the end of its span */
            t = c->spans[i].e;
            i++;
            continue;
        }
        /* Cycles t .. (span i's start, or forever) - 1 are free. */
        bool joins_prev = i > c->lo && c->spans[i - 1].e == t;
        if (i == c->n || c->spans[i].s - t > work) { /* the rest fits before span i */
            *finish = t + work;
            if (joins_prev) {
                c->spans[i - 1].e = t + work;
                return DPU_OK;
            }
            return cal_insert(c, i, t, t + work, d);
        }
        uint64_t gap = c->spans[i].s - t;
        work -= gap;
        *finish = c->spans[i].s;
        if (joins_prev) { /* span i-1, the gap and span i become one */
            c->spans[i - 1].e = c->spans[i].e;
            cal_remove(c, i);
            i--;
        } else {
            c->spans[i].s = t;
        }
        if (!work)
            return DPU_OK;
        t = c->spans[i].e;
        i++;
    }
}

/* Forgets the spans that end before `floor`, the earliest cycle any later LOAD or SAVE can
 * book. */
static void cal_prune(struct ddr_cal *c, uint64_t floor)
{
    while (c->lo < c->n && c->spans[c->lo].e <= floor)
        c->lo++;
}

/* The ACT bytes a CONV reads, [*lo, *hi): the box of its input pixels (isa.md, CONV), as
 * the engine's interlock compares them (one range, not the exact pixels). */
static void conv_in_range(const struct dpu_timing *t, const dpu_insn *in, uint64_t *lo,
                          uint64_t *hi)
{
    uint64_t ey = (dpu_conv_get_oh(in) - 1) * dpu_conv_get_stride_h(in) +
                  (dpu_conv_get_kh(in) - 1) * dpu_conv_get_dil_h(in);
    uint64_t ex = (dpu_conv_get_ow(in) - 1) * dpu_conv_get_stride_w(in) +
                  (dpu_conv_get_kw(in) - 1) * dpu_conv_get_dil_w(in);
    *lo = dpu_conv_get_act_addr(in);
    *hi =
        *lo + ey * dpu_conv_get_act_row_stride(in) + ex * dpu_conv_get_act_col_stride(in) + t->k.R;
}

/* The cycle CONV in's first pixel enters the array, given its start: after its first tap's
 * preload, after the previous CONV's last pixel, and after every in-flight CONV whose
 * post-processing writes ACT bytes it reads has written them (the RAW interlock). */
static uint64_t conv_first(const struct dpu_timing *t, const dpu_insn *in, uint64_t start)
{
    uint64_t first = max64(start + t->k.R, t->conv_end), lo, hi;
    conv_in_range(t, in, &lo, &hi);
    uint64_t n = t->convs < t->n_fl ? t->convs : t->n_fl;
    for (uint64_t j = 0; j < n; j++) {
        const struct inflight *f = &t->fl[(t->convs - 1 - j) % t->n_fl];
        if (f->lo < hi && lo < f->hi)
            first = max64(first, f->done);
    }
    return first;
}

/* Remembers CONV in (done at `done`) as possibly in flight for the later ones. */
static void conv_retire(struct dpu_timing *t, const dpu_insn *in, uint64_t end, uint64_t done)
{
    struct inflight *f = &t->fl[t->convs % t->n_fl];
    uint64_t P = dpu_conv_get_oh(in) * dpu_conv_get_ow(in);
    f->lo = f->hi = 0;
    if (dpu_conv_get_post(in)) {
        f->lo = dpu_conv_get_out_addr(in);
        f->hi = f->lo + (P - 1) * dpu_conv_get_out_pstride(in) + t->k.C;
    }
    f->done = done;
    t->convs++;
    t->conv_end = end;
    t->conv_P = P;
}

/* Fetch: the cycle at whose end instruction number n of engine e (or END) is dispatched. */
static uint64_t dispatch(struct dpu_timing *t, int e)
{
    uint64_t at = t->started ? t->last_dispatch + 1 : 0;
    uint64_t earliest = at;
    if (e != DPU_ENGINE_CTRL) {
        uint64_t n = t->engine_count[e];
        if (n >= t->k.q_insn) /* the queue is full until its oldest occupant leaves */
            at = max64(at, t->heads[e][n % t->k.q_insn]);
    }
    t->tot.fetch_stall += at - earliest;
    t->started = true;
    t->last_dispatch = at;
    return at;
}

int dpu_timing_insn(struct dpu_timing *t, const dpu_insn *in, struct dpu_diag *d)
{
    if (t->ended)
        return dpu_diag_set(d, DPU_E_INVALID, "timing: instruction %zu follows END", t->n);
    if (t->n == t->cap && grow(t, d))
        return DPU_E_NOMEM;
    int e = sim_insn_engine(in);
    struct dpu_timing_rec *r = &t->recs[t->n];
    memset(r, 0, sizeof *r);
    r->engine = e;
    dpu_timing_cost_of(&t->k, in, &r->cost);
    r->dispatch = dispatch(t, e);
    if (e == DPU_ENGINE_CTRL) { /* END: dispatched, nothing to execute */
        r->head = r->start = r->end = r->done = r->free = r->dispatch + 1;
        t->ended = true;
        t->end_dispatch = r->dispatch;
        t->n++;
        t->tot.insns++;
        t->tot.cycles = max64(t->tot.cycles, r->dispatch + 1);
        return DPU_OK;
    }
    uint64_t D = t->k.q_token;
    unsigned wait = (unsigned)dpu_insn_get_wait(in), signal = (unsigned)dpu_insn_get_signal(in);
    r->head = max64(r->dispatch + 1, t->engine_free[e]);
    uint64_t start = r->head;
    for (int a = 0; a < DPU_ENGINE_COUNT; a++) {
        if (!(wait >> a & 1))
            continue;
        struct tq *q = &t->q[a][e];
        if (q->takes >= q->signals)
            return dpu_diag_set(d, DPU_E_INVALID,
                                "timing: instruction %zu waits for a token from %s that no "
                                "earlier instruction signalled",
                                t->n, dpu_engine_name(a));
        start = max64(start, q->give[q->takes % D] + t->k.t_token);
    }
    uint64_t end = start + r->cost.cycles, busy_from = start, interlock = 0;
    bool conv = dpu_insn_get_opcode(in) == DPU_OP_CONV;
    if (conv) { /* cycles - R: its streaming, once its first pixel is in */
        uint64_t first = conv_first(t, in, start);
        interlock = first - max64(start + t->k.R, t->conv_end);
        end = first + r->cost.cycles - t->k.R;
        busy_from = max64(start, t->conv_end);
    } else if (e == DPU_ENGINE_LOAD || e == DPU_ENGINE_SAVE) {
        /* The bursts take the first free channel cycles once the latency has passed; LOAD's
         * padding writes follow its last burst. */
        uint64_t finish;
        int err = cal_book(&t->ddr, start + t->k.l_ddr, r->cost.ddr_busy, &finish, d);
        if (err)
            return err;
        end = finish + (r->cost.cycles - t->k.l_ddr - r->cost.ddr_busy);
    }
    for (int a = 0; a < DPU_ENGINE_COUNT; a++) {
        if (wait >> a & 1) {
            struct tq *q = &t->q[a][e];
            q->take[q->takes % D] = start;
            q->takes++;
        }
    }
    r->start = start;
    r->end = end;
    r->interlock = interlock;
    r->busy = end - busy_from - interlock;
    r->ddr_wait = conv ? 0 : end - start - r->cost.cycles;
    r->done = max64(end + r->cost.latency, t->engine_done[e]);
    uint64_t free_at = r->done;
    for (int b = 0; b < DPU_ENGINE_COUNT; b++) {
        if (!(signal >> b & 1))
            continue;
        struct tq *q = &t->q[e][b];
        if (q->signals - q->takes >= D)
            return dpu_diag_set(d, DPU_E_INVALID,
                                "timing: instruction %zu signals %s into a full token queue", t->n,
                                dpu_engine_name(b));
        if (q->signals >= D) /* held until the token `depth` places back has been taken */
            free_at = max64(free_at, q->take[(q->signals - D) % D] + 1);
    }
    for (int b = 0; b < DPU_ENGINE_COUNT; b++) {
        if (signal >> b & 1) {
            struct tq *q = &t->q[e][b];
            q->give[q->signals % D] = free_at;
            q->signals++;
        }
    }
    r->free = free_at;
    t->heads[e][t->engine_count[e] % t->k.q_insn] = r->head;
    t->engine_count[e]++;
    t->engine_done[e] = r->done;
    if (conv)
        conv_retire(t, in, end, r->done);
    if (free_at > r->done) /* a held signal holds the engine */
        t->engine_free[e] = free_at;
    else /* a CONV's successor may preload during its last tap (P pixels) */
        t->engine_free[e] = conv ? end - t->conv_P : end;
    if (e == DPU_ENGINE_LOAD || e == DPU_ENGINE_SAVE) /* no later LOAD/SAVE books before */
        cal_prune(&t->ddr,
                  max64(min64(t->engine_free[DPU_ENGINE_LOAD], t->engine_free[DPU_ENGINE_SAVE]),
                        r->dispatch + 1));

    t->tot.busy[e] += r->busy;
    t->tot.ddr_wait += r->ddr_wait;
    t->tot.stall[e] += (start - r->head) + interlock + (free_at - r->done);
    t->tot.issued_macs += r->cost.issued_macs;
    t->tot.ddr_read += r->cost.ddr_read;
    t->tot.ddr_write += r->cost.ddr_write;
    t->tot.cycles = max64(t->tot.cycles, free_at);
    t->tot.insns++;
    t->n++;
    return DPU_OK;
}

const struct dpu_timing_rec *dpu_timing_records(const struct dpu_timing *t, size_t *n)
{
    *n = t->n;
    return t->recs;
}

void dpu_timing_totals(const struct dpu_timing *t, struct dpu_timing_totals *tot)
{
    *tot = t->tot;
}

/* ---- the simulator's hooks (dpu_sim_run feeds an attached model) ---------------------- */

void dpu_sim_set_timing(struct dpu_sim *s, struct dpu_timing *t)
{
    if (s)
        s->timing = t;
}

void dpu_sim_set_data(struct dpu_sim *s, bool on)
{
    if (s)
        s->no_data = !on;
}
