/* Shapes of numpy matmul, shared by the int8 and float32 MatMul kernels. */
#include "ref_internal.h"

int ref_matmul_setup(const struct ref_args *a, enum dpu_dtype in_dt, enum dpu_dtype out_dt,
                     struct ref_matmul *mm, struct dpu_diag *d)
{
    int err;
    if ((err = ref_check_input(a, 0, in_dt, 2, DPU_TENSOR_MAX_RANK, d)) ||
        (err = ref_check_input(a, 1, in_dt, 2, DPU_TENSOR_MAX_RANK, d)))
        return err;
    const struct dpu_tensor *ta = a->in[0], *tb = a->in[1];
    mm->m = ta->dims[ta->rank - 2];
    mm->k = ta->dims[ta->rank - 1];
    mm->n = tb->dims[tb->rank - 1];
    if (tb->dims[tb->rank - 2] != mm->k)
        return ref_node_err(d, a->n, DPU_E_MISMATCH,
                            "inner dimensions differ: a has %lld columns, b has %lld rows",
                            (long long)mm->k, (long long)tb->dims[tb->rank - 2]);
    if ((err = ref_broadcast(a->n, ta->rank - 2, ta->dims, tb->rank - 2, tb->dims, &mm->batch, d)))
        return err;
    int64_t dims[DPU_TENSOR_MAX_RANK];
    int r = mm->batch.rank;
    mm->nbatch = 1;
    for (int i = 0; i < r; i++) {
        dims[i] = mm->batch.dims[i];
        mm->nbatch *= dims[i];
    }
    dims[r] = mm->m;
    dims[r + 1] = mm->n;
    return ref_check_output(a, out_dt, r + 2, dims, d);
}
