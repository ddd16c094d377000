/* LOAD: DDR to an on-chip buffer, with padding (isa.md section 6, LOAD).
 *
 *   H := pad_top + rows + pad_bottom;  W := pad_left + cols + pad_right
 *   for r in 0 .. H-1, c in 0 .. W-1:
 *     dst := sram_addr + r*sram_row_stride + c*sram_col_stride
 *     padding cell:  BUF[dst + k] := pad_value                     for k < sram_col_stride
 *     loaded cell:   BUF[dst + k] := DDR(region, src + k)           for k < bytes
 *                    BUF[dst + k] := pad_value                      for bytes <= k <
 * sram_col_stride with src := ddr_off + (r - pad_top)*ddr_row_stride + (c -
 * pad_left)*ddr_col_stride
 */
#include <string.h>

#include "sim_internal.h"

unsigned sim_exec_load(struct dpu_sim *s, const dpu_insn *in, uint64_t *fault_addr)
{
    (void)fault_addr;
    /* The loops below state the semantics; fast_move.c copies whole rows, same bytes. */
    if (!s->plain && sim_fast_load(s, in))
        return DPU_ERRCODE_NONE;
    uint8_t *buf = s->buf[dpu_load_get_buf(in)];
    const uint8_t *ddr = s->region[dpu_load_get_region(in)];
    uint64_t top = dpu_load_get_pad_top(in), left = dpu_load_get_pad_left(in);
    uint64_t rows = dpu_load_get_rows(in), cols = dpu_load_get_cols(in);
    uint64_t H = top + rows + dpu_load_get_pad_bottom(in);
    uint64_t W = left + cols + dpu_load_get_pad_right(in);
    uint64_t bytes = dpu_load_get_bytes(in), scs = dpu_load_get_sram_col_stride(in);
    uint64_t srs = dpu_load_get_sram_row_stride(in), sram = dpu_load_get_sram_addr(in);
    uint64_t off = dpu_load_get_ddr_off(in);
    uint64_t drs = dpu_load_get_ddr_row_stride(in), dcs = dpu_load_get_ddr_col_stride(in);
    /* pad_value is stored as its 8-bit two's-complement pattern. */
    uint8_t pad = (uint8_t)dpu_load_get_pad_value(in);

    for (uint64_t r = 0; r < H; r++) {
        for (uint64_t c = 0; c < W; c++) {
            uint8_t *dst = buf + sram + r * srs + c * scs;
            bool padding = r < top || r >= top + rows || c < left || c >= left + cols;
            if (padding) {
                memset(dst, pad, (size_t)scs);
                continue;
            }
            uint64_t src = off + (r - top) * drs + (c - left) * dcs;
            memcpy(dst, ddr + src, (size_t)bytes);
            memset(dst + bytes, pad, (size_t)(scs - bytes));
        }
    }
    return DPU_ERRCODE_NONE;
}
