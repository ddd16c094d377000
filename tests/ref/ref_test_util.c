/* Helpers for the reference-interpreter tests; see ref_test_util.h. */
#include "ref_test_util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int tu_tensor(struct dpu_graph *g, const char *name, enum dpu_dtype dt, int rank,
              const int64_t *dims, const void *data)
{
    int t = dpu_graph_add_tensor(g, name, dt, rank, dims, data);
    assert_true(t >= 0);
    return t;
}

void tu_quant(struct dpu_graph *g, int t, float scale, int32_t zp)
{
    assert_int_equal(dpu_graph_set_quant(g, t, -1, 1, &scale, &zp), 0);
}

int tu_act8(struct dpu_graph *g, const char *name, int rank, const int64_t *dims, float scale,
            int32_t zp)
{
    int t = tu_tensor(g, name, DPU_DT_INT8, rank, dims, NULL);
    tu_quant(g, t, scale, zp);
    return t;
}

void tu_quant_ch(struct dpu_graph *g, int t, size_t count, const float *scales)
{
    assert_int_equal(dpu_graph_set_quant(g, t, 0, count, scales, NULL), 0);
}

void tu_quant_axis(struct dpu_graph *g, int t, int axis, size_t count, const float *scales,
                   const int32_t *zps)
{
    assert_int_equal(dpu_graph_set_quant(g, t, axis, count, scales, zps), 0);
}

int tu_node(struct dpu_graph *g, const char *name, enum dpu_node_op op, size_t nin,
            const int32_t *in, int32_t out)
{
    int n = dpu_graph_add_node(g, name, op, nin, in, 1, &out);
    assert_true(n >= 0);
    return n;
}

void tu_ints(struct dpu_graph *g, int node, const char *name, size_t n, const int64_t *v)
{
    assert_int_equal(dpu_node_set_ints(g, node, name, n, v), 0);
}

void tu_int(struct dpu_graph *g, int node, const char *name, int64_t v)
{
    assert_int_equal(dpu_node_set_int(g, node, name, v), 0);
}

void tu_float(struct dpu_graph *g, int node, const char *name, double v)
{
    assert_int_equal(dpu_node_set_float(g, node, name, v), 0);
}

void tu_input(struct dpu_graph *g, int t)
{
    assert_true(dpu_graph_add_input(g, t) >= 0);
}

void tu_output(struct dpu_graph *g, int t)
{
    assert_true(dpu_graph_add_output(g, t) >= 0);
}

struct dpu_tensor tu_view(enum dpu_dtype dt, int rank, const int64_t *dims, const void *data)
{
    struct dpu_tensor t;
    memset(&t, 0, sizeof t);
    t.dtype = dt;
    t.rank = rank;
    for (int i = 0; i < rank; i++)
        t.dims[i] = dims[i];
    t.data = (void *)data;
    return t;
}

void tu_run(struct dpu_graph *g, const struct dpu_tensor *in, size_t nin, struct dpu_tensor *out)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_graph_verify(g, &d);
    if (err)
        fail_msg("dpu_graph_verify refused the test graph (%d): %s", err, dpu_diag_message(&d));
    err = dpu_ref_run(g, in, nin, out, &d);
    if (err)
        fail_msg("dpu_ref_run failed (%d): %s", err, dpu_diag_message(&d));
}

void tu_run_fails(const struct dpu_graph *g, const struct dpu_tensor *in, size_t nin, int err, ...)
{
    struct dpu_tensor out[4];
    struct dpu_diag d;
    assert_true(g->noutputs <= NELEM(out));
    dpu_diag_clear(&d);
    int got = dpu_ref_run(g, in, nin, out, &d);
    if (got != err)
        fail_msg("expected error %d, got %d: %s", err, got, dpu_diag_message(&d));
    va_list ap;
    va_start(ap, err);
    for (const char *s = va_arg(ap, const char *); s; s = va_arg(ap, const char *))
        if (!strstr(d.msg, s))
            fail_msg("message '%s' does not contain '%s'", d.msg, s);
    va_end(ap);
    for (size_t i = 0; i < g->noutputs; i++)
        assert_null(out[i].data);
}

void tu_expect_shape(const struct dpu_tensor *t, int rank, const int64_t *dims)
{
    assert_int_equal(t->rank, rank);
    for (int i = 0; i < rank; i++)
        assert_int_equal(t->dims[i], dims[i]);
}

void tu_expect_i8(const struct dpu_tensor *t, const int8_t *want, size_t n)
{
    assert_int_equal(t->dtype, DPU_DT_INT8);
    assert_int_equal(dpu_tensor_count(t), (int64_t)n);
    const int8_t *got = t->data;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (got[i] != want[i]) {
            print_error("element %zu: got %d, expected %d\n", i, got[i], want[i]);
            bad = 1;
        }
    }
    if (bad)
        fail();
}

void tu_expect_i32(const struct dpu_tensor *t, const int32_t *want, size_t n)
{
    assert_int_equal(t->dtype, DPU_DT_INT32);
    assert_int_equal(dpu_tensor_count(t), (int64_t)n);
    const int32_t *got = t->data;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (got[i] != want[i]) {
            print_error("element %zu: got %d, expected %d\n", i, got[i], want[i]);
            bad = 1;
        }
    }
    if (bad)
        fail();
}

void tu_expect_f32(const struct dpu_tensor *t, const float *want, size_t n, double rel)
{
    assert_int_equal(t->dtype, DPU_DT_FLOAT32);
    assert_int_equal(dpu_tensor_count(t), (int64_t)n);
    const float *got = t->data;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        double tol = fmax(rel * fabs((double)want[i]), 1e-7);
        if (!(fabs((double)got[i] - (double)want[i]) <= tol)) {
            print_error("element %zu: got %.9g, expected %.9g\n", i, (double)got[i],
                        (double)want[i]);
            bad = 1;
        }
    }
    if (bad)
        fail();
}

void tu_run1_i8(struct dpu_graph *g, const struct dpu_tensor *in, size_t nin, const int8_t *want,
                size_t n)
{
    struct dpu_tensor out;
    assert_int_equal(g->noutputs, 1);
    tu_run(g, in, nin, &out);
    tu_expect_i8(&out, want, n);
    dpu_tensor_free(&out);
}

void tu_run1_f32(struct dpu_graph *g, const struct dpu_tensor *in, size_t nin, const float *want,
                 size_t n)
{
    struct dpu_tensor out;
    assert_int_equal(g->noutputs, 1);
    tu_run(g, in, nin, &out);
    tu_expect_f32(&out, want, n, 1e-6);
    dpu_tensor_free(&out);
}
