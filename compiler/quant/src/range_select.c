/* Range estimators over a calibration histogram (calib_hist.c). Each returns a clipping
 * threshold T on |x|; dpu_qhist_range turns it into the real range [max(min, -T),
 * min(max, T)]. docs/quantization.md ("Ranges") derives each one.
 *
 * Bins are [i w, (i + 1) w) with w = h->width; a bin's values are taken to sit at its centre
 * (i + 1/2) w, except for the exact zeros, which are counted apart. */
#include <math.h>
#include <stdlib.h>

#include "dpu/quant_passes.h"

#define NB DPU_QHIST_BINS

static uint64_t total_count(const struct dpu_qhist *h)
{
    uint64_t n = h->zeros;
    for (size_t i = 0; i < NB; i++)
        n += h->pos[i] + h->neg[i];
    return n;
}

/* The value below which `percentile` percent of |x| lie, interpolated linearly inside the
 * bin that crosses it. */
double dpu_qhist_percentile(const struct dpu_qhist *h, double percentile)
{
    uint64_t total = total_count(h);
    if (total == 0 || h->width == 0)
        return 0;
    double target = percentile / 100.0 * (double)total;
    double cum = (double)h->zeros;
    for (size_t i = 0; i < NB; i++) {
        double c = (double)(h->pos[i] + h->neg[i]);
        if (c > 0 && cum + c >= target) {
            double frac = target > cum ? (target - cum) / c : 0;
            return ((double)i + frac) * h->width;
        }
        cum += c;
    }
    return NB * h->width;
}

/* Suffix sums over one side of the histogram: s0[j] = sum_{i >= j} n_i, s1 of n_i c_i,
 * s2 of n_i c_i^2 (c_i the bin centres). */
struct side_sums {
    double s0[NB + 1], s1[NB + 1], s2[NB + 1];
};

static void suffix_sums(const uint64_t *n, double w, struct side_sums *s)
{
    s->s0[NB] = s->s1[NB] = s->s2[NB] = 0;
    for (size_t i = NB; i-- > 0;) {
        double c = ((double)i + 0.5) * w, k = (double)n[i];
        s->s0[i] = s->s0[i + 1] + k;
        s->s1[i] = s->s1[i + 1] + k * c;
        s->s2[i] = s->s2[i + 1] + k * c * c;
    }
}

/* Squared clipping error of the values on one side beyond bound b, and how many are inside. */
static double clip_error(const struct side_sums *s, double w, double b, double *inside)
{
    /* First bin whose centre lies beyond b: c_j > b  <=>  j > b / w - 1/2. */
    double jf = floor(b / w - 0.5) + 1;
    size_t j = jf < 0 ? 0 : jf > NB ? NB : (size_t)jf;
    *inside = s->s0[0] - s->s0[j];
    return s->s2[j] - 2 * b * s->s1[j] + b * b * s->s0[j];
}

/* Expected squared error of quantizing the histogram with the range clipped at T:
 *   values inside [lo_T, hi_T]: the rounding noise of a uniform quantizer, step^2 / 12 each,
 *   values beyond: (|x| - bound)^2,
 * with step = (hi_T - lo_T) / 255. Exact zeros cost nothing (0 is always representable). */
double dpu_qhist_mse(const struct dpu_qhist *h)
{
    if (h->width == 0)
        return 0;
    struct side_sums *sp = malloc(sizeof *sp), *sn = malloc(sizeof *sn);
    if (!sp || !sn) {
        free(sp);
        free(sn);
        return 0; /* the caller falls back to min/max */
    }
    double w = h->width;
    suffix_sums(h->pos, w, sp);
    suffix_sums(h->neg, w, sn);
    double pmax = h->max > 0 ? h->max : 0, nmax = h->min < 0 ? -h->min : 0;
    double best = INFINITY, best_t = NB * w;
    for (size_t k = 1; k <= NB; k++) {
        double t = (double)k * w;
        double hi = t < pmax ? t : pmax, nlo = t < nmax ? t : nmax;
        double step = (hi + nlo) / 255.0;
        if (step <= 0)
            continue;
        double in_p, in_n;
        double err = clip_error(sp, w, hi, &in_p) + clip_error(sn, w, nlo, &in_n);
        err += (in_p + in_n) * step * step / 12.0;
        if (err < best) {
            best = err;
            best_t = t;
        }
        if (t >= pmax && t >= nmax)
            break; /* larger thresholds clip nothing and only widen the step */
    }
    free(sp);
    free(sn);
    return best_t;
}

/* KL(P || Q) for the candidate of i bins: P is the nonzero |x| over bins [0, i) with everything
 * beyond added to bin i-1 (clipping); Q merges bins [0, i) into nq groups (the last takes the
 * remainder) and spreads each group's count evenly over its bins where P is nonzero. */
static double kl_candidate(const double *hist, double outliers, size_t i, size_t nq, double *p,
                           double *q)
{
    double psum = 0;
    for (size_t j = 0; j < i; j++)
        p[j] = hist[j];
    p[i - 1] += outliers;
    for (size_t j = 0; j < i; j++)
        psum += p[j];
    size_t m = i / nq;
    double qsum = 0;
    for (size_t g = 0; g < nq; g++) {
        size_t a = g * m, b = g + 1 == nq ? i : a + m;
        double sum = 0;
        size_t nz = 0;
        for (size_t j = a; j < b; j++) {
            sum += hist[j];
            nz += p[j] > 0;
        }
        for (size_t j = a; j < b; j++)
            q[j] = p[j] > 0 && nz ? sum / (double)nz : 0;
        qsum += sum;
    }
    if (psum <= 0 || qsum <= 0)
        return INFINITY;
    double kl = 0;
    for (size_t j = 0; j < i; j++) {
        if (p[j] <= 0)
            continue;
        double pj = p[j] / psum;
        /* A bin P holds and Q lost (its group had only the clipped outliers) costs as if Q
         * gave it a tiny probability. */
        double qj = q[j] > 0 ? q[j] / qsum : 1e-12;
        kl += pj * log(pj / qj);
    }
    return kl;
}

double dpu_qhist_entropy(const struct dpu_qhist *h)
{
    if (h->width == 0)
        return 0;
    double *hist = malloc(3 * NB * sizeof *hist);
    if (!hist)
        return 0;
    double *p = hist + NB, *q = hist + 2 * NB;
    bool two_sided = false, any_pos = false, any_neg = false;
    for (size_t j = 0; j < NB; j++) {
        hist[j] = (double)(h->pos[j] + h->neg[j]);
        any_pos |= h->pos[j] > 0;
        any_neg |= h->neg[j] > 0;
    }
    two_sided = any_pos && any_neg;
    /* Exact zeros stay out of P (TensorRT counts them in bin 0). They are represented exactly
     * by every candidate range, and after a Relu they are half the values: in bin 0 their
     * spike, smeared over a group of Q, would dominate the divergence and push T down to
     * where a group is one bin wide (measured on LeNet-5: Relu ranges cut to 37% of their
     * maximum, -0.9 points of top-1; without the zeros, -0.0). */
    /* One-sided data (after Relu, say) gets all 255 steps of the asymmetric range; two-sided
     * data about half of them on each side, as a symmetric int8 quantizer would. */
    size_t nq = two_sided ? 128 : 255;
    double outliers = 0;
    for (size_t j = nq; j < NB; j++)
        outliers += hist[j];
    double best = INFINITY;
    size_t best_i = NB;
    for (size_t i = nq; i <= NB; i++) {
        double kl = kl_candidate(hist, outliers, i, nq, p, q);
        if (kl < best) {
            best = kl;
            best_i = i;
        }
        if (i < NB)
            outliers -= hist[i];
    }
    free(hist);
    return (double)best_i * h->width;
}

void dpu_qhist_range(const struct dpu_qhist *h, enum dpu_calib_method m, double percentile,
                     double *lo, double *hi)
{
    double mn = h->count && h->min < 0 ? h->min : 0;
    double mx = h->count && h->max > 0 ? h->max : 0;
    double t = 0;
    switch (m) {
    case DPU_CALIB_PERCENTILE:
        t = dpu_qhist_percentile(h, percentile);
        break;
    case DPU_CALIB_MSE:
        t = dpu_qhist_mse(h);
        break;
    case DPU_CALIB_ENTROPY:
        t = dpu_qhist_entropy(h);
        break;
    default:
        break;
    }
    if (t > 0) {
        mn = mn < -t ? -t : mn;
        mx = mx > t ? t : mx;
    }
    *lo = mn;
    *hi = mx;
}
