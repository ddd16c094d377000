/* Empirical bias correction (Nagel et al. 2019, section 4.2, with the input statistics
 * measured instead of derived from BatchNorm parameters).
 *
 * Quantizing a layer's weights, W~ = W + dW, shifts the mean of its outputs by
 *     e[c] = E[(dW x)[c]] = sum over k, taps of dW[c, k, tap] E[x at tap of channel k],
 * the expectation taken over the calibration samples and the output positions, with x the
 * layer's input as the quantized model computes it (padding counting as 0). A shift the same
 * for every input is what a bias takes back: the int32 bias becomes
 *     b_q[c] = round_half_even((b[c] - e[c]) / (s_x s_w[c]))
 * with b the float bias. Because e is linear in x, only the mean of the input at each tap is
 * needed: one run of the quantized graph over the calibration samples sums, for every layer,
 * its int8 input per input channel and kernel tap over the output positions (the cost of a
 * depthwise convolution), and dW comes from the float layer of the same name.
 *
 * e holds the error the layer's own weights cause, on the inputs it really receives, before
 * any clamp: it does not include what its inputs' errors caused (correcting that as well in
 * every layer at once would correct upstream errors twice), and a fused Relu or Relu6 does
 * not hide part of it. Layers whose input is a graph input that is int8 already
 * (--int8-inputs) are not traced by the interpreter and keep their bias. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/qparams.h"
#include "dpu/ref.h"
#include "quant_internal.h"

struct bc_layer {
    struct qconv g;
    double *msum;     /* [cin][taps]: sum of (q - z_x) over samples, positions */
    double positions; /* samples x output positions summed */
};

struct bc {
    struct qctx *c;
    struct dpu_graph *qg;
    struct bc_layer *layers;
    size_t nlayers;
    size_t real; /* real samples in the current batch */
};

/* Adds the batch's real samples of the layer's int8 input (zero point z) to its tap sums. */
static void accumulate(struct bc_layer *L, const int8_t *x, int32_t z, size_t real)
{
    for (size_t b = 0; b < real; b++) {
        for (int64_t k = 0; k < L->g.cin; k++) {
            const int8_t *plane = x + ((int64_t)b * L->g.cin + k) * L->g.h * L->g.w;
            for (int64_t ky = 0; ky < L->g.kh; ky++) {
                int64_t oy0, oy1;
                q_tap_range(L->g.oh, L->g.sh, L->g.pt, ky * L->g.dh, L->g.h, &oy0, &oy1);
                for (int64_t kx = 0; kx < L->g.kw; kx++) {
                    int64_t ox0, ox1;
                    q_tap_range(L->g.ow, L->g.sw, L->g.pl, kx * L->g.dw, L->g.w, &ox0, &ox1);
                    int64_t sum = 0;
                    for (int64_t oy = oy0; oy < oy1; oy++) {
                        const int8_t *row =
                            plane + (oy * L->g.sh - L->g.pt + ky * L->g.dh) * L->g.w;
                        for (int64_t ox = ox0; ox < ox1; ox++)
                            sum += row[ox * L->g.sw - L->g.pl + kx * L->g.dw] - z;
                    }
                    L->msum[k * L->g.taps + ky * L->g.kw + kx] += (double)sum;
                }
            }
        }
    }
    L->positions += (double)real * (double)(L->g.oh * L->g.ow);
}

static int observe(void *user, const struct dpu_graph *g, const struct dpu_ref_event *ev)
{
    struct bc *k = user;
    for (size_t l = 0; l < k->nlayers; l++) {
        struct bc_layer *L = &k->layers[l];
        if (L->g.input != ev->tensor || ev->value->dtype != DPU_DT_INT8)
            continue;
        accumulate(L, ev->value->data, g->tensors[L->g.input].quant.zero_point[0], k->real);
    }
    return 0;
}

/* b_q[c] = round((b[c] - e[c]) / (s_x s_w[c])) for every layer that saw samples. */
static int apply(struct bc *k, struct dpu_diag *d)
{
    const struct dpu_graph *fg = &k->c->fg;
    struct dpu_graph *qg = k->qg;
    for (size_t l = 0; l < k->nlayers; l++) {
        const struct bc_layer *L = &k->layers[l];
        if (L->positions == 0)
            continue;
        const struct dpu_gnode *n = &qg->nodes[L->g.qnode], *fn = &fg->nodes[L->g.fnode];
        double sx = qg->tensors[L->g.input].quant.scale[0];
        const struct dpu_gtensor *wq = &qg->tensors[n->inputs[1]];
        const int8_t *q = wq->data;
        const float *wf = fg->tensors[fn->inputs[1]].data;
        const float *bf =
            fn->ninputs > 2 && fn->inputs[2] >= 0 ? fg->tensors[fn->inputs[2]].data : NULL;
        int32_t *b = qg->tensors[n->inputs[2]].data;
        int64_t per = L->g.cg * L->g.taps, mg = L->g.m / (L->g.cin / L->g.cg);
        for (int64_t c = 0; c < L->g.m; c++) {
            double sw = wq->quant.scale[wq->quant.count == 1 ? 0 : c];
            const double *mean = L->msum + (c / mg) * per; /* this group's input channels */
            double e = 0;
            for (int64_t j = 0; j < per; j++)
                e += (sw * q[c * per + j] - (double)wf[c * per + j]) * mean[j];
            e *= sx / L->positions;
            double v = dpu_round_half_even(((bf ? (double)bf[c] : 0.0) - e) / (sx * sw));
            if (!(v >= INT32_MIN && v <= INT32_MAX))
                return q_fail(d, n, DPU_E_RANGE,
                              "bias correction of output channel %lld leaves the int32 range",
                              (long long)c);
            b[c] = (int32_t)v;
        }
    }
    return DPU_OK;
}

static void teardown(struct bc *k)
{
    for (size_t l = 0; l < k->nlayers; l++)
        free(k->layers[l].msum);
    free(k->layers);
}

static int setup(struct bc *k, struct dpu_diag *d)
{
    const struct dpu_graph *qg = k->qg;
    k->layers = calloc(qg->nnodes ? qg->nnodes : 1, sizeof *k->layers);
    if (!k->layers)
        return dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
    for (size_t i = 0; i < qg->nnodes; i++) {
        struct bc_layer *L = &k->layers[k->nlayers];
        const struct dpu_gnode *n = &qg->nodes[i];
        if (!q_conv_of(&k->c->fg, qg, i, &L->g) || n->ninputs < 3 || n->inputs[2] < 0)
            continue; /* emission gives every layer a bias when bias correction is on */
        L->msum = calloc((size_t)(L->g.cin * L->g.taps), sizeof *L->msum);
        if (!L->msum)
            return dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
        k->nlayers++;
    }
    return DPU_OK;
}

int q_bias_correct(struct qctx *c, struct dpu_graph *qg, struct dpu_diag *d)
{
    struct bc k;
    memset(&k, 0, sizeof k);
    k.c = c;
    k.qg = qg;
    struct qfeed feed;
    memset(&feed, 0, sizeof feed);
    int err = setup(&k, d);
    if (!err)
        err = q_feed_init(&feed, &c->fg, c->calib, c->opt->calib_count, d);
    struct dpu_tensor *outs = err ? NULL : calloc(qg->noutputs ? qg->noutputs : 1, sizeof *outs);
    if (!err && !outs)
        err = dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
    struct qprogress pr;
    q_progress_start(&pr, err ? 0 : c->opt->progress, "bias correction", feed.count);
    for (size_t first = 0; !err && first < feed.count; first += feed.batch) {
        k.real = q_feed_fill(&feed, first);
        err = dpu_ref_run_trace(qg, &feed.in, 1, outs, observe, &k, d);
        for (size_t o = 0; o < qg->noutputs; o++)
            dpu_tensor_free(&outs[o]);
        q_progress_step(&pr, first + k.real);
    }
    q_progress_end(&pr);
    if (!err)
        err = apply(&k, d);
    free(outs);
    q_feed_free(&feed);
    teardown(&k);
    return err;
}
