/* ELTW: element-wise ADD or MUL of two int8 runs, one requantization (isa.md section 6,
 * ELTW). The output may be one of the inputs (in place): element i is read before it is
 * written and no other element depends on it.
 *
 *   M0 := M(param_addr);  s0 := s(param_addr);  M1 := M(param_addr + 1)   (ADD only)
 *   for i in 0 .. len-1:
 *     a := ACT[a_addr + i] - a_zp;  b := ACT[b_addr + i] - b_zp
 *     ADD: y := sat(rshift_round(a*M0 + b*M1, s0) + out_zp, clamp_lo, clamp_hi)   (dpu_eltw_add)
 *     MUL: y := sat(rshift_round(a*b*M0, s0) + out_zp, clamp_lo, clamp_hi)        (dpu_eltw_mul)
 *     if lut: y := LUT(y)
 *     ACT[out_addr + i] := y
 */
#include "dpu/qmath.h"

#include "sim_internal.h"

unsigned sim_exec_eltw(struct dpu_sim *s, const dpu_insn *in, uint64_t *fault_addr)
{
    bool add = dpu_eltw_get_op(in) == DPU_ELTWOP_ADD;
    uint64_t q = dpu_eltw_get_param_addr(in), len = dpu_eltw_get_len(in);
    uint64_t a = dpu_eltw_get_a_addr(in), b = dpu_eltw_get_b_addr(in);
    uint64_t out = dpu_eltw_get_out_addr(in);
    int32_t za = (int32_t)dpu_eltw_get_a_zp(in), zb = (int32_t)dpu_eltw_get_b_zp(in);
    int32_t zo = (int32_t)dpu_eltw_get_out_zp(in);
    int32_t lo = (int32_t)dpu_eltw_get_clamp_lo(in), hi = (int32_t)dpu_eltw_get_clamp_hi(in);
    bool lut = dpu_eltw_get_lut(in);

    struct sim_param r0 = sim_param_read(s, q), r1 = {0, 0, 0};
    if (!sim_param_ok(r0, DPU_RQ_MAX_SHIFT)) {
        *fault_addr = 16 * q;
        return DPU_ERRCODE_BAD_PARAM;
    }
    if (add) {
        r1 = sim_param_read(s, q + 1); /* only its M counts: bias and s are ignored */
        if (r1.M < 0) {
            *fault_addr = 16 * (q + 1);
            return DPU_ERRCODE_BAD_PARAM;
        }
    }
    /* The loop below states the semantics; a fast kernel may do the first elements
     * (fast_eltw.c), with the same bytes. */
    uint64_t i = s->plain ? 0 : sim_fast_eltw(s, in, r0, r1);
    for (; i < len; i++) {
        int8_t x = sim_act(s, a + i), w = sim_act(s, b + i);
        int8_t y = add ? dpu_eltw_add(x, za, r0.M, w, zb, r1.M, r0.s, zo, lo, hi)
                       : dpu_eltw_mul(x, za, w, zb, r0.M, r0.s, zo, lo, hi);
        if (lut)
            y = sim_lut(s, y);
        sim_act_set(s, out + i, y);
    }
    return DPU_ERRCODE_NONE;
}
