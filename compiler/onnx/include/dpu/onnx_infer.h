/* Per-op shape inference and constant folding, dispatched by onnx_infer.c's op table.
 * Private to libdpuonnx.
 *
 * An infer function checks the node's attributes (refusing any it does not know) and
 * inputs, and sets each output's element type and shape (onnx_set_out). It may compute the
 * output itself (Constant, Shape) and mark the node dead. A fold function runs after infer
 * when every present input is constant and fills the outputs' konst (shape already set).
 */
#ifndef DPU_ONNX_INFER_H
#define DPU_ONNX_INFER_H

#include "dpu/onnx_ctx.h"
#include "dpu/onnx_shape.h"

typedef int (*onnx_infer_fn)(struct onnx_ctx *ctx, struct onnx_node *n);

/* Node uses: nuses of every value (live_only: ignoring dead nodes). */
void onnx_count_uses(struct onnx_ctx *ctx, bool live_only);
/* QuantizeLinear, DequantizeLinear, QLinear*, *Integer. */
bool onnx_is_quant_op(const struct onnx_node *n);

/* onnx_infer.c */
/* Output 0 becomes another name for input 0 and the node is retired. */
int onnx_make_alias(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_identity(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_dropout(struct onnx_ctx *ctx, struct onnx_node *n);

/* onnx_infer_const.c: ops that produce constants */
int onnx_infer_constant(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_shape_op(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_constant_of_shape(struct onnx_ctx *ctx, struct onnx_node *n);

/* onnx_infer_tensor.c: data movement and element-wise ops */
int onnx_infer_gather(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_unsqueeze(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_squeeze(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_reshape(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_flatten(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_concat(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_cast(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_slice(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_transpose(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_binary(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_unary(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_clip(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_softmax(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_pad(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_resize(struct onnx_ctx *ctx, struct onnx_node *n);

/* onnx_infer_nn.c: windows, products, normalization, quantization ops */
int onnx_infer_conv(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_pool(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_global_pool(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_gemm(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_matmul(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_batchnorm(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_quantize(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_dequantize(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_infer_qlinear_add(struct onnx_ctx *ctx, struct onnx_node *n);

/* onnx_fold.c */
int onnx_fold_gather(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_fold_reshape_like(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_fold_concat(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_fold_cast(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_fold_slice(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_fold_transpose(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_fold_binary(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_fold_quantize(struct onnx_ctx *ctx, struct onnx_node *n);

/* Slice's per-axis first index, step and length (onnx_infer_tensor.c). */
int onnx_slice_params(struct onnx_ctx *ctx, const struct onnx_node *n, int rank,
                      const int64_t *dims, int64_t *start, int64_t *step, int64_t *len);
/* Transpose's permutation, default reversed (onnx_infer_tensor.c). */
int onnx_transpose_perm(struct onnx_ctx *ctx, const struct onnx_node *n, int rank, int *perm);
/* Conv's group attribute, checked against the input and weight shapes (onnx_infer_nn.c). */
int onnx_conv_group(struct onnx_ctx *ctx, const struct onnx_node *n, int64_t *group);
/* Resize/Upsample's integer factors, validated (onnx_infer_tensor.c; used by emission). */
int onnx_resize_factors(struct onnx_ctx *ctx, const struct onnx_node *n, int64_t *factors);
/* Pad's pads (begins then ends) and fill value (onnx_infer_tensor.c). */
int onnx_pad_params(struct onnx_ctx *ctx, const struct onnx_node *n, int64_t *pads, double *value);
/* Softmax's axis, normalized, after the opset < 13 check (onnx_infer_tensor.c). */
int onnx_softmax_axis(struct onnx_ctx *ctx, const struct onnx_node *n, int *axis);
/* Clip's bounds: -inf/+inf when absent (onnx_infer_tensor.c). */
int onnx_clip_bounds(struct onnx_ctx *ctx, const struct onnx_node *n, double *lo, double *hi);
/* Axes of Squeeze/Unsqueeze (attribute before opset 13, input from 13). */
int onnx_axes_param(struct onnx_ctx *ctx, const struct onnx_node *n, int64_t *axes, int *count,
                    bool *given);

#endif
