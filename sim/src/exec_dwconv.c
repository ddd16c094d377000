/* DWCONV: depthwise convolution of nvec*R channels, one kh x kw filter per channel, bias and
 * per-channel requantization in one instruction (isa.md section 6, DWCONV).
 *
 *   for oy, ox, v in 0 .. nvec-1, l in 0 .. R-1:
 *     ch := v*R + l;  q := param_addr + ch
 *     a := wrap32(bias(q) + sum over ky, kx of
 *            ACT[act_addr + iy*act_row_stride + ix*act_col_stride + ch] *
 *            WGT[wgt_addr + (v*kh*kw + ky*kw + kx)*R + l])
 *       with iy := oy*stride_h + ky*dil_h - pad_top, ix := ox*stride_w + kx*dil_w - pad_left,
 *       reading pad_value where (iy, ix) lies outside the stored VH x VW rectangle
 *     y := sat(rq(a, M(q), s(q)) + out_zp, clamp_lo, clamp_hi);  if lut: y := LUT(y)
 *     ACT[out_addr + (oy*ow + ox)*out_pstride + ch] := y
 */
#include "dpu/qmath.h"

#include "sim_internal.h"

unsigned sim_exec_dwconv(struct dpu_sim *s, const dpu_insn *in, uint64_t *fault_addr)
{
    uint64_t R = s->R;
    uint64_t kh = dpu_dwconv_get_kh(in), kw = dpu_dwconv_get_kw(in);
    uint64_t sh = dpu_dwconv_get_stride_h(in), sw = dpu_dwconv_get_stride_w(in);
    uint64_t dh = dpu_dwconv_get_dil_h(in), dw = dpu_dwconv_get_dil_w(in);
    uint64_t oh = dpu_dwconv_get_oh(in), ow = dpu_dwconv_get_ow(in);
    uint64_t nch = dpu_dwconv_get_nvec(in) * R;
    uint64_t act = dpu_dwconv_get_act_addr(in), wgt = dpu_dwconv_get_wgt_addr(in);
    uint64_t ars = dpu_dwconv_get_act_row_stride(in), acs = dpu_dwconv_get_act_col_stride(in);
    uint64_t q0 = dpu_dwconv_get_param_addr(in);
    uint64_t out = dpu_dwconv_get_out_addr(in), ps = dpu_dwconv_get_out_pstride(in);
    int32_t zp = (int32_t)dpu_dwconv_get_out_zp(in);
    int32_t lo = (int32_t)dpu_dwconv_get_clamp_lo(in), hi = (int32_t)dpu_dwconv_get_clamp_hi(in);
    bool lut = dpu_dwconv_get_lut(in);
    /* Implicit padding: only the stored rectangle of the tile's input grid is in ACT. */
    uint64_t pt = dpu_dwconv_get_pad_top(in), pl = dpu_dwconv_get_pad_left(in);
    uint64_t vh = (oh - 1) * sh + (kh - 1) * dh + 1 - pt - dpu_dwconv_get_pad_bottom(in);
    uint64_t vw = (ow - 1) * sw + (kw - 1) * dw + 1 - pl - dpu_dwconv_get_pad_right(in);
    int8_t pv = (int8_t)dpu_dwconv_get_pad_value(in);

    for (uint64_t ch = 0; ch < nch; ch++) {
        if (!sim_param_ok(sim_param_read(s, q0 + ch), DPU_RQ_MAX_SHIFT)) {
            *fault_addr = 16 * (q0 + ch);
            return DPU_ERRCODE_BAD_PARAM;
        }
    }
    for (uint64_t oy = 0; oy < oh; oy++) {
        for (uint64_t ox = 0; ox < ow; ox++) {
            for (uint64_t ch = 0; ch < nch; ch++) {
                uint64_t v = ch / R, l = ch % R;
                struct sim_param r = sim_param_read(s, q0 + ch);
                int32_t a = 0;
                for (uint64_t ky = 0; ky < kh; ky++) {
                    for (uint64_t kx = 0; kx < kw; kx++) {
                        /* unsigned: a position above or left of the rectangle wraps to a
                         * huge value and fails the same test as one below or right of it */
                        uint64_t iy = oy * sh + ky * dh - pt, ix = ox * sw + kx * dw - pl;
                        int8_t x =
                            iy < vh && ix < vw ? sim_act(s, act + iy * ars + ix * acs + ch) : pv;
                        int8_t w = sim_wgt(s, wgt + (v * kh * kw + ky * kw + kx) * R + l);
                        a = dpu_mac32(a, x, w);
                    }
                }
                /* wrap32(bias + products) == wrap32(wrap32(products) + bias): a ring. */
                int8_t y = dpu_requant_out(a, r.bias, r.M, r.s, zp, lo, hi);
                if (lut)
                    y = sim_lut(s, y);
                sim_act_set(s, out + (oy * ow + ox) * ps + ch, y);
            }
        }
    }
    return DPU_ERRCODE_NONE;
}
