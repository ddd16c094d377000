/* Instruction selection for grouped Conv2D (1 < group, not depthwise): CONV sequences over
 * channel slices. The node's geometry (pass partition) is that of one group: g.C = Cg =
 * C_in / group input channels, g.M = Mg = M / group outputs, so the band and the buffer
 * checks of lw_geom.c and pass tile are a group's.
 *
 * A sequence covers kg consecutive groups, kg the largest divisor of group whose kg*Cg inputs
 * and kg*Mg outputs take no more array blocks than one group's (small groups share a block,
 * their weights block-diagonal, zeros between groups); its cs = kg*Cg input and ms = kg*Mg
 * output channels are contiguous in NHWC. Per sequence j:
 *
 *   LOAD WGT, PARAM  the sequence's packed weights and records, when they fit at once
 *   per image and band of output rows:
 *     LOAD ACT   the band's input rows of channels [j*cs, (j+1)*cs): DDR offset + j*cs,
 *                bytes = cs, each pixel widened to nci*R bytes (the tail gets z_x and meets
 *                zero weights), padding as for group 1
 *     CONV ...   per output block b, per input block k, as isel_conv.c does for group 1
 *     SAVE       the sequence's ms channels into the output's slice: DDR offset + j*ms
 *
 * Weights: output m (0 <= m < ms) of sequence j, of its group q = m / Mg, reads input lane
 * r = q*Cg + ci; block (b, k), tap t, lane r, column m at
 * j*wg + ((b*nci + k)*taps + t)*R*C + (r % R)*C + m % C (b = m / C, k = r / R; wg the bytes of
 * one sequence), zeros elsewhere; record j*nco*C + m holds output channel j*ms + m
 * (isel_conv.c's record). */
#include <stdlib.h>
#include <string.h>

#include "lower.h"

static void put_le32(uint8_t *p, int32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)((uint32_t)v >> (8 * i));
}

/* bias' = wrap32(bias - z_x * S), M, s: the CONV record (docs/isa.md, CONV). */
static void put_record(uint8_t *rec, int32_t bias, int64_t zx, int64_t S, struct dpu_qp_rq rq)
{
    uint32_t b = (uint32_t)bias - (uint32_t)(uint64_t)(zx * S);
    put_le32(rec, dpu_i32_from_u32(b));
    put_le32(rec + 4, rq.M);
    rec[8] = (uint8_t)rq.s;
}

struct grp {
    const struct lw_geom *g;
    int64_t group, kg, nseq, cs, ms; /* groups per sequence, sequences, channels per sequence */
    uint64_t R, C, taps, nci, nco, blk, wg, pg; /* wg, pg: weight and record bytes per sequence */
    uint64_t pix, opix, wp, obase;
    uint64_t woff, poff;
    bool wgt_all, param_all; /* one group's weights / records stay on chip (pass tile) */
};

static void pack(struct lw_ctx *c, const struct dpu_gnode *gn, const struct dpu_qp_conv *qp,
                 struct grp *G)
{
    const struct lw_geom *g = G->g;
    const int8_t *w = c->g->tensors[gn->inputs[1]].data;
    const int32_t *bias = gn->ninputs > 2 && gn->inputs[2] >= 0
                              ? (const int32_t *)c->g->tensors[gn->inputs[2]].data
                              : NULL;
    uint64_t ng = (uint64_t)G->nseq;
    uint8_t *pk = calloc(ng * G->wg, 1), *rec = calloc(ng * G->pg, 1);
    if (!pk || !rec)
        lw_ice(c, "out of memory packing weights");
    for (int64_t mm = 0; mm < g->M * G->group; mm++) {
        uint64_t j = (uint64_t)(mm / G->ms), m = (uint64_t)(mm % G->ms);
        uint64_t q = m / (uint64_t)g->M; /* the group within the sequence */
        int64_t S = 0;
        for (int64_t ci = 0; ci < g->C; ci++)
            for (uint64_t t = 0; t < G->taps; t++) {
                int8_t v = w[(mm * g->C + ci) * (int64_t)G->taps + (int64_t)t];
                S += v;
                uint64_t r = q * (uint64_t)g->C + (uint64_t)ci;
                uint64_t b = m / G->C, k = r / G->R;
                pk[j * G->wg + ((b * G->nci + k) * G->taps + t) * G->R * G->C + (r % G->R) * G->C +
                   m % G->C] = (uint8_t)v;
            }
        put_record(rec + j * G->pg + 16 * m, bias ? bias[mm] : 0, qp->zx, S, qp->ch[mm]);
    }
    G->woff = lw_add_const(c, pk, ng * G->wg);
    G->poff = lw_add_const(c, rec, ng * G->pg);
    free(pk);
    free(rec);
}

static void load_band(struct lw_ctx *c, int node, const struct lw_tensor *x, const struct grp *G,
                      int64_t j, int64_t img, int64_t oy0, int64_t bh, int32_t zx)
{
    const struct lw_geom *g = G->g;
    int64_t r0, r1, ptop, pbot;
    lw_band_rows(g, oy0, bh, &r0, &r1, &ptop, &pbot);
    if (r1 < r0)
        lw_ice(c, "band at output row %lld reads no input row", (long long)oy0);
    uint64_t ps = x->pstride;
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
           x->off + ((uint64_t)img * (uint64_t)g->H + (uint64_t)r0) * (uint64_t)g->W * ps +
               (uint64_t)(j * G->cs));
    LW_SET(c, i, load, ddr_row_stride, (uint64_t)g->W * ps);
    LW_SET(c, i, load, ddr_col_stride, ps);
    LW_SET(c, i, load, bytes, G->cs);
    LW_SET(c, i, load, sram_col_stride, G->pix);
    LW_SET(c, i, load, sram_addr, 0);
    LW_SET(c, i, load, sram_row_stride, G->wp * G->pix);
}

static void save_band(struct lw_ctx *c, int node, const struct lw_tensor *y, const struct grp *G,
                      int64_t j, int64_t img, int64_t oy0, int64_t bh)
{
    const struct lw_geom *g = G->g;
    uint64_t ps = y->pstride;
    dpu_insn *i = lw_new_insn(c, node, DPU_OP_SAVE);
    LW_SET(c, i, save, buf, DPU_SAVEBUF_ACT);
    LW_SET(c, i, save, region, y->region);
    LW_SET(c, i, save, rows, bh);
    LW_SET(c, i, save, cols, g->OW);
    LW_SET(c, i, save, bytes, G->ms);
    LW_SET(c, i, save, ddr_off,
           y->off + ((uint64_t)img * (uint64_t)g->OH + (uint64_t)oy0) * (uint64_t)g->OW * ps +
               (uint64_t)(j * G->ms));
    LW_SET(c, i, save, ddr_row_stride, (uint64_t)g->OW * ps);
    LW_SET(c, i, save, ddr_col_stride, ps);
    LW_SET(c, i, save, sram_col_stride, G->opix);
    LW_SET(c, i, save, sram_addr, G->obase);
    LW_SET(c, i, save, sram_row_stride, (uint64_t)g->OW * G->opix);
}

/* The CONVs of one band of group j: per output block b, per input block k. */
static void convs(struct lw_ctx *c, int node, const struct grp *G, int64_t j, int64_t bh,
                  const struct dpu_qp_conv *qp)
{
    const struct lw_geom *g = G->g;
    uint64_t R = G->R, C = G->C;
    for (uint64_t b = 0; b < G->nco; b++) {
        if (!G->param_all)
            lw_load_flat(c, node, DPU_BUF_PARAM, DPU_REGION_CONST,
                         G->poff + (uint64_t)j * G->pg + b * C * 16, C * 16, 0, 16);
        for (uint64_t k = 0; k < G->nci; k++) {
            uint64_t waddr = (b * G->nci + k) * G->blk;
            if (!G->wgt_all) {
                lw_load_flat(c, node, DPU_BUF_WGT, DPU_REGION_CONST,
                             G->woff + (uint64_t)j * G->wg + waddr, G->blk, 0, (uint32_t)(R * C));
                waddr = 0;
            }
            dpu_insn *i = lw_new_insn(c, node, DPU_OP_CONV);
            LW_SET(c, i, conv, accumulate, k > 0);
            lw_conv_set_window(c, i, g, bh);
            LW_SET(c, i, conv, act_addr, k * R);
            LW_SET(c, i, conv, act_col_stride, G->pix);
            LW_SET(c, i, conv, act_row_stride, G->wp * G->pix);
            LW_SET(c, i, conv, wgt_addr, waddr);
            LW_SET(c, i, conv, acc_addr, 0);
            if (k == G->nci - 1) {
                lw_conv_set_post(c, i, G->param_all ? b * C : 0, qp, G->obase + b * C, G->opix);
            }
        }
    }
}

int lw_isel_group(struct lw_ctx *c, size_t n)
{
    const struct dpu_gnode *gn = &c->g->nodes[n];
    const struct lw_node *ln = &c->nodes[n];
    struct dpu_qp_conv qp;
    int err = dpu_qplan_conv(c->g, gn, &qp, c->d);
    if (err)
        return err;
    struct grp G = {.g = &ln->g, .group = dpu_node_get_int(gn, "group", 1)};
    const struct lw_geom *g = G.g;
    G.R = c->R, G.C = c->C, G.taps = (uint64_t)g->kh * (uint64_t)g->kw;
    G.nci = lw_round_up((uint64_t)g->C, G.R) / G.R;
    G.nco = lw_round_up((uint64_t)g->M, G.C) / G.C;
    for (G.kg = G.group; G.kg > 1; G.kg--) /* the most groups that fit one group's blocks */
        if (G.group % G.kg == 0 && lw_round_up((uint64_t)(G.kg * g->C), G.R) / G.R == G.nci &&
            lw_round_up((uint64_t)(G.kg * g->M), G.C) / G.C == G.nco)
            break;
    G.nseq = G.group / G.kg, G.cs = G.kg * g->C, G.ms = G.kg * g->M;
    G.blk = G.taps * G.R * G.C, G.wg = G.nco * G.nci * G.blk, G.pg = G.nco * G.C * 16;
    G.pix = G.nci * G.R, G.opix = G.nco * G.C;
    G.wp = (uint64_t)(g->left + g->W + g->right);
    uint64_t in_rows = (uint64_t)((ln->band - 1) * g->sh + (g->kh - 1) * g->dh + 1);
    G.obase = lw_round_up(in_rows * G.wp * G.pix, G.R);
    G.wgt_all = ln->wgt_all, G.param_all = ln->param_all; /* pass tile, for one group */
    if (G.group < 2 || g->C * G.group != c->g->tensors[gn->inputs[0]].dims[1])
        lw_ice(c, "node '%s': group %lld does not split %lld channels", gn->name,
               (long long)G.group, (long long)c->g->tensors[gn->inputs[0]].dims[1]);
    pack(c, gn, &qp, &G);

    int node = (int)n;
    const struct lw_tensor *x = &c->tensors[gn->inputs[0]], *y = &c->tensors[gn->outputs[0]];
    for (int64_t j = 0; j < G.nseq; j++) {
        if (G.wgt_all)
            lw_load_flat(c, node, DPU_BUF_WGT, DPU_REGION_CONST, G.woff + (uint64_t)j * G.wg, G.wg,
                         0, (uint32_t)(G.R * G.C));
        if (G.param_all)
            lw_load_flat(c, node, DPU_BUF_PARAM, DPU_REGION_CONST, G.poff + (uint64_t)j * G.pg,
                         G.pg, 0, 16);
        for (int64_t img = 0; img < g->N; img++)
            for (int64_t oy0 = 0; oy0 < g->OH; oy0 += ln->band) {
                int64_t bh = g->OH - oy0 < ln->band ? g->OH - oy0 : ln->band;
                load_band(c, node, x, &G, j, img, oy0, bh, qp.zx);
                convs(c, node, &G, j, bh, &qp);
                save_band(c, node, y, &G, j, img, oy0, bh);
            }
    }
    dpu_qp_conv_free(&qp);
    return 0;
}
