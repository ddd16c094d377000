/* Pass tile: per accelerator node, the tile shape. A tile is a band of output rows; the
 * pass tries every band height with one or two sets of tile buffers (two: ping-pong halves
 * of ACT, so that LOAD fills tile k+1 and SAVE drains tile k-1 while tile k computes) and
 * keeps the one with the smallest estimated time under the timing model (lw_cost.c):
 *
 *   two sets:  load(0) + wload + sum_k max(compute(k), load(k+1) + wstream + save(k-1)) + save(n-1)
 *              (LOAD and SAVE share the one DDR channel)
 *   one set:   wload + sum_k (load(k) + wstream + compute(k) + save(k))
 *
 * A convolution tile's compute(k) is its CONVs' issue cycles, streamed back to back, plus the
 * fill/drain of that chain once (lw_cost.c).
 *
 * Bigger bands mean fewer tiles, fewer halo rows loaded twice and fewer, longer CONVs; smaller
 * bands mean less exposed first load and last save. Convolutions also decide whether all
 * weights stay in WGT for the whole layer (stationary) or are streamed per output block for
 * every band (wstream), and whether a 1x1 convolution without padding runs "flat" (the tile
 * as one row of pixels with the input channel blocks as kernel taps, so one CONV covers up to
 * 15 blocks and pays the array's fill and drain once). Packed low-channel convolutions (pass
 * layout) are planned in their packed geometry (lw_tile_geom), and a fused residual Add adds
 * its operand's LOAD per tile and an output-sized buffer per set. Other kinds keep band 1
 * semantics of lw_choose_band (one set of buffers). */
#include "lower.h"

static uint64_t div_up(uint64_t a, uint64_t b)
{
    return (a + b - 1) / b;
}

/* Input channels of a CONV tap group in the flat form. */
#define FLAT_MAX_TAPS 15
/* Percent of estimated time a taller band may cost over the fastest one. */
#define BAND_SLACK 3
/* Tiles a convolution with resident weights is split into at least, and the percent of
 * estimated time the split may cost over the best band (plan_windowed). */
#define SPLIT_TILES 2
#define SPLIT_SLACK 10
/* Pixels of one flat CONV (its ow field). */
#define FLAT_MAX_PIX 1023

struct est {
    const struct lw_ctx *c;
    const struct lw_node *ln;
    struct lw_geom g; /* the tile geometry (lw_tile_geom) */
    uint64_t pix, opix, nci, nco, taps, in_run, out_run, in_ps, out_ps;
};

static uint64_t in_rows(const struct lw_geom *g, int64_t bh, bool flat, int64_t oy0)
{
    if (flat)
        return (uint64_t)bh;
    int64_t eh = (g->kh - 1) * (int64_t)g->dh + 1;
    int64_t iy0 = oy0 * g->sh - g->top, iy1 = (oy0 + bh - 1) * g->sh - g->top + eh - 1;
    if (iy0 < 0)
        iy0 = 0;
    if (iy1 > g->H - 1)
        iy1 = g->H - 1;
    return iy1 >= iy0 ? (uint64_t)(iy1 - iy0 + 1) : 1;
}

/* Cycles of the DDR side of a load of the input rows of a tile. */
static uint64_t load_cost(const struct est *e, int64_t bh, int64_t oy0)
{
    const struct lw_geom *g = &e->g;
    uint64_t rows = in_rows(g, bh, e->ln->flat, oy0);
    uint64_t cols = e->ln->flat ? (uint64_t)g->OW : (uint64_t)g->W;
    if (e->ln->pack) /* runs of kw*C bytes (lw_pack.c) */
        return lw_pack_load_cost(e->c, e->ln, rows);
    bool dense = e->in_ps == (uint64_t)g->C && !e->ln->flat;
    uint64_t runs = dense ? rows : rows * cols, run = dense ? cols * (uint64_t)g->C : e->in_run;
    return lw_cost_ddr(e->c, runs, run);
}

static uint64_t save_cost(const struct est *e, int64_t bh)
{
    const struct lw_geom *g = &e->g;
    bool dense = e->out_ps == (uint64_t)g->M;
    uint64_t runs = dense ? (uint64_t)bh : (uint64_t)bh * (uint64_t)g->OW;
    return lw_cost_ddr(e->c, runs, dense ? (uint64_t)g->OW * (uint64_t)g->M : e->out_run);
}

/* A fused Add's other operand for a tile (LOAD, on the same engine as the input band). */
static uint64_t skip_cost(const struct est *e, int64_t bh)
{
    if (!e->ln->fuse_add)
        return 0;
    const struct lw_geom *g = &e->g;
    return lw_cost_ddr(e->c, (uint64_t)bh * (uint64_t)g->OW, (uint64_t)g->M);
}

static uint64_t conv_cost(const struct est *e, int64_t bh)
{
    const struct lw_geom *g = &e->g;
    uint64_t P = (uint64_t)bh * (uint64_t)g->OW;
    if (!e->ln->flat)
        return e->nco * e->nci * lw_cost_conv(e->c, e->taps, P);
    uint64_t t = 0;
    for (uint64_t p0 = 0; p0 < P; p0 += FLAT_MAX_PIX) {
        uint64_t pw = P - p0 < FLAT_MAX_PIX ? P - p0 : FLAT_MAX_PIX;
        for (uint64_t k = 0; k < e->nci; k += FLAT_MAX_TAPS)
            t += lw_cost_conv(e->c, e->nci - k < FLAT_MAX_TAPS ? e->nci - k : FLAT_MAX_TAPS, pw);
    }
    return e->nco * t;
}

/* What a tile's chain of CONVs costs beyond conv_cost when the array drains after it: its
 * first preload and its last CONV's fill/drain and post-processing (lw_cost_conv_chain). */
static uint64_t chain_cost(const struct est *e, int64_t bh)
{
    if (e->ln->kind != LW_CONV)
        return 0;
    uint64_t P = (uint64_t)bh * (uint64_t)e->g.OW;
    if (e->ln->flat && P > FLAT_MAX_PIX)
        P = FLAT_MAX_PIX;
    return lw_cost_conv_chain(e->c, P);
}

/* MISC time of a depthwise or pooling tile: the timing model's DWCONV and POOL formulas
 * (docs/architecture.md, the MISC engine) for one instruction over the tile. */
static uint64_t misc_cost(const struct est *e, int64_t bh)
{
    const struct lw_geom *g = &e->g;
    const struct dpu_timing_consts *k = &e->c->tk;
    uint64_t nvec = e->pix / e->c->R, ow = (uint64_t)g->OW, kh = (uint64_t)g->kh;
    uint64_t kw = (uint64_t)g->kw;
    if (e->ln->kind != LW_DW)
        return dpu_timing_pool_cycles(k, (uint64_t)bh, ow, nvec, kh, kw);
    return dpu_timing_dwconv_cycles(k, kh, kw, (uint64_t)bh, ow, nvec, (uint64_t)g->sw,
                                    (uint64_t)g->dw, NULL);
}

static uint64_t estimate(const struct est *e, int64_t bh, int nbuf, uint64_t wonce,
                         uint64_t wstream)
{
    const struct lw_geom *g = &e->g;
    uint64_t t = wonce, prev_save = 0;
    uint64_t tiles = (uint64_t)g->N * div_up((uint64_t)g->OH, (uint64_t)bh);
    uint64_t k = 0;
    for (int64_t img = 0; img < g->N; img++) {
        for (int64_t oy0 = 0; oy0 < g->OH; oy0 += bh, k++) {
            int64_t h = g->OH - oy0 < bh ? g->OH - oy0 : bh;
            /* A tile's CONVs are charged their chain's fill/drain: its SAVE waits for it,
             * and the CONVs two tiles later wait for that SAVE (the output buffer). */
            uint64_t comp =
                e->ln->kind == LW_CONV ? conv_cost(e, h) + chain_cost(e, h) : misc_cost(e, h);
            uint64_t ld = load_cost(e, h, oy0) + skip_cost(e, h), sv = save_cost(e, h);
            if (nbuf == 1) {
                t += ld + wstream + comp + sv;
                continue;
            }
            if (k == 0)
                t += ld;
            int64_t nx = oy0 + bh < g->OH ? oy0 + bh : 0; /* next tile's load, approximately */
            uint64_t nld = k + 1 < tiles ? load_cost(e, bh, nx) + skip_cost(e, bh) : 0;
            /* LOAD and SAVE share the one DDR channel: the next load, the streamed
             * weights and the previous save take turns on it while this tile computes. */
            uint64_t ddr = nld + wstream + prev_save;
            t += comp > ddr ? comp : ddr;
            prev_save = sv;
        }
    }
    return t + prev_save;
}

/* Plans node n's band; returns its estimated time (UINT64_MAX when no band fits). */
static uint64_t plan_windowed(struct lw_ctx *c, size_t n)
{
    struct lw_node *ln = &c->nodes[n];
    const struct dpu_gnode *gn = &c->g->nodes[n];
    struct est e = {.c = c, .ln = ln};
    lw_tile_geom(ln, &e.g);
    const struct lw_geom *g = &e.g;
    uint64_t R = c->R, C = c->C;
    e.taps = (uint64_t)g->kh * (uint64_t)g->kw;
    e.nci = div_up((uint64_t)g->C, R), e.pix = e.nci * R;
    e.nco = ln->kind == LW_CONV ? div_up((uint64_t)g->M, C) : e.nci;
    e.opix = ln->kind == LW_CONV ? e.nco * C : e.pix;
    e.in_ps = ln->pack ? (uint64_t)g->C : c->tensors[gn->inputs[0]].pstride;
    e.out_ps = c->tensors[gn->outputs[0]].pstride * (ln->pair ? 2 : 1); /* pairs: lw_pair.c */
    e.in_run = (uint64_t)g->C, e.out_run = (uint64_t)g->M;
    if (ln->kind != LW_CONV)
        e.out_run = (uint64_t)g->C;

    uint64_t wonce = 0, wstream = 0;
    if (ln->kind == LW_CONV) {
        uint64_t wbytes = e.nco * e.nci * e.taps * R * C;
        ln->wgt_all = wbytes <= c->p->wgt_buf_bytes;
        ln->param_all = e.nco * C <= c->p->param_buf_records;
        ln->flat = !ln->pack && g->kh == 1 && g->kw == 1 && g->top == 0 && g->left == 0 &&
                   g->bottom == 0 && g->right == 0 && g->OW <= FLAT_MAX_PIX &&
                   e.in_ps <= (1u << 20);
        if (ln->wgt_all)
            wonce = lw_cost_ddr(c, 1, wbytes);
        else
            wstream = lw_cost_ddr(c, 1, wbytes);
    } else {
        ln->flat = false;
        if (ln->kind == LW_DW)
            wonce = lw_cost_ddr(c, 1, e.pix * e.taps);
    }
    char why[200];
    uint64_t best = UINT64_MAX;
    int64_t hi = g->OH < 1023 ? g->OH : 1023;
    ln->band = 0, ln->nbuf = 1;
    for (int nbuf = 2; nbuf >= 1; nbuf--) {
        for (int64_t bh = 1; bh <= hi; bh++) {
            if (!lw_band_fits(c, ln, bh, nbuf, why, sizeof why))
                break; /* taller bands need more of every buffer */
            uint64_t t = estimate(&e, bh, nbuf, wonce, wstream);
            if (t < best)
                best = t, ln->band = (int)bh, ln->nbuf = nbuf;
        }
    }
    /* A convolution whose whole output would be one tile holds up the next layer until it
     * is done (lw_order.c can overlap layers only tile by tile), so with resident weights
     * take the best band of at least SPLIT_TILES tiles when it is within SPLIT_SLACK of
     * the best one (MobileNetV2's 14x14 layers: 526 k -> 513 k cycles on b4096). */
    int64_t cap = (g->OH + SPLIT_TILES - 1) / SPLIT_TILES;
    if (ln->kind == LW_CONV && ln->wgt_all && ln->band > cap) {
        uint64_t split = UINT64_MAX;
        int band = 0, nbuf_split = 0;
        for (int nbuf = 2; nbuf >= 1; nbuf--) {
            for (int64_t bh = 1; bh <= cap; bh++) {
                if (!lw_band_fits(c, ln, bh, nbuf, why, sizeof why))
                    break;
                uint64_t t = estimate(&e, bh, nbuf, wonce, wstream);
                if (t < split)
                    split = t, band = (int)bh, nbuf_split = nbuf;
            }
        }
        if (band && split * 100 <= best * (100 + SPLIT_SLACK))
            ln->band = band, ln->nbuf = nbuf_split;
    }
    /* The tallest double-buffered band within BAND_SLACK of the best: fewer halo rows loaded
     * twice leave the shared DDR channel to the layers that run alongside (lw_order.c). */
    for (int64_t bh = hi; bh > ln->band && ln->nbuf == 2 && ln->kind == LW_DW; bh--) {
        if (!lw_band_fits(c, ln, bh, 2, why, sizeof why))
            continue;
        if (estimate(&e, bh, 2, wonce, wstream) * 100 <= best * (100 + BAND_SLACK)) {
            ln->band = (int)bh;
            break;
        }
    }
    if (ln->band < 1 && ln->flat) { /* cannot happen: flat needs less than the general form */
        ln->flat = false;
        return plan_windowed(c, n);
    }
    return ln->band < 1 ? UINT64_MAX : estimate(&e, ln->band, ln->nbuf, wonce, wstream);
}

/* The best way to run packed node n in its current geometry: with every count of kernel
 * rows per vector group that fits (lw_pack_rows_fit), or only the count opts->pack_rows
 * makes lw_pack_choose take, gathered in pieces or not (opts->pack_pieces forbids (-1) or
 * forces (1, where valid) the pieces); sets *kr and *piece, returns the estimate (UINT64_MAX:
 * none fits). */
static uint64_t plan_form(struct lw_ctx *c, size_t n, int *kr, bool *piece)
{
    struct lw_node *ln = &c->nodes[n];
    int only = c->o->pack_rows != 0 ? lw_pack_choose(c, ln) : 0, force = c->o->pack_pieces;
    uint64_t best = UINT64_MAX;
    *kr = only > 0 ? only : 1, *piece = false;
    for (int k = 1; k <= ln->g.kh; k++) {
        if (only && k != only)
            continue;
        for (int pc = 0; pc <= 1; pc++) {
            if ((force < 0 && pc) || !lw_pack_rows_fit(c, ln, k, pc))
                continue;
            ln->pack_kr = k, ln->pack_piece = pc;
            uint64_t t = plan_windowed(c, n);
            /* forced: any gather in pieces before any other */
            if (force > 0 && pc != *piece ? pc : t < best)
                best = t, *kr = k, *piece = pc;
        }
    }
    return best;
}

/* A packed convolution: planned in its own geometry and, where valid (lw_pair_geom), as
 * pairs of output pixels; the smaller estimate kept, or the form opts->pack_pairs forces. */
static void plan_packed(struct lw_ctx *c, size_t n)
{
    struct lw_node *ln = &c->nodes[n];
    int kr, kr2, force = c->o->pack_pairs;
    bool piece, piece2;
    uint64_t t = plan_form(c, n, &kr, &piece);
    struct lw_geom one = ln->g, pg;
    if (force >= 0 && lw_pair_geom(c, n, &pg)) {
        ln->g1 = one, ln->g = pg, ln->pair = true;
        uint64_t t2 = lw_pack_choose(c, ln) > 0 ? plan_form(c, n, &kr2, &piece2) : UINT64_MAX;
        if (t2 != UINT64_MAX && (force > 0 || t2 < t)) {
            ln->pack_kr = kr2, ln->pack_piece = piece2;
            plan_windowed(c, n);
            return;
        }
        ln->g = one, ln->pair = false;
    }
    ln->pack_kr = kr, ln->pack_piece = piece;
    plan_windowed(c, n);
}

int lw_pass_tile(struct lw_ctx *c)
{
    for (size_t n = 0; n < c->g->nnodes; n++) {
        struct lw_node *ln = &c->nodes[n];
        if (ln->kind == LW_CPU)
            continue;
        char why[200];
        if (ln->kind == LW_CONV || ln->kind == LW_DW || ln->kind == LW_POOL) {
            if (ln->pack)
                plan_packed(c, n);
            else
                plan_windowed(c, n);
            if (ln->band < 1 && !lw_band_fits(c, ln, 1, 1, why, sizeof why))
                lw_ice(c, "node '%s': no band fits although partition accepted it: %s",
                       c->g->nodes[n].name, why);
            continue;
        }
        ln->nbuf = 1;
        ln->band = lw_choose_band(c, n, why, sizeof why);
        if (ln->band < 1)
            lw_ice(c, "node '%s': no band fits although partition accepted it: %s",
                   c->g->nodes[n].name, why);
        if (ln->kind == LW_GROUP) { /* isel_group.c reads these for one group */
            uint64_t nci = lw_round_up((uint64_t)ln->g.C, c->R) / c->R;
            uint64_t nco = lw_round_up((uint64_t)ln->g.M, c->C) / c->C;
            uint64_t taps = (uint64_t)ln->g.kh * (uint64_t)ln->g.kw;
            ln->wgt_all = nco * nci * taps * c->R * c->C <= c->p->wgt_buf_bytes;
            ln->param_all = nco * c->C <= c->p->param_buf_records;
        }
    }
    return 0;
}
