/* int8 MatMul of two activations (numpy semantics, batch dims broadcast):
 *
 *   acc[i, j] = sum_k (a[i, k] - z_a) * (b[k, j] - z_b)      int32, wrapping (dpu_mac32)
 *   y[i, j]   = clamp(rq(acc, M, s) + z_y, lo, hi)           (M, s) = qm(s_a * s_b / s_y)
 *
 * Unlike Conv2D, b is an activation with its own zero point, so both are subtracted before
 * the multiply; |(a - z_a)(b - z_b)| <= 255 * 255.
 */
#include "dpu/qmath.h"
#include "dpu/qplan.h"
#include "ref_internal.h"

int ref_q8_matmul(const struct ref_args *a, struct dpu_diag *d)
{
    struct ref_matmul mm;
    struct dpu_qp_matmul p;
    int err;
    if ((err = ref_matmul_setup(a, DPU_DT_INT8, DPU_DT_INT8, &mm, d)) ||
        (err = dpu_qplan_matmul(a->g, a->n, &p, d)))
        return err;
    const int8_t *av = a->in[0]->data, *bv = a->in[1]->data;
    int8_t *y = a->out->data;
    int64_t cnt[DPU_TENSOR_MAX_RANK] = {0}, ia = 0, ib = 0;
    for (int64_t t = 0; t < mm.nbatch; t++) {
        const int8_t *am = av + ia * mm.m * mm.k, *bm = bv + ib * mm.k * mm.n;
        int8_t *ym = y + t * mm.m * mm.n;
        for (int64_t i = 0; i < mm.m; i++) {
            for (int64_t j = 0; j < mm.n; j++) {
                int32_t acc = 0;
                for (int64_t k = 0; k < mm.k; k++)
                    acc = dpu_mac32(acc, am[i * mm.k + k] - p.za, bm[k * mm.n + j] - p.zb);
                ym[i * mm.n + j] = dpu_requant_out(acc, 0, p.rq.M, p.rq.s, p.zy, p.lo, p.hi);
            }
        }
        ref_bcast_next(&mm.batch, cnt, &ia, &ib);
    }
    return DPU_OK;
}
