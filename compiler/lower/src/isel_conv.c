/* Instruction selection for Conv2D (group 1), FullyConnected (CONV on the array) and
 * depthwise Conv2D (DWCONV). Per image and band of output rows:
 *
 *   LOAD ACT   the band's input rows, padded on chip with the input zero point, each pixel
 *              widened to whole R-byte vectors (lanes beyond the channels get the zero point
 *              and meet zero weights)
 *   CONV ...   per output block b of C channels, per input block k of R channels,
 *              accumulating; the last k post-processes into ACT (DWCONV: one instruction)
 *   SAVE       the real output channels to DDR (NHWC, channel stride cpad)
 *
 * A packed node (ln->pack: few input channels) loads kw neighbouring pixels' channels into the
 * lanes of one vector (load_packed) and runs as a kh x 1 kernel over packed columns
 * (lw_tile_geom). A node with a fused residual Add (ln->fuse_add) also loads the Add's other
 * operand per tile, runs the ELTW on the output tile in ACT and SAVEs the Add's output.
 *
 * Weights are packed as the array reads them: block (b, k), tap t, lane r, column c at
 * ((b*nci + k)*taps + t)*R*C + r*C + c, zeros beyond the real channels. PARAM record m holds
 * bias' = wrap32(bias[m] - z_x * S[m]), S[m] the sum of output channel m's weights
 * (docs/isa.md, CONV: the input zero point), and M, s from qplan. */
#include <stdlib.h>
#include <string.h>

#include "lower.h"

static void put_le32(uint8_t *p, int32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)((uint32_t)v >> (8 * i));
}

static void put_record(uint8_t *rec, int32_t bias, int64_t zx, int64_t S, struct dpu_qp_rq rq)
{
    uint32_t b = (uint32_t)bias - (uint32_t)(uint64_t)(zx * S); /* wrap32 */
    put_le32(rec, dpu_i32_from_u32(b));
    put_le32(rec + 4, rq.M);
    rec[8] = (uint8_t)rq.s;
}

static const int32_t *bias_of(const struct lw_ctx *c, const struct dpu_gnode *n)
{
    if (n->ninputs > 2 && n->inputs[2] >= 0)
        return c->g->tensors[n->inputs[2]].data;
    return NULL;
}

/* Bytes of ACT used by the input of a band of bh output rows (padded rows, or for a flat 1x1
 * convolution only the pixels it reads). */
static uint64_t band_in_bytes(const struct lw_node *ln, int64_t bh, uint64_t pix)
{
    struct lw_geom tg;
    lw_tile_geom(ln, &tg);
    const struct lw_geom *g = &tg;
    if (ln->flat)
        return (uint64_t)bh * (uint64_t)g->OW * pix;
    uint64_t rows = (uint64_t)((bh - 1) * g->sh + (g->kh - 1) * g->dh + 1);
    return rows * (uint64_t)(g->left + g->W + g->right) * pix;
}

/* Where tile k's input and output live in ACT: nbuf sets of (input, output), tile k in set
 * k % nbuf, so consecutive tiles use different bytes and can overlap. A resident input or
 * output (pass resident) needs no tile buffer: its tiles are read or written in place. */
struct tbufs {
    uint64_t base, in_sz, out_sz, sk_sz;
    int nbuf;
};

/* size units of a buffer of cap units for the next layer, aligned to align: after the
 * previous layer's (*ring), or from 0 when they do not fit there. Consecutive layers then use
 * different bytes as long as they fit together, so the next layer's loads (lw_order.c) need
 * not wait for this layer to finish with the bytes. */
static uint64_t ring_place(uint64_t *ring, uint64_t size, uint64_t cap, uint64_t align)
{
    uint64_t b = lw_round_up(*ring, align);
    if (b + size > cap)
        b = 0;
    *ring = b + size;
    return b;
}

void lw_tile_pix(const struct lw_ctx *c, size_t n, uint64_t *pix, uint64_t *opix)
{
    const struct lw_node *ln = &c->nodes[n];
    if (ln->kind == LW_DW) {
        *pix = *opix = lw_round_up((uint64_t)ln->g.C, c->R);
        return;
    }
    struct lw_geom tg;
    lw_tile_geom(ln, &tg);
    *pix = lw_round_up((uint64_t)tg.C, c->R);
    *opix = lw_round_up((uint64_t)ln->g.M, c->C);
}

/* The tensors of node n's tile buffers: input, output (a fused Add's output) and the fused
 * Add's other operand (-1 without one). */
static void tile_tensors(const struct lw_ctx *c, size_t n, int32_t *x, int32_t *y, int32_t *sk)
{
    const struct dpu_gnode *gn = &c->g->nodes[n];
    const struct lw_node *ln = &c->nodes[n];
    *x = gn->inputs[0], *y = gn->outputs[0], *sk = -1;
    if (ln->kind == LW_CONV && ln->fuse_add) {
        const struct dpu_gnode *an = &c->g->nodes[ln->add_node];
        *sk = an->inputs[an->inputs[0] == gn->outputs[0] ? 1 : 0];
        *y = an->outputs[0];
    }
}

static struct tbufs tile_sizes(const struct lw_ctx *c, size_t n)
{
    const struct lw_node *ln = &c->nodes[n];
    uint64_t pix, opix;
    int32_t x, y, sk;
    lw_tile_pix(c, n, &pix, &opix);
    tile_tensors(c, n, &x, &y, &sk);
    struct tbufs t;
    uint64_t osz = lw_round_up((uint64_t)ln->band * (uint64_t)ln->g.OW * opix, c->R);
    t.in_sz = c->tensors[x].resident ? 0 : lw_round_up(band_in_bytes(ln, ln->band, pix), c->R);
    t.out_sz = c->tensors[y].resident ? 0 : osz;
    t.sk_sz = sk >= 0 && !c->tensors[sk].resident ? osz : 0;
    t.nbuf = ln->nbuf > 1 ? 2 : 1;
    t.base = 0;
    return t;
}

uint64_t lw_tile_act_bytes(const struct lw_ctx *c, size_t n)
{
    struct tbufs t = tile_sizes(c, n);
    return (uint64_t)t.nbuf * (t.in_sz + t.out_sz + t.sk_sz);
}

/* The tile buffers of a layer: ring-placed in ACT (ring_place) below the resident tensors
 * live meanwhile (ln->act_cap). */
static struct tbufs tile_bufs(struct lw_ctx *c, size_t n)
{
    struct tbufs t = tile_sizes(c, n);
    uint64_t total = (uint64_t)t.nbuf * (t.in_sz + t.out_sz + t.sk_sz);
    if (total > c->nodes[n].act_cap)
        lw_ice(c, "node '%s': tile buffers of %llu bytes above the resident tensors at %llu",
               c->g->nodes[n].name, (unsigned long long)total,
               (unsigned long long)c->nodes[n].act_cap);
    t.base = ring_place(&c->ring_act, total, c->nodes[n].act_cap, c->R);
    return t;
}

static uint64_t tin(const struct tbufs *t, uint64_t k)
{
    return t->base + (k % (uint64_t)t->nbuf) * t->in_sz;
}

static uint64_t tout(const struct tbufs *t, uint64_t k)
{
    return t->base + (uint64_t)t->nbuf * t->in_sz + (k % (uint64_t)t->nbuf) * t->out_sz;
}

/* The band of a packed node (ln->pack): input rows r0..r1 of image img (dense in DDR, pixel
 * stride C), padded rows above and below, as OW packed columns of pix bytes, column ox holding
 * lanes kx*C + c = x[iy][ox*sw - left + kx][c]. Columns whose window lies inside the row are
 * one LOAD column each: kw*C consecutive bytes of DDR, sw*C apart (instruction i). The others
 * meet the left or right padding: i writes them whole as padding columns, then one LOAD per
 * such column copies the part of its window inside the row to its lanes. */
/* A fused Add's other operand (ln->fuse_add) for tile k: after both sets of input and output
 * buffers, one tile of output pixels per set, laid out like the output tile. */
static uint64_t tskip(const struct tbufs *t, uint64_t k)
{
    return t->base + (uint64_t)t->nbuf * (t->in_sz + t->out_sz) +
           (k % (uint64_t)t->nbuf) * t->sk_sz;
}

static void load_packed(struct lw_ctx *c, int node, const struct lw_tensor *x,
                        const struct lw_geom *g, dpu_insn *i, int64_t img, int64_t r0, int64_t r1,
                        int64_t ptop, int64_t pbot, uint64_t pix, uint64_t sram)
{
    uint64_t C = (uint64_t)g->C, kw = (uint64_t)g->kw, rs = (uint64_t)g->OW * pix;
    int64_t lo, hi;
    lw_pack_interior(g, &lo, &hi);
    if (x->pstride != C || hi < lo)
        lw_ice(c, "packed convolution over a non-dense input or without interior columns");
    uint64_t row0 = x->off + ((uint64_t)img * (uint64_t)g->H + (uint64_t)r0) * (uint64_t)g->W * C;
    LW_SET(c, i, load, pad_top, ptop);
    LW_SET(c, i, load, pad_bottom, pbot);
    LW_SET(c, i, load, pad_left, lo);
    LW_SET(c, i, load, pad_right, g->OW - 1 - hi);
    LW_SET(c, i, load, rows, r1 - r0 + 1);
    LW_SET(c, i, load, cols, hi - lo + 1);
    LW_SET(c, i, load, bytes, kw * C);
    LW_SET(c, i, load, ddr_off, row0 + (uint64_t)(lo * g->sw - g->left) * C);
    LW_SET(c, i, load, ddr_row_stride, (uint64_t)g->W * C);
    LW_SET(c, i, load, ddr_col_stride, (uint64_t)g->sw * C);
    LW_SET(c, i, load, sram_row_stride, rs);
    for (int64_t ox = 0; ox < g->OW; ox++) {
        if (ox == lo)
            ox = hi + 1;
        if (ox >= g->OW)
            break;
        int64_t ix0 = ox * g->sw - g->left;
        int64_t ka = ix0 < 0 ? -ix0 : 0, kb = g->W - ix0 < g->kw ? g->W - ix0 : g->kw;
        if (kb <= ka)
            continue; /* the whole window is padding */
        uint64_t nb = (uint64_t)(kb - ka) * C;
        dpu_insn *b = lw_new_insn(c, node, DPU_OP_LOAD);
        LW_SET(c, b, load, buf, DPU_BUF_ACT);
        LW_SET(c, b, load, region, x->region);
        LW_SET(c, b, load, rows, r1 - r0 + 1);
        LW_SET(c, b, load, cols, 1);
        LW_SET(c, b, load, bytes, nb);
        LW_SET(c, b, load, sram_col_stride, nb);
        LW_SET(c, b, load, sram_addr,
               sram + (uint64_t)ptop * rs + (uint64_t)ox * pix + (uint64_t)ka * C);
        LW_SET(c, b, load, sram_row_stride, rs);
        LW_SET(c, b, load, ddr_off, row0 + (uint64_t)(ix0 + ka) * C);
        LW_SET(c, b, load, ddr_row_stride, (uint64_t)g->W * C);
        LW_SET(c, b, load, ddr_col_stride, C);
    }
}

/* Does each pixel of x start a pixel of the buffer it lives in (no Concat slice offset), so
 * that whole pixels of it stay inside its buffer? */
static bool whole_pixels(const struct lw_ctx *c, const struct lw_tensor *x)
{
    for (; x->alias >= 0; x = &c->tensors[x->alias])
        if (x->alias_off)
            return false;
    return true;
}

static void load_band(struct lw_ctx *c, int node, const struct lw_tensor *x,
                      const struct lw_node *ln, int64_t img, int64_t oy0, int64_t bh, uint64_t pix,
                      int32_t zx, uint64_t sram)
{
    if (ln->pack && (ln->pack_kr > 1 || ln->pack_piece)) { /* isel_pack.c */
        lw_load_packed_rows(c, node, x, ln, img, oy0, bh, pix, zx, sram);
        return;
    }
    const struct lw_geom *g = &ln->g;
    uint64_t ps = x->pstride;
    dpu_insn *i = lw_new_insn(c, node, DPU_OP_LOAD);
    LW_SET(c, i, load, buf, DPU_BUF_ACT);
    LW_SET(c, i, load, region, x->region);
    LW_SET(c, i, load, pad_value, zx);
    /* Whole pixels (the channel padding too) when they fit the tile's pixel and stay in the
     * tensor's buffer (whole_pixels): the lanes beyond the channels meet zero weights (CONV)
     * or are never saved (DWCONV), so what DDR holds there does not matter, and rows of
     * whole pixels are one DDR run instead of one per pixel. */
    LW_SET(c, i, load, bytes, !ln->pack && ps <= pix && whole_pixels(c, x) ? ps : (uint64_t)g->C);
    LW_SET(c, i, load, sram_col_stride, pix);
    LW_SET(c, i, load, sram_addr, sram);
    if (ln->flat) { /* the pixels a 1x1 kernel reads: every sh-th row, every sw-th column */
        LW_SET(c, i, load, rows, bh);
        LW_SET(c, i, load, cols, g->OW);
        LW_SET(c, i, load, ddr_off,
               x->off + ((uint64_t)img * (uint64_t)g->H + (uint64_t)(oy0 * g->sh)) *
                            (uint64_t)g->W * ps);
        LW_SET(c, i, load, ddr_row_stride, (uint64_t)g->sh * (uint64_t)g->W * ps);
        LW_SET(c, i, load, ddr_col_stride, (uint64_t)g->sw * ps);
        LW_SET(c, i, load, sram_row_stride, (uint64_t)g->OW * pix);
        return;
    }
    int64_t r0, r1, ptop, pbot;
    lw_band_rows(g, oy0, bh, &r0, &r1, &ptop, &pbot);
    if (r1 < r0)
        lw_ice(c, "band at output row %lld reads no input row", (long long)oy0);
    if (ln->pack) {
        load_packed(c, node, x, g, i, img, r0, r1, ptop, pbot, pix, sram);
        return;
    }
    uint64_t wp = (uint64_t)(g->left + g->W + g->right);
    LW_SET(c, i, load, pad_top, ptop);
    LW_SET(c, i, load, pad_bottom, pbot);
    LW_SET(c, i, load, pad_left, g->left);
    LW_SET(c, i, load, pad_right, g->right);
    LW_SET(c, i, load, rows, r1 - r0 + 1);
    LW_SET(c, i, load, cols, g->W);
    LW_SET(c, i, load, ddr_off,
           x->off + ((uint64_t)img * (uint64_t)g->H + (uint64_t)r0) * (uint64_t)g->W * ps);
    LW_SET(c, i, load, ddr_row_stride, (uint64_t)g->W * ps);
    LW_SET(c, i, load, ddr_col_stride, ps);
    LW_SET(c, i, load, sram_row_stride, wp * pix);
}

/* Tile k of a band-tiled node: image *img, first output row *oy0, *bh output rows. */
static void band_of(const struct lw_node *ln, uint64_t k, int64_t *img, int64_t *oy0, int64_t *bh)
{
    int64_t per_img = (ln->g.OH + ln->band - 1) / ln->band;
    *img = (int64_t)k / per_img;
    *oy0 = ((int64_t)k % per_img) * ln->band;
    *bh = ln->g.OH - *oy0 < ln->band ? ln->g.OH - *oy0 : ln->band;
}

/* The input LOADs around tile k of ntiles: its own band when nothing prefetched it (the first
 * tile, or single buffering), then, double-buffered, the next tile's band into the other half
 * so that it loads while this tile computes. A resident input (pass resident) is read where
 * it lives: no LOADs. */
static void load_tile_input(struct lw_ctx *c, int node, const struct lw_tensor *x,
                            const struct lw_node *ln, const struct tbufs *tb, uint64_t k,
                            uint64_t ntiles, uint64_t pix, int32_t zx)
{
    int64_t img, oy0, bh;
    if (x->resident)
        return;
    if (k == 0 || tb->nbuf == 1) {
        band_of(ln, k, &img, &oy0, &bh);
        load_band(c, node, x, ln, img, oy0, bh, pix, zx, tin(tb, k));
    }
    if (tb->nbuf == 2 && k + 1 < ntiles) {
        band_of(ln, k + 1, &img, &oy0, &bh);
        load_band(c, node, x, ln, img, oy0, bh, pix, zx, tin(tb, k + 1));
    }
}

/* ps: DDR bytes between the tile's output pixels (y's pixel stride, twice it for pairs). */
static void save_band(struct lw_ctx *c, int node, const struct lw_tensor *y, uint64_t ps,
                      const struct lw_geom *g, int64_t img, int64_t oy0, int64_t bh, uint64_t obase,
                      uint64_t opix, int64_t bytes)
{
    /* Whole pixels of a tensor of its own (not a graph output, not a slice of a Concat): its
     * channel padding in DDR is never read as channels, and whole pixels are one DDR run per
     * row instead of one per pixel. */
    if (!y->graph_out && y->alias < 0 && !y->in_place && ps <= opix && (int64_t)ps > bytes)
        bytes = (int64_t)ps;
    dpu_insn *i = lw_new_insn(c, node, DPU_OP_SAVE);
    LW_SET(c, i, save, buf, DPU_SAVEBUF_ACT);
    LW_SET(c, i, save, region, y->region);
    LW_SET(c, i, save, rows, bh);
    LW_SET(c, i, save, cols, g->OW);
    LW_SET(c, i, save, bytes, bytes);
    LW_SET(c, i, save, ddr_off,
           y->off + ((uint64_t)img * (uint64_t)g->OH + (uint64_t)oy0) * (uint64_t)g->OW * ps);
    LW_SET(c, i, save, ddr_row_stride, (uint64_t)g->OW * ps);
    LW_SET(c, i, save, ddr_col_stride, ps);
    LW_SET(c, i, save, sram_col_stride, opix);
    LW_SET(c, i, save, sram_addr, obase);
    LW_SET(c, i, save, sram_row_stride, (uint64_t)g->OW * opix);
}

/* Output blocks a chunk of streamed weights holds at most (see lw_isel_conv). Measured on
 * b4096: 2 saves 0.1% on ResNet-50 and MobileNetV2 over 1; 6 (a whole slot) loses 1.4% on
 * MobileNetV2, whose classifier's first chunk then waits for the previous layer's weights. */
#define CHUNK_BLOCKS 2

/* ACT address of pixel (img, row, 0) of resident tensor t (rows of w pixels, h per image). */
static uint64_t res_row(const struct lw_tensor *t, int64_t img, int64_t row, int64_t h, int64_t w)
{
    return t->act_off + ((uint64_t)(img * h + row) * (uint64_t)w) * t->act_ps;
}

/* Everything the CONV emitter needs about one layer. */
struct cv {
    struct lw_ctx *c;
    const struct lw_node *ln;
    struct lw_geom tg; /* tile geometry (lw_tile_geom: the packed form for ln->pack) */
    int node;
    struct dpu_qp_conv qp;
    uint64_t R, C, taps, nci, nco, blk, pix, opix;
    uint64_t ipix, irow;   /* ACT bytes between input pixels / rows the CONVs read */
    uint64_t ostride;      /* ACT bytes between output pixels the CONVs write */
    uint64_t woff, poff;   /* CONST offsets of weights and records */
    uint64_t wbase, pbase; /* WGT / PARAM base of stationary weights / records */
    uint64_t whalf, kc;    /* streamed: WGT bytes per chunk slot, input blocks per chunk */
    uint64_t bc;           /* streamed: output blocks per chunk (> 1 only when kc == nci) */
    uint64_t nchunks;      /* streamed: chunks per tile */
    uint64_t nslots;       /* streamed: 2 (ping-pong) or 1 */
    /* fused residual Add (ln->fuse_add) */
    const struct lw_tensor *skip; /* its other operand */
    int kop;                      /* which Add input the conv's output is */
    struct dpu_qp_add qa;
    uint64_t aparam; /* PARAM record of the Add's two multipliers */
};

static void put_mrec(uint8_t *rec, int32_t M, int s)
{
    memset(rec, 0, 16);
    put_le32(rec + 4, M);
    rec[8] = (uint8_t)s;
}

/* The fused Add of an output tile of bh rows: LOAD of the other operand's rows next to it,
 * emitted before the tile's CONVs so that LOAD runs ahead. */
static void load_skip(struct cv *v, int64_t img, int64_t oy0, int64_t bh, uint64_t sram)
{
    struct lw_ctx *c = v->c;
    const struct lw_geom *g = &v->ln->g;
    uint64_t ps = v->skip->pstride;
    dpu_insn *i = lw_new_insn(c, v->node, DPU_OP_LOAD);
    LW_SET(c, i, load, buf, DPU_BUF_ACT);
    LW_SET(c, i, load, region, v->skip->region);
    LW_SET(c, i, load, rows, bh);
    LW_SET(c, i, load, cols, g->OW);
    LW_SET(c, i, load, bytes, g->M);
    LW_SET(c, i, load, ddr_off,
           v->skip->off + ((uint64_t)img * (uint64_t)g->OH + (uint64_t)oy0) * (uint64_t)g->OW * ps);
    LW_SET(c, i, load, ddr_row_stride, (uint64_t)g->OW * ps);
    LW_SET(c, i, load, ddr_col_stride, ps);
    LW_SET(c, i, load, sram_col_stride, v->opix);
    LW_SET(c, i, load, sram_addr, sram);
    LW_SET(c, i, load, sram_row_stride, (uint64_t)g->OW * v->opix);
}

/* The Add itself on the tile at out (in place) with the other operand at skip: ELTWs over the
 * whole tile (padding lanes included: computed, never saved), at most 2^20 - 1 bytes each. */
static void eltw_tile(struct cv *v, uint64_t out, uint64_t skip, int64_t bh)
{
    struct lw_ctx *c = v->c;
    uint64_t len = (uint64_t)bh * (uint64_t)v->ln->g.OW * v->opix;
    uint64_t step = ((UINT64_C(1) << 20) - 1) / v->R * v->R;
    for (uint64_t o = 0; o < len; o += step) {
        uint64_t n = len - o < step ? len - o : step;
        uint64_t a = v->kop == 0 ? out : skip, b = v->kop == 0 ? skip : out;
        dpu_insn *i = lw_new_insn(c, v->node, DPU_OP_ELTW);
        LW_SET(c, i, eltw, op, DPU_ELTWOP_ADD);
        LW_SET(c, i, eltw, a_zp, v->qa.za);
        LW_SET(c, i, eltw, b_zp, v->qa.zb);
        LW_SET(c, i, eltw, out_zp, v->qa.zy);
        LW_SET(c, i, eltw, clamp_lo, v->qa.lo);
        LW_SET(c, i, eltw, clamp_hi, v->qa.hi);
        LW_SET(c, i, eltw, a_addr, a + o);
        LW_SET(c, i, eltw, b_addr, b + o);
        LW_SET(c, i, eltw, len, n);
        LW_SET(c, i, eltw, out_addr, out + o);
        LW_SET(c, i, eltw, param_addr, v->aparam);
    }
}

/* Streamed weights: chunk j of a tile is output blocks [b, b + nb) (nb = 1 unless whole
 * blocks are chunked together), input blocks [k0, k1); chunk q (counted over the whole
 * layer) goes to WGT slot q % nslots. */
static void chunk_of(const struct cv *v, uint64_t j, uint64_t *b, uint64_t *nb, uint64_t *k0,
                     uint64_t *k1)
{
    uint64_t per_b = (v->nci + v->kc - 1) / v->kc;
    *b = j / per_b * v->bc;
    *nb = *b + v->bc < v->nco ? v->bc : v->nco - *b;
    *k0 = (j % per_b) * v->kc;
    *k1 = *k0 + v->kc < v->nci ? *k0 + v->kc : v->nci;
}

static void load_chunk(struct cv *v, uint64_t q)
{
    uint64_t b, nb, k0, k1;
    chunk_of(v, q % v->nchunks, &b, &nb, &k0, &k1);
    uint64_t slot = (q % v->nslots) * v->whalf;
    /* Whole blocks (nb > 1) are contiguous in the packing. */
    lw_load_flat(v->c, v->node, DPU_BUF_WGT, DPU_REGION_CONST, v->woff + (b * v->nci + k0) * v->blk,
                 (nb - 1) * v->nci * v->blk + (k1 - k0) * v->blk, slot, (uint32_t)(v->R * v->C));
    if (!v->ln->param_all && k0 == 0) /* this block's records, in PARAM half b % 2 */
        lw_load_flat(v->c, v->node, DPU_BUF_PARAM, DPU_REGION_CONST, v->poff + b * v->C * 16,
                     v->C * 16, (b % 2) * v->C * 16, 16);
}

/* CONVs of output block b, input blocks [k0, k1) whose weights start at WGT waddr0 (block k0),
 * for the tile at ACT in (input) / out (output) of bh rows. */
static void emit_convs(struct cv *v, uint64_t b, uint64_t k0, uint64_t k1, uint64_t waddr0,
                       uint64_t in, uint64_t out, int64_t bh)
{
    struct lw_ctx *c = v->c;
    const struct lw_geom *g = &v->tg;
    uint64_t param = v->ln->param_all ? v->pbase + b * v->C : (b % 2) * v->C;
    uint64_t P = (uint64_t)bh * (uint64_t)g->OW;
    uint64_t pstep = v->ln->flat ? 1023 : P, kstep = v->ln->flat ? 15 : 1;
    for (uint64_t p0 = 0; p0 < P; p0 += pstep) {
        uint64_t pw = P - p0 < pstep ? P - p0 : pstep;
        for (uint64_t k = k0; k < k1; k += kstep) {
            uint64_t kn = k1 - k < kstep ? k1 - k : kstep;
            dpu_insn *i = lw_new_insn(c, v->node, DPU_OP_CONV);
            LW_SET(c, i, conv, accumulate, k > 0);
            LW_SET(c, i, conv, wgt_addr, waddr0 + (k - k0) * v->blk);
            if (v->ln->flat) { /* one row of pw pixels; tap t reads input block k + t */
                LW_SET(c, i, conv, kh, kn);
                LW_SET(c, i, conv, kw, 1);
                LW_SET(c, i, conv, stride_h, 1);
                LW_SET(c, i, conv, stride_w, 1);
                LW_SET(c, i, conv, dil_h, 1);
                LW_SET(c, i, conv, dil_w, 1);
                LW_SET(c, i, conv, oh, 1);
                LW_SET(c, i, conv, ow, pw);
                LW_SET(c, i, conv, act_addr, in + p0 * v->ipix + k * v->R);
                LW_SET(c, i, conv, act_col_stride, v->ipix);
                LW_SET(c, i, conv, act_row_stride, v->R);
            } else {
                lw_conv_set_window(c, i, g, bh);
                LW_SET(c, i, conv, act_addr, in + k * v->R);
                LW_SET(c, i, conv, act_col_stride, v->ipix);
                LW_SET(c, i, conv, act_row_stride, v->irow);
            }
            LW_SET(c, i, conv, acc_addr, p0);
            if (k + kn == v->nci) {
                lw_conv_set_post(c, i, param, &v->qp, out + p0 * v->ostride + b * v->C, v->ostride);
            }
        }
    }
}

int lw_isel_conv(struct lw_ctx *c, size_t n)
{
    const struct dpu_gnode *gn = &c->g->nodes[n];
    const struct lw_node *ln = &c->nodes[n];
    const struct lw_geom *g = &ln->g;
    struct cv v;
    memset(&v, 0, sizeof v);
    v.c = c, v.ln = ln, v.node = (int)n;
    lw_tile_geom(ln, &v.tg);
    int err = dpu_qplan_conv(c->g, gn, &v.qp, c->d);
    if (err)
        return err;
    const struct lw_geom *tg = &v.tg;
    uint64_t R = c->R, C = c->C, taps = (uint64_t)tg->kh * (uint64_t)tg->kw;
    uint64_t nci = lw_round_up((uint64_t)tg->C, R) / R, nco = lw_round_up((uint64_t)g->M, C) / C;
    uint64_t blk = taps * R * C, wbytes = nco * nci * blk;
    v.R = R, v.C = C, v.taps = taps, v.nci = nci, v.nco = nco, v.blk = blk;
    v.pix = nci * R, v.opix = nco * C;
    const int8_t *w = c->g->tensors[gn->inputs[1]].data;
    const int32_t *bias = bias_of(c, gn);

    /* CONST: weights, then records. */
    uint8_t *pk = calloc(wbytes, 1), *rec = calloc(nco * C, 16);
    if (!pk || !rec)
        lw_ice(c, "out of memory packing weights");
    /* Pairs (lw_pair.c): column mp < 2M is channel m = mp % M of the output pixel mp / M,
     * whose kernel starts sw columns into the window for the second pixel. */
    const struct lw_geom *g0 = ln->pair ? &ln->g1 : g;
    for (int64_t mp = 0; mp < g->M; mp++) {
        int64_t S = 0, m = mp % g0->M, sx = mp / g0->M * g0->sw;
        uint64_t b = (uint64_t)mp / C, col = (uint64_t)mp % C;
        for (int64_t ci = 0; ci < g0->C; ci++) {
            const int8_t *src = w + (m * g0->C + ci) * g0->kh * g0->kw;
            for (int64_t ky = 0; ky < g0->kh; ky++)
                for (int64_t kx = 0; kx < g0->kw; kx++) {
                    uint64_t l, t; /* lane and tap (plain or packed) */
                    lw_pack_lane(ln, ky, kx + sx, ci, &l, &t);
                    uint64_t k = l / R, lane = l % R;
                    int8_t wv = src[ky * g0->kw + kx];
                    S += wv;
                    pk[((b * nci + k) * taps + t) * R * C + lane * C + col] = (uint8_t)wv;
                }
        }
        put_record(rec + 16 * mp, bias ? bias[m] : 0, v.qp.zx, S, v.qp.ch[m]);
    }
    v.woff = lw_add_const(c, pk, wbytes), v.poff = lw_add_const(c, rec, nco * C * 16);
    free(pk);
    free(rec);

    /* Stationary weights and records are ring-placed (ring_place), so the next layers'
     * loads need not wait for this layer. */
    uint64_t wgt = c->p->wgt_buf_bytes, prm = c->p->param_buf_records;
    v.wbase = ln->wgt_all ? ring_place(&c->ring_wgt, wbytes, wgt, R * C) : 0;
    v.pbase =
        ln->param_all ? ring_place(&c->ring_param, nco * C + (ln->fuse_add ? 2 : 0), prm, 1) : 0;
    if (ln->wgt_all)
        lw_load_flat(c, v.node, DPU_BUF_WGT, DPU_REGION_CONST, v.woff, wbytes, v.wbase,
                     (uint32_t)(R * C));
    else {
        v.nslots = blk <= wgt / 2 ? 2 : 1;
        v.whalf = v.nslots == 2 ? wgt / 2 / C * C : 0;
        uint64_t room = v.nslots == 2 ? v.whalf : wgt;
        v.kc = room / blk < nci ? room / blk : nci;
        if (v.kc < 1)
            lw_ice(c, "node '%s': one weight block does not fit WGT", gn->name);
        /* When whole output blocks fit a slot (and their records are all in PARAM), a chunk
         * takes up to CHUNK_BLOCKS of them: every LOAD pays the DDR latency and every slot
         * reuse waits for the CONVs' drain, per chunk rather than per block. More blocks
         * would make the first chunk, which nothing in the layer hides, longer. */
        v.bc = v.kc == nci && ln->param_all ? room / (nci * blk) : 1;
        if (v.bc > CHUNK_BLOCKS)
            v.bc = CHUNK_BLOCKS;
        if (v.bc > nco)
            v.bc = nco;
        v.nchunks = (nco + v.bc - 1) / v.bc * ((nci + v.kc - 1) / v.kc);
    }
    if (ln->param_all)
        lw_load_flat(c, v.node, DPU_BUF_PARAM, DPU_REGION_CONST, v.poff, nco * C * 16, v.pbase * 16,
                     16);
    const struct lw_tensor *y = &c->tensors[gn->outputs[0]];
    if (ln->fuse_add) { /* the Add's records go next to the conv's own */
        const struct dpu_gnode *an = &c->g->nodes[ln->add_node];
        if ((err = dpu_qplan_add(c->g, an, &v.qa, c->d)))
            return err;
        v.kop = an->inputs[0] == gn->outputs[0] ? 0 : 1;
        v.skip = &c->tensors[an->inputs[1 - v.kop]];
        y = &c->tensors[an->outputs[0]];
        uint64_t lo = ln->param_all ? v.pbase : 0, hi = ln->param_all ? v.pbase + nco * C : 2 * C;
        if (hi + 2 <= prm)
            v.aparam = hi;
        else if (lo >= 2)
            v.aparam = lo - 2;
        else
            lw_ice(c, "node '%s': no PARAM room for the fused Add's records", gn->name);
        uint8_t ar[32];
        put_mrec(ar, v.qa.Ma, v.qa.s);
        put_mrec(ar + 16, v.qa.Mb, 0);
        lw_load_flat(c, v.node, DPU_BUF_PARAM, DPU_REGION_CONST, lw_add_const(c, ar, sizeof ar),
                     sizeof ar, v.aparam * 16, 16);
    }

    struct tbufs tb = tile_bufs(c, n);
    const struct lw_tensor *x = &c->tensors[gn->inputs[0]];
    /* A resident input (pass resident: a stride-1 flat or unpadded convolution) is read where
     * it lives; a resident output is written where it lives, with the tensor's pixel stride. */
    v.ipix = x->resident ? x->act_ps : v.pix;
    v.irow =
        x->resident ? (uint64_t)g->W * x->act_ps : (uint64_t)(tg->left + tg->W + tg->right) * v.pix;
    /* Pairs: one output pixel of the tile is two of the tensor's (lw_pair.c). */
    uint64_t two = ln->pair ? 2 : 1;
    if (ln->pair &&
        (y->pstride != (uint64_t)ln->g1.M || (y->resident && y->act_ps != (uint64_t)ln->g1.M)))
        lw_ice(c, "node '%s': pairs of output pixels over a tensor of another pixel stride",
               gn->name);
    v.ostride = y->resident ? two * y->act_ps : v.opix;
    if ((y->resident && ln->fuse_add && y->act_ps != v.opix) ||
        (v.skip && v.skip->resident && v.skip->act_ps != v.opix))
        lw_ice(c, "node '%s': fused Add over resident tensors of another pixel stride", gn->name);
    uint64_t ntiles = (uint64_t)(g->N * ((g->OH + ln->band - 1) / ln->band)), q = 0;
    if (!ln->wgt_all)
        load_chunk(&v, 0);
    for (uint64_t k = 0; k < ntiles; k++) {
        int64_t img, oy0, bh;
        band_of(ln, k, &img, &oy0, &bh);
        uint64_t in = x->resident ? res_row(x, img, oy0 * g->sh, g->H, g->W) : tin(&tb, k);
        uint64_t out =
            y->resident ? res_row(y, img, oy0, g->OH, g->OW * (int64_t)two) : tout(&tb, k);
        uint64_t skip =
            v.skip && v.skip->resident ? res_row(v.skip, img, oy0, g->OH, g->OW) : tskip(&tb, k);
        load_tile_input(c, v.node, x, ln, &tb, k, ntiles, v.pix, v.qp.zx);
        if (ln->fuse_add && !v.skip->resident)
            load_skip(&v, img, oy0, bh, skip);
        if (ln->wgt_all) {
            for (uint64_t b = 0; b < nco; b++) {
                if (!ln->param_all) /* this block's records, in PARAM half b % 2 */
                    lw_load_flat(c, v.node, DPU_BUF_PARAM, DPU_REGION_CONST, v.poff + b * C * 16,
                                 C * 16, (b % 2) * C * 16, 16);
                emit_convs(&v, b, 0, nci, v.wbase + b * nci * blk, in, out, bh);
            }
        } else {
            for (uint64_t j = 0; j < v.nchunks; j++, q++) {
                if (q + 1 < ntiles * v.nchunks) /* the next chunk loads while this one runs */
                    load_chunk(&v, q + 1);
                uint64_t b, nb, k0, k1;
                chunk_of(&v, j, &b, &nb, &k0, &k1);
                for (uint64_t i = 0; i < nb; i++)
                    emit_convs(&v, b + i, k0, k1, (q % v.nslots) * v.whalf + i * nci * blk, in, out,
                               bh);
            }
        }
        if (ln->fuse_add)
            eltw_tile(&v, out, skip, bh);
        if (!y->resident)
            save_band(c, v.node, y, two * y->pstride, g, img, oy0, bh, out, v.opix, g->M);
    }
    dpu_qp_conv_free(&v.qp);
    return 0;
}

int lw_isel_dw(struct lw_ctx *c, size_t n)
{
    const struct dpu_gnode *gn = &c->g->nodes[n];
    const struct lw_node *ln = &c->nodes[n];
    const struct lw_geom *g = &ln->g;
    struct dpu_qp_conv qp;
    int err = dpu_qplan_conv(c->g, gn, &qp, c->d);
    if (err)
        return err;
    uint64_t R = c->R, taps = (uint64_t)g->kh * (uint64_t)g->kw;
    uint64_t cpad = lw_round_up((uint64_t)g->C, R), nvec = cpad / R;
    const int8_t *w = c->g->tensors[gn->inputs[1]].data;
    const int32_t *bias = bias_of(c, gn);
    uint8_t *pk = calloc(nvec * taps * R, 1), *rec = calloc(cpad, 16);
    if (!pk || !rec)
        lw_ice(c, "out of memory packing weights");
    for (int64_t ch = 0; ch < g->C; ch++) {
        int64_t S = 0;
        uint64_t v = (uint64_t)ch / R, l = (uint64_t)ch % R;
        for (uint64_t t = 0; t < taps; t++) {
            int8_t wv = w[ch * (int64_t)taps + (int64_t)t];
            S += wv;
            pk[(v * taps + t) * R + l] = (uint8_t)wv;
        }
        put_record(rec + 16 * ch, bias ? bias[ch] : 0, qp.zx, S, qp.ch[ch]);
    }
    uint64_t woff = lw_add_const(c, pk, nvec * taps * R), poff = lw_add_const(c, rec, cpad * 16);
    free(pk);
    free(rec);
    int node = (int)n;
    uint64_t wbytes = nvec * taps * R, wgt = c->p->wgt_buf_bytes;
    uint64_t prm = c->p->param_buf_records;
    uint64_t wbase = ring_place(&c->ring_wgt, wbytes, wgt, R * c->C);
    uint64_t pbase = ring_place(&c->ring_param, cpad, prm, 1);
    lw_load_flat(c, node, DPU_BUF_WGT, DPU_REGION_CONST, woff, wbytes, wbase, (uint32_t)R);
    lw_load_flat(c, node, DPU_BUF_PARAM, DPU_REGION_CONST, poff, cpad * 16, pbase * 16, 16);
    uint64_t wp = (uint64_t)(g->left + g->W + g->right);
    struct tbufs tb = tile_bufs(c, n);
    const struct lw_tensor *x = &c->tensors[gn->inputs[0]], *y = &c->tensors[gn->outputs[0]];
    uint64_t ntiles = (uint64_t)(g->N * ((g->OH + ln->band - 1) / ln->band));
    for (uint64_t k = 0; k < ntiles; k++) {
        int64_t img, oy0, bh;
        band_of(ln, k, &img, &oy0, &bh);
        load_tile_input(c, node, x, ln, &tb, k, ntiles, cpad, qp.zx);
        dpu_insn *i = lw_new_insn(c, node, DPU_OP_DWCONV);
        LW_SET(c, i, dwconv, kh, g->kh);
        LW_SET(c, i, dwconv, kw, g->kw);
        LW_SET(c, i, dwconv, stride_h, g->sh);
        LW_SET(c, i, dwconv, stride_w, g->sw);
        LW_SET(c, i, dwconv, dil_h, g->dh);
        LW_SET(c, i, dwconv, dil_w, g->dw);
        LW_SET(c, i, dwconv, oh, bh);
        LW_SET(c, i, dwconv, ow, g->OW);
        LW_SET(c, i, dwconv, nvec, nvec);
        if (x->resident) {
            /* The band's rows where the tensor lives; the border is implicit padding that
             * reads as the zero point, as the band LOAD's padding would. */
            int64_t iw = (g->OW - 1) * g->sw + (g->kw - 1) * g->dw + 1;
            int64_t r0, r1, ptop, pbot;
            lw_band_rows(g, oy0, bh, &r0, &r1, &ptop, &pbot);
            int64_t right = iw - g->left - g->W;
            LW_SET(c, i, dwconv, act_addr, res_row(x, img, r0, g->H, g->W));
            LW_SET(c, i, dwconv, act_col_stride, x->act_ps);
            LW_SET(c, i, dwconv, act_row_stride, (uint64_t)g->W * x->act_ps);
            LW_SET(c, i, dwconv, pad_top, ptop);
            LW_SET(c, i, dwconv, pad_bottom, pbot);
            LW_SET(c, i, dwconv, pad_left, g->left);
            LW_SET(c, i, dwconv, pad_right, right > 0 ? right : 0);
            LW_SET(c, i, dwconv, pad_value, qp.zx);
        } else {
            LW_SET(c, i, dwconv, act_addr, tin(&tb, k));
            LW_SET(c, i, dwconv, act_col_stride, cpad);
            LW_SET(c, i, dwconv, act_row_stride, wp * cpad);
        }
        LW_SET(c, i, dwconv, wgt_addr, wbase);
        LW_SET(c, i, dwconv, param_addr, pbase);
        LW_SET(c, i, dwconv, out_zp, qp.zy);
        LW_SET(c, i, dwconv, clamp_lo, qp.lo);
        LW_SET(c, i, dwconv, clamp_hi, qp.hi);
        LW_SET(c, i, dwconv, out_addr,
               y->resident ? res_row(y, img, oy0, g->OH, g->OW) : tout(&tb, k));
        LW_SET(c, i, dwconv, out_pstride, y->resident ? y->act_ps : cpad);
        if (!y->resident)
            save_band(c, node, y, y->pstride, g, img, oy0, bh, tout(&tb, k), cpad, g->C);
    }
    dpu_qp_conv_free(&qp);
    return 0;
}
