/* CONV validity (isa.md section 6, CONV). The post-processing fields are checked only when
 * post = 1: with post = 0 they are ignored. */
#include <inttypes.h>

#include "sim_internal.h"

/* The ACT bytes the array pass reads: from act_addr to the last lane of input pixel
 * (IY, IX), IY = (oh-1)*stride_h + (kh-1)*dil_h and IX likewise. */
static struct sim_ext conv_input(const struct sim_check *c, const dpu_insn *in)
{
    uint64_t IY = (dpu_conv_get_oh(in) - 1) * dpu_conv_get_stride_h(in) +
                  (dpu_conv_get_kh(in) - 1) * dpu_conv_get_dil_h(in);
    uint64_t IX = (dpu_conv_get_ow(in) - 1) * dpu_conv_get_stride_w(in) +
                  (dpu_conv_get_kw(in) - 1) * dpu_conv_get_dil_w(in);
    uint64_t a = dpu_conv_get_act_addr(in);
    return (struct sim_ext){a, a + IY * dpu_conv_get_act_row_stride(in) +
                                   IX * dpu_conv_get_act_col_stride(in) + c->R};
}

/* The ACT bytes post-processing writes: C bytes at each of the oh*ow output pixels. */
static struct sim_ext conv_output(const struct sim_check *c, const dpu_insn *in)
{
    uint64_t a = dpu_conv_get_out_addr(in);
    uint64_t P = dpu_conv_get_oh(in) * dpu_conv_get_ow(in);
    return (struct sim_ext){a, a + (P - 1) * dpu_conv_get_out_pstride(in) + c->C};
}

static unsigned check_fields(struct sim_check *c, const dpu_insn *in)
{
    unsigned e;
    if ((e = sim_check_nonzero(c, dpu_conv_get_kh(in), DPU_CONV_KH_LO, "kh")) ||
        (e = sim_check_nonzero(c, dpu_conv_get_kw(in), DPU_CONV_KW_LO, "kw")) ||
        (e = sim_check_nonzero(c, dpu_conv_get_stride_h(in), DPU_CONV_STRIDE_H_LO, "stride_h")) ||
        (e = sim_check_nonzero(c, dpu_conv_get_stride_w(in), DPU_CONV_STRIDE_W_LO, "stride_w")) ||
        (e = sim_check_nonzero(c, dpu_conv_get_dil_h(in), DPU_CONV_DIL_H_LO, "dil_h")) ||
        (e = sim_check_nonzero(c, dpu_conv_get_dil_w(in), DPU_CONV_DIL_W_LO, "dil_w")) ||
        (e = sim_check_nonzero(c, dpu_conv_get_oh(in), DPU_CONV_OH_LO, "oh")) ||
        (e = sim_check_nonzero(c, dpu_conv_get_ow(in), DPU_CONV_OW_LO, "ow")))
        return e;
    if ((e = sim_check_align(c, dpu_conv_get_act_addr(in), c->R, "R", DPU_CONV_ACT_ADDR_LO,
                             "act_addr")) ||
        (e = sim_check_align(c, dpu_conv_get_act_col_stride(in), c->R, "R",
                             DPU_CONV_ACT_COL_STRIDE_LO, "act_col_stride")) ||
        (e = sim_check_align(c, dpu_conv_get_act_row_stride(in), c->R, "R",
                             DPU_CONV_ACT_ROW_STRIDE_LO, "act_row_stride")) ||
        (e = sim_check_align(c, dpu_conv_get_wgt_addr(in), c->C, "C", DPU_CONV_WGT_ADDR_LO,
                             "wgt_addr")))
        return e;
    if (dpu_conv_get_lut(in)) {
        if (!dpu_conv_get_post(in))
            return SIM_BAD_FIELD(c, DPU_CONV_LUT_LO, "lut", "lut = 1 requires post = 1");
        if ((e = sim_check_lut_loaded(c, DPU_CONV_LUT_LO, "lut")))
            return e;
    }
    return DPU_ERRCODE_NONE;
}

static unsigned check_post_fields(struct sim_check *c, const dpu_insn *in)
{
    unsigned e;
    int64_t lo = dpu_conv_get_clamp_lo(in), hi = dpu_conv_get_clamp_hi(in);
    uint64_t ps = dpu_conv_get_out_pstride(in);
    if (lo > hi)
        return SIM_BAD_FIELD(c, DPU_CONV_CLAMP_LO_LO, "clamp_lo",
                             "clamp_lo = %" PRId64 " is above clamp_hi = %" PRId64, lo, hi);
    if (ps < c->C)
        return SIM_BAD_FIELD(c, DPU_CONV_OUT_PSTRIDE_LO, "out_pstride",
                             "%" PRIu64 " is less than C = %" PRIu64 ": output pixels overlap", ps,
                             c->C);
    if ((e = sim_check_align(c, dpu_conv_get_out_addr(in), c->R, "R", DPU_CONV_OUT_ADDR_LO,
                             "out_addr")) ||
        (e = sim_check_align(c, ps, c->R, "R", DPU_CONV_OUT_PSTRIDE_LO, "out_pstride")))
        return e;
    struct sim_ext x = conv_input(c, in), y = conv_output(c, in);
    if (!sim_ext_disjoint(x, y))
        return SIM_BAD_FIELD(c, DPU_CONV_OUT_ADDR_LO, "out_addr",
                             "output extent [%" PRIu64 ", %" PRIu64
                             ") overlaps the input extent [%" PRIu64 ", %" PRIu64 ")",
                             y.lo, y.hi, x.lo, x.hi);
    return DPU_ERRCODE_NONE;
}

static unsigned check_ranges(struct sim_check *c, const dpu_insn *in)
{
    unsigned e;
    uint64_t taps = dpu_conv_get_kh(in) * dpu_conv_get_kw(in);
    uint64_t wgt = dpu_conv_get_wgt_addr(in), acc = dpu_conv_get_acc_addr(in);
    uint64_t P = dpu_conv_get_oh(in) * dpu_conv_get_ow(in);
    if ((e = sim_check_sram(c, conv_input(c, in), c->act_bytes, "act_addr", "the input extent")) ||
        (e = sim_check_sram(c, (struct sim_ext){wgt, wgt + taps * c->R * c->C}, c->wgt_bytes,
                            "wgt_addr", "the weights")) ||
        (e = sim_check_sram(c, (struct sim_ext){acc, acc + P}, c->acc_entries, "acc_addr",
                            "the ACC entries")))
        return e;
    if (!dpu_conv_get_post(in))
        return DPU_ERRCODE_NONE;
    uint64_t q = dpu_conv_get_param_addr(in);
    if ((e = sim_check_sram(c, (struct sim_ext){q, q + c->C}, c->param_records, "param_addr",
                            "the PARAM records")))
        return e;
    return sim_check_sram(c, conv_output(c, in), c->act_bytes, "out_addr", "the output extent");
}

unsigned sim_check_conv(struct sim_check *c, const dpu_insn *in)
{
    unsigned e = check_fields(c, in);
    if (!e && dpu_conv_get_post(in))
        e = check_post_fields(c, in);
    if (!e)
        e = check_ranges(c, in);
    return e;
}
