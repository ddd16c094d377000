/* The graph IR shared by every opendpu tool: ONNX import, the quantizer, the reference
 * interpreters, the compiler, model.q8 files.
 *
 * A graph owns all of its memory: tensors (constants and activations), nodes with named
 * attributes, and the lists of graph inputs and outputs. Nodes refer to tensors by index.
 * A graph is either float (float32 activations; as imported from a float ONNX model) or
 * quantized (int8 activations with per-tensor scale/zero point, int8 weights with
 * per-channel or per-tensor scales, int32 biases): the flag `quantized` says which, and the
 * verifier (dpu_graph_verify) checks that every node fits the op set and its rules. Our
 * quantizer makes weights symmetric (zero point 0), which the accelerator needs; imported
 * models may carry weight zero points and raw int32 results (ONNX ConvInteger,
 * MatMulInteger), which run on the CPU (docs/q8-format.md).
 */
#ifndef DPU_GRAPH_H
#define DPU_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpu/err.h"
#include "dpu/tensor.h"

enum dpu_node_op {
#define X(e, name, mi, ma, no, f, q, doc) DPU_NODE_##e,
#include "dpu/ops.def"
#undef X
    DPU_NODE_COUNT
};

/* "Conv2D" for DPU_NODE_CONV2D; NULL for an out-of-range value. */
const char *dpu_node_op_name(enum dpu_node_op op);
/* Case-sensitive lookup of an op name; returns DPU_NODE_COUNT when unknown. */
enum dpu_node_op dpu_node_op_from_name(const char *name);

/* Quantization of one tensor: per-tensor (axis = -1, count = 1) or per-channel along axis
 * (count = dims[axis]). real = scale * (q - zero_point). */
struct dpu_quant {
    int axis;
    size_t count; /* 0: not quantized (float tensor) */
    float *scale;
    int32_t *zero_point;
};

struct dpu_gtensor {
    char *name;
    enum dpu_dtype dtype;
    int rank;
    int64_t dims[DPU_TENSOR_MAX_RANK];
    void *data; /* constant contents (owned), NULL for activations */
    struct dpu_quant quant;
};

enum dpu_attr_type {
    DPU_ATTR_INT,
    DPU_ATTR_FLOAT,
    DPU_ATTR_INTS,
    DPU_ATTR_FLOATS,
    DPU_ATTR_STRING
};

struct dpu_attr {
    char *name;
    enum dpu_attr_type type;
    int64_t i;
    double f;
    size_t n; /* element count of ints/floats */
    int64_t *ints;
    double *floats;
    char *s;
};

struct dpu_gnode {
    char *name; /* unique; the ONNX node name, so messages point at the user's model */
    enum dpu_node_op op;
    size_t ninputs, noutputs;
    int32_t *inputs; /* tensor indices; -1 for an absent optional input */
    int32_t *outputs;
    size_t nattrs;
    struct dpu_attr *attrs;
};

struct dpu_graph {
    char *name;
    bool quantized;
    size_t ntensors, nnodes, ninputs, noutputs;
    struct dpu_gtensor *tensors;
    struct dpu_gnode *nodes; /* in topological order once verified */
    int32_t *inputs;         /* tensor indices */
    int32_t *outputs;
};

/* Lifecycle. dpu_graph_init zeroes; dpu_graph_free releases everything the graph owns. */
void dpu_graph_init(struct dpu_graph *g);
void dpu_graph_free(struct dpu_graph *g);

/* Building. Each returns the new index (>= 0) or a negative dpu_err. Strings and arrays are
 * copied: the caller keeps ownership of what it passes in. `data` may be NULL
 * (activation); otherwise it is copied (dpu_tensor byte size of dtype and dims). */
int dpu_graph_add_tensor(struct dpu_graph *g, const char *name, enum dpu_dtype dtype, int rank,
                         const int64_t *dims, const void *data);
int dpu_graph_set_quant(struct dpu_graph *g, int tensor, int axis, size_t count, const float *scale,
                        const int32_t *zero_point);
int dpu_graph_add_node(struct dpu_graph *g, const char *name, enum dpu_node_op op, size_t ninputs,
                       const int32_t *inputs, size_t noutputs, const int32_t *outputs);
int dpu_graph_add_input(struct dpu_graph *g, int tensor);
int dpu_graph_add_output(struct dpu_graph *g, int tensor);
/* Finds a tensor by name; -1 when absent. */
int dpu_graph_find_tensor(const struct dpu_graph *g, const char *name);

/* Attributes on node `node`; setting an existing name replaces it. */
int dpu_node_set_int(struct dpu_graph *g, int node, const char *name, int64_t v);
int dpu_node_set_float(struct dpu_graph *g, int node, const char *name, double v);
int dpu_node_set_ints(struct dpu_graph *g, int node, const char *name, size_t n, const int64_t *v);
int dpu_node_set_floats(struct dpu_graph *g, int node, const char *name, size_t n, const double *v);
int dpu_node_set_string(struct dpu_graph *g, int node, const char *name, const char *v);

/* Attribute lookup: NULL when absent. The typed getters return `def` when absent. */
const struct dpu_attr *dpu_node_attr(const struct dpu_gnode *n, const char *name);
int64_t dpu_node_get_int(const struct dpu_gnode *n, const char *name, int64_t def);
double dpu_node_get_float(const struct dpu_gnode *n, const char *name, double def);

/* Checks the whole graph: tensor references in range, each activation produced once,
 * no cycles (and sorts nodes topologically), shapes consistent with each op, attributes
 * of the right names and types, quantization present where a quantized graph needs it.
 * The message names the node (name and op) and what is wrong. */
int dpu_graph_verify(struct dpu_graph *g, struct dpu_diag *d);

/* True when n is a Conv2D or FullyConnected whose weights (input 1) are symmetric, which the
 * accelerator requires: an int8 constant with every zero point 0 (any value, -128 included:
 * docs/arithmetic.md, 1). A verified quantized graph may also hold imported weights with zero
 * points in [-128, 127] and any int8 value (ONNX QLinearConv, ConvInteger); only the CPU runs
 * those. False for any other node, and for missing or malformed weights. */
bool dpu_graph_weights_symmetric(const struct dpu_graph *g, const struct dpu_gnode *n);

#endif
