/* float32 Concat and data movement (Reshape, Flatten, Transpose, Resize nearest with integer
 * factors, Pad with the constant `value`, default 0). Values are copied unchanged. */
#include <string.h>

#include "ref_internal.h"

static int float_in(const struct ref_args *a, struct dpu_diag *d)
{
    return ref_check_input(a, 0, DPU_DT_FLOAT32, 0, DPU_TENSOR_MAX_RANK, d);
}

int ref_f32_concat(const struct ref_args *a, struct dpu_diag *d)
{
    int axis, err;
    int64_t outer, inner;
    if ((err = ref_concat_setup(a, DPU_DT_FLOAT32, &axis, &outer, &inner, d)))
        return err;
    float *y = a->out->data;
    int64_t off = 0;
    for (int64_t o = 0; o < outer; o++) {
        for (size_t k = 0; k < a->n->ninputs; k++) {
            int64_t block = a->in[k]->dims[axis] * inner;
            const float *x = (const float *)a->in[k]->data + o * block;
            memcpy(y + off, x, (size_t)block * sizeof *x);
            off += block;
        }
    }
    return DPU_OK;
}

int ref_f32_reshape(const struct ref_args *a, struct dpu_diag *d)
{
    int err = float_in(a, d);
    return err ? err : ref_move_reshape(a, d);
}

int ref_f32_flatten(const struct ref_args *a, struct dpu_diag *d)
{
    int err = float_in(a, d);
    return err ? err : ref_move_flatten(a, d);
}

int ref_f32_transpose(const struct ref_args *a, struct dpu_diag *d)
{
    int err = float_in(a, d);
    return err ? err : ref_move_transpose(a, d);
}

int ref_f32_resize(const struct ref_args *a, struct dpu_diag *d)
{
    int err = float_in(a, d);
    return err ? err : ref_move_resize(a, d);
}

int ref_f32_pad(const struct ref_args *a, struct dpu_diag *d)
{
    double v;
    int err = float_in(a, d);
    if (err || (err = ref_attr_float(a->n, "value", 0.0, &v, d)))
        return err;
    float fill = (float)v;
    return ref_move_pad(a, &fill, d);
}
