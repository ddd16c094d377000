/* A small builder of ONNX models for the tests, on the protobuf-c bindings (the machines
 * that build opendpu need no Python onnx). Everything a builder allocates is released by
 * mb_free; mb_pack returns a malloc'd serialization the caller frees.
 *
 *   struct mb *m = mb_new(13);
 *   mb_input(m, "x", MB_FLOAT, 4, (int64_t[]){1, 3, 8, 8});
 *   mb_init_f(m, "w", 4, (int64_t[]){4, 3, 3, 3}, weights);
 *   struct mb_node *c = mb_node(m, "Conv", "conv1", "x,w", "y");
 *   mb_attr_ints(c, "pads", 4, (int64_t[]){1, 1, 1, 1});
 *   mb_output(m, "y");
 *   uint8_t *bytes = mb_pack(m, &len);
 */
#ifndef MODEL_BUILDER_H
#define MODEL_BUILDER_H

#include <stddef.h>
#include <stdint.h>

enum { MB_FLOAT = 1, MB_UINT8 = 2, MB_INT8 = 3, MB_INT32 = 6, MB_INT64 = 7, MB_DOUBLE = 11 };

struct mb;
struct mb_node;

struct mb *mb_new(int opset);
void mb_free(struct mb *m);
/* Adds an opset import of another domain ("com.microsoft"). */
void mb_opset(struct mb *m, const char *domain, int version);
void mb_graph_name(struct mb *m, const char *name);

/* A graph input; a dimension of -1 is symbolic ("N"). rank -1: no shape at all. */
void mb_input(struct mb *m, const char *name, int elem, int rank, const int64_t *dims);
void mb_output(struct mb *m, const char *name);

/* Initializers in raw_data. */
void mb_init_f(struct mb *m, const char *name, int rank, const int64_t *dims, const float *v);
void mb_init_i8(struct mb *m, const char *name, int rank, const int64_t *dims, const int8_t *v);
void mb_init_u8(struct mb *m, const char *name, int rank, const int64_t *dims, const uint8_t *v);
void mb_init_i32(struct mb *m, const char *name, int rank, const int64_t *dims, const int32_t *v);
void mb_init_i64(struct mb *m, const char *name, int rank, const int64_t *dims, const int64_t *v);
/* An initializer whose raw_data holds len bytes whatever the shape says (broken models). */
void mb_init_raw(struct mb *m, const char *name, int elem, int rank, const int64_t *dims,
                 const void *data, size_t len);
/* An initializer whose data lives in an external file (refused by the importer). */
void mb_init_external(struct mb *m, const char *name, int rank, const int64_t *dims);
/* Scalars (rank 0). */
void mb_scalar_f(struct mb *m, const char *name, float v);
void mb_scalar_i8(struct mb *m, const char *name, int8_t v);
void mb_scalar_u8(struct mb *m, const char *name, uint8_t v);

/* A node: inputs and outputs as comma-separated names ("x,,b": the second is absent). */
struct mb_node *mb_node(struct mb *m, const char *op, const char *name, const char *inputs,
                        const char *outputs);
void mb_domain(struct mb_node *n, const char *domain);
void mb_attr_i(struct mb_node *n, const char *name, int64_t v);
void mb_attr_f(struct mb_node *n, const char *name, float v);
void mb_attr_s(struct mb_node *n, const char *name, const char *v);
void mb_attr_ints(struct mb_node *n, const char *name, size_t count, const int64_t *v);
void mb_attr_floats(struct mb_node *n, const char *name, size_t count, const float *v);
/* A tensor attribute (Constant's value) holding a float vector / int64 vector. */
void mb_attr_tensor_f(struct mb_node *n, const char *name, int rank, const int64_t *dims,
                      const float *v);
void mb_attr_tensor_i64(struct mb_node *n, const char *name, int rank, const int64_t *dims,
                        const int64_t *v);

/* The serialized model (malloc'd; the caller frees it). */
uint8_t *mb_pack(struct mb *m, size_t *len);

#endif
