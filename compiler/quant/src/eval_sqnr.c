/* Per-layer SQNR of one graph against another (typically quantized against float): both run
 * on the same samples; every node output of the test graph whose name (less a ":q" suffix)
 * names a tensor of the reference graph with as many values is compared as real numbers:
 *     SQNR = 10 log10( sum ref^2 / sum (test - ref)^2 )   dB, over all samples.
 * The quantizer keeps the float graph's tensor names, so its int8 tensors line up with the
 * float tensors they approximate. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/ref.h"
#include "quant_internal.h"

struct sqnr_run {
    const struct dpu_graph *ref, *test;
    int32_t *row_of_node; /* test node -> row, -1 */
    int32_t *ref_tensor;  /* row -> ref tensor */
    int32_t *row_of_ref;  /* ref tensor -> row (the first one), -1 */
    double **vals;        /* row -> ref values of the current batch (real numbers) */
    struct dpu_sqnr_report *rep;
};

/* The same name in ref, or failing that the name less a ":q" suffix. */
static int32_t match(const struct dpu_graph *ref, const char *name)
{
    int32_t same = dpu_graph_find_tensor(ref, name);
    if (same >= 0)
        return same;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", name);
    size_t len = strlen(buf);
    if (len > 2 && strcmp(buf + len - 2, ":q") == 0)
        buf[len - 2] = '\0';
    return dpu_graph_find_tensor(ref, buf);
}

static void store(struct sqnr_run *s, int32_t t, const struct dpu_tensor *v)
{
    /* Several rows may compare against one ref tensor: fill each. */
    for (size_t r = 0; r < s->rep->nrows; r++) {
        if (s->ref_tensor[r] != t)
            continue;
        size_t n = (size_t)dpu_tensor_count(v);
        for (size_t i = 0; i < n; i++)
            s->vals[r][i] = q_real(&s->ref->tensors[t], v, i);
    }
}

static int keep_ref(void *user, const struct dpu_graph *g, const struct dpu_ref_event *ev)
{
    struct sqnr_run *s = user;
    if (s->row_of_ref[ev->tensor] >= 0)
        store(s, ev->tensor, ev->value);
    return 0;
}

static int compare(void *user, const struct dpu_graph *g, const struct dpu_ref_event *ev)
{
    struct sqnr_run *s = user;
    int32_t r = s->row_of_node[ev->node];
    if (r < 0 || ev->output != 0)
        return 0;
    struct dpu_sqnr_row *row = &s->rep->rows[r];
    const struct dpu_gtensor *gt = &g->tensors[ev->tensor];
    size_t n = (size_t)dpu_tensor_count(ev->value);
    for (size_t i = 0; i < n; i++) {
        double ref = s->vals[r][i], e = q_real(gt, ev->value, i) - ref;
        row->signal += ref * ref;
        row->noise += e * e;
    }
    row->elems += n;
    return 0;
}

static int setup(struct sqnr_run *s, struct dpu_diag *d)
{
    const struct dpu_graph *ref = s->ref, *test = s->test;
    size_t nn = test->nnodes ? test->nnodes : 1;
    s->row_of_node = malloc(nn * sizeof(int32_t));
    s->ref_tensor = malloc(nn * sizeof(int32_t));
    s->vals = calloc(nn, sizeof *s->vals);
    s->row_of_ref = malloc((ref->ntensors ? ref->ntensors : 1) * sizeof(int32_t));
    s->rep->rows = calloc(nn, sizeof *s->rep->rows);
    if (!s->row_of_node || !s->ref_tensor || !s->vals || !s->row_of_ref || !s->rep->rows)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    for (size_t t = 0; t < ref->ntensors; t++)
        s->row_of_ref[t] = -1;
    for (size_t i = 0; i < test->nnodes; i++) {
        s->row_of_node[i] = -1;
        const struct dpu_gnode *n = &test->nodes[i];
        const struct dpu_gtensor *y = &test->tensors[n->outputs[0]];
        int32_t t = match(ref, y->name);
        if (t < 0 || ref->tensors[t].data ||
            dpu_shape_count(ref->tensors[t].rank, ref->tensors[t].dims) !=
                dpu_shape_count(y->rank, y->dims))
            continue;
        size_t r = s->rep->nrows++;
        struct dpu_sqnr_row *row = &s->rep->rows[r];
        snprintf(row->node, sizeof row->node, "%s", n->name);
        snprintf(row->op, sizeof row->op, "%s", dpu_node_op_name(n->op));
        snprintf(row->tensor, sizeof row->tensor, "%s", y->name);
        s->vals[r] = malloc((size_t)dpu_shape_count(y->rank, y->dims) * sizeof(double) + 1);
        if (!s->vals[r])
            return dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
        s->row_of_node[i] = (int32_t)r;
        s->ref_tensor[r] = t;
        if (s->row_of_ref[t] < 0)
            s->row_of_ref[t] = (int32_t)r;
    }
    return DPU_OK;
}

static void teardown(struct sqnr_run *s)
{
    if (s->vals)
        for (size_t r = 0; r < s->rep->nrows; r++)
            free(s->vals[r]);
    free(s->vals);
    free(s->row_of_node);
    free(s->ref_tensor);
    free(s->row_of_ref);
}

int dpu_eval_sqnr(const struct dpu_graph *ref, const struct dpu_graph *test,
                  const struct dpu_calib_set *data, size_t max_samples, int progress,
                  struct dpu_sqnr_report *rep, struct dpu_diag *d)
{
    memset(rep, 0, sizeof *rep);
    struct sqnr_run s = {ref, test, NULL, NULL, NULL, NULL, rep};
    struct qfeed fr, ft;
    memset(&fr, 0, sizeof fr);
    memset(&ft, 0, sizeof ft);
    int err = q_feed_init(&fr, ref, data, max_samples, d);
    if (!err)
        err = q_feed_init(&ft, test, data, max_samples, d);
    if (!err && fr.batch != ft.batch)
        err = dpu_diag_set(d, DPU_E_MISMATCH, "the graphs take batches of %zu and %zu samples",
                           fr.batch, ft.batch);
    if (!err)
        err = setup(&s, d);
    size_t nout = ref->noutputs > test->noutputs ? ref->noutputs : test->noutputs;
    struct dpu_tensor *outs = err ? NULL : calloc(nout ? nout : 1, sizeof *outs);
    if (!err && !outs)
        err = dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    struct qprogress pr;
    q_progress_start(&pr, err ? 0 : progress, "comparing layers", fr.count);
    for (size_t first = 0; !err && first < fr.count; first += fr.batch) {
        size_t n = q_feed_fill(&fr, first);
        q_feed_fill(&ft, first);
        for (size_t i = 0; i < ref->ninputs; i++) /* inputs are not traced */
            if (s.row_of_ref[ref->inputs[i]] >= 0)
                store(&s, ref->inputs[i], &fr.in);
        err = dpu_ref_run_trace(ref, &fr.in, 1, outs, keep_ref, &s, d);
        for (size_t k = 0; k < ref->noutputs; k++)
            dpu_tensor_free(&outs[k]);
        if (!err)
            err = dpu_ref_run_trace(test, &ft.in, 1, outs, compare, &s, d);
        for (size_t k = 0; k < test->noutputs; k++)
            dpu_tensor_free(&outs[k]);
        q_progress_step(&pr, first + n);
    }
    q_progress_end(&pr);
    for (size_t r = 0; !err && r < rep->nrows; r++) {
        struct dpu_sqnr_row *row = &rep->rows[r];
        row->sqnr_db = row->noise > 0 ? 10 * log10(row->signal / row->noise) : INFINITY;
    }
    free(outs);
    q_feed_free(&fr);
    q_feed_free(&ft);
    teardown(&s);
    if (err)
        dpu_sqnr_report_free(rep);
    return err;
}

void dpu_sqnr_report_free(struct dpu_sqnr_report *rep)
{
    if (!rep)
        return;
    free(rep->rows);
    rep->rows = NULL;
    rep->nrows = 0;
}
