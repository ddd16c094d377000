/* Pass ddr: a place for every tensor the program touches. Graph inputs go to INPUT and graph
 * outputs to OUTPUT (the caller's buffers, one after the other); everything else shares
 * SCRATCH by liveness.
 *
 * Buffers. A tensor living inside another one (lw_tensor.alias: a view, a Concat input written
 * in place) belongs to the buffer of the tensor at the end of its alias chain, at the summed
 * byte offset. A buffer is live from the first node defining any of its tensors to the last
 * node reading any of them, in execution order (node order: the plan runs its steps in node
 * order, and an accelerator step its nodes in node order). The interval is inclusive at both
 * ends: a node's output never shares bytes with its inputs (a node reads its input band by
 * band while it writes its output). A CPU step runs as one unit, so its inputs count as read
 * at its last node and its outputs as written at its first.
 *
 * Allocation: greedy best fit. Buffers taken in one order, each placed at the 64-byte
 * aligned offset that leaves the smallest gap among the buffers already placed whose
 * lifetimes overlap its own, or above them all; three orders are tried (largest first, by
 * start, by end backwards) and the smallest region kept. Two buffers whose lifetimes overlap
 * never share a byte; the verifier checks that again.
 *
 * Reused bytes add write-after-read and write-after-write pairs between nodes; pass schedule
 * orders them as it orders any two instructions touching the same DDR bytes, and dpusim's
 * race checker holds every program to that (docs/isa.md, ordering rule).
 */
#include <stdlib.h>

#include "lower.h"

struct buf {
    int32_t t; /* root tensor */
    int first, last;
    uint64_t size, off;
};

static int cmp_size_desc(const void *a, const void *b)
{
    const struct buf *x = a, *y = b;
    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return x->t < y->t ? -1 : x->t > y->t;
}

static int cmp_off(const void *a, const void *b)
{
    const struct buf *const *x = a, *const *y = b;
    return (*x)->off < (*y)->off ? -1 : (*x)->off > (*y)->off;
}

/* Root of t's alias chain, and t's byte offset in it. */
static int32_t root_of(const struct lw_ctx *c, int32_t t, uint64_t *off)
{
    uint64_t o = 0;
    for (size_t hops = 0; c->tensors[t].alias >= 0; hops++) {
        if (hops > c->g->ntensors)
            lw_ice(c, "tensor '%s': alias chain has a cycle", c->g->tensors[t].name);
        o += c->tensors[t].alias_off;
        t = c->tensors[t].alias;
    }
    if (off)
        *off = o;
    return t;
}

static bool placed(const struct lw_tensor *lt)
{
    return !lt->is_const && !lt->resident && (lt->in_prog || lt->accel || lt->alias >= 0);
}

/* Lifetimes of every placed tensor, in node positions. */
static void lifetimes(struct lw_ctx *c)
{
    const struct dpu_graph *g = c->g;
    for (size_t t = 0; t < g->ntensors; t++) {
        struct lw_tensor *lt = &c->tensors[t];
        lt->live_first = lt->producer >= 0 ? lt->producer : 0;
        lt->live_last = lt->live_first;
    }
    for (size_t n = 0; n < g->nnodes; n++) {
        const struct dpu_gnode *gn = &g->nodes[n];
        const struct lw_step *st = &c->steps[c->nodes[n].step];
        int rd = st->accel ? (int)n : (int)st->last, wr = st->accel ? (int)n : (int)st->first;
        for (size_t k = 0; k < gn->ninputs; k++) {
            int32_t t = gn->inputs[k];
            if (t >= 0 && c->tensors[t].live_last < rd)
                c->tensors[t].live_last = rd;
        }
        for (size_t k = 0; k < gn->noutputs; k++) {
            int32_t t = gn->outputs[k];
            if (t >= 0 && c->tensors[t].live_first > wr)
                c->tensors[t].live_first = wr;
        }
    }
    /* Graph outputs are read by the caller after the last node. */
    for (size_t t = 0; t < g->ntensors; t++)
        if (c->tensors[t].graph_out)
            c->tensors[t].live_last = (int)g->nnodes;
}

static uint64_t footprint(struct lw_ctx *c, size_t t, int *err)
{
    const struct dpu_gtensor *gt = &c->g->tensors[t];
    const struct lw_tensor *lt = &c->tensors[t];
    struct dpu_prog_tensor pt = {0};
    lw_prog_tensor_shape(c, t, &pt);
    int64_t size = dpu_prog_tensor_footprint(&pt);
    if (size < 0)
        *err = dpu_diag_set(c->d, DPU_E_RANGE, "tensor '%s': no valid layout (%s)", gt->name,
                            dpu_prog_layout_name(lt->layout));
    return size < 0 ? 0 : (uint64_t)size;
}

static int cmp_start(const void *a, const void *b)
{
    const struct buf *x = a, *y = b;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return cmp_size_desc(a, b);
}

static int cmp_last_desc(const void *a, const void *b)
{
    const struct buf *x = a, *y = b;
    if (x->last != y->last)
        return x->last > y->last ? -1 : 1;
    return cmp_size_desc(a, b);
}

/* Best-fit placement of b[0..nb) in their current order; returns the region's size. */
static uint64_t place_all(struct buf *b, size_t nb, struct buf **live)
{
    uint64_t top = 0;
    for (size_t i = 0; i < nb; i++) {
        size_t nl = 0;
        for (size_t j = 0; j < i; j++)
            if (b[j].first <= b[i].last && b[i].first <= b[j].last)
                live[nl++] = &b[j];
        qsort(live, nl, sizeof *live, cmp_off);
        uint64_t need = lw_round_up(b[i].size, 64), at = 0, best = UINT64_MAX, best_gap = 0;
        for (size_t j = 0; j < nl; j++) {
            if (live[j]->off >= at + need && (best == UINT64_MAX || live[j]->off - at < best_gap))
                best = at, best_gap = live[j]->off - at;
            uint64_t end = lw_round_up(live[j]->off + live[j]->size, 64);
            if (end > at)
                at = end;
        }
        b[i].off = best != UINT64_MAX ? best : at;
        if (b[i].off + b[i].size > top)
            top = b[i].off + b[i].size;
    }
    return top;
}

/* Places the SCRATCH buffers; returns the region's size. Greedy best fit in three orders
 * (largest first, the usual winner on branching graphs; execution order; and reverse
 * execution order, which packs chains of growing tensors), the smallest result kept.
 * Deterministic: the sorts break every tie. */
static uint64_t allocate(struct lw_ctx *c, struct buf *b, size_t nb)
{
    int (*const orders[])(const void *, const void *) = {cmp_size_desc, cmp_start, cmp_last_desc};
    struct buf **live = malloc(sizeof *live * (nb ? nb : 1));
    if (!live)
        lw_ice(c, "out of memory planning %zu buffers", nb);
    size_t best = 0;
    uint64_t best_top = UINT64_MAX;
    for (size_t k = 0; k < sizeof orders / sizeof orders[0]; k++) {
        qsort(b, nb, sizeof *b, orders[k]);
        uint64_t top = place_all(b, nb, live);
        if (top < best_top)
            best_top = top, best = k;
    }
    qsort(b, nb, sizeof *b, orders[best]);
    place_all(b, nb, live);
    free(live);
    return best_top;
}

int lw_pass_ddr(struct lw_ctx *c)
{
    const struct dpu_graph *g = c->g;
    int err = 0;
    lifetimes(c);
    for (size_t t = 0; t < g->ntensors && !err; t++)
        if (placed(&c->tensors[t]))
            c->tensors[t].size = footprint(c, t, &err);
    if (err)
        return err;
    /* Roots: a buffer each, live over the union of its members' lifetimes. */
    struct buf *b = calloc(g->ntensors ? g->ntensors : 1, sizeof *b);
    int32_t *slot = malloc(sizeof *slot * (g->ntensors ? g->ntensors : 1));
    if (!b || !slot) {
        free(b);
        free(slot);
        return dpu_diag_set(c->d, DPU_E_NOMEM, "out of memory");
    }
    size_t nb = 0;
    for (size_t t = 0; t < g->ntensors; t++) {
        slot[t] = -1;
        struct lw_tensor *lt = &c->tensors[t];
        if (!placed(lt) || lt->alias >= 0)
            continue;
        lt->region = lt->graph_in    ? DPU_REGION_INPUT
                     : lt->graph_out ? DPU_REGION_OUTPUT
                                     : DPU_REGION_SCRATCH;
        if (lt->region != DPU_REGION_SCRATCH) {
            lt->off = lw_round_up(c->region_size[lt->region], 64);
            c->region_size[lt->region] = lt->off + lt->size;
            continue;
        }
        slot[t] = (int32_t)nb;
        b[nb++] = (struct buf){(int32_t)t, lt->live_first, lt->live_last, lt->size, 0};
    }
    for (size_t t = 0; t < g->ntensors; t++) {
        const struct lw_tensor *lt = &c->tensors[t];
        if (!placed(lt) || lt->alias < 0)
            continue;
        int32_t r = root_of(c, (int32_t)t, NULL);
        if (slot[r] < 0)
            continue; /* INPUT or OUTPUT: placed already, whole lifetime */
        struct buf *rb = &b[slot[r]];
        if (lt->live_first < rb->first)
            rb->first = lt->live_first;
        if (lt->live_last > rb->last)
            rb->last = lt->live_last;
    }
    c->region_size[DPU_REGION_SCRATCH] = allocate(c, b, nb);
    for (size_t i = 0; i < nb; i++) {
        struct lw_tensor *lt = &c->tensors[b[i].t];
        lt->off = b[i].off;
        lt->live_first = b[i].first;
        lt->live_last = b[i].last;
    }
    /* Members: inside their root. */
    for (size_t t = 0; t < g->ntensors; t++) {
        struct lw_tensor *lt = &c->tensors[t];
        if (!placed(lt) || lt->alias < 0)
            continue;
        uint64_t o;
        const struct lw_tensor *rt = &c->tensors[root_of(c, (int32_t)t, &o)];
        if (o > rt->size)
            lw_ice(c, "tensor '%s' starts outside the tensor it lives in", g->tensors[t].name);
        lt->region = rt->region;
        lt->off = rt->off + o;
        lt->size = rt->size - o;
        lt->live_first = rt->live_first;
        lt->live_last = rt->live_last;
    }
    free(b);
    free(slot);
    return 0;
}
