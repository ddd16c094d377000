/* AdaRound (--adaround): the rounding direction of every weight of every Conv2D and
 * FullyConnected chosen to minimise the layer's output error on calibration data instead of
 * rounding each weight to nearest (Nagel et al. 2020). The scales stay those of emission
 * (symmetric per channel, [-127, 127]); only which of the two neighbouring integers a weight
 * takes changes, so the model stays on the arithmetic contract.
 *
 * Layers are done in node order, each on the inputs the quantized model *as rounded so far*
 * computes (the preceding layers already AdaRounded), against the float model's output of the
 * same layer on float inputs: the rounding can take back part of the error upstream layers
 * left, as in the paper's asymmetric reconstruction. Per layer:
 *   1. the float graph runs on the first adaround_count calibration samples and, at a fixed
 *      set of output positions per sample (at most POSITIONS, picked by a hash of the layer,
 *      sample and position index, so reproducible), records the layer's output less its bias: t
 *      (one float run serves as many layers as TARGET_BUDGET holds: t does not depend on the
 *      rounding);
 *   2. the quantized graph runs on the same samples up to the layer and, at the same positions,
 *      takes the layer's input patches x (dequantized, padding 0) into H = E[x x^T] per group
 *      and g = E[x t] per output channel. The runs are paused there (one dpu_ref_session per
 *      sample) and resumed up to the next layer once this one is rounded, so the quantized
 *      graph runs once over the samples in all; when the paused runs would hold more than
 *      adaround_memory bytes, each layer runs the graph again from the input instead (the
 *      same values, quadratic time);
 *   3. each output channel's rounding is optimised on that quadratic form
 *      (dpu_adaround_channels).
 * Runs stop as soon as the tensors they serve have been seen. The loss is taken before the
 * fused activation (the paper's layer-wise objective without the activation). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/ref.h"
#include "quant_internal.h"

#define POSITIONS     32 /* output positions per sample */
#define STOP_RUN      1  /* a trace return value that is not an error: the run may stop */
#define DEFAULT_COUNT 256
#define TARGET_BUDGET ((size_t)128 << 20) /* bytes of float targets held at once */
#define STATE_BUDGET  ((size_t)1 << 30)   /* default adaround_memory */

struct ar {
    const struct qconv *L;
    int64_t groups, kg, mg, npos; /* npos: positions per sample */
    size_t rows;                  /* samples x npos */
    uint32_t *pos;                /* [samples][npos] output position (oy * ow + ox) */
    float *t;                     /* [rows][m]: float output less bias */
    double *H;                    /* [groups][kg][kg] */
    double *g;                    /* [m][kg] */
    float *patch;                 /* [cin * taps] scratch */
    const float *bias;            /* float bias or NULL */
    int32_t ftensor;              /* the float twin's output */
};

/* One run of a graph over the samples, feeding the layers [a, a + n). */
struct ar_run {
    struct ar *a;
    size_t n;
    bool quantized;     /* watch each layer's int8 input, else its float output */
    size_t seen;        /* layers whose tensor this run has seen */
    size_t first, real; /* samples of the current batch */
};

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* Float run: t[row][c] = y[c at the row's position] - b[c]. */
static void take_targets(struct ar *a, const struct ar_run *r, const float *y)
{
    const struct qconv *L = a->L;
    int64_t plane = L->oh * L->ow;
    for (size_t b = 0; b < r->real; b++)
        for (int64_t p = 0; p < a->npos; p++) {
            size_t row = (r->first + b) * (size_t)a->npos + (size_t)p;
            uint32_t at = a->pos[row];
            for (int64_t c = 0; c < L->m; c++)
                a->t[row * (size_t)L->m + (size_t)c] =
                    y[((int64_t)b * L->m + c) * plane + at] - (a->bias ? a->bias[c] : 0.0f);
        }
}

/* The input patch of output position `at` of sample b: patch[k * taps + ky * kw + kx]. */
static void take_patch(const struct ar *a, const int8_t *x, int32_t z, float s, size_t b,
                       uint32_t at)
{
    const struct qconv *L = a->L;
    int64_t oy = at / L->ow, ox = at % L->ow;
    for (int64_t k = 0; k < L->cin; k++) {
        const int8_t *plane = x + ((int64_t)b * L->cin + k) * L->h * L->w;
        for (int64_t ky = 0; ky < L->kh; ky++) {
            int64_t iy = oy * L->sh - L->pt + ky * L->dh;
            for (int64_t kx = 0; kx < L->kw; kx++) {
                int64_t ix = ox * L->sw - L->pl + kx * L->dw;
                bool in = iy >= 0 && iy < L->h && ix >= 0 && ix < L->w;
                a->patch[k * L->taps + ky * L->kw + kx] =
                    in ? s * (float)(plane[iy * L->w + ix] - z) : 0.0f;
            }
        }
    }
}

/* Quantized run: H and g from the patches at the recorded positions. */
static void take_inputs(struct ar *a, const struct ar_run *r, const int8_t *x,
                        const struct dpu_gtensor *in)
{
    int32_t z = in->quant.zero_point[0];
    float s = in->quant.scale[0];
    const struct qconv *L = a->L;
    int64_t kg = a->kg;
    for (size_t b = 0; b < r->real; b++)
        for (int64_t p = 0; p < a->npos; p++) {
            size_t row = (r->first + b) * (size_t)a->npos + (size_t)p;
            take_patch(a, x, z, s, b, a->pos[row]);
            const float *t = a->t + row * (size_t)L->m;
            for (int64_t gi = 0; gi < a->groups; gi++) {
                const float *xg = a->patch + gi * kg;
                double *H = a->H + gi * kg * kg;
                for (int64_t i = 0; i < kg; i++) {
                    double xi = xg[i];
                    if (xi == 0)
                        continue;
                    for (int64_t j = i; j < kg; j++)
                        H[i * kg + j] += xi * xg[j];
                }
                for (int64_t c = gi * a->mg; c < (gi + 1) * a->mg; c++) {
                    double tc = t[c], *gc = a->g + c * kg;
                    for (int64_t i = 0; i < kg; i++)
                        gc[i] += xg[i] * tc;
                }
            }
        }
}

static int observe(void *user, const struct dpu_graph *g, const struct dpu_ref_event *ev)
{
    struct ar_run *r = user;
    for (size_t l = 0; l < r->n; l++) {
        struct ar *a = &r->a[l];
        if (ev->tensor != (r->quantized ? a->L->input : a->ftensor))
            continue;
        if (r->quantized && ev->value->dtype == DPU_DT_INT8)
            take_inputs(a, r, ev->value->data, &g->tensors[ev->tensor]);
        else if (!r->quantized && ev->value->dtype == DPU_DT_FLOAT32)
            take_targets(a, r, ev->value->data);
        r->seen++;
    }
    /* Once every layer's tensor went by, nothing the run computes after it matters. */
    return r->seen == r->n ? STOP_RUN : 0;
}

/* Runs g over the samples for the layers of r. */
static int run(struct ar_run *r, const struct dpu_graph *g, const struct dpu_calib_set *calib,
               size_t count, struct dpu_diag *d)
{
    struct qfeed feed;
    int err = q_feed_init(&feed, g, calib, count, d);
    struct dpu_tensor *outs = err ? NULL : calloc(g->noutputs ? g->noutputs : 1, sizeof *outs);
    if (!err && !outs)
        err = dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
    for (size_t first = 0; !err && first < feed.count; first += feed.batch) {
        r->first = first;
        r->real = q_feed_fill(&feed, first);
        r->seen = 0;
        err = dpu_ref_run_trace(g, &feed.in, 1, outs, observe, r, d);
        if (err == STOP_RUN)
            err = DPU_OK;
        for (size_t o = 0; o < g->noutputs; o++)
            dpu_tensor_free(&outs[o]);
    }
    free(outs);
    q_feed_free(&feed);
    return err;
}

/* The quantized graph paused before the next layer, one session per batch of samples. */
struct ar_paused {
    struct dpu_ref_session **s;
    size_t *real; /* samples in each session's batch */
    size_t n, batch;
};

static void paused_close(struct ar_paused *p)
{
    for (size_t i = 0; i < p->n; i++)
        dpu_ref_session_close(p->s[i]);
    free(p->s);
    free(p->real);
    memset(p, 0, sizeof *p);
}

/* Opens the sessions when they fit in `budget` bytes; p->n stays 0 when they do not. */
static int paused_open(struct ar_paused *p, const struct dpu_graph *qg,
                       const struct dpu_calib_set *calib, size_t count, size_t budget,
                       struct dpu_diag *d)
{
    memset(p, 0, sizeof *p);
    struct qfeed feed;
    int err = q_feed_init(&feed, qg, calib, count, d);
    if (err)
        return err;
    size_t runs = (feed.count + feed.batch - 1) / feed.batch;
    size_t each = dpu_ref_session_peak_bytes(qg);
    if (runs == 0 || each > budget / runs) {
        q_feed_free(&feed);
        return DPU_OK;
    }
    p->s = calloc(runs, sizeof *p->s);
    p->real = calloc(runs, sizeof *p->real);
    p->batch = feed.batch;
    if (!p->s || !p->real)
        err = dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
    for (size_t i = 0; !err && i < runs; i++) {
        p->real[i] = q_feed_fill(&feed, i * feed.batch);
        err = dpu_ref_session_open(qg, &feed.in, 1, &p->s[i], d);
        p->n = i + 1;
    }
    q_feed_free(&feed);
    if (err)
        paused_close(p);
    return err;
}

/* Resumes every session up to layer a->L (not running it) and takes its input patches. */
static int paused_take(struct ar_paused *p, struct ar *a, const struct dpu_graph *qg,
                       struct dpu_diag *d)
{
    const struct dpu_gtensor *in = &qg->tensors[a->L->input];
    for (size_t i = 0; i < p->n; i++) {
        int err = dpu_ref_session_run(p->s[i], a->L->qnode, NULL, NULL, d);
        if (err)
            return err;
        const struct dpu_tensor *v = dpu_ref_session_value(p->s[i], a->L->input);
        if (!v || v->dtype != DPU_DT_INT8)
            return dpu_diag_set(d, DPU_E_INTERNAL, "adaround: no int8 value of '%s' before '%s'",
                                in->name, qg->nodes[a->L->qnode].name);
        struct ar_run r = {
            .a = a, .n = 1, .quantized = true, .first = i * p->batch, .real = p->real[i]};
        take_inputs(a, &r, v->data, in);
    }
    return DPU_OK;
}

/* The positions per sample: all of them when there are few, else a reproducible pick. */
static void pick_positions(struct ar *a, size_t samples, size_t layer)
{
    int64_t plane = a->L->oh * a->L->ow;
    for (size_t s = 0; s < samples; s++)
        for (int64_t p = 0; p < a->npos; p++) {
            uint64_t h = mix(((uint64_t)layer << 40) ^ ((uint64_t)s << 8) ^ (uint64_t)p);
            a->pos[s * (size_t)a->npos + (size_t)p] =
                (uint32_t)(plane <= POSITIONS ? p : (int64_t)(h % (uint64_t)plane));
        }
}

/* Optimises every output channel of the layer from H and g; writes the int8 weights. */
static int round_layer(struct ar *a, struct qctx *c, struct dpu_graph *qg)
{
    const struct qconv *L = a->L;
    const struct dpu_gnode *n = &qg->nodes[L->qnode];
    struct dpu_gtensor *wq = &qg->tensors[n->inputs[1]];
    const float *wf = c->fg.tensors[c->fg.nodes[L->fnode].inputs[1]].data;
    int8_t *q = wq->data;
    int64_t kg = a->kg, mg = a->mg;
    float *H = malloc((size_t)(kg * kg) * sizeof *H);
    float *g = malloc((size_t)(mg * kg) * sizeof *g), *s = malloc((size_t)mg * sizeof *s);
    int err = H && g && s ? DPU_OK : DPU_E_NOMEM;
    struct dpu_adaround_params p;
    dpu_adaround_params_init(&p);
    if (c->opt->adaround_iters)
        p.iterations = c->opt->adaround_iters;
    double inv = 1.0 / (double)a->rows;
    for (int64_t gi = 0; !err && gi < a->groups; gi++) {
        const double *Hd = a->H + gi * kg * kg;
        for (int64_t i = 0; i < kg; i++)
            for (int64_t j = i; j < kg; j++)
                H[i * kg + j] = H[j * kg + i] = (float)(Hd[i * kg + j] * inv);
        for (int64_t ch = 0; ch < mg; ch++) {
            for (int64_t i = 0; i < kg; i++)
                g[ch * kg + i] = (float)(a->g[(gi * mg + ch) * kg + i] * inv);
            s[ch] = wq->quant.scale[wq->quant.count == 1 ? 0 : gi * mg + ch];
        }
        err = dpu_adaround_channels(H, g, (size_t)kg, (size_t)mg, wf + gi * mg * kg, s, &p,
                                    q + gi * mg * kg);
    }
    free(H);
    free(g);
    free(s);
    return err;
}

static void ar_free(struct ar *a)
{
    free(a->pos);
    free(a->t);
    free(a->H);
    free(a->g);
    free(a->patch);
    memset(a, 0, sizeof *a);
}

/* The layer's buffers; false when out of memory. */
static bool ar_setup(struct ar *a, const struct qctx *c, const struct qconv *L, size_t layer,
                     size_t count)
{
    memset(a, 0, sizeof *a);
    a->L = L;
    a->groups = L->cin / L->cg;
    a->kg = L->cg * L->taps;
    a->mg = L->m / a->groups;
    int64_t plane = L->oh * L->ow;
    a->npos = plane < POSITIONS ? plane : POSITIONS;
    a->rows = count * (size_t)a->npos;
    const struct dpu_gnode *fn = &c->fg.nodes[L->fnode];
    a->bias = fn->ninputs > 2 && fn->inputs[2] >= 0 ? c->fg.tensors[fn->inputs[2]].data : NULL;
    a->ftensor = fn->outputs[0];
    a->pos = malloc(a->rows * sizeof *a->pos);
    a->t = malloc(a->rows * (size_t)L->m * sizeof *a->t);
    a->H = calloc((size_t)(a->groups * a->kg * a->kg), sizeof *a->H);
    a->g = calloc((size_t)(L->m * a->kg), sizeof *a->g);
    a->patch = malloc((size_t)(L->cin * L->taps) * sizeof *a->patch);
    if (!a->pos || !a->t || !a->H || !a->g || !a->patch)
        return false;
    pick_positions(a, count, layer);
    return true;
}

/* Layers [first, first + n) share one float run; n is the most whose float targets fit in
 * TARGET_BUDGET bytes (at least one). */
static size_t chunk_of(const struct qconv *layers, size_t nl, size_t first, size_t count)
{
    size_t n = 0, bytes = 0;
    while (first + n < nl) {
        const struct qconv *L = &layers[first + n];
        int64_t plane = L->oh * L->ow;
        size_t t =
            count * (size_t)(plane < POSITIONS ? plane : POSITIONS) * (size_t)L->m * sizeof(float);
        if (n > 0 && bytes + t > TARGET_BUDGET)
            break;
        bytes += t;
        n++;
    }
    return n;
}

int q_adaround(struct qctx *c, struct dpu_graph *qg, struct dpu_diag *d)
{
    size_t count = c->opt->adaround_count ? c->opt->adaround_count : DEFAULT_COUNT;
    if (count > c->ncalib)
        count = c->ncalib;
    struct qconv *layers = calloc(qg->nnodes ? qg->nnodes : 1, sizeof *layers);
    struct ar *ars = calloc(qg->nnodes ? qg->nnodes : 1, sizeof *ars);
    if (!layers || !ars) {
        free(layers);
        free(ars);
        return dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
    }
    size_t nl = 0;
    for (size_t i = 0; i < qg->nnodes; i++)
        if (q_conv_of(&c->fg, qg, i, &layers[nl]) && q_producer(qg, layers[nl].input) >= 0)
            nl++;
    struct ar_paused paused = {0};
    size_t budget = c->opt->adaround_memory ? c->opt->adaround_memory : STATE_BUDGET;
    int err = nl ? paused_open(&paused, qg, c->calib, count, budget, d) : DPU_OK;
    struct qprogress pr;
    q_progress_start(&pr, c->opt->progress, "adaround", nl);
    for (size_t first = 0; !err && first < nl;) {
        size_t n = chunk_of(layers, nl, first, count);
        for (size_t l = 0; !err && l < n; l++)
            if (!ar_setup(&ars[first + l], c, &layers[first + l], first + l, count))
                err = dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
        /* The float targets of the whole chunk in one run: they do not depend on rounding. */
        struct ar_run fr = {.a = ars + first, .n = n, .quantized = false};
        if (!err)
            err = run(&fr, &c->fg, c->calib, count, d);
        /* Each layer on the inputs its (already AdaRounded) predecessors compute. */
        for (size_t l = 0; !err && l < n; l++) {
            struct ar_run qr = {.a = ars + first + l, .n = 1, .quantized = true};
            err = paused.n ? paused_take(&paused, qr.a, qg, d) : run(&qr, qg, c->calib, count, d);
            if (!err && (err = round_layer(&ars[first + l], c, qg)) == DPU_E_NOMEM)
                err = dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
            ar_free(&ars[first + l]);
            q_progress_step(&pr, first + l + 1);
        }
        for (size_t l = 0; l < n; l++)
            ar_free(&ars[first + l]);
        first += n;
    }
    q_progress_end(&pr);
    paused_close(&paused);
    free(layers);
    free(ars);
    return err;
}
