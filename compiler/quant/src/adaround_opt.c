/* AdaRound's optimisation of one output channel (Nagel et al. 2020): which way to round each
 * weight so that the layer's output, not each weight, stays closest to float.
 *
 * With the channel's input patches x (rows of the calibration data) and the float model's
 * output t, the squared output error of weights w~ = s (floor(w/s) + h) is
 *     E[(w~ . x - t)^2] = w~^T H w~ - 2 w~^T g + const,   H = E[x x^T], g = E[x t],
 * a quadratic form: each step costs one k x k matrix-vector product, whatever the number of
 * rows, and the gradient is exact (no mini-batches, nothing random). h = h(V) is the
 * rectified sigmoid, relaxed to [0, 1] during the optimisation and pushed to 0 or 1 by the
 * regulariser reg * sum(1 - |2h - 1|^beta) with beta annealed from 20 to 2 after a warm-up.
 * Everything is float32 in a fixed order, so the result is the same on every run. */
#include <math.h>
#include <stdlib.h>

#include "dpu/quant_passes.h"

#define ZETA  1.1f
#define GAMMA (-0.1f)

void dpu_adaround_params_init(struct dpu_adaround_params *p)
{
    p->iterations = 1000;
    p->reg = 0.01;
    p->beta_start = 20;
    p->beta_end = 2;
    p->warmup = 0.2;
    p->lr = 0.01;
}

double dpu_adaround_loss(const float *H, const float *g, size_t k, float s, const int8_t *q)
{
    double loss = 0;
    for (size_t i = 0; i < k; i++) {
        double hw = 0;
        for (size_t j = 0; j < k; j++)
            hw += (double)H[i * k + j] * q[j];
        loss += (double)q[i] * ((double)s * hw - 2.0 * g[i]);
    }
    return loss * s;
}

static float sigmoidf(float v)
{
    return 1.0f / (1.0f + expf(-v));
}

int dpu_adaround_channel(const float *H, const float *g, size_t k, const float *w, float s,
                         const struct dpu_adaround_params *p, int8_t *q)
{
    if (k == 0 || !(s > 0) || !isfinite(s))
        return DPU_OK;
    float *buf = calloc(6 * k, sizeof *buf);
    int8_t *cand = malloc(k);
    if (!buf || !cand) {
        free(buf);
        free(cand);
        return DPU_E_NOMEM;
    }
    float *base = buf, *V = buf + k, *m1 = buf + 2 * k, *m2 = buf + 3 * k, *wt = buf + 4 * k,
          *r = buf + 5 * k;
    for (size_t j = 0; j < k; j++) {
        double x = (double)w[j] / s;
        double b = floor(x);
        if (b > 126) /* the largest weight sits on 127: round down means 126 + 1 */
            b = 126;
        if (b < -127)
            b = -127;
        double frac = x - b;
        frac = frac < 0 ? 0 : frac > 1 ? 1 : frac;
        /* h(V) = frac: sigmoid(V) = (frac - gamma) / (zeta - gamma), inside (0, 1). */
        double sg = (frac - GAMMA) / (ZETA - GAMMA);
        base[j] = (float)b;
        V[j] = (float)log(sg / (1 - sg));
    }
    const float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, lr = (float)p->lr;
    float b1t = 1, b2t = 1;
    size_t warm = (size_t)(p->warmup * (double)p->iterations);
    for (size_t it = 0; it < p->iterations; it++) {
        for (size_t j = 0; j < k; j++) {
            float h = sigmoidf(V[j]) * (ZETA - GAMMA) + GAMMA;
            h = h < 0 ? 0 : h > 1 ? 1 : h;
            wt[j] = s * (base[j] + h);
            r[j] = -g[j];
        }
        /* r = H wt - g, column by column (H is symmetric): a vectorisable axpy whose sums
         * run in a fixed order. */
        for (size_t j = 0; j < k; j++) {
            const float *col = H + j * k;
            float c = wt[j];
            for (size_t i = 0; i < k; i++)
                r[i] += col[i] * c;
        }
        float beta = 0;
        bool regularise = it >= warm;
        if (regularise) {
            double rel = (double)(it - warm) / (double)(p->iterations - warm);
            beta = (float)(p->beta_end + (p->beta_start - p->beta_end) * (1 - rel));
        }
        b1t *= b1;
        b2t *= b2;
        for (size_t j = 0; j < k; j++) {
            float sg = sigmoidf(V[j]);
            float hs = sg * (ZETA - GAMMA) + GAMMA;
            if (hs <= 0 || hs >= 1)
                continue; /* h is clamped: no gradient reaches V (Adam's moments still decay) */
            float dh = 2 * s * r[j]; /* d loss / d h */
            if (regularise) {
                float u = 2 * hs - 1, au = fabsf(u);
                float dreg = au > 0 ? -(float)p->reg * beta * powf(au, beta - 1) * 2 : 0;
                dh += u < 0 ? -dreg : dreg;
            }
            float gv = dh * sg * (1 - sg) * (ZETA - GAMMA);
            m1[j] = b1 * m1[j] + (1 - b1) * gv;
            m2[j] = b2 * m2[j] + (1 - b2) * gv * gv;
            float mh = m1[j] / (1 - b1t), vh = m2[j] / (1 - b2t);
            V[j] -= lr * mh / (sqrtf(vh) + eps);
        }
    }
    for (size_t j = 0; j < k; j++)
        cand[j] = (int8_t)(base[j] + (V[j] >= 0 ? 1 : 0));
    if (dpu_adaround_loss(H, g, k, s, cand) < dpu_adaround_loss(H, g, k, s, q))
        for (size_t j = 0; j < k; j++)
            q[j] = cand[j];
    free(buf);
    free(cand);
    return DPU_OK;
}
