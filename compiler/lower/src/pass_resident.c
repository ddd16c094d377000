/* Pass resident: activation tensors kept whole in ACT instead of going through DDR.
 *
 * A tensor produced by a CONV or DW node and read only by CONV or DW nodes of the same
 * accelerator step (a convolution's input, read where it lives, or a fused Add's other
 * operand) can live in ACT from its producer to its last reader: the producer's output tiles
 * are written straight into it (no SAVE), the readers read their bands straight out of it
 * (no LOAD). What a reader needs:
 *
 *   - a CONV: its input without padding (a border would have to be stored), read either by
 *     the flat 1x1 form at stride 1 (a band is a run of whole rows) or by windows (rows
 *     W pixels apart); not packed (packing gathers columns by LOAD);
 *   - a DW: any padding, as DWCONV's implicit padding (docs/isa.md, DWCONV);
 *   - a fused Add's operand, or the output of a conv with a fused Add: the ELTW runs over a
 *     tile as one byte run, so the tensor's pixel stride must be the conv's output pixel.
 *
 * The tensor's pixel stride is the widest of its producer's output pixel and its readers'
 * input pixels (R-aligned), so each reads and writes whole pixels with its own lanes; lanes
 * beyond the channels meet zero weights or are never saved, as with LOAD and SAVE.
 *
 * Allocation, greedy by the DDR bytes saved (largest first): resident tensors take ACT from the top
 * down, each at the highest offset that stays clear of the resident tensors live at the same time
 * and above the tile buffers of every node running meanwhile (lw_tile_act_bytes, with the residency
 * chosen so far); a tensor that does not fit stays in DDR. Nodes running between producer and last
 * reader must place all their ACT bytes in [0, act_cap): only CONV and DW nodes (ring placement
 * below act_cap) and nodes without instructions may run meanwhile. Order between the producer's
 * writes, the readers' reads and later reuse of the bytes comes from pass schedule, which derives
 * tokens from the bytes each instruction touches.
 */
#include <stdlib.h>

#include "lower.h"

struct res {
    int32_t t;
    int first, last;
    uint64_t off, size;
};

struct cand {
    int32_t t;
    int first, last, readers;
    uint64_t ps, size, saved;
};

static int cmp_saved(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->saved != y->saved)
        return x->saved > y->saved ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* The conv running Add node a as its fused Add, -1 when a is not fused. */
static int fusing_conv(const struct lw_ctx *c, size_t a)
{
    if (c->nodes[a].kind != LW_ELTW || !c->nodes[a].fused)
        return -1;
    for (size_t n = 0; n < c->g->nnodes; n++)
        if (c->nodes[n].kind == LW_CONV && c->nodes[n].fuse_add && c->nodes[n].add_node == (int)a)
            return (int)n;
    return -1;
}

/* Can tensor t live in ACT as far as its producer and readers go? Sets its pixel stride and
 * lifetime. */
static bool candidate(const struct lw_ctx *c, int32_t t, uint64_t *ps, int *first, int *last,
                      int *nreaders)
{
    const struct dpu_graph *g = c->g;
    const struct lw_tensor *lt = &c->tensors[t];
    const struct dpu_gtensor *gt = &g->tensors[t];
    if (lt->is_const || !lt->accel || lt->graph_in || lt->graph_out || lt->alias >= 0 ||
        lt->in_place || gt->rank != 4 || lt->producer < 0)
        return false;
    for (size_t u = 0; u < g->ntensors; u++)
        if (c->tensors[u].alias == t)
            return false;
    int p = lt->producer;
    const struct lw_node *pn = &c->nodes[p];
    uint64_t pix, opix;
    if (pn->kind == LW_CONV) {
        /* the conv's own output when its Add is fused is never stored at all */
        if (pn->fuse_add && g->nodes[pn->add_node].outputs[0] != t)
            return false;
        if (g->nodes[p].outputs[0] != t && !pn->fuse_add)
            return false;
    } else if (pn->kind != LW_DW || g->nodes[p].outputs[0] != t) {
        return false;
    }
    lw_tile_pix(c, (size_t)p, &pix, &opix);
    uint64_t want = opix; /* a fused ELTW's byte run needs exactly this stride */
    bool exact = pn->kind == LW_CONV && pn->fuse_add;
    if (pn->kind == LW_CONV && pn->pair) /* two pixels of M bytes per tile pixel (lw_pair.c) */
        want = opix = (uint64_t)pn->g1.M, exact = true;
    *ps = opix, *first = p, *last = p;
    int readers = 0;
    for (size_t n = 0; n < g->nnodes; n++) {
        const struct dpu_gnode *gn = &g->nodes[n];
        for (size_t k = 0; k < gn->ninputs; k++) {
            if (gn->inputs[k] != t)
                continue;
            const struct lw_node *ln = &c->nodes[n];
            if (ln->step != pn->step)
                return false;
            int r = (int)n;
            if (ln->kind == LW_ELTW && ln->fused) { /* the skip of a fused Add */
                int f = fusing_conv(c, n);
                if (f < 0)
                    return false;
                uint64_t fp, fo;
                lw_tile_pix(c, (size_t)f, &fp, &fo);
                if (exact && fo != want)
                    return false;
                exact = true, want = fo;
                if (fo > *ps)
                    *ps = fo;
                r = f > r ? f : r;
            } else if (k != 0) {
                return false;
            } else if (ln->kind == LW_CONV) {
                const struct lw_geom *lg = &ln->g;
                bool pads = lg->top || lg->left || lg->bottom || lg->right;
                if (ln->pack || (ln->flat && (lg->sh != 1 || lg->sw != 1)) || (!ln->flat && pads))
                    return false;
                lw_tile_pix(c, n, &pix, &opix);
                if (pix > *ps)
                    *ps = pix;
            } else if (ln->kind == LW_DW) {
                lw_tile_pix(c, n, &pix, &opix);
                if (pix > *ps)
                    *ps = pix;
            } else {
                return false;
            }
            readers++;
            if (r > *last)
                *last = r;
        }
    }
    *ps = lw_round_up(*ps, c->R);
    *nreaders = readers;
    if (!readers || (exact && *ps != want))
        return false;
    /* Everything running meanwhile keeps its ACT bytes below act_cap. */
    for (int n = *first + 1; n < *last; n++) {
        enum lw_kind k = c->nodes[n].kind;
        if (!(k == LW_CONV || k == LW_DW || k == LW_VIEW || (k == LW_ELTW && c->nodes[n].fused)))
            return false;
    }
    return true;
}

static bool tiled(const struct lw_ctx *c, int n)
{
    return c->nodes[n].kind == LW_CONV || c->nodes[n].kind == LW_DW;
}

/* The highest R-aligned offset for size bytes living over [first, last]: clear of the
 * resident tensors r[0..nr) live meanwhile and at least floor; UINT64_MAX when none. */
static uint64_t fit(const struct lw_ctx *c, const struct res *r, size_t nr, int first, int last,
                    uint64_t size, uint64_t floor)
{
    uint64_t act = c->p->act_buf_bytes, best = UINT64_MAX;
    if (size > act)
        return best;
    /* Candidate tops: the top of ACT and the bottom of each resident tensor. */
    for (size_t i = 0; i <= nr; i++) {
        uint64_t top = i == nr ? act : r[i].off;
        if (i < nr && (r[i].last < first || last < r[i].first))
            continue;
        if (top < size)
            continue;
        uint64_t at = (top - size) / c->R * c->R;
        if (at < floor || (best != UINT64_MAX && at <= best))
            continue;
        bool clear = true;
        for (size_t j = 0; j < nr && clear; j++)
            if (r[j].first <= last && first <= r[j].last && r[j].off < at + size &&
                at < r[j].off + r[j].size)
                clear = false;
        if (clear)
            best = at;
    }
    return best;
}

int lw_pass_resident(struct lw_ctx *c)
{
    const struct dpu_graph *g = c->g;
    struct res *r = calloc(g->ntensors ? g->ntensors : 1, sizeof *r);
    if (!r)
        return dpu_diag_set(c->d, DPU_E_NOMEM, "out of memory");
    size_t nr = 0;
    for (size_t t = 0; t < g->ntensors; t++)
        c->tensors[t].resident = false;
    /* Candidates by the DDR bytes they save (written once, read once per reader: a tensor's
     * readers each LOAD it), largest first, then in producer order. */
    struct cand *cs = calloc(g->nnodes ? g->nnodes : 1, sizeof *cs);
    if (!cs) {
        free(r);
        return dpu_diag_set(c->d, DPU_E_NOMEM, "out of memory");
    }
    size_t nc = 0;
    for (size_t p = 0; p < g->nnodes; p++) {
        if (!tiled(c, (int)p))
            continue;
        const struct dpu_gnode *pg = &g->nodes[p];
        struct cand k = {0};
        k.t = c->nodes[p].fuse_add ? g->nodes[c->nodes[p].add_node].outputs[0] : pg->outputs[0];
        if (k.t < 0 || !candidate(c, k.t, &k.ps, &k.first, &k.last, &k.readers))
            continue;
        const struct dpu_gtensor *gt = &g->tensors[k.t];
        k.size = (uint64_t)gt->dims[0] * (uint64_t)gt->dims[2] * (uint64_t)gt->dims[3] * k.ps;
        k.saved = (uint64_t)gt->dims[0] * (uint64_t)gt->dims[2] * (uint64_t)gt->dims[3] *
                  (uint64_t)gt->dims[1] * (uint64_t)(1 + k.readers);
        cs[nc++] = k;
    }
    qsort(cs, nc, sizeof *cs, cmp_saved);
    for (size_t i = 0; i < nc; i++) {
        const struct cand *k = &cs[i];
        struct lw_tensor *lt = &c->tensors[k->t];
        lt->resident = true; /* tentatively: the tile buffers shrink by its LOADs and SAVEs */
        uint64_t floor = 0;
        for (int n = k->first; n <= k->last; n++)
            if (tiled(c, n)) {
                uint64_t b = lw_tile_act_bytes(c, (size_t)n);
                floor = b > floor ? b : floor;
            }
        uint64_t at = fit(c, r, nr, k->first, k->last, k->size, floor);
        if (at == UINT64_MAX) {
            lt->resident = false;
            continue;
        }
        lt->act_off = at, lt->act_ps = k->ps;
        lt->live_first = k->first, lt->live_last = k->last;
        lt->in_prog = false; /* no DDR bytes, no entry in the program's tensor table */
        r[nr++] = (struct res){k->t, k->first, k->last, at, k->size};
    }
    free(cs);
    for (size_t n = 0; n < g->nnodes; n++) {
        uint64_t cap = c->p->act_buf_bytes;
        for (size_t i = 0; i < nr; i++)
            if (r[i].first <= (int)n && (int)n <= r[i].last && r[i].off < cap)
                cap = r[i].off;
        c->nodes[n].act_cap = cap;
    }
    free(r);
    return 0;
}
