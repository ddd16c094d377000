/* Geometry of windowed nodes and the choice of row bands that fit the preset. Shared by the
 * partition pass (can one row fit at all?) and the tile pass (how many rows per tile?). */
#include <stdio.h>
#include <string.h>

#include "lower.h"

static void ints_attr(const struct dpu_gnode *n, const char *name, size_t k, int64_t *v,
                      int64_t def)
{
    const struct dpu_attr *a = dpu_node_attr(n, name);
    for (size_t i = 0; i < k; i++)
        v[i] = (a && a->type == DPU_ATTR_INTS && a->n == k) ? a->ints[i] : def;
}

#define WHY(...)   (snprintf(why, cap, __VA_ARGS__), DPU_E_UNSUPPORTED)
#define NOFIT(...) (snprintf(why, cap, __VA_ARGS__), false)

int lw_geom_of(const struct lw_ctx *c, const struct dpu_gnode *n, enum lw_kind kind,
               struct lw_geom *g, char *why, size_t cap)
{
    const struct dpu_graph *G = c->g;
    const struct dpu_gtensor *x = &G->tensors[n->inputs[0]], *y = &G->tensors[n->outputs[0]];
    memset(g, 0, sizeof *g);
    g->kh = g->kw = g->sh = g->sw = g->dh = g->dw = 1;
    if (n->op == DPU_NODE_FULLY_CONNECTED) {
        if (x->rank != 2 || y->rank != 2)
            return WHY("input and output must be 2-D");
        g->N = 1, g->H = 1, g->W = x->dims[0], g->C = x->dims[1];
        g->OH = 1, g->OW = y->dims[0], g->M = y->dims[1];
    } else {
        if (x->rank != 4 || y->rank != 4)
            return WHY("input and output must be 4-D (NCHW)");
        g->N = x->dims[0], g->C = x->dims[1], g->H = x->dims[2], g->W = x->dims[3];
        g->M = y->dims[1], g->OH = y->dims[2], g->OW = y->dims[3];
        int64_t st[2], dl[2], pads[4], ks[2];
        ints_attr(n, "strides", 2, st, 1);
        ints_attr(n, "dilations", 2, dl, 1);
        ints_attr(n, "pads", 4, pads, 0);
        if (n->op == DPU_NODE_CONV2D) {
            const struct dpu_gtensor *w = &G->tensors[n->inputs[1]];
            ks[0] = w->dims[2], ks[1] = w->dims[3];
        } else if (n->op == DPU_NODE_GLOBAL_AVG_POOL) {
            ks[0] = g->H, ks[1] = g->W;
            st[0] = st[1] = dl[0] = dl[1] = 1;
            memset(pads, 0, sizeof pads);
        } else {
            ints_attr(n, "kernel_shape", 2, ks, 1);
        }
        g->kh = (int)ks[0], g->kw = (int)ks[1], g->sh = (int)st[0], g->sw = (int)st[1];
        g->dh = (int)dl[0], g->dw = (int)dl[1];
        g->top = (int)pads[0], g->left = (int)pads[1], g->bottom = (int)pads[2];
        g->right = (int)pads[3];
        int64_t eh = (g->kh - 1) * (int64_t)g->dh + 1, ew = (g->kw - 1) * (int64_t)g->dw + 1;
        if (kind == LW_POOL) {
            if (g->dh != 1 || g->dw != 1)
                return WHY("dilated pooling (POOL has no dilation)");
            if (g->kh > 255 || g->kw > 255)
                return WHY("window %dx%d larger than 255", g->kh, g->kw);
            if (g->sh > 15 || g->sw > 15)
                return WHY("stride %dx%d larger than 15", g->sh, g->sw);
        } else {
            if (g->kh > 15 || g->kw > 15)
                return WHY("kernel %dx%d larger than 15", g->kh, g->kw);
            if (g->sh > 7 || g->sw > 7 || g->dh > 7 || g->dw > 7)
                return WHY("stride or dilation larger than 7");
            if (g->top >= eh || g->bottom >= eh || g->left >= ew || g->right >= ew)
                return WHY("padding as large as the kernel's extent");
        }
        if (g->top > 15 || g->left > 15 || g->bottom > 15 || g->right > 15)
            return WHY("padding larger than 15");
    }
    if (g->W > 1023 || g->OW > 1023)
        return WHY("width %lld (output %lld) larger than 1023", (long long)g->W, (long long)g->OW);
    return 0;
}

void lw_pack_interior(const struct lw_geom *g, int64_t *lo, int64_t *hi)
{
    *lo = (g->left + g->sw - 1) / g->sw;
    *hi = (g->W - g->kw + g->left) >= 0 ? (g->W - g->kw + g->left) / g->sw : -1;
    if (*hi > g->OW - 1)
        *hi = g->OW - 1;
}

bool lw_packable(const struct lw_ctx *c, const struct lw_geom *g)
{
    uint64_t R = c->R, lanes = (uint64_t)g->kw * (uint64_t)g->C;
    if (g->kw < 2 || g->dw != 1 || lanes > 4095 || lw_round_up(lanes, R) > 4095)
        return false;
    /* Fewer lane blocks than kw taps of the plain blocks, and less array time for a tile of
     * the image's pixels (as many as ACC holds), counting each CONV's issue cycles in a
     * chain (the array's fill and drain is paid once per chain either way). */
    uint64_t plain = (uint64_t)g->kw * (((uint64_t)g->C + R - 1) / R), packed = (lanes + R - 1) / R;
    uint64_t P = (uint64_t)(g->OH * g->OW), kh = (uint64_t)g->kh, kw = (uint64_t)g->kw;
    if (P > c->p->acc_buf_entries)
        P = c->p->acc_buf_entries;
    if (packed >= plain ||
        packed * lw_cost_conv(c, kh, P) >= plain / kw * lw_cost_conv(c, kh * kw, P))
        return false;
    int64_t lo, hi;
    lw_pack_interior(g, &lo, &hi);
    /* The border columns become the padding columns of the band's LOAD (4-bit fields). */
    return lo <= hi && lo <= 15 && g->OW - 1 - hi <= 15;
}

void lw_tile_geom(const struct lw_node *ln, struct lw_geom *tg)
{
    *tg = ln->g;
    if (!ln->pack)
        return;
    tg->C = lw_pack_slot(ln) * ln->g.C;
    tg->W = ln->g.OW;
    tg->kw = tg->sw = tg->dw = 1;
    tg->left = tg->right = 0;
    lw_pack_tile_rows(ln, tg);
}

static uint64_t cpad_of(const struct lw_ctx *c, int64_t ch)
{
    return lw_round_up((uint64_t)ch, c->R);
}

/* Does a band of bh output rows fit, nbuf times (ping-pong halves)? Sets why when not. */
bool lw_band_fits(const struct lw_ctx *c, const struct lw_node *ln, int64_t bh, int nbuf, char *why,
                  size_t cap)
{
    struct lw_geom tg;
    lw_tile_geom(ln, &tg);
    const struct lw_geom *g = &tg;
    const struct dpu_preset *p = c->p;
    uint64_t R = c->R, C = c->C, taps = (uint64_t)g->kh * (uint64_t)g->kw;
    uint64_t pix, opix, wp, in_rows, in_bytes, out_bytes;
    if (bh > 1023)
        return NOFIT("band too tall");
    if (ln->kind == LW_POOL) {
        pix = opix = cpad_of(c, g->C);
        wp = (uint64_t)g->W;
        in_rows = (uint64_t)((bh - 1) * g->sh + g->kh);
        if (in_rows > (uint64_t)g->H)
            in_rows = (uint64_t)g->H;
    } else {
        if (ln->kind == LW_CONV || ln->kind == LW_GROUP) {
            pix = lw_round_up((uint64_t)g->C, R);
            opix = lw_round_up((uint64_t)g->M, C);
            if (taps * R * C > p->wgt_buf_bytes)
                return NOFIT("one weight block does not fit WGT");
            if (C > p->param_buf_records)
                return NOFIT("one block of PARAM records does not fit");
            if ((uint64_t)bh * (uint64_t)g->OW > p->acc_buf_entries)
                return NOFIT("%lld output pixels do not fit ACC", (long long)(bh * g->OW));
        } else {
            pix = opix = cpad_of(c, g->C);
            if (pix / R > 255)
                return NOFIT("more than 255 channel vectors");
            if ((pix / R) * taps * R > p->wgt_buf_bytes || pix > p->param_buf_records)
                return NOFIT("depthwise weights or records do not fit");
        }
        wp = (uint64_t)(g->left + g->W + g->right);
        in_rows = (uint64_t)((bh - 1) * g->sh + (g->kh - 1) * g->dh + 1);
    }
    if ((uint64_t)g->C > 4095 || pix > 4095 || opix > 4095)
        return NOFIT("more than 4095 channels per pixel");
    if (wp * pix >= (1u << 20) || (uint64_t)g->OW * opix >= (1u << 20))
        return NOFIT("a row of the tile is too long for the stride fields");
    in_bytes = in_rows * wp * pix;
    if (ln->flat) /* only the pixels the 1x1 kernel reads, one row */
        in_bytes = (uint64_t)bh * (uint64_t)g->OW * pix;
    out_bytes = (uint64_t)bh * (uint64_t)g->OW * opix;
    if (ln->kind == LW_CONV && ln->fuse_add) /* the fused Add's other operand, laid out alike */
        out_bytes *= 2;
    if ((lw_round_up(in_bytes, R) + out_bytes) * (uint64_t)nbuf > p->act_buf_bytes)
        return NOFIT("%llu input and %llu output bytes do not fit ACT (%u bytes)",
                     (unsigned long long)in_bytes, (unsigned long long)out_bytes,
                     (unsigned)p->act_buf_bytes);
    return true;
}

int lw_choose_band(const struct lw_ctx *c, size_t n, char *why, size_t cap)
{
    const struct lw_node *ln = &c->nodes[n];
    if (ln->kind != LW_CONV && ln->kind != LW_DW && ln->kind != LW_POOL && ln->kind != LW_GROUP)
        return 1;
    int64_t hi = ln->g.OH < 1023 ? ln->g.OH : 1023;
    if (!lw_band_fits(c, ln, 1, 1, why, cap))
        return 0;
    int64_t lo = 1; /* fits */
    while (lo < hi) {
        int64_t mid = (lo + hi + 1) / 2;
        char tmp[200]; /* the reason is discarded: only whether the band fits matters */
        if (lw_band_fits(c, ln, mid, 1, tmp, sizeof tmp))
            lo = mid;
        else
            hi = mid - 1;
    }
    return (int)lo;
}

void lw_band_rows(const struct lw_geom *g, int64_t oy0, int64_t bh, int64_t *r0, int64_t *r1,
                  int64_t *ptop, int64_t *pbot)
{
    int64_t iy0 = oy0 * g->sh - g->top;
    int64_t iy1 = (oy0 + bh - 1) * g->sh - g->top + (g->kh - 1) * g->dh;
    *ptop = iy0 < 0 ? -iy0 : 0;
    *pbot = iy1 > g->H - 1 ? iy1 - (g->H - 1) : 0;
    *r0 = iy0 < 0 ? 0 : iy0;
    *r1 = iy1 > g->H - 1 ? g->H - 1 : iy1;
}
