/* ONNX import: turns an ONNX model file into the graph IR (graph/include/dpu/graph.h).
 *
 * A float model becomes a float graph (for the float reference interpreter and the
 * quantizer). An already-quantized model — QDQ form (QuantizeLinear/DequantizeLinear around
 * float ops) or operator form (QLinearConv, QLinearMatMul, QLinearAdd,
 * QLinearGlobalAveragePool; ConvInteger/MatMulInteger as raw int32 graph outputs) — becomes
 * a quantized graph (model.q8 contents); uint8 tensors become int8 exactly by shifting
 * values and zero points by -128. Errors name the ONNX node (name and op type) and the
 * attribute at fault; unsupported ops and attributes are refused, never guessed.
 */
#ifndef DPU_ONNX_IMPORT_H
#define DPU_ONNX_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "dpu/err.h"
#include "dpu/graph.h"
#include "dpu/tensor.h"

/* A graph input whose value is fixed at import time and becomes a constant (used by the
 * conformance driver: ONNX node tests feed scales, zero points and weights as inputs). */
struct dpu_onnx_binding {
    const char *name;
    const struct dpu_tensor *value; /* borrowed for the duration of the call */
};

enum dpu_onnx_mode {
    DPU_ONNX_AUTO,      /* quantized if the model holds any quantization op, else float */
    DPU_ONNX_FLOAT,     /* refuse quantization ops */
    DPU_ONNX_QUANTIZED, /* refuse a model that is not fully quantized */
};

struct dpu_onnx_options {
    enum dpu_onnx_mode mode;
    size_t nbindings;
    const struct dpu_onnx_binding *bindings;
};

/* What the import did that a caller may need to undo at the boundary: graph inputs/outputs
 * that were uint8 in the ONNX model and are int8 in the graph (add 128 to outputs, subtract
 * 128 from inputs to talk to the original model's users). */
struct dpu_onnx_report {
    int opset;
    size_t nuint8_inputs, nuint8_outputs;
    int uint8_inputs[16];  /* graph input positions */
    int uint8_outputs[16]; /* graph output positions */
};

/* Imports path into g (initialized by the caller with dpu_graph_init; freed by the caller
 * with dpu_graph_free, also on failure). opts and report may be NULL. The result has passed
 * dpu_graph_verify. */
int dpu_onnx_import(const char *path, const struct dpu_onnx_options *opts, struct dpu_graph *g,
                    struct dpu_onnx_report *report, struct dpu_diag *d);
/* The same from bytes in memory (name is used in messages). */
int dpu_onnx_import_bytes(const char *name, const uint8_t *bytes, size_t len,
                          const struct dpu_onnx_options *opts, struct dpu_graph *g,
                          struct dpu_onnx_report *report, struct dpu_diag *d);

/* Reads a serialized onnx.TensorProto (as ONNX's test data sets store them, input_0.pb) into
 * t (data owned by t, freed with dpu_tensor_free). Accepts float32, int8, uint8, int32 and
 * int64 (narrowed to int32 when every value fits, else refused). */
int dpu_onnx_read_tensor_pb(const char *path, struct dpu_tensor *t, char *name, size_t name_cap,
                            struct dpu_diag *d);

#endif
