/* Top-1/top-5 accuracy of a graph over a labelled data set, with the reference interpreter
 * (float kernels for a float graph, the int8 kernels of the arithmetic contract for a
 * quantized one). Scores are graph output 0, one row per sample of the batch; int8 scores are
 * dequantized (which keeps their order). */
#include <stdlib.h>
#include <string.h>

#include "dpu/ref.h"
#include "quant_internal.h"

/* The rank of class `label` among the scores: how many classes beat it (ties: the lower
 * class index ranks first, as argmax does). */
static size_t rank_of(const struct dpu_gtensor *gt, const struct dpu_tensor *v, size_t row,
                      size_t classes, size_t label)
{
    double mine = q_real(gt, v, row * classes + label);
    size_t r = 0;
    for (size_t k = 0; k < classes; k++) {
        double s = q_real(gt, v, row * classes + k);
        r += s > mine || (s == mine && k < label);
    }
    return r;
}

int dpu_eval_topk(const struct dpu_graph *g, const struct dpu_calib_set *data, int progress,
                  struct dpu_eval_result *r, struct dpu_diag *d)
{
    return dpu_eval_topk_scores(g, data, progress, r, NULL, NULL, d);
}

int dpu_eval_topk_scores(const struct dpu_graph *g, const struct dpu_calib_set *data, int progress,
                         struct dpu_eval_result *r, float **scores, size_t *classes_out,
                         struct dpu_diag *d)
{
    memset(r, 0, sizeof *r);
    if (scores)
        *scores = NULL;
    if (classes_out)
        *classes_out = 0;
    if (!data || !data->labels)
        return dpu_diag_set(d, DPU_E_INVALID, "top-k accuracy needs labels for the data set");
    if (g->noutputs < 1)
        return dpu_diag_set(d, DPU_E_INVALID, "graph '%s' has no outputs", g->name);
    struct qfeed feed;
    int err = q_feed_init(&feed, g, data, 0, d);
    if (err)
        return err;
    const struct dpu_gtensor *out = &g->tensors[g->outputs[0]];
    int64_t elems = dpu_shape_count(out->rank, out->dims);
    if (elems <= 0 || (size_t)elems % feed.batch != 0) {
        q_feed_free(&feed);
        return dpu_diag_set(d, DPU_E_MISMATCH,
                            "graph output '%s' does not hold one row of scores per sample of a "
                            "batch of %zu",
                            out->name, feed.batch);
    }
    size_t classes = (size_t)elems / feed.batch;
    struct dpu_tensor *outs = calloc(g->noutputs, sizeof *outs);
    float *kept = NULL;
    if (scores && feed.count && classes > SIZE_MAX / sizeof *kept / feed.count)
        err = dpu_diag_set(d, DPU_E_RANGE, "%zu samples x %zu scores do not fit in memory",
                           feed.count, classes);
    else if (scores && !(kept = malloc((feed.count ? feed.count : 1) * classes * sizeof *kept)))
        err =
            dpu_diag_set(d, DPU_E_NOMEM, "out of memory for %zu x %zu scores", feed.count, classes);
    if (!err && !outs)
        err = dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    struct qprogress pr;
    q_progress_start(&pr, err ? 0 : progress, "evaluating", feed.count);
    for (size_t first = 0; !err && first < feed.count; first += feed.batch) {
        size_t n = q_feed_fill(&feed, first);
        err = dpu_ref_run(g, &feed.in, 1, outs, d);
        for (size_t s = 0; !err && s < n; s++) {
            int32_t label = data->labels[first + s];
            if ((size_t)label >= classes) {
                err = dpu_diag_set(d, DPU_E_RANGE,
                                   "label %d of sample %zu is not below the %zu "
                                   "classes of output '%s'",
                                   (int)label, first + s, classes, out->name);
                break;
            }
            size_t rk = rank_of(out, &outs[0], s, classes, (size_t)label);
            for (size_t k = 0; kept && k < classes; k++)
                kept[(first + s) * classes + k] = (float)q_real(out, &outs[0], s * classes + k);
            r->top1 += rk == 0;
            r->top5 += rk < 5;
            r->count++;
        }
        for (size_t k = 0; k < g->noutputs; k++)
            dpu_tensor_free(&outs[k]);
        q_progress_step(&pr, first + n);
    }
    q_progress_end(&pr);
    free(outs);
    q_feed_free(&feed);
    if (!err && r->count) {
        r->top1_rate = (double)r->top1 / (double)r->count;
        r->top5_rate = (double)r->top5 / (double)r->count;
    }
    if (err) {
        free(kept);
    } else if (scores) {
        *scores = kept;
        *classes_out = classes;
    }
    return err;
}
