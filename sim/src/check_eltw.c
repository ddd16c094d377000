/* ELTW validity (isa.md section 6, ELTW). The output run may be one of the input runs (in
 * place) but must not partly overlap either of them. */
#include <inttypes.h>

#include "sim_internal.h"

static unsigned check_in_place(struct sim_check *c, uint64_t out, uint64_t src, uint64_t len,
                               const char *src_name)
{
    struct sim_ext y = {out, out + len}, x = {src, src + len};
    if (out == src || sim_ext_disjoint(x, y))
        return DPU_ERRCODE_NONE;
    return SIM_BAD_FIELD(c, DPU_ELTW_OUT_ADDR_LO, "out_addr",
                         "output run [%" PRIu64 ", %" PRIu64 ") partly overlaps %s [%" PRIu64
                         ", %" PRIu64 ")",
                         y.lo, y.hi, src_name, x.lo, x.hi);
}

unsigned sim_check_eltw(struct sim_check *c, const dpu_insn *in)
{
    uint64_t len = dpu_eltw_get_len(in);
    uint64_t a = dpu_eltw_get_a_addr(in), b = dpu_eltw_get_b_addr(in);
    uint64_t out = dpu_eltw_get_out_addr(in), q = dpu_eltw_get_param_addr(in);
    int64_t lo = dpu_eltw_get_clamp_lo(in), hi = dpu_eltw_get_clamp_hi(in);
    unsigned e;

    if ((e = sim_check_nonzero(c, len, DPU_ELTW_LEN_LO, "len")))
        return e;
    if (lo > hi)
        return SIM_BAD_FIELD(c, DPU_ELTW_CLAMP_LO_LO, "clamp_lo",
                             "clamp_lo = %" PRId64 " is above clamp_hi = %" PRId64, lo, hi);
    if (dpu_eltw_get_lut(in) && (e = sim_check_lut_loaded(c, DPU_ELTW_LUT_LO, "lut")))
        return e;
    if ((e = sim_check_align(c, a, c->R, "R", DPU_ELTW_A_ADDR_LO, "a_addr")) ||
        (e = sim_check_align(c, b, c->R, "R", DPU_ELTW_B_ADDR_LO, "b_addr")) ||
        (e = sim_check_align(c, out, c->R, "R", DPU_ELTW_OUT_ADDR_LO, "out_addr")))
        return e;
    if ((e = check_in_place(c, out, a, len, "operand a")) ||
        (e = check_in_place(c, out, b, len, "operand b")))
        return e;
    if ((e = sim_check_sram(c, (struct sim_ext){a, a + len}, c->act_bytes, "a_addr",
                            "operand a")) ||
        (e = sim_check_sram(c, (struct sim_ext){b, b + len}, c->act_bytes, "b_addr",
                            "operand b")) ||
        (e = sim_check_sram(c, (struct sim_ext){out, out + len}, c->act_bytes, "out_addr",
                            "the output run")))
        return e;
    /* ADD reads two records (the multipliers of a and b), MUL one. */
    uint64_t nrec = dpu_eltw_get_op(in) == DPU_ELTWOP_ADD ? 2 : 1;
    return sim_check_sram(c, (struct sim_ext){q, q + nrec}, c->param_records, "param_addr",
                          "the PARAM records");
}
