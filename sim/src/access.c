/* Access sets of every instruction (isa.md section 4, "Ordering rule"): the bytes each one
 * reads and writes, exactly as its pseudo-code in section 6 does, as runs of contiguous bytes.
 * ACC and PARAM are counted in bytes (whole entries, whole records); DDR as bytes of a region;
 * the LUT as one element. For POOL only the positions actually read count. A run may be
 * reported more than once (a CONV reads an input pixel once per tap that reaches it). */
#include "sim_internal.h"

#define EMIT(space, lo, len, write)                                                                \
    do {                                                                                           \
        int stop_ = fn(ctx, (space), (lo), (len), (write));                                        \
        if (stop_)                                                                                 \
            return stop_;                                                                          \
    } while (0)

static int load_accesses(const dpu_insn *in, sim_access_fn fn, void *ctx)
{
    int buf = (int)dpu_load_get_buf(in);
    int ddr = DPU_SIM_SPACE_DDR + (int)dpu_load_get_region(in);
    uint64_t top = dpu_load_get_pad_top(in), left = dpu_load_get_pad_left(in);
    uint64_t rows = dpu_load_get_rows(in), cols = dpu_load_get_cols(in);
    uint64_t H = top + rows + dpu_load_get_pad_bottom(in);
    uint64_t W = left + cols + dpu_load_get_pad_right(in);
    uint64_t scs = dpu_load_get_sram_col_stride(in), srs = dpu_load_get_sram_row_stride(in);
    uint64_t sram = dpu_load_get_sram_addr(in), off = dpu_load_get_ddr_off(in);
    uint64_t drs = dpu_load_get_ddr_row_stride(in), dcs = dpu_load_get_ddr_col_stride(in);
    for (uint64_t r = 0; r < rows; r++)
        for (uint64_t c = 0; c < cols; c++)
            EMIT(ddr, off + r * drs + c * dcs, dpu_load_get_bytes(in), false);
    for (uint64_t r = 0; r < H; r++)
        for (uint64_t c = 0; c < W; c++)
            EMIT(buf, sram + r * srs + c * scs, scs, true);
    return 0;
}

static int save_accesses(const dpu_insn *in, sim_access_fn fn, void *ctx)
{
    int buf = (int)dpu_save_get_buf(in);
    int ddr = DPU_SIM_SPACE_DDR + (int)dpu_save_get_region(in);
    uint64_t rows = dpu_save_get_rows(in), cols = dpu_save_get_cols(in);
    uint64_t n = dpu_save_get_bytes(in);
    for (uint64_t r = 0; r < rows; r++) {
        for (uint64_t c = 0; c < cols; c++) {
            EMIT(buf,
                 dpu_save_get_sram_addr(in) + r * dpu_save_get_sram_row_stride(in) +
                     c * dpu_save_get_sram_col_stride(in),
                 n, false);
            EMIT(ddr,
                 dpu_save_get_ddr_off(in) + r * dpu_save_get_ddr_row_stride(in) +
                     c * dpu_save_get_ddr_col_stride(in),
                 n, true);
        }
    }
    return 0;
}

static int conv_accesses(const struct dpu_sim *s, const dpu_insn *in, sim_access_fn fn, void *ctx)
{
    uint64_t R = s->R, C = s->C;
    uint64_t kh = dpu_conv_get_kh(in), kw = dpu_conv_get_kw(in);
    uint64_t oh = dpu_conv_get_oh(in), ow = dpu_conv_get_ow(in), P = oh * ow;
    uint64_t acc = dpu_conv_get_acc_addr(in);
    for (uint64_t oy = 0; oy < oh; oy++)
        for (uint64_t ox = 0; ox < ow; ox++)
            for (uint64_t ky = 0; ky < kh; ky++)
                for (uint64_t kx = 0; kx < kw; kx++) {
                    uint64_t iy = oy * dpu_conv_get_stride_h(in) + ky * dpu_conv_get_dil_h(in);
                    uint64_t ix = ox * dpu_conv_get_stride_w(in) + kx * dpu_conv_get_dil_w(in);
                    EMIT(DPU_SIM_SPACE_ACT,
                         dpu_conv_get_act_addr(in) + iy * dpu_conv_get_act_row_stride(in) +
                             ix * dpu_conv_get_act_col_stride(in),
                         R, false);
                }
    EMIT(DPU_SIM_SPACE_WGT, dpu_conv_get_wgt_addr(in), kh * kw * R * C, false);
    if (dpu_conv_get_accumulate(in))
        EMIT(DPU_SIM_SPACE_ACC, 4 * C * acc, 4 * C * P, false);
    EMIT(DPU_SIM_SPACE_ACC, 4 * C * acc, 4 * C * P, true);
    if (!dpu_conv_get_post(in))
        return 0;
    EMIT(DPU_SIM_SPACE_PARAM, 16 * dpu_conv_get_param_addr(in), 16 * C, false);
    if (dpu_conv_get_lut(in))
        EMIT(DPU_SIM_SPACE_LUT, 0, 1, false);
    for (uint64_t px = 0; px < P; px++)
        EMIT(DPU_SIM_SPACE_ACT, dpu_conv_get_out_addr(in) + px * dpu_conv_get_out_pstride(in), C,
             true);
    return 0;
}

static int pool_accesses(const struct dpu_sim *s, const dpu_insn *in, sim_access_fn fn, void *ctx)
{
    uint64_t vec = dpu_pool_get_nvec(in) * s->R;
    uint64_t oh = dpu_pool_get_oh(in), ow = dpu_pool_get_ow(in);
    uint64_t vt = dpu_pool_get_valid_top(in), vl = dpu_pool_get_valid_left(in);
    uint64_t vb = vt + dpu_pool_get_valid_h(in), vr = vl + dpu_pool_get_valid_w(in);
    EMIT(DPU_SIM_SPACE_PARAM, 16 * dpu_pool_get_param_addr(in), 16, false);
    for (uint64_t oy = 0; oy < oh; oy++)
        for (uint64_t ox = 0; ox < ow; ox++)
            for (uint64_t ky = 0; ky < dpu_pool_get_kh(in); ky++)
                for (uint64_t kx = 0; kx < dpu_pool_get_kw(in); kx++) {
                    uint64_t iy = oy * dpu_pool_get_stride_h(in) + ky;
                    uint64_t ix = ox * dpu_pool_get_stride_w(in) + kx;
                    if (iy < vt || iy >= vb || ix < vl || ix >= vr)
                        continue;
                    EMIT(DPU_SIM_SPACE_ACT,
                         dpu_pool_get_in_addr(in) + (iy - vt) * dpu_pool_get_in_row_stride(in) +
                             (ix - vl) * dpu_pool_get_in_col_stride(in),
                         vec, false);
                }
    for (uint64_t px = 0; px < oh * ow; px++)
        EMIT(DPU_SIM_SPACE_ACT, dpu_pool_get_out_addr(in) + px * dpu_pool_get_out_pstride(in), vec,
             true);
    return 0;
}

static int eltw_accesses(const dpu_insn *in, sim_access_fn fn, void *ctx)
{
    uint64_t len = dpu_eltw_get_len(in);
    uint64_t nrec = dpu_eltw_get_op(in) == DPU_ELTWOP_ADD ? 2 : 1;
    EMIT(DPU_SIM_SPACE_PARAM, 16 * dpu_eltw_get_param_addr(in), 16 * nrec, false);
    EMIT(DPU_SIM_SPACE_ACT, dpu_eltw_get_a_addr(in), len, false);
    EMIT(DPU_SIM_SPACE_ACT, dpu_eltw_get_b_addr(in), len, false);
    if (dpu_eltw_get_lut(in))
        EMIT(DPU_SIM_SPACE_LUT, 0, 1, false);
    EMIT(DPU_SIM_SPACE_ACT, dpu_eltw_get_out_addr(in), len, true);
    return 0;
}

static int dwconv_accesses(const struct dpu_sim *s, const dpu_insn *in, sim_access_fn fn, void *ctx)
{
    uint64_t vec = dpu_dwconv_get_nvec(in) * s->R;
    uint64_t kh = dpu_dwconv_get_kh(in), kw = dpu_dwconv_get_kw(in);
    uint64_t oh = dpu_dwconv_get_oh(in), ow = dpu_dwconv_get_ow(in);
    EMIT(DPU_SIM_SPACE_PARAM, 16 * dpu_dwconv_get_param_addr(in), 16 * vec, false);
    EMIT(DPU_SIM_SPACE_WGT, dpu_dwconv_get_wgt_addr(in), vec * kh * kw, false);
    uint64_t sh = dpu_dwconv_get_stride_h(in), sw = dpu_dwconv_get_stride_w(in);
    uint64_t dh = dpu_dwconv_get_dil_h(in), dw = dpu_dwconv_get_dil_w(in);
    uint64_t pt = dpu_dwconv_get_pad_top(in), pl = dpu_dwconv_get_pad_left(in);
    uint64_t vh = (oh - 1) * sh + (kh - 1) * dh + 1 - pt - dpu_dwconv_get_pad_bottom(in);
    uint64_t vw = (ow - 1) * sw + (kw - 1) * dw + 1 - pl - dpu_dwconv_get_pad_right(in);
    for (uint64_t oy = 0; oy < oh; oy++)
        for (uint64_t ox = 0; ox < ow; ox++)
            for (uint64_t ky = 0; ky < kh; ky++)
                for (uint64_t kx = 0; kx < kw; kx++) {
                    /* implicit padding (outside the stored rectangle) reads nothing */
                    uint64_t iy = oy * sh + ky * dh - pt, ix = ox * sw + kx * dw - pl;
                    if (iy >= vh || ix >= vw)
                        continue;
                    EMIT(DPU_SIM_SPACE_ACT,
                         dpu_dwconv_get_act_addr(in) + iy * dpu_dwconv_get_act_row_stride(in) +
                             ix * dpu_dwconv_get_act_col_stride(in),
                         vec, false);
                }
    if (dpu_dwconv_get_lut(in))
        EMIT(DPU_SIM_SPACE_LUT, 0, 1, false);
    for (uint64_t px = 0; px < oh * ow; px++)
        EMIT(DPU_SIM_SPACE_ACT, dpu_dwconv_get_out_addr(in) + px * dpu_dwconv_get_out_pstride(in),
             vec, true);
    return 0;
}

int sim_accesses(const struct dpu_sim *s, const dpu_insn *in, sim_access_fn fn, void *ctx)
{
    switch (dpu_insn_get_opcode(in)) {
    case DPU_OP_LOAD:
        return load_accesses(in, fn, ctx);
    case DPU_OP_SAVE:
        return save_accesses(in, fn, ctx);
    case DPU_OP_CONV:
        return conv_accesses(s, in, fn, ctx);
    case DPU_OP_POOL:
        return pool_accesses(s, in, fn, ctx);
    case DPU_OP_ELTW:
        return eltw_accesses(in, fn, ctx);
    case DPU_OP_DWCONV:
        return dwconv_accesses(s, in, fn, ctx);
    case DPU_OP_LUTLD:
        EMIT(DPU_SIM_SPACE_ACT, dpu_lutld_get_src_addr(in), 256, false);
        EMIT(DPU_SIM_SPACE_LUT, 0, 1, true);
        return 0;
    case DPU_OP_LUT:
        EMIT(DPU_SIM_SPACE_ACT, dpu_lut_get_in_addr(in), dpu_lut_get_len(in), false);
        EMIT(DPU_SIM_SPACE_LUT, 0, 1, false);
        EMIT(DPU_SIM_SPACE_ACT, dpu_lut_get_out_addr(in), dpu_lut_get_len(in), true);
        return 0;
    default: /* END, SYNC: no data */
        return 0;
    }
}
