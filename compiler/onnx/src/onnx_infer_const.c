/* Ops whose output is a constant by construction: Constant, Shape (shapes are static),
 * ConstantOfShape. Each computes its output during inference and marks itself dead. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dpu/onnx_infer.h"

/* Stores t as output 0's constant value (taking ownership) and retires the node. */
static int set_const_out(struct onnx_ctx *ctx, struct onnx_node *n, struct onnx_tensor *t)
{
    int err = onnx_set_out(ctx, n, 0, t->elem, t->rank, t->dims);
    struct onnx_value *out = onnx_out(ctx, n, 0);
    if (err || !out) {
        onnx_tensor_free(t);
        return err;
    }
    onnx_tensor_free(&out->konst);
    out->konst = *t;
    out->is_const = true;
    n->dead = true;
    return DPU_OK;
}

int onnx_infer_constant(struct onnx_ctx *ctx, struct onnx_node *n)
{
    static const char *const known[] = {"value",        "value_float",   "value_floats",
                                        "value_int",    "value_ints",    "sparse_value",
                                        "value_string", "value_strings", NULL};
    int err = onnx_attr_only(ctx, n, known);
    if (err)
        return err;
    if (n->pb->n_attribute != 1)
        return onnx_fail(ctx, n, DPU_E_INVALID, "needs exactly one value attribute, has %zu",
                         n->pb->n_attribute);
    const Onnx__AttributeProto *a = n->pb->attribute[0];
    const char *name = a->name;
    struct onnx_tensor t = {0};
    int64_t one = 1;
    if (strcmp(name, "value") == 0) {
        if (!a->t)
            return onnx_fail_attr(ctx, n, name, DPU_E_PARSE, "holds no tensor");
        char what[2 * ONNX_NAME_MAX + 64], nb[ONNX_NAME_MAX];
        snprintf(what, sizeof what, "%s: node '%s' (Constant): attribute 'value'", ctx->model_name,
                 onnx_safe_name(n->name, nb));
        err = onnx_tensor_from_pb(a->t, what, &t, ctx->d);
    } else if (strcmp(name, "value_float") == 0 || strcmp(name, "value_int") == 0) {
        bool is_f = name[6] == 'f';
        if ((err = onnx_tensor_alloc(&t, is_f ? ONNX_FLOAT : ONNX_INT64, 0, &one, "Constant",
                                     ctx->d)))
            return err;
        double f;
        int64_t i;
        err = is_f ? onnx_attr_float(ctx, n, name, 0, &f) : onnx_attr_int(ctx, n, name, 0, &i);
        if (!err && is_f)
            ((float *)t.data)[0] = (float)f;
        else if (!err)
            ((int64_t *)t.data)[0] = i;
    } else if (strcmp(name, "value_floats") == 0) {
        const float *v;
        size_t count;
        if (!(err = onnx_attr_floats(ctx, n, name, &v, &count))) {
            int64_t dim = (int64_t)count;
            if (!(err = onnx_tensor_alloc(&t, ONNX_FLOAT, 1, &dim, name, ctx->d)) && count)
                memcpy(t.data, v, count * sizeof *v);
        }
    } else if (strcmp(name, "value_ints") == 0) {
        const int64_t *v;
        size_t count;
        if (!(err = onnx_attr_ints(ctx, n, name, &v, &count))) {
            int64_t dim = (int64_t)count;
            if (!(err = onnx_tensor_alloc(&t, ONNX_INT64, 1, &dim, name, ctx->d)) && count)
                memcpy(t.data, v, count * sizeof *v);
        }
    } else {
        return onnx_fail_attr(ctx, n, name, DPU_E_UNSUPPORTED, "is not supported");
    }
    if (err) {
        onnx_tensor_free(&t);
        return err;
    }
    return set_const_out(ctx, n, &t);
}

/* Shape: the input's static shape as an int64 vector, sliced by start/end (opset 15). */
int onnx_infer_shape_op(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = onnx_attr_only(ctx, n, (const char *const[]){"start", "end", NULL});
    if (err)
        return err;
    const struct onnx_value *in = onnx_need_in(ctx, n, 0, &err);
    if (!in)
        return err;
    int64_t r = in->rank, start, end;
    if ((err = onnx_attr_int(ctx, n, "start", 0, &start)) ||
        (err = onnx_attr_int(ctx, n, "end", r, &end)))
        return err;
    /* Negative values count from the end; both clamp to [0, rank]. */
    start = start < 0 ? start + r : start;
    end = end < 0 ? end + r : end;
    start = start < 0 ? 0 : start > r ? r : start;
    end = end < 0 ? 0 : end > r ? r : end;
    int64_t len = end > start ? end - start : 0;
    struct onnx_tensor t;
    char label[ONNX_LABEL_MAX];
    if ((err = onnx_tensor_alloc(&t, ONNX_INT64, 1, &len, onnx_node_label(ctx, n, label), ctx->d)))
        return err;
    for (int64_t i = 0; i < len; i++)
        ((int64_t *)t.data)[i] = in->dims[start + i];
    return set_const_out(ctx, n, &t);
}

int onnx_infer_constant_of_shape(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = onnx_attr_only(ctx, n, (const char *const[]){"value", NULL});
    if (err)
        return err;
    const struct onnx_tensor *shape;
    if ((err = onnx_const_in(ctx, n, 0, "shape", &shape)))
        return err;
    int64_t count = onnx_tensor_count(shape);
    if (shape->rank != 1 || count > DPU_TENSOR_MAX_RANK ||
        (shape->elem != ONNX_INT64 && shape->elem != ONNX_INT32))
        return onnx_fail(ctx, n, DPU_E_INVALID,
                         "the shape must be a 1-D int64 tensor of at most "
                         "8 values");
    int64_t dims[DPU_TENSOR_MAX_RANK];
    for (int64_t i = 0; i < count; i++) {
        dims[i] = onnx_tensor_get_i(shape, i);
        if (dims[i] < 0 || dims[i] > DPU_TENSOR_MAX_DIM)
            return onnx_fail(ctx, n, DPU_E_RANGE, "dimension %" PRId64 " is out of range", dims[i]);
    }
    struct onnx_tensor value = {.elem = ONNX_FLOAT};
    const Onnx__AttributeProto *a = onnx_attr(n, "value");
    if (a) {
        if (!a->t)
            return onnx_fail_attr(ctx, n, "value", DPU_E_PARSE, "holds no tensor");
        if ((err = onnx_tensor_from_pb(a->t, "ConstantOfShape value", &value, ctx->d)))
            return err;
        if (onnx_tensor_count(&value) != 1) {
            onnx_tensor_free(&value);
            return onnx_fail_attr(ctx, n, "value", DPU_E_INVALID, "must hold one element");
        }
    }
    struct onnx_tensor t;
    char label[ONNX_LABEL_MAX];
    err =
        onnx_tensor_alloc(&t, value.elem, (int)count, dims, onnx_node_label(ctx, n, label), ctx->d);
    if (err) {
        onnx_tensor_free(&value);
        return err;
    }
    size_t es = onnx_elem_size(value.elem);
    int64_t total = onnx_tensor_count(&t);
    for (int64_t i = 0; value.data && i < total; i++)
        memcpy((char *)t.data + i * (int64_t)es, value.data, es);
    onnx_tensor_free(&value);
    return set_const_out(ctx, n, &t);
}
