/* Constant folding: computing at import time what the model computes from constants and
 * static shapes. Output types and shapes were set by inference; each fold fills the output
 * value's konst. Sizes are bounded by ONNX_MAX_FOLD_ELEMS (onnx_tensor_alloc). */
#include <inttypes.h>
#include <string.h>

#include "dpu/onnx_infer.h"
#include "dpu/onnx_quant.h"
#include "dpu/qparams.h"

/* Allocates output 0's constant with the inferred type and shape. */
static int alloc_out(struct onnx_ctx *ctx, struct onnx_node *n, struct onnx_tensor **t)
{
    struct onnx_value *out = onnx_out(ctx, n, 0);
    char label[ONNX_LABEL_MAX];
    *t = &out->konst;
    onnx_tensor_free(&out->konst);
    return onnx_tensor_alloc(&out->konst, out->elem, out->rank, out->dims,
                             onnx_node_label(ctx, n, label), ctx->d);
}

static int64_t prod(const int64_t *dims, int from, int to)
{
    int64_t p = 1;
    for (int i = from; i < to; i++)
        p *= dims[i];
    return p;
}

int onnx_fold_gather(struct onnx_ctx *ctx, struct onnx_node *n)
{
    const struct onnx_value *data = onnx_in(ctx, n, 0), *idx = onnx_in(ctx, n, 1);
    struct onnx_tensor *t;
    int64_t axis;
    int ax, err;
    if ((err = onnx_attr_int(ctx, n, "axis", 0, &axis)) ||
        (err = onnx_norm_axis(ctx, n, "axis", axis, data->rank, &ax)) ||
        (err = alloc_out(ctx, n, &t)))
        return err;
    int64_t outer = prod(data->dims, 0, ax), inner = prod(data->dims, ax + 1, data->rank);
    int64_t d = data->dims[ax], ni = onnx_tensor_count(&idx->konst);
    size_t es = onnx_elem_size(data->elem);
    for (int64_t j = 0; j < ni; j++) {
        int64_t k = onnx_tensor_get_i(&idx->konst, j);
        if (k < -d || k >= d)
            return onnx_fail(ctx, n, DPU_E_RANGE, "index %" PRId64 " is out of range for %" PRId64,
                             k, d);
        if (k < 0)
            k += d;
        for (int64_t o = 0; o < outer; o++)
            memcpy((char *)t->data + ((o * ni + j) * inner) * (int64_t)es,
                   (const char *)data->konst.data + ((o * d + k) * inner) * (int64_t)es,
                   (size_t)inner * es);
    }
    return DPU_OK;
}

/* Reshape, Flatten, Squeeze, Unsqueeze: the same bytes under the inferred shape. */
int onnx_fold_reshape_like(struct onnx_ctx *ctx, struct onnx_node *n)
{
    const struct onnx_value *in = onnx_in(ctx, n, 0);
    struct onnx_tensor *t;
    int err = alloc_out(ctx, n, &t);
    if (err)
        return err;
    int64_t count = onnx_tensor_count(t);
    if (count)
        memcpy(t->data, in->konst.data, (size_t)count * onnx_elem_size(t->elem));
    return DPU_OK;
}

int onnx_fold_concat(struct onnx_ctx *ctx, struct onnx_node *n)
{
    const struct onnx_value *out = onnx_out(ctx, n, 0);
    struct onnx_tensor *t;
    int64_t axis;
    int ax, err;
    if ((err = onnx_attr_int(ctx, n, "axis", 0, &axis)) ||
        (err = onnx_norm_axis(ctx, n, "axis", axis, out->rank, &ax)) ||
        (err = alloc_out(ctx, n, &t)))
        return err;
    size_t es = onnx_elem_size(t->elem);
    int64_t outer = prod(t->dims, 0, ax), inner = prod(t->dims, ax + 1, t->rank);
    int64_t row = t->dims[ax] * inner, at = 0;
    for (int i = 0; i < n->nin; i++) {
        const struct onnx_value *in = onnx_in(ctx, n, i);
        int64_t chunk = in->dims[ax] * inner;
        for (int64_t o = 0; o < outer; o++)
            memcpy((char *)t->data + (o * row + at) * (int64_t)es,
                   (const char *)in->konst.data + o * chunk * (int64_t)es, (size_t)chunk * es);
        at += chunk;
    }
    return DPU_OK;
}

int onnx_fold_cast(struct onnx_ctx *ctx, struct onnx_node *n)
{
    const struct onnx_value *in = onnx_in(ctx, n, 0);
    struct onnx_tensor *t;
    int err = alloc_out(ctx, n, &t);
    if (err)
        return err;
    int64_t count = onnx_tensor_count(t);
    for (int64_t i = 0; i < count; i++) {
        if (in->elem == ONNX_FLOAT)
            onnx_tensor_set_f(t, i, onnx_tensor_get_f(&in->konst, i));
        else
            onnx_tensor_set_i(t, i, onnx_tensor_get_i(&in->konst, i));
    }
    return DPU_OK;
}

/* Steps through every index of a shape, last axis fastest; false after the last. */
static bool next_index(int rank, const int64_t *dims, int64_t *idx)
{
    for (int i = rank - 1; i >= 0; i--) {
        if (++idx[i] < dims[i])
            return true;
        idx[i] = 0;
    }
    return false;
}

/* Row-major strides of a shape. */
static void strides_of(int rank, const int64_t *dims, int64_t *st)
{
    int64_t s = 1;
    for (int i = rank - 1; i >= 0; i--) {
        st[i] = s;
        s *= dims[i];
    }
}

int onnx_fold_slice(struct onnx_ctx *ctx, struct onnx_node *n)
{
    const struct onnx_value *in = onnx_in(ctx, n, 0);
    int64_t start[DPU_TENSOR_MAX_RANK], step[DPU_TENSOR_MAX_RANK], len[DPU_TENSOR_MAX_RANK];
    int64_t st[DPU_TENSOR_MAX_RANK], idx[DPU_TENSOR_MAX_RANK] = {0};
    struct onnx_tensor *t;
    int err = onnx_slice_params(ctx, n, in->rank, in->dims, start, step, len);
    if (err || (err = alloc_out(ctx, n, &t)))
        return err;
    int64_t count = onnx_tensor_count(t);
    size_t es = onnx_elem_size(t->elem);
    strides_of(in->rank, in->dims, st);
    for (int64_t o = 0; o < count; o++) {
        int64_t src = 0;
        for (int i = 0; i < in->rank; i++)
            src += (start[i] + idx[i] * step[i]) * st[i];
        memcpy((char *)t->data + o * (int64_t)es, (const char *)in->konst.data + src * (int64_t)es,
               es);
        next_index(in->rank, len, idx);
    }
    return DPU_OK;
}

int onnx_fold_transpose(struct onnx_ctx *ctx, struct onnx_node *n)
{
    const struct onnx_value *in = onnx_in(ctx, n, 0);
    int perm[DPU_TENSOR_MAX_RANK];
    int64_t st[DPU_TENSOR_MAX_RANK], idx[DPU_TENSOR_MAX_RANK] = {0};
    struct onnx_tensor *t;
    int err = onnx_transpose_perm(ctx, n, in->rank, perm);
    if (err || (err = alloc_out(ctx, n, &t)))
        return err;
    int64_t count = onnx_tensor_count(t);
    size_t es = onnx_elem_size(t->elem);
    strides_of(in->rank, in->dims, st);
    for (int64_t o = 0; o < count; o++) {
        int64_t src = 0;
        for (int i = 0; i < in->rank; i++)
            src += idx[i] * st[perm[i]];
        memcpy((char *)t->data + o * (int64_t)es, (const char *)in->konst.data + src * (int64_t)es,
               es);
        next_index(t->rank, t->dims, idx);
    }
    return DPU_OK;
}

/* The linear index in a broadcast operand of the output index idx. */
static int64_t bcast_at(int rout, const int64_t *idx, int r, const int64_t *dims)
{
    int64_t at = 0;
    for (int i = 0; i < r; i++) {
        int64_t k = idx[rout - r + i];
        at = at * dims[i] + (dims[i] == 1 ? 0 : k);
    }
    return at;
}

/* Integer arithmetic wraps (as int64 in two's complement) instead of overflowing. */
static int64_t wrap(uint64_t v)
{
    return v <= INT64_MAX ? (int64_t)v : -(int64_t)(~v) - 1;
}

int onnx_fold_binary(struct onnx_ctx *ctx, struct onnx_node *n)
{
    const struct onnx_value *a = onnx_in(ctx, n, 0), *b = onnx_in(ctx, n, 1);
    int64_t idx[DPU_TENSOR_MAX_RANK] = {0};
    struct onnx_tensor *t;
    int err = alloc_out(ctx, n, &t);
    if (err)
        return err;
    char op = n->op[0]; /* A(dd), S(ub), M(ul), D(iv) */
    int64_t count = onnx_tensor_count(t);
    for (int64_t o = 0; o < count; o++, next_index(t->rank, t->dims, idx)) {
        int64_t ia = bcast_at(t->rank, idx, a->rank, a->dims);
        int64_t ib = bcast_at(t->rank, idx, b->rank, b->dims);
        if (t->elem == ONNX_FLOAT) {
            double x = onnx_tensor_get_f(&a->konst, ia), y = onnx_tensor_get_f(&b->konst, ib);
            float r = op == 'A'   ? (float)x + (float)y
                      : op == 'S' ? (float)x - (float)y
                      : op == 'M' ? (float)x * (float)y
                                  : (float)x / (float)y;
            onnx_tensor_set_f(t, o, r);
            continue;
        }
        int64_t x = onnx_tensor_get_i(&a->konst, ia), y = onnx_tensor_get_i(&b->konst, ib);
        int64_t r;
        if (op == 'A')
            r = wrap((uint64_t)x + (uint64_t)y);
        else if (op == 'S')
            r = wrap((uint64_t)x - (uint64_t)y);
        else if (op == 'M')
            r = wrap((uint64_t)x * (uint64_t)y);
        else if (y == 0)
            return onnx_fail(ctx, n, DPU_E_INVALID, "integer division by zero");
        else
            r = (x == INT64_MIN && y == -1) ? INT64_MIN : x / y;
        onnx_tensor_set_i(t, o, r);
    }
    return DPU_OK;
}

/* QuantizeLinear of a constant (weights stored as float and quantized in the graph). */
int onnx_fold_quantize(struct onnx_ctx *ctx, struct onnx_node *n)
{
    const struct onnx_value *x = onnx_in(ctx, n, 0);
    struct onnx_qread q;
    struct onnx_tensor *t;
    int err = onnx_qread(ctx, n, 1, 2, x->rank, x->dims, 1, &q);
    if (err)
        return err;
    if ((err = alloc_out(ctx, n, &t))) {
        onnx_qread_free(&q);
        return err;
    }
    int lo = t->elem == ONNX_INT8 ? -128 : 0, hi = t->elem == ONNX_INT8 ? 127 : 255;
    int64_t count = onnx_tensor_count(t), inner = 1, ch = 1;
    if (q.axis >= 0) {
        inner = prod(x->dims, q.axis + 1, x->rank);
        ch = x->dims[q.axis];
    }
    for (int64_t i = 0; i < count; i++) {
        size_t c = q.axis >= 0 ? (size_t)((i / inner) % ch) : 0;
        float v = (float)onnx_tensor_get_f(&x->konst, i);
        onnx_tensor_set_i(t, i, dpu_quantize_f32(v, q.scale[c], q.zp[c], lo, hi));
    }
    onnx_qread_free(&q);
    return DPU_OK;
}
