/* Pad and Resize/Upsample: their parameters arrive as constant inputs (or attributes in
 * older opsets), and only the forms the IR can express are accepted: constant padding, and
 * nearest-neighbour upsampling by integer factors where ONNX's coordinate rule picks
 * source index floor(i / f) for output index i. */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "dpu/onnx_infer.h"

int onnx_pad_params(struct onnx_ctx *ctx, const struct onnx_node *n, int64_t *pads, double *value)
{
    const struct onnx_value *x = onnx_in(ctx, n, 0);
    int rank = x->rank, err;
    char mode[32];
    if ((err = onnx_attr_string(ctx, n, "mode", "constant", mode, sizeof mode)))
        return err;
    if (strcmp(mode, "constant") != 0)
        return onnx_fail_attr(ctx, n, "mode", DPU_E_UNSUPPORTED,
                              "value '%s' is not supported (only 'constant')", mode);
    *value = 0;
    if (ctx->opset < 11) {
        const int64_t *v;
        size_t count;
        if ((err = onnx_attr_ints(ctx, n, "pads", &v, &count)) ||
            (err = onnx_attr_float(ctx, n, "value", 0, value)))
            return err;
        if (count != (size_t)(2 * rank))
            return onnx_fail_attr(ctx, n, "pads", DPU_E_INVALID, "has %zu values for rank %d",
                                  count, rank);
        memcpy(pads, v, count * sizeof *v);
    } else {
        const struct onnx_tensor *p;
        if ((err = onnx_const_in(ctx, n, 1, "pads", &p)))
            return err;
        if (p->rank != 1 || onnx_tensor_count(p) != 2 * rank)
            return onnx_fail(ctx, n, DPU_E_INVALID, "pads must hold 2 x rank = %d values",
                             2 * rank);
        for (int i = 0; i < 2 * rank; i++)
            pads[i] = onnx_tensor_get_i(p, i);
        if (onnx_in(ctx, n, 2)) {
            const struct onnx_tensor *c;
            if ((err = onnx_const_in(ctx, n, 2, "constant_value", &c)))
                return err;
            if (onnx_tensor_count(c) != 1)
                return onnx_fail(ctx, n, DPU_E_INVALID, "constant_value must be a scalar");
            *value = onnx_tensor_get_f(c, 0);
        }
    }
    for (int i = 0; i < 2 * rank; i++) {
        if (pads[i] < 0)
            return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                             "negative pads (cropping) are not supported");
        if (pads[i] > DPU_TENSOR_MAX_DIM)
            return onnx_fail(ctx, n, DPU_E_RANGE, "pad %" PRId64 " is too large", pads[i]);
    }
    return DPU_OK;
}

int onnx_infer_pad(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = ctx->opset < 11
                  ? onnx_attr_only(ctx, n, (const char *const[]){"mode", "pads", "value", NULL})
                  : onnx_attr_only(ctx, n, (const char *const[]){"mode", NULL});
    if (err)
        return err;
    const struct onnx_value *x = onnx_need_in(ctx, n, 0, &err);
    if (!x)
        return err;
    int64_t pads[2 * DPU_TENSOR_MAX_RANK], dims[DPU_TENSOR_MAX_RANK];
    double value;
    if ((err = onnx_pad_params(ctx, n, pads, &value)))
        return err;
    for (int i = 0; i < x->rank; i++)
        dims[i] = x->dims[i] + pads[i] + pads[x->rank + i];
    return onnx_set_out(ctx, n, 0, x->elem, x->rank, dims);
}

/* Whether nearest-neighbour resizing by integer factor f under this coordinate mode and
 * rounding picks source floor(i / f) for every output i (i = f k + r, 0 <= r < f):
 *   asymmetric            x = i / f = k + r/f            floor: always; round_prefer_floor:
 *                                                        r/f <= 1/2 for all r, i.e. f <= 2
 *   half_pixel            x = k + (r + 1/2)/f - 1/2,     round_prefer_floor/ceil: always
 *   (pytorch_half_pixel)  strictly inside (k - 1/2, k + 1/2), never a tie; floor/ceil: no
 *   tf_half_pixel_for_nn  x = k + (r + 1/2)/f in (k, k+1) floor: always
 * Factor 1 is the identity under every mode. */
static bool nearest_is_floor(const char *coord, const char *nearest, int64_t f)
{
    if (f == 1)
        return true;
    if (strcmp(coord, "asymmetric") == 0)
        return strcmp(nearest, "floor") == 0 ||
               (strcmp(nearest, "round_prefer_floor") == 0 && f <= 2);
    if (strcmp(coord, "half_pixel") == 0 || strcmp(coord, "pytorch_half_pixel") == 0)
        return strcmp(nearest, "round_prefer_floor") == 0 ||
               strcmp(nearest, "round_prefer_ceil") == 0;
    if (strcmp(coord, "tf_half_pixel_for_nn") == 0)
        return strcmp(nearest, "floor") == 0;
    return false;
}

/* The factor for one axis from a float scale; 0 when it is not an integer >= 1. */
static int64_t factor_of_scale(double s)
{
    if (!(s >= 1 && s <= 1 << 20) || floor(s) != s)
        return 0;
    return (int64_t)s;
}

static int read_scales(struct onnx_ctx *ctx, const struct onnx_node *n, int i, int rank,
                       int64_t *factors, bool *given)
{
    *given = false;
    if (!onnx_in(ctx, n, i))
        return DPU_OK;
    const struct onnx_tensor *t;
    int err = onnx_const_in(ctx, n, i, "scales", &t);
    if (err)
        return err;
    int64_t count = onnx_tensor_count(t);
    if (count == 0)
        return DPU_OK; /* an empty scales input next to sizes */
    if (count != rank || t->elem != ONNX_FLOAT)
        return onnx_fail(ctx, n, DPU_E_INVALID, "scales must hold %d float values", rank);
    for (int k = 0; k < rank; k++) {
        double s = onnx_tensor_get_f(t, k);
        if (!(factors[k] = factor_of_scale(s)))
            return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                             "scale %g on axis %d is not supported (integer upsampling factors "
                             "only)",
                             s, k);
    }
    *given = true;
    return DPU_OK;
}

static int read_sizes(struct onnx_ctx *ctx, const struct onnx_node *n, const struct onnx_value *x,
                      int64_t *factors, bool *given)
{
    *given = false;
    if (!onnx_in(ctx, n, 3))
        return DPU_OK;
    const struct onnx_tensor *t;
    int err = onnx_const_in(ctx, n, 3, "sizes", &t);
    if (err)
        return err;
    int64_t count = onnx_tensor_count(t);
    if (count == 0)
        return DPU_OK;
    if (count != x->rank)
        return onnx_fail(ctx, n, DPU_E_INVALID, "sizes must hold %d values", x->rank);
    for (int k = 0; k < x->rank; k++) {
        int64_t s = onnx_tensor_get_i(t, k), in = x->dims[k];
        if (in == 0 || s < in || s % in != 0 || s / in > (1 << 20))
            return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                             "size %" PRId64 " on axis %d is not an integer multiple of %" PRId64
                             " (integer upsampling factors only)",
                             s, k, in);
        factors[k] = s / in;
    }
    *given = true;
    return DPU_OK;
}

int onnx_resize_factors(struct onnx_ctx *ctx, const struct onnx_node *n, int64_t *factors)
{
    const struct onnx_value *x = onnx_in(ctx, n, 0);
    bool upsample = strcmp(n->op, "Upsample") == 0;
    int err;
    char mode[32], coord[32], nearest[32];
    if ((err = onnx_attr_string(ctx, n, "mode", "nearest", mode, sizeof mode)))
        return err;
    if (strcmp(mode, "nearest") != 0)
        return onnx_fail_attr(ctx, n, "mode", DPU_E_UNSUPPORTED,
                              "value '%s' is not supported (only 'nearest')", mode);
    bool given = false;
    if (upsample && ctx->opset < 9) {
        const float *v;
        size_t count;
        if ((err = onnx_attr_floats(ctx, n, "scales", &v, &count)))
            return err;
        if (count != (size_t)x->rank)
            return onnx_fail_attr(ctx, n, "scales", DPU_E_INVALID, "needs %d values", x->rank);
        for (int k = 0; k < x->rank; k++)
            if (!(factors[k] = factor_of_scale(v[k])))
                return onnx_fail_attr(ctx, n, "scales", DPU_E_UNSUPPORTED,
                                      "value %g is not an integer factor", v[k]);
        given = true;
    } else if (upsample || ctx->opset < 11) {
        if ((err = read_scales(ctx, n, 1, x->rank, factors, &given)))
            return err;
    } else {
        bool by_sizes;
        if ((err = read_scales(ctx, n, 2, x->rank, factors, &given)) ||
            (err = read_sizes(ctx, n, x, factors, &by_sizes)))
            return err;
        if (given == by_sizes)
            return onnx_fail(ctx, n, DPU_E_INVALID, "needs exactly one of scales and sizes");
        given = true;
    }
    if (!given)
        return onnx_fail(ctx, n, DPU_E_INVALID, "has no scales");
    /* Upsample and Resize-10 pick floor(i / f); later Resize says how. */
    if (upsample || ctx->opset < 11)
        return DPU_OK;
    if ((err = onnx_attr_string(ctx, n, "coordinate_transformation_mode", "half_pixel", coord,
                                sizeof coord)) ||
        (err = onnx_attr_string(ctx, n, "nearest_mode", "round_prefer_floor", nearest,
                                sizeof nearest)))
        return err;
    for (int k = 0; k < x->rank; k++)
        if (!nearest_is_floor(coord, nearest, factors[k]))
            return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                             "coordinate_transformation_mode '%s' with nearest_mode '%s' and "
                             "factor %" PRId64 " does not repeat each element (supported: "
                             "asymmetric with floor, or round_prefer_floor up to factor 2; "
                             "half_pixel or pytorch_half_pixel with round_prefer_floor or "
                             "round_prefer_ceil; tf_half_pixel_for_nn with floor)",
                             coord, nearest, factors[k]);
    return DPU_OK;
}

int onnx_infer_resize(struct onnx_ctx *ctx, struct onnx_node *n)
{
    static const char *const resize_attrs[] = {"coordinate_transformation_mode",
                                               "cubic_coeff_a",
                                               "exclude_outside",
                                               "extrapolation_value",
                                               "mode",
                                               "nearest_mode",
                                               NULL};
    static const char *const upsample_attrs[] = {"mode", "scales", NULL};
    bool upsample = strcmp(n->op, "Upsample") == 0;
    int err = onnx_attr_only(ctx, n, upsample ? upsample_attrs : resize_attrs);
    if (err)
        return err;
    if (upsample && ctx->opset < 9 && n->nin > 1)
        return onnx_fail(ctx, n, DPU_E_INVALID, "takes scales as an attribute before opset 9");
    const struct onnx_value *x = onnx_need_in(ctx, n, 0, &err);
    if (!x)
        return err;
    int64_t f[DPU_TENSOR_MAX_RANK], dims[DPU_TENSOR_MAX_RANK];
    if ((err = onnx_resize_factors(ctx, n, f)))
        return err;
    for (int i = 0; i < x->rank; i++)
        dims[i] = x->dims[i] * f[i];
    return onnx_set_out(ctx, n, 0, x->elem, x->rank, dims);
}
