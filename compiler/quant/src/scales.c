/* The scale rules: asymmetric int8 activations from a real range, symmetric int8 weights per
 * output channel, int32 biases, and the power-of-two restriction (docs/quantization.md). */
#include <inttypes.h>
#include <math.h>

#include "dpu/qparams.h"
#include "quant_internal.h"

float dpu_qpof2(float s)
{
    int e;
    float f = frexpf(s, &e); /* s = f 2^e, f in [0.5, 1) */
    return f == 0.5f ? s : ldexpf(1.0f, e);
}

void dpu_qact_params(double lo, double hi, bool pof2, float *scale, int32_t *zp)
{
    lo = lo < 0 ? lo : 0; /* the range must hold 0, which then is exactly q = zp */
    hi = hi > 0 ? hi : 0;
    float s = (float)((hi - lo) / 255.0);
    if (!(s > 0) || !isfinite(s) || s < 1e-30f) {
        /* Nothing was seen but zeros: any scale represents them; 1/255 keeps the ratios of
         * neighbouring layers ordinary. */
        *scale = 1.0f / 255.0f;
        *zp = -128;
        return;
    }
    if (pof2)
        s = dpu_qpof2(s);
    double z = dpu_round_half_even(-128.0 - lo / (double)s);
    *scale = s;
    *zp = (int32_t)(z < -128 ? -128 : z > 127 ? 127 : z);
}

void dpu_qweights(const float *w, int64_t m, int64_t k, bool per_tensor, bool pof2, float *scales,
                  int8_t *q)
{
    double all = 0;
    for (int64_t c = 0; c < m; c++) {
        double amax = 0;
        for (int64_t i = 0; i < k; i++) {
            double a = fabs((double)w[c * k + i]);
            if (a > amax)
                amax = a;
        }
        scales[c] = (float)(amax / 127.0);
        if (amax > all)
            all = amax;
    }
    float biggest = (float)(all / 127.0);
    for (int64_t c = 0; c < m; c++) {
        if (per_tensor || !(scales[c] > 0))
            scales[c] = biggest > 0 ? biggest : 1.0f; /* a zero row: any scale; keep it tame */
        if (pof2)
            scales[c] = dpu_qpof2(scales[c]);
        /* The float32 division can land a hair above 127 for the largest weight; the clamp
         * keeps it, and -128 is never produced. */
        for (int64_t i = 0; i < k; i++)
            q[c * k + i] = (int8_t)dpu_quantize_f32(w[c * k + i], scales[c], 0, -127, 127);
    }
}

int dpu_qbias(const struct dpu_gnode *n, const float *b, int64_t m, float s_x, const float *s_w,
              int32_t *q, struct dpu_diag *d)
{
    for (int64_t c = 0; c < m; c++) {
        double unit = (double)s_x * (double)s_w[c];
        double v = dpu_round_half_even((double)b[c] / unit);
        if (!(v >= INT32_MIN && v <= INT32_MAX))
            return q_fail(d, n, DPU_E_RANGE,
                          "bias of output channel %" PRId64 " is %g = %.6g units of s_x * s_w = "
                          "%g * %g; it does not fit int32 (is a weight channel nearly zero "
                          "while its bias is not?)",
                          c, (double)b[c], (double)b[c] / unit, (double)s_x, (double)s_w[c]);
        q[c] = (int32_t)v;
    }
    return DPU_OK;
}
