/* The reference interpreters: run a graph (dpu/graph.h) on the host, one plain loop kernel per
 * op, and produce the outputs every other executor is measured against.
 *
 * A quantized graph runs on the int8 kernels: their results are the golden bytes of the
 * arithmetic contract (docs/arithmetic.md); the compiled program on dpusim, the RTL and the
 * board must reproduce them exactly. A float graph runs on the float32 kernels (ONNX
 * semantics), the baseline for accuracy figures. docs/reference.md states every op's
 * semantics as implemented here.
 *
 * The graph is expected to have passed dpu_graph_verify (nodes in topological order, shapes
 * consistent), but a bad graph is refused with a message, never read out of bounds: every
 * kernel checks the sizes it indexes with.
 */
#ifndef DPU_REF_H
#define DPU_REF_H

#include <stddef.h>
#include <stdint.h>

#include "dpu/err.h"
#include "dpu/graph.h"
#include "dpu/tensor.h"

/* Runs g on inputs (g->ninputs tensors, in graph-input order). Each input's dtype and shape
 * must equal those of the graph's input tensor, except that a quantized graph whose input
 * tensor is int8 also accepts a float32 tensor of the same shape, which is quantized with the
 * input's scale and zero point, or those of each element's channel for an input quantized per
 * channel (dpu_quantize_f32: ONNX QuantizeLinear, the boundary step).
 * On success outputs[0 .. g->noutputs-1] are set to tensors whose data is malloc'd and owned
 * by the caller (release each with dpu_tensor_free). On failure the outputs are left empty
 * (data NULL), d names the node or input at fault, and a negative dpu_err is returned. */
int dpu_ref_run(const struct dpu_graph *g, const struct dpu_tensor *inputs, size_t ninputs,
                struct dpu_tensor *outputs, struct dpu_diag *d);

/* What the trace callback sees after each node has run. */
struct dpu_ref_event {
    size_t node;                    /* index into g->nodes */
    size_t output;                  /* which output of the node (ops have one: 0) */
    int32_t tensor;                 /* index into g->tensors */
    const struct dpu_tensor *value; /* the node's result; valid during the callback only */
};

/* Called once per node output, in execution order. Return 0 to continue; any other value
 * stops the run, which then returns that value (use a negative dpu_err, e.g. to stop at the
 * first differing layer without an error, return a code of your own and check for it). */
typedef int (*dpu_ref_trace_fn)(void *user, const struct dpu_graph *g,
                                const struct dpu_ref_event *ev);

/* As dpu_ref_run, calling trace (when non-NULL) with every node's output: per-layer SQNR,
 * dumps, and naming the first layer where two executors differ. */
int dpu_ref_run_trace(const struct dpu_graph *g, const struct dpu_tensor *inputs, size_t ninputs,
                      struct dpu_tensor *outputs, dpu_ref_trace_fn trace, void *user,
                      struct dpu_diag *d);

#endif
