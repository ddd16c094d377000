/* onnx.TensorProto -> the importer's tensor (initializers, Constant nodes, tensor
 * attributes) and dpu_onnx_read_tensor_pb (ONNX test data sets: input_0.pb, output_0.pb).
 *
 * A TensorProto holds its elements either in raw_data (little-endian, fixed width) or in
 * one typed repeated field: float_data for float, int32_data for int32, int8, uint8 and bool
 * (one element per int32), int64_data for int64. We insist on exactly the right one with
 * exactly the right element count, so a truncated or inconsistent tensor is an error and
 * never a tensor padded with zeros. Data kept outside the file (external_data) and the
 * long-deprecated `segment` split are refused with a message.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/fileio.h"
#include "dpu/onnx_ctx.h"

/* How many elements each typed field holds, for the "wrong field" and count checks. */
static size_t typed_count(const Onnx__TensorProto *pb)
{
    return pb->n_float_data + pb->n_int32_data + pb->n_int64_data + pb->n_double_data +
           pb->n_uint64_data + pb->n_string_data;
}

static int check_shape(const Onnx__TensorProto *pb, const char *what, struct onnx_tensor *t,
                       struct dpu_diag *d)
{
    if (pb->n_dims > DPU_TENSOR_MAX_RANK)
        return dpu_diag_set(d, DPU_E_UNSUPPORTED, "%s: rank %zu is more than the %d supported",
                            what, pb->n_dims, DPU_TENSOR_MAX_RANK);
    t->rank = (int)pb->n_dims;
    for (size_t i = 0; i < pb->n_dims; i++) {
        if (pb->dims[i] < 0 || pb->dims[i] > DPU_TENSOR_MAX_DIM)
            return dpu_diag_set(d, DPU_E_RANGE,
                                "%s: dimension %zu is %" PRId64 ", outside [0, 2^40]", what, i,
                                pb->dims[i]);
        t->dims[i] = pb->dims[i];
    }
    if (dpu_shape_count(t->rank, t->dims) < 0)
        return dpu_diag_set(d, DPU_E_RANGE, "%s: shape holds more than 2^40 bytes", what);
    return DPU_OK;
}

/* Copies int32_data into a narrower element type, refusing values that do not fit. */
static int narrow_int32_data(const Onnx__TensorProto *pb, const char *what, struct onnx_tensor *t,
                             struct dpu_diag *d)
{
    int64_t lo = t->elem == ONNX_INT8 ? -128 : 0;
    int64_t hi = t->elem == ONNX_INT8 ? 127 : t->elem == ONNX_UINT8 ? 255 : 1;
    for (size_t i = 0; i < pb->n_int32_data; i++) {
        int32_t v = pb->int32_data[i];
        if (t->elem == ONNX_INT32) {
            ((int32_t *)t->data)[i] = v;
            continue;
        }
        if (v < lo || v > hi)
            return dpu_diag_set(d, DPU_E_RANGE, "%s: int32_data[%zu] = %" PRId32 " does not fit %s",
                                what, i, v, onnx_elem_name(t->elem));
        onnx_tensor_set_i(t, (int64_t)i, v);
    }
    return DPU_OK;
}

/* The typed field an element type must use, and its length. */
static int typed_field(const Onnx__TensorProto *pb, int elem, const char **field, size_t *n)
{
    switch (elem) {
    case ONNX_FLOAT:
        *field = "float_data";
        *n = pb->n_float_data;
        return 1;
    case ONNX_INT32:
    case ONNX_INT8:
    case ONNX_UINT8:
    case ONNX_BOOL:
        *field = "int32_data";
        *n = pb->n_int32_data;
        return 1;
    case ONNX_INT64:
        *field = "int64_data";
        *n = pb->n_int64_data;
        return 1;
    default:
        return 0;
    }
}

int onnx_tensor_from_pb(const Onnx__TensorProto *pb, const char *what, struct onnx_tensor *t,
                        struct dpu_diag *d)
{
    memset(t, 0, sizeof *t);
    if ((pb->has_data_location &&
         pb->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) ||
        pb->n_external_data > 0)
        return dpu_diag_set(d, DPU_E_UNSUPPORTED,
                            "%s: data stored in an external file is not supported; save the "
                            "model with all tensors inside the .onnx file",
                            what);
    if (pb->segment)
        return dpu_diag_set(d, DPU_E_UNSUPPORTED, "%s: segmented tensors are not supported", what);
    if (!pb->has_data_type || pb->data_type == ONNX_UNDEFINED)
        return dpu_diag_set(d, DPU_E_PARSE, "%s: no element type (data_type)", what);
    int elem = pb->data_type;
    if (onnx_elem_size(elem) == 0)
        return dpu_diag_set(d, DPU_E_UNSUPPORTED, "%s: element type %s is not supported", what,
                            onnx_elem_name(elem));
    struct onnx_tensor shape = {.elem = elem};
    int err = check_shape(pb, what, &shape, d);
    if (err)
        return err;
    int64_t count = dpu_shape_count(shape.rank, shape.dims);
    size_t es = onnx_elem_size(elem);

    const char *field = "?";
    size_t n = 0; /* typed_field sets both for every element type it knows */
    typed_field(pb, elem, &field, &n);
    if (pb->has_raw_data) {
        if (typed_count(pb) > 0)
            return dpu_diag_set(d, DPU_E_PARSE, "%s: holds both raw_data and typed data", what);
        if ((uint64_t)pb->raw_data.len != (uint64_t)count * es)
            return dpu_diag_set(d, DPU_E_PARSE,
                                "%s: raw_data has %zu bytes, the shape %s of %s needs %" PRId64,
                                what, pb->raw_data.len,
                                dpu_shape_format(shape.rank, shape.dims,
                                                 (char[DPU_SHAPE_STR_MAX]){0}, DPU_SHAPE_STR_MAX),
                                onnx_elem_name(elem), count * (int64_t)es);
    } else {
        if (typed_count(pb) != n)
            return dpu_diag_set(d, DPU_E_PARSE, "%s: %s data must be in %s (or raw_data)", what,
                                onnx_elem_name(elem), field);
        if ((uint64_t)n != (uint64_t)count)
            return dpu_diag_set(d, DPU_E_PARSE,
                                "%s: %s has %zu values, the shape %s needs %" PRId64, what, field,
                                n,
                                dpu_shape_format(shape.rank, shape.dims,
                                                 (char[DPU_SHAPE_STR_MAX]){0}, DPU_SHAPE_STR_MAX),
                                count);
    }

    /* The element count is now bounded by the bytes actually present in the file. */
    void *data = malloc(count ? (size_t)count * es : 1);
    if (!data)
        return dpu_diag_set(d, DPU_E_NOMEM, "%s: out of memory for %" PRId64 " elements", what,
                            count);
    *t = shape;
    t->data = data;
    if (pb->has_raw_data) {
        if (count)
            memcpy(data, pb->raw_data.data, (size_t)count * es);
        if (elem == ONNX_BOOL)
            for (int64_t i = 0; i < count; i++)
                ((uint8_t *)data)[i] = ((uint8_t *)data)[i] != 0;
        return DPU_OK;
    }
    switch (elem) {
    case ONNX_FLOAT:
        if (count)
            memcpy(data, pb->float_data, (size_t)count * es);
        break;
    case ONNX_INT64:
        if (count)
            memcpy(data, pb->int64_data, (size_t)count * es);
        break;
    default:
        err = narrow_int32_data(pb, what, t, d);
        if (err) {
            onnx_tensor_free(t);
            return err;
        }
    }
    return DPU_OK;
}

/* onnx_tensor -> dpu_tensor for the public reader: int64 narrows to int32 when it fits. */
static int to_dpu_tensor(struct onnx_tensor *src, const char *what, struct dpu_tensor *t,
                         struct dpu_diag *d)
{
    enum dpu_dtype dt;
    switch (src->elem) {
    case ONNX_FLOAT:
        dt = DPU_DT_FLOAT32;
        break;
    case ONNX_INT8:
        dt = DPU_DT_INT8;
        break;
    case ONNX_UINT8:
        dt = DPU_DT_UINT8;
        break;
    case ONNX_INT32:
    case ONNX_INT64:
        dt = DPU_DT_INT32;
        break;
    default:
        return dpu_diag_set(d, DPU_E_UNSUPPORTED,
                            "%s: element type %s is not supported (float32, int8, uint8, int32, "
                            "int64 are)",
                            what, onnx_elem_name(src->elem));
    }
    int64_t count = onnx_tensor_count(src);
    if (src->elem == ONNX_INT64) {
        int32_t *narrow = malloc(count ? (size_t)count * 4 : 1);
        if (!narrow)
            return dpu_diag_set(d, DPU_E_NOMEM, "%s: out of memory", what);
        for (int64_t i = 0; i < count; i++) {
            int64_t v = ((const int64_t *)src->data)[i];
            if (v < INT32_MIN || v > INT32_MAX) {
                free(narrow);
                return dpu_diag_set(
                    d, DPU_E_RANGE,
                    "%s: int64 element %" PRId64 " = %" PRId64 " does not fit int32", what, i, v);
            }
            narrow[i] = (int32_t)v;
        }
        free(src->data);
        src->data = narrow;
    }
    t->dtype = dt;
    t->rank = src->rank;
    for (int i = 0; i < src->rank; i++)
        t->dims[i] = src->dims[i];
    t->data = src->data;
    src->data = NULL;
    return DPU_OK;
}

int dpu_onnx_read_tensor_pb(const char *path, struct dpu_tensor *t, char *name, size_t name_cap,
                            struct dpu_diag *d)
{
    memset(t, 0, sizeof *t);
    if (name && name_cap)
        name[0] = '\0';
    uint8_t *bytes;
    size_t len;
    int err = dpu_read_file(path, ONNX_MAX_FILE_BYTES, &bytes, &len, d);
    if (err)
        return err;
    err = onnx_wire_check(&onnx__tensor_proto__descriptor, bytes, len, path, d);
    Onnx__TensorProto *pb = err ? NULL : onnx__tensor_proto__unpack(NULL, len, bytes);
    free(bytes);
    if (err)
        return err;
    if (!pb)
        return dpu_diag_set(d, DPU_E_PARSE, "%s: not a valid ONNX TensorProto", path);
    struct onnx_tensor ot;
    err = onnx_tensor_from_pb(pb, path, &ot, d);
    if (!err) {
        err = to_dpu_tensor(&ot, path, t, d);
        onnx_tensor_free(&ot);
    }
    if (!err && name && name_cap)
        snprintf(name, name_cap, "%s", pb->name ? pb->name : "");
    onnx__tensor_proto__free_unpacked(pb, NULL);
    return err;
}
