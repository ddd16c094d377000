/* The float Conv2D of the reference interpreter runs in register tiles on a zero-padded copy
 * of its input (ref/src/f32_conv_tiled.c) because calibration spends most of its time there.
 * These tests hold it bit for bit to the plain definition written out here: per output, a
 * double accumulator from 0.0 summing x * w over input channels, kernel rows, kernel columns
 * (taps outside the input skipped), plus the bias, rounded to float once. Random geometries
 * cover strides, dilations, asymmetric pads, groups, depthwise, odd tile remainders, and the
 * cases the tiled form leaves to the direct loops (a non-finite weight, padding as large as
 * the window). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/ref.h"
#include "quant_test_util.h"

struct geo {
    int64_t n, cin, h, w, cout, group, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
    bool bias;
};

static int64_t out_size(int64_t i, int64_t k, int64_t s, int64_t dil, int64_t pb, int64_t pe)
{
    return (i + pb + pe - ((k - 1) * dil + 1)) / s + 1;
}

/* The definition, straight. */
static void naive(const struct geo *g, const float *x, const float *w, const float *b, float *y)
{
    int64_t oh = out_size(g->h, g->kh, g->sh, g->dh, g->pt, g->pb);
    int64_t ow = out_size(g->w, g->kw, g->sw, g->dw, g->pl, g->pr);
    int64_t cg = g->cin / g->group, mg = g->cout / g->group;
    for (int64_t bn = 0; bn < g->n; bn++)
        for (int64_t m = 0; m < g->cout; m++)
            for (int64_t oy = 0; oy < oh; oy++)
                for (int64_t ox = 0; ox < ow; ox++) {
                    double acc = 0.0;
                    for (int64_t c = 0; c < cg; c++)
                        for (int64_t ky = 0; ky < g->kh; ky++)
                            for (int64_t kx = 0; kx < g->kw; kx++) {
                                int64_t iy = oy * g->sh - g->pt + ky * g->dh;
                                int64_t ix = ox * g->sw - g->pl + kx * g->dw;
                                if (iy < 0 || iy >= g->h || ix < 0 || ix >= g->w)
                                    continue;
                                int64_t ci = (m / mg) * cg + c;
                                acc += (double)x[((bn * g->cin + ci) * g->h + iy) * g->w + ix] *
                                       (double)w[((m * cg + c) * g->kh + ky) * g->kw + kx];
                            }
                    if (b)
                        acc += (double)b[m];
                    y[((bn * g->cout + m) * oh + oy) * ow + ox] = (float)acc;
                }
}

/* Runs the interpreter's Conv2D on g with weights w (and x, b) and compares every output bit
 * for bit with the definition. */
static void check(const struct geo *g, const float *x, const float *w, const float *b)
{
    struct dpu_graph gr;
    dpu_graph_init(&gr);
    int64_t xd[4] = {g->n, g->cin, g->h, g->w};
    int64_t wd[4] = {g->cout, g->cin / g->group, g->kh, g->kw};
    int64_t oh = out_size(g->h, g->kh, g->sh, g->dh, g->pt, g->pb);
    int64_t ow = out_size(g->w, g->kw, g->sw, g->dw, g->pl, g->pr);
    int64_t yd[4] = {g->n, g->cout, oh, ow}, bd[1] = {g->cout};
    int in[3] = {qt_tensor(&gr, "x", 4, xd, NULL), qt_tensor(&gr, "w", 4, wd, w),
                 g->bias ? qt_tensor(&gr, "b", 1, bd, b) : -1};
    int y = qt_tensor(&gr, "y", 4, yd, NULL);
    int32_t ins[3] = {in[0], in[1], in[2]};
    int node = qt_node(&gr, "conv", DPU_NODE_CONV2D, g->bias ? 3 : 2, ins, y);
    int64_t ks[2] = {g->kh, g->kw}, st[2] = {g->sh, g->sw}, dl[2] = {g->dh, g->dw};
    int64_t pd[4] = {g->pt, g->pl, g->pb, g->pr};
    qt_ints(&gr, node, "kernel_shape", 2, ks);
    qt_ints(&gr, node, "strides", 2, st);
    qt_ints(&gr, node, "dilations", 2, dl);
    qt_ints(&gr, node, "pads", 4, pd);
    assert_int_equal(dpu_node_set_int(&gr, node, "group", g->group), 0);
    qt_input(&gr, in[0]);
    qt_output(&gr, y);
    struct dpu_tensor out;
    qt_run(&gr, x, &out);
    size_t ny = (size_t)(g->n * g->cout * oh * ow);
    float *want = malloc(ny * sizeof *want);
    assert_non_null(want);
    naive(g, x, w, g->bias ? b : NULL, want);
    for (size_t i = 0; i < ny; i++) {
        const float *got = out.data;
        if (isnan(want[i]) && isnan(got[i]))
            continue;
        if (memcmp(&got[i], &want[i], sizeof(float)) != 0)
            fail_msg("output %zu: %a, want %a (n %lld cin %lld %lldx%lld cout %lld group %lld "
                     "k %lldx%lld s %lld,%lld d %lld,%lld pads %lld,%lld,%lld,%lld)",
                     i, got[i], want[i], (long long)g->n, (long long)g->cin, (long long)g->h,
                     (long long)g->w, (long long)g->cout, (long long)g->group, (long long)g->kh,
                     (long long)g->kw, (long long)g->sh, (long long)g->sw, (long long)g->dh,
                     (long long)g->dw, (long long)g->pt, (long long)g->pl, (long long)g->pb,
                     (long long)g->pr);
    }
    free(want);
    dpu_tensor_free(&out);
    dpu_graph_free(&gr);
}

static int64_t pick(uint32_t *seed, int64_t lo, int64_t hi)
{
    int64_t v = lo + (int64_t)qt_rand(seed, 0.0f, (float)(hi - lo + 1));
    return v > hi ? hi : v;
}

/* Random data for g: inputs with exact zeros and negative zeros mixed in (the signs of zero
 * are where a padded tap could differ from a skipped one). */
static void run_case(const struct geo *g, uint32_t *seed, bool inf_weight)
{
    size_t nx = (size_t)(g->n * g->cin * g->h * g->w);
    size_t nw = (size_t)(g->cout * (g->cin / g->group) * g->kh * g->kw);
    float *x = malloc(nx * sizeof *x), *w = malloc(nw * sizeof *w);
    float *b = malloc((size_t)g->cout * sizeof *b);
    assert_true(x && w && b);
    qt_fill(seed, x, nx, -2, 2);
    qt_fill(seed, w, nw, -1, 1);
    qt_fill(seed, b, (size_t)g->cout, -1, 1);
    for (size_t i = 0; i < nx; i += 5)
        x[i] = (i / 5) % 2 ? 0.0f : -0.0f;
    for (size_t i = 0; i < nw; i += 7)
        w[i] = -0.0f;
    if (inf_weight)
        w[nw / 2] = INFINITY;
    check(g, x, w, b);
    free(x);
    free(w);
    free(b);
}

static void test_random_geometries(void **state)
{
    (void)state;
    uint32_t seed = 2024;
    for (int t = 0; t < 300; t++) {
        struct geo g;
        g.n = pick(&seed, 1, 2);
        g.group = t % 5 == 0 ? pick(&seed, 2, 4) : 1;
        g.cin = g.group * pick(&seed, 1, 5);
        g.cout = g.group * pick(&seed, 1, 7);
        if (t % 7 == 0) { /* depthwise, multiplier 1 or 2 */
            g.group = g.cin;
            g.cout = g.cin * pick(&seed, 1, 2);
        }
        g.kh = pick(&seed, 1, 5);
        g.kw = pick(&seed, 1, 5);
        g.sh = pick(&seed, 1, 3);
        g.sw = pick(&seed, 1, 3);
        g.dh = pick(&seed, 1, 2);
        g.dw = pick(&seed, 1, 2);
        g.h = (g.kh - 1) * g.dh + pick(&seed, 1, 9);
        g.w = (g.kw - 1) * g.dw + pick(&seed, 1, 11);
        /* Mostly pads below the window (the tiled form), sometimes as large (direct loops). */
        int64_t maxp_h = t % 11 == 0 ? g.kh * g.dh : g.kh * g.dh - 1;
        int64_t maxp_w = t % 11 == 0 ? g.kw * g.dw : g.kw * g.dw - 1;
        g.pt = pick(&seed, 0, maxp_h);
        g.pb = pick(&seed, 0, maxp_h);
        g.pl = pick(&seed, 0, maxp_w);
        g.pr = pick(&seed, 0, maxp_w);
        g.bias = t % 3 != 0;
        run_case(&g, &seed, t % 13 == 0);
    }
}

/* A zoo-like layer: 32 -> 32 channels, 3x3, 28x28 with pad 1, and a 1x1 stride-2 shortcut:
 * full tiles of 4 channels x 4 columns and their remainders. */
static void test_zoo_shapes(void **state)
{
    (void)state;
    uint32_t seed = 7;
    struct geo a = {1, 32, 28, 28, 32, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true};
    run_case(&a, &seed, false);
    struct geo s = {1, 16, 14, 14, 32, 1, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, true};
    run_case(&s, &seed, false);
    struct geo dw = {1, 24, 7, 7, 24, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, false};
    run_case(&dw, &seed, false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_geometries),
        cmocka_unit_test(test_zoo_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
