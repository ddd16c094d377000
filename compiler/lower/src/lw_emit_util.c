/* Building blocks of instruction selection: appending instructions and CONST bytes, checked
 * field stores, and flat LOAD/SAVE of byte runs. */
#include <stdlib.h>
#include <string.h>

#include "lower.h"

dpu_insn *lw_new_insn(struct lw_ctx *c, int node, unsigned opcode)
{
    if (c->ninsns == c->cap_insns) {
        size_t cap = c->cap_insns ? 2 * c->cap_insns : 256;
        struct lw_insn *p = realloc(c->insns, cap * sizeof *p);
        if (!p)
            lw_ice(c, "out of memory for %zu instructions", cap);
        c->insns = p, c->cap_insns = cap;
    }
    struct lw_insn *li = &c->insns[c->ninsns++];
    memset(li, 0, sizeof *li);
    li->node = node;
    dpu_insn_set_opcode(&li->in, opcode);
    return &li->in;
}

uint64_t lw_add_const(struct lw_ctx *c, const void *data, size_t size)
{
    size_t off = (size_t)lw_round_up(c->ncst, 64);
    if (off + size > c->cap_cst) {
        size_t cap = c->cap_cst ? c->cap_cst : 4096;
        while (cap < off + size)
            cap *= 2;
        uint8_t *p = realloc(c->cst, cap);
        if (!p)
            lw_ice(c, "out of memory for %zu CONST bytes", cap);
        c->cst = p, c->cap_cst = cap;
    }
    memset(c->cst + c->ncst, 0, off - c->ncst);
    if (data)
        memcpy(c->cst + off, data, size);
    else
        memset(c->cst + off, 0, size);
    c->ncst = off + size;
    return off;
}

void lw_field_fits(const struct lw_ctx *c, int64_t v, int64_t got, const char *field)
{
    if (v != got)
        lw_ice(c, "field %s = %lld does not fit its width", field, (long long)v);
}

void lw_load_flat(struct lw_ctx *c, int node, int buf, int region, uint64_t off, uint64_t len,
                  uint64_t sram, uint32_t unit)
{
    if (unit == 0 || len % unit != 0)
        lw_ice(c, "flat load of %llu bytes in units of %u", (unsigned long long)len, unit);
    for (uint64_t done = 0; done < len;) {
        uint64_t rows = (len - done) / unit;
        if (rows > 1023)
            rows = 1023;
        dpu_insn *i = lw_new_insn(c, node, DPU_OP_LOAD);
        LW_SET(c, i, load, buf, buf);
        LW_SET(c, i, load, region, region);
        LW_SET(c, i, load, rows, rows);
        LW_SET(c, i, load, cols, 1);
        LW_SET(c, i, load, bytes, unit);
        LW_SET(c, i, load, ddr_off, off + done);
        LW_SET(c, i, load, ddr_row_stride, unit);
        LW_SET(c, i, load, ddr_col_stride, 0);
        LW_SET(c, i, load, sram_col_stride, unit);
        LW_SET(c, i, load, sram_addr, sram + done);
        LW_SET(c, i, load, sram_row_stride, unit);
        done += rows * unit;
    }
}

void lw_save_flat(struct lw_ctx *c, int node, int region, uint64_t off, uint64_t len, uint64_t sram,
                  uint32_t unit)
{
    if (unit == 0 || len % unit != 0)
        lw_ice(c, "flat save of %llu bytes in units of %u", (unsigned long long)len, unit);
    for (uint64_t done = 0; done < len;) {
        uint64_t rows = (len - done) / unit;
        if (rows > 1023)
            rows = 1023;
        dpu_insn *i = lw_new_insn(c, node, DPU_OP_SAVE);
        LW_SET(c, i, save, buf, DPU_SAVEBUF_ACT);
        LW_SET(c, i, save, region, region);
        LW_SET(c, i, save, rows, rows);
        LW_SET(c, i, save, cols, 1);
        LW_SET(c, i, save, bytes, unit);
        LW_SET(c, i, save, ddr_off, off + done);
        LW_SET(c, i, save, ddr_row_stride, unit);
        LW_SET(c, i, save, ddr_col_stride, 0);
        LW_SET(c, i, save, sram_col_stride, unit);
        LW_SET(c, i, save, sram_addr, sram + done);
        LW_SET(c, i, save, sram_row_stride, unit);
        done += rows * unit;
    }
}

void lw_conv_set_window(struct lw_ctx *c, dpu_insn *i, const struct lw_geom *g, int64_t bh)
{
    LW_SET(c, i, conv, kh, g->kh);
    LW_SET(c, i, conv, kw, g->kw);
    LW_SET(c, i, conv, stride_h, g->sh);
    LW_SET(c, i, conv, stride_w, g->sw);
    LW_SET(c, i, conv, dil_h, g->dh);
    LW_SET(c, i, conv, dil_w, g->dw);
    LW_SET(c, i, conv, oh, bh);
    LW_SET(c, i, conv, ow, g->OW);
}

void lw_conv_set_post(struct lw_ctx *c, dpu_insn *i, uint64_t param, const struct dpu_qp_conv *qp,
                      uint64_t out_addr, uint64_t opix)
{
    LW_SET(c, i, conv, post, 1);
    LW_SET(c, i, conv, param_addr, param);
    LW_SET(c, i, conv, out_zp, qp->zy);
    LW_SET(c, i, conv, out_addr, out_addr);
    LW_SET(c, i, conv, out_pstride, opix);
    LW_SET(c, i, conv, clamp_lo, qp->lo);
    LW_SET(c, i, conv, clamp_hi, qp->hi);
}

void lw_prog_tensor_shape(const struct lw_ctx *c, size_t t, struct dpu_prog_tensor *pt)
{
    const struct dpu_gtensor *gt = &c->g->tensors[t];
    pt->dtype = gt->dtype;
    pt->rank = gt->rank;
    for (int i = 0; i < gt->rank; i++)
        pt->dims[i] = gt->dims[i];
    pt->layout = c->tensors[t].layout;
    pt->cpad = c->tensors[t].cpad;
}
