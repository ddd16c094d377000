/* Emission helpers shared by the float and quantized emitters: IR tensors for ONNX values,
 * IR nodes named after their ONNX node, liveness, the graph's inputs and outputs.
 * Private to libdpuonnx. */
#ifndef DPU_ONNX_EMIT_H
#define DPU_ONNX_EMIT_H

#include "dpu/onnx_ctx.h"
#include "dpu/onnx_shape.h"

/* Marks dead every node whose outputs no graph output depends on. */
int onnx_prune(struct onnx_ctx *ctx);

/* The IR tensor of value v (aliases resolved), created on first use: activations get the
 * value's shape and IR dtype; constants their data. uint8 becomes int8 (data - 128). Only
 * float32 is allowed in a float graph. n names the node in errors. */
int onnx_ir_tensor(struct onnx_ctx *ctx, const struct onnx_node *n, int v);
/* A new IR tensor (constant when data is non-NULL) named after base + suffix, unique. */
int onnx_ir_new_tensor(struct onnx_ctx *ctx, const char *base, const char *suffix,
                       enum dpu_dtype dt, int rank, const int64_t *dims, const void *data);
/* Adds IR node op named after n (plus "/suffix" when suffix is non-NULL). */
int onnx_ir_node(struct onnx_ctx *ctx, const struct onnx_node *n, const char *suffix,
                 enum dpu_node_op op, size_t nin, const int32_t *in, size_t nout,
                 const int32_t *out);
/* Turns a failed dpu_graph_* call (negative code, no message) into a message about n. */
int onnx_ir_fail(struct onnx_ctx *ctx, const struct onnx_node *n, int err);

/* Attribute setters on IR node `node` that report failures about n. */
int onnx_ir_set_int(struct onnx_ctx *ctx, const struct onnx_node *n, int node, const char *name,
                    int64_t v);
int onnx_ir_set_float(struct onnx_ctx *ctx, const struct onnx_node *n, int node, const char *name,
                      double v);
int onnx_ir_set_ints(struct onnx_ctx *ctx, const struct onnx_node *n, int node, const char *name,
                     size_t count, const int64_t *v);

/* Reshape of IR tensor `from` into a new IR tensor of the given shape (for 1-D ops, which
 * run as 2-D ones with H = 1, and for MatMul over batched inputs); returns the new tensor.
 * The new tensor copies from's quantization. */
int onnx_ir_reshape(struct onnx_ctx *ctx, const struct onnx_node *n, const char *suffix, int from,
                    int rank, const int64_t *dims);
/* The other direction: a new IR tensor of the given shape (quantized like `to`) and a
 * Reshape from it into `to`; returns the new tensor, which the caller's op then writes. */
int onnx_ir_reshape_to(struct onnx_ctx *ctx, const struct onnx_node *n, const char *suffix, int to,
                       int rank, const int64_t *dims);
/* Reshape of IR tensor `from` into the existing IR tensor `to`. */
int onnx_ir_reshape_into(struct onnx_ctx *ctx, const struct onnx_node *n, const char *suffix,
                         int from, int to);

/* The IR tensor that carries input i of n: in a float graph the input's own tensor; in a
 * quantized graph the int8 tensor a DequantizeLinear view stands for (or the input itself
 * when it is int8, as for QLinear ops). */
int onnx_in_ir(struct onnx_ctx *ctx, const struct onnx_node *n, int i);
/* The IR tensor for n's (first) result: its output, or in a quantized graph n->qout. */
int onnx_out_ir(struct onnx_ctx *ctx, const struct onnx_node *n);
/* The value whose quantization describes input i / the result (quantized graphs). */
const struct onnx_value *onnx_in_qvalue(struct onnx_ctx *ctx, const struct onnx_node *n, int i);
const struct onnx_value *onnx_out_qvalue(struct onnx_ctx *ctx, const struct onnx_node *n);

/* How each op is emitted and what the quantized planner needs to know about it. */
typedef int (*onnx_emit_fn)(struct onnx_ctx *ctx, struct onnx_node *n);
struct onnx_emit_rule {
    const char *op;
    enum onnx_domain domain;
    onnx_emit_fn emit;
    unsigned data_inputs; /* bit i: input i carries data (a DequantizeLinear view in QDQ) */
    bool clampable;       /* the IR op takes a clamp: a following Relu/Clip can fuse */
    bool passthrough;     /* int8 in, same scale out: may go without a QuantizeLinear */
    bool qlinear;         /* operator form: int8 inputs and outputs of its own */
};
/* The rule for n, or NULL when n's op is never emitted (folded ops, Q/DQ). */
const struct onnx_emit_rule *onnx_emit_rule_of(const struct onnx_node *n);

/* --- onnx_emit_params.c: constants and attributes of compute ops -------------------- */
/* IR constant for weights: w is a float constant (float graph) or an int8/uint8 constant
 * with quantization (quantized graph). transpose turns a 2-D [K, M] into [M, K]; the IR
 * tensor gets shape dims (same element count), output channels first. alpha scales float
 * weights. Quantized: int8 values and zero points as the model gives them (uint8 shifted by
 * -128; asymmetric weights and -128 are kept, dpu_graph_weights_symmetric tells whether the
 * accelerator can run them), scales and zero points per-channel along axis 0. */
int onnx_ir_weights(struct onnx_ctx *ctx, const struct onnx_node *n, const struct onnx_value *w,
                    bool transpose, double alpha, int rank, const int64_t *dims, int *ir);
/* IR constant for the bias of m output channels: b is a float constant (scaled by beta; a
 * scalar or [1, m] broadcasts), or in a quantized graph an int32 constant with its own
 * quantization, or a float constant to quantize. Quantized result: int32 with scale
 * x_scale * w_scale[c] per channel (an int32 bias with another scale is rescaled). b may be
 * NULL (no bias: NULL IR input, *ir = -1). */
int onnx_ir_bias(struct onnx_ctx *ctx, const struct onnx_node *n, const struct onnx_value *b,
                 double beta, int64_t m, int weights_ir, const struct onnx_value *x, int *ir);
/* Sets the clamp attribute of a quantized compute node: from the Relu/Clip fused into n, or
 * none. out is the quantized result value. */
int onnx_ir_clamp(struct onnx_ctx *ctx, const struct onnx_node *n, int node,
                  const struct onnx_value *out);
/* The clamp [lo, hi] of a quantized Relu/Clip node act for the result out. */
int onnx_q_clamp_of(struct onnx_ctx *ctx, const struct onnx_node *act, const struct onnx_value *out,
                    int64_t *lo, int64_t *hi);
/* lut[i] = Q_out(f(s_in (i - 128 - z_in))) for activation node act. */
int onnx_q_lut(struct onnx_ctx *ctx, const struct onnx_node *act, const struct onnx_value *in,
               const struct onnx_value *out, int64_t *lut);
/* T[d] = round(exp(-d s_in) 2^23), d = 0..255. */
void onnx_q_exp_table(float s_in, int64_t *table);

/* --- onnx_emit_window.c ------------------------------------------------------------- */
/* Emits a windowed IR op (Conv2D, MaxPool, AvgPool) from IR tensor x into IR tensor y with
 * the geometry w; extra holds the weights and bias (Conv2D). A 1-D window (x of rank 3)
 * runs as a 2-D one with H = 1 between two Reshapes. *node receives the op's IR node. */
int onnx_ir_window_op(struct onnx_ctx *ctx, const struct onnx_node *n, enum dpu_node_op op,
                      const struct onnx_window *w, int64_t group, int x, size_t nextra,
                      const int32_t *extra, int y, int *node);

/* --- the per-op emitters (onnx_emit_nn.c, onnx_emit_tensor.c) ----------------------- */
int onnx_emit_conv(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_emit_pool(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_emit_global_pool(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_emit_gemm(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_emit_matmul(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_emit_batchnorm(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_emit_binary(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_emit_activation(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_emit_clip(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_emit_softmax(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_emit_reshape(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_emit_flatten(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_emit_transpose(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_emit_concat(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_emit_pad(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_emit_resize(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_emit_boundary(struct onnx_ctx *ctx, struct onnx_node *n);
/* The rescale of data movement n's input into n->qin, which n then reads (onnx_qplan.c);
 * named after the QuantizeLinear it stands for (n->fused). */
int onnx_emit_rescale_input(struct onnx_ctx *ctx, struct onnx_node *n);
int onnx_emit_refuse(struct onnx_ctx *ctx, struct onnx_node *n);

/* Registers the graph inputs and outputs (after every node is emitted). */
int onnx_ir_graph_io(struct onnx_ctx *ctx);

#endif
