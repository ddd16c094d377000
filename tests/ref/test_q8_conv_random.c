/* int8 Conv2D of the reference interpreter (whose sums q8_gemm.c forms as dot products)
 * against the plain loop of the contract, written out here: random shapes, groups, pads,
 * strides, dilations, batch, per-channel weight zero points, in the raw int32 form
 * (ConvInteger), where every bit of every sum is visible. One case has more than one chunk of
 * products (K > 16384) and sums that wrap around 2^32. The seed of a failing case is
 * printed. */
#include <stdio.h>
#include <stdlib.h>

#include "dpu/qmath.h"
#include "ref_test_util.h"

static uint64_t rng_state;
static uint64_t rnd(uint64_t n)
{
    uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return (z ^ (z >> 31)) % n;
}

struct shape {
    int64_t n, cin, h, w, cout, group, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
};

static int64_t out_dim(int64_t i, int64_t p0, int64_t p1, int64_t k, int64_t dil, int64_t s)
{
    return (i + p0 + p1 - ((k - 1) * dil + 1)) / s + 1;
}

/* The plain loop: acc = sum over in-bounds taps of (x - zx) * (w - zw[m]), dpu_mac32. */
static void plain_conv(const struct shape *s, const int8_t *x, int32_t zx, const int8_t *w,
                       const int32_t *zw, int32_t *y, int64_t oh, int64_t ow)
{
    int64_t cg = s->cin / s->group, mg = s->cout / s->group;
    for (int64_t b = 0; b < s->n; b++)
        for (int64_t m = 0; m < s->cout; m++)
            for (int64_t oy = 0; oy < oh; oy++)
                for (int64_t ox = 0; ox < ow; ox++) {
                    int32_t acc = 0;
                    for (int64_t c = 0; c < cg; c++)
                        for (int64_t ky = 0; ky < s->kh; ky++)
                            for (int64_t kx = 0; kx < s->kw; kx++) {
                                int64_t iy = oy * s->sh - s->pt + ky * s->dh;
                                int64_t ix = ox * s->sw - s->pl + kx * s->dw;
                                if (iy < 0 || iy >= s->h || ix < 0 || ix >= s->w)
                                    continue;
                                int64_t ci = (m / mg) * cg + c;
                                int32_t xv = x[((b * s->cin + ci) * s->h + iy) * s->w + ix];
                                int32_t wv = w[((m * cg + c) * s->kh + ky) * s->kw + kx];
                                acc = dpu_mac32(acc, xv - zx, wv - zw[m]);
                            }
                    y[((b * s->cout + m) * oh + oy) * ow + ox] = acc;
                }
}

static int run_case(const struct shape *s, uint64_t seed, bool extreme)
{
    int64_t oh = out_dim(s->h, s->pt, s->pb, s->kh, s->dh, s->sh);
    int64_t ow = out_dim(s->w, s->pl, s->pr, s->kw, s->dw, s->sw);
    if ((s->kh - 1) * s->dh + 1 > s->h + s->pt + s->pb ||
        (s->kw - 1) * s->dw + 1 > s->w + s->pl + s->pr)
        return 0; /* a window larger than the padded input: refused, not a case */
    int64_t cg = s->cin / s->group;
    int64_t xd[4] = {s->n, s->cin, s->h, s->w}, wd[4] = {s->cout, cg, s->kh, s->kw};
    int64_t yd[4] = {s->n, s->cout, oh, ow};
    int64_t nx = s->n * s->cin * s->h * s->w, nw = s->cout * cg * s->kh * s->kw;
    int64_t ny = s->n * s->cout * oh * ow;
    int8_t *x = malloc((size_t)nx), *w = malloc((size_t)nw);
    int32_t *want = malloc((size_t)ny * sizeof *want), *zw = malloc((size_t)s->cout * 4);
    float *sc = malloc((size_t)s->cout * sizeof *sc);
    assert_non_null(x);
    assert_non_null(w);
    assert_non_null(want);
    assert_non_null(zw);
    assert_non_null(sc);
    /* extreme: x = -128 against z_x = 127 and w = 127 against z_w = -128: every product is
     * 255^2, so long sums wrap around 2^32. */
    int32_t zx = extreme ? 127 : (int32_t)rnd(256) - 128;
    for (int64_t i = 0; i < nx; i++)
        x[i] = (int8_t)(extreme ? -128 : (int)rnd(256) - 128);
    for (int64_t i = 0; i < nw; i++)
        w[i] = (int8_t)(extreme ? 127 : (int)rnd(256) - 128);
    for (int64_t m = 0; m < s->cout; m++) {
        zw[m] = extreme ? -128 : rnd(2) ? 0 : (int32_t)rnd(256) - 128;
        sc[m] = 0.5f;
    }
    plain_conv(s, x, zx, w, zw, want, oh, ow);

    struct dpu_graph g;
    dpu_graph_init(&g);
    g.quantized = true;
    int xt = tu_act8(&g, "x", 4, xd, 1.0f, zx);
    int wt = tu_tensor(&g, "w", DPU_DT_INT8, 4, wd, w);
    tu_quant_axis(&g, wt, 0, (size_t)s->cout, sc, zw);
    int yt = tu_tensor(&g, "y", DPU_DT_INT32, 4, yd, NULL);
    int32_t in[2] = {xt, wt};
    int n = tu_node(&g, "conv", DPU_NODE_CONV2D, 2, in, yt);
    const int64_t pads[4] = {s->pt, s->pl, s->pb, s->pr}, st[2] = {s->sh, s->sw};
    const int64_t dil[2] = {s->dh, s->dw};
    tu_ints(&g, n, "pads", 4, pads);
    tu_ints(&g, n, "strides", 2, st);
    tu_ints(&g, n, "dilations", 2, dil);
    tu_int(&g, n, "group", s->group);
    tu_input(&g, xt);
    tu_output(&g, yt);
    struct dpu_tensor xin = tu_view(DPU_DT_INT8, 4, xd, x), out;
    tu_run(&g, &xin, 1, &out);
    const int32_t *got = out.data;
    for (int64_t i = 0; i < ny; i++) {
        if (got[i] != want[i])
            fail_msg("seed %llu: output %lld is %d, want %d", (unsigned long long)seed,
                     (long long)i, got[i], want[i]);
    }
    dpu_tensor_free(&out);
    dpu_graph_free(&g);
    free(x);
    free(w);
    free(want);
    free(zw);
    free(sc);
    return 1;
}

static void test_conv_random(void **state)
{
    (void)state;
    int ran = 0;
    for (uint64_t seed = 1; seed <= 300; seed++) {
        rng_state = seed;
        struct shape s;
        s.group = 1 + (int64_t)rnd(3);
        s.cin = s.group * (1 + (int64_t)rnd(5));
        s.cout = s.group * (1 + (int64_t)rnd(6));
        s.n = 1 + (int64_t)rnd(2);
        s.h = 1 + (int64_t)rnd(7);
        s.w = 1 + (int64_t)rnd(7);
        s.kh = 1 + (int64_t)rnd(4);
        s.kw = 1 + (int64_t)rnd(4);
        s.sh = 1 + (int64_t)rnd(2);
        s.sw = 1 + (int64_t)rnd(2);
        s.dh = 1 + (int64_t)rnd(2);
        s.dw = 1 + (int64_t)rnd(2);
        s.pt = (int64_t)rnd(3);
        s.pl = (int64_t)rnd(3);
        s.pb = (int64_t)rnd(3);
        s.pr = (int64_t)rnd(3);
        ran += run_case(&s, seed, false);
    }
    assert_true(ran >= 150); /* most shapes are valid */
}

/* K = 2048 * 3 * 3 = 18432 > 16384 products per output: two chunks. With every product
 * 255^2 = 65025 the sum 18432 * 65025 wraps around 2^32 once more than int32 could hold. */
static void test_conv_long_wrapping(void **state)
{
    (void)state;
    struct shape s = {1, 2048, 3, 3, 5, 1, 3, 3, 1, 1, 1, 1, 1, 0, 0, 1};
    rng_state = 7;
    run_case(&s, 7, true);
    s.cout = 4; /* and random values over two chunks */
    run_case(&s, 8, false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_random),
        cmocka_unit_test(test_conv_long_wrapping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
