/* float32 pooling (ONNX semantics).
 *   MaxPool:  max over the window positions inside the input (dilations, ceil_mode).
 *   AvgPool:  sum over the positions inside the input, in double, divided by their count, or
 *             with count_include_pad = 1 by the count of positions inside the padded extent
 *             (padding adds 0 to the sum; in ceil mode positions past the padding count not).
 *   GlobalAvgPool: the double sum over all spatial positions divided by their number.
 */
#include <math.h>

#include "ref_internal.h"

int ref_f32_max_pool(const struct ref_args *a, struct dpu_diag *d)
{
    struct ref_win w;
    int err = ref_pool_setup(a, DPU_DT_FLOAT32, &w, d);
    if (err)
        return err;
    const float *x = a->in[0]->data;
    float *y = a->out->data;
    for (int64_t bc = 0; bc < w.n * w.c; bc++) {
        const float *xp = x + bc * w.h * w.w;
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
                float m = xp[(by + ky0 * w.dh) * w.w + bx + kx0 * w.dw];
                for (int64_t ky = ky0; ky < ky1; ky++) {
                    for (int64_t kx = kx0; kx < kx1; kx++) {
                        float v = xp[(by + ky * w.dh) * w.w + bx + kx * w.dw];
                        if (v > m)
                            m = v;
                    }
                }
                y[(bc * w.oh + oy) * w.ow + ox] = m;
            }
        }
    }
    return DPU_OK;
}

int ref_f32_avg_pool(const struct ref_args *a, struct dpu_diag *d)
{
    struct ref_win w;
    int err = ref_pool_setup(a, DPU_DT_FLOAT32, &w, d);
    if (err)
        return err;
    const float *x = a->in[0]->data;
    float *y = a->out->data;
    for (int64_t bc = 0; bc < w.n * w.c; bc++) {
        const float *xp = x + bc * w.h * w.w;
        for (int64_t oy = 0; oy < w.oh; oy++) {
            for (int64_t ox = 0; ox < w.ow; ox++) {
                int64_t by = oy * w.sh - w.pt, bx = ox * w.sw - w.pl;
                int64_t ky0, ky1, kx0, kx1, py0, py1, px0, px1;
                ref_taps(by, 1, w.kh, 0, w.h, &ky0, &ky1);
                ref_taps(bx, 1, w.kw, 0, w.w, &kx0, &kx1);
                ref_taps(by, 1, w.kh, -w.pt, w.h + w.pb, &py0, &py1);
                ref_taps(bx, 1, w.kw, -w.pl, w.w + w.pr, &px0, &px1);
                double sum = 0.0;
                for (int64_t ky = ky0; ky < ky1; ky++)
                    for (int64_t kx = kx0; kx < kx1; kx++)
                        sum += xp[(by + ky) * w.w + bx + kx];
                int64_t cnt =
                    w.count_include_pad ? (py1 - py0) * (px1 - px0) : (ky1 - ky0) * (kx1 - kx0);
                if (cnt < 1)
                    return ref_node_err(d, a->n, DPU_E_INVALID,
                                        "the window of output (%lld, %lld) covers only padding",
                                        (long long)oy, (long long)ox);
                y[(bc * w.oh + oy) * w.ow + ox] = (float)(sum / (double)cnt);
            }
        }
    }
    return DPU_OK;
}

int ref_f32_global_avg_pool(const struct ref_args *a, struct dpu_diag *d)
{
    int64_t n;
    int err = ref_global_pool_setup(a, DPU_DT_FLOAT32, &n, d);
    if (err)
        return err;
    const float *x = a->in[0]->data;
    float *y = a->out->data;
    int64_t planes = a->in[0]->dims[0] * a->in[0]->dims[1];
    for (int64_t bc = 0; bc < planes; bc++) {
        double sum = 0.0;
        for (int64_t i = 0; i < n; i++)
            sum += x[bc * n + i];
        y[bc] = n > 0 ? (float)(sum / (double)n) : NAN;
    }
    return DPU_OK;
}
