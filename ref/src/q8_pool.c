/* int8 pooling.
 *
 * MaxPool:  m = max of x over the window positions inside the input (padding never wins;
 *           dilations; ceil-mode windows clipped), y = sat8(rq(m - z_x, M, s) + z_y) with
 *           (M, s) = qm(s_x / s_y) (the identity when the scales agree).
 * AvgPool:  S = sum of x over the window positions inside the input, n = their count; with
 *           count_include_pad = 1, n also counts the positions in the padding (but not those
 *           past it in ceil mode) and each adds z_x to S (a real 0). Then
 *             y = sat8(pool_div(S, n, z_x, M, s) + z_y)
 *           i.e. (S - n z_x) * M / (n 2^s) rounded once, ties up (dpu_avgpool_out), with
 *           (M, s) = qm(s_x / s_y) capped at s = 31 (dpu_qplan_avgpool). 1 <= n <= 65025.
 * GlobalAvgPool: AvgPool over all of H x W (n = H * W).
 */
#include "dpu/qmath.h"
#include "dpu/qplan.h"
#include "ref_internal.h"

int ref_q8_max_pool(const struct ref_args *a, struct dpu_diag *d)
{
    struct ref_win w;
    struct dpu_qp_rescale p;
    int err;
    if ((err = ref_pool_setup(a, DPU_DT_INT8, &w, d)) ||
        (err = dpu_qplan_rescale(a->g, a->n, &p, d)))
        return err;
    const int8_t *x = a->in[0]->data;
    int8_t *y = a->out->data;
    for (int64_t bc = 0; bc < w.n * w.c; bc++) {
        const int8_t *xp = x + bc * w.h * w.w;
        for (int64_t oy = 0; oy < w.oh; oy++) {
            for (int64_t ox = 0; ox < w.ow; ox++) {
                int64_t by = oy * w.sh - w.pt, bx = ox * w.sw - w.pl;
                int64_t ky0, ky1, kx0, kx1; /* window positions inside the input */
                ref_taps(by, w.dh, w.kh, 0, w.h, &ky0, &ky1);
                ref_taps(bx, w.dw, w.kw, 0, w.w, &kx0, &kx1);
                if (ky0 == ky1 || kx0 == kx1)
                    return ref_node_err(d, a->n, DPU_E_INVALID,
                                        "the window of output (%lld, %lld) covers only padding",
                                        (long long)oy, (long long)ox);
                int32_t m = DPU_ACT_MIN;
                for (int64_t ky = ky0; ky < ky1; ky++)
                    for (int64_t kx = kx0; kx < kx1; kx++)
                        if (xp[(by + ky * w.dh) * w.w + bx + kx * w.dw] > m)
                            m = xp[(by + ky * w.dh) * w.w + bx + kx * w.dw];
                y[(bc * w.oh + oy) * w.ow + ox] =
                    (int8_t)dpu_sat(dpu_rq(m - p.zx, p.rq.M, p.rq.s) + p.zy, p.lo, p.hi);
            }
        }
    }
    return DPU_OK;
}

int ref_q8_avg_pool(const struct ref_args *a, struct dpu_diag *d)
{
    struct ref_win w;
    struct dpu_qp_avgpool p;
    int err;
    if ((err = ref_pool_setup(a, DPU_DT_INT8, &w, d)) ||
        (err = dpu_qplan_avgpool(a->g, a->n, &p, d)))
        return err;
    const int8_t *x = a->in[0]->data;
    int8_t *y = a->out->data;
    for (int64_t bc = 0; bc < w.n * w.c; bc++) {
        const int8_t *xp = x + bc * w.h * w.w;
        for (int64_t oy = 0; oy < w.oh; oy++) {
            for (int64_t ox = 0; ox < w.ow; ox++) {
                /* [ky0, ky1) x [kx0, kx1): positions inside the input; [py0, py1) x
                 * [px0, px1): inside the padded extent (a superset). */
                int64_t by = oy * w.sh - w.pt, bx = ox * w.sw - w.pl;
                int64_t ky0, ky1, kx0, kx1, py0, py1, px0, px1;
                ref_taps(by, 1, w.kh, 0, w.h, &ky0, &ky1);
                ref_taps(bx, 1, w.kw, 0, w.w, &kx0, &kx1);
                ref_taps(by, 1, w.kh, -w.pt, w.h + w.pb, &py0, &py1);
                ref_taps(bx, 1, w.kw, -w.pl, w.w + w.pr, &px0, &px1);
                int64_t nin = (ky1 - ky0) * (kx1 - kx0);
                int64_t cnt = w.count_include_pad ? (py1 - py0) * (px1 - px0) : nin;
                if (cnt < 1)
                    return ref_node_err(d, a->n, DPU_E_INVALID,
                                        "the window of output (%lld, %lld) covers only padding",
                                        (long long)oy, (long long)ox);
                if (cnt > DPU_POOL_MAX_N)
                    return ref_node_err(d, a->n, DPU_E_UNSUPPORTED,
                                        "the window of output (%lld, %lld) averages %lld "
                                        "positions: int8 average pooling allows at most %d",
                                        (long long)oy, (long long)ox, (long long)cnt,
                                        DPU_POOL_MAX_N);
                int64_t sum = (cnt - nin) * p.zx; /* padded positions: z_x, a real 0 */
                for (int64_t ky = ky0; ky < ky1; ky++)
                    for (int64_t kx = kx0; kx < kx1; kx++)
                        sum += xp[(by + ky) * w.w + bx + kx];
                y[(bc * w.oh + oy) * w.ow + ox] =
                    dpu_avgpool_out(sum, cnt, p.zx, p.rq.M, p.rq.s, p.zy);
            }
        }
    }
    return DPU_OK;
}

int ref_q8_global_avg_pool(const struct ref_args *a, struct dpu_diag *d)
{
    struct dpu_qp_avgpool p;
    int64_t n;
    int err;
    if ((err = ref_global_pool_setup(a, DPU_DT_INT8, &n, d)) ||
        (err = dpu_qplan_avgpool(a->g, a->n, &p, d)))
        return err;
    if (n < 1 || n > DPU_POOL_MAX_N)
        return ref_node_err(d, a->n, DPU_E_UNSUPPORTED,
                            "averages %lld positions: int8 average pooling allows 1 to %d",
                            (long long)n, DPU_POOL_MAX_N);
    const int8_t *x = a->in[0]->data;
    int8_t *y = a->out->data;
    int64_t planes = a->in[0]->dims[0] * a->in[0]->dims[1];
    for (int64_t bc = 0; bc < planes; bc++) {
        int64_t sum = 0;
        for (int64_t i = 0; i < n; i++)
            sum += x[bc * n + i];
        y[bc] = dpu_avgpool_out(sum, n, p.zx, p.rq.M, p.rq.s, p.zy);
    }
    return DPU_OK;
}
