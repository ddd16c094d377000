/* Instruction selection for the element-wise kinds, over the whole NHWC byte run of the
 * tensor (padding lanes included: they are computed and never read as channels) in chunks
 * that fit ACT:
 *   Add, Mul         LOAD a, LOAD b, ELTW ADD/MUL (in place into a), SAVE
 *   Relu/Relu6/Clip  LOAD x, ELTW ADD of x with itself with M1 = 0: clamp(rq(x - zx) + zy)
 *   LUT activations  LOAD table, LUTLD once; then LOAD x, LUT (in place), SAVE */
#include <string.h>

#include "lower.h"

static void put_rec(uint8_t *rec, int32_t M, int s)
{
    memset(rec, 0, 16);
    for (int i = 0; i < 4; i++)
        rec[4 + i] = (uint8_t)((uint32_t)M >> (8 * i));
    rec[8] = (uint8_t)s;
}

int lw_isel_eltw(struct lw_ctx *c, size_t n)
{
    const struct dpu_gnode *gn = &c->g->nodes[n];
    enum lw_kind kind = c->nodes[n].kind;
    int node = (int)n, err;
    if (c->nodes[n].fused) /* runs on the tiles of the conv producing one input (isel_conv.c) */
        return 0;
    uint64_t R = c->R, act = c->p->act_buf_bytes;
    const struct lw_tensor *a = &c->tensors[gn->inputs[0]], *y = &c->tensors[gn->outputs[0]];
    const struct lw_tensor *b = kind == LW_ELTW ? &c->tensors[gn->inputs[1]] : a;
    if (a->size != y->size || b->size != y->size || y->size % R != 0)
        lw_ice(c, "node '%s': operand sizes differ", gn->name);
    int op = DPU_ELTWOP_ADD;
    int32_t za = 0, zb = 0, zy = 0, lo = -128, hi = 127;
    uint8_t rec[32];
    struct dpu_qp_lut lut;
    uint64_t base = 0, cap;
    if (kind == LW_LUT) {
        if ((err = dpu_qplan_lut(c->g, gn, &lut, c->d)))
            return err;
        uint64_t toff = lw_add_const(c, lut.lut, DPU_LUT_ENTRIES);
        lw_load_flat(c, node, DPU_BUF_ACT, DPU_REGION_CONST, toff, DPU_LUT_ENTRIES, 0,
                     DPU_LUT_ENTRIES);
        dpu_insn *i = lw_new_insn(c, node, DPU_OP_LUTLD);
        LW_SET(c, i, lutld, src_addr, 0);
        base = lw_round_up(DPU_LUT_ENTRIES, R);
        cap = (act - base) / R * R;
    } else {
        if (gn->op == DPU_NODE_ADD) {
            struct dpu_qp_add qp;
            if ((err = dpu_qplan_add(c->g, gn, &qp, c->d)))
                return err;
            za = qp.za, zb = qp.zb, zy = qp.zy, lo = qp.lo, hi = qp.hi;
            put_rec(rec, qp.Ma, qp.s);
            put_rec(rec + 16, qp.Mb, 0);
        } else if (gn->op == DPU_NODE_MUL) {
            struct dpu_qp_mul qp;
            if ((err = dpu_qplan_mul(c->g, gn, &qp, c->d)))
                return err;
            op = DPU_ELTWOP_MUL;
            za = qp.za, zb = qp.zb, zy = qp.zy, lo = qp.lo, hi = qp.hi;
            put_rec(rec, qp.rq.M, qp.rq.s);
            put_rec(rec + 16, 0, 0);
        } else {
            struct dpu_qp_rescale qp;
            if ((err = dpu_qplan_rescale(c->g, gn, &qp, c->d)))
                return err;
            za = zb = qp.zx, zy = qp.zy, lo = qp.lo, hi = qp.hi;
            put_rec(rec, qp.rq.M, qp.rq.s);
            put_rec(rec + 16, 0, 0); /* b is a itself, weighted 0 */
        }
        uint64_t poff = lw_add_const(c, rec, sizeof rec);
        lw_load_flat(c, node, DPU_BUF_PARAM, DPU_REGION_CONST, poff, sizeof rec, 0, 16);
        cap = (kind == LW_ELTW ? act / 2 : act) / R * R;
    }
    uint64_t lenmax = ((UINT64_C(1) << 20) - 1) / R * R;
    if (cap > lenmax)
        cap = lenmax;
    /* Two sets of chunk buffers (ping-pong), so that chunk i+1 loads while chunk i computes
     * and chunk i-1 saves; about 8 chunks when the tensor is large, to overlap most of it. */
    uint64_t set = cap / 2 / R * R, want = lw_round_up((y->size + 7) / 8, R);
    if (set >= R)
        cap = kind == LW_ELTW ? set / 2 / R * R : set;
    if (cap > want && want >= 4096)
        cap = want;
    if (cap < R)
        lw_ice(c, "node '%s': ACT too small for element-wise chunks", gn->name);
    uint64_t base0 = base, k = 0;
    for (uint64_t off = 0; off < y->size; off += cap, k++) {
        uint64_t len = y->size - off < cap ? y->size - off : cap;
        base = base0 + (set >= R ? (k % 2) * set : 0);
        uint64_t boff = kind == LW_ELTW ? base + cap : base;
        lw_load_flat(c, node, DPU_BUF_ACT, a->region, a->off + off, len, base, (uint32_t)R);
        if (kind == LW_ELTW)
            lw_load_flat(c, node, DPU_BUF_ACT, b->region, b->off + off, len, boff, (uint32_t)R);
        dpu_insn *i;
        if (kind == LW_LUT) {
            i = lw_new_insn(c, node, DPU_OP_LUT);
            LW_SET(c, i, lut, in_addr, base);
            LW_SET(c, i, lut, out_addr, base);
            LW_SET(c, i, lut, len, len);
        } else {
            i = lw_new_insn(c, node, DPU_OP_ELTW);
            LW_SET(c, i, eltw, op, op);
            LW_SET(c, i, eltw, a_zp, za);
            LW_SET(c, i, eltw, b_zp, zb);
            LW_SET(c, i, eltw, out_zp, zy);
            LW_SET(c, i, eltw, clamp_lo, lo);
            LW_SET(c, i, eltw, clamp_hi, hi);
            LW_SET(c, i, eltw, a_addr, base);
            LW_SET(c, i, eltw, b_addr, boff);
            LW_SET(c, i, eltw, len, len);
            LW_SET(c, i, eltw, out_addr, base);
            LW_SET(c, i, eltw, param_addr, 0);
        }
        lw_save_flat(c, node, y->region, y->off + off, len, base, (uint32_t)R);
    }
    return 0;
}
