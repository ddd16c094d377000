/* LOAD and SAVE, fast: one copy (and fills for LOAD's padding) per row where the row's
 * columns are dense on both sides (sram_col_stride == bytes, and ddr_col_stride == bytes
 * unless there is a single column), instead of one call per column; any other LOAD or SAVE is
 * left to exec_load.c / exec_save.c. A row of 16, 32 or 64 bytes (one pixel's channels) is
 * copied inline rather than by a call.
 *
 * Why the bytes are the same. The plain loops write row after row, column after column. With
 * dense columns, the columns of one row are consecutive disjoint byte ranges on both sides,
 * so the row's writes are one copy of the consecutive source bytes (and LOAD's padding
 * columns one fill each side); rows are still written in order, so where rows overlap (SAVE
 * to DDR, which isa.md allows) the later row wins as in the plain loops. Source and
 * destination are different memories (a buffer and a DDR region), never overlapping. */
#include <string.h>

#include "fast.h"

/* memcpy(d, s, n), with the sizes of one pixel's channels as constants the compiler inlines. */
static inline void copy_row(uint8_t *d, const uint8_t *s, uint64_t n)
{
    if (n == 32)
        memcpy(d, s, 32);
    else if (n == 64)
        memcpy(d, s, 64);
    else if (n == 16)
        memcpy(d, s, 16);
    else
        memcpy(d, s, (size_t)n);
}

bool sim_fast_load(struct dpu_sim *s, const dpu_insn *in)
{
    uint64_t bytes = dpu_load_get_bytes(in), scs = dpu_load_get_sram_col_stride(in);
    uint64_t cols = dpu_load_get_cols(in);
    if (scs != bytes || (cols > 1 && dpu_load_get_ddr_col_stride(in) != bytes))
        return false;
    uint8_t *buf = s->buf[dpu_load_get_buf(in)] + dpu_load_get_sram_addr(in);
    const uint8_t *ddr = s->region[dpu_load_get_region(in)] + dpu_load_get_ddr_off(in);
    uint64_t top = dpu_load_get_pad_top(in), left = dpu_load_get_pad_left(in);
    uint64_t rows = dpu_load_get_rows(in);
    uint64_t right = dpu_load_get_pad_right(in), W = left + cols + right;
    uint64_t H = top + rows + dpu_load_get_pad_bottom(in);
    uint64_t srs = dpu_load_get_sram_row_stride(in), drs = dpu_load_get_ddr_row_stride(in);
    uint8_t pad = (uint8_t)dpu_load_get_pad_value(in);

    for (uint64_t r = 0; r < H; r++) {
        uint8_t *dst = buf + r * srs;
        if (r < top || r >= top + rows) {
            memset(dst, pad, (size_t)(W * scs));
            continue;
        }
        memset(dst, pad, (size_t)(left * scs));
        copy_row(dst + left * scs, ddr + (r - top) * drs, cols * bytes);
        memset(dst + (left + cols) * scs, pad, (size_t)(right * scs));
    }
    return true;
}

bool sim_fast_save(struct dpu_sim *s, const dpu_insn *in)
{
    uint64_t bytes = dpu_save_get_bytes(in), cols = dpu_save_get_cols(in);
    if (cols > 1 &&
        (dpu_save_get_sram_col_stride(in) != bytes || dpu_save_get_ddr_col_stride(in) != bytes))
        return false;
    const uint8_t *buf = s->buf[dpu_save_get_buf(in)] + dpu_save_get_sram_addr(in);
    uint8_t *ddr = s->region[dpu_save_get_region(in)] + dpu_save_get_ddr_off(in);
    uint64_t rows = dpu_save_get_rows(in);
    uint64_t srs = dpu_save_get_sram_row_stride(in), drs = dpu_save_get_ddr_row_stride(in);

    for (uint64_t r = 0; r < rows; r++)
        copy_row(ddr + r * drs, buf + r * srs, cols * bytes);
    return true;
}
