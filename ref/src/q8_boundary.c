/* The graph boundary of a quantized graph, per tensor or per channel along an axis (ONNX
 * QuantizeLinear / DequantizeLinear with `axis`). Element e lies in channel
 * c = (e / inner) % count, inner = prod(dims[axis+1:]) (c = 0 per tensor):
 *
 *   Quantize (float32 -> int8):  y = dpu_quantize_f32(x, s_y[c], z_y[c], -128, 127)
 *                                (ONNX QuantizeLinear: x / s_y in float32, ties to even)
 *   Dequantize (int8 -> float32): y = (float)(x - z_x[c]) * s_x[c]   (one float32 multiply)
 */
#include "dpu/qmath.h"
#include "dpu/qparams.h"
#include "dpu/qplan.h"
#include "ref_internal.h"

/* The channel layout of q over a tensor of this shape: outer x count x inner elements. */
static int layout(const struct dpu_gnode *n, const struct dpu_qp_boundary *q, int rank,
                  const int64_t *dims, int64_t *outer, int64_t *inner, struct dpu_diag *d)
{
    int64_t total = dpu_shape_count(rank, dims);
    if (q->axis < 0) {
        *outer = total;
        *inner = 1;
        return q->count == 1 ? DPU_OK
                             : ref_node_err(d, n, DPU_E_INTERNAL, "per-tensor plan with %zu scales",
                                            q->count);
    }
    if (q->axis >= rank || dims[q->axis] != (int64_t)q->count)
        return ref_node_err(d, n, DPU_E_MISMATCH,
                            "%zu scales along axis %d do not fit a rank-%d tensor of this shape",
                            q->count, q->axis, rank);
    *outer = dpu_shape_count(q->axis, dims);
    *inner = dpu_shape_count(rank - q->axis - 1, dims + q->axis + 1);
    return DPU_OK;
}

void ref_quantize_axis(const struct dpu_qp_boundary *q, int64_t outer, int64_t inner,
                       const float *x, int8_t *y)
{
    int64_t e = 0;
    for (int64_t o = 0; o < outer; o++)
        for (size_t c = 0; c < q->count; c++)
            for (int64_t k = 0; k < inner; k++, e++)
                y[e] = (int8_t)dpu_quantize_f32(x[e], q->scale[c], (int)q->zp[c], DPU_ACT_MIN,
                                                DPU_ACT_MAX);
}

int ref_q8_quantize(const struct ref_args *a, struct dpu_diag *d)
{
    struct dpu_qp_boundary q;
    int64_t outer, inner;
    int err;
    if ((err = ref_check_input(a, 0, DPU_DT_FLOAT32, 0, DPU_TENSOR_MAX_RANK, d)) ||
        (err = ref_check_output(a, DPU_DT_INT8, a->in[0]->rank, a->in[0]->dims, d)) ||
        (err = dpu_qplan_quantize_axis(a->g, a->n, &q, d)) ||
        (err = layout(a->n, &q, a->out->rank, a->out->dims, &outer, &inner, d)))
        return err;
    ref_quantize_axis(&q, outer, inner, a->in[0]->data, a->out->data);
    return DPU_OK;
}

int ref_q8_dequantize(const struct ref_args *a, struct dpu_diag *d)
{
    struct dpu_qp_boundary q;
    int64_t outer, inner;
    int err;
    if ((err = ref_check_input(a, 0, DPU_DT_INT8, 0, DPU_TENSOR_MAX_RANK, d)) ||
        (err = ref_check_output(a, DPU_DT_FLOAT32, a->in[0]->rank, a->in[0]->dims, d)) ||
        (err = dpu_qplan_dequantize_axis(a->g, a->n, &q, d)) ||
        (err = layout(a->n, &q, a->out->rank, a->out->dims, &outer, &inner, d)))
        return err;
    const int8_t *x = a->in[0]->data;
    float *y = a->out->data;
    int64_t e = 0;
    for (int64_t o = 0; o < outer; o++)
        for (size_t c = 0; c < q.count; c++)
            for (int64_t k = 0; k < inner; k++, e++)
                y[e] = (float)(x[e] - q.zp[c]) * q.scale[c];
    return DPU_OK;
}
