/* float32 element-wise Add and Mul with numpy broadcasting: one float32 operation per value,
 * as ONNX (and numpy on float32 arrays) computes it. */
#include "ref_internal.h"

static int setup(const struct ref_args *a, struct ref_bcast *bc, struct dpu_diag *d)
{
    int err;
    if ((err = ref_check_input(a, 0, DPU_DT_FLOAT32, 0, DPU_TENSOR_MAX_RANK, d)) ||
        (err = ref_check_input(a, 1, DPU_DT_FLOAT32, 0, DPU_TENSOR_MAX_RANK, d)) ||
        (err = ref_broadcast(a->n, a->in[0]->rank, a->in[0]->dims, a->in[1]->rank, a->in[1]->dims,
                             bc, d)))
        return err;
    return ref_check_output(a, DPU_DT_FLOAT32, bc->rank, bc->dims, d);
}

static int eltwise(const struct ref_args *a, bool mul, struct dpu_diag *d)
{
    struct ref_bcast bc;
    int err = setup(a, &bc, d);
    if (err)
        return err;
    const float *av = a->in[0]->data, *bv = a->in[1]->data;
    float *y = a->out->data;
    int64_t total = ref_count(a->out), cnt[DPU_TENSOR_MAX_RANK] = {0}, ia = 0, ib = 0;
    for (int64_t i = 0; i < total; i++) {
        float v = mul ? av[ia] * bv[ib] : av[ia] + bv[ib];
        y[i] = v;
        ref_bcast_next(&bc, cnt, &ia, &ib);
    }
    return DPU_OK;
}

int ref_f32_add(const struct ref_args *a, struct dpu_diag *d)
{
    return eltwise(a, false, d);
}

int ref_f32_mul(const struct ref_args *a, struct dpu_diag *d)
{
    return eltwise(a, true, d);
}
