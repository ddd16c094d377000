/* Feeding a data set to a graph (samples batched into its single input), progress lines for
 * the long loops, and reading any graph value as real numbers. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "quant_internal.h"

int q_feed_init(struct qfeed *f, const struct dpu_graph *g, const struct dpu_calib_set *cs,
                size_t count, struct dpu_diag *d)
{
    memset(f, 0, sizeof *f);
    if (g->ninputs != 1)
        return dpu_diag_set(d, DPU_E_UNSUPPORTED,
                            "graph '%s' has %zu inputs; a data set feeds exactly one",
                            g->name ? g->name : "", g->ninputs);
    if (!cs || cs->count == 0 || cs->sample_elems == 0)
        return dpu_diag_set(d, DPU_E_INVALID, "the data set holds no samples");
    /* The input's first dimension is the batch; each row of it takes one sample, which must
     * have exactly the row's number of values (its shape may differ: [28, 28] fills
     * [1, 1, 28, 28]). */
    const struct dpu_gtensor *in = &g->tensors[g->inputs[0]];
    int64_t elems = dpu_shape_count(in->rank, in->dims);
    int64_t batch = in->rank >= 1 ? in->dims[0] : 1;
    if (elems <= 0 || batch <= 0 || (uint64_t)(elems / batch) != cs->sample_elems) {
        char shape[DPU_SHAPE_STR_MAX];
        dpu_shape_format(in->rank, in->dims, shape, sizeof shape);
        return dpu_diag_set(d, DPU_E_MISMATCH,
                            "graph input '%s' %s takes samples of %" PRId64
                            " values, but the data set's samples have %zu",
                            in->name, shape, batch > 0 ? elems / batch : elems, cs->sample_elems);
    }
    f->cs = cs;
    f->count = count && count < cs->count ? count : cs->count;
    f->batch = (size_t)batch;
    return dpu_tensor_alloc(&f->in, DPU_DT_FLOAT32, in->rank, in->dims, d);
}

size_t q_feed_fill(struct qfeed *f, size_t first)
{
    size_t n = first < f->count ? f->count - first : 0;
    if (n > f->batch)
        n = f->batch;
    float *dst = f->in.data;
    size_t se = f->cs->sample_elems;
    if (n)
        memcpy(dst, dpu_calib_sample(f->cs, first), n * se * sizeof *dst);
    memset(dst + n * se, 0, (f->batch - n) * se * sizeof *dst);
    return n;
}

void q_feed_free(struct qfeed *f)
{
    dpu_tensor_free(&f->in);
}

void q_progress_start(struct qprogress *p, int mode, const char *what, size_t total)
{
    p->on = mode > 0 || (mode < 0 && isatty(STDERR_FILENO));
    p->what = what;
    p->total = total;
    p->shown = -1;
    q_progress_step(p, 0);
}

void q_progress_step(struct qprogress *p, size_t done)
{
    if (!p->on || p->total == 0)
        return;
    int pct = (int)(done * 100 / p->total);
    if (pct == p->shown)
        return;
    p->shown = pct;
    fprintf(stderr, "\r%s: %zu/%zu (%d%%)", p->what, done, p->total, pct);
    fflush(stderr);
}

void q_progress_end(struct qprogress *p)
{
    if (!p->on)
        return;
    q_progress_step(p, p->total);
    fputc('\n', stderr);
}

double q_real(const struct dpu_gtensor *gt, const struct dpu_tensor *v, size_t i)
{
    switch (v->dtype) {
    case DPU_DT_INT8: {
        double s = gt->quant.count ? gt->quant.scale[0] : 1.0;
        double z = gt->quant.count ? gt->quant.zero_point[0] : 0.0;
        return s * (((const int8_t *)v->data)[i] - z);
    }
    case DPU_DT_UINT8:
        return ((const uint8_t *)v->data)[i];
    case DPU_DT_INT32:
        return ((const int32_t *)v->data)[i];
    default:
        return ((const float *)v->data)[i];
    }
}
