/* Instruction selection for a channel Concat. Inputs written in place by their producers
 * (pass layout) cost nothing here. Every other input is copied on the accelerator into its
 * slice of the output, in chunks of whole pixel rows that fit ACT:
 *
 *   LOAD   rows of the input's pixels (its real channels; the NHWC pixel stride of the input)
 *   ELTW   only when the input's scale or zero point differ from the output's: ADD of x with
 *          itself with M1 = 0, i.e. clamp(rq(x - zx) + zy), in place (the reference's rescale)
 *   SAVE   the same channels at the input's channel offset, with the output's pixel stride
 *
 * Rows of all images are one sequence: row r of image n is row n*H + r, the DDR row stride
 * W * pixel stride on both sides. */
#include <string.h>

#include "dpu/qmath.h"
#include "lower.h"

static void put_rec(uint8_t *rec, int32_t M, int s)
{
    memset(rec, 0, 16);
    for (int i = 0; i < 4; i++)
        rec[4 + i] = (uint8_t)((uint32_t)M >> (8 * i));
    rec[8] = (uint8_t)s;
}

static bool is_identity(const struct dpu_qp_rescale *p)
{
    for (int x = -128; x <= 127; x++)
        if (dpu_sat(dpu_rq(x - p->zx, p->rq.M, p->rq.s) + p->zy, p->lo, p->hi) != x)
            return false;
    return true;
}

static int copy_input(struct lw_ctx *c, size_t n, size_t k, uint64_t choff)
{
    const struct dpu_gnode *gn = &c->g->nodes[n];
    const struct dpu_gtensor *xt = &c->g->tensors[gn->inputs[k]];
    const struct lw_tensor *x = &c->tensors[gn->inputs[k]], *y = &c->tensors[gn->outputs[0]];
    struct dpu_qp_rescale qp;
    int err = dpu_qplan_concat_input(c->g, gn, k, &qp, c->d);
    if (err)
        return err;
    bool rescale = !is_identity(&qp);
    int node = (int)n;
    uint64_t R = c->R, ch = (uint64_t)xt->dims[1], cs = lw_round_up(ch, R);
    uint64_t W = (uint64_t)xt->dims[3], rows = (uint64_t)(xt->dims[0] * xt->dims[2]);
    uint64_t rowb = W * cs, act = c->p->act_buf_bytes;
    uint64_t per = act / rowb, lenmax = (UINT64_C(1) << 20) - 1;
    if (per > 1023)
        per = 1023;
    if (per * rowb > lenmax)
        per = lenmax / rowb;
    if (per < 1 || rowb >= (UINT64_C(1) << 20))
        return lw_node_error(c, n, DPU_E_UNSUPPORTED,
                             "a row of input %zu (%llu bytes) does not fit ACT", k,
                             (unsigned long long)rowb);
    if (rescale) {
        uint8_t rec[32];
        put_rec(rec, qp.rq.M, qp.rq.s);
        put_rec(rec + 16, 0, 0); /* b is a itself, weighted 0 */
        uint64_t poff = lw_add_const(c, rec, sizeof rec);
        lw_load_flat(c, node, DPU_BUF_PARAM, DPU_REGION_CONST, poff, sizeof rec, 0, 16);
    }
    for (uint64_t r0 = 0; r0 < rows; r0 += per) {
        uint64_t r = rows - r0 < per ? rows - r0 : per;
        dpu_insn *i = lw_new_insn(c, node, DPU_OP_LOAD);
        LW_SET(c, i, load, buf, DPU_BUF_ACT);
        LW_SET(c, i, load, region, x->region);
        LW_SET(c, i, load, rows, r);
        LW_SET(c, i, load, cols, W);
        LW_SET(c, i, load, ddr_off, x->off + r0 * W * x->pstride);
        LW_SET(c, i, load, ddr_row_stride, W * x->pstride);
        LW_SET(c, i, load, ddr_col_stride, x->pstride);
        LW_SET(c, i, load, bytes, ch);
        LW_SET(c, i, load, sram_col_stride, cs);
        LW_SET(c, i, load, sram_addr, 0);
        LW_SET(c, i, load, sram_row_stride, rowb);
        if (rescale) {
            i = lw_new_insn(c, node, DPU_OP_ELTW);
            LW_SET(c, i, eltw, op, DPU_ELTWOP_ADD);
            LW_SET(c, i, eltw, a_zp, qp.zx);
            LW_SET(c, i, eltw, b_zp, qp.zx);
            LW_SET(c, i, eltw, out_zp, qp.zy);
            LW_SET(c, i, eltw, clamp_lo, qp.lo);
            LW_SET(c, i, eltw, clamp_hi, qp.hi);
            LW_SET(c, i, eltw, a_addr, 0);
            LW_SET(c, i, eltw, b_addr, 0);
            LW_SET(c, i, eltw, len, r * rowb);
            LW_SET(c, i, eltw, out_addr, 0);
            LW_SET(c, i, eltw, param_addr, 0);
        }
        i = lw_new_insn(c, node, DPU_OP_SAVE);
        LW_SET(c, i, save, buf, DPU_SAVEBUF_ACT);
        LW_SET(c, i, save, region, y->region);
        LW_SET(c, i, save, rows, r);
        LW_SET(c, i, save, cols, W);
        LW_SET(c, i, save, bytes, ch);
        LW_SET(c, i, save, ddr_off, y->off + choff + r0 * W * y->pstride);
        LW_SET(c, i, save, ddr_row_stride, W * y->pstride);
        LW_SET(c, i, save, ddr_col_stride, y->pstride);
        LW_SET(c, i, save, sram_col_stride, cs);
        LW_SET(c, i, save, sram_addr, 0);
        LW_SET(c, i, save, sram_row_stride, rowb);
    }
    return 0;
}

int lw_isel_concat(struct lw_ctx *c, size_t n)
{
    const struct dpu_gnode *gn = &c->g->nodes[n];
    uint64_t choff = 0;
    for (size_t k = 0; k < gn->ninputs; k++) {
        const struct lw_tensor *x = &c->tensors[gn->inputs[k]];
        if (x->in_place && x->alias == gn->outputs[0]) { /* written there by its producer */
            if (x->alias_off != choff)
                lw_ice(c, "node '%s': input %zu is not in its slice", gn->name, k);
        } else { /* a copy, also of a tensor written in place into another Concat */
            int err = copy_input(c, n, k, choff);
            if (err)
                return err;
        }
        choff += (uint64_t)c->g->tensors[gn->inputs[k]].dims[1];
    }
    return 0;
}
