/* Randomized cross-check: the simulator against the reference interpreter (dpuref).
 *
 * Each seed draws a small int8 Conv2D layer (channels up to 2R in and 2C out, odd sizes,
 * kernels 1..5, strides 1..3, dilations 1..2, pads, random zero points, scales, bias and
 * clamp), builds it as a one-node quantized graph run by dpu_ref_run, and lowers the same
 * layer by hand into a program for dpu_sim_run, the way docs/isa.md says a compiler does:
 *   - the input in INPUT as HWC, loaded with the input zero point as pad_value, each pixel
 *     widened to nci*R bytes (nci input-channel blocks);
 *   - weights packed per (output block, input block, tap) as R x C matrices, zeros beyond the
 *     real channels;
 *   - PARAM records from ref's qplan, with bias' = wrap32(bias - z_x * S), S the sum of the
 *     output channel's weights;
 *   - one CONV per (output block, input block), accumulating over input blocks, the last with
 *     post-processing; a SAVE of the real channels as HWC.
 * The outputs must be byte-identical; the seed is printed on any mismatch.
 */
#include "sim_test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/graph.h"
#include "dpu/qplan.h"
#include "dpu/ref.h"

/* splitmix64: a fixed, portable sequence per seed. */
static uint64_t rng_state;
static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}
static int rng_int(int lo, int hi) /* inclusive */
{
    return lo + (int)(rng_next() % (uint64_t)(hi - lo + 1));
}
static double rng_unit(void)
{
    return (double)(rng_next() >> 11) / 9007199254740992.0;
}

struct layer {
    int cin, cout, h, w, kh, kw, sh, sw, dh, dw, top, left, bottom, right, oh, ow;
    int32_t zx, zy, lo, hi;
    float sx, sy, *sw_ch;
    int8_t *x;  /* NCHW [1, cin, h, w] */
    int8_t *wt; /* [cout, cin, kh, kw] */
    int32_t *bias;
};

static void layer_free(struct layer *l)
{
    free(l->sw_ch);
    free(l->x);
    free(l->wt);
    free(l->bias);
}

static void draw_layer(struct layer *l, int R, int C)
{
    memset(l, 0, sizeof *l);
    l->cin = rng_int(1, 2 * R);
    l->cout = rng_int(1, 2 * C);
    do {
        l->h = 2 * rng_int(0, 5) + 1;
        l->w = 2 * rng_int(0, 5) + 1;
        l->kh = rng_int(1, 5);
        l->kw = rng_int(1, 5);
        l->sh = rng_int(1, 3);
        l->sw = rng_int(1, 3);
        l->dh = rng_int(1, 2);
        l->dw = rng_int(1, 2);
        l->top = rng_int(0, l->kh - 1);
        l->bottom = rng_int(0, l->kh - 1);
        l->left = rng_int(0, l->kw - 1);
        l->right = rng_int(0, l->kw - 1);
        int eh = (l->kh - 1) * l->dh + 1, ew = (l->kw - 1) * l->dw + 1;
        l->oh = (l->h + l->top + l->bottom - eh) / l->sh + 1;
        l->ow = (l->w + l->left + l->right - ew) / l->sw + 1;
        if (l->h + l->top + l->bottom < eh || l->w + l->left + l->right < ew)
            l->oh = 0;
    } while (l->oh < 1 || l->ow < 1);
    l->zx = rng_int(-128, 127);
    l->zy = rng_int(-128, 127);
    switch (rng_int(0, 2)) {
    case 0: /* no activation */
        l->lo = -128, l->hi = 127;
        break;
    case 1: /* ReLU */
        l->lo = l->zy, l->hi = 127;
        break;
    default:
        l->lo = rng_int(-128, 0), l->hi = rng_int(l->lo, 127);
    }
    /* Scales: outputs of about +-40 for a typical accumulator, now and then far more or
     * less (saturation, tiny multipliers). */
    int K = l->cin * l->kh * l->kw;
    l->sx = (float)(0.02 + 0.08 * rng_unit());
    l->sw_ch = malloc(sizeof *l->sw_ch * (size_t)l->cout);
    double sw_mean = 0.01;
    for (int m = 0; m < l->cout; m++)
        l->sw_ch[m] = (float)(sw_mean * (0.5 + rng_unit()));
    double spread = rng_int(0, 9) == 0 ? (rng_unit() < 0.5 ? 0.01 : 100.0) : 1.0;
    l->sy = (float)(l->sx * sw_mean * 5400.0 * sqrt((double)K) / 40.0 * (0.5 + 1.5 * rng_unit()) *
                    spread);
    size_t nx = (size_t)l->cin * l->h * l->w, nw = (size_t)l->cout * l->cin * l->kh * l->kw;
    l->x = malloc(nx);
    l->wt = malloc(nw);
    l->bias = malloc(sizeof *l->bias * (size_t)l->cout);
    for (size_t i = 0; i < nx; i++)
        l->x[i] = (int8_t)rng_int(-128, 127);
    for (size_t i = 0; i < nw; i++)
        l->wt[i] = (int8_t)rng_int(-127, 127);
    for (int m = 0; m < l->cout; m++)
        l->bias[m] = rng_int(-70000, 70000);
}

/* ---- the reference: a one-node quantized graph ---------------------------------------- */

static void build_graph(struct dpu_graph *g, const struct layer *l)
{
    dpu_graph_init(g);
    g->quantized = true;
    int64_t xd[4] = {1, l->cin, l->h, l->w}, wd[4] = {l->cout, l->cin, l->kh, l->kw};
    int64_t yd[4] = {1, l->cout, l->oh, l->ow}, bd[1] = {l->cout};
    int x = dpu_graph_add_tensor(g, "x", DPU_DT_INT8, 4, xd, NULL);
    int w = dpu_graph_add_tensor(g, "w", DPU_DT_INT8, 4, wd, l->wt);
    int b = dpu_graph_add_tensor(g, "b", DPU_DT_INT32, 1, bd, l->bias);
    int y = dpu_graph_add_tensor(g, "y", DPU_DT_INT8, 4, yd, NULL);
    assert_true(x >= 0 && w >= 0 && b >= 0 && y >= 0);
    assert_int_equal(dpu_graph_set_quant(g, x, -1, 1, &l->sx, &l->zx), 0);
    assert_int_equal(dpu_graph_set_quant(g, y, -1, 1, &l->sy, &l->zy), 0);
    assert_int_equal(dpu_graph_set_quant(g, w, 0, (size_t)l->cout, l->sw_ch, NULL), 0);
    int32_t in[3] = {x, w, b};
    int n = dpu_graph_add_node(g, "conv", DPU_NODE_CONV2D, 3, in, 1, &y);
    assert_true(n >= 0);
    const int64_t ks[2] = {l->kh, l->kw}, st[2] = {l->sh, l->sw}, dl[2] = {l->dh, l->dw};
    const int64_t pads[4] = {l->top, l->left, l->bottom, l->right}, clamp[2] = {l->lo, l->hi};
    assert_int_equal(dpu_node_set_ints(g, n, "kernel_shape", 2, ks), 0);
    assert_int_equal(dpu_node_set_ints(g, n, "strides", 2, st), 0);
    assert_int_equal(dpu_node_set_ints(g, n, "dilations", 2, dl), 0);
    assert_int_equal(dpu_node_set_ints(g, n, "pads", 4, pads), 0);
    assert_int_equal(dpu_node_set_ints(g, n, "clamp", 2, clamp), 0);
    assert_true(dpu_graph_add_input(g, x) >= 0);
    assert_true(dpu_graph_add_output(g, y) >= 0);
}

/* ---- the lowering: DDR images and a program ------------------------------------------- */

static void put_le32(uint8_t *p, int32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)((uint32_t)v >> (8 * i));
}

static int32_t wrap_sub(int32_t a, int64_t b)
{
    return (int32_t)(uint32_t)((uint32_t)a - (uint32_t)(uint64_t)b);
}

struct lowered {
    uint8_t *input, *cst, *output;
    size_t input_size, cst_size, output_size;
    char *text;
};

static void lowered_free(struct lowered *lw)
{
    free(lw->input);
    free(lw->cst);
    free(lw->output);
    free(lw->text);
}

static void appendf(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void appendf(char *buf, size_t cap, const char *fmt, ...)
{
    size_t len = strlen(buf);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + len, cap - len, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < cap - len);
}

static void lower(const struct layer *l, const struct dpu_qp_conv *qp, int R, int C,
                  struct lowered *lw)
{
    int nci = (l->cin + R - 1) / R, nco = (l->cout + C - 1) / C, taps = l->kh * l->kw;
    int hp = l->h + l->top + l->bottom, wp = l->w + l->left + l->right;
    int pix = nci * R;                         /* on-chip bytes per input pixel */
    int in_bytes = hp * wp * pix;              /* the padded input at ACT 0 */
    int out_base = (in_bytes + R - 1) / R * R; /* outputs after it, R-aligned */
    int out_pix = nco * C;                     /* on-chip bytes per output pixel */
    size_t wgt_bytes = (size_t)nco * nci * taps * R * C;

    /* INPUT: HWC. */
    lw->input_size = (size_t)l->h * l->w * l->cin;
    lw->input = malloc(lw->input_size);
    for (int y = 0; y < l->h; y++)
        for (int x = 0; x < l->w; x++)
            for (int c = 0; c < l->cin; c++)
                lw->input[(y * l->w + x) * l->cin + c] = (uint8_t)l->x[(c * l->h + y) * l->w + x];

    /* CONST: weight blocks (b, k) in that order, tap t, lane r, column c; then records. */
    lw->cst_size = wgt_bytes + 16 * (size_t)out_pix;
    lw->cst = calloc(lw->cst_size, 1);
    for (int b = 0; b < nco; b++)
        for (int k = 0; k < nci; k++)
            for (int t = 0; t < taps; t++)
                for (int r = 0; r < R; r++)
                    for (int c = 0; c < C; c++) {
                        int m = b * C + c, ci = k * R + r;
                        if (m >= l->cout || ci >= l->cin)
                            continue;
                        size_t at = (((size_t)(b * nci + k) * taps + t) * R + r) * C + c;
                        lw->cst[at] =
                            (uint8_t)
                                l->wt[((m * l->cin + ci) * l->kh + t / l->kw) * l->kw + t % l->kw];
                    }
    for (int m = 0; m < l->cout; m++) {
        int64_t S = 0;
        for (int i = 0; i < l->cin * taps; i++)
            S += l->wt[(size_t)m * l->cin * taps + i];
        uint8_t *rec = lw->cst + wgt_bytes + 16 * (size_t)m;
        put_le32(rec, wrap_sub(l->bias[m], (int64_t)qp->zx * S));
        put_le32(rec + 4, qp->ch[m].M);
        rec[8] = (uint8_t)qp->ch[m].s;
    }

    lw->output_size = (size_t)l->oh * l->ow * l->cout;
    lw->output = malloc(lw->output_size);
    memset(lw->output, 0xa5, lw->output_size);

    size_t cap = 65536;
    lw->text = calloc(cap, 1);
    char *t = lw->text;
    /* Weights: one 64-byte... R*C-byte row per tap and block. */
    appendf(t, cap,
            "LOAD buf=WGT region=CONST rows=%zu cols=1 bytes=%d ddr_off=0 ddr_row_stride=%d "
            "ddr_col_stride=0 sram_col_stride=%d sram_addr=0 sram_row_stride=%d\n",
            wgt_bytes / (size_t)(R * C), R * C, R * C, R * C, R * C);
    appendf(t, cap,
            "LOAD buf=PARAM region=CONST rows=1 cols=1 bytes=%d ddr_off=%zu ddr_row_stride=0 "
            "ddr_col_stride=0 sram_col_stride=%d sram_addr=0 sram_row_stride=0\n",
            16 * out_pix, wgt_bytes, 16 * out_pix);
    appendf(t, cap,
            "LOAD signal=CONV buf=ACT region=INPUT pad_top=%d pad_bottom=%d pad_left=%d "
            "pad_right=%d pad_value=%d rows=%d cols=%d bytes=%d ddr_off=0 ddr_row_stride=%d "
            "ddr_col_stride=%d sram_col_stride=%d sram_addr=0 sram_row_stride=%d\n",
            l->top, l->bottom, l->left, l->right, (int)qp->zx, l->h, l->w, l->cin, l->w * l->cin,
            l->cin, pix, wp * pix);
    for (int b = 0; b < nco; b++) {
        for (int k = 0; k < nci; k++) {
            bool first = b == 0 && k == 0, last = b == nco - 1 && k == nci - 1;
            appendf(t, cap,
                    "CONV%s%s accumulate=%d kh=%d kw=%d stride_h=%d stride_w=%d dil_h=%d "
                    "dil_w=%d oh=%d ow=%d act_addr=%d act_col_stride=%d act_row_stride=%d "
                    "wgt_addr=%zu acc_addr=0",
                    first ? " wait=LOAD" : "", last ? " signal=SAVE" : "", k > 0, l->kh, l->kw,
                    l->sh, l->sw, l->dh, l->dw, l->oh, l->ow, k * R, pix, wp * pix,
                    (size_t)(b * nci + k) * taps * R * C);
            if (k == nci - 1)
                appendf(t, cap,
                        " post=1 param_addr=%d out_zp=%d out_addr=%d out_pstride=%d clamp_lo=%d "
                        "clamp_hi=%d",
                        b * C, (int)qp->zy, out_base + b * C, out_pix, (int)qp->lo, (int)qp->hi);
            appendf(t, cap, "\n");
        }
    }
    appendf(t, cap,
            "SAVE wait=CONV buf=ACT region=OUTPUT rows=%d cols=%d bytes=%d ddr_off=0 "
            "ddr_row_stride=%d ddr_col_stride=%d sram_col_stride=%d sram_addr=%d "
            "sram_row_stride=%d\nEND\n",
            l->oh, l->ow, l->cout, l->ow * l->cout, l->cout, out_pix, out_base, l->ow * out_pix);
}

/* ---- one seed ------------------------------------------------------------------------- */

static void describe(const struct layer *l, uint64_t seed, const char *preset)
{
    print_error("seed %llu on %s: Conv2D %dx%dx%d -> %d, kernel %dx%d, stride %dx%d, dilation "
                "%dx%d, pads t%d l%d b%d r%d, out %dx%d, zx %d zy %d clamp [%d, %d]\n",
                (unsigned long long)seed, preset, l->cin, l->h, l->w, l->cout, l->kh, l->kw, l->sh,
                l->sw, l->dh, l->dw, l->top, l->left, l->bottom, l->right, l->oh, l->ow, (int)l->zx,
                (int)l->zy, (int)l->lo, (int)l->hi);
}

/* Returns the number of output bytes that are not the ReLU/clamp floor, for the test's own
 * sanity check that the layers are not degenerate. */
static int check_seed(uint64_t seed, const char *preset)
{
    const struct dpu_preset *p = dpu_preset_find(preset);
    assert_non_null(p);
    int R = (int)p->array_rows, C = (int)p->array_cols;
    rng_state = seed;
    struct layer l;
    draw_layer(&l, R, C);

    struct dpu_graph g;
    build_graph(&g, &l);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_graph_verify(&g, &d);
    if (err) {
        describe(&l, seed, preset);
        print_error("%s\n", d.msg);
    }
    assert_int_equal(err, DPU_OK);
    int64_t xd[4] = {1, l.cin, l.h, l.w};
    struct dpu_tensor x = {DPU_DT_INT8, 4, {0}, l.x}, y;
    memcpy(x.dims, xd, sizeof xd);
    memset(&y, 0, sizeof y);
    err = dpu_ref_run(&g, &x, 1, &y, &d);
    if (err) {
        describe(&l, seed, preset);
        print_error("%s\n", d.msg);
    }
    assert_int_equal(err, DPU_OK);
    struct dpu_qp_conv qp;
    err = dpu_qplan_conv(&g, &g.nodes[0], &qp, &d);
    assert_int_equal(err, DPU_OK);

    struct lowered lw;
    lower(&l, &qp, R, C, &lw);
    struct dpu_sim *s = tu_sim(preset);
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_INPUT, lw.input, lw.input_size), DPU_OK);
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_CONST, lw.cst, lw.cst_size), DPU_OK);
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_OUTPUT, lw.output, lw.output_size), DPU_OK);
    dpu_sim_set_check_races(s, seed % 4 == 0);
    size_t n;
    dpu_insn *prog = tu_asm(lw.text, &n);
    struct dpu_sim_status st;
    err = dpu_sim_run(s, prog, n, &st, &d);
    if (err) {
        describe(&l, seed, preset);
        print_error("%s\nprogram:\n%s", d.msg, lw.text);
    }
    assert_int_equal(err, DPU_OK);

    /* ref: NCHW; simulator: HWC. */
    const int8_t *want = y.data;
    int live = 0;
    for (int m = 0; m < l.cout; m++) {
        for (int oy = 0; oy < l.oh; oy++) {
            for (int ox = 0; ox < l.ow; ox++) {
                int8_t r = want[(m * l.oh + oy) * l.ow + ox];
                int8_t got = (int8_t)lw.output[(oy * l.ow + ox) * l.cout + m];
                if (got != r) {
                    describe(&l, seed, preset);
                    print_error("output (channel %d, y %d, x %d): simulator %d, reference %d\n"
                                "program:\n%s",
                                m, oy, ox, got, r, lw.text);
                    fail();
                }
                live += r != l.lo && r != l.hi;
            }
        }
    }
    free(prog);
    dpu_sim_destroy(s);
    lowered_free(&lw);
    dpu_qp_conv_free(&qp);
    dpu_tensor_free(&y);
    dpu_graph_free(&g);
    layer_free(&l);
    return live;
}

static void run_seeds(const char *preset, uint64_t first, int count)
{
    long live = 0, total = 0;
    for (int i = 0; i < count; i++) {
        live += check_seed(first + (uint64_t)i, preset);
        total++;
    }
    /* Most outputs must be strictly inside the clamp, or the comparison proves little. */
    print_message("%s: %ld live outputs over %ld layers\n", preset, live, total);
    assert_true(live > 20 * total);
}

static void test_random_conv_tiny(void **state)
{
    (void)state;
    run_seeds("tiny", 1, 300);
}

/* b1024: R = 16, C = 32, so C != R (weight blocks of 16 x 32, wgt_addr multiples of 32). */
static void test_random_conv_b1024(void **state)
{
    (void)state;
    run_seeds("b1024", 100001, 40);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_conv_tiny),
        cmocka_unit_test(test_random_conv_b1024),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
