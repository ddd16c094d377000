/* Reading the scale and zero-point inputs of quantization ops. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/onnx_quant.h"
#include "dpu/onnx_shape.h"

void onnx_qread_free(struct onnx_qread *q)
{
    free(q->scale);
    free(q->zp);
    memset(q, 0, sizeof *q);
}

int onnx_qread(struct onnx_ctx *ctx, const struct onnx_node *n, int si, int zi, int rank,
               const int64_t *dims, int default_axis, struct onnx_qread *q)
{
    memset(q, 0, sizeof *q);
    q->axis = -1;
    q->zp_elem = ONNX_UINT8;
    const struct onnx_tensor *s, *z = NULL;
    int err = onnx_const_in(ctx, n, si, "scale", &s);
    if (err)
        return err;
    if (zi >= 0 && onnx_in(ctx, n, zi) && (err = onnx_const_in(ctx, n, zi, "zero point", &z)))
        return err;
    int64_t count = onnx_tensor_count(s);
    if (s->elem != ONNX_FLOAT || s->rank > 1 || count < 1)
        return onnx_fail(ctx, n, DPU_E_INVALID, "the scale must be a float32 scalar or vector");
    if (count > 1) {
        int64_t axis;
        int ax;
        if ((err = onnx_attr_int(ctx, n, "axis", default_axis, &axis)) ||
            (err = onnx_norm_axis(ctx, n, "axis", axis, rank, &ax)))
            return err;
        if (dims[ax] != count)
            return onnx_fail(ctx, n, DPU_E_INVALID, "%lld scales for axis %d of size %lld",
                             (long long)count, ax, (long long)dims[ax]);
        q->axis = ax;
    }
    if (z) {
        if (onnx_tensor_count(z) != count)
            return onnx_fail(ctx, n, DPU_E_INVALID, "%lld zero points for %lld scales",
                             (long long)onnx_tensor_count(z), (long long)count);
        if (z->elem != ONNX_INT8 && z->elem != ONNX_UINT8 && z->elem != ONNX_INT32)
            return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "zero point of type %s",
                             onnx_elem_name(z->elem));
        q->zp_elem = z->elem;
    }
    q->count = (size_t)count;
    q->scale = malloc(q->count * sizeof *q->scale);
    q->zp = calloc(q->count, sizeof *q->zp);
    if (!q->scale || !q->zp) {
        onnx_qread_free(q);
        return dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < q->count; i++) {
        q->scale[i] = ((const float *)s->data)[i];
        if (!(q->scale[i] > 0) || isinf(q->scale[i])) {
            float bad = q->scale[i];
            onnx_qread_free(q);
            return onnx_fail(ctx, n, DPU_E_INVALID, "scale %g is not a positive finite number",
                             bad);
        }
        if (z)
            q->zp[i] = (int32_t)onnx_tensor_get_i(z, (int64_t)i);
    }
    return DPU_OK;
}
