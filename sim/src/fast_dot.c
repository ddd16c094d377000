/* The dot products of the fast CONV path (fast_conv.c), in a file of their own so that each
 * loop is compiled as written: a reduction over a multiple of SIM_FAST_BLOCK int16 products,
 * which gcc -O2 vectorises without a scalar epilogue (pmaddwd on SSE2).
 *
 * The caller guarantees that no sum overflows int32 (at most 2^11 products of two int8, see
 * fast_conv.c), so the int32 sums here are exact.
 */
#include "sim_internal.h"

static int32_t dot1(const int16_t *restrict x, const int16_t *restrict w, size_t nb)
{
    size_t n = nb * SIM_FAST_BLOCK;
    int32_t s = 0;
    for (size_t l = 0; l < n; l++)
        s += x[l] * w[l];
    return s;
}

/* Four channels whose weights lie `stride` elements apart: each x is loaded once. */
static void dot4(const int16_t *restrict x, const int16_t *restrict w, size_t stride, size_t nb,
                 int32_t *restrict out)
{
    size_t n = nb * SIM_FAST_BLOCK;
    const int16_t *w0 = w, *w1 = w + stride, *w2 = w + 2 * stride, *w3 = w + 3 * stride;
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (size_t l = 0; l < n; l++) {
        s0 += x[l] * w0[l];
        s1 += x[l] * w1[l];
        s2 += x[l] * w2[l];
        s3 += x[l] * w3[l];
    }
    out[0] = s0;
    out[1] = s1;
    out[2] = s2;
    out[3] = s3;
}

void sim_fast_dots(const int16_t *x, const int16_t *wt, size_t nb, size_t C, int32_t *out)
{
    size_t Lp = nb * SIM_FAST_BLOCK, c = 0;
    for (; c + 4 <= C; c += 4)
        dot4(x, wt + c * Lp, Lp, nb, out + c);
    for (; c < C; c++)
        out[c] = dot1(x, wt + c * Lp, nb);
}
