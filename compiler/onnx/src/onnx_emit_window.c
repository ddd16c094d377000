/* Windowed ops (convolution, pooling) in the IR's 2-D form. ONNX's 1-D versions over
 * (N, C, L) become 2-D ones over (N, C, 1, L): kernel [1, k], stride [1, s], pads
 * [0, begin, 0, end]; a Reshape on each side keeps the model's own tensors 3-D. */
#include <stdlib.h>
#include <string.h>

#include "dpu/onnx_emit.h"

int onnx_ir_window_op(struct onnx_ctx *ctx, const struct onnx_node *n, enum dpu_node_op op,
                      const struct onnx_window *w, int64_t group, int x, size_t nextra,
                      const int32_t *extra, int y, int *node)
{
    int64_t kernel[2], stride[2], dil[2], pads[4];
    if (w->nsp == 2) {
        memcpy(kernel, w->kernel, sizeof kernel);
        memcpy(stride, w->stride, sizeof stride);
        memcpy(dil, w->dilation, sizeof dil);
        int64_t p[4] = {w->pad_begin[0], w->pad_begin[1], w->pad_end[0], w->pad_end[1]};
        memcpy(pads, p, sizeof pads);
    } else {
        int64_t k[2] = {1, w->kernel[0]}, s[2] = {1, w->stride[0]}, d[2] = {1, w->dilation[0]};
        int64_t p[4] = {0, w->pad_begin[0], 0, w->pad_end[0]};
        memcpy(kernel, k, sizeof k);
        memcpy(stride, s, sizeof s);
        memcpy(dil, d, sizeof d);
        memcpy(pads, p, sizeof p);
    }
    int x2 = x, y2 = y;
    if (w->nsp == 1) {
        const struct dpu_gtensor *tx = &ctx->g->tensors[x];
        int64_t dx[4] = {tx->dims[0], tx->dims[1], 1, tx->dims[2]};
        if ((x2 = onnx_ir_reshape(ctx, n, "to_2d", x, 4, dx)) < 0)
            return x2;
        const struct dpu_gtensor *ty = &ctx->g->tensors[y];
        int64_t dy[4] = {ty->dims[0], ty->dims[1], 1, ty->dims[2]};
        if ((y2 = onnx_ir_reshape_to(ctx, n, "from_2d", y, 4, dy)) < 0)
            return y2;
    }
    int32_t in[3] = {x2, -1, -1};
    for (size_t i = 0; i < nextra && i < 2; i++)
        in[1 + i] = extra[i];
    int32_t out = y2;
    int k = onnx_ir_node(ctx, n, NULL, op, 1 + nextra, in, 1, &out);
    if (k < 0)
        return k;
    int err;
    if ((err = onnx_ir_set_ints(ctx, n, k, "kernel_shape", 2, kernel)) ||
        (err = onnx_ir_set_ints(ctx, n, k, "strides", 2, stride)) ||
        (err = onnx_ir_set_ints(ctx, n, k, "pads", 4, pads)))
        return err;
    if (op != DPU_NODE_AVG_POOL && (err = onnx_ir_set_ints(ctx, n, k, "dilations", 2, dil)))
        return err;
    if (op == DPU_NODE_CONV2D && (err = onnx_ir_set_int(ctx, n, k, "group", group)))
        return err;
    if (op != DPU_NODE_CONV2D && (err = onnx_ir_set_int(ctx, n, k, "ceil_mode", w->ceil_mode)))
        return err;
    if (op == DPU_NODE_AVG_POOL &&
        (err = onnx_ir_set_int(ctx, n, k, "count_include_pad", w->count_include_pad)))
        return err;
    *node = k;
    return DPU_OK;
}
