#include "dpu/tensor.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *dpu_dtype_name(enum dpu_dtype dt)
{
    switch (dt) {
    case DPU_DT_INT8:
        return "int8";
    case DPU_DT_UINT8:
        return "uint8";
    case DPU_DT_INT32:
        return "int32";
    case DPU_DT_FLOAT32:
        return "float32";
    }
    return "?";
}

size_t dpu_dtype_size(enum dpu_dtype dt)
{
    switch (dt) {
    case DPU_DT_INT8:
    case DPU_DT_UINT8:
        return 1;
    case DPU_DT_INT32:
    case DPU_DT_FLOAT32:
        return 4;
    }
    return 0;
}

int64_t dpu_shape_count(int rank, const int64_t *dims)
{
    if (rank < 0 || rank > DPU_TENSOR_MAX_RANK)
        return -1;
    int64_t count = 1;
    int has_zero = 0;
    for (int i = 0; i < rank; i++) {
        if (dims[i] < 0 || dims[i] > DPU_TENSOR_MAX_DIM)
            return -1;
        if (dims[i] == 0)
            has_zero = 1;
    }
    /* A zero dimension makes the tensor empty however large the others are, so (2^40, 2^40,
     * 0) is a valid empty shape; only multiply once we know no factor is zero. */
    if (has_zero)
        return 0;
    for (int i = 0; i < rank; i++) {
        /* count <= MAX and dims[i] <= 2^40: this division test cannot itself overflow. */
        if (count > DPU_TENSOR_MAX_BYTES / dims[i])
            return -1;
        count *= dims[i];
    }
    return count;
}

int64_t dpu_tensor_count(const struct dpu_tensor *t)
{
    if (dpu_dtype_size(t->dtype) == 0)
        return -1;
    return dpu_shape_count(t->rank, t->dims);
}

int64_t dpu_tensor_nbytes(const struct dpu_tensor *t)
{
    int64_t count = dpu_tensor_count(t);
    if (count < 0)
        return -1;
    int64_t size = (int64_t)dpu_dtype_size(t->dtype);
    if (count > DPU_TENSOR_MAX_BYTES / size)
        return -1;
    return count * size;
}

int dpu_tensor_check(const struct dpu_tensor *t, struct dpu_diag *d)
{
    if (dpu_dtype_size(t->dtype) == 0)
        return dpu_diag_set(d, DPU_E_INVALID, "tensor has an unknown dtype %d", (int)t->dtype);
    if (t->rank < 0 || t->rank > DPU_TENSOR_MAX_RANK)
        return dpu_diag_set(d, DPU_E_RANGE, "tensor rank %d is outside 0..%d", t->rank,
                            DPU_TENSOR_MAX_RANK);
    for (int i = 0; i < t->rank; i++) {
        if (t->dims[i] < 0 || t->dims[i] > DPU_TENSOR_MAX_DIM)
            return dpu_diag_set(d, DPU_E_RANGE,
                                "tensor dimension %d is %" PRId64 ", outside 0..2^40", i,
                                t->dims[i]);
    }
    if (dpu_tensor_nbytes(t) < 0) {
        char shape[DPU_SHAPE_STR_MAX];
        return dpu_diag_set(d, DPU_E_RANGE, "tensor of shape %s and dtype %s exceeds 2^40 bytes",
                            dpu_shape_format(t->rank, t->dims, shape, sizeof shape),
                            dpu_dtype_name(t->dtype));
    }
    return DPU_OK;
}

char *dpu_shape_format(int rank, const int64_t *dims, char *buf, size_t cap)
{
    if (cap == 0)
        return buf;
    if (rank < 0 || rank > DPU_TENSOR_MAX_RANK) {
        snprintf(buf, cap, "(rank %d)", rank);
        return buf;
    }
    size_t n = 0;
    buf[0] = '\0';
    /* snprintf truncates safely; n is clamped so later writes never start past the end. */
#define DPU_SHAPE_PUT_(...)                                                                        \
    do {                                                                                           \
        int w_ = snprintf(buf + n, cap - n, __VA_ARGS__);                                          \
        if (w_ > 0)                                                                                \
            n = (size_t)w_ >= cap - n ? cap - 1 : n + (size_t)w_;                                  \
    } while (0)
    DPU_SHAPE_PUT_("(");
    for (int i = 0; i < rank; i++)
        DPU_SHAPE_PUT_("%s%" PRId64, i ? ", " : "", dims[i]);
    /* Python writes a one-element tuple with a trailing comma: (5,). */
    DPU_SHAPE_PUT_(rank == 1 ? ",)" : ")");
#undef DPU_SHAPE_PUT_
    return buf;
}

int dpu_tensor_alloc(struct dpu_tensor *t, enum dpu_dtype dtype, int rank, const int64_t *dims,
                     struct dpu_diag *d)
{
    memset(t, 0, sizeof *t);
    t->dtype = dtype;
    t->rank = rank;
    if (rank > 0 && rank <= DPU_TENSOR_MAX_RANK)
        memcpy(t->dims, dims, (size_t)rank * sizeof dims[0]);
    int err = dpu_tensor_check(t, d);
    if (err) {
        memset(t, 0, sizeof *t);
        return err;
    }
    size_t nbytes = (size_t)dpu_tensor_nbytes(t);
    /* One byte for empty tensors so data is never NULL: callers can tell "allocated" apart. */
    t->data = calloc(nbytes ? nbytes : 1, 1);
    if (!t->data) {
        memset(t, 0, sizeof *t);
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory allocating a %zu-byte tensor", nbytes);
    }
    return DPU_OK;
}

void dpu_tensor_free(struct dpu_tensor *t)
{
    if (!t)
        return;
    free(t->data);
    memset(t, 0, sizeof *t);
}
