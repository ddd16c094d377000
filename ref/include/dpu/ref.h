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

/* A session: a run that stops after any node and resumes later, for a caller that wants to act
 * between two nodes on what the run has computed so far (the quantizer's AdaRound advances
 * one session per calibration sample to each layer in turn, rounds that layer, and resumes).
 * Constants are read from the graph when a node runs, so a caller may change the values (not
 * the shape, dtype or quantization) of a constant the run has not read yet, and later nodes
 * see the new values. A value is released after the last node that reads it; graph outputs
 * stay until the session is closed.
 *
 * open:    binds the inputs as dpu_ref_run does (same checks); *out is NULL on failure.
 * run:     runs the nodes from dpu_ref_session_next up to, not including, node `end` (an end
 *          past the last node runs to the end), with the trace as dpu_ref_run_trace. After
 *          any failure, or a trace that stopped it, the session cannot run further.
 * value:   the value of a tensor the session holds now (a constant, a graph input or a node
 *          output not yet released), else NULL; valid until the next run or close.
 * outputs: once every node has run, the graph outputs as dpu_ref_run gives them. */
struct dpu_ref_session;
int dpu_ref_session_open(const struct dpu_graph *g, const struct dpu_tensor *inputs, size_t ninputs,
                         struct dpu_ref_session **out, struct dpu_diag *d);
int dpu_ref_session_run(struct dpu_ref_session *s, size_t end, dpu_ref_trace_fn trace, void *user,
                        struct dpu_diag *d);
size_t dpu_ref_session_next(const struct dpu_ref_session *s);
const struct dpu_tensor *dpu_ref_session_value(const struct dpu_ref_session *s, int32_t tensor);
int dpu_ref_session_outputs(struct dpu_ref_session *s, struct dpu_tensor *outputs,
                            struct dpu_diag *d);
void dpu_ref_session_close(struct dpu_ref_session *s);

/* The most bytes of values (graph inputs and node outputs; constants are the graph's) a
 * session of g holds at once, for a caller sizing how many it can keep; 0 for no graph. */
size_t dpu_ref_session_peak_bytes(const struct dpu_graph *g);

#endif
