/* The calibration histogram of one tensor (dpu/quant_passes.h): exact min/max, exact zeros
 * apart, and |x| in DPU_QHIST_BINS bins of equal width, positive and negative values counted
 * separately so that the range estimators can see each side.
 *
 * The width is fixed by the first nonzero batch (its abs-max spans the bins) and doubles
 * when a later value lies beyond the last bin: merging bins 2i and 2i+1 into bin i is exact,
 * so no count is ever spread by guesswork. */
#include <math.h>
#include <string.h>

#include "dpu/quant_passes.h"

void dpu_qhist_init(struct dpu_qhist *h)
{
    memset(h, 0, sizeof *h);
    h->min = INFINITY;
    h->max = -INFINITY;
}

/* Doubles the width until `a` falls inside the range (a value equal to the top edge goes
 * into the last bin). */
static void grow(struct dpu_qhist *h, double a)
{
    while (a > h->width * DPU_QHIST_BINS) {
        for (size_t i = 0; i < DPU_QHIST_BINS / 2; i++) {
            h->pos[i] = h->pos[2 * i] + h->pos[2 * i + 1];
            h->neg[i] = h->neg[2 * i] + h->neg[2 * i + 1];
        }
        memset(h->pos + DPU_QHIST_BINS / 2, 0, sizeof h->pos / 2);
        memset(h->neg + DPU_QHIST_BINS / 2, 0, sizeof h->neg / 2);
        h->width *= 2;
    }
}

void dpu_qhist_add(struct dpu_qhist *h, const float *v, size_t n)
{
    double amax = 0;
    for (size_t i = 0; i < n; i++) {
        double x = v[i];
        if (isfinite(x) && fabs(x) > amax)
            amax = fabs(x);
    }
    if (amax > 0) {
        if (h->width == 0)
            h->width = amax / DPU_QHIST_BINS;
        grow(h, amax);
    }
    for (size_t i = 0; i < n; i++) {
        double x = v[i];
        if (!isfinite(x)) /* NaN and infinities carry no range information */
            continue;
        h->count++;
        if (x < h->min)
            h->min = x;
        if (x > h->max)
            h->max = x;
        if (x == 0) {
            h->zeros++;
            continue;
        }
        size_t b = (size_t)(fabs(x) / h->width);
        if (b >= DPU_QHIST_BINS)
            b = DPU_QHIST_BINS - 1;
        if (x > 0)
            h->pos[b]++;
        else
            h->neg[b]++;
    }
}
