/* The importer's tensor type (dpu/onnx_tensor.h): sizes, allocation and element access. */
#include "dpu/onnx_tensor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t onnx_elem_size(int elem)
{
    switch (elem) {
    case ONNX_FLOAT:
    case ONNX_INT32:
        return 4;
    case ONNX_UINT8:
    case ONNX_INT8:
    case ONNX_BOOL:
        return 1;
    case ONNX_INT64:
        return 8;
    default:
        return 0;
    }
}

const char *onnx_elem_name(int elem)
{
    static const char *const names[] = {
        "undefined", "float32", "uint8",     "int8",       "uint16",   "int16",
        "int32",     "int64",   "string",    "bool",       "float16",  "double",
        "uint32",    "uint64",  "complex64", "complex128", "bfloat16",
    };
    if (elem >= 0 && (size_t)elem < sizeof names / sizeof names[0])
        return names[elem];
    return "unknown type";
}

int64_t onnx_shape_count(int rank, const int64_t *dims)
{
    return dpu_shape_count(rank, dims);
}

int64_t onnx_tensor_count(const struct onnx_tensor *t)
{
    return dpu_shape_count(t->rank, t->dims);
}

int onnx_tensor_alloc(struct onnx_tensor *t, int elem, int rank, const int64_t *dims,
                      const char *what, struct dpu_diag *d)
{
    size_t es = onnx_elem_size(elem);
    int64_t count = dpu_shape_count(rank, dims);
    t->data = NULL;
    if (es == 0)
        return dpu_diag_set(d, DPU_E_UNSUPPORTED, "%s: element type %s is not supported", what,
                            onnx_elem_name(elem));
    if (count < 0)
        return dpu_diag_set(d, DPU_E_RANGE, "%s: shape out of range", what);
    if (count > ONNX_MAX_FOLD_ELEMS)
        return dpu_diag_set(d, DPU_E_RANGE,
                            "%s: %lld elements is more than the %lld a computed constant may have",
                            what, (long long)count, (long long)ONNX_MAX_FOLD_ELEMS);
    void *data = calloc(count ? (size_t)count : 1, es);
    if (!data)
        return dpu_diag_set(d, DPU_E_NOMEM, "%s: out of memory", what);
    t->elem = elem;
    t->rank = rank;
    for (int i = 0; i < rank; i++)
        t->dims[i] = dims[i];
    t->data = data;
    return DPU_OK;
}

void onnx_tensor_free(struct onnx_tensor *t)
{
    if (!t)
        return;
    free(t->data);
    memset(t, 0, sizeof *t);
}

int onnx_tensor_copy(struct onnx_tensor *dst, const struct onnx_tensor *src, struct dpu_diag *d)
{
    int64_t count = onnx_tensor_count(src);
    size_t bytes = (size_t)(count > 0 ? count : 0) * onnx_elem_size(src->elem);
    void *data = malloc(bytes ? bytes : 1);
    if (!data)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory copying a constant");
    if (bytes)
        memcpy(data, src->data, bytes);
    *dst = *src;
    dst->data = data;
    return DPU_OK;
}

double onnx_tensor_get_f(const struct onnx_tensor *t, int64_t i)
{
    switch (t->elem) {
    case ONNX_FLOAT:
        return ((const float *)t->data)[i];
    case ONNX_UINT8:
    case ONNX_BOOL:
        return ((const uint8_t *)t->data)[i];
    case ONNX_INT8:
        return ((const int8_t *)t->data)[i];
    case ONNX_INT32:
        return ((const int32_t *)t->data)[i];
    case ONNX_INT64:
        return (double)((const int64_t *)t->data)[i];
    default:
        return 0;
    }
}

/* Truncates toward zero and saturates to [lo, hi]; NaN gives 0. */
static int64_t f_to_i(double v, double lo, double hi)
{
    if (isnan(v))
        return 0;
    if (v <= lo)
        return (int64_t)lo;
    if (v >= hi)
        return (int64_t)hi;
    return (int64_t)v;
}

int64_t onnx_tensor_get_i(const struct onnx_tensor *t, int64_t i)
{
    switch (t->elem) {
    case ONNX_FLOAT:
        /* 2^63 is exactly representable; anything at or beyond it saturates. */
        return f_to_i(((const float *)t->data)[i], -9223372036854775808.0, 9223372036854774784.0);
    case ONNX_UINT8:
    case ONNX_BOOL:
        return ((const uint8_t *)t->data)[i];
    case ONNX_INT8:
        return ((const int8_t *)t->data)[i];
    case ONNX_INT32:
        return ((const int32_t *)t->data)[i];
    case ONNX_INT64:
        return ((const int64_t *)t->data)[i];
    default:
        return 0;
    }
}

void onnx_tensor_set_i(struct onnx_tensor *t, int64_t i, int64_t v)
{
    /* Narrowing goes through uint64_t, where wrapping is defined. */
    uint64_t u = (uint64_t)v;
    switch (t->elem) {
    case ONNX_FLOAT:
        ((float *)t->data)[i] = (float)v;
        break;
    case ONNX_UINT8:
        ((uint8_t *)t->data)[i] = (uint8_t)u;
        break;
    case ONNX_BOOL:
        ((uint8_t *)t->data)[i] = v != 0;
        break;
    case ONNX_INT8: {
        uint8_t b = (uint8_t)u;
        ((int8_t *)t->data)[i] = b < 128 ? (int8_t)b : (int8_t)((int)b - 256);
        break;
    }
    case ONNX_INT32: {
        uint32_t w = (uint32_t)u;
        ((int32_t *)t->data)[i] =
            w <= INT32_MAX ? (int32_t)w : (int32_t)((int64_t)w - ((int64_t)1 << 32));
        break;
    }
    case ONNX_INT64:
        ((int64_t *)t->data)[i] = v;
        break;
    default:
        break;
    }
}

void onnx_tensor_set_f(struct onnx_tensor *t, int64_t i, double v)
{
    switch (t->elem) {
    case ONNX_FLOAT:
        ((float *)t->data)[i] = (float)v;
        break;
    case ONNX_BOOL:
        ((uint8_t *)t->data)[i] = v != 0;
        break;
    case ONNX_UINT8:
        onnx_tensor_set_i(t, i, f_to_i(v, 0, 255));
        break;
    case ONNX_INT8:
        onnx_tensor_set_i(t, i, f_to_i(v, -128, 127));
        break;
    case ONNX_INT32:
        onnx_tensor_set_i(t, i, f_to_i(v, -2147483648.0, 2147483647.0));
        break;
    case ONNX_INT64:
        onnx_tensor_set_i(t, i, f_to_i(v, -9223372036854775808.0, 9223372036854774784.0));
        break;
    default:
        break;
    }
}
