/* Shape inference for data-movement ops: Gather, Unsqueeze, Squeeze, Reshape, Flatten,
 * Concat, Cast, Slice, Transpose. On constants these fold (onnx_fold.c); on activations the
 * emitters map the reshaping ones onto the IR's Reshape/Flatten/Transpose/Concat. */
#include <inttypes.h>
#include <string.h>

#include "dpu/onnx_infer.h"

static bool is_int_elem(int elem)
{
    return elem == ONNX_INT64 || elem == ONNX_INT32;
}

int onnx_infer_gather(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = onnx_attr_only(ctx, n, (const char *const[]){"axis", NULL});
    if (err)
        return err;
    const struct onnx_value *data = onnx_need_in(ctx, n, 0, &err);
    const struct onnx_value *idx = data ? onnx_need_in(ctx, n, 1, &err) : NULL;
    if (!idx)
        return err;
    if (!is_int_elem(idx->elem))
        return onnx_fail(ctx, n, DPU_E_INVALID, "indices must be int32 or int64, not %s",
                         onnx_elem_name(idx->elem));
    int64_t axis;
    int ax;
    if ((err = onnx_attr_int(ctx, n, "axis", 0, &axis)) ||
        (err = onnx_norm_axis(ctx, n, "axis", axis, data->rank, &ax)))
        return err;
    int rank = data->rank - 1 + idx->rank;
    if (rank > DPU_TENSOR_MAX_RANK)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "the output rank %d is above 8", rank);
    int64_t dims[DPU_TENSOR_MAX_RANK];
    int k = 0;
    for (int i = 0; i < ax; i++)
        dims[k++] = data->dims[i];
    for (int i = 0; i < idx->rank; i++)
        dims[k++] = idx->dims[i];
    for (int i = ax + 1; i < data->rank; i++)
        dims[k++] = data->dims[i];
    return onnx_set_out(ctx, n, 0, data->elem, rank, dims);
}

int onnx_axes_param(struct onnx_ctx *ctx, const struct onnx_node *n, int64_t *axes, int *count,
                    bool *given)
{
    *count = 0;
    *given = false;
    int err;
    if (ctx->opset < 13) {
        const int64_t *v;
        size_t nv;
        if ((err = onnx_attr_ints(ctx, n, "axes", &v, &nv)))
            return err;
        if (!v && !nv)
            return DPU_OK;
        if (nv > DPU_TENSOR_MAX_RANK)
            return onnx_fail_attr(ctx, n, "axes", DPU_E_RANGE, "has more than 8 values");
        for (size_t i = 0; i < nv; i++)
            axes[i] = v[i];
        *count = (int)nv;
        *given = true;
        return DPU_OK;
    }
    if (onnx_attr(n, "axes"))
        return onnx_fail_attr(ctx, n, "axes", DPU_E_INVALID,
                              "is an input, not an attribute, from opset 13 on");
    if (!onnx_in(ctx, n, 1))
        return DPU_OK;
    const struct onnx_tensor *t;
    if ((err = onnx_const_in(ctx, n, 1, "axes", &t)))
        return err;
    int64_t nv = onnx_tensor_count(t);
    if (t->rank > 1 || !is_int_elem(t->elem) || nv > DPU_TENSOR_MAX_RANK)
        return onnx_fail(ctx, n, DPU_E_INVALID, "axes must be a 1-D int64 tensor of at most 8");
    for (int64_t i = 0; i < nv; i++)
        axes[i] = onnx_tensor_get_i(t, i);
    *count = (int)nv;
    *given = true;
    return DPU_OK;
}

int onnx_infer_unsqueeze(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = onnx_attr_only(ctx, n, (const char *const[]){"axes", NULL});
    if (err)
        return err;
    const struct onnx_value *in = onnx_need_in(ctx, n, 0, &err);
    if (!in)
        return err;
    int64_t axes[DPU_TENSOR_MAX_RANK];
    int count;
    bool given;
    if ((err = onnx_axes_param(ctx, n, axes, &count, &given)))
        return err;
    if (!given)
        return onnx_fail(ctx, n, DPU_E_INVALID, "axes are required");
    int rank = in->rank + count;
    if (rank > DPU_TENSOR_MAX_RANK)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "the output rank %d is above 8", rank);
    bool unit[DPU_TENSOR_MAX_RANK] = {false};
    for (int i = 0; i < count; i++) {
        int a;
        if ((err = onnx_norm_axis(ctx, n, "axes", axes[i], rank, &a)))
            return err;
        if (unit[a])
            return onnx_fail_attr(ctx, n, "axes", DPU_E_INVALID, "repeats axis %d", a);
        unit[a] = true;
    }
    int64_t dims[DPU_TENSOR_MAX_RANK];
    for (int i = 0, k = 0; i < rank; i++)
        dims[i] = unit[i] ? 1 : in->dims[k++];
    return onnx_set_out(ctx, n, 0, in->elem, rank, dims);
}

int onnx_infer_squeeze(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = onnx_attr_only(ctx, n, (const char *const[]){"axes", NULL});
    if (err)
        return err;
    const struct onnx_value *in = onnx_need_in(ctx, n, 0, &err);
    if (!in)
        return err;
    int64_t axes[DPU_TENSOR_MAX_RANK];
    int count;
    bool given;
    if ((err = onnx_axes_param(ctx, n, axes, &count, &given)))
        return err;
    bool drop[DPU_TENSOR_MAX_RANK] = {false};
    for (int i = 0; i < count; i++) {
        int a;
        if ((err = onnx_norm_axis(ctx, n, "axes", axes[i], in->rank, &a)))
            return err;
        if (in->dims[a] != 1)
            return onnx_fail_attr(ctx, n, "axes", DPU_E_INVALID,
                                  "names axis %d of size %" PRId64 ", not 1", a, in->dims[a]);
        drop[a] = true;
    }
    int64_t dims[DPU_TENSOR_MAX_RANK];
    int rank = 0;
    for (int i = 0; i < in->rank; i++)
        if (!(given ? drop[i] : in->dims[i] == 1))
            dims[rank++] = in->dims[i];
    return onnx_set_out(ctx, n, 0, in->elem, rank, dims);
}

int onnx_infer_reshape(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = onnx_attr_only(ctx, n, (const char *const[]){"allowzero", NULL});
    if (err)
        return err;
    const struct onnx_value *in = onnx_need_in(ctx, n, 0, &err);
    if (!in)
        return err;
    const struct onnx_tensor *shape;
    int64_t allowzero;
    if ((err = onnx_const_in(ctx, n, 1, "shape", &shape)) ||
        (err = onnx_attr_int(ctx, n, "allowzero", 0, &allowzero)))
        return err;
    int64_t rank = onnx_tensor_count(shape);
    if (shape->rank != 1 || !is_int_elem(shape->elem))
        return onnx_fail(ctx, n, DPU_E_INVALID, "the shape must be a 1-D int64 tensor");
    if (rank > DPU_TENSOR_MAX_RANK)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "the target rank %" PRId64 " is above 8", rank);
    int64_t dims[DPU_TENSOR_MAX_RANK], known = 1;
    int infer_at = -1;
    for (int i = 0; i < rank; i++) {
        int64_t v = onnx_tensor_get_i(shape, i);
        if (v == 0 && !allowzero) {
            if (i >= in->rank)
                return onnx_fail(ctx, n, DPU_E_INVALID,
                                 "shape[%d] = 0 copies a dimension the input does not have", i);
            v = in->dims[i];
        }
        if (v == -1) {
            if (infer_at >= 0)
                return onnx_fail(ctx, n, DPU_E_INVALID, "the shape has more than one -1");
            infer_at = i;
            dims[i] = 1;
            continue;
        }
        if (v < 0 || v > DPU_TENSOR_MAX_DIM)
            return onnx_fail(ctx, n, DPU_E_INVALID, "shape[%d] = %" PRId64 " is invalid", i, v);
        dims[i] = v;
        if (v && known > DPU_TENSOR_MAX_BYTES / v)
            return onnx_fail(ctx, n, DPU_E_RANGE, "the target shape is too large");
        known *= v;
    }
    int64_t total = dpu_shape_count(in->rank, in->dims);
    if (infer_at >= 0) {
        if (known == 0 || total % known != 0)
            return onnx_fail(ctx, n, DPU_E_INVALID,
                             "cannot infer the -1 dimension: %" PRId64
                             " elements are not a multiple of %" PRId64,
                             total, known);
        dims[infer_at] = total / known;
        known = total;
    }
    char a[DPU_SHAPE_STR_MAX], b[DPU_SHAPE_STR_MAX];
    if (known != total)
        return onnx_fail(ctx, n, DPU_E_INVALID, "cannot reshape %s into %s",
                         onnx_shape_str(in->rank, in->dims, a), onnx_shape_str((int)rank, dims, b));
    return onnx_set_out(ctx, n, 0, in->elem, (int)rank, dims);
}

int onnx_infer_flatten(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = onnx_attr_only(ctx, n, (const char *const[]){"axis", NULL});
    if (err)
        return err;
    const struct onnx_value *in = onnx_need_in(ctx, n, 0, &err);
    if (!in)
        return err;
    int64_t axis;
    if ((err = onnx_attr_int(ctx, n, "axis", 1, &axis)))
        return err;
    if (axis < -in->rank || axis > in->rank)
        return onnx_fail_attr(ctx, n, "axis", DPU_E_RANGE, "value %" PRId64 " is outside [%d, %d]",
                              axis, -in->rank, in->rank);
    if (axis < 0)
        axis += in->rank;
    int64_t dims[2] = {1, 1};
    for (int i = 0; i < in->rank; i++)
        dims[i < axis ? 0 : 1] *= in->dims[i];
    return onnx_set_out(ctx, n, 0, in->elem, 2, dims);
}

int onnx_infer_concat(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = onnx_attr_only(ctx, n, (const char *const[]){"axis", NULL});
    if (err)
        return err;
    const struct onnx_value *first = onnx_need_in(ctx, n, 0, &err);
    if (!first)
        return err;
    if (!onnx_attr(n, "axis"))
        return onnx_fail_attr(ctx, n, "axis", DPU_E_INVALID, "is required");
    int64_t axis;
    int ax;
    if ((err = onnx_attr_int(ctx, n, "axis", 0, &axis)) ||
        (err = onnx_norm_axis(ctx, n, "axis", axis, first->rank, &ax)))
        return err;
    int64_t dims[DPU_TENSOR_MAX_RANK];
    memcpy(dims, first->dims, sizeof dims);
    dims[ax] = 0;
    char a[DPU_SHAPE_STR_MAX], b[DPU_SHAPE_STR_MAX];
    for (int i = 0; i < n->nin; i++) {
        const struct onnx_value *v = onnx_need_in(ctx, n, i, &err);
        if (!v)
            return err;
        if (v->elem != first->elem || v->rank != first->rank)
            return onnx_fail(
                ctx, n, DPU_E_INVALID, "input %d (%s %s) does not match input 0 (%s %s)", i,
                onnx_elem_name(v->elem), onnx_shape_str(v->rank, v->dims, a),
                onnx_elem_name(first->elem), onnx_shape_str(first->rank, first->dims, b));
        for (int k = 0; k < v->rank; k++)
            if (k != ax && v->dims[k] != first->dims[k])
                return onnx_fail(ctx, n, DPU_E_INVALID,
                                 "input %d has shape %s, input 0 has %s: they differ outside the "
                                 "axis",
                                 i, onnx_shape_str(v->rank, v->dims, a),
                                 onnx_shape_str(first->rank, first->dims, b));
        dims[ax] += v->dims[ax];
        if (dims[ax] > DPU_TENSOR_MAX_DIM)
            return onnx_fail(ctx, n, DPU_E_RANGE, "the output is too large");
    }
    return onnx_set_out(ctx, n, 0, first->elem, first->rank, dims);
}

int onnx_infer_cast(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = onnx_attr_only(ctx, n, (const char *const[]){"to", NULL});
    if (err)
        return err;
    const struct onnx_value *in = onnx_need_in(ctx, n, 0, &err);
    if (!in)
        return err;
    int64_t to;
    if ((err = onnx_attr_int(ctx, n, "to", ONNX_UNDEFINED, &to)))
        return err;
    if (to < 0 || to > 64 || onnx_elem_size((int)to) == 0)
        return onnx_fail_attr(ctx, n, "to", DPU_E_UNSUPPORTED, "casting to %s is not supported",
                              onnx_elem_name((int)to));
    /* A cast to the type the data already has is the identity. */
    if (!in->is_const && to == in->elem)
        return onnx_make_alias(ctx, n);
    return onnx_set_out(ctx, n, 0, (int)to, in->rank, in->dims);
}

int onnx_slice_params(struct onnx_ctx *ctx, const struct onnx_node *n, int rank,
                      const int64_t *dims, int64_t *start, int64_t *step, int64_t *len)
{
    for (int i = 0; i < rank; i++) {
        start[i] = 0;
        step[i] = 1;
        len[i] = dims[i];
    }
    const struct onnx_tensor *starts, *ends, *axes = NULL, *steps = NULL;
    int err;
    if ((err = onnx_const_in(ctx, n, 1, "starts", &starts)) ||
        (err = onnx_const_in(ctx, n, 2, "ends", &ends)) ||
        (onnx_in(ctx, n, 3) && (err = onnx_const_in(ctx, n, 3, "axes", &axes))) ||
        (onnx_in(ctx, n, 4) && (err = onnx_const_in(ctx, n, 4, "steps", &steps))))
        return err;
    int64_t count = onnx_tensor_count(starts);
    if (starts->rank != 1 || onnx_tensor_count(ends) != count || count > rank ||
        (axes && onnx_tensor_count(axes) != count) || (steps && onnx_tensor_count(steps) != count))
        return onnx_fail(
            ctx, n, DPU_E_INVALID,
            "starts, ends, axes and steps must be 1-D of one length, at most the rank");
    bool seen[DPU_TENSOR_MAX_RANK] = {false};
    for (int64_t i = 0; i < count; i++) {
        int a = (int)i;
        if (axes && (err = onnx_norm_axis(ctx, n, "axes", onnx_tensor_get_i(axes, i), rank, &a)))
            return err;
        if (seen[a])
            return onnx_fail(ctx, n, DPU_E_INVALID, "axis %d is sliced twice", a);
        seen[a] = true;
        int64_t d = dims[a], s = onnx_tensor_get_i(starts, i), e = onnx_tensor_get_i(ends, i);
        int64_t st = steps ? onnx_tensor_get_i(steps, i) : 1;
        if (st == 0 || st == INT64_MIN)
            return onnx_fail(ctx, n, DPU_E_INVALID, "step %" PRId64 " is invalid", st);
        /* Clamping first keeps INT64_MAX-style "to the end" values from overflowing. */
        s = s < -d ? -d : s > d ? d : s;
        e = e < -d - 1 ? -d - 1 : e > d ? d : e;
        if (s < 0)
            s += d;
        if (e < 0 && e >= -d)
            e += d;
        int64_t l;
        if (st > 0) {
            s = s < 0 ? 0 : s;
            e = e < 0 ? 0 : e;
            l = e > s ? (e - s + st - 1) / st : 0;
        } else {
            s = s > d - 1 ? d - 1 : s;
            e = e < -1 ? -1 : e > d - 1 ? d - 1 : e;
            l = s > e ? (s - e - st - 1) / -st : 0;
        }
        start[a] = s;
        step[a] = st;
        len[a] = l;
    }
    return DPU_OK;
}

int onnx_infer_slice(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = onnx_attr_only(ctx, n, (const char *const[]){NULL});
    if (err)
        return err;
    const struct onnx_value *in = onnx_need_in(ctx, n, 0, &err);
    if (!in)
        return err;
    int64_t start[DPU_TENSOR_MAX_RANK], step[DPU_TENSOR_MAX_RANK], len[DPU_TENSOR_MAX_RANK];
    if ((err = onnx_slice_params(ctx, n, in->rank, in->dims, start, step, len)))
        return err;
    return onnx_set_out(ctx, n, 0, in->elem, in->rank, len);
}

int onnx_transpose_perm(struct onnx_ctx *ctx, const struct onnx_node *n, int rank, int *perm)
{
    const int64_t *v;
    size_t count;
    int err = onnx_attr_ints(ctx, n, "perm", &v, &count);
    if (err)
        return err;
    if (!v && !count) {
        for (int i = 0; i < rank; i++)
            perm[i] = rank - 1 - i;
        return DPU_OK;
    }
    if (count != (size_t)rank)
        return onnx_fail_attr(ctx, n, "perm", DPU_E_INVALID, "has %zu values for rank %d", count,
                              rank);
    bool seen[DPU_TENSOR_MAX_RANK] = {false};
    for (int i = 0; i < rank; i++) {
        if (v[i] < 0 || v[i] >= rank || seen[v[i]])
            return onnx_fail_attr(ctx, n, "perm", DPU_E_INVALID, "is not a permutation");
        seen[v[i]] = true;
        perm[i] = (int)v[i];
    }
    return DPU_OK;
}

int onnx_infer_transpose(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = onnx_attr_only(ctx, n, (const char *const[]){"perm", NULL});
    if (err)
        return err;
    const struct onnx_value *in = onnx_need_in(ctx, n, 0, &err);
    if (!in)
        return err;
    int perm[DPU_TENSOR_MAX_RANK];
    if ((err = onnx_transpose_perm(ctx, n, in->rank, perm)))
        return err;
    int64_t dims[DPU_TENSOR_MAX_RANK];
    for (int i = 0; i < in->rank; i++)
        dims[i] = in->dims[perm[i]];
    return onnx_set_out(ctx, n, 0, in->elem, in->rank, dims);
}
