/* The input band of a convolution packed over kr > 1 kernel rows (lw_pack.c): per packed row
 * q of the band, one LOAD whose rows are the output columns whose window lies inside the
 * input row (lw_pack_interior) and whose columns are the kernel rows r: column r of row ox
 * is the run of kw*C bytes x[q*u - top + r*dh][ox*sw - left ..] into lanes r*kw*C.. of packed
 * pixel ox. Its padding writes the input zero point exactly where the window leaves the input:
 * pad_top / pad_bottom are the border columns (all their lanes), pad_left / pad_right the
 * kernel rows above / below the input. Then one LOAD per border column copies the part of its
 * window inside the row, for the kernel rows inside the input, over that padding.
 *
 * A LOAD column always fills its whole slot, so the kernel rows must be the LOAD's columns
 * (kw*C-byte slots side by side) and the output columns its rows (pix apart): a LOAD per
 * kernel row over all columns would overwrite its neighbours' lanes with its slot's tail.
 * The lanes beyond kr*kw*C up to pix are not written: they meet zero weights.
 *
 * Gathered in pieces (ln->pack_piece, load_pieces below), the packed rows all of whose kernel
 * rows are inside the input take kr * ceil(kw/sw) LOADs of one long DDR run each instead, and
 * a kernel row's lanes are ceil(kw/sw)*sw columns wide (lw_pack_slot). */
#include "lower.h"

/* The window of output column ox in its input row: kernel columns [*ka, *kb) lie inside. */
static void col_span(const struct lw_geom *g, int64_t ox, int64_t *ka, int64_t *kb)
{
    int64_t ix0 = ox * g->sw - g->left;
    *ka = ix0 < 0 ? -ix0 : 0;
    *kb = g->W - ix0 < g->kw ? g->W - ix0 : g->kw;
}

/* Border column ox of packed rows qa..qb, kernel rows ra..rb of each (DDR rows apart, kw*C
 * bytes apart on chip): the part of the window inside the row. Each slot is as long as
 * `bytes`, except for a column whose rows are all inside (fold): one slot per kernel row of
 * kw*C bytes, whose tail (pad_value) covers the right padding of this kernel row and the left
 * padding of the next one; the last one's reaches past the kr*kw*C lanes by as much. */
static void load_border(struct lw_ctx *c, int node, const struct lw_tensor *x,
                        const struct lw_node *ln, const struct lw_pack_shape *s, uint64_t img0,
                        int64_t qa, int64_t qb, int ra, int rb, int64_t ox, bool fold,
                        uint64_t base, uint64_t pix, int32_t zx)
{
    const struct lw_geom *g = &ln->g;
    int64_t ka, kb;
    col_span(g, ox, &ka, &kb);
    if (kb <= ka)
        return; /* the whole window is padding */
    uint64_t C = (uint64_t)g->C, seg = (uint64_t)lw_pack_slot(ln) * C, nb = (uint64_t)(kb - ka) * C;
    uint64_t W = (uint64_t)g->W, rs = (uint64_t)lw_pack_width(ln) * pix;
    int64_t iy = qa * s->u - g->top + (int64_t)ra * g->dh;
    dpu_insn *b = lw_new_insn(c, node, DPU_OP_LOAD);
    LW_SET(c, b, load, buf, DPU_BUF_ACT);
    LW_SET(c, b, load, region, x->region);
    LW_SET(c, b, load, pad_value, zx);
    LW_SET(c, b, load, rows, fold ? qb - qa + 1 : rb - ra + 1);
    LW_SET(c, b, load, cols, fold ? rb - ra + 1 : 1);
    LW_SET(c, b, load, bytes, nb);
    LW_SET(c, b, load, sram_col_stride, fold ? seg : nb);
    LW_SET(c, b, load, sram_row_stride, fold ? rs : seg);
    LW_SET(c, b, load, sram_addr,
           base + (uint64_t)ox * pix + (uint64_t)ra * seg + (uint64_t)ka * C);
    LW_SET(c, b, load, ddr_off,
           img0 + ((uint64_t)iy * W + (uint64_t)(ox * g->sw - g->left + ka)) * C);
    LW_SET(c, b, load, ddr_row_stride, fold ? (uint64_t)s->u * W * C : (uint64_t)g->dh * W * C);
    LW_SET(c, b, load, ddr_col_stride, fold ? (uint64_t)g->dh * W * C : C);
}

/* The full packed rows fa..fb (all kernel rows inside the input) gathered in pieces, at base
 * (packed row fa) on chip. Piece j of kernel row r of output column ox is the run of sw*C
 * bytes at input column ox*sw - left + j*sw, into lanes (r*slot + j*sw)*C of packed pixel ox:
 * consecutive columns' pieces are consecutive in DDR, and so are those of consecutive packed
 * rows, Q = u*W/sw packed pixels apart on chip (lw_pack_width). So one LOAD, a column of
 * sw*C bytes per row and one packed pixel per row on chip, moves a piece for the band as one
 * DDR run (at most 1023 pixels at a time: a 10-bit field), running through the packed
 * pixels past OW (never read) and over the border columns with the wrong bytes. Each border
 * column (some piece outside the row) is then rewritten, per kernel row, by one LOAD over the
 * rows: the window's columns inside the row, the others its padding columns. The lanes past
 * kw of a kernel row meet zero weights, whatever they hold. */
static void load_pieces(struct lw_ctx *c, int node, const struct lw_tensor *x,
                        const struct lw_node *ln, const struct lw_pack_shape *s, uint64_t img0,
                        int64_t fa, int64_t fb, uint64_t base, uint64_t pix, int32_t zx)
{
    const struct lw_geom *g = &ln->g;
    int64_t C = g->C, W = g->W, sw = g->sw, Q = lw_pack_width(ln), slot = lw_pack_slot(ln);
    int64_t np = slot / sw, a = 0, b = g->OW - 1;
    for (int64_t r = 0; r < s->kr; r++) {
        int64_t row0 = (fa * s->u - g->top + r * g->dh) * W; /* pixel (row, 0) of packed row fa */
        for (int64_t j = 0; j < np; j++) {
            int64_t lo, hi;
            lw_pack_piece_interior(g, j, &lo, &hi);
            a = lo > a ? lo : a, b = hi < b ? hi : b;
            int64_t last = (fb - fa) * Q + hi;
            for (int64_t i0 = lo; i0 <= last; i0 += 1023) {
                int64_t n = last - i0 + 1 < 1023 ? last - i0 + 1 : 1023;
                dpu_insn *i = lw_new_insn(c, node, DPU_OP_LOAD);
                LW_SET(c, i, load, buf, DPU_BUF_ACT);
                LW_SET(c, i, load, region, x->region);
                LW_SET(c, i, load, rows, n);
                LW_SET(c, i, load, cols, 1);
                LW_SET(c, i, load, bytes, sw * C);
                LW_SET(c, i, load, sram_col_stride, sw * C);
                LW_SET(c, i, load, sram_row_stride, pix);
                LW_SET(c, i, load, sram_addr,
                       base + (uint64_t)i0 * pix + (uint64_t)((r * slot + j * sw) * C));
                LW_SET(c, i, load, ddr_off,
                       img0 + (uint64_t)((row0 + i0 * sw - g->left + j * sw) * C));
                LW_SET(c, i, load, ddr_row_stride, sw * C);
                LW_SET(c, i, load, ddr_col_stride, sw * C);
            }
        }
    }
    /* The border columns: outside [a, b], where every piece is inside. */
    for (int64_t ox = a == 0 ? b + 1 : 0; ox < g->OW; ox = ox + 1 == a ? b + 1 : ox + 1) {
        int64_t ka, kb;
        col_span(g, ox, &ka, &kb);
        if (kb <= ka)
            lw_ice(c, "output column %lld of a gather in pieces reads no input", (long long)ox);
        for (int64_t r = 0; r < s->kr; r++)
            for (int64_t q = fa; q <= fb; q += 1023) {
                int64_t n = fb - q + 1 < 1023 ? fb - q + 1 : 1023;
                int64_t iy = q * s->u - g->top + r * g->dh;
                dpu_insn *i = lw_new_insn(c, node, DPU_OP_LOAD);
                LW_SET(c, i, load, buf, DPU_BUF_ACT);
                LW_SET(c, i, load, region, x->region);
                LW_SET(c, i, load, pad_value, zx);
                LW_SET(c, i, load, pad_left, ka);
                LW_SET(c, i, load, pad_right, g->kw - kb);
                LW_SET(c, i, load, rows, n);
                LW_SET(c, i, load, cols, kb - ka);
                LW_SET(c, i, load, bytes, C);
                LW_SET(c, i, load, sram_col_stride, C);
                LW_SET(c, i, load, sram_row_stride, (uint64_t)Q * pix);
                LW_SET(c, i, load, sram_addr,
                       base + (uint64_t)(q - fa) * (uint64_t)Q * pix + (uint64_t)ox * pix +
                           (uint64_t)(r * slot * C));
                LW_SET(c, i, load, ddr_off,
                       img0 + (uint64_t)((iy * W + ox * sw - g->left + ka) * C));
                LW_SET(c, i, load, ddr_row_stride, (uint64_t)(s->u * W * C));
                LW_SET(c, i, load, ddr_col_stride, C);
            }
    }
}

void lw_load_packed_rows(struct lw_ctx *c, int node, const struct lw_tensor *x,
                         const struct lw_node *ln, int64_t img, int64_t oy0, int64_t bh,
                         uint64_t pix, int32_t zx, uint64_t sram)
{
    const struct lw_geom *g = &ln->g;
    struct lw_pack_shape s;
    int64_t lo, hi;
    lw_pack_interior(g, &lo, &hi);
    if (!lw_pack_shape(g, ln->pack_kr, &s) || x->pstride != (uint64_t)g->C || hi < lo)
        lw_ice(c, "row-packed convolution over a non-dense input or without interior columns");
    /* seg: the bytes of a kernel row's window in DDR; slot: its lanes on chip (with pieces,
     * ceil(kw/sw)*sw columns: the load's tail fills the columns past kw). */
    uint64_t C = (uint64_t)g->C, seg = (uint64_t)g->kw * C, rs = (uint64_t)lw_pack_width(ln) * pix;
    uint64_t slot = (uint64_t)lw_pack_slot(ln) * C;
    uint64_t img0 = x->off + (uint64_t)img * (uint64_t)g->H * (uint64_t)g->W * C;
    uint64_t rstride = (uint64_t)g->dh * (uint64_t)g->W * C; /* next kernel row in DDR */
    int64_t q0 = oy0 * s.sh, q1 = q0 + (bh - 1) * s.sh + (int64_t)(s.taps - 1) * s.dh;
    int64_t fa = -1, fb = -2; /* the packed rows all of whose kernel rows are inside */
    for (int64_t q = q0; q <= q1; q++) {
        int ra, rb;
        if (!lw_pack_row_span(g, &s, q, &ra, &rb))
            lw_ice(c, "packed row %lld reads no input row", (long long)q);
        bool full = ra == 0 && rb == s.kr - 1;
        if (full)
            fa = fa < 0 ? q : fa, fb = q;
        if (full && ln->pack_piece)
            continue;                                        /* load_pieces */
        int64_t iy = q * s.u - g->top + (int64_t)ra * g->dh; /* first input row read */
        uint64_t row = sram + (uint64_t)(q - q0) * rs;
        dpu_insn *i = lw_new_insn(c, node, DPU_OP_LOAD);
        LW_SET(c, i, load, buf, DPU_BUF_ACT);
        LW_SET(c, i, load, region, x->region);
        LW_SET(c, i, load, pad_value, zx);
        LW_SET(c, i, load, pad_top, lo);
        LW_SET(c, i, load, pad_bottom, g->OW - 1 - hi);
        LW_SET(c, i, load, pad_left, ra);
        LW_SET(c, i, load, pad_right, s.kr - 1 - rb);
        LW_SET(c, i, load, rows, hi - lo + 1);
        LW_SET(c, i, load, cols, rb - ra + 1);
        LW_SET(c, i, load, bytes, seg);
        LW_SET(c, i, load, sram_col_stride, slot);
        LW_SET(c, i, load, sram_row_stride, pix);
        LW_SET(c, i, load, sram_addr, row);
        LW_SET(c, i, load, ddr_off,
               img0 + ((uint64_t)iy * (uint64_t)g->W + (uint64_t)(lo * g->sw - g->left)) * C);
        LW_SET(c, i, load, ddr_row_stride, (uint64_t)g->sw * C);
        LW_SET(c, i, load, ddr_col_stride, rstride);
        if (full)
            continue;
        for (int64_t ox = lo == 0 ? hi + 1 : 0; ox < g->OW; ox = ox + 1 == lo ? hi + 1 : ox + 1)
            load_border(c, node, x, ln, &s, img0, q, q, ra, rb, ox, false, row, pix, zx);
    }
    if (ln->pack_piece) {
        if (fa >= 0)
            load_pieces(c, node, x, ln, &s, img0, fa, fb, sram + (uint64_t)(fa - q0) * rs, pix, zx);
        return;
    }
    /* The full rows' border columns: one LOAD each when the last slot's tail stays in the
     * packed pixel, else one per row. */
    for (int64_t ox = lo == 0 ? hi + 1 : 0; fa >= 0 && ox < g->OW;
         ox = ox + 1 == lo ? hi + 1 : ox + 1) {
        int64_t ka, kb;
        col_span(g, ox, &ka, &kb);
        bool fold = (uint64_t)s.kr * slot + (uint64_t)ka * C <= pix;
        int64_t step = fold ? 1023 : 1; /* rows of one LOAD: a 10-bit field */
        for (int64_t q = fa; q <= fb; q += step) {
            int64_t qe = q + step - 1 < fb ? q + step - 1 : fb;
            load_border(c, node, x, ln, &s, img0, q, qe, 0, s.kr - 1, ox, fold,
                        sram + (uint64_t)(q - q0) * rs, pix, zx);
        }
    }
}
