/* Private to the verifier (graph_verify*.c): the op and attribute tables as data, message
 * helpers that name the node or tensor at fault, and the per-node checks each file owns.
 *
 * Phases (graph_verify.c runs them in this order, stopping at the first error):
 *   1. structure  tensors, nodes, references, producers, graph inputs/outputs (graph_verify.c)
 *   2. order      no cycles; nodes sorted topologically               (graph_verify_topo.c)
 *   3. per node   op allowed in the graph kind, attribute schema and values
 *                                                                      (graph_verify_attrs.c)
 *                 shapes                                              (graph_verify_shapes.c)
 *                 dtypes and quantization                             (graph_verify_types.c)
 *                 integer multipliers for every ratio of scales       (graph_verify_ratio.c)
 * Phases 3 may rely on everything phase 1 established: valid dtypes, ranks and dims, tensor
 * indices in range, input/output counts within ops.def, attribute types as in op_attrs.def.
 */
#ifndef DPU_GRAPH_VERIFY_INTERNAL_H
#define DPU_GRAPH_VERIFY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpu/graph.h"

/* One row of ops.def. */
struct dpu_op_desc {
    const char *name;
    int min_inputs, max_inputs, outputs;
    bool float_ok, int8_ok;
};
const struct dpu_op_desc *dpu_op_desc(enum dpu_node_op op);

enum dpu_attr_req { DPU_REQ_O, DPU_REQ_R, DPU_REQ_RQ, DPU_REQ_RF };

/* One row of op_attrs.def, plus the graph kinds it applies to: an attribute required in
 * quantized graphs only (RQ) or documented as "quantized..." exists only in quantized graphs;
 * one required in float graphs only (RF) or documented as "float..." only in float graphs. */
struct dpu_attr_desc {
    enum dpu_node_op op;
    const char *name;
    enum dpu_attr_type type;
    enum dpu_attr_req req;
    const char *doc;
};
/* The schema row for (op, name), or NULL when op has no such attribute. */
const struct dpu_attr_desc *dpu_attr_desc_find(enum dpu_node_op op, const char *name);
/* Iteration over all rows: *count receives the number of rows. */
const struct dpu_attr_desc *dpu_attr_desc_all(size_t *count);
bool dpu_attr_desc_quantized_only(const struct dpu_attr_desc *a);
bool dpu_attr_desc_float_only(const struct dpu_attr_desc *a);

/* A name fit for a message: control and non-ASCII bytes as '?', long names cut with "...".
 * Returns buf. */
#define VNAME_MAX 80
const char *dpu_vname(const char *s, char buf[VNAME_MAX]);

/* Records "node 'NAME' (OP): <message>" in d and returns err. */
int dpu_vfail_node(struct dpu_diag *d, const struct dpu_gnode *n, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Records "tensor 'NAME': <message>" in d and returns err. */
int dpu_vfail_tensor(struct dpu_diag *d, const struct dpu_gtensor *t, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* "[1,3,28,28]"; "[]" for a scalar. buf must hold DPU_VDIMS_MAX bytes. */
#define DPU_VDIMS_MAX 200
const char *dpu_vdims(int rank, const int64_t *dims, char buf[DPU_VDIMS_MAX]);

/* Input i of n, or NULL when absent (index -1 or i >= ninputs). */
const struct dpu_gtensor *dpu_vin(const struct dpu_graph *g, const struct dpu_gnode *n, size_t i);
const struct dpu_gtensor *dpu_vout(const struct dpu_graph *g, const struct dpu_gnode *n, size_t i);

/* Attribute readers for phase 3 (types already checked). Absent: the default. Present: the
 * value(s) must lie in [lo, hi] and an INTS attribute must have exactly len values;
 * otherwise an error naming the node and attribute. */
int dpu_vget_int(const struct dpu_gnode *n, const char *name, int64_t def, int64_t lo, int64_t hi,
                 int64_t *out, struct dpu_diag *d);
int dpu_vget_ints(const struct dpu_gnode *n, const char *name, size_t len, const int64_t *def,
                  int64_t lo, int64_t hi, int64_t *out, struct dpu_diag *d);

/* Phase 2: topological sort of g->nodes (stable), or an error naming a node on a cycle.
 * producer[t] is the node producing tensor t, or -1. */
int dpu_verify_topo_sort(struct dpu_graph *g, const int32_t *producer, struct dpu_diag *d);

/* Phase 3 checks of one node. */
int dpu_verify_node_attrs(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d);
int dpu_verify_node_shapes(const struct dpu_graph *g, const struct dpu_gnode *n,
                           struct dpu_diag *d);
int dpu_verify_node_types(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d);
int dpu_verify_node_ratios(const struct dpu_graph *g, const struct dpu_gnode *n,
                           struct dpu_diag *d);

/* Bounds that keep every size computation of the shape rules inside int64: kernel sizes,
 * strides, dilations and upsampling factors are at most 2^20, pads at most 2^40. */
#define DPU_VMAX_SPATIAL ((int64_t)1 << 20)
#define DPU_VMAX_PAD     ((int64_t)1 << 40)

#endif
