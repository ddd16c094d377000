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
 * Groups: C_in and C_out are split into `group` equal parts; output channel m reads input
 * channels g*C_in/group .. (g+1)*C_in/group - 1 with g = m / (C_out/group). Depthwise with
 * multiplier k is group = C_in, C_out = k * C_in.
 */
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

    const int8_t *x = xt->data, *w = wt->data;
    int64_t cg = cin / group, mg = cout / group;
    for (int64_t b = 0; b < win.n; b++) {
        for (int64_t m = 0; m < cout; m++) {
            int64_t c0 = (m / mg) * cg; /* first input channel of m's group */
            for (int64_t oy = 0; oy < win.oh; oy++) {
                for (int64_t ox = 0; ox < win.ow; ox++) {
                    int32_t acc = 0;
                    int64_t by = oy * win.sh - win.pt, bx = ox * win.sw - win.pl;
                    int64_t ky0, ky1, kx0, kx1; /* taps inside the input */
                    ref_taps(by, win.dh, win.kh, 0, win.h, &ky0, &ky1);
                    ref_taps(bx, win.dw, win.kw, 0, win.w, &kx0, &kx1);
                    for (int64_t c = 0; c < cg; c++) {
                        for (int64_t ky = ky0; ky < ky1; ky++) {
                            int64_t iy = by + ky * win.dh;
                            for (int64_t kx = kx0; kx < kx1; kx++) {
                                int64_t ix = bx + kx * win.dw;
                                int32_t xv = x[((b * cin + c0 + c) * win.h + iy) * win.w + ix];
                                int32_t wv = w[((m * cg + c) * win.kh + ky) * win.kw + kx];
                                acc = dpu_mac32(acc, xv - p.zx, wv - p.zw[m]);
                            }
                        }
                    }
                    put(a->out, ((b * cout + m) * win.oh + oy) * win.ow + ox, acc, &p, m, bias);
                }
            }
        }
    }
    dpu_qp_conv_free(&p);
    return DPU_OK;
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

    const int8_t *x = xt->data, *w = wt->data;
    for (int64_t b = 0; b < nb; b++) {
        for (int64_t j = 0; j < m; j++) {
            int32_t acc = 0;
            for (int64_t i = 0; i < k; i++)
                acc = dpu_mac32(acc, x[b * k + i] - p.zx, w[j * k + i] - p.zw[j]);
            put(a->out, b * m + j, acc, &p, j, bias);
        }
    }
    dpu_qp_conv_free(&p);
    return DPU_OK;
}
