/* LOAD validity (isa.md section 6, LOAD): a non-empty box, bytes <= sram_col_stride,
 * non-overlapping on-chip slots, the padded box inside the buffer, the DDR box inside the
 * region. */
#include <inttypes.h>

#include "sim_internal.h"

unsigned sim_check_load(struct sim_check *c, const dpu_insn *in)
{
    uint64_t buf = dpu_load_get_buf(in), region = dpu_load_get_region(in);
    uint64_t rows = dpu_load_get_rows(in), cols = dpu_load_get_cols(in);
    uint64_t bytes = dpu_load_get_bytes(in), scs = dpu_load_get_sram_col_stride(in);
    uint64_t srs = dpu_load_get_sram_row_stride(in), sram = dpu_load_get_sram_addr(in);
    uint64_t H = dpu_load_get_pad_top(in) + rows + dpu_load_get_pad_bottom(in);
    uint64_t W = dpu_load_get_pad_left(in) + cols + dpu_load_get_pad_right(in);
    unsigned e;

    if ((e = sim_check_nonzero(c, rows, DPU_LOAD_ROWS_LO, "rows")) ||
        (e = sim_check_nonzero(c, cols, DPU_LOAD_COLS_LO, "cols")) ||
        (e = sim_check_nonzero(c, bytes, DPU_LOAD_BYTES_LO, "bytes")))
        return e;
    if (bytes > scs)
        return SIM_BAD_FIELD(
            c, DPU_LOAD_BYTES_LO, "bytes",
            "%" PRIu64 " bytes do not fit a column slot of sram_col_stride = %" PRIu64, bytes, scs);
    if (H > 1 && srs < W * scs)
        return SIM_BAD_FIELD(c, DPU_LOAD_SRAM_ROW_STRIDE_LO, "sram_row_stride",
                             "%" PRIu64 " is less than a padded row of %" PRIu64 " x %" PRIu64
                             " bytes: on-chip rows overlap",
                             srs, W, scs);
    struct sim_ext slots = {sram, sram + (H - 1) * srs + W * scs};
    if ((e = sim_check_sram(c, slots, c->buf_bytes[buf], "sram_addr", "the padded box")))
        return e;
    return sim_check_ddr(c, region, dpu_load_get_ddr_off(in), rows, dpu_load_get_ddr_row_stride(in),
                         cols, dpu_load_get_ddr_col_stride(in), bytes, "ddr_off");
}
