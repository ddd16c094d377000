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
#include <string.h>

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

/* Per channel state: base (floor), V, Adam moments, soft weights, residual. */
#define NSTATE 6
#define BLOCK  8 /* channels optimised together, so each row of H serves BLOCK of them */

static void init_channel(const float *w, float s, size_t k, float *base, float *V)
{
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
}

/* One Adam step on V from the residual r = H wt - g. */
static void step_channel(size_t k, float s, const float *r, float *V, float *m1, float *m2,
                         bool regularise, float beta, float reg, float lr, float b1t, float b2t)
{
    const float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
    for (size_t j = 0; j < k; j++) {
        float sg = sigmoidf(V[j]);
        float hs = sg * (ZETA - GAMMA) + GAMMA;
        if (hs <= 0 || hs >= 1)
            continue;            /* h is clamped: no gradient reaches V */
        float dh = 2 * s * r[j]; /* d loss / d h */
        if (regularise) {
            float u = 2 * hs - 1, au = fabsf(u);
            float dreg = au > 0 ? -reg * beta * powf(au, beta - 1) * 2 : 0;
            dh += u < 0 ? -dreg : dreg;
        }
        float gv = dh * sg * (1 - sg) * (ZETA - GAMMA);
        m1[j] = b1 * m1[j] + (1 - b1) * gv;
        m2[j] = b2 * m2[j] + (1 - b2) * gv * gv;
        float mh = m1[j] / (1 - b1t), vh = m2[j] / (1 - b2t);
        V[j] -= lr * mh / (sqrtf(vh) + eps);
    }
}

/* The residual r_c = H wt_c - g_c of a block of channels, the bulk of the work. Each element
 * r_c[i] starts at -g_c[i] and adds the products H[j][i] wt_c[j] for j = 0, 1, ..., k - 1 in
 * that order (H is symmetric, so row j is column j), one rounded multiply and one rounded add
 * each (no contraction in ISO C mode): the sums of a plain column-by-column loop, whatever the
 * tiling or the instruction set. A tile of RT elements of every channel of a full block stays
 * in registers while all of H's rows stream by; with GCC on x86-64 the code is also built for
 * x86-64-v3/v4 and chosen when the program starts. */
#define RT 16 /* residual elements per register tile */

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define RES_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define RES_CLONES
#endif

/* Elements [i0, i1) of nc channels' residuals, the plain loops the tiles reproduce. Inlined,
 * so that each instruction-set clone of residual has its own (a call from the x86-64-v4
 * clone into code built for the default target slowed the whole optimisation 2.5x). */
static inline __attribute__((always_inline)) void residual_plain(const float *restrict H, size_t k,
                                                                 size_t nc, size_t i0, size_t i1,
                                                                 float *restrict st)
{
    for (size_t c = 0; c < nc; c++) {
        float *r = st + c * NSTATE * k + 5 * k;
        const float *wt = st + c * NSTATE * k + 4 * k;
        for (size_t j = 0; j < k; j++)
            for (size_t i = i0; i < i1; i++)
                r[i] += H[j * k + i] * wt[j];
    }
}

/* Elements [i0, i0 + RT) of nc channels' residuals; nc is a constant where it is inlined. A
 * GCC/clang vector of RT floats is RT independent IEEE multiplies and adds, as the loop. */
#if defined(__GNUC__)
typedef float res_vec __attribute__((vector_size(RT * sizeof(float))));
#endif

static inline __attribute__((always_inline)) void
residual_tile(const float *restrict H, size_t k, size_t nc, size_t i0, float *restrict st)
{
#if defined(__GNUC__)
    res_vec acc[BLOCK];
#pragma GCC unroll 8
    for (size_t c = 0; c < nc; c++)
        memcpy(&acc[c], st + c * NSTATE * k + 5 * k + i0, sizeof acc[c]);
    for (size_t j = 0; j < k; j++) {
        res_vec h;
        memcpy(&h, H + j * k + i0, sizeof h);
#pragma GCC unroll 8
        for (size_t c = 0; c < nc; c++)
            acc[c] += h * st[c * NSTATE * k + 4 * k + j];
    }
#pragma GCC unroll 8
    for (size_t c = 0; c < nc; c++)
        memcpy(st + c * NSTATE * k + 5 * k + i0, &acc[c], sizeof acc[c]);
#else
    residual_plain(H, k, nc, i0, i0 + RT, st);
#endif
}

RES_CLONES static void residual(const float *restrict H, size_t k, size_t nc, float *restrict st)
{
    size_t i0 = 0;
    for (; i0 + RT <= k; i0 += RT) {
        if (nc == BLOCK)
            residual_tile(H, k, BLOCK, i0, st);
        else
            residual_tile(H, k, nc, i0, st);
    }
    residual_plain(H, k, nc, i0, k, st); /* the last k % RT elements */
}

/* Channels [0, nc) (nc <= BLOCK) in lockstep; st holds NSTATE * k floats per channel. */
static void optimise_block(const float *H, const float *g, size_t k, size_t nc, const float *s,
                           const struct dpu_adaround_params *p, float *st)
{
    size_t warm = (size_t)(p->warmup * (double)p->iterations);
    float b1t = 1, b2t = 1;
    for (size_t it = 0; it < p->iterations; it++) {
        for (size_t c = 0; c < nc; c++) {
            float *base = st + c * NSTATE * k, *V = base + k, *wt = base + 4 * k, *r = base + 5 * k;
            for (size_t j = 0; j < k; j++) {
                float h = sigmoidf(V[j]) * (ZETA - GAMMA) + GAMMA;
                h = h < 0 ? 0 : h > 1 ? 1 : h;
                wt[j] = s[c] * (base[j] + h);
                r[j] = -g[c * k + j];
            }
        }
        residual(H, k, nc, st); /* r = H wt - g */
        float beta = 0;
        bool regularise = it >= warm;
        if (regularise) {
            double rel = (double)(it - warm) / (double)(p->iterations - warm);
            beta = (float)(p->beta_end + (p->beta_start - p->beta_end) * (1 - rel));
        }
        b1t *= 0.9f;
        b2t *= 0.999f;
        for (size_t c = 0; c < nc; c++) {
            float *base = st + c * NSTATE * k;
            step_channel(k, s[c], base + 5 * k, base + k, base + 2 * k, base + 3 * k, regularise,
                         beta, (float)p->reg, (float)p->lr, b1t, b2t);
        }
    }
}

int dpu_adaround_channels(const float *H, const float *g, size_t k, size_t nc, const float *w,
                          const float *s, const struct dpu_adaround_params *p, int8_t *q)
{
    if (k == 0 || nc == 0)
        return DPU_OK;
    float *st = malloc(BLOCK * NSTATE * k * sizeof *st);
    int8_t *cand = malloc(k);
    if (!st || !cand) {
        free(st);
        free(cand);
        return DPU_E_NOMEM;
    }
    for (size_t c0 = 0; c0 < nc; c0 += BLOCK) {
        size_t n = 0; /* channels of this block with a usable scale, packed */
        size_t idx[BLOCK];
        float sb[BLOCK];
        for (size_t c = c0; c < nc && c < c0 + BLOCK; c++) {
            if (!(s[c] > 0) || !isfinite(s[c]))
                continue;
            float *base = st + n * NSTATE * k;
            memset(base, 0, NSTATE * k * sizeof *base);
            init_channel(w + c * k, s[c], k, base, base + k);
            sb[n] = s[c];
            idx[n++] = c;
        }
        float *gp = malloc((n ? n : 1) * k * sizeof *gp);
        if (!gp) {
            free(st);
            free(cand);
            return DPU_E_NOMEM;
        }
        for (size_t b = 0; b < n; b++)
            memcpy(gp + b * k, g + idx[b] * k, k * sizeof *gp);
        optimise_block(H, gp, k, n, sb, p, st);
        free(gp);
        for (size_t b = 0; b < n; b++) {
            const float *base = st + b * NSTATE * k, *V = base + k;
            int8_t *qc = q + idx[b] * k;
            for (size_t j = 0; j < k; j++)
                cand[j] = (int8_t)(base[j] + (V[j] >= 0 ? 1 : 0));
            if (dpu_adaround_loss(H, g + idx[b] * k, k, sb[b], cand) <
                dpu_adaround_loss(H, g + idx[b] * k, k, sb[b], qc))
                memcpy(qc, cand, k);
        }
    }
    free(st);
    free(cand);
    return DPU_OK;
}
