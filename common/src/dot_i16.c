/* dpu_dot_i16 (dpu/dot_i16.h): four rows at a time, so each x element is loaded once. */
#include "dpu/dot_i16.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define DOT_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define DOT_CLONES
#endif

DOT_CLONES void dpu_dot_i16(const int16_t *restrict x, const int16_t *restrict w, size_t stride,
                            size_t nb, size_t count, int32_t *restrict out)
{
    size_t n = nb * DPU_DOT_BLOCK, i = 0;
    for (; i + 4 <= count; i += 4) {
        const int16_t *w0 = w + i * stride, *w1 = w0 + stride, *w2 = w1 + stride, *w3 = w2 + stride;
        int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (size_t l = 0; l < n; l++) {
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
        for (size_t l = 0; l < n; l++)
            s += x[l] * wi[l];
        out[i] = s;
    }
}
