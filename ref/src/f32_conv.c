/* float32 Conv2D, FullyConnected and Gemm (ONNX semantics).
 *
 * Accumulation order, fixed so that results are reproducible: each output value starts from
 * 0.0 in a double accumulator, adds x * w (each product exact in double) over the input
 * channels of its group, then kernel rows, then kernel columns (Conv2D), or over k in
 * increasing order (FullyConnected, Gemm); the bias is added to the double sum and the result
 * rounded to float once. Double accumulation keeps the error far below the 1e-5 relative
 * tolerance of the ONNX conformance tests. The loops below state that order plainly;
 * f32_conv_tiled.c computes the same values, bit for bit, in cache- and register-sized tiles
 * and is what runs whenever it applies.
 */
#include <math.h>

#include "ref_internal.h"

/* Optional float bias of m values at input 2 (Conv2D, FullyConnected). */
static int bias_of(const struct ref_args *a, int64_t m, const float **bias, struct dpu_diag *d)
{
    *bias = NULL;
    if (a->n->ninputs < 3 || !a->in[2])
        return DPU_OK;
    int err = ref_check_input(a, 2, DPU_DT_FLOAT32, 1, 1, d);
    if (err)
        return err;
    if (a->in[2]->dims[0] != m)
        return ref_node_err(d, a->n, DPU_E_MISMATCH,
                            "bias has %lld values for %lld output "
                            "channels",
                            (long long)a->in[2]->dims[0], (long long)m);
    *bias = a->in[2]->data;
    return DPU_OK;
}

/* The tiled form (f32_conv_tiled.c) computes the same values as the loops below when every
 * weight is finite; it pads the input, so it is kept to paddings smaller than the window (any
 * larger padding only adds outputs of bias alone, and a huge one would not fit in memory). */
static bool tiled_ok(const struct ref_win *win, const float *w, int64_t nw)
{
    if (win->pt >= win->kh * win->dh || win->pb >= win->kh * win->dh ||
        win->pl >= win->kw * win->dw || win->pr >= win->kw * win->dw)
        return false;
    for (int64_t i = 0; i < nw; i++)
        if (!isfinite(w[i]))
            return false;
    return true;
}

int ref_f32_conv2d(const struct ref_args *a, struct dpu_diag *d)
{
    const struct dpu_gnode *n = a->n;
    struct ref_win win;
    int64_t group, ks[2];
    const float *bias;
    int err;

    if ((err = ref_check_input(a, 0, DPU_DT_FLOAT32, 4, 4, d)) ||
        (err = ref_check_input(a, 1, DPU_DT_FLOAT32, 4, 4, d)) ||
        (err = ref_attr_int(n, "group", 1, &group, d)))
        return err;
    const struct dpu_tensor *xt = a->in[0], *wt = a->in[1];
    int64_t cin = xt->dims[1], cout = wt->dims[0];
    if (group < 1 || cin % group != 0 || cout % group != 0 || wt->dims[1] != cin / group)
        return ref_node_err(d, n, DPU_E_MISMATCH,
                            "group %lld does not fit %lld input channels, %lld output channels "
                            "and weights with %lld channels per group",
                            (long long)group, (long long)cin, (long long)cout,
                            (long long)wt->dims[1]);
    win.n = xt->dims[0];
    win.c = cin;
    win.h = xt->dims[2];
    win.w = xt->dims[3];
    win.kh = wt->dims[2];
    win.kw = wt->dims[3];
    const int64_t wk[2] = {win.kh, win.kw};
    if ((err = ref_attr_ints(n, "kernel_shape", 2, wk, ks, d)))
        return err;
    if (ks[0] != win.kh || ks[1] != win.kw)
        return ref_node_err(d, n, DPU_E_MISMATCH,
                            "kernel_shape [%lld, %lld] does not match "
                            "the weights' %lldx%lld",
                            (long long)ks[0], (long long)ks[1], (long long)win.kh,
                            (long long)win.kw);
    if ((err = ref_win_setup(a, &win, false, true, d)) || (err = bias_of(a, cout, &bias, d)))
        return err;
    const int64_t ydims[4] = {win.n, cout, win.oh, win.ow};
    if ((err = ref_check_output(a, DPU_DT_FLOAT32, 4, ydims, d)))
        return err;

    const float *x = xt->data, *w = wt->data;
    float *y = a->out->data;
    if (tiled_ok(&win, w, dpu_tensor_count(wt)))
        return ref_f32_conv2d_tiled(&win, group, x, w, bias, cout, y, d, n);
    int64_t cg = cin / group, mg = cout / group;
    for (int64_t b = 0; b < win.n; b++) {
        for (int64_t m = 0; m < cout; m++) {
            int64_t c0 = (m / mg) * cg;
            for (int64_t oy = 0; oy < win.oh; oy++) {
                for (int64_t ox = 0; ox < win.ow; ox++) {
                    double acc = 0.0;
                    int64_t by = oy * win.sh - win.pt, bx = ox * win.sw - win.pl;
                    int64_t ky0, ky1, kx0, kx1; /* taps inside the input */
                    ref_taps(by, win.dh, win.kh, 0, win.h, &ky0, &ky1);
                    ref_taps(bx, win.dw, win.kw, 0, win.w, &kx0, &kx1);
                    for (int64_t c = 0; c < cg; c++) {
                        for (int64_t ky = ky0; ky < ky1; ky++) {
                            int64_t iy = by + ky * win.dh;
                            for (int64_t kx = kx0; kx < kx1; kx++) {
                                int64_t ix = bx + kx * win.dw;
                                acc += (double)x[((b * cin + c0 + c) * win.h + iy) * win.w + ix] *
                                       (double)w[((m * cg + c) * win.kh + ky) * win.kw + kx];
                            }
                        }
                    }
                    if (bias)
                        acc += (double)bias[m];
                    y[((b * cout + m) * win.oh + oy) * win.ow + ox] = (float)acc;
                }
            }
        }
    }
    return DPU_OK;
}

int ref_f32_fully_connected(const struct ref_args *a, struct dpu_diag *d)
{
    const float *bias;
    int err;
    if ((err = ref_check_input(a, 0, DPU_DT_FLOAT32, 2, 2, d)) ||
        (err = ref_check_input(a, 1, DPU_DT_FLOAT32, 2, 2, d)))
        return err;
    const struct dpu_tensor *xt = a->in[0], *wt = a->in[1];
    int64_t nb = xt->dims[0], k = xt->dims[1], m = wt->dims[0];
    if (wt->dims[1] != k)
        return ref_node_err(d, a->n, DPU_E_MISMATCH, "input has %lld features, weights %lld",
                            (long long)k, (long long)wt->dims[1]);
    if ((err = bias_of(a, m, &bias, d)))
        return err;
    const int64_t ydims[2] = {nb, m};
    if ((err = ref_check_output(a, DPU_DT_FLOAT32, 2, ydims, d)))
        return err;
    const float *x = xt->data, *w = wt->data;
    float *y = a->out->data;
    for (int64_t b = 0; b < nb; b++) {
        for (int64_t j = 0; j < m; j++) {
            double acc = 0.0;
            for (int64_t i = 0; i < k; i++)
                acc += (double)x[b * k + i] * (double)w[j * k + i];
            if (bias)
                acc += (double)bias[j];
            y[b * m + j] = (float)acc;
        }
    }
    return DPU_OK;
}

/* Gemm: Y = alpha * A' * B' + beta * C, A' = transA ? A^T : A ([M, K]), B' = transB ? B^T : B
 * ([K, N]), C optional and broadcast to [M, N] (numpy rules, as ONNX's unidirectional
 * broadcast). alpha * sum + beta * c is formed in double and rounded once. */
int ref_f32_gemm(const struct ref_args *a, struct dpu_diag *d)
{
    const struct dpu_gnode *n = a->n;
    double alpha, beta;
    int64_t ta, tb;
    int err;
    if ((err = ref_check_input(a, 0, DPU_DT_FLOAT32, 2, 2, d)) ||
        (err = ref_check_input(a, 1, DPU_DT_FLOAT32, 2, 2, d)) ||
        (err = ref_attr_float(n, "alpha", 1.0, &alpha, d)) ||
        (err = ref_attr_float(n, "beta", 1.0, &beta, d)) ||
        (err = ref_attr_int(n, "transA", 0, &ta, d)) ||
        (err = ref_attr_int(n, "transB", 0, &tb, d)))
        return err;
    const struct dpu_tensor *at = a->in[0], *bt = a->in[1];
    int64_t m = ta ? at->dims[1] : at->dims[0], k = ta ? at->dims[0] : at->dims[1];
    int64_t kb = tb ? bt->dims[1] : bt->dims[0], nn = tb ? bt->dims[0] : bt->dims[1];
    if (kb != k)
        return ref_node_err(d, n, DPU_E_MISMATCH, "A' has %lld columns, B' has %lld rows",
                            (long long)k, (long long)kb);
    const int64_t ydims[2] = {m, nn};
    if ((err = ref_check_output(a, DPU_DT_FLOAT32, 2, ydims, d)))
        return err;
    const float *c = NULL;
    struct ref_bcast bc;
    if (n->ninputs > 2 && a->in[2]) {
        if ((err = ref_check_input(a, 2, DPU_DT_FLOAT32, 0, 2, d)) ||
            (err = ref_broadcast(n, a->in[2]->rank, a->in[2]->dims, 2, ydims, &bc, d)))
            return err;
        if (bc.rank != 2 || bc.dims[0] != m || bc.dims[1] != nn)
            return ref_node_err(d, n, DPU_E_MISMATCH, "C does not broadcast to [%lld, %lld]",
                                (long long)m, (long long)nn);
        c = a->in[2]->data;
    }
    const float *av = at->data, *bv = bt->data;
    float *y = a->out->data;
    int64_t cnt[DPU_TENSOR_MAX_RANK] = {0}, ic = 0, iy = 0;
    for (int64_t i = 0; i < m; i++) {
        for (int64_t j = 0; j < nn; j++) {
            double acc = 0.0;
            for (int64_t p = 0; p < k; p++) {
                double x = av[ta ? p * m + i : i * k + p];
                double w = bv[tb ? j * k + p : p * nn + j];
                acc += x * w;
            }
            double v = alpha * acc;
            if (c) {
                v += beta * (double)c[ic];
                ref_bcast_next(&bc, cnt, &ic, &iy);
            }
            y[i * nn + j] = (float)v;
        }
    }
    return DPU_OK;
}
