/* ONNX export: a quantized graph (model.q8) -> a QDQ ONNX model (docs/export.md).
 *
 * Every int8 activation becomes a QuantizeLinear output read through a DequantizeLinear,
 * every IR op the float ONNX op between them; weights are int8 initializers behind a
 * per-channel DequantizeLinear (axis 0), biases int32 ones at scale s_x * s_w[c]. The result
 * runs on ONNX Runtime (which fuses the Q/DQ pairs into its integer kernels) and
 * re-imports (`dpuc import`) into the same model.q8. Opset 13 (14 when a HardSwish needs
 * it), IR version 7. An op or tensor form ONNX's QDQ form cannot express is refused with a
 * message naming the node.
 */
#ifndef DPU_ONNX_EXPORT_H
#define DPU_ONNX_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "dpu/err.h"
#include "dpu/graph.h"

/* Serializes the verified quantized graph g as an ONNX ModelProto into *bytes (malloc'd;
 * the caller frees it) of *len bytes. g is not modified. Errors: DPU_E_INVALID for a float
 * graph, DPU_E_UNSUPPORTED naming the node for what the export cannot express,
 * DPU_E_NOMEM. */
int dpu_onnx_export(const struct dpu_graph *g, uint8_t **bytes, size_t *len, struct dpu_diag *d);

#endif
