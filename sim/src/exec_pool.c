/* POOL: max or average pooling over a tile of oh x ow pixels of nvec R-channel vectors
 * (isa.md section 6, POOL). Window positions outside the valid rectangle are skipped and
 * never read; an average divides by the number of valid positions only.
 *
 *   Mq := M(param_addr);  sq := s(param_addr)
 *   for oy, ox, v, l:
 *     n := number of valid positions of the window;  S := their max (MAX) or sum (AVG)
 *     n == 0:  y := out_zp
 *     else:    if MAX: n := 1
 *              y := sat(floor((2*num + den) / (2*den)) + out_zp, -128, 127)
 *                   with num := (S - n*in_zp)*Mq, den := n << sq     (dpu_avgpool_out)
 *     ACT[out_addr + (oy*ow + ox)*out_pstride + v*R + l] := y
 */
#include "dpu/qmath.h"

#include "sim_internal.h"

unsigned sim_exec_pool(struct dpu_sim *s, const dpu_insn *in, uint64_t *fault_addr)
{
    uint64_t R = s->R;
    bool max = dpu_pool_get_mode(in) == DPU_POOLMODE_MAX;
    uint64_t kh = dpu_pool_get_kh(in), kw = dpu_pool_get_kw(in);
    uint64_t sh = dpu_pool_get_stride_h(in), sw = dpu_pool_get_stride_w(in);
    uint64_t oh = dpu_pool_get_oh(in), ow = dpu_pool_get_ow(in);
    uint64_t nch = dpu_pool_get_nvec(in) * R;
    uint64_t src = dpu_pool_get_in_addr(in);
    uint64_t irs = dpu_pool_get_in_row_stride(in), ics = dpu_pool_get_in_col_stride(in);
    uint64_t out = dpu_pool_get_out_addr(in), ps = dpu_pool_get_out_pstride(in);
    uint64_t vt = dpu_pool_get_valid_top(in), vl = dpu_pool_get_valid_left(in);
    uint64_t vb = vt + dpu_pool_get_valid_h(in), vr = vl + dpu_pool_get_valid_w(in);
    int32_t in_zp = (int32_t)dpu_pool_get_in_zp(in), out_zp = (int32_t)dpu_pool_get_out_zp(in);
    uint64_t q = dpu_pool_get_param_addr(in);

    struct sim_param rec = sim_param_read(s, q); /* its bias is ignored */
    if (!sim_param_ok(rec, DPU_POOL_MAX_SHIFT)) {
        *fault_addr = 16 * q;
        return DPU_ERRCODE_BAD_PARAM;
    }
    for (uint64_t oy = 0; oy < oh; oy++) {
        for (uint64_t ox = 0; ox < ow; ox++) {
            for (uint64_t ch = 0; ch < nch; ch++) {
                int64_t n = 0, S = 0;
                for (uint64_t ky = 0; ky < kh; ky++) {
                    uint64_t iy = oy * sh + ky;
                    if (iy < vt || iy >= vb)
                        continue;
                    for (uint64_t kx = 0; kx < kw; kx++) {
                        uint64_t ix = ox * sw + kx;
                        if (ix < vl || ix >= vr)
                            continue;
                        int8_t x = sim_act(s, src + (iy - vt) * irs + (ix - vl) * ics + ch);
                        S = !max ? S + x : (n == 0 || x > S) ? x : S;
                        n++;
                    }
                }
                int8_t y = (int8_t)out_zp;
                if (n > 0)
                    y = dpu_avgpool_out(S, max ? 1 : n, in_zp, rec.M, rec.s, out_zp);
                sim_act_set(s, out + (oy * ow + ox) * ps + ch, y);
            }
        }
    }
    return DPU_ERRCODE_NONE;
}
