/* Helpers for the quantizer tests; see quant_test_util.h. */
#include "quant_test_util.h"

#include <math.h>
#include <string.h>

#include "dpu/ref.h"

float qt_rand(uint32_t *seed, float lo, float hi)
{
    *seed = *seed * 1664525u + 1013904223u; /* Numerical Recipes' LCG */
    return lo + (hi - lo) * (float)((*seed >> 8) / 16777216.0);
}

void qt_fill(uint32_t *seed, float *v, size_t n, float lo, float hi)
{
    for (size_t i = 0; i < n; i++)
        v[i] = qt_rand(seed, lo, hi);
}

int qt_tensor(struct dpu_graph *g, const char *name, int rank, const int64_t *dims,
              const float *data)
{
    int t = dpu_graph_add_tensor(g, name, DPU_DT_FLOAT32, rank, dims, data);
    assert_true(t >= 0);
    return t;
}

int qt_node(struct dpu_graph *g, const char *name, enum dpu_node_op op, size_t nin,
            const int32_t *in, int32_t out)
{
    int n = dpu_graph_add_node(g, name, op, nin, in, 1, &out);
    assert_true(n >= 0);
    return n;
}

void qt_ints(struct dpu_graph *g, int node, const char *name, size_t n, const int64_t *v)
{
    assert_int_equal(dpu_node_set_ints(g, node, name, n, v), 0);
}

void qt_input(struct dpu_graph *g, int t)
{
    assert_true(dpu_graph_add_input(g, t) >= 0);
}

void qt_output(struct dpu_graph *g, int t)
{
    assert_true(dpu_graph_add_output(g, t) >= 0);
}

void qt_run(struct dpu_graph *g, const float *x, struct dpu_tensor *out)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_graph_verify(g, &d);
    if (err)
        fail_msg("dpu_graph_verify refused the graph (%d): %s", err, dpu_diag_message(&d));
    const struct dpu_gtensor *in = &g->tensors[g->inputs[0]];
    struct dpu_tensor t = {DPU_DT_FLOAT32, in->rank, {0}, (void *)x};
    memcpy(t.dims, in->dims, sizeof t.dims);
    struct dpu_tensor outs[4];
    assert_true(g->noutputs <= 4);
    err = dpu_ref_run(g, &t, 1, outs, &d);
    if (err)
        fail_msg("dpu_ref_run failed (%d): %s", err, dpu_diag_message(&d));
    *out = outs[0];
    for (size_t i = 1; i < g->noutputs; i++)
        dpu_tensor_free(&outs[i]);
}

double qt_max_rel(const float *a, const float *b, size_t n, double floor)
{
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double den = fabs((double)b[i]) > floor ? fabs((double)b[i]) : floor;
        double r = fabs((double)a[i] - (double)b[i]) / den;
        worst = r > worst ? r : worst;
    }
    return worst;
}

void qt_calib(struct dpu_calib_set *cs, size_t n, int rank, const int64_t *sample_dims,
              uint32_t seed, float lo, float hi)
{
    int64_t dims[DPU_TENSOR_MAX_RANK];
    dims[0] = (int64_t)n;
    for (int i = 0; i < rank; i++)
        dims[i + 1] = sample_dims[i];
    struct dpu_tensor raw;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_tensor_alloc(&raw, DPU_DT_FLOAT32, rank + 1, dims, &d), 0);
    qt_fill(&seed, raw.data, (size_t)dpu_tensor_count(&raw), lo, hi);
    assert_int_equal(dpu_calib_from_tensor("test", &raw, NULL, cs, &d), 0);
    dpu_tensor_free(&raw);
}

int qt_find_node(const struct dpu_graph *g, const char *name)
{
    for (size_t i = 0; i < g->nnodes; i++)
        if (strcmp(g->nodes[i].name, name) == 0)
            return (int)i;
    return -1;
}

size_t qt_count_op(const struct dpu_graph *g, enum dpu_node_op op)
{
    size_t n = 0;
    for (size_t i = 0; i < g->nnodes; i++)
        n += g->nodes[i].op == op;
    return n;
}

void qt_expect_error(int got, const struct dpu_diag *d, int err, ...)
{
    if (got != err)
        fail_msg("expected error %d, got %d: %s", err, got, dpu_diag_message(d));
    va_list ap;
    va_start(ap, err);
    for (const char *s = va_arg(ap, const char *); s; s = va_arg(ap, const char *))
        if (!strstr(d->msg, s))
            fail_msg("message '%s' does not contain '%s'", d->msg, s);
    va_end(ap);
}
