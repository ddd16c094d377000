/* Quantization parameters as ONNX spells them (scale and zero-point inputs of
 * QuantizeLinear, DequantizeLinear and the QLinear ops) and the uint8 -> int8 rules.
 * Private to libdpuonnx. */
#ifndef DPU_ONNX_QUANT_H
#define DPU_ONNX_QUANT_H

#include "dpu/onnx_ctx.h"

/* Scales and zero points exactly as the model gives them (zero points not shifted). */
struct onnx_qread {
    int axis;     /* -1: per tensor */
    size_t count; /* 1, or dims[axis] */
    float *scale; /* owned */
    int32_t *zp;  /* owned; zeros when the model gives none */
    int zp_elem;  /* ONNX_INT8, ONNX_UINT8, ONNX_INT32; the default uint8 when absent */
};

/* Reads scale input si and zero-point input zi (-1 or absent: zero) of node n for a tensor
 * of the given rank and dims. A scale with one element is per-tensor; otherwise it is 1-D
 * along the node's `axis` attribute (QuantizeLinear, DequantizeLinear; default 1) or, for
 * ops without one, along default_axis, with one scale per element of that axis. Scales
 * must be finite and > 0. */
int onnx_qread(struct onnx_ctx *ctx, const struct onnx_node *n, int si, int zi, int rank,
               const int64_t *dims, int default_axis, struct onnx_qread *q);
void onnx_qread_free(struct onnx_qread *q);

/* uint8 -> int8: value - 128 (and the same for zero points). */
static inline int32_t onnx_u8_to_i8(int32_t v)
{
    return v - 128;
}
static inline int8_t onnx_u8_to_i8_byte(uint8_t v)
{
    return (int8_t)((int)v - 128);
}

#endif
