/* LUTLD: load the lookup table from ACT (isa.md section 6, LUTLD).
 *
 *   for i in 0 .. 255:  lut[i] := ACT[src_addr + i]      (entry i is the result for i - 128)
 */
#include <string.h>

#include "sim_internal.h"

unsigned sim_exec_lutld(struct dpu_sim *s, const dpu_insn *in, uint64_t *fault_addr)
{
    (void)fault_addr;
    memcpy(s->buf[DPU_SIM_BUF_LUT], s->buf[DPU_BUF_ACT] + dpu_lutld_get_src_addr(in), 256);
    s->lut_loaded = true;
    return DPU_ERRCODE_NONE;
}
