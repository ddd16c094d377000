/* ELTW, fast: exec_eltw.c's loop on a vector unit where there is one (fast_x86.c), for as
 * many elements from the first as it takes; exec_eltw.c does the rest with the plain loop.
 * Same bytes: the kernel computes dpu_eltw_add / dpu_eltw_mul exactly (see fast_x86.c). */
#include "fast.h"

uint64_t sim_fast_eltw(struct dpu_sim *s, const dpu_insn *in, struct sim_param r0,
                       struct sim_param r1)
{
#if SIM_FAST_X86
    if (s->fast->isa != SIM_FAST_C) {
        uint8_t *act = s->buf[DPU_BUF_ACT];
        struct sim_fast_eltw k = {
            .a = act + dpu_eltw_get_a_addr(in),
            .b = act + dpu_eltw_get_b_addr(in),
            .lut = dpu_eltw_get_lut(in) ? s->buf[DPU_SIM_BUF_LUT] : NULL,
            .out = act + dpu_eltw_get_out_addr(in),
            .len = dpu_eltw_get_len(in),
            .add = dpu_eltw_get_op(in) == DPU_ELTWOP_ADD,
            .za = (int32_t)dpu_eltw_get_a_zp(in),
            .zb = (int32_t)dpu_eltw_get_b_zp(in),
            .zo = (int32_t)dpu_eltw_get_out_zp(in),
            .lo = (int32_t)dpu_eltw_get_clamp_lo(in),
            .hi = (int32_t)dpu_eltw_get_clamp_hi(in),
            .Ma = r0.M,
            .Mb = r1.M,
            .s = r0.s,
        };
        return s->fast->isa == SIM_FAST_AVX512 ? sim_fast_eltw_avx512(&k) : sim_fast_eltw_avx2(&k);
    }
#else
    (void)s;
    (void)in;
    (void)r0;
    (void)r1;
#endif
    return 0;
}
