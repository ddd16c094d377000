/* The graph boundary of a quantized graph:
 *
 *   Quantize (float32 -> int8):  y = dpu_quantize_f32(x, s_y, z_y, -128, 127)
 *                                (ONNX QuantizeLinear: x / s_y in float32, ties to even)
 *   Dequantize (int8 -> float32): y = (float)(x - z_x) * s_x   (one float32 multiply)
 */
#include "dpu/qmath.h"
#include "dpu/qparams.h"
#include "dpu/qplan.h"
#include "ref_internal.h"

int ref_q8_quantize(const struct ref_args *a, struct dpu_diag *d)
{
    struct dpu_qp_act q;
    int err;
    if ((err = ref_check_input(a, 0, DPU_DT_FLOAT32, 0, DPU_TENSOR_MAX_RANK, d)) ||
        (err = ref_check_output(a, DPU_DT_INT8, a->in[0]->rank, a->in[0]->dims, d)) ||
        (err = dpu_qplan_quantize(a->g, a->n, &q, d)))
        return err;
    const float *x = a->in[0]->data;
    int8_t *y = a->out->data;
    int64_t total = ref_count(a->out);
    for (int64_t i = 0; i < total; i++)
        y[i] = (int8_t)dpu_quantize_f32(x[i], q.scale, (int)q.zp, DPU_ACT_MIN, DPU_ACT_MAX);
    return DPU_OK;
}

int ref_q8_dequantize(const struct ref_args *a, struct dpu_diag *d)
{
    struct dpu_qp_act q;
    int err;
    if ((err = ref_check_input(a, 0, DPU_DT_INT8, 0, DPU_TENSOR_MAX_RANK, d)) ||
        (err = ref_check_output(a, DPU_DT_FLOAT32, a->in[0]->rank, a->in[0]->dims, d)) ||
        (err = dpu_qplan_dequantize(a->g, a->n, &q, d)))
        return err;
    const int8_t *x = a->in[0]->data;
    float *y = a->out->data;
    int64_t total = ref_count(a->out);
    for (int64_t i = 0; i < total; i++)
        y[i] = (float)(x[i] - q.zp) * q.scale;
    return DPU_OK;
}
