/* Empirical bias correction (after Nagel et al. 2019, section 4.2, measured rather than
 * derived): quantizing weights shifts the mean of a layer's outputs, E[W~ x] != E[W x], and a
 * shift that is the same for every input is exactly what a bias can take back.
 *
 * The float graph and the quantized graph run on the calibration samples; for every Conv2D
 * and FullyConnected of the quantized graph, the mean error of its output per channel c,
 *     e[c] = mean over samples and positions of (s_y (q - z_y) - y_float),
 * is measured against the float tensor of the same name, and the int32 bias absorbs it:
 *     b[c] -= round_half_even(e[c] / (s_x s_w[c])).
 * All layers are corrected from one joint run, so a layer's measured error includes what its
 * inputs' errors caused; when a fused Relu clips, the error is that of the clipped outputs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/qparams.h"
#include "dpu/ref.h"
#include "quant_internal.h"

struct corr_layer {
    int32_t qnode;   /* node of qg */
    int32_t ftensor; /* its float twin in c->fg */
    int64_t m;       /* channels */
    double *sum;     /* per channel: summed error */
    double *count;
};

struct corr {
    struct qctx *c;
    struct dpu_graph *qg;
    struct corr_layer *layers;
    size_t nlayers;
    int32_t *layer_of_ftensor; /* fg tensor -> layer index, -1 */
    int32_t *layer_of_qnode;   /* qg node -> layer index, -1 */
    float **fvals;             /* per layer: the float values of the current batch */
    size_t batch, real;
};

/* The float tensor a quantized tensor approximates: the same name, less a ":q" suffix. */
static int32_t float_twin(const struct dpu_graph *fg, const char *qname)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", qname);
    size_t len = strlen(buf);
    if (len > 2 && strcmp(buf + len - 2, ":q") == 0)
        buf[len - 2] = '\0';
    return dpu_graph_find_tensor(fg, buf);
}

static size_t real_elems(const struct corr *k, const struct dpu_tensor *v)
{
    size_t n = (size_t)dpu_tensor_count(v);
    if (k->real < k->batch && v->rank >= 1 && v->dims[0] == (int64_t)k->batch)
        n = n / k->batch * k->real;
    return n;
}

static int keep_float(void *user, const struct dpu_graph *g, const struct dpu_ref_event *ev)
{
    struct corr *k = user;
    int32_t l = k->layer_of_ftensor[ev->tensor];
    if (l >= 0)
        memcpy(k->fvals[l], ev->value->data, (size_t)dpu_tensor_nbytes(ev->value));
    return 0;
}

static int measure(void *user, const struct dpu_graph *g, const struct dpu_ref_event *ev)
{
    struct corr *k = user;
    int32_t l = k->layer_of_qnode[ev->node];
    if (l < 0)
        return 0;
    struct corr_layer *L = &k->layers[l];
    const struct dpu_tensor *v = ev->value;
    const struct dpu_gtensor *gt = &g->tensors[ev->tensor];
    int64_t inner = v->rank > 2 ? dpu_shape_count(v->rank - 2, v->dims + 2) : 1;
    size_t n = real_elems(k, v);
    const float *f = k->fvals[l];
    for (size_t i = 0; i < n; i++) {
        int64_t ch = ((int64_t)i / inner) % L->m;
        L->sum[ch] += q_real(gt, v, i) - (double)f[i];
        L->count[ch] += 1;
    }
    return 0;
}

static int setup(struct corr *k, struct dpu_diag *d)
{
    const struct dpu_graph *fg = &k->c->fg, *qg = k->qg;
    k->layers = calloc(qg->nnodes ? qg->nnodes : 1, sizeof *k->layers);
    k->fvals = calloc(qg->nnodes ? qg->nnodes : 1, sizeof *k->fvals);
    k->layer_of_ftensor = malloc((fg->ntensors ? fg->ntensors : 1) * sizeof(int32_t));
    k->layer_of_qnode = malloc((qg->nnodes ? qg->nnodes : 1) * sizeof(int32_t));
    if (!k->layers || !k->fvals || !k->layer_of_ftensor || !k->layer_of_qnode)
        return dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
    for (size_t t = 0; t < fg->ntensors; t++)
        k->layer_of_ftensor[t] = -1;
    for (size_t i = 0; i < qg->nnodes; i++) {
        k->layer_of_qnode[i] = -1;
        const struct dpu_gnode *n = &qg->nodes[i];
        if ((n->op != DPU_NODE_CONV2D && n->op != DPU_NODE_FULLY_CONNECTED) || n->ninputs < 3 ||
            n->inputs[2] < 0)
            continue;
        const struct dpu_gtensor *y = &qg->tensors[n->outputs[0]];
        int32_t ft = float_twin(fg, y->name);
        if (ft < 0 || k->layer_of_ftensor[ft] >= 0 ||
            dpu_shape_count(fg->tensors[ft].rank, fg->tensors[ft].dims) !=
                dpu_shape_count(y->rank, y->dims))
            continue;
        struct corr_layer *L = &k->layers[k->nlayers];
        L->qnode = (int32_t)i;
        L->ftensor = ft;
        L->m = qg->tensors[n->inputs[1]].dims[0];
        L->sum = calloc((size_t)L->m * 2, sizeof *L->sum);
        k->fvals[k->nlayers] = malloc((size_t)dpu_shape_count(y->rank, y->dims) * sizeof(float));
        if (!L->sum || !k->fvals[k->nlayers])
            return dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
        L->count = L->sum + L->m;
        k->layer_of_ftensor[ft] = (int32_t)k->nlayers;
        k->layer_of_qnode[i] = (int32_t)k->nlayers;
        k->nlayers++;
    }
    return DPU_OK;
}

/* b[c] -= round(e[c] / (s_x s_w[c])) for every measured layer. */
static int apply(struct corr *k, struct dpu_diag *d)
{
    struct dpu_graph *qg = k->qg;
    for (size_t l = 0; l < k->nlayers; l++) {
        const struct corr_layer *L = &k->layers[l];
        const struct dpu_gnode *n = &qg->nodes[L->qnode];
        double sx = qg->tensors[n->inputs[0]].quant.scale[0];
        const struct dpu_quant *wq = &qg->tensors[n->inputs[1]].quant;
        int32_t *b = qg->tensors[n->inputs[2]].data;
        for (int64_t c = 0; c < L->m; c++) {
            if (L->count[c] == 0)
                continue;
            double unit = sx * (double)wq->scale[wq->count == 1 ? 0 : c];
            double v = (double)b[c] - dpu_round_half_even(L->sum[c] / L->count[c] / unit);
            if (!(v >= INT32_MIN && v <= INT32_MAX))
                return q_fail(d, n, DPU_E_RANGE,
                              "bias correction of output channel %lld leaves the int32 range",
                              (long long)c);
            b[c] = (int32_t)v;
        }
    }
    return DPU_OK;
}

static void teardown(struct corr *k)
{
    for (size_t l = 0; l < k->nlayers; l++) {
        free(k->layers[l].sum);
        free(k->fvals[l]);
    }
    free(k->layers);
    free(k->fvals);
    free(k->layer_of_ftensor);
    free(k->layer_of_qnode);
}

int q_bias_correct(struct qctx *c, struct dpu_graph *qg, struct dpu_diag *d)
{
    struct corr k;
    memset(&k, 0, sizeof k);
    k.c = c;
    k.qg = qg;
    struct qfeed feed;
    memset(&feed, 0, sizeof feed);
    int err = setup(&k, d);
    if (!err)
        err = q_feed_init(&feed, &c->fg, c->calib, c->opt->calib_count, d);
    size_t nout = c->fg.noutputs > qg->noutputs ? c->fg.noutputs : qg->noutputs;
    struct dpu_tensor *outs = err ? NULL : calloc(nout ? nout : 1, sizeof *outs);
    if (!err && !outs)
        err = dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
    struct qprogress pr;
    q_progress_start(&pr, err ? 0 : c->opt->progress, "bias correction", feed.count);
    for (size_t first = 0; !err && first < feed.count; first += feed.batch) {
        k.real = q_feed_fill(&feed, first);
        k.batch = feed.batch;
        err = dpu_ref_run_trace(&c->fg, &feed.in, 1, outs, keep_float, &k, d);
        for (size_t o = 0; o < c->fg.noutputs; o++)
            dpu_tensor_free(&outs[o]);
        if (!err)
            err = dpu_ref_run_trace(qg, &feed.in, 1, outs, measure, &k, d);
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
