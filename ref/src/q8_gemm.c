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
 * The dot products are common/'s dpu_dot_i16 (dpu/dot_i16.h), which the simulator's portable
 * CONV kernel uses too.
 */
#include <stdlib.h>

#include "ref_internal.h"

#define REF_DOT_CHUNK 16384              /* products per exact int32 partial sum */
#define COL_BUDGET    (INT64_C(1) << 17) /* int16 elements of the column block (256 KiB) */
#define WGT_BUDGET    (INT64_C(1) << 14) /* int16 elements of the weight rows in use (32 KiB) */

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
                    dpu_dot_i16(col + p * Kp + k0, wt + m0 * Kp + k0, (size_t)Kp,
                                (size_t)(nk / REF_DOT_BLOCK), (size_t)nm, part);
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
