/* LUTLD and LUT validity (isa.md section 6): R-aligned ACT runs inside the buffer; LUT runs
 * in place or on disjoint bytes, and only after some LUTLD in the stream. */
#include <inttypes.h>

#include "sim_internal.h"

unsigned sim_check_lutld(struct sim_check *c, const dpu_insn *in)
{
    uint64_t a = dpu_lutld_get_src_addr(in);
    unsigned e = sim_check_align(c, a, c->R, "R", DPU_LUTLD_SRC_ADDR_LO, "src_addr");
    if (e)
        return e;
    return sim_check_sram(c, (struct sim_ext){a, a + 256}, c->act_bytes, "src_addr", "the table");
}

unsigned sim_check_lut(struct sim_check *c, const dpu_insn *in)
{
    uint64_t len = dpu_lut_get_len(in), src = dpu_lut_get_in_addr(in);
    uint64_t out = dpu_lut_get_out_addr(in);
    struct sim_ext x = {src, src + len}, y = {out, out + len};
    unsigned e;
    if ((e = sim_check_nonzero(c, len, DPU_LUT_LEN_LO, "len")) ||
        (e = sim_check_align(c, src, c->R, "R", DPU_LUT_IN_ADDR_LO, "in_addr")) ||
        (e = sim_check_align(c, out, c->R, "R", DPU_LUT_OUT_ADDR_LO, "out_addr")))
        return e;
    if (out != src && !sim_ext_disjoint(x, y))
        return SIM_BAD_FIELD(c, DPU_LUT_OUT_ADDR_LO, "out_addr",
                             "output run [%" PRIu64 ", %" PRIu64
                             ") partly overlaps the input run [%" PRIu64 ", %" PRIu64 ")",
                             y.lo, y.hi, x.lo, x.hi);
    /* LUT has no lut field: the rule is the instruction's own, reported at its opcode. */
    if ((e = sim_check_lut_loaded(c, DPU_INSN_OPCODE_LO, "opcode")))
        return e;
    if ((e = sim_check_sram(c, x, c->act_bytes, "in_addr", "the input run")))
        return e;
    return sim_check_sram(c, y, c->act_bytes, "out_addr", "the output run");
}
