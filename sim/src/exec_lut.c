/* LUT: map a run of int8 bytes through the lookup table (isa.md section 6, LUT). In place
 * (out_addr == in_addr) is allowed: element i is read before it is written.
 *
 *   for i in 0 .. len-1:  ACT[out_addr + i] := LUT(ACT[in_addr + i]) = lut[ACT[in_addr + i] + 128]
 */
#include "sim_internal.h"

unsigned sim_exec_lut(struct dpu_sim *s, const dpu_insn *in, uint64_t *fault_addr)
{
    (void)fault_addr;
    uint64_t src = dpu_lut_get_in_addr(in), out = dpu_lut_get_out_addr(in);
    uint64_t len = dpu_lut_get_len(in);
    for (uint64_t i = 0; i < len; i++)
        sim_act_set(s, out + i, sim_lut(s, sim_act(s, src + i)));
    return DPU_ERRCODE_NONE;
}
