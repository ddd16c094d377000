/* The calibration histogram of one tensor (dpu/quant_passes.h): exact min/max, exact zeros
 * apart, and |x| in DPU_QHIST_BINS bins of equal width, positive and negative values counted
 * separately so that the range estimators can see each side.
 *
 * The width is fixed by the first nonzero batch (its abs-max spans the bins) and doubles
 * when a later value lies beyond the last bin: merging bins 2i and 2i+1 into bin i is exact,
 * so no count is ever spread by guesswork. */
#include <float.h>
#include <math.h>
#include <stdint.h>
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

/* Two passes over the values: the first finds the range of the finite values (float
 * comparisons, exact), the second bins them. Calibration feeds every activation of every
 * sample through here, so the binning loop is kept free of unpredictable branches: zeros and
 * the two signs select their counter array by index instead of by branch. */
void dpu_qhist_add(struct dpu_qhist *h, const float *v, size_t n)
{
    float lo = INFINITY, hi = -INFINITY;
    size_t finite = 0;
    for (size_t i = 0; i < n; i++) {
        float x = v[i];
        if (!(fabsf(x) <= FLT_MAX)) /* NaN and infinities carry no range information */
            continue;
        finite++;
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
    }
    if (finite == 0)
        return;
    if (lo < h->min)
        h->min = lo;
    if (hi > h->max)
        h->max = hi;
    double amax = -lo > hi ? -(double)lo : (double)hi;
    if (amax > 0) {
        if (h->width == 0)
            h->width = amax / DPU_QHIST_BINS;
        grow(h, amax);
    }
    h->count += finite;
    /* Bin b = floor(|x| / width), computed with the reciprocal: halving it when the width
     * doubles is exact, so re-binning stays consistent with binning anew. Zeros are counted
     * in a register; their (discarded) increments rotate over 8 dummy slots so that runs of
     * zeros (half of the values after a Relu) do not wait on one another. */
    double inv = h->width > 0 ? 1.0 / h->width : 0.0;
    uint64_t dummy[8] = {0}, zeros = 0;
    for (size_t i = 0; i < n; i++) {
        float x = v[i];
        float a = fabsf(x);
        if (!(a <= FLT_MAX))
            continue;
        size_t b = (size_t)((double)a * inv); /* 0 for x == 0 */
        b = b < DPU_QHIST_BINS ? b : DPU_QHIST_BINS - 1;
        uint64_t *slot = x > 0 ? &h->pos[b] : x < 0 ? &h->neg[b] : &dummy[i & 7];
        zeros += x == 0;
        (*slot)++;
    }
    h->zeros += zeros;
}
