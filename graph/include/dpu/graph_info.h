/* A summary of a verified graph for people: per node the output shape, the parameters it
 * reads (its constant inputs) and the multiply-accumulates it performs, and totals.
 * `dpuc info` prints it as a table or as JSON.
 *
 * MACs count the multiply-accumulates of the ops built on them: Conv2D (output elements x
 * C/group x kH x kW), FullyConnected, MatMul and Gemm (output elements x inner dimension).
 * Every other op counts 0. Counts saturate at INT64_MAX.
 */
#ifndef DPU_GRAPH_INFO_H
#define DPU_GRAPH_INFO_H

#include <stdint.h>
#include <stdio.h>

#include "dpu/graph.h"

struct dpu_node_info {
    const struct dpu_gnode *node;     /* points into the graph */
    const struct dpu_gtensor *output; /* its (first) output */
    int64_t params;                   /* elements of its constant inputs */
    int64_t param_bytes;
    int64_t macs;
};

struct dpu_graph_info {
    size_t nnodes;
    struct dpu_node_info *nodes; /* malloc'd, in the graph's node order */
    size_t nconstants;           /* constant tensors in the graph */
    int64_t params;              /* elements of all constants, each counted once */
    int64_t param_bytes;
    int64_t macs;
};

/* Fills info for g, which must be verified (dpu_graph_verify): the rules there are what
 * make the shapes safe to read. info is caller-owned; release with dpu_graph_info_free. */
int dpu_graph_info_compute(const struct dpu_graph *g, struct dpu_graph_info *info,
                           struct dpu_diag *d);
void dpu_graph_info_free(struct dpu_graph_info *info);

/* The summary as an aligned text table, or as one JSON object (docs/q8-format.md,
 * "dpuc info"). DPU_E_IO on a write error. */
int dpu_graph_info_print_text(FILE *f, const struct dpu_graph *g, const struct dpu_graph_info *info,
                              struct dpu_diag *d);
int dpu_graph_info_print_json(FILE *f, const struct dpu_graph *g, const struct dpu_graph_info *info,
                              struct dpu_diag *d);

#endif
