/* AdaRound: the channel optimiser on synthetic layers with a known float output (it must beat
 * rounding to nearest on the layer's output error, choose only floor or floor + 1, and be
 * deterministic), and the --adaround pass end to end on a small Conv2D + FullyConnected model. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/q8.h"
#include "dpu/quant_passes.h"
#include "quant_test_util.h"

#define ROWS 256

/* A synthetic layer: nc channels of k weights, ROWS inputs x (correlated: a common part plus
 * noise, as neighbouring pixels are), float outputs t = w . x, and H = E[x x^T], g = E[x t]. */
struct layer {
    size_t k, nc;
    float *w, *s, *H, *g, *x;
    int8_t *nearest;
};

static void make_layer(struct layer *L, size_t k, size_t nc, double step, uint32_t seed)
{
    L->k = k;
    L->nc = nc;
    L->w = malloc(nc * k * sizeof *L->w);
    L->s = malloc(nc * sizeof *L->s);
    L->H = calloc(k * k, sizeof *L->H);
    L->g = calloc(nc * k, sizeof *L->g);
    L->x = malloc(ROWS * k * sizeof *L->x);
    L->nearest = malloc(nc * k);
    assert_true(L->w && L->s && L->H && L->g && L->x && L->nearest);
    qt_fill(&seed, L->w, nc * k, -1, 1);
    for (size_t r = 0; r < ROWS; r++) {
        float common = qt_rand(&seed, 0, 1);
        for (size_t j = 0; j < k; j++)
            L->x[r * k + j] = common + 0.3f * qt_rand(&seed, -1, 1);
    }
    for (size_t c = 0; c < nc; c++) {
        double amax = 0;
        for (size_t j = 0; j < k; j++)
            amax = fmax(amax, fabs(L->w[c * k + j]));
        /* step > 1: a coarser grid than max|w| / 127, where rounding matters more. */
        L->s[c] = (float)(amax / 127.0 * step);
        for (size_t j = 0; j < k; j++)
            L->nearest[c * k + j] =
                (int8_t)fmax(-127, fmin(127, nearbyint((double)L->w[c * k + j] / L->s[c])));
    }
    double *Hd = calloc(k * k, sizeof *Hd), *gd = calloc(nc * k, sizeof *gd);
    assert_true(Hd && gd);
    for (size_t r = 0; r < ROWS; r++) {
        const float *x = L->x + r * k;
        for (size_t i = 0; i < k; i++)
            for (size_t j = 0; j < k; j++)
                Hd[i * k + j] += (double)x[i] * x[j] / ROWS;
        for (size_t c = 0; c < nc; c++) {
            double t = 0;
            for (size_t j = 0; j < k; j++)
                t += (double)L->w[c * k + j] * x[j];
            for (size_t i = 0; i < k; i++)
                gd[c * k + i] += x[i] * t / ROWS;
        }
    }
    for (size_t i = 0; i < k * k; i++)
        L->H[i] = (float)Hd[i];
    for (size_t i = 0; i < nc * k; i++)
        L->g[i] = (float)gd[i];
    free(Hd);
    free(gd);
}

static void free_layer(struct layer *L)
{
    free(L->w);
    free(L->s);
    free(L->H);
    free(L->g);
    free(L->x);
    free(L->nearest);
}

/* The mean squared output error of channel c with weights q, computed row by row (not from
 * H and g, so the test does not trust the optimiser's own loss). */
static double output_mse(const struct layer *L, size_t c, const int8_t *q)
{
    double e = 0;
    for (size_t r = 0; r < ROWS; r++) {
        double yf = 0, yq = 0;
        for (size_t j = 0; j < L->k; j++) {
            yf += (double)L->w[c * L->k + j] * L->x[r * L->k + j];
            yq += (double)L->s[c] * q[c * L->k + j] * L->x[r * L->k + j];
        }
        e += (yq - yf) * (yq - yf) / ROWS;
    }
    return e;
}

/* On a coarse grid AdaRound cuts every channel's output error well below nearest rounding's,
 * moving each weight only to floor or floor + 1 of w / s. */
static void test_beats_nearest(void **state)
{
    (void)state;
    struct layer L;
    make_layer(&L, 27, 5, 16.0, 3);
    int8_t *q = malloc(L.nc * L.k);
    assert_non_null(q);
    memcpy(q, L.nearest, L.nc * L.k);
    struct dpu_adaround_params p;
    dpu_adaround_params_init(&p);
    p.iterations = 300;
    assert_int_equal(dpu_adaround_channels(L.H, L.g, L.k, L.nc, L.w, L.s, &p, q), DPU_OK);
    size_t changed = 0;
    double sum_near = 0, sum_ada = 0;
    for (size_t c = 0; c < L.nc; c++) {
        double near = output_mse(&L, c, L.nearest), ada = output_mse(&L, c, q);
        assert_true(ada < 0.75 * near);
        sum_near += near;
        sum_ada += ada;
        /* The loss the optimiser minimises agrees with the row-by-row error. */
        double base = output_mse(&L, c, L.nearest) -
                      dpu_adaround_loss(L.H, L.g + c * L.k, L.k, L.s[c], L.nearest + c * L.k);
        double mine = dpu_adaround_loss(L.H, L.g + c * L.k, L.k, L.s[c], q + c * L.k) + base;
        assert_true(fabs(mine - ada) <= 1e-4 * near);
        for (size_t j = 0; j < L.k; j++) {
            double v = (double)L.w[c * L.k + j] / L.s[c];
            int8_t qj = q[c * L.k + j];
            assert_true(qj == (int8_t)floor(v) || qj == (int8_t)floor(v) + 1);
            changed += qj != L.nearest[c * L.k + j];
        }
    }
    assert_true(changed > 0);
    assert_true(sum_ada < 0.4 * sum_near); /* measured: 0.21 */
    free(q);
    free_layer(&L);
}

/* At the usual step (max|w| / 127) the gain is smaller but the error never rises, and
 * weights at +-max|w| stay inside [-127, 127]. */
static void test_fine_grid_never_worse(void **state)
{
    (void)state;
    struct layer L;
    make_layer(&L, 64, 9, 1.0, 11);
    int8_t *q = malloc(L.nc * L.k);
    assert_non_null(q);
    memcpy(q, L.nearest, L.nc * L.k);
    struct dpu_adaround_params p;
    dpu_adaround_params_init(&p);
    p.iterations = 200;
    assert_int_equal(dpu_adaround_channels(L.H, L.g, L.k, L.nc, L.w, L.s, &p, q), DPU_OK);
    double near = 0, ada = 0;
    for (size_t c = 0; c < L.nc; c++) {
        double a = output_mse(&L, c, q), n = output_mse(&L, c, L.nearest);
        assert_true(a <= n * (1 + 1e-6)); /* the guard compares float32 losses */
        near += n;
        ada += a;
    }
    assert_true(ada < near);
    for (size_t i = 0; i < L.nc * L.k; i++)
        assert_true(q[i] >= -127 && q[i] <= 127);
    free(q);
    free_layer(&L);
}

/* Same input, same output, bit for bit; the block of channels optimised together gives each
 * channel what it gets alone. A channel with scale 0 keeps its weights. */
static void test_deterministic_and_blocked(void **state)
{
    (void)state;
    struct layer L;
    make_layer(&L, 18, 11, 8.0, 5);
    L.s[4] = 0;
    size_t n = L.nc * L.k;
    int8_t *a = malloc(n), *b = malloc(n), *one = malloc(n);
    assert_true(a && b && one);
    memcpy(a, L.nearest, n);
    memcpy(b, L.nearest, n);
    memcpy(one, L.nearest, n);
    struct dpu_adaround_params p;
    dpu_adaround_params_init(&p);
    p.iterations = 150;
    assert_int_equal(dpu_adaround_channels(L.H, L.g, L.k, L.nc, L.w, L.s, &p, a), DPU_OK);
    assert_int_equal(dpu_adaround_channels(L.H, L.g, L.k, L.nc, L.w, L.s, &p, b), DPU_OK);
    assert_memory_equal(a, b, n);
    for (size_t c = 0; c < L.nc; c++)
        assert_int_equal(dpu_adaround_channels(L.H, L.g + c * L.k, L.k, 1, L.w + c * L.k, L.s + c,
                                               &p, one + c * L.k),
                         DPU_OK);
    assert_memory_equal(a, one, n);
    assert_memory_equal(a + 4 * L.k, L.nearest + 4 * L.k, L.k);
    free(a);
    free(b);
    free(one);
    free_layer(&L);
}

/* x [1, 2, 6, 6] -> Conv2D 3x3 (4 channels, one weight much larger: per-tensor weights are
 * coarse for the others) -> Relu -> Flatten -> FullyConnected [3, 64]. */
static void small_model(struct dpu_graph *g)
{
    dpu_graph_init(g);
    uint32_t seed = 21;
    float w1[72], b1[4], w2[3 * 64];
    qt_fill(&seed, w1, 72, -0.5f, 0.5f);
    w1[0] = 4.0f;
    qt_fill(&seed, b1, 4, -0.1f, 0.1f);
    qt_fill(&seed, w2, 3 * 64, -0.3f, 0.3f);
    int64_t xd[4] = {1, 2, 6, 6}, w1d[4] = {4, 2, 3, 3}, b1d[1] = {4}, yd[4] = {1, 4, 4, 4};
    int64_t fd[2] = {1, 64}, w2d[2] = {3, 64}, od[2] = {1, 3};
    int x = qt_tensor(g, "x", 4, xd, NULL), y = qt_tensor(g, "y", 4, yd, NULL);
    int r = qt_tensor(g, "r", 4, yd, NULL), f = qt_tensor(g, "f", 2, fd, NULL);
    int o = qt_tensor(g, "o", 2, od, NULL);
    int32_t cin[3] = {x, qt_tensor(g, "w1", 4, w1d, w1), qt_tensor(g, "b1", 1, b1d, b1)};
    qt_node(g, "conv", DPU_NODE_CONV2D, 3, cin, y);
    qt_node(g, "relu", DPU_NODE_RELU, 1, &y, r);
    qt_node(g, "flat", DPU_NODE_FLATTEN, 1, &r, f);
    int32_t fin[2] = {f, qt_tensor(g, "w2", 2, w2d, w2)};
    qt_node(g, "fc", DPU_NODE_FULLY_CONNECTED, 2, fin, o);
    qt_input(g, x);
    qt_output(g, o);
}

/* Mean squared difference of the outputs over the samples. */
static double model_mse(struct dpu_graph *fg, struct dpu_graph *qg, const struct dpu_calib_set *cs)
{
    double e = 0;
    for (size_t s = 0; s < cs->count; s++) {
        struct dpu_tensor yf, yq;
        qt_run(fg, dpu_calib_sample(cs, s), &yf);
        qt_run(qg, dpu_calib_sample(cs, s), &yq);
        for (size_t i = 0; i < 3; i++) {
            double v = ((float *)yq.data)[i] - ((float *)yf.data)[i];
            e += v * v;
        }
        dpu_tensor_free(&yf);
        dpu_tensor_free(&yq);
    }
    return e / (double)cs->count;
}

/* The pass: only weights move (by at most one step from nearest), scales, biases and
 * activations stay, the output error on the calibration samples falls, two runs agree, and so
 * does a run whose memory allows no paused runs (each layer runs the model again). */
static void test_pass_end_to_end(void **state)
{
    (void)state;
    struct dpu_graph fg, q0, q1, q2, q3;
    small_model(&fg);
    struct dpu_calib_set cs;
    int64_t sd[3] = {2, 6, 6};
    qt_calib(&cs, 48, 3, sd, 9, 0, 1);
    struct dpu_quant_options o;
    dpu_quant_options_init(&o);
    o.progress = 0;
    o.per_tensor_weights = true;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_quantize_graph(&fg, &cs, &o, &q0, &d), 0);
    o.adaround = true;
    o.adaround_iters = 200;
    assert_int_equal(dpu_quantize_graph(&fg, &cs, &o, &q1, &d), 0);
    assert_int_equal(dpu_quantize_graph(&fg, &cs, &o, &q2, &d), 0);
    o.adaround_memory = 1;
    assert_int_equal(dpu_quantize_graph(&fg, &cs, &o, &q3, &d), 0);
    char why[256];
    assert_true(dpu_q8_graph_equal(&q1, &q2, why, sizeof why));
    assert_true(dpu_q8_graph_equal(&q1, &q3, why, sizeof why));
    assert_false(dpu_q8_graph_equal(&q0, &q1, why, sizeof why));
    size_t moved = 0;
    for (size_t t = 0; t < q0.ntensors; t++) {
        const struct dpu_gtensor *a = &q0.tensors[t], *b = &q1.tensors[t];
        assert_string_equal(a->name, b->name);
        assert_int_equal(a->quant.count, b->quant.count);
        for (size_t i = 0; i < a->quant.count; i++)
            assert_true(a->quant.scale[i] == b->quant.scale[i]);
        if (!a->data)
            continue;
        size_t n = (size_t)dpu_shape_count(a->rank, a->dims);
        if (a->dtype != DPU_DT_INT8) {
            assert_memory_equal(a->data, b->data, n * dpu_dtype_size(a->dtype));
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            int diff = ((const int8_t *)b->data)[i] - ((const int8_t *)a->data)[i];
            assert_true(diff >= -1 && diff <= 1);
            moved += diff != 0;
        }
    }
    assert_true(moved > 0);
    assert_true(model_mse(&fg, &q1, &cs) < model_mse(&fg, &q0, &cs));
    dpu_calib_free(&cs);
    dpu_graph_free(&fg);
    dpu_graph_free(&q0);
    dpu_graph_free(&q1);
    dpu_graph_free(&q2);
    dpu_graph_free(&q3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_beats_nearest),
        cmocka_unit_test(test_fine_grid_never_worse),
        cmocka_unit_test(test_deterministic_and_blocked),
        cmocka_unit_test(test_pass_end_to_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
