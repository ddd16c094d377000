/* float32 Softmax along `axis` (default -1), ONNX opset 13 semantics: for each row,
 *   y_i = exp(x_i - max) / sum_j exp(x_j - max)
 * with exp and the sum in double and one rounding to float per value. Subtracting the maximum
 * keeps exp from overflowing. */
#include <math.h>

#include "ref_internal.h"

int ref_f32_softmax(const struct ref_args *a, struct dpu_diag *d)
{
    int64_t axis_attr;
    int axis, err;
    if ((err = ref_check_input(a, 0, DPU_DT_FLOAT32, 1, DPU_TENSOR_MAX_RANK, d)) ||
        (err = ref_check_output(a, DPU_DT_FLOAT32, a->in[0]->rank, a->in[0]->dims, d)) ||
        (err = ref_attr_int(a->n, "axis", -1, &axis_attr, d)) ||
        (err = ref_norm_axis(a->n, axis_attr, a->in[0]->rank, false, &axis, d)))
        return err;
    const struct dpu_tensor *xt = a->in[0];
    int64_t outer = 1, len = xt->dims[axis], inner = 1;
    for (int i = 0; i < axis; i++)
        outer *= xt->dims[i];
    for (int i = axis + 1; i < xt->rank; i++)
        inner *= xt->dims[i];
    const float *x = xt->data;
    float *y = a->out->data;
    for (int64_t o = 0; o < outer; o++) {
        for (int64_t in = 0; in < inner; in++) {
            const float *xr = x + o * len * inner + in;
            float *yr = y + o * len * inner + in;
            double m = -INFINITY, sum = 0.0;
            for (int64_t i = 0; i < len; i++)
                if (xr[i * inner] > m)
                    m = xr[i * inner];
            for (int64_t i = 0; i < len; i++)
                sum += exp((double)xr[i * inner] - m);
            for (int64_t i = 0; i < len; i++)
                yr[i * inner] = (float)(exp((double)xr[i * inner] - m) / sum);
        }
    }
    return DPU_OK;
}
