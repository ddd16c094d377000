/* Layout conversion between a dense NCHW tensor and a program tensor's bytes in its region.
 *
 *   NCHW  element i of the logical shape at byte i * esize: a copy.
 *   NHWC  rank 4, element (n,c,h,w) at element index ((n*H + h)*W + w)*cpad + c; channels
 *         C..cpad-1 of each pixel are padding, never written by pack and never read by unpack.
 */
#include <string.h>

#include "dpu/runtime.h"

/* Calls move(nchw_elem, region_elem) for every element, in NCHW order. */
static void nhwc_walk(const struct dpu_prog_tensor *t, uint8_t *nchw, uint8_t *reg, int to_reg)
{
    size_t es = dpu_dtype_size(t->dtype);
    int64_t N = t->dims[0], C = t->dims[1], H = t->dims[2], W = t->dims[3];
    int64_t i = 0;
    for (int64_t n = 0; n < N; n++)
        for (int64_t c = 0; c < C; c++)
            for (int64_t h = 0; h < H; h++)
                for (int64_t w = 0; w < W; w++, i++) {
                    int64_t r = ((n * H + h) * W + w) * (int64_t)t->cpad + c;
                    if (to_reg)
                        memcpy(reg + (size_t)r * es, nchw + (size_t)i * es, es);
                    else
                        memcpy(nchw + (size_t)i * es, reg + (size_t)r * es, es);
                }
}

void dpu_rt_pack(const struct dpu_prog_tensor *t, const void *src, uint8_t *dst)
{
    if (t->layout == DPU_PROG_LAYOUT_NCHW) {
        memcpy(dst, src, (size_t)t->size);
        return;
    }
    nhwc_walk(t, (uint8_t *)(uintptr_t)src, dst, 1);
}

void dpu_rt_unpack(const struct dpu_prog_tensor *t, const uint8_t *src, void *dst)
{
    if (t->layout == DPU_PROG_LAYOUT_NCHW) {
        memcpy(dst, src, (size_t)t->size);
        return;
    }
    nhwc_walk(t, dst, (uint8_t *)(uintptr_t)src, 0);
}
