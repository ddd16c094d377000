/* Shape helpers: broadcasting, axes, output registration. */
#include <inttypes.h>
#include <string.h>

#include "dpu/onnx_shape.h"

bool onnx_broadcast(int ra, const int64_t *da, int rb, const int64_t *db, int *ro, int64_t *dout)
{
    int r = ra > rb ? ra : rb;
    if (r > DPU_TENSOR_MAX_RANK)
        return false;
    for (int i = 0; i < r; i++) {
        int ia = i - (r - ra), ib = i - (r - rb);
        int64_t a = ia >= 0 ? da[ia] : 1, b = ib >= 0 ? db[ib] : 1;
        if (a != b && a != 1 && b != 1)
            return false;
        dout[i] = a == 1 ? b : a;
    }
    *ro = r;
    return true;
}

int onnx_norm_axis(struct onnx_ctx *ctx, const struct onnx_node *n, const char *what, int64_t axis,
                   int rank, int *out)
{
    if (axis < -rank || axis >= rank || rank == 0)
        return onnx_fail_attr(ctx, n, what, DPU_E_RANGE,
                              "value %" PRId64 " is outside [%d, %d] for rank %d", axis, -rank,
                              rank - 1, rank);
    *out = (int)(axis < 0 ? axis + rank : axis);
    return DPU_OK;
}

int onnx_set_out(struct onnx_ctx *ctx, struct onnx_node *n, int i, int elem, int rank,
                 const int64_t *dims)
{
    if (i >= n->nout || n->out[i] < 0)
        return DPU_OK; /* an optional output nobody named */
    char sb[DPU_SHAPE_STR_MAX];
    if (rank < 0 || rank > DPU_TENSOR_MAX_RANK)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "output %d would have rank %d (at most %d)", i,
                         rank, DPU_TENSOR_MAX_RANK);
    for (int k = 0; k < rank; k++)
        if (dims[k] < 0 || dims[k] > DPU_TENSOR_MAX_DIM)
            return onnx_fail(ctx, n, DPU_E_RANGE, "output %d would have dimension %" PRId64, i,
                             dims[k]);
    if (dpu_shape_count(rank, dims) < 0)
        return onnx_fail(ctx, n, DPU_E_RANGE, "output %d shape %s is too large", i,
                         onnx_shape_str(rank, dims, sb));
    struct onnx_value *v = &ctx->values[n->out[i]];
    v->elem = elem;
    v->rank = rank;
    memcpy(v->dims, dims, (size_t)rank * sizeof *dims);
    v->shape_known = true;
    return DPU_OK;
}

struct onnx_value *onnx_need_in(struct onnx_ctx *ctx, const struct onnx_node *n, int i, int *err)
{
    struct onnx_value *v = onnx_in(ctx, n, i);
    char nb[ONNX_NAME_MAX];
    if (!v) {
        *err = onnx_fail(ctx, n, DPU_E_INVALID, "input %d is missing", i);
        return NULL;
    }
    if (v->unsupported_const) {
        *err = onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "input '%s' has element type %s",
                         onnx_safe_name(v->name, nb), onnx_elem_name(v->elem));
        return NULL;
    }
    if (!v->shape_known) {
        *err = onnx_fail(ctx, n, DPU_E_INTERNAL, "input '%s' has no known shape",
                         onnx_safe_name(v->name, nb));
        return NULL;
    }
    *err = DPU_OK;
    return v;
}
