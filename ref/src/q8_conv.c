/* int8 Conv2D and FullyConnected: the contract's multiply-accumulate and requantization.
 *
 *   acc[m]  = sum over (c in m's group, ky, kx) of
 *               (x[c, iy, ix] - z_x) * (w[m, c, ky, kx] - z_w[m])
 *             (int32, wrapping: dpu_mac32), taps that fall in the padding skipped, which is
 *             the same as reading x = z_x there
 *   y[m]    = clamp(rq(wrap32(acc[m] + bias[m]), M[m], s[m]) + z_y, lo, hi)
 *             (dpu_requant_out), M[m], s[m] = qm(s_x * s_w[m] / s_y) from dpu_qplan_conv_any
 *   y[m]    = acc[m] when the output is int32 (the raw form of ONNX ConvInteger: no bias, no
 *             requantization, no clamp)
 *
 * z_w is 0 for the quantizer's symmetric weights; imported weights (QLinearConv with uint8
 * weights, ConvInteger) may have any int8 zero point, per tensor or per output channel. Each
 * factor then lies in [-255, 255], so a product is at most 65025 in magnitude.
 *
 * The sums are formed by ref_q8_gemm (q8_gemm.c) as dot products of columns x - z_x (0 for
 * taps in the padding) with weight rows w - z_w[m]: the same products, added modulo 2^32 in
 * another order, which gives the same int32 (the proof is in q8_gemm.c).
 *
 * Groups: C_in and C_out are split into `group` equal parts; output channel m reads input
 * channels g*C_in/group .. (g+1)*C_in/group - 1 with g = m / (C_out/group). Depthwise with
 * multiplier k is group = C_in, C_out = k * C_in.
 */
#include <stdlib.h>

#include "dpu/qmath.h"
#include "dpu/qplan.h"
#include "ref_internal.h"

/* Bias (optional input 2): int32 [M]. Returns its data or NULL when absent. */
static int bias_of(const struct ref_args *a, int64_t m, const int32_t **bias, struct dpu_diag *d)
{
    *bias = NULL;
    if (a->n->ninputs < 3 || !a->in[2])
        return DPU_OK;
    int err = ref_check_input(a, 2, DPU_DT_INT32, 1, 1, d);
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

/* int32 for the raw accumulator form, int8 otherwise. The output slot has the graph tensor's
 * dtype, from which dpu_qplan_conv_any also reads the form (plan() checks they agree). */
static enum dpu_dtype out_dtype(const struct ref_args *a)
{
    return a->out->dtype == DPU_DT_INT32 ? DPU_DT_INT32 : DPU_DT_INT8;
}

/* Output element i of channel m: the raw accumulator, or its requantization. */
static void put(struct dpu_tensor *out, int64_t i, int32_t acc, const struct dpu_qp_conv *p,
                int64_t m, const int32_t *bias)
{
    if (p->raw)
        ((int32_t *)out->data)[i] = acc;
    else
        ((int8_t *)out->data)[i] =
            dpu_requant_out(acc, bias ? bias[m] : 0, p->ch[m].M, p->ch[m].s, p->zy, p->lo, p->hi);
}

/* The planned parameters must cover exactly the weight tensor's output channels. */
static int plan(const struct ref_args *a, int64_t m, struct dpu_qp_conv *p, struct dpu_diag *d)
{
    int err = dpu_qplan_conv_any(a->g, a->n, p, d);
    if (err)
        return err;
    if ((int64_t)p->nch != m) {
        dpu_qp_conv_free(p);
        return ref_node_err(d, a->n, DPU_E_INTERNAL, "planned %zu channels for %lld", p->nch,
                            (long long)m);
    }
    if (p->raw != (out_dtype(a) == DPU_DT_INT32)) {
        dpu_qp_conv_free(p);
        return ref_node_err(d, a->n, DPU_E_INTERNAL, "the output's dtype changed while planning");
    }
    return DPU_OK;
}

/* Column of output pixel px of batch b, group starting at input channel c0: the differences
 * x - z_x in the weights' order (c, ky, kx), 0 for taps in the padding (which the plain sum
 * skips, i.e. adds nothing for) and beyond K. */
struct conv_cols {
    const int8_t *x;
    const struct ref_win *win;
    int64_t cin, b, c0, cg, Kp;
    int32_t zx;
};

static void conv_col(void *ctx, int64_t px, int16_t *col)
{
    const struct conv_cols *c = ctx;
    const struct ref_win *w = c->win;
    int64_t oy = px / w->ow, ox = px % w->ow;
    int64_t by = oy * w->sh - w->pt, bx = ox * w->sw - w->pl;
    int64_t ky0, ky1, kx0, kx1; /* taps inside the input */
    ref_taps(by, w->dh, w->kh, 0, w->h, &ky0, &ky1);
    ref_taps(bx, w->dw, w->kw, 0, w->w, &kx0, &kx1);
    for (int64_t k = 0; k < c->Kp; k++)
        col[k] = 0;
    for (int64_t ch = 0; ch < c->cg; ch++) {
        const int8_t *plane = c->x + (c->b * c->cin + c->c0 + ch) * w->h * w->w;
        int16_t *cc = col + ch * w->kh * w->kw;
        for (int64_t ky = ky0; ky < ky1; ky++) {
            const int8_t *row = plane + (by + ky * w->dh) * w->w;
            for (int64_t kx = kx0; kx < kx1; kx++)
                cc[ky * w->kw + kx] = (int16_t)(row[bx + kx * w->dw] - c->zx);
        }
    }
}

/* Weight rows of output channels m0 .. m0+nm-1, each K = cg*kh*kw values w - z_w[m] in the
 * tensor's own order, padded with zeros to Kp. */
static void weight_rows(int16_t *wt, const int8_t *w, int64_t m0, int64_t nm, int64_t K, int64_t Kp,
                        const struct dpu_qp_conv *p)
{
    for (int64_t i = 0; i < nm; i++) {
        const int8_t *wm = w + (m0 + i) * K;
        for (int64_t k = 0; k < K; k++)
            wt[i * Kp + k] = (int16_t)(wm[k] - p->zw[m0 + i]);
        for (int64_t k = K; k < Kp; k++)
            wt[i * Kp + k] = 0;
    }
}

/* Every group of every batch item through ref_q8_gemm, then put. cc->x, win, cin, cg and zx
 * are set; b, c0 and Kp are filled here. Returns DPU_OK or DPU_E_NOMEM. */
static int gemm_groups(const struct ref_args *a, struct conv_cols *cc, int64_t cout, int64_t group,
                       const int8_t *w, const struct dpu_qp_conv *p, const int32_t *bias)
{
    const struct ref_win *win = cc->win;
    int64_t mg = cout / group, P = win->oh * win->ow;
    int64_t K = cc->cg * win->kh * win->kw;
    int64_t Kp = (K + REF_DOT_BLOCK - 1) / REF_DOT_BLOCK * REF_DOT_BLOCK;
    cc->Kp = Kp;
    int16_t *wt = malloc((size_t)(mg * Kp) * sizeof *wt);
    uint32_t *sums = malloc((size_t)(mg * P) * sizeof *sums);
    int err = wt && sums ? DPU_OK : DPU_E_NOMEM;
    for (int64_t g = 0; g < group && !err; g++) {
        weight_rows(wt, w, g * mg, mg, K, Kp, p);
        cc->c0 = g * cc->cg;
        for (int64_t b = 0; b < win->n && !err; b++) {
            cc->b = b;
            err = ref_q8_gemm(mg, P, Kp, wt, conv_col, cc, sums);
            for (int64_t i = 0; i < mg && !err; i++) {
                int64_t m = g * mg + i;
                for (int64_t px = 0; px < P; px++)
                    put(a->out, (b * cout + m) * P + px, dpu_i32_from_u32(sums[i * P + px]), p, m,
                        bias);
            }
        }
    }
    free(wt);
    free(sums);
    return err;
}

int ref_q8_conv2d(const struct ref_args *a, struct dpu_diag *d)
{
    const struct dpu_gnode *n = a->n;
    struct ref_win win;
    int64_t group, ks[2];
    const int32_t *bias;
    int err;

    if ((err = ref_check_input(a, 0, DPU_DT_INT8, 4, 4, d)) ||
        (err = ref_check_input(a, 1, DPU_DT_INT8, 4, 4, d)) ||
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
    struct dpu_qp_conv p;
    if ((err = ref_check_output(a, out_dtype(a), 4, ydims, d)) || (err = plan(a, cout, &p, d)))
        return err;

    int64_t cg = cin / group;
    struct conv_cols cc = {xt->data, &win, cin, 0, 0, cg, 0, p.zx};
    err = gemm_groups(a, &cc, cout, group, (const int8_t *)wt->data, &p, bias);
    dpu_qp_conv_free(&p);
    return err ? ref_node_err(d, n, err, "out of memory for the convolution's buffers") : DPU_OK;
}

/* FullyConnected: x [N, K], w [M, K], y[n, m] as Conv2D with a 1x1 kernel over K channels. */
int ref_q8_fully_connected(const struct ref_args *a, struct dpu_diag *d)
{
    const struct dpu_gnode *n = a->n;
    const int32_t *bias;
    int err;

    if ((err = ref_check_input(a, 0, DPU_DT_INT8, 2, 2, d)) ||
        (err = ref_check_input(a, 1, DPU_DT_INT8, 2, 2, d)))
        return err;
    const struct dpu_tensor *xt = a->in[0], *wt = a->in[1];
    int64_t nb = xt->dims[0], k = xt->dims[1], m = wt->dims[0];
    if (wt->dims[1] != k)
        return ref_node_err(d, n, DPU_E_MISMATCH, "input has %lld features, weights %lld",
                            (long long)k, (long long)wt->dims[1]);
    if ((err = bias_of(a, m, &bias, d)))
        return err;
    const int64_t ydims[2] = {nb, m};
    struct dpu_qp_conv p;
    if ((err = ref_check_output(a, out_dtype(a), 2, ydims, d)) || (err = plan(a, m, &p, d)))
        return err;

    /* A 1x1 convolution over a 1x1 image of k channels, batch nb. */
    struct ref_win win = {.n = nb,
                          .c = k,
                          .h = 1,
                          .w = 1,
                          .kh = 1,
                          .kw = 1,
                          .sh = 1,
                          .sw = 1,
                          .dh = 1,
                          .dw = 1,
                          .oh = 1,
                          .ow = 1};
    struct conv_cols cc = {xt->data, &win, k, 0, 0, k, 0, p.zx};
    err = gemm_groups(a, &cc, m, 1, (const int8_t *)wt->data, &p, bias);
    dpu_qp_conv_free(&p);
    return err ? ref_node_err(d, n, err, "out of memory for the fully connected layer's buffers")
               : DPU_OK;
}
