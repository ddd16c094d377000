/* float32 BatchNorm, inference form (ONNX BatchNormalization with training_mode = 0):
 *   y = (x - mean[c]) / sqrt(var[c] + epsilon) * scale[c] + bias[c]
 * over x [N, C, ...] (rank >= 2), inputs scale, bias, mean, var each [C]; computed in double
 * and rounded once. epsilon defaults to 1e-5. */
#include <math.h>

#include "ref_internal.h"

int ref_f32_batch_norm(const struct ref_args *a, struct dpu_diag *d)
{
    static const char *const names[5] = {"X", "scale", "B", "mean", "var"};
    double eps;
    int err;
    if ((err = ref_check_input(a, 0, DPU_DT_FLOAT32, 2, DPU_TENSOR_MAX_RANK, d)) ||
        (err = ref_check_output(a, DPU_DT_FLOAT32, a->in[0]->rank, a->in[0]->dims, d)) ||
        (err = ref_attr_float(a->n, "epsilon", 1e-5, &eps, d)))
        return err;
    const struct dpu_tensor *xt = a->in[0];
    int64_t c = xt->dims[1];
    const float *p[5];
    for (size_t i = 1; i < 5; i++) {
        if ((err = ref_check_input(a, i, DPU_DT_FLOAT32, 1, 1, d)))
            return err;
        if (a->in[i]->dims[0] != c)
            return ref_node_err(d, a->n, DPU_E_MISMATCH, "%s has %lld values for %lld channels",
                                names[i], (long long)a->in[i]->dims[0], (long long)c);
        p[i] = a->in[i]->data;
    }
    int64_t inner = 1;
    for (int i = 2; i < xt->rank; i++)
        inner *= xt->dims[i];
    const float *x = xt->data;
    float *y = a->out->data;
    for (int64_t b = 0; b < xt->dims[0]; b++) {
        for (int64_t ch = 0; ch < c; ch++) {
            double k = (double)p[1][ch] / sqrt((double)p[4][ch] + eps);
            const float *xc = x + (b * c + ch) * inner;
            float *yc = y + (b * c + ch) * inner;
            for (int64_t i = 0; i < inner; i++)
                yc[i] = (float)(((double)xc[i] - (double)p[3][ch]) * k + (double)p[2][ch]);
        }
    }
    return DPU_OK;
}
