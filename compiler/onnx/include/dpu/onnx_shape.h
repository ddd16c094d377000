/* Shape rules shared by inference (onnx_infer*.c) and emission (onnx_emit*.c): numpy
 * broadcasting, axis normalization and the geometry of convolution and pooling windows
 * (auto_pad resolved into explicit pads). Private to libdpuonnx. */
#ifndef DPU_ONNX_SHAPE_H
#define DPU_ONNX_SHAPE_H

#include <stdbool.h>
#include <stdint.h>

#include "dpu/onnx_ctx.h"

/* numpy broadcasting of two shapes into out (rank max(ra, rb)); false when incompatible. */
bool onnx_broadcast(int ra, const int64_t *da, int rb, const int64_t *db, int *ro, int64_t *dout);

/* axis in [-rank, rank) -> [0, rank); an error naming node and attribute otherwise. For
 * Unsqueeze's output axes pass rank = output rank. */
int onnx_norm_axis(struct onnx_ctx *ctx, const struct onnx_node *n, const char *what, int64_t axis,
                   int rank, int *out);

/* Sets output i of n to elem and shape (checked against the size limits). */
int onnx_set_out(struct onnx_ctx *ctx, struct onnx_node *n, int i, int elem, int rank,
                 const int64_t *dims);
/* Input i must be present with a known shape; returns it (NULL after an error). */
struct onnx_value *onnx_need_in(struct onnx_ctx *ctx, const struct onnx_node *n, int i, int *err);

/* The window geometry of a convolution or pooling node over 1 or 2 spatial dimensions. */
enum onnx_window_kind { ONNX_WIN_CONV, ONNX_WIN_MAXPOOL, ONNX_WIN_AVGPOOL };

struct onnx_window {
    int nsp; /* spatial dimensions: 1 (N, C, L) or 2 (N, C, H, W) */
    int64_t kernel[2], stride[2], dilation[2];
    int64_t pad_begin[2], pad_end[2];
    int64_t in[2], out[2];
    bool ceil_mode;
    bool count_include_pad;
};

/* Reads kernel_shape (for a convolution: from the weights when absent; kernel is then the
 * weights' spatial dims, passed in wk), strides, dilations, pads, auto_pad, ceil_mode and
 * count_include_pad, and computes the output size. x is the input shape (rank 3 or 4). */
int onnx_window(struct onnx_ctx *ctx, const struct onnx_node *n, enum onnx_window_kind kind,
                int rank, const int64_t *x, const int64_t *wk, struct onnx_window *w);

#endif
