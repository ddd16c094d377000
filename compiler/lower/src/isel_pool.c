/* Instruction selection for MaxPool, AvgPool and GlobalAvgPool: POOL over bands of output
 * rows. Padding is never stored: the input rows of the band are loaded as they are, and the
 * POOL's valid rectangle tells which window positions exist (docs/isa.md, POOL). */
#include <string.h>

#include "lower.h"

int lw_isel_pool(struct lw_ctx *c, size_t n)
{
    const struct dpu_gnode *gn = &c->g->nodes[n];
    const struct lw_node *ln = &c->nodes[n];
    const struct lw_geom *g = &ln->g;
    int32_t zx, zy;
    struct dpu_qp_rq rq;
    bool max = gn->op == DPU_NODE_MAX_POOL;
    if (max) {
        struct dpu_qp_rescale qp;
        int err = dpu_qplan_rescale(c->g, gn, &qp, c->d);
        if (err)
            return err;
        zx = qp.zx, zy = qp.zy, rq = qp.rq;
    } else {
        struct dpu_qp_avgpool qp;
        int err = dpu_qplan_avgpool(c->g, gn, &qp, c->d);
        if (err)
            return err;
        zx = qp.zx, zy = qp.zy, rq = qp.rq;
    }
    uint8_t rec[16] = {0};
    for (int i = 0; i < 4; i++)
        rec[4 + i] = (uint8_t)((uint32_t)rq.M >> (8 * i));
    rec[8] = (uint8_t)rq.s;
    int node = (int)n;
    uint64_t poff = lw_add_const(c, rec, 16);
    lw_load_flat(c, node, DPU_BUF_PARAM, DPU_REGION_CONST, poff, 16, 0, 16);

    uint64_t R = c->R, cpad = lw_round_up((uint64_t)g->C, R);
    int64_t max_rows = (ln->band - 1) * (int64_t)g->sh + g->kh;
    if (max_rows > g->H)
        max_rows = g->H;
    uint64_t obase = lw_round_up((uint64_t)max_rows * (uint64_t)g->W * cpad, R);
    const struct lw_tensor *x = &c->tensors[gn->inputs[0]], *y = &c->tensors[gn->outputs[0]];
    uint64_t ps = x->pstride, ys = y->pstride;
    for (int64_t img = 0; img < g->N; img++) {
        for (int64_t oy0 = 0; oy0 < g->OH; oy0 += ln->band) {
            int64_t bh = g->OH - oy0 < ln->band ? g->OH - oy0 : ln->band;
            int64_t first = oy0 * g->sh - g->top;
            int64_t last = (oy0 + bh - 1) * g->sh + g->kh - 1 - g->top;
            int64_t r0 = first < 0 ? 0 : first, r1 = last > g->H - 1 ? g->H - 1 : last;
            if (r1 < r0)
                lw_ice(c, "pool band at row %lld reads no input row", (long long)oy0);
            dpu_insn *i = lw_new_insn(c, node, DPU_OP_LOAD);
            LW_SET(c, i, load, buf, DPU_BUF_ACT);
            LW_SET(c, i, load, region, x->region);
            LW_SET(c, i, load, rows, r1 - r0 + 1);
            LW_SET(c, i, load, cols, g->W);
            LW_SET(c, i, load, ddr_off,
                   x->off + ((uint64_t)img * (uint64_t)g->H + (uint64_t)r0) * (uint64_t)g->W * ps);
            LW_SET(c, i, load, ddr_row_stride, (uint64_t)g->W * ps);
            LW_SET(c, i, load, ddr_col_stride, ps);
            LW_SET(c, i, load, bytes, g->C);
            LW_SET(c, i, load, sram_col_stride, cpad);
            LW_SET(c, i, load, sram_addr, 0);
            LW_SET(c, i, load, sram_row_stride, (uint64_t)g->W * cpad);

            i = lw_new_insn(c, node, DPU_OP_POOL);
            LW_SET(c, i, pool, mode, max ? DPU_POOLMODE_MAX : DPU_POOLMODE_AVG);
            LW_SET(c, i, pool, kh, g->kh);
            LW_SET(c, i, pool, kw, g->kw);
            LW_SET(c, i, pool, stride_h, g->sh);
            LW_SET(c, i, pool, stride_w, g->sw);
            LW_SET(c, i, pool, oh, bh);
            LW_SET(c, i, pool, ow, g->OW);
            LW_SET(c, i, pool, in_addr, 0);
            LW_SET(c, i, pool, in_row_stride, (uint64_t)g->W * cpad);
            LW_SET(c, i, pool, in_col_stride, cpad);
            LW_SET(c, i, pool, out_addr, obase);
            LW_SET(c, i, pool, out_pstride, cpad);
            LW_SET(c, i, pool, nvec, cpad / R);
            LW_SET(c, i, pool, param_addr, 0);
            LW_SET(c, i, pool, valid_top, first < 0 ? -first : 0);
            LW_SET(c, i, pool, valid_left, g->left);
            LW_SET(c, i, pool, valid_h, r1 - r0 + 1);
            LW_SET(c, i, pool, valid_w, g->W);
            LW_SET(c, i, pool, in_zp, zx);
            LW_SET(c, i, pool, out_zp, zy);

            i = lw_new_insn(c, node, DPU_OP_SAVE);
            LW_SET(c, i, save, buf, DPU_SAVEBUF_ACT);
            LW_SET(c, i, save, region, y->region);
            LW_SET(c, i, save, rows, bh);
            LW_SET(c, i, save, cols, g->OW);
            LW_SET(c, i, save, bytes, g->C);
            LW_SET(c, i, save, ddr_off,
                   y->off +
                       ((uint64_t)img * (uint64_t)g->OH + (uint64_t)oy0) * (uint64_t)g->OW * ys);
            LW_SET(c, i, save, ddr_row_stride, (uint64_t)g->OW * ys);
            LW_SET(c, i, save, ddr_col_stride, ys);
            LW_SET(c, i, save, sram_col_stride, cpad);
            LW_SET(c, i, save, sram_addr, obase);
            LW_SET(c, i, save, sram_row_stride, (uint64_t)g->OW * cpad);
        }
    }
    return 0;
}
