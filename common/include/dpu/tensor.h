/* A dense tensor in row-major (C) order: the unit every opendpu tool exchanges.
 *
 * A tensor is a caller-owned struct. Its data is a flat array of dpu_tensor_count(t) elements
 * of dtype, last dimension fastest, in the host's byte order (little-endian: every host we
 * build for is). A rank-0 tensor is a scalar and holds exactly one element.
 */
#ifndef DPU_TENSOR_H
#define DPU_TENSOR_H

#include <stddef.h>
#include <stdint.h>

#include "dpu/err.h"

enum dpu_dtype {
    DPU_DT_INT8,
    DPU_DT_UINT8,
    DPU_DT_INT32,
    DPU_DT_FLOAT32,
};

/* Limits that keep every size computation far from overflow: rank <= 8, each dimension
 * <= 2^40, and at most 2^40 bytes of data (1 TiB, more than any model tensor we will see). */
#define DPU_TENSOR_MAX_RANK  8
#define DPU_TENSOR_MAX_DIM   ((int64_t)1 << 40)
#define DPU_TENSOR_MAX_BYTES ((int64_t)1 << 40)

/* Room for any shape formatted by dpu_shape_format, NUL included. */
#define DPU_SHAPE_STR_MAX 160

struct dpu_tensor {
    enum dpu_dtype dtype;
    int rank;                          /* 0 (scalar) to DPU_TENSOR_MAX_RANK */
    int64_t dims[DPU_TENSOR_MAX_RANK]; /* dims[0..rank-1]; the rest are unused */
    void *data;                        /* see dpu_tensor_alloc for who owns it */
};

/* "int8", "uint8", "int32", "float32"; "?" for a value outside the enum. Static text. */
const char *dpu_dtype_name(enum dpu_dtype dt);

/* Bytes per element: 1, 1, 4, 4; 0 for a value outside the enum. */
size_t dpu_dtype_size(enum dpu_dtype dt);

/* Number of elements of a shape (1 for rank 0, 0 if any dimension is 0), or -1 if the rank
 * or a dimension is out of range or the product exceeds DPU_TENSOR_MAX_BYTES. */
int64_t dpu_shape_count(int rank, const int64_t *dims);

/* Element count and byte size of t, or -1 if its dtype or shape is invalid or the data would
 * exceed DPU_TENSOR_MAX_BYTES. */
int64_t dpu_tensor_count(const struct dpu_tensor *t);
int64_t dpu_tensor_nbytes(const struct dpu_tensor *t);

/* Checks dtype, rank, dimensions and total size, explaining the first problem in d.
 * Returns 0, DPU_E_INVALID (bad dtype) or DPU_E_RANGE (rank, a dimension or the size). */
int dpu_tensor_check(const struct dpu_tensor *t, struct dpu_diag *d);

/* Formats a shape the way Python prints a tuple: "()", "(5,)", "(1, 3, 28, 28)". Writes at
 * most cap bytes (always NUL-terminated when cap > 0) and returns buf. */
char *dpu_shape_format(int rank, const int64_t *dims, char *buf, size_t cap);

/* Sets t to the given dtype and shape with zero-filled data. On success t->data is a malloc'd
 * buffer owned by t, released by dpu_tensor_free (it is never NULL, even for zero elements).
 * On failure t is left empty (data NULL) and d says why. t's previous data is not freed. */
int dpu_tensor_alloc(struct dpu_tensor *t, enum dpu_dtype dtype, int rank, const int64_t *dims,
                     struct dpu_diag *d);

/* Frees t->data with free() and empties t. Only for tensors whose data t owns (from
 * dpu_tensor_alloc or dpu_npy_read/parse); t may be NULL or already empty. */
void dpu_tensor_free(struct dpu_tensor *t);

#endif
