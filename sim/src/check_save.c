/* SAVE validity (isa.md section 6, SAVE): never into CONST, a non-empty box, the on-chip box
 * inside ACT or ACC, DDR columns that never write a byte twice (row-major or column-major
 * nesting), the DDR box inside the region. */
#include <inttypes.h>

#include "sim_internal.h"

/* One of the two nestings of isa.md: with a = row stride, b = column stride, n = bytes. */
static bool ddr_columns_disjoint(uint64_t rows, uint64_t a, uint64_t cols, uint64_t b, uint64_t n)
{
    bool row_major = (cols == 1 || b >= n) && (rows == 1 || a >= (cols - 1) * b + n);
    bool col_major = (rows == 1 || a >= n) && (cols == 1 || b >= (rows - 1) * a + n);
    return row_major || col_major;
}

unsigned sim_check_save(struct sim_check *c, const dpu_insn *in)
{
    uint64_t buf = dpu_save_get_buf(in), region = dpu_save_get_region(in);
    uint64_t rows = dpu_save_get_rows(in), cols = dpu_save_get_cols(in);
    uint64_t bytes = dpu_save_get_bytes(in);
    uint64_t a = dpu_save_get_ddr_row_stride(in), b = dpu_save_get_ddr_col_stride(in);
    uint64_t sram = dpu_save_get_sram_addr(in);
    unsigned e;

    if (region == DPU_REGION_CONST)
        return SIM_BAD_FIELD(c, DPU_SAVE_REGION_LO, "region", "SAVE into CONST is invalid");
    if ((e = sim_check_nonzero(c, rows, DPU_SAVE_ROWS_LO, "rows")) ||
        (e = sim_check_nonzero(c, cols, DPU_SAVE_COLS_LO, "cols")) ||
        (e = sim_check_nonzero(c, bytes, DPU_SAVE_BYTES_LO, "bytes")))
        return e;
    if (!ddr_columns_disjoint(rows, a, cols, b, bytes))
        return SIM_BAD_FIELD(c, DPU_SAVE_DDR_COL_STRIDE_LO, "ddr_col_stride",
                             "DDR columns overlap (ddr_row_stride = %" PRIu64
                             ", ddr_col_stride = %" PRIu64 ", bytes = %" PRIu64
                             "): some byte would be written twice",
                             a, b, bytes);
    struct sim_ext box = {sram, sram + (rows - 1) * dpu_save_get_sram_row_stride(in) +
                                    (cols - 1) * dpu_save_get_sram_col_stride(in) + bytes};
    if ((e = sim_check_sram(c, box, c->buf_bytes[buf], "sram_addr", "the box")))
        return e;
    return sim_check_ddr(c, region, dpu_save_get_ddr_off(in), rows, a, cols, b, bytes, "ddr_off");
}
