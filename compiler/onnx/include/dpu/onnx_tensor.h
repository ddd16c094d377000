/* The importer's own tensor: like struct dpu_tensor, but with the element types an ONNX
 * model uses for shapes and indices (int64, bool) next to the ones the graph IR knows.
 * Private to libdpuonnx (and its unit tests).
 *
 * Element types are ONNX's TensorProto.DataType numbers, so messages and the protobuf agree.
 * data is malloc'd and owned by the tensor (onnx_tensor_free); never NULL once allocated.
 */
#ifndef DPU_ONNX_TENSOR_H
#define DPU_ONNX_TENSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpu/err.h"
#include "dpu/tensor.h"

enum onnx_elem {
    ONNX_UNDEFINED = 0,
    ONNX_FLOAT = 1,
    ONNX_UINT8 = 2,
    ONNX_INT8 = 3,
    ONNX_INT32 = 6,
    ONNX_INT64 = 7,
    ONNX_BOOL = 9,
};

/* Constants the importer folds are small (shapes, indices, scales) or copies of weights;
 * anything a fold would make larger than this is refused instead of allocated. */
#define ONNX_MAX_FOLD_ELEMS ((int64_t)1 << 26)

struct onnx_tensor {
    int elem; /* enum onnx_elem */
    int rank;
    int64_t dims[DPU_TENSOR_MAX_RANK];
    void *data;
};

/* Bytes per element of the element types above; 0 for any other (unsupported) type. */
size_t onnx_elem_size(int elem);
/* "float32", "int64", ...; ONNX's names for types we do not support ("float16", "double"). */
const char *onnx_elem_name(int elem);

/* Element count of a shape, or -1 if a dimension is negative or above DPU_TENSOR_MAX_DIM,
 * the rank is out of range, or the count exceeds DPU_TENSOR_MAX_BYTES. */
int64_t onnx_shape_count(int rank, const int64_t *dims);
int64_t onnx_tensor_count(const struct onnx_tensor *t);

/* Allocates zeroed data for elem and shape; DPU_E_RANGE beyond ONNX_MAX_FOLD_ELEMS (what
 * names the tensor in the message). t's previous data is not freed. */
int onnx_tensor_alloc(struct onnx_tensor *t, int elem, int rank, const int64_t *dims,
                      const char *what, struct dpu_diag *d);
void onnx_tensor_free(struct onnx_tensor *t);
/* Deep copy; dst's previous data is not freed. */
int onnx_tensor_copy(struct onnx_tensor *dst, const struct onnx_tensor *src, struct dpu_diag *d);

/* Element i as a double / as an int64 (floats truncated toward zero, saturated). */
double onnx_tensor_get_f(const struct onnx_tensor *t, int64_t i);
int64_t onnx_tensor_get_i(const struct onnx_tensor *t, int64_t i);
/* Stores v into element i. Float to integer truncates toward zero and saturates to the
 * type's range (NaN gives 0): ONNX Cast leaves out-of-range values undefined and C makes
 * them undefined behaviour, so we pick the one well-defined answer. Integer to a narrower
 * integer wraps, as ONNX Cast does. bool is v != 0. */
void onnx_tensor_set_f(struct onnx_tensor *t, int64_t i, double v);
void onnx_tensor_set_i(struct onnx_tensor *t, int64_t i, int64_t v);

#endif
