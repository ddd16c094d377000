/* POOL validity (isa.md section 6, POOL). The input extent covers only the valid positions
 * some window reaches; a tile whose windows all fall in padding reads nothing. */
#include <inttypes.h>

#include "sim_internal.h"

/* Sets *x to the input extent and returns true, or returns false when nothing is read. */
static bool pool_input(const struct sim_check *c, const dpu_insn *in, struct sim_ext *x)
{
    uint64_t vt = dpu_pool_get_valid_top(in), vl = dpu_pool_get_valid_left(in);
    uint64_t reach_y = (dpu_pool_get_oh(in) - 1) * dpu_pool_get_stride_h(in) + dpu_pool_get_kh(in);
    uint64_t reach_x = (dpu_pool_get_ow(in) - 1) * dpu_pool_get_stride_w(in) + dpu_pool_get_kw(in);
    uint64_t end_y = vt + dpu_pool_get_valid_h(in), end_x = vl + dpu_pool_get_valid_w(in);
    /* IY1 + 1 and IX1 + 1 of isa.md, kept one above so that they cannot go negative. */
    uint64_t iy1p = end_y < reach_y ? end_y : reach_y;
    uint64_t ix1p = end_x < reach_x ? end_x : reach_x;
    if (iy1p <= vt || ix1p <= vl)
        return false;
    uint64_t a = dpu_pool_get_in_addr(in);
    x->lo = a;
    x->hi = a + (iy1p - 1 - vt) * dpu_pool_get_in_row_stride(in) +
            (ix1p - 1 - vl) * dpu_pool_get_in_col_stride(in) + dpu_pool_get_nvec(in) * c->R;
    return true;
}

static struct sim_ext pool_output(const struct sim_check *c, const dpu_insn *in)
{
    uint64_t a = dpu_pool_get_out_addr(in);
    uint64_t P = dpu_pool_get_oh(in) * dpu_pool_get_ow(in);
    return (struct sim_ext){a, a + (P - 1) * dpu_pool_get_out_pstride(in) +
                                   dpu_pool_get_nvec(in) * c->R};
}

static unsigned check_fields(struct sim_check *c, const dpu_insn *in)
{
    unsigned e;
    if ((e = sim_check_nonzero(c, dpu_pool_get_kh(in), DPU_POOL_KH_LO, "kh")) ||
        (e = sim_check_nonzero(c, dpu_pool_get_kw(in), DPU_POOL_KW_LO, "kw")) ||
        (e = sim_check_nonzero(c, dpu_pool_get_stride_h(in), DPU_POOL_STRIDE_H_LO, "stride_h")) ||
        (e = sim_check_nonzero(c, dpu_pool_get_stride_w(in), DPU_POOL_STRIDE_W_LO, "stride_w")) ||
        (e = sim_check_nonzero(c, dpu_pool_get_oh(in), DPU_POOL_OH_LO, "oh")) ||
        (e = sim_check_nonzero(c, dpu_pool_get_ow(in), DPU_POOL_OW_LO, "ow")) ||
        (e = sim_check_nonzero(c, dpu_pool_get_nvec(in), DPU_POOL_NVEC_LO, "nvec")) ||
        (e = sim_check_nonzero(c, dpu_pool_get_valid_h(in), DPU_POOL_VALID_H_LO, "valid_h")) ||
        (e = sim_check_nonzero(c, dpu_pool_get_valid_w(in), DPU_POOL_VALID_W_LO, "valid_w")))
        return e;
    if ((e = sim_check_align(c, dpu_pool_get_in_addr(in), c->R, "R", DPU_POOL_IN_ADDR_LO,
                             "in_addr")) ||
        (e = sim_check_align(c, dpu_pool_get_in_row_stride(in), c->R, "R",
                             DPU_POOL_IN_ROW_STRIDE_LO, "in_row_stride")) ||
        (e = sim_check_align(c, dpu_pool_get_in_col_stride(in), c->R, "R",
                             DPU_POOL_IN_COL_STRIDE_LO, "in_col_stride")) ||
        (e = sim_check_align(c, dpu_pool_get_out_addr(in), c->R, "R", DPU_POOL_OUT_ADDR_LO,
                             "out_addr")) ||
        (e = sim_check_align(c, dpu_pool_get_out_pstride(in), c->R, "R", DPU_POOL_OUT_PSTRIDE_LO,
                             "out_pstride")))
        return e;
    uint64_t ps = dpu_pool_get_out_pstride(in), vec = dpu_pool_get_nvec(in) * c->R;
    if (ps < vec)
        return SIM_BAD_FIELD(c, DPU_POOL_OUT_PSTRIDE_LO, "out_pstride",
                             "%" PRIu64 " is less than nvec*R = %" PRIu64 ": output pixels overlap",
                             ps, vec);
    struct sim_ext x, y = pool_output(c, in);
    if (pool_input(c, in, &x) && !sim_ext_disjoint(x, y))
        return SIM_BAD_FIELD(c, DPU_POOL_OUT_ADDR_LO, "out_addr",
                             "output extent [%" PRIu64 ", %" PRIu64
                             ") overlaps the input extent [%" PRIu64 ", %" PRIu64 ")",
                             y.lo, y.hi, x.lo, x.hi);
    return DPU_ERRCODE_NONE;
}

unsigned sim_check_pool(struct sim_check *c, const dpu_insn *in)
{
    unsigned e = check_fields(c, in);
    if (e)
        return e;
    uint64_t q = dpu_pool_get_param_addr(in);
    if ((e = sim_check_sram(c, (struct sim_ext){q, q + 1}, c->param_records, "param_addr",
                            "the PARAM record")))
        return e;
    struct sim_ext x;
    if (pool_input(c, in, &x) &&
        (e = sim_check_sram(c, x, c->act_bytes, "in_addr", "the input extent")))
        return e;
    return sim_check_sram(c, pool_output(c, in), c->act_bytes, "out_addr", "the output extent");
}
