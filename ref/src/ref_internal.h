/* Internal interface of libdpuref: what the runner hands a kernel, the kernel table, and the
 * helpers every kernel shares (messages naming the node, strict attribute readers, shape
 * checks, window and broadcasting geometry). Not installed. */
#ifndef DPU_REF_INTERNAL_H
#define DPU_REF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpu/dot_i16.h"
#include "dpu/err.h"
#include "dpu/graph.h"
#include "dpu/tensor.h"

/* ---- kernels --------------------------------------------------------------------------- */

/* What a kernel sees: the node, its input values (constants are views of the graph's data;
 * in[i] is NULL for an absent optional input) and its one output, already allocated by the
 * runner with the dtype and dims of the graph's output tensor (zero-filled). A kernel checks
 * every size it indexes with (dtypes, ranks, dims against the attributes, the output shape
 * against the one it computes) and only then loops. */
struct ref_args {
    const struct dpu_graph *g;
    const struct dpu_gnode *n;
    const struct dpu_tensor *const *in; /* n->ninputs entries */
    struct dpu_tensor *out;
};

typedef int (*ref_kernel_fn)(const struct ref_args *a, struct dpu_diag *d);

/* The kernel for op in a float (quantized = 0) or quantized (1) graph; NULL when the op has
 * no kernel there (e.g. BatchNorm in a quantized graph). */
ref_kernel_fn ref_kernel_for(enum dpu_node_op op, bool quantized);

/* int8 kernels (q8_*.c). */
int ref_q8_conv2d(const struct ref_args *a, struct dpu_diag *d);
int ref_q8_fully_connected(const struct ref_args *a, struct dpu_diag *d);
int ref_q8_matmul(const struct ref_args *a, struct dpu_diag *d);
int ref_q8_add(const struct ref_args *a, struct dpu_diag *d);
int ref_q8_mul(const struct ref_args *a, struct dpu_diag *d);
int ref_q8_concat(const struct ref_args *a, struct dpu_diag *d);
int ref_q8_rescale(const struct ref_args *a, struct dpu_diag *d); /* Relu, Relu6, Clip */
int ref_q8_max_pool(const struct ref_args *a, struct dpu_diag *d);
int ref_q8_avg_pool(const struct ref_args *a, struct dpu_diag *d);
int ref_q8_global_avg_pool(const struct ref_args *a, struct dpu_diag *d);
int ref_q8_lut(const struct ref_args *a, struct dpu_diag *d);
int ref_q8_softmax(const struct ref_args *a, struct dpu_diag *d);
int ref_q8_reshape(const struct ref_args *a, struct dpu_diag *d);
int ref_q8_flatten(const struct ref_args *a, struct dpu_diag *d);
int ref_q8_transpose(const struct ref_args *a, struct dpu_diag *d);
int ref_q8_pad(const struct ref_args *a, struct dpu_diag *d);
int ref_q8_resize(const struct ref_args *a, struct dpu_diag *d);
int ref_q8_quantize(const struct ref_args *a, struct dpu_diag *d);
int ref_q8_dequantize(const struct ref_args *a, struct dpu_diag *d);

/* The Quantize loop over outer x q->count x inner elements (channel c in the middle; per
 * tensor: count 1, inner 1): y = dpu_quantize_f32(x, scale[c], zp[c], -128, 127). Shared by
 * the Quantize kernel and the runner's quantization of float32 graph inputs. */
struct dpu_qp_boundary;
void ref_quantize_axis(const struct dpu_qp_boundary *q, int64_t outer, int64_t inner,
                       const float *x, int8_t *y);

/* float32 kernels (f32_*.c). */
int ref_f32_conv2d(const struct ref_args *a, struct dpu_diag *d);
int ref_f32_fully_connected(const struct ref_args *a, struct dpu_diag *d);
int ref_f32_gemm(const struct ref_args *a, struct dpu_diag *d);
int ref_f32_matmul(const struct ref_args *a, struct dpu_diag *d);
int ref_f32_add(const struct ref_args *a, struct dpu_diag *d);
int ref_f32_mul(const struct ref_args *a, struct dpu_diag *d);
int ref_f32_concat(const struct ref_args *a, struct dpu_diag *d);
int ref_f32_unary(const struct ref_args *a, struct dpu_diag *d); /* activations */
int ref_f32_max_pool(const struct ref_args *a, struct dpu_diag *d);
int ref_f32_avg_pool(const struct ref_args *a, struct dpu_diag *d);
int ref_f32_global_avg_pool(const struct ref_args *a, struct dpu_diag *d);
int ref_f32_softmax(const struct ref_args *a, struct dpu_diag *d);
int ref_f32_batch_norm(const struct ref_args *a, struct dpu_diag *d);
int ref_f32_reshape(const struct ref_args *a, struct dpu_diag *d);
int ref_f32_flatten(const struct ref_args *a, struct dpu_diag *d);
int ref_f32_transpose(const struct ref_args *a, struct dpu_diag *d);
int ref_f32_pad(const struct ref_args *a, struct dpu_diag *d);
int ref_f32_resize(const struct ref_args *a, struct dpu_diag *d);
/* Conv2D in register tiles (f32_conv_tiled.c), bit-identical to the direct loops of
 * ref_f32_conv2d for finite weights and paddings smaller than the window; win, group and the
 * shapes already checked by ref_f32_conv2d. n names the node in an out-of-memory message. */
struct ref_win;
int ref_f32_conv2d_tiled(const struct ref_win *win, int64_t group, const float *x, const float *w,
                         const float *bias, int64_t cout, float *y, struct dpu_diag *d,
                         const struct dpu_gnode *n);

/* ---- messages -------------------------------------------------------------------------- */

/* Records "node 'NAME' (Op): <fmt>" in d and returns err. */
int ref_node_err(struct dpu_diag *d, const struct dpu_gnode *n, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Records "node 'NAME' (Op): <what>: <inner message>" for an error a helper reported into
 * the scratch diag `inner` (e.g. dpu_quantize_multiplier's), and returns err. */
int ref_node_wrap(struct dpu_diag *d, const struct dpu_gnode *n, int err, const char *what,
                  const struct dpu_diag *inner);

/* Name of tensor index t for messages ("?" when out of range). */
const char *ref_tensor_name(const struct dpu_graph *g, int32_t t);

/* ---- attributes (strict: a present attribute of the wrong type or length is an error) --- */

int ref_attr_int(const struct dpu_gnode *n, const char *name, int64_t def, int64_t *v,
                 struct dpu_diag *d);
/* FLOAT (an INT is accepted and converted). */
int ref_attr_float(const struct dpu_gnode *n, const char *name, double def, double *v,
                   struct dpu_diag *d);
/* INTS of exactly `count` values into v; def (count values) when absent, or an error when
 * def is NULL (a required attribute). */
int ref_attr_ints(const struct dpu_gnode *n, const char *name, size_t count, const int64_t *def,
                  int64_t *v, struct dpu_diag *d);

/* ---- shapes ---------------------------------------------------------------------------- */

/* Input i must be present, of dtype dt, with a rank in [rank_lo, rank_hi]. */
int ref_check_input(const struct ref_args *a, size_t i, enum dpu_dtype dt, int rank_lo, int rank_hi,
                    struct dpu_diag *d);
/* The output must be of dtype dt with exactly the given shape (the one the kernel derived
 * from its inputs and attributes); the message shows both shapes. */
int ref_check_output(const struct ref_args *a, enum dpu_dtype dt, int rank, const int64_t *dims,
                     struct dpu_diag *d);

/* Element count of a tensor that the runner has already validated (>= 0). */
int64_t ref_count(const struct dpu_tensor *t);

/* Axis attribute value normalized into [0, rank) (or [0, rank] when allow_end). */
int ref_norm_axis(const struct dpu_gnode *n, int64_t axis, int rank, bool allow_end, int *out,
                  struct dpu_diag *d);

/* ---- int8 sums as dot products (q8_gemm.c) -------------------------------------------- */

#define REF_DOT_BLOCK DPU_DOT_BLOCK /* rows are zero-padded to whole blocks (dpu/dot_i16.h) */

/* Writes the int16 column of pixel p (Kp elements, zero beyond what it sums) into col. */
typedef void (*ref_col_fn)(void *ctx, int64_t p, int16_t *col);

/* sums[m*P + p] := wrap32(sum over k < Kp of col_p[k] * wt[m*Kp + k]) for m < M, p < P, where
 * every element is a difference of two int8 and Kp a multiple of REF_DOT_BLOCK. DPU_OK or
 * DPU_E_NOMEM. */
int ref_q8_gemm(int64_t M, int64_t P, int64_t Kp, const int16_t *wt, ref_col_fn fill, void *ctx,
                uint32_t *sums);

/* ---- 2-D windows (Conv2D, MaxPool, AvgPool) over NCHW -------------------------------- */

struct ref_win {
    int64_t n, c, h, w;     /* input dims */
    int64_t kh, kw;         /* kernel */
    int64_t sh, sw;         /* strides >= 1 */
    int64_t dh, dw;         /* dilations >= 1 */
    int64_t pt, pl, pb, pr; /* pads >= 0: top, left, bottom, right */
    int64_t oh, ow;         /* output spatial dims */
    bool ceil_mode;         /* pooling only */
    bool count_include_pad; /* AvgPool only */
};

/* Reads strides/dilations/pads (and ceil_mode, count_include_pad for pools) from the node,
 * kh/kw having been set by the caller; computes oh, ow:
 *   floor mode:  o = floor((i + p_begin + p_end - ((k - 1) * dil + 1)) / stride) + 1
 *   ceil mode:   o = ceil(...) + 1, then o - 1 if the last window would start at or past
 *                i + p_begin (it would cover only end padding), as in ONNX and PyTorch.
 * Refuses a window larger than the padded input. has_dilations: the op has the attribute. */
int ref_win_setup(const struct ref_args *a, struct ref_win *w, bool is_pool, bool has_dilations,
                  struct dpu_diag *d);

/* The kernel taps t in [*t0, *t1) (0 <= t0 <= t1 <= k) whose position base + t * dil falls in
 * [lo, hi): the loops visit only those, so their cost is bounded by the input, not by the
 * kernel size (TFLite's filter_y_start / filter_y_end). Requires dil >= 1. */
void ref_taps(int64_t base, int64_t dil, int64_t k, int64_t lo, int64_t hi, int64_t *t0,
              int64_t *t1);

/* MaxPool and AvgPool: input 0 of dtype dt and rank 4, the required `kernel_shape`, then
 * ref_win_setup (dilations for MaxPool only) and the output [N, C, oh, ow] of dtype dt. */
int ref_pool_setup(const struct ref_args *a, enum dpu_dtype dt, struct ref_win *w,
                   struct dpu_diag *d);

/* GlobalAvgPool: input 0 of dtype dt and rank >= 3, output [N, C, 1, ...]; *spatial receives
 * the number of positions averaged (the product of dims[2:]). */
int ref_global_pool_setup(const struct ref_args *a, enum dpu_dtype dt, int64_t *spatial,
                          struct dpu_diag *d);

/* ---- numpy broadcasting ---------------------------------------------------------------- */

/* Two shapes broadcast to `dims` (right-aligned; each pair equal or one of them 1); sa, sb are
 * the element strides of a and b along each output axis, 0 where that side is broadcast. */
struct ref_bcast {
    int rank;
    int64_t dims[DPU_TENSOR_MAX_RANK];
    int64_t sa[DPU_TENSOR_MAX_RANK], sb[DPU_TENSOR_MAX_RANK];
};
int ref_broadcast(const struct dpu_gnode *n, int ra, const int64_t *da, int rb, const int64_t *db,
                  struct ref_bcast *bc, struct dpu_diag *d);

/* Iterates a broadcast: cnt (rank counters, zeroed by the caller) and the offsets ia, ib move
 * to the next output element in row-major order. */
void ref_bcast_next(const struct ref_bcast *bc, int64_t *cnt, int64_t *ia, int64_t *ib);

/* ---- MatMul shapes (numpy matmul, rank >= 2) ------------------------------------------- */

/* a [.., m, k] times b [.., k, n]: the batch dims (all but the last two) broadcast as in
 * numpy, with strides counted in whole matrices; the output is batch dims + [m, n]. */
struct ref_matmul {
    int64_t m, k, n;
    struct ref_bcast batch;
    int64_t nbatch;
};
int ref_matmul_setup(const struct ref_args *a, enum dpu_dtype in_dt, enum dpu_dtype out_dt,
                     struct ref_matmul *mm, struct dpu_diag *d);

/* ---- data movement shared by int8 and float32 (move.c) --------------------------------- */

/* Each checks the shapes against the attributes (input 0 must have the output's dtype) and
 * moves whole elements of that dtype. */
int ref_move_reshape(const struct ref_args *a, struct dpu_diag *d);
int ref_move_flatten(const struct ref_args *a, struct dpu_diag *d);
int ref_move_transpose(const struct ref_args *a, struct dpu_diag *d);
int ref_move_resize(const struct ref_args *a, struct dpu_diag *d);
/* fill: one element of that dtype, written into every padded position. */
int ref_move_pad(const struct ref_args *a, const void *fill, struct dpu_diag *d);

/* Concat geometry: every input has the output's rank and dims except along axis; the output
 * dim along axis is their sum. outer = prod(dims[:axis]), inner = prod(dims[axis+1:]). */
int ref_concat_setup(const struct ref_args *a, enum dpu_dtype dt, int *axis, int64_t *outer,
                     int64_t *inner, struct dpu_diag *d);

#endif
