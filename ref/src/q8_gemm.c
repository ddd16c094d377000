/* The int8 sums of Conv2D and FullyConnected as dot products of int16 vectors, in loops gcc
 * -O2 vectorises (pmaddwd on SSE2). q8_conv.c states what is summed; this file only adds.
 *
 *   sums[m*P + p] = wrap32(sum over k < K of col_p[k] * wt[m*Kp + k])       m < M, p < P
 *
 * Why this equals the contract's dpu_mac32 chain: each factor is a difference of two int8
 * (x - z_x, w - z_w), so |col_p[k] * wt[m][k]| <= 255^2 < 2^16. Summing at most
 * REF_DOT_CHUNK = 2^14 such products in int32 cannot overflow (|sum| < 2^30), so a chunk's
 * int32 sum is exact; chunks are then added modulo 2^32, and addition modulo 2^32 is
 * associative and commutative, so the result is the wrapping sum of the same products in any
 * order. Zero-padded elements (k >= K, taps in the padding) add nothing.
 *
 * Rows are padded to Kp, a multiple of REF_DOT_BLOCK, so every dot product runs over a known
 * multiple of the vector length and the -O2 cost model vectorises it without an epilogue.
 *
 * With GCC on x86-64, dots() is also compiled for AVX2 and AVX-512BW (function multiversioning:
 * target_clones), and the loader picks the widest the CPU has when the program starts; the
 * same C, hence the same sums. Other compilers and machines get the one plain version.
 */
#include <stdlib.h>

#include "ref_internal.h"

#define REF_DOT_CHUNK 16384              /* products per exact int32 partial sum */
#define COL_BUDGET    (INT64_C(1) << 17) /* int16 elements of the column block (256 KiB) */
#define WGT_BUDGET    (INT64_C(1) << 14) /* int16 elements of the weight rows in use (32 KiB) */

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define REF_DOT_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define REF_DOT_CLONES
#endif

/* out[i] = sum over l < nb*REF_DOT_BLOCK of x[l] * w[i*stride + l], i < count; exact (the
 * caller keeps nb*REF_DOT_BLOCK <= REF_DOT_CHUNK). */
REF_DOT_CLONES static void dots(const int16_t *restrict x, const int16_t *restrict w,
                                int64_t stride, int64_t nb, int64_t count, int32_t *restrict out)
{
    int64_t n = nb * REF_DOT_BLOCK, i = 0;
    for (; i + 4 <= count; i += 4) {
        const int16_t *w0 = w + i * stride, *w1 = w0 + stride, *w2 = w1 + stride, *w3 = w2 + stride;
        int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int64_t l = 0; l < n; l++) {
            s0 += x[l] * w0[l];
            s1 += x[l] * w1[l];
            s2 += x[l] * w2[l];
            s3 += x[l] * w3[l];
        }
        out[i] = s0;
        out[i + 1] = s1;
        out[i + 2] = s2;
        out[i + 3] = s3;
    }
    for (; i < count; i++) {
        const int16_t *wi = w + i * stride;
        int32_t s = 0;
        for (int64_t l = 0; l < n; l++)
            s += x[l] * wi[l];
        out[i] = s;
    }
}

int ref_q8_gemm(int64_t M, int64_t P, int64_t Kp, const int16_t *wt, ref_col_fn fill, void *ctx,
                uint32_t *sums)
{
    int64_t pb = COL_BUDGET / Kp < 1 ? 1 : COL_BUDGET / Kp; /* pixels per column block */
    int64_t mb = (WGT_BUDGET / Kp) / 4 * 4;                 /* channels per weight block */
    if (mb < 4)
        mb = 4;
    if (pb > P)
        pb = P;
    int16_t *col = malloc((size_t)(pb * Kp) * sizeof *col);
    int32_t *part = malloc((size_t)mb * sizeof *part);
    if (!col || !part) {
        free(col);
        free(part);
        return DPU_E_NOMEM;
    }
    for (int64_t p0 = 0; p0 < P; p0 += pb) {
        int64_t np = P - p0 < pb ? P - p0 : pb;
        for (int64_t p = 0; p < np; p++)
            fill(ctx, p0 + p, col + p * Kp);
        for (int64_t m0 = 0; m0 < M; m0 += mb) {
            int64_t nm = M - m0 < mb ? M - m0 : mb;
            for (int64_t p = 0; p < np; p++) {
                for (int64_t k0 = 0; k0 < Kp; k0 += REF_DOT_CHUNK) {
                    int64_t nk = Kp - k0 < REF_DOT_CHUNK ? Kp - k0 : REF_DOT_CHUNK;
                    dots(col + p * Kp + k0, wt + m0 * Kp + k0, Kp, nk / REF_DOT_BLOCK, nm, part);
                    for (int64_t i = 0; i < nm; i++) {
                        uint32_t *s = &sums[(m0 + i) * P + p0 + p];
                        *s = (k0 == 0 ? 0 : *s) + (uint32_t)part[i];
                    }
                }
            }
        }
    }
    free(col);
    free(part);
    return DPU_OK;
}
