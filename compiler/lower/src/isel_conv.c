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

/* Bytes of ACT used by the padded input of a band of bh output rows. */
static uint64_t band_in_bytes(const struct lw_geom *g, int64_t bh, uint64_t pix)
{
    uint64_t rows = (uint64_t)((bh - 1) * g->sh + (g->kh - 1) * g->dh + 1);
    return rows * (uint64_t)(g->left + g->W + g->right) * pix;
}

static void load_band(struct lw_ctx *c, int node, const struct lw_tensor *x,
                      const struct lw_geom *g, int64_t img, int64_t oy0, int64_t bh, uint64_t pix,
                      int32_t zx)
{
    int64_t iy0 = oy0 * g->sh - g->top;
    int64_t iy1 = (oy0 + bh - 1) * g->sh - g->top + (g->kh - 1) * g->dh;
    int64_t ptop = iy0 < 0 ? -iy0 : 0, pbot = iy1 > g->H - 1 ? iy1 - (g->H - 1) : 0;
    int64_t r0 = iy0 < 0 ? 0 : iy0, r1 = iy1 > g->H - 1 ? g->H - 1 : iy1;
    if (r1 < r0)
        lw_ice(c, "band at output row %lld reads no input row", (long long)oy0);
    uint64_t ps = x->pstride, wp = (uint64_t)(g->left + g->W + g->right);
    dpu_insn *i = lw_new_insn(c, node, DPU_OP_LOAD);
    LW_SET(c, i, load, buf, DPU_BUF_ACT);
    LW_SET(c, i, load, region, x->region);
    LW_SET(c, i, load, pad_top, ptop);
    LW_SET(c, i, load, pad_bottom, pbot);
    LW_SET(c, i, load, pad_left, g->left);
    LW_SET(c, i, load, pad_right, g->right);
    LW_SET(c, i, load, pad_value, zx);
    LW_SET(c, i, load, rows, r1 - r0 + 1);
    LW_SET(c, i, load, cols, g->W);
    LW_SET(c, i, load, ddr_off,
           x->off + ((uint64_t)img * (uint64_t)g->H + (uint64_t)r0) * (uint64_t)g->W * ps);
    LW_SET(c, i, load, ddr_row_stride, (uint64_t)g->W * ps);
    LW_SET(c, i, load, ddr_col_stride, ps);
    LW_SET(c, i, load, bytes, g->C);
    LW_SET(c, i, load, sram_col_stride, pix);
    LW_SET(c, i, load, sram_addr, 0);
    LW_SET(c, i, load, sram_row_stride, wp * pix);
}

static void save_band(struct lw_ctx *c, int node, const struct lw_tensor *y,
                      const struct lw_geom *g, int64_t img, int64_t oy0, int64_t bh, uint64_t obase,
                      uint64_t opix)
{
    uint64_t ps = y->pstride;
    dpu_insn *i = lw_new_insn(c, node, DPU_OP_SAVE);
    LW_SET(c, i, save, buf, DPU_SAVEBUF_ACT);
    LW_SET(c, i, save, region, y->region);
    LW_SET(c, i, save, rows, bh);
    LW_SET(c, i, save, cols, g->OW);
    LW_SET(c, i, save, bytes, g->M);
    LW_SET(c, i, save, ddr_off,
           y->off + ((uint64_t)img * (uint64_t)g->OH + (uint64_t)oy0) * (uint64_t)g->OW * ps);
    LW_SET(c, i, save, ddr_row_stride, (uint64_t)g->OW * ps);
    LW_SET(c, i, save, ddr_col_stride, ps);
    LW_SET(c, i, save, sram_col_stride, opix);
    LW_SET(c, i, save, sram_addr, obase);
    LW_SET(c, i, save, sram_row_stride, (uint64_t)g->OW * opix);
}

int lw_isel_conv(struct lw_ctx *c, size_t n)
{
    const struct dpu_gnode *gn = &c->g->nodes[n];
    const struct lw_node *ln = &c->nodes[n];
    const struct lw_geom *g = &ln->g;
    struct dpu_qp_conv qp;
    int err = dpu_qplan_conv(c->g, gn, &qp, c->d);
    if (err)
        return err;
    uint64_t R = c->R, C = c->C, taps = (uint64_t)g->kh * (uint64_t)g->kw;
    uint64_t nci = lw_round_up((uint64_t)g->C, R) / R, nco = lw_round_up((uint64_t)g->M, C) / C;
    uint64_t blk = taps * R * C, wbytes = nco * nci * blk;
    const int8_t *w = c->g->tensors[gn->inputs[1]].data;
    const int32_t *bias = bias_of(c, gn);

    /* CONST: weights, then records. */
    uint8_t *pk = calloc(wbytes, 1), *rec = calloc(nco * C, 16);
    if (!pk || !rec)
        lw_ice(c, "out of memory packing weights");
    for (int64_t m = 0; m < g->M; m++) {
        int64_t S = 0;
        for (int64_t ci = 0; ci < g->C; ci++)
            for (uint64_t t = 0; t < taps; t++) {
                int8_t v = w[(m * g->C + ci) * (int64_t)taps + (int64_t)t];
                S += v;
                uint64_t b = (uint64_t)m / C, k = (uint64_t)ci / R;
                pk[((b * nci + k) * taps + t) * R * C + ((uint64_t)ci % R) * C + (uint64_t)m % C] =
                    (uint8_t)v;
            }
        put_record(rec + 16 * m, bias ? bias[m] : 0, qp.zx, S, qp.ch[m]);
    }
    uint64_t woff = lw_add_const(c, pk, wbytes), poff = lw_add_const(c, rec, nco * C * 16);
    free(pk);
    free(rec);

    int node = (int)n;
    if (ln->wgt_all)
        lw_load_flat(c, node, DPU_BUF_WGT, DPU_REGION_CONST, woff, wbytes, 0, (uint32_t)(R * C));
    if (ln->param_all)
        lw_load_flat(c, node, DPU_BUF_PARAM, DPU_REGION_CONST, poff, nco * C * 16, 0, 16);
    uint64_t pix = nci * R, opix = nco * C;
    uint64_t wp = (uint64_t)(g->left + g->W + g->right);
    uint64_t obase = lw_round_up(band_in_bytes(g, ln->band, pix), R);
    const struct lw_tensor *x = &c->tensors[gn->inputs[0]], *y = &c->tensors[gn->outputs[0]];
    for (int64_t img = 0; img < g->N; img++) {
        for (int64_t oy0 = 0; oy0 < g->OH; oy0 += ln->band) {
            int64_t bh = g->OH - oy0 < ln->band ? g->OH - oy0 : ln->band;
            load_band(c, node, x, g, img, oy0, bh, pix, qp.zx);
            for (uint64_t b = 0; b < nco; b++) {
                if (!ln->param_all)
                    lw_load_flat(c, node, DPU_BUF_PARAM, DPU_REGION_CONST, poff + b * C * 16,
                                 C * 16, 0, 16);
                for (uint64_t k = 0; k < nci; k++) {
                    uint64_t waddr = (b * nci + k) * blk;
                    if (!ln->wgt_all) {
                        lw_load_flat(c, node, DPU_BUF_WGT, DPU_REGION_CONST, woff + waddr, blk, 0,
                                     (uint32_t)(R * C));
                        waddr = 0;
                    }
                    dpu_insn *i = lw_new_insn(c, node, DPU_OP_CONV);
                    LW_SET(c, i, conv, accumulate, k > 0);
                    LW_SET(c, i, conv, kh, g->kh);
                    LW_SET(c, i, conv, kw, g->kw);
                    LW_SET(c, i, conv, stride_h, g->sh);
                    LW_SET(c, i, conv, stride_w, g->sw);
                    LW_SET(c, i, conv, dil_h, g->dh);
                    LW_SET(c, i, conv, dil_w, g->dw);
                    LW_SET(c, i, conv, oh, bh);
                    LW_SET(c, i, conv, ow, g->OW);
                    LW_SET(c, i, conv, act_addr, k * R);
                    LW_SET(c, i, conv, act_col_stride, pix);
                    LW_SET(c, i, conv, act_row_stride, wp * pix);
                    LW_SET(c, i, conv, wgt_addr, waddr);
                    LW_SET(c, i, conv, acc_addr, 0);
                    if (k == nci - 1) {
                        LW_SET(c, i, conv, post, 1);
                        LW_SET(c, i, conv, param_addr, ln->param_all ? b * C : 0);
                        LW_SET(c, i, conv, out_zp, qp.zy);
                        LW_SET(c, i, conv, out_addr, obase + b * C);
                        LW_SET(c, i, conv, out_pstride, opix);
                        LW_SET(c, i, conv, clamp_lo, qp.lo);
                        LW_SET(c, i, conv, clamp_hi, qp.hi);
                    }
                }
            }
            save_band(c, node, y, g, img, oy0, bh, obase, opix);
        }
    }
    dpu_qp_conv_free(&qp);
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
    lw_load_flat(c, node, DPU_BUF_WGT, DPU_REGION_CONST, woff, nvec * taps * R, 0, (uint32_t)R);
    lw_load_flat(c, node, DPU_BUF_PARAM, DPU_REGION_CONST, poff, cpad * 16, 0, 16);
    uint64_t wp = (uint64_t)(g->left + g->W + g->right);
    uint64_t obase = lw_round_up(band_in_bytes(g, ln->band, cpad), R);
    const struct lw_tensor *x = &c->tensors[gn->inputs[0]], *y = &c->tensors[gn->outputs[0]];
    for (int64_t img = 0; img < g->N; img++) {
        for (int64_t oy0 = 0; oy0 < g->OH; oy0 += ln->band) {
            int64_t bh = g->OH - oy0 < ln->band ? g->OH - oy0 : ln->band;
            load_band(c, node, x, g, img, oy0, bh, cpad, qp.zx);
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
            LW_SET(c, i, dwconv, act_addr, 0);
            LW_SET(c, i, dwconv, act_col_stride, cpad);
            LW_SET(c, i, dwconv, act_row_stride, wp * cpad);
            LW_SET(c, i, dwconv, wgt_addr, 0);
            LW_SET(c, i, dwconv, param_addr, 0);
            LW_SET(c, i, dwconv, out_zp, qp.zy);
            LW_SET(c, i, dwconv, clamp_lo, qp.lo);
            LW_SET(c, i, dwconv, clamp_hi, qp.hi);
            LW_SET(c, i, dwconv, out_addr, obase);
            LW_SET(c, i, dwconv, out_pstride, cpad);
            save_band(c, node, y, g, img, oy0, bh, obase, cpad);
        }
    }
    dpu_qp_conv_free(&qp);
    return 0;
}
