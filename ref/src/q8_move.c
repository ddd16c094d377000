/* int8 data movement: Reshape, Flatten, Transpose, Resize (nearest, integer factors) and Pad
 * (constant `qvalue`). The bytes move unchanged, so input and output must share scale and zero
 * point (dpu_qplan_move checks); the loops are shared with float32 in move.c. */
#include "dpu/qplan.h"
#include "ref_internal.h"

static int int8_in(const struct ref_args *a, int8_t *pad_value, struct dpu_diag *d)
{
    int err = ref_check_input(a, 0, DPU_DT_INT8, 0, DPU_TENSOR_MAX_RANK, d);
    return err ? err : dpu_qplan_move(a->g, a->n, pad_value, d);
}

int ref_q8_reshape(const struct ref_args *a, struct dpu_diag *d)
{
    int err = int8_in(a, NULL, d);
    return err ? err : ref_move_reshape(a, d);
}

int ref_q8_flatten(const struct ref_args *a, struct dpu_diag *d)
{
    int err = int8_in(a, NULL, d);
    return err ? err : ref_move_flatten(a, d);
}

int ref_q8_transpose(const struct ref_args *a, struct dpu_diag *d)
{
    int err = int8_in(a, NULL, d);
    return err ? err : ref_move_transpose(a, d);
}

int ref_q8_resize(const struct ref_args *a, struct dpu_diag *d)
{
    int err = int8_in(a, NULL, d);
    return err ? err : ref_move_resize(a, d);
}

int ref_q8_pad(const struct ref_args *a, struct dpu_diag *d)
{
    int8_t fill;
    int err = int8_in(a, &fill, d);
    return err ? err : ref_move_pad(a, &fill, d);
}
