/* SAVE: an on-chip buffer (ACT or ACC, as bytes) to DDR (isa.md section 6, SAVE).
 *
 *   for r in 0 .. rows-1, c in 0 .. cols-1, k in 0 .. bytes-1:
 *     DDR(region, ddr_off + r*ddr_row_stride + c*ddr_col_stride + k) :=
 *       BUF[sram_addr + r*sram_row_stride + c*sram_col_stride + k]
 */
#include <string.h>

#include "sim_internal.h"

unsigned sim_exec_save(struct dpu_sim *s, const dpu_insn *in, uint64_t *fault_addr)
{
    (void)fault_addr;
    /* The loops below state the semantics; fast_move.c copies whole rows, same bytes. */
    if (!s->plain && sim_fast_save(s, in))
        return DPU_ERRCODE_NONE;
    const uint8_t *buf = s->buf[dpu_save_get_buf(in)];
    uint8_t *ddr = s->region[dpu_save_get_region(in)];
    uint64_t rows = dpu_save_get_rows(in), cols = dpu_save_get_cols(in);
    uint64_t bytes = dpu_save_get_bytes(in), off = dpu_save_get_ddr_off(in);
    uint64_t drs = dpu_save_get_ddr_row_stride(in), dcs = dpu_save_get_ddr_col_stride(in);
    uint64_t sram = dpu_save_get_sram_addr(in);
    uint64_t srs = dpu_save_get_sram_row_stride(in), scs = dpu_save_get_sram_col_stride(in);

    for (uint64_t r = 0; r < rows; r++)
        for (uint64_t c = 0; c < cols; c++)
            memcpy(ddr + off + r * drs + c * dcs, buf + sram + r * srs + c * scs, (size_t)bytes);
    return DPU_ERRCODE_NONE;
}
