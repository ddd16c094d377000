/* int8 MatMul of two activations (numpy semantics, batch dims broadcast):
 *
 *   acc[i, j] = sum_k (a[i, k] - z_a) * (b[k, j] - z_b)      int32, wrapping (dpu_mac32)
 *   y[i, j]   = clamp(rq(acc, M, s) + z_y, lo, hi)           (M, s) = qm(s_a * s_b / s_y)
 *   y[i, j]   = acc[i, j] when the output is int32 (the raw form of ONNX MatMulInteger: no
 *               requantization, no clamp)
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
    /* The output slot has the graph tensor's dtype, from which the plan also reads raw. */
    bool raw = a->out->dtype == DPU_DT_INT32;
    if ((err = ref_matmul_setup(a, DPU_DT_INT8, raw ? DPU_DT_INT32 : DPU_DT_INT8, &mm, d)) ||
        (err = dpu_qplan_matmul_any(a->g, a->n, &p, d)))
        return err;
    if (p.raw != raw)
        return ref_node_err(d, a->n, DPU_E_INTERNAL, "the output's dtype changed while planning");
    const int8_t *av = a->in[0]->data, *bv = a->in[1]->data;
    int64_t cnt[DPU_TENSOR_MAX_RANK] = {0}, ia = 0, ib = 0;
    for (int64_t t = 0; t < mm.nbatch; t++) {
        const int8_t *am = av + ia * mm.m * mm.k, *bm = bv + ib * mm.k * mm.n;
        int64_t y0 = t * mm.m * mm.n;
        for (int64_t i = 0; i < mm.m; i++) {
            for (int64_t j = 0; j < mm.n; j++) {
                int32_t acc = 0;
                for (int64_t k = 0; k < mm.k; k++)
                    acc = dpu_mac32(acc, am[i * mm.k + k] - p.za, bm[k * mm.n + j] - p.zb);
                if (p.raw)
                    ((int32_t *)a->out->data)[y0 + i * mm.n + j] = acc;
                else
                    ((int8_t *)a->out->data)[y0 + i * mm.n + j] =
                        dpu_requant_out(acc, 0, p.rq.M, p.rq.s, p.zy, p.lo, p.hi);
            }
        }
        ref_bcast_next(&mm.batch, cnt, &ia, &ib);
    }
    return DPU_OK;
}
