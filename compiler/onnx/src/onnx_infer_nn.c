/* Shape inference for the compute ops: convolutions (Conv, QLinearConv, ConvInteger),
 * pooling, Gemm and matrix products (MatMul, QLinearMatMul, MatMulInteger),
 * BatchNormalization, and the quantization ops. */
#include <inttypes.h>
#include <string.h>

#include "dpu/onnx_infer.h"

static const char *const conv_attrs[] = {"auto_pad", "dilations", "group", "kernel_shape",
                                         "pads",     "strides",   NULL};

/* Positions of X, W, the output zero point (type of the result) per conv flavour. */
struct conv_io {
    int x, w, yzp;
    int out_elem; /* fixed result type, or 0: that of input yzp */
};

static struct conv_io conv_io_of(const struct onnx_node *n)
{
    if (strcmp(n->op, "QLinearConv") == 0)
        return (struct conv_io){0, 3, 7, 0};
    if (strcmp(n->op, "ConvInteger") == 0)
        return (struct conv_io){0, 1, -1, ONNX_INT32};
    return (struct conv_io){0, 1, -1, ONNX_FLOAT};
}

int onnx_conv_group(struct onnx_ctx *ctx, const struct onnx_node *n, int64_t *group)
{
    struct conv_io io = conv_io_of(n);
    const struct onnx_value *x = onnx_in(ctx, n, io.x), *w = onnx_in(ctx, n, io.w);
    int err = onnx_attr_int(ctx, n, "group", 1, group);
    if (err)
        return err;
    char sx[DPU_SHAPE_STR_MAX], sw[DPU_SHAPE_STR_MAX];
    if (*group < 1 || *group > x->dims[1] || x->dims[1] % *group != 0 || w->dims[0] % *group != 0)
        return onnx_fail_attr(ctx, n, "group", DPU_E_INVALID,
                              "value %" PRId64 " does not divide the %" PRId64 " input and %" PRId64
                              " output channels",
                              *group, x->dims[1], w->dims[0]);
    if (w->dims[1] * *group != x->dims[1])
        return onnx_fail(
            ctx, n, DPU_E_INVALID, "weights %s do not fit input %s with group %" PRId64,
            onnx_shape_str(w->rank, w->dims, sw), onnx_shape_str(x->rank, x->dims, sx), *group);
    return DPU_OK;
}

int onnx_infer_conv(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = onnx_attr_only(ctx, n, conv_attrs);
    if (err)
        return err;
    struct conv_io io = conv_io_of(n);
    const struct onnx_value *x = onnx_need_in(ctx, n, io.x, &err);
    const struct onnx_value *w = x ? onnx_need_in(ctx, n, io.w, &err) : NULL;
    if (!w)
        return err;
    char sx[DPU_SHAPE_STR_MAX], sw[DPU_SHAPE_STR_MAX];
    if (x->rank == 5)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "3-D convolution is not supported");
    if (w->rank != x->rank)
        return onnx_fail(ctx, n, DPU_E_INVALID, "weights %s do not match input %s",
                         onnx_shape_str(w->rank, w->dims, sw),
                         onnx_shape_str(x->rank, x->dims, sx));
    struct onnx_window win;
    int64_t group;
    if ((err = onnx_window(ctx, n, ONNX_WIN_CONV, x->rank, x->dims, w->dims + 2, &win)) ||
        (err = onnx_conv_group(ctx, n, &group)))
        return err;
    int64_t dims[4] = {x->dims[0], w->dims[0]};
    for (int i = 0; i < win.nsp; i++)
        dims[2 + i] = win.out[i];
    int elem = io.out_elem;
    if (!elem) {
        const struct onnx_value *yzp = onnx_in(ctx, n, io.yzp);
        elem = yzp ? yzp->elem : x->elem;
    }
    return onnx_set_out(ctx, n, 0, elem, x->rank, dims);
}

int onnx_infer_pool(struct onnx_ctx *ctx, struct onnx_node *n)
{
    static const char *const max_attrs[] = {"auto_pad",     "ceil_mode", "dilations",
                                            "kernel_shape", "pads",      "storage_order",
                                            "strides",      NULL};
    static const char *const avg_attrs[] = {
        "auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides", NULL};
    bool is_max = strcmp(n->op, "MaxPool") == 0;
    int err = onnx_attr_only(ctx, n, is_max ? max_attrs : avg_attrs);
    if (err)
        return err;
    int64_t storage_order;
    if ((err = onnx_attr_int(ctx, n, "storage_order", 0, &storage_order)))
        return err;
    if (storage_order != 0)
        return onnx_fail_attr(ctx, n, "storage_order", DPU_E_UNSUPPORTED, "must be 0");
    if (onnx_out(ctx, n, 1))
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "the Indices output is not supported");
    const struct onnx_value *x = onnx_need_in(ctx, n, 0, &err);
    if (!x)
        return err;
    struct onnx_window win;
    if ((err = onnx_window(ctx, n, is_max ? ONNX_WIN_MAXPOOL : ONNX_WIN_AVGPOOL, x->rank, x->dims,
                           NULL, &win)))
        return err;
    int64_t dims[4] = {x->dims[0], x->dims[1]};
    for (int i = 0; i < win.nsp; i++)
        dims[2 + i] = win.out[i];
    return onnx_set_out(ctx, n, 0, x->elem, x->rank, dims);
}

int onnx_infer_global_pool(struct onnx_ctx *ctx, struct onnx_node *n)
{
    bool q = strcmp(n->op, "QLinearGlobalAveragePool") == 0;
    int err = q ? onnx_attr_only(ctx, n, (const char *const[]){"channels_last", NULL})
                : onnx_attr_only(ctx, n, (const char *const[]){NULL});
    if (err)
        return err;
    int64_t channels_last;
    if ((err = onnx_attr_int(ctx, n, "channels_last", 0, &channels_last)))
        return err;
    if (channels_last != 0)
        return onnx_fail_attr(ctx, n, "channels_last", DPU_E_UNSUPPORTED, "must be 0");
    const struct onnx_value *x = onnx_need_in(ctx, n, 0, &err);
    if (!x)
        return err;
    if (x->rank != 3 && x->rank != 4)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                         "input of rank %d (only N, C, L and N, C, H, W are supported)", x->rank);
    int64_t dims[4] = {x->dims[0], x->dims[1], 1, 1};
    int elem = x->elem;
    const struct onnx_value *yzp = q ? onnx_in(ctx, n, 4) : NULL;
    if (yzp)
        elem = yzp->elem;
    return onnx_set_out(ctx, n, 0, elem, x->rank, dims);
}

int onnx_infer_gemm(struct onnx_ctx *ctx, struct onnx_node *n)
{
    /* Gemm-6's `broadcast` only allowed what later opsets always allow. */
    int err = ctx->opset < 7
                  ? onnx_attr_only(ctx, n,
                                   (const char *const[]){"alpha", "beta", "transA", "transB",
                                                         "broadcast", NULL})
                  : onnx_attr_only(
                        ctx, n, (const char *const[]){"alpha", "beta", "transA", "transB", NULL});
    if (err)
        return err;
    const struct onnx_value *a = onnx_need_in(ctx, n, 0, &err);
    const struct onnx_value *b = a ? onnx_need_in(ctx, n, 1, &err) : NULL;
    if (!b)
        return err;
    int64_t ta, tb;
    double alpha, beta;
    if ((err = onnx_attr_int(ctx, n, "transA", 0, &ta)) ||
        (err = onnx_attr_int(ctx, n, "transB", 0, &tb)) ||
        (err = onnx_attr_float(ctx, n, "alpha", 1, &alpha)) ||
        (err = onnx_attr_float(ctx, n, "beta", 1, &beta)))
        return err;
    char sa[DPU_SHAPE_STR_MAX], sb[DPU_SHAPE_STR_MAX];
    if (a->rank != 2 || b->rank != 2)
        return onnx_fail(ctx, n, DPU_E_INVALID, "A and B must be 2-D, not %s and %s",
                         onnx_shape_str(a->rank, a->dims, sa),
                         onnx_shape_str(b->rank, b->dims, sb));
    int64_t m = a->dims[ta ? 1 : 0], k = a->dims[ta ? 0 : 1];
    int64_t kb = b->dims[tb ? 1 : 0], nn = b->dims[tb ? 0 : 1];
    if (k != kb)
        return onnx_fail(ctx, n, DPU_E_INVALID,
                         "A %s and B %s do not multiply (transA %" PRId64 ", transB %" PRId64 ")",
                         onnx_shape_str(a->rank, a->dims, sa), onnx_shape_str(b->rank, b->dims, sb),
                         ta, tb);
    int64_t dims[2] = {m, nn};
    const struct onnx_value *c = onnx_in(ctx, n, 2);
    if (c) {
        int rank;
        int64_t bd[DPU_TENSOR_MAX_RANK];
        if (!onnx_broadcast(2, dims, c->rank, c->dims, &rank, bd) || rank != 2 || bd[0] != m ||
            bd[1] != nn)
            return onnx_fail(ctx, n, DPU_E_INVALID,
                             "C %s does not broadcast to (%" PRId64 ", %" PRId64 ")",
                             onnx_shape_str(c->rank, c->dims, sa), m, nn);
    }
    return onnx_set_out(ctx, n, 0, a->elem, 2, dims);
}

int onnx_infer_matmul(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = onnx_attr_only(ctx, n, (const char *const[]){NULL});
    if (err)
        return err;
    bool qlinear = strcmp(n->op, "QLinearMatMul") == 0;
    bool integer = strcmp(n->op, "MatMulInteger") == 0;
    const struct onnx_value *a = onnx_need_in(ctx, n, 0, &err);
    const struct onnx_value *b = a ? onnx_need_in(ctx, n, qlinear ? 3 : 1, &err) : NULL;
    if (!b)
        return err;
    char sa[DPU_SHAPE_STR_MAX], sb[DPU_SHAPE_STR_MAX];
    if (a->rank < 2 || b->rank < 2)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "1-D operands are not supported (A %s, B %s)",
                         onnx_shape_str(a->rank, a->dims, sa),
                         onnx_shape_str(b->rank, b->dims, sb));
    int64_t k = a->dims[a->rank - 1];
    if (k != b->dims[b->rank - 2])
        return onnx_fail(ctx, n, DPU_E_INVALID, "A %s and B %s do not multiply",
                         onnx_shape_str(a->rank, a->dims, sa),
                         onnx_shape_str(b->rank, b->dims, sb));
    int rank;
    int64_t dims[DPU_TENSOR_MAX_RANK];
    if (!onnx_broadcast(a->rank - 2, a->dims, b->rank - 2, b->dims, &rank, dims))
        return onnx_fail(
            ctx, n, DPU_E_INVALID, "batch dimensions of A %s and B %s do not broadcast",
            onnx_shape_str(a->rank, a->dims, sa), onnx_shape_str(b->rank, b->dims, sb));
    dims[rank] = a->dims[a->rank - 2];
    dims[rank + 1] = b->dims[b->rank - 1];
    int elem = a->elem;
    if (integer)
        elem = ONNX_INT32;
    if (qlinear) {
        const struct onnx_value *yzp = onnx_in(ctx, n, 7);
        elem = yzp ? yzp->elem : a->elem;
    }
    return onnx_set_out(ctx, n, 0, elem, rank + 2, dims);
}

int onnx_infer_batchnorm(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = onnx_attr_only(
        ctx, n,
        (const char *const[]){"epsilon", "momentum", "training_mode", "spatial", "is_test", NULL});
    if (err)
        return err;
    int64_t training, spatial;
    if ((err = onnx_attr_int(ctx, n, "training_mode", 0, &training)) ||
        (err = onnx_attr_int(ctx, n, "spatial", 1, &spatial)))
        return err;
    if (training != 0)
        return onnx_fail_attr(ctx, n, "training_mode", DPU_E_UNSUPPORTED,
                              "training mode is not supported");
    if (spatial != 1)
        return onnx_fail_attr(ctx, n, "spatial", DPU_E_UNSUPPORTED, "must be 1");
    /* BatchNormalization-6 is in training mode unless is_test says otherwise. */
    int64_t is_test;
    if ((err = onnx_attr_int(ctx, n, "is_test", ctx->opset < 7 ? 0 : 1, &is_test)))
        return err;
    if (!is_test)
        return onnx_fail_attr(ctx, n, "is_test", DPU_E_UNSUPPORTED,
                              "is 0 (training mode), which is not supported");
    for (int i = 1; i < n->nout; i++)
        if (onnx_out(ctx, n, i))
            return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                             "the running mean/variance outputs (training) are not supported");
    const struct onnx_value *x = onnx_need_in(ctx, n, 0, &err);
    if (!x)
        return err;
    if (x->rank < 2)
        return onnx_fail(ctx, n, DPU_E_INVALID, "input of rank %d has no channel axis", x->rank);
    for (int i = 1; i < 5; i++) {
        const struct onnx_tensor *t;
        static const char *const roles[] = {"", "scale", "B", "mean", "var"};
        if ((err = onnx_const_in(ctx, n, i, roles[i], &t)))
            return err;
        if (t->rank != 1 || t->dims[0] != x->dims[1] || t->elem != ONNX_FLOAT)
            return onnx_fail(ctx, n, DPU_E_INVALID,
                             "%s must be a float vector of the %" PRId64 " channels", roles[i],
                             x->dims[1]);
    }
    return onnx_set_out(ctx, n, 0, x->elem, x->rank, x->dims);
}

int onnx_infer_quantize(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = onnx_attr_only(ctx, n, (const char *const[]){"axis", NULL});
    if (err)
        return err;
    const struct onnx_value *x = onnx_need_in(ctx, n, 0, &err);
    if (!x)
        return err;
    if (x->elem != ONNX_FLOAT && x->elem != ONNX_INT32)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "input of type %s (float32 expected)",
                         onnx_elem_name(x->elem));
    const struct onnx_value *zp = onnx_in(ctx, n, 2);
    int elem = zp ? zp->elem : ONNX_UINT8;
    if (elem != ONNX_UINT8 && elem != ONNX_INT8)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                         "quantizing to %s (int8 and uint8 are "
                         "supported)",
                         onnx_elem_name(elem));
    return onnx_set_out(ctx, n, 0, elem, x->rank, x->dims);
}

int onnx_infer_dequantize(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = onnx_attr_only(ctx, n, (const char *const[]){"axis", NULL});
    if (err)
        return err;
    const struct onnx_value *x = onnx_need_in(ctx, n, 0, &err);
    if (!x)
        return err;
    if (x->elem != ONNX_UINT8 && x->elem != ONNX_INT8 && x->elem != ONNX_INT32)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                         "dequantizing %s (int8, uint8 and int32 are "
                         "supported)",
                         onnx_elem_name(x->elem));
    return onnx_set_out(ctx, n, 0, ONNX_FLOAT, x->rank, x->dims);
}

int onnx_infer_qlinear_add(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int err = onnx_attr_only(ctx, n, (const char *const[]){NULL});
    if (err)
        return err;
    const struct onnx_value *a = onnx_need_in(ctx, n, 0, &err);
    const struct onnx_value *b = a ? onnx_need_in(ctx, n, 3, &err) : NULL;
    if (!b)
        return err;
    char sa[DPU_SHAPE_STR_MAX], sb[DPU_SHAPE_STR_MAX];
    int rank;
    int64_t dims[DPU_TENSOR_MAX_RANK];
    if (!onnx_broadcast(a->rank, a->dims, b->rank, b->dims, &rank, dims))
        return onnx_fail(ctx, n, DPU_E_INVALID, "shapes %s and %s do not broadcast",
                         onnx_shape_str(a->rank, a->dims, sa),
                         onnx_shape_str(b->rank, b->dims, sb));
    const struct onnx_value *czp = onnx_in(ctx, n, 7);
    return onnx_set_out(ctx, n, 0, czp ? czp->elem : a->elem, rank, dims);
}
