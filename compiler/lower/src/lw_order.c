/* Stream order: isel emits layer after layer, and each engine runs its instructions in stream
 * order, so a layer's LOADs cannot start before the previous layer's last LOAD has been issued
 * even when the engine is idle and the data is there (a depthwise layer on MISC and the 1x1
 * convolution after it on CONV would otherwise run one after the other). Before pass schedule
 * derives the tokens, each accelerator step's instructions are put into the order of a list
 * schedule:
 *
 * - Dependencies are every pair of instructions whose access extents (lw_accesses) overlap
 *   with at least one writing, in the original order. Any order that keeps those pairs in
 *   their original order computes exactly the same bytes (docs/isa.md, ordering rule).
 * - Each instruction costs what the timing model says it costs alone (dpu_timing_cost_of).
 *   Repeatedly, the ready instruction (all its predecessors placed) that can start earliest on
 *   its engine is placed next, ties going to the earlier one in the original order. Starts
 *   never decrease, so the placement order is the new stream order, and every predecessor
 *   comes before its successors.
 * - The original order is estimated the same way (each engine in stream order); the new order
 *   is kept only when its estimate is shorter.
 *
 * Extents over-approximate the bytes touched, which only adds dependencies. Steps with a SYNC
 * or more than ORDER_MAX instructions keep their order: dependencies are found by comparing
 * each access with the live accesses of its space, quadratic in the worst case. */
#include <stdlib.h>
#include <string.h>

#include "dpu/sim_timing.h"
#include "lower.h"

#define ORDER_MAX 16384
#define NE        DPU_ENGINE_COUNT

struct rec {
    uint64_t lo, hi;
    uint32_t idx;
    bool write;
};

struct vec {
    void *v;
    size_t n, cap;
};

static void *push(const struct lw_ctx *c, struct vec *a, size_t elem)
{
    if (a->n == a->cap) {
        size_t nc = a->cap ? 2 * a->cap : 64;
        void *q = realloc(a->v, nc * elem);
        if (!q)
            lw_ice(c, "out of memory ordering the stream");
        a->v = q, a->cap = nc;
    }
    return (char *)a->v + elem * a->n++;
}

struct graph {
    size_t m;
    uint32_t *npred, *succ_first, *succ; /* CSR successors */
    uint64_t *dur;
    uint64_t *ddr; /* cycles of the shared DDR channel a LOAD or SAVE holds (after its latency) */
    uint64_t lat;  /* the DDR latency */
    int *eng;
};

/* Dependency edges of the m instructions at ins (original order). */
static void build_edges(const struct lw_ctx *c, const struct lw_insn *ins, size_t m,
                        struct graph *g)
{
    struct vec sp[LW_SP_COUNT];
    memset(sp, 0, sizeof sp);
    struct vec edges = {0}; /* pairs (pred, succ) */
    uint32_t *stamp = malloc(m * sizeof *stamp);
    if (!stamp)
        lw_ice(c, "out of memory ordering the stream");
    for (size_t j = 0; j < m; j++)
        stamp[j] = UINT32_MAX;
    for (size_t j = 0; j < m; j++) {
        struct lw_acc a[8];
        int na = lw_accesses(c, &ins[j].in, a);
        for (int t = 0; t < na; t++) {
            struct vec *s = &sp[a[t].space];
            struct rec *r = s->v;
            for (size_t q = 0; q < s->n; q++) {
                if (r[q].hi <= a[t].lo || a[t].hi <= r[q].lo || !(r[q].write || a[t].write))
                    continue;
                if (stamp[r[q].idx] == j)
                    continue; /* edge already there */
                stamp[r[q].idx] = (uint32_t)j;
                uint32_t *e = push(c, &edges, 2 * sizeof *e);
                e[0] = r[q].idx, e[1] = (uint32_t)j;
            }
        }
        for (int t = 0; t < na; t++) {
            struct vec *s = &sp[a[t].space];
            if (a[t].hi <= a[t].lo)
                continue;
            if (a[t].write) { /* earlier accesses inside it are ordered before j: drop them */
                struct rec *r = s->v;
                size_t k = 0;
                for (size_t q = 0; q < s->n; q++)
                    if (!(a[t].lo <= r[q].lo && r[q].hi <= a[t].hi))
                        r[k++] = r[q];
                s->n = k;
            }
            struct rec *nr = push(c, s, sizeof *nr);
            *nr = (struct rec){a[t].lo, a[t].hi, (uint32_t)j, a[t].write};
        }
    }
    size_t ne = edges.n;
    uint32_t *ev = edges.v;
    g->m = m;
    g->npred = calloc(m, sizeof *g->npred);
    g->succ_first = calloc(m + 1, sizeof *g->succ_first);
    g->succ = malloc((ne ? ne : 1) * sizeof *g->succ);
    if (!g->npred || !g->succ_first || !g->succ)
        lw_ice(c, "out of memory ordering the stream");
    for (size_t e = 0; e < ne; e++)
        g->succ_first[ev[2 * e] + 1]++, g->npred[ev[2 * e + 1]]++;
    for (size_t j = 0; j < m; j++)
        g->succ_first[j + 1] += g->succ_first[j];
    uint32_t *fill = malloc((m ? m : 1) * sizeof *fill);
    if (!fill)
        lw_ice(c, "out of memory ordering the stream");
    memcpy(fill, g->succ_first, m * sizeof *fill);
    for (size_t e = 0; e < ne; e++) /* edges are in increasing succ order per pred */
        g->succ[fill[ev[2 * e]]++] = ev[2 * e + 1];
    free(fill);
    free(edges.v);
    free(stamp);
    for (int s = 0; s < LW_SP_COUNT; s++)
        free(sp[s].v);
}

/* The earliest start of j on its engine: after its predecessors (ready), the engine's last
 * instruction, and, for LOAD and SAVE, the channel's last transfer (its data flows after the
 * latency, when the channel is free). */
static uint64_t start_of(const struct graph *g, uint32_t j, uint64_t ready, const uint64_t *free_at,
                         uint64_t ddr_free)
{
    uint64_t s = ready > free_at[g->eng[j]] ? ready : free_at[g->eng[j]];
    if (g->ddr[j] && ddr_free > s + g->lat)
        s = ddr_free - g->lat;
    return s;
}

/* Estimated time of the original order: each engine in stream order, each instruction after
 * its predecessors. */
static uint64_t estimate_original(const struct graph *g, uint64_t *end)
{
    uint64_t free_at[NE] = {0}, t = 0, ddr_free = 0;
    for (size_t j = 0; j < g->m; j++)
        end[j] = 0;
    uint64_t *ready = calloc(g->m ? g->m : 1, sizeof *ready);
    for (size_t j = 0; j < g->m; j++) {
        uint64_t s = start_of(g, (uint32_t)j, ready[j], free_at, ddr_free);
        end[j] = s + g->dur[j];
        if (g->ddr[j])
            ddr_free = s + g->lat + g->ddr[j];
        free_at[g->eng[j]] = end[j];
        t = end[j] > t ? end[j] : t;
        for (uint32_t k = g->succ_first[j]; k < g->succ_first[j + 1]; k++)
            if (ready[g->succ[k]] < end[j])
                ready[g->succ[k]] = end[j];
    }
    free(ready);
    return t;
}

/* The list schedule: order[] receives the original indices in the new order. */
static uint64_t list_schedule(const struct lw_ctx *c, const struct graph *g, uint32_t *order)
{
    size_t m = g->m;
    uint64_t *ready = calloc(m ? m : 1, sizeof *ready);
    uint32_t *left = malloc((m ? m : 1) * sizeof *left);
    struct vec rl[NE];
    memset(rl, 0, sizeof rl);
    if (!ready || !left)
        lw_ice(c, "out of memory ordering the stream");
    memcpy(left, g->npred, m * sizeof *left);
    uint64_t *prio = calloc(m ? m : 1, sizeof *prio); /* longest path to the end */
    for (size_t j = m; j-- > 0;) {
        uint64_t b = 0;
        for (uint32_t k = g->succ_first[j]; k < g->succ_first[j + 1]; k++)
            b = prio[g->succ[k]] > b ? prio[g->succ[k]] : b;
        prio[j] = b + g->dur[j];
    }
    for (size_t j = 0; j < m; j++)
        if (!left[j])
            *(uint32_t *)push(c, &rl[g->eng[j]], sizeof(uint32_t)) = (uint32_t)j;
    uint64_t free_at[NE] = {0}, t = 0, ddr_free = 0;
    for (size_t placed = 0; placed < m; placed++) {
        int be = -1;
        size_t bq = 0;
        uint64_t bs = UINT64_MAX;
        uint32_t bi = UINT32_MAX;
        for (int e = 0; e < NE; e++) {
            const uint32_t *r = rl[e].v;
            if (!rl[e].n)
                continue;
            size_t q0 = 0; /* the engine's most critical ready instruction */
            for (size_t q = 1; q < rl[e].n; q++)
                if (prio[r[q]] > prio[r[q0]] || (prio[r[q]] == prio[r[q0]] && r[q] < r[q0]))
                    q0 = q;
            uint64_t s0 = start_of(g, r[q0], ready[r[q0]], free_at, ddr_free);
            size_t pq = q0;
            uint64_t ps = s0;
            for (size_t q = 0; q < rl[e].n; q++) { /* one that ends before it can start */
                uint64_t s = start_of(g, r[q], ready[r[q]], free_at, ddr_free);
                if (q != q0 && s + g->dur[r[q]] <= s0 && (s < ps || (s == ps && r[q] < r[pq])))
                    ps = s, pq = q;
            }
            if (ps < bs || (ps == bs && r[pq] < bi))
                bs = ps, bi = r[pq], be = e, bq = pq;
        }
        if (be < 0)
            lw_ice(c, "the dependency graph of the stream has a cycle");
        uint32_t *r = rl[be].v;
        r[bq] = r[--rl[be].n];
        order[placed] = bi;
        uint64_t end = bs + g->dur[bi];
        free_at[be] = end;
        if (g->ddr[bi])
            ddr_free = bs + g->lat + g->ddr[bi];
        t = end > t ? end : t;
        for (uint32_t k = g->succ_first[bi]; k < g->succ_first[bi + 1]; k++) {
            uint32_t s = g->succ[k];
            if (ready[s] < end)
                ready[s] = end;
            if (--left[s] == 0)
                *(uint32_t *)push(c, &rl[g->eng[s]], sizeof(uint32_t)) = s;
        }
    }
    free(ready);
    free(left);
    free(prio);
    for (int e = 0; e < NE; e++)
        free(rl[e].v);
    return t;
}

static void order_segment(struct lw_ctx *c, const struct dpu_timing_consts *k, size_t first,
                          size_t m)
{
    struct lw_insn *ins = c->insns + first;
    struct graph g = {0};
    g.dur = malloc(m * sizeof *g.dur);
    g.eng = malloc(m * sizeof *g.eng);
    g.ddr = malloc(m * sizeof *g.ddr);
    g.lat = k->l_ddr;
    uint32_t *order = malloc(m * sizeof *order);
    uint64_t *end = malloc(m * sizeof *end);
    struct lw_insn *tmp = malloc(m * sizeof *tmp);
    if (!g.dur || !g.eng || !g.ddr || !order || !end || !tmp)
        lw_ice(c, "out of memory ordering the stream");
    for (size_t j = 0; j < m; j++) {
        struct dpu_timing_cost cost;
        dpu_timing_cost_of(k, &ins[j].in, &cost);
        /* A CONV's latency is included: its successors on other engines wait for it. */
        g.dur[j] = cost.cycles + cost.latency ? cost.cycles + cost.latency : 1;
        g.ddr[j] = cost.ddr_busy;
        g.eng[j] = lw_engine_of(&ins[j].in);
    }
    build_edges(c, ins, m, &g);
    uint64_t before = estimate_original(&g, end);
    uint64_t after = list_schedule(c, &g, order);
    if (after < before) {
        for (size_t j = 0; j < m; j++)
            tmp[j] = ins[order[j]];
        memcpy(ins, tmp, m * sizeof *tmp);
    }
    free(g.npred);
    free(g.succ_first);
    free(g.succ);
    free(g.dur);
    free(g.eng);
    free(g.ddr);
    free(order);
    free(end);
    free(tmp);
}

/* Each node's insn_first/insn_count: from its first to its last instruction. */
static void node_spans(struct lw_ctx *c)
{
    for (size_t n = 0; n < c->g->nnodes; n++)
        c->nodes[n].insn_count = 0;
    for (size_t i = 0; i < c->ninsns; i++) {
        int n = c->insns[i].node;
        if (n < 0)
            continue;
        struct lw_node *ln = &c->nodes[n];
        if (!ln->insn_count)
            ln->insn_first = i;
        ln->insn_count = i - ln->insn_first + 1;
    }
}

void lw_order(struct lw_ctx *c)
{
    for (size_t t = 0; t < c->nsteps; t++) {
        const struct lw_step *st = &c->steps[t];
        if (!st->accel || st->insn_count < 3 || st->insn_count - 1 > ORDER_MAX)
            continue;
        size_t m = st->insn_count - 1; /* END stays last */
        bool plain = true;
        for (size_t j = 0; j < m && plain; j++)
            plain = lw_engine_of(&c->insns[st->insn_first + j].in) >= 0 &&
                    dpu_insn_get_opcode(&c->insns[st->insn_first + j].in) != DPU_OP_SYNC;
        if (plain)
            order_segment(c, &c->tk, st->insn_first, m);
    }
    node_spans(c);
}
