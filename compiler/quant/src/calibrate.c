/* Calibration: the float graph runs on the calibration samples (float reference interpreter,
 * dpu_ref_run_trace) and every activation's values feed its histogram (calib_hist.c). Graph
 * inputs are not reported by the trace, so their batches are added here. Progress shows on a
 * terminal. */
#include <stdlib.h>

#include "dpu/ref.h"
#include "quant_internal.h"

struct observer {
    struct qctx *c;
    size_t batch, real; /* samples per run, real (not padding) samples in this run */
};

static int observe(void *user, const struct dpu_graph *g, const struct dpu_ref_event *ev)
{
    struct observer *o = user;
    struct qtensor *qt = &o->c->tensors[ev->tensor];
    const struct dpu_tensor *v = ev->value;
    if (!qt->hist || v->dtype != DPU_DT_FLOAT32)
        return 0;
    size_t n = (size_t)dpu_tensor_count(v);
    /* In a last, partly padded batch only the rows of real samples count (when the tensor
     * keeps the batch as its first dimension). */
    if (o->real < o->batch && v->rank >= 1 && v->dims[0] == (int64_t)o->batch)
        n = n / o->batch * o->real;
    dpu_qhist_add(qt->hist, v->data, n);
    return 0;
}

int q_calibrate(struct qctx *c, struct dpu_diag *d)
{
    struct dpu_graph *g = &c->fg;
    /* Statistics only where the ranges pass will read them: a fused layer's pre-activation
     * values, say, are never quantized, and binning them would cost as much again. */
    bool *need = calloc(g->ntensors ? g->ntensors : 1, sizeof *need);
    if (!need)
        return dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory (histograms)");
    q_stats_needed(c, need);
    for (size_t t = 0; t < g->ntensors; t++) {
        if (g->tensors[t].data || !need[t])
            continue;
        c->tensors[t].hist = malloc(sizeof *c->tensors[t].hist);
        if (!c->tensors[t].hist) {
            free(need);
            return dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory (histograms)");
        }
        dpu_qhist_init(c->tensors[t].hist);
    }
    free(need);
    struct qfeed feed;
    int err = q_feed_init(&feed, g, c->calib, c->opt->calib_count, d);
    if (err)
        return err;
    c->ncalib = feed.count;
    struct qprogress pr;
    q_progress_start(&pr, c->opt->progress, "calibrating", feed.count);
    struct dpu_tensor *outs = calloc(g->noutputs ? g->noutputs : 1, sizeof *outs);
    if (!outs)
        err = dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
    for (size_t first = 0; !err && first < feed.count; first += feed.batch) {
        size_t n = q_feed_fill(&feed, first);
        struct observer o = {c, feed.batch, n};
        dpu_qhist_add(c->tensors[g->inputs[0]].hist, feed.in.data, n * c->calib->sample_elems);
        err = dpu_ref_run_trace(g, &feed.in, 1, outs, observe, &o, d);
        for (size_t k = 0; k < g->noutputs; k++)
            dpu_tensor_free(&outs[k]);
        q_progress_step(&pr, first + n);
    }
    q_progress_end(&pr);
    free(outs);
    q_feed_free(&feed);
    return err;
}
