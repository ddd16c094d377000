/* float32 MatMul (numpy semantics, batch dims broadcast). Each output value is a double sum
 * of a[i, k] * b[k, j] over k in increasing order, rounded to float once. */
#include "ref_internal.h"

int ref_f32_matmul(const struct ref_args *a, struct dpu_diag *d)
{
    struct ref_matmul mm;
    int err = ref_matmul_setup(a, DPU_DT_FLOAT32, DPU_DT_FLOAT32, &mm, d);
    if (err)
        return err;
    const float *av = a->in[0]->data, *bv = a->in[1]->data;
    float *y = a->out->data;
    int64_t cnt[DPU_TENSOR_MAX_RANK] = {0}, ia = 0, ib = 0;
    for (int64_t t = 0; t < mm.nbatch; t++) {
        const float *am = av + ia * mm.m * mm.k, *bm = bv + ib * mm.k * mm.n;
        float *ym = y + t * mm.m * mm.n;
        for (int64_t i = 0; i < mm.m; i++) {
            for (int64_t j = 0; j < mm.n; j++) {
                double acc = 0.0;
                for (int64_t k = 0; k < mm.k; k++)
                    acc += (double)am[i * mm.k + k] * (double)bm[k * mm.n + j];
                ym[i * mm.n + j] = (float)acc;
            }
        }
        ref_bcast_next(&mm.batch, cnt, &ia, &ib);
    }
    return DPU_OK;
}
