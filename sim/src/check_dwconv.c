/* DWCONV validity (isa.md section 6, DWCONV). */
#include <inttypes.h>

#include "sim_internal.h"

/* The stored rectangle of the tile's input grid (IH x IW less the implicit padding); zero rows
 * or columns when the pads cover the grid (invalid, reported by check_fields). */
static void dw_stored(const dpu_insn *in, uint64_t *vh, uint64_t *vw)
{
    uint64_t ih = (dpu_dwconv_get_oh(in) - 1) * dpu_dwconv_get_stride_h(in) +
                  (dpu_dwconv_get_kh(in) - 1) * dpu_dwconv_get_dil_h(in) + 1;
    uint64_t iw = (dpu_dwconv_get_ow(in) - 1) * dpu_dwconv_get_stride_w(in) +
                  (dpu_dwconv_get_kw(in) - 1) * dpu_dwconv_get_dil_w(in) + 1;
    uint64_t ph = dpu_dwconv_get_pad_top(in) + dpu_dwconv_get_pad_bottom(in);
    uint64_t pw = dpu_dwconv_get_pad_left(in) + dpu_dwconv_get_pad_right(in);
    *vh = ph < ih ? ih - ph : 0;
    *vw = pw < iw ? iw - pw : 0;
}

/* From act_addr to the last lane of the last vector of the stored rectangle's last pixel. */
static struct sim_ext dw_input(const struct sim_check *c, const dpu_insn *in)
{
    uint64_t vh, vw;
    dw_stored(in, &vh, &vw);
    uint64_t a = dpu_dwconv_get_act_addr(in);
    return (struct sim_ext){a, a + (vh - 1) * dpu_dwconv_get_act_row_stride(in) +
                                   (vw - 1) * dpu_dwconv_get_act_col_stride(in) +
                                   dpu_dwconv_get_nvec(in) * c->R};
}

static struct sim_ext dw_output(const struct sim_check *c, const dpu_insn *in)
{
    uint64_t a = dpu_dwconv_get_out_addr(in);
    uint64_t P = dpu_dwconv_get_oh(in) * dpu_dwconv_get_ow(in);
    return (struct sim_ext){a, a + (P - 1) * dpu_dwconv_get_out_pstride(in) +
                                   dpu_dwconv_get_nvec(in) * c->R};
}

static unsigned check_fields(struct sim_check *c, const dpu_insn *in)
{
    unsigned e;
    int64_t lo = dpu_dwconv_get_clamp_lo(in), hi = dpu_dwconv_get_clamp_hi(in);
    if ((e = sim_check_nonzero(c, dpu_dwconv_get_kh(in), DPU_DWCONV_KH_LO, "kh")) ||
        (e = sim_check_nonzero(c, dpu_dwconv_get_kw(in), DPU_DWCONV_KW_LO, "kw")) ||
        (e = sim_check_nonzero(c, dpu_dwconv_get_stride_h(in), DPU_DWCONV_STRIDE_H_LO,
                               "stride_h")) ||
        (e = sim_check_nonzero(c, dpu_dwconv_get_stride_w(in), DPU_DWCONV_STRIDE_W_LO,
                               "stride_w")) ||
        (e = sim_check_nonzero(c, dpu_dwconv_get_dil_h(in), DPU_DWCONV_DIL_H_LO, "dil_h")) ||
        (e = sim_check_nonzero(c, dpu_dwconv_get_dil_w(in), DPU_DWCONV_DIL_W_LO, "dil_w")) ||
        (e = sim_check_nonzero(c, dpu_dwconv_get_oh(in), DPU_DWCONV_OH_LO, "oh")) ||
        (e = sim_check_nonzero(c, dpu_dwconv_get_ow(in), DPU_DWCONV_OW_LO, "ow")) ||
        (e = sim_check_nonzero(c, dpu_dwconv_get_nvec(in), DPU_DWCONV_NVEC_LO, "nvec")))
        return e;
    uint64_t vh, vw;
    dw_stored(in, &vh, &vw);
    if (vh == 0)
        return SIM_BAD_FIELD(c, DPU_DWCONV_PAD_TOP_LO, "pad_top",
                             "pad_top + pad_bottom = %" PRIu64
                             " covers every input row of the tile: nothing is stored",
                             dpu_dwconv_get_pad_top(in) + dpu_dwconv_get_pad_bottom(in));
    if (vw == 0)
        return SIM_BAD_FIELD(c, DPU_DWCONV_PAD_LEFT_LO, "pad_left",
                             "pad_left + pad_right = %" PRIu64
                             " covers every input column of the tile: nothing is stored",
                             dpu_dwconv_get_pad_left(in) + dpu_dwconv_get_pad_right(in));
    if (lo > hi)
        return SIM_BAD_FIELD(c, DPU_DWCONV_CLAMP_LO_LO, "clamp_lo",
                             "clamp_lo = %" PRId64 " is above clamp_hi = %" PRId64, lo, hi);
    if (dpu_dwconv_get_lut(in) && (e = sim_check_lut_loaded(c, DPU_DWCONV_LUT_LO, "lut")))
        return e;
    if ((e = sim_check_align(c, dpu_dwconv_get_act_addr(in), c->R, "R", DPU_DWCONV_ACT_ADDR_LO,
                             "act_addr")) ||
        (e = sim_check_align(c, dpu_dwconv_get_act_col_stride(in), c->R, "R",
                             DPU_DWCONV_ACT_COL_STRIDE_LO, "act_col_stride")) ||
        (e = sim_check_align(c, dpu_dwconv_get_act_row_stride(in), c->R, "R",
                             DPU_DWCONV_ACT_ROW_STRIDE_LO, "act_row_stride")) ||
        (e = sim_check_align(c, dpu_dwconv_get_wgt_addr(in), c->R, "R", DPU_DWCONV_WGT_ADDR_LO,
                             "wgt_addr")) ||
        (e = sim_check_align(c, dpu_dwconv_get_out_addr(in), c->R, "R", DPU_DWCONV_OUT_ADDR_LO,
                             "out_addr")) ||
        (e = sim_check_align(c, dpu_dwconv_get_out_pstride(in), c->R, "R",
                             DPU_DWCONV_OUT_PSTRIDE_LO, "out_pstride")))
        return e;
    uint64_t ps = dpu_dwconv_get_out_pstride(in), vec = dpu_dwconv_get_nvec(in) * c->R;
    if (ps < vec)
        return SIM_BAD_FIELD(c, DPU_DWCONV_OUT_PSTRIDE_LO, "out_pstride",
                             "%" PRIu64 " is less than nvec*R = %" PRIu64 ": output pixels overlap",
                             ps, vec);
    struct sim_ext x = dw_input(c, in), y = dw_output(c, in);
    if (!sim_ext_disjoint(x, y))
        return SIM_BAD_FIELD(c, DPU_DWCONV_OUT_ADDR_LO, "out_addr",
                             "output extent [%" PRIu64 ", %" PRIu64
                             ") overlaps the input extent [%" PRIu64 ", %" PRIu64 ")",
                             y.lo, y.hi, x.lo, x.hi);
    return DPU_ERRCODE_NONE;
}

unsigned sim_check_dwconv(struct sim_check *c, const dpu_insn *in)
{
    unsigned e = check_fields(c, in);
    if (e)
        return e;
    uint64_t ch = dpu_dwconv_get_nvec(in) * c->R;
    uint64_t q = dpu_dwconv_get_param_addr(in), w = dpu_dwconv_get_wgt_addr(in);
    uint64_t taps = dpu_dwconv_get_kh(in) * dpu_dwconv_get_kw(in);
    if ((e = sim_check_sram(c, (struct sim_ext){q, q + ch}, c->param_records, "param_addr",
                            "the PARAM records")) ||
        (e = sim_check_sram(c, (struct sim_ext){w, w + ch * taps}, c->wgt_bytes, "wgt_addr",
                            "the weights")) ||
        (e = sim_check_sram(c, dw_input(c, in), c->act_bytes, "act_addr", "the input extent")))
        return e;
    return sim_check_sram(c, dw_output(c, in), c->act_bytes, "out_addr", "the output extent");
}
