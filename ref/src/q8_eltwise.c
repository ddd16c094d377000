/* int8 element-wise Add and Mul with numpy broadcasting.
 *
 * Add:  acc = (a - z_a) * M_a + (b - z_b) * M_b               int64, exact (|acc| < 2^40)
 *       y   = clamp(rshift_round(acc, s) + z_y, lo, hi)       one rounding of the exact sum
 *       M_a, M_b, s from dpu_qplan_add: s_a / s_y and s_b / s_y sharing one shift.
 * Mul:  y   = clamp(rq((a - z_a) * (b - z_b), M, s) + z_y, lo, hi), qm(s_a * s_b / s_y).
 */
#include "dpu/qmath.h"
#include "dpu/qplan.h"
#include "ref_internal.h"

/* Both inputs int8 and broadcastable; the output int8 of the broadcast shape. */
static int setup(const struct ref_args *a, struct ref_bcast *bc, struct dpu_diag *d)
{
    int err;
    if ((err = ref_check_input(a, 0, DPU_DT_INT8, 0, DPU_TENSOR_MAX_RANK, d)) ||
        (err = ref_check_input(a, 1, DPU_DT_INT8, 0, DPU_TENSOR_MAX_RANK, d)) ||
        (err = ref_broadcast(a->n, a->in[0]->rank, a->in[0]->dims, a->in[1]->rank, a->in[1]->dims,
                             bc, d)))
        return err;
    return ref_check_output(a, DPU_DT_INT8, bc->rank, bc->dims, d);
}

int ref_q8_add(const struct ref_args *a, struct dpu_diag *d)
{
    struct ref_bcast bc;
    struct dpu_qp_add p;
    int err;
    if ((err = setup(a, &bc, d)) || (err = dpu_qplan_add(a->g, a->n, &p, d)))
        return err;
    const int8_t *av = a->in[0]->data, *bv = a->in[1]->data;
    int8_t *y = a->out->data;
    int64_t total = ref_count(a->out), cnt[DPU_TENSOR_MAX_RANK] = {0}, ia = 0, ib = 0;
    for (int64_t i = 0; i < total; i++) {
        y[i] = dpu_eltw_add(av[ia], p.za, p.Ma, bv[ib], p.zb, p.Mb, p.s, p.zy, p.lo, p.hi);
        ref_bcast_next(&bc, cnt, &ia, &ib);
    }
    return DPU_OK;
}

int ref_q8_mul(const struct ref_args *a, struct dpu_diag *d)
{
    struct ref_bcast bc;
    struct dpu_qp_mul p;
    int err;
    if ((err = setup(a, &bc, d)) || (err = dpu_qplan_mul(a->g, a->n, &p, d)))
        return err;
    const int8_t *av = a->in[0]->data, *bv = a->in[1]->data;
    int8_t *y = a->out->data;
    int64_t total = ref_count(a->out), cnt[DPU_TENSOR_MAX_RANK] = {0}, ia = 0, ib = 0;
    for (int64_t i = 0; i < total; i++) {
        y[i] = dpu_eltw_mul(av[ia], p.za, bv[ib], p.zb, p.rq.M, p.rq.s, p.zy, p.lo, p.hi);
        ref_bcast_next(&bc, cnt, &ia, &ib);
    }
    return DPU_OK;
}
