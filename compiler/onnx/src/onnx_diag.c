/* Messages that point at the user's model: every error about a node names it and its op,
 * so the user can find it in Netron or in the exporter's code. */
#include <stdio.h>
#include <string.h>

#include "dpu/onnx_ctx.h"

const char *onnx_safe_name(const char *s, char buf[ONNX_NAME_MAX])
{
    size_t n = 0;
    if (!s)
        s = "";
    for (; *s && n < ONNX_NAME_MAX - 4; s++)
        buf[n++] = (*s < 0x20 || *s == 0x7f) ? '?' : *s;
    if (*s)
        memcpy(buf + n, "...", 3), n += 3;
    buf[n] = '\0';
    return buf;
}

const char *onnx_shape_str(int rank, const int64_t *dims, char *buf)
{
    return dpu_shape_format(rank, dims, buf, DPU_SHAPE_STR_MAX);
}

const char *onnx_node_label(const struct onnx_ctx *ctx, const struct onnx_node *n,
                            char buf[ONNX_LABEL_MAX])
{
    char nb[ONNX_NAME_MAX], ob[ONNX_NAME_MAX], mb[ONNX_NAME_MAX];
    snprintf(buf, ONNX_LABEL_MAX, "%s: node '%s' (%s)", onnx_safe_name(ctx->model_name, mb),
             onnx_safe_name(n->name, nb), onnx_safe_name(n->op, ob));
    return buf;
}

static int vfail(struct onnx_ctx *ctx, const struct onnx_node *n, const char *attr, int err,
                 const char *fmt, va_list ap)
{
    char msg[sizeof ctx->d->msg], nb[ONNX_NAME_MAX], ob[ONNX_NAME_MAX], ab[ONNX_NAME_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (attr)
        return dpu_diag_set(ctx->d, err, "%s: node '%s' (%s): attribute '%s' %s", ctx->model_name,
                            onnx_safe_name(n->name, nb), onnx_safe_name(n->op, ob),
                            onnx_safe_name(attr, ab), msg);
    return dpu_diag_set(ctx->d, err, "%s: node '%s' (%s): %s", ctx->model_name,
                        onnx_safe_name(n->name, nb), onnx_safe_name(n->op, ob), msg);
}

int onnx_fail(struct onnx_ctx *ctx, const struct onnx_node *n, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vfail(ctx, n, NULL, err, fmt, ap);
    va_end(ap);
    return r;
}

int onnx_fail_attr(struct onnx_ctx *ctx, const struct onnx_node *n, const char *attr, int err,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vfail(ctx, n, attr, err, fmt, ap);
    va_end(ap);
    return r;
}
