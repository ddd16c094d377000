/* Convolution and pooling windows: ONNX attributes -> explicit geometry.
 *
 * auto_pad SAME_UPPER / SAME_LOWER become explicit pads the way ONNX defines them: the
 * output has ceil(in / stride) elements, the total padding is what that needs, and the odd
 * element goes at the end (UPPER) or the beginning (LOWER). VALID is no padding.
 */
#include <inttypes.h>
#include <string.h>

#include "dpu/onnx_shape.h"

#define MAX_WINDOW ((int64_t)1 << 20)

/* An INTS attribute with exactly len values in [lo, hi], or def when absent. */
static int ints_attr(struct onnx_ctx *ctx, const struct onnx_node *n, const char *name, size_t len,
                     int64_t def, int64_t lo, int64_t hi, int64_t *out)
{
    const int64_t *v;
    size_t count;
    int err = onnx_attr_ints(ctx, n, name, &v, &count);
    if (err)
        return err;
    if (!v && count == 0) {
        for (size_t i = 0; i < len; i++)
            out[i] = def;
        return DPU_OK;
    }
    if (count != len)
        return onnx_fail_attr(ctx, n, name, DPU_E_INVALID, "has %zu values, expected %zu", count,
                              len);
    for (size_t i = 0; i < len; i++) {
        if (v[i] < lo || v[i] > hi)
            return onnx_fail_attr(ctx, n, name, DPU_E_RANGE,
                                  "value %" PRId64 " is outside [%" PRId64 ", %" PRId64 "]", v[i],
                                  lo, hi);
        out[i] = v[i];
    }
    return DPU_OK;
}

static int64_t ceil_div(int64_t a, int64_t b)
{
    return (a + b - 1) / b;
}

int onnx_window(struct onnx_ctx *ctx, const struct onnx_node *n, enum onnx_window_kind kind,
                int rank, const int64_t *x, const int64_t *wk, struct onnx_window *w)
{
    memset(w, 0, sizeof *w);
    if (rank != 3 && rank != 4)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                         "input of rank %d: only 1-D (N, C, L) and 2-D (N, C, H, W) windows are "
                         "supported",
                         rank);
    int nsp = w->nsp = rank - 2;
    int err;
    const int64_t *ks;
    size_t nks;
    if ((err = onnx_attr_ints(ctx, n, "kernel_shape", &ks, &nks)))
        return err;
    if (!ks && kind != ONNX_WIN_CONV)
        return onnx_fail_attr(ctx, n, "kernel_shape", DPU_E_INVALID, "is required");
    if (ks || nks) {
        if ((err = ints_attr(ctx, n, "kernel_shape", (size_t)nsp, 1, 1, MAX_WINDOW, w->kernel)))
            return err;
        for (int i = 0; wk && i < nsp; i++)
            if (w->kernel[i] != wk[i])
                return onnx_fail_attr(ctx, n, "kernel_shape", DPU_E_MISMATCH,
                                      "says %" PRId64 " but the weights have %" PRId64,
                                      w->kernel[i], wk[i]);
    } else {
        for (int i = 0; i < nsp; i++) {
            if (wk[i] < 1 || wk[i] > MAX_WINDOW)
                return onnx_fail(ctx, n, DPU_E_RANGE, "kernel size %" PRId64 " out of range",
                                 wk[i]);
            w->kernel[i] = wk[i];
        }
    }
    if ((err = ints_attr(ctx, n, "strides", (size_t)nsp, 1, 1, MAX_WINDOW, w->stride)))
        return err;
    if (kind == ONNX_WIN_AVGPOOL) {
        w->dilation[0] = w->dilation[1] = 1;
    } else if ((err = ints_attr(ctx, n, "dilations", (size_t)nsp, 1, 1, MAX_WINDOW, w->dilation))) {
        return err;
    }
    int64_t pads[4];
    if ((err = ints_attr(ctx, n, "pads", (size_t)(2 * nsp), 0, 0, MAX_WINDOW, pads)))
        return err;
    int64_t ceil_mode = 0, cip = 0;
    if (kind != ONNX_WIN_CONV && (err = onnx_attr_int(ctx, n, "ceil_mode", 0, &ceil_mode)))
        return err;
    if (ceil_mode != 0 && ceil_mode != 1)
        return onnx_fail_attr(ctx, n, "ceil_mode", DPU_E_RANGE, "must be 0 or 1");
    if (kind == ONNX_WIN_AVGPOOL && (err = onnx_attr_int(ctx, n, "count_include_pad", 0, &cip)))
        return err;
    if (cip != 0 && cip != 1)
        return onnx_fail_attr(ctx, n, "count_include_pad", DPU_E_RANGE, "must be 0 or 1");
    w->ceil_mode = ceil_mode;
    w->count_include_pad = cip;

    char ap[32];
    if ((err = onnx_attr_string(ctx, n, "auto_pad", "NOTSET", ap, sizeof ap)))
        return err;
    bool same_upper = strcmp(ap, "SAME_UPPER") == 0, same_lower = strcmp(ap, "SAME_LOWER") == 0;
    bool valid = strcmp(ap, "VALID") == 0;
    if (!same_upper && !same_lower && !valid && strcmp(ap, "NOTSET") != 0)
        return onnx_fail_attr(ctx, n, "auto_pad", DPU_E_UNSUPPORTED,
                              "value '%s' is not supported (NOTSET, SAME_UPPER, SAME_LOWER, "
                              "VALID are)",
                              ap);
    if (strcmp(ap, "NOTSET") != 0 && onnx_attr(n, "pads"))
        for (int i = 0; i < 2 * nsp; i++)
            if (pads[i] != 0)
                return onnx_fail_attr(ctx, n, "pads", DPU_E_INVALID,
                                      "must not be given with auto_pad %s", ap);

    for (int i = 0; i < nsp; i++) {
        int64_t in = x[2 + i], k = w->kernel[i], s = w->stride[i];
        int64_t ek = (k - 1) * w->dilation[i] + 1;
        w->in[i] = in;
        if (same_upper || same_lower) {
            int64_t out = ceil_div(in, s);
            int64_t total = (out - 1) * s + ek - in;
            if (total < 0)
                total = 0;
            w->pad_begin[i] = same_upper ? total / 2 : total - total / 2;
            w->pad_end[i] = total - w->pad_begin[i];
            w->out[i] = out;
        } else {
            w->pad_begin[i] = valid ? 0 : pads[i];
            w->pad_end[i] = valid ? 0 : pads[nsp + i];
            int64_t span = in + w->pad_begin[i] + w->pad_end[i] - ek;
            if (span < 0)
                return onnx_fail(ctx, n, DPU_E_INVALID,
                                 "the window (%" PRId64 " with dilation) is larger than the "
                                 "padded input (%" PRId64 ")",
                                 ek, in + w->pad_begin[i] + w->pad_end[i]);
            w->out[i] = (ceil_mode ? ceil_div(span, s) : span / s) + 1;
        }
        if (kind != ONNX_WIN_CONV && (w->pad_begin[i] >= ek || w->pad_end[i] >= ek))
            return onnx_fail_attr(
                ctx, n, "pads", DPU_E_UNSUPPORTED,
                "a pooling pad as large as the window (%" PRId64 ") is not supported", ek);
        /* ceil_mode drops a last window that would start in the end padding (as PyTorch
         * and onnxruntime do, and as the graph IR defines its windows). */
        if (ceil_mode && (w->out[i] - 1) * s >= in + w->pad_begin[i])
            w->out[i]--;
        if (w->out[i] < 1)
            return onnx_fail(ctx, n, DPU_E_INVALID, "the output would be empty");
    }
    return DPU_OK;
}
