/* Shape inference for element-wise ops and activations: Add/Sub/Mul/Div, the unary
 * activations, Clip, Softmax. Also the readers of their parameters that emission shares. */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "dpu/onnx_infer.h"

int onnx_infer_binary(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = onnx_attr_only(ctx, n, (const char *const[]){NULL});
    if (err)
        return err;
    const struct onnx_value *a = onnx_need_in(ctx, n, 0, &err);
    const struct onnx_value *b = a ? onnx_need_in(ctx, n, 1, &err) : NULL;
    if (!b)
        return err;
    char sa[DPU_SHAPE_STR_MAX], sb[DPU_SHAPE_STR_MAX];
    if (a->elem != b->elem)
        return onnx_fail(ctx, n, DPU_E_INVALID, "inputs of different types (%s and %s)",
                         onnx_elem_name(a->elem), onnx_elem_name(b->elem));
    int rank;
    int64_t dims[DPU_TENSOR_MAX_RANK];
    if (!onnx_broadcast(a->rank, a->dims, b->rank, b->dims, &rank, dims))
        return onnx_fail(ctx, n, DPU_E_INVALID, "shapes %s and %s do not broadcast",
                         onnx_shape_str(a->rank, a->dims, sa),
                         onnx_shape_str(b->rank, b->dims, sb));
    return onnx_set_out(ctx, n, 0, a->elem, rank, dims);
}

/* The attributes each activation may carry. */
static const char *const *unary_attrs(const char *op)
{
    static const char *const none[] = {NULL};
    static const char *const alpha[] = {"alpha", NULL};
    static const char *const alpha_beta[] = {"alpha", "beta", NULL};
    static const char *const gelu[] = {"approximate", NULL};
    if (strcmp(op, "LeakyRelu") == 0)
        return alpha;
    if (strcmp(op, "HardSigmoid") == 0)
        return alpha_beta;
    if (strcmp(op, "Gelu") == 0)
        return gelu;
    return none;
}

int onnx_infer_unary(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = onnx_attr_only(ctx, n, unary_attrs(n->op));
    if (err)
        return err;
    char approx[32];
    if ((err = onnx_attr_string(ctx, n, "approximate", "none", approx, sizeof approx)))
        return err;
    if (strcmp(approx, "none") != 0)
        return onnx_fail_attr(ctx, n, "approximate", DPU_E_UNSUPPORTED,
                              "value '%s' is not supported (only the erf form, 'none')", approx);
    double alpha, beta; /* read here only to check their types */
    if ((err = onnx_attr_float(ctx, n, "alpha", 0.01, &alpha)) ||
        (err = onnx_attr_float(ctx, n, "beta", 0.5, &beta)))
        return err;
    const struct onnx_value *x = onnx_need_in(ctx, n, 0, &err);
    if (!x)
        return err;
    if (x->elem != ONNX_FLOAT)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "input of type %s (float32 expected)",
                         onnx_elem_name(x->elem));
    return onnx_set_out(ctx, n, 0, x->elem, x->rank, x->dims);
}

/* A constant scalar bound input of Clip (opset 11+), or def when absent. */
static int clip_bound_input(struct onnx_ctx *ctx, const struct onnx_node *n, int i,
                            const char *role, double def, double *out)
{
    *out = def;
    if (!onnx_in(ctx, n, i))
        return DPU_OK;
    const struct onnx_tensor *t;
    int err = onnx_const_in(ctx, n, i, role, &t);
    if (err)
        return err;
    if (onnx_tensor_count(t) != 1)
        return onnx_fail(ctx, n, DPU_E_INVALID, "%s must be a scalar", role);
    *out = onnx_tensor_get_f(t, 0);
    return DPU_OK;
}

int onnx_clip_bounds(struct onnx_ctx *ctx, const struct onnx_node *n, double *lo, double *hi)
{
    int err;
    if (ctx->opset < 11) {
        if ((err = onnx_attr_float(ctx, n, "min", -INFINITY, lo)) ||
            (err = onnx_attr_float(ctx, n, "max", INFINITY, hi)))
            return err;
    } else if ((err = clip_bound_input(ctx, n, 1, "min", -INFINITY, lo)) ||
               (err = clip_bound_input(ctx, n, 2, "max", INFINITY, hi))) {
        return err;
    }
    if (isnan(*lo) || isnan(*hi) || *lo > *hi)
        return onnx_fail(ctx, n, DPU_E_INVALID, "bounds [%g, %g] are not an interval", *lo, *hi);
    return DPU_OK;
}

int onnx_infer_clip(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = ctx->opset < 11 ? onnx_attr_only(ctx, n, (const char *const[]){"min", "max", NULL})
                              : onnx_attr_only(ctx, n, (const char *const[]){NULL});
    if (err)
        return err;
    if (ctx->opset < 11 && n->nin > 1)
        return onnx_fail(ctx, n, DPU_E_INVALID, "takes its bounds as attributes before opset 11");
    double lo, hi;
    if ((err = onnx_clip_bounds(ctx, n, &lo, &hi)))
        return err;
    const struct onnx_value *x = onnx_need_in(ctx, n, 0, &err);
    if (!x)
        return err;
    if (x->elem != ONNX_FLOAT)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "input of type %s (float32 expected)",
                         onnx_elem_name(x->elem));
    return onnx_set_out(ctx, n, 0, x->elem, x->rank, x->dims);
}

/* Before opset 13 Softmax flattens the input to 2-D at `axis` and normalizes over all of
 * dims[axis:] together. That is a softmax over a single axis only when at most one of
 * those dimensions is larger than 1; we accept exactly that case. */
int onnx_softmax_axis(struct onnx_ctx *ctx, const struct onnx_node *n, int *axis)
{
    const struct onnx_value *x = onnx_in(ctx, n, 0);
    int64_t a;
    int err = onnx_attr_int(ctx, n, "axis", ctx->opset < 13 ? 1 : -1, &a);
    if (err || (err = onnx_norm_axis(ctx, n, "axis", a, x->rank, axis)))
        return err;
    if (ctx->opset >= 13)
        return DPU_OK;
    int big = -1;
    for (int i = *axis; i < x->rank; i++) {
        if (x->dims[i] == 1)
            continue;
        if (big >= 0) {
            char sb[DPU_SHAPE_STR_MAX];
            return onnx_fail_attr(ctx, n, "axis", DPU_E_UNSUPPORTED,
                                  "%d: before opset 13 Softmax normalizes over all of dims %d.. "
                                  "of %s together, which is not a softmax over one axis",
                                  *axis, *axis, onnx_shape_str(x->rank, x->dims, sb));
        }
        big = i;
    }
    if (big >= 0)
        *axis = big;
    return DPU_OK;
}

int onnx_infer_softmax(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = onnx_attr_only(ctx, n, (const char *const[]){"axis", NULL});
    if (err)
        return err;
    const struct onnx_value *x = onnx_need_in(ctx, n, 0, &err);
    if (!x)
        return err;
    if (x->elem != ONNX_FLOAT)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "input of type %s (float32 expected)",
                         onnx_elem_name(x->elem));
    int axis;
    if ((err = onnx_softmax_axis(ctx, n, &axis)))
        return err;
    return onnx_set_out(ctx, n, 0, x->elem, x->rank, x->dims);
}
