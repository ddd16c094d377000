/* CONV: one input-channel block of a convolution tile on the R x C array, then optionally
 * post-processing (isa.md section 6, CONV).
 *
 * Array pass, for each output pixel (oy, ox) and output channel c:
 *   e := acc_addr + oy*ow + ox
 *   p := sum over taps t = ky*kw + kx and lanes r of
 *          ACT[act_addr + iy*act_row_stride + ix*act_col_stride + r] * WGT[wgt_addr + t*R*C + r*C +
 * c] with iy := oy*stride_h + ky*dil_h, ix := ox*stride_w + kx*dil_w ACC[e][c] :=
 * wrap32((accumulate ? ACC[e][c] : 0) + p) Sums are int32 with wrap-around (dpu_mac32), hence
 * independent of the order of addition.
 *
 * Post-processing (post = 1), reading the ACC values just written:
 *   q := param_addr + c
 *   y := sat(rq(wrap32(ACC[e][c] + bias(q)), M(q), s(q)) + out_zp, clamp_lo, clamp_hi)
 *   if lut: y := LUT(y)
 *   ACT[out_addr + (oy*ow + ox)*out_pstride + c] := y
 * The ACC entries keep their pre-bias values.
 */
#include "dpu/qmath.h"

#include "sim_internal.h"

/* Every record the post-processing will use must have M >= 0 and 0 <= s <= 62; checked
 * before anything is written. */
static unsigned check_params(const struct dpu_sim *s, uint64_t q0, uint64_t *fault_addr)
{
    for (uint64_t c = 0; c < s->C; c++) {
        if (!sim_param_ok(sim_param_read(s, q0 + c), DPU_RQ_MAX_SHIFT)) {
            *fault_addr = 16 * (q0 + c);
            return DPU_ERRCODE_BAD_PARAM;
        }
    }
    return DPU_ERRCODE_NONE;
}

static void array_pass(struct dpu_sim *s, const dpu_insn *in)
{
    uint64_t R = s->R, C = s->C;
    uint64_t kh = dpu_conv_get_kh(in), kw = dpu_conv_get_kw(in);
    uint64_t sh = dpu_conv_get_stride_h(in), sw = dpu_conv_get_stride_w(in);
    uint64_t dh = dpu_conv_get_dil_h(in), dw = dpu_conv_get_dil_w(in);
    uint64_t oh = dpu_conv_get_oh(in), ow = dpu_conv_get_ow(in);
    uint64_t act = dpu_conv_get_act_addr(in), wgt = dpu_conv_get_wgt_addr(in);
    uint64_t ars = dpu_conv_get_act_row_stride(in), acs = dpu_conv_get_act_col_stride(in);
    uint64_t acc = dpu_conv_get_acc_addr(in);
    bool accumulate = dpu_conv_get_accumulate(in);
    int32_t *p = s->conv_sums;

    for (uint64_t oy = 0; oy < oh; oy++) {
        for (uint64_t ox = 0; ox < ow; ox++) {
            uint64_t e = acc + oy * ow + ox;
            for (uint64_t c = 0; c < C; c++)
                p[c] = accumulate ? sim_acc_get(s, e, c) : 0;
            for (uint64_t ky = 0; ky < kh; ky++) {
                for (uint64_t kx = 0; kx < kw; kx++) {
                    uint64_t iy = oy * sh + ky * dh, ix = ox * sw + kx * dw;
                    uint64_t xa = act + iy * ars + ix * acs;
                    uint64_t wa = wgt + (ky * kw + kx) * R * C;
                    for (uint64_t r = 0; r < R; r++) {
                        int8_t x = sim_act(s, xa + r);
                        for (uint64_t c = 0; c < C; c++)
                            p[c] = dpu_mac32(p[c], x, sim_wgt(s, wa + r * C + c));
                    }
                }
            }
            for (uint64_t c = 0; c < C; c++)
                sim_acc_set(s, e, c, p[c]);
        }
    }
}

static void post_process(struct dpu_sim *s, const dpu_insn *in)
{
    uint64_t P = dpu_conv_get_oh(in) * dpu_conv_get_ow(in);
    uint64_t acc = dpu_conv_get_acc_addr(in), q0 = dpu_conv_get_param_addr(in);
    uint64_t out = dpu_conv_get_out_addr(in), ps = dpu_conv_get_out_pstride(in);
    int32_t zp = (int32_t)dpu_conv_get_out_zp(in);
    int32_t lo = (int32_t)dpu_conv_get_clamp_lo(in), hi = (int32_t)dpu_conv_get_clamp_hi(in);
    bool lut = dpu_conv_get_lut(in);

    for (uint64_t c = 0; c < s->C; c++) {
        struct sim_param r = sim_param_read(s, q0 + c);
        for (uint64_t px = 0; px < P; px++) {
            int8_t y = dpu_requant_out(sim_acc_get(s, acc + px, c), r.bias, r.M, r.s, zp, lo, hi);
            if (lut)
                y = sim_lut(s, y);
            sim_act_set(s, out + px * ps + c, y);
        }
    }
}

unsigned sim_exec_conv(struct dpu_sim *s, const dpu_insn *in, uint64_t *fault_addr)
{
    bool post = dpu_conv_get_post(in);
    if (post) {
        unsigned e = check_params(s, dpu_conv_get_param_addr(in), fault_addr);
        if (e)
            return e;
    }
    /* The plain loops above state the semantics; fast_conv.c computes the same bytes. */
    if (s->plain)
        array_pass(s, in);
    else
        sim_fast_conv_array(s, in);
    if (post && s->plain)
        post_process(s, in);
    else if (post)
        sim_fast_conv_post(s, in);
    return DPU_ERRCODE_NONE;
}
