/* The runtime tests' hand-built programs (see rt_case.h). */
#include "rt_case.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/asm.h"
#include "dpu/q8.h"
#include "dpu/qplan.h"

static void die(const char *what, const struct dpu_diag *d)
{
    fprintf(stderr, "rt_case: %s: %s\n", what, d ? dpu_diag_message(d) : "failed");
    abort();
}

static uint64_t rng;
static uint32_t next(void)
{
    rng = rng * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    return (uint32_t)(rng >> 33);
}
static int draw(int lo, int hi)
{
    return lo + (int)(next() % (uint32_t)(hi - lo + 1));
}

static void text_add(char **buf, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void text_add(char **buf, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    *buf = realloc(*buf, *len + (size_t)n + 1);
    if (!*buf)
        abort();
    va_start(ap, fmt);
    vsnprintf(*buf + *len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    *len += (size_t)n;
}

/* The layer's parameters drawn from the seed. */
struct conv {
    int cin, cout, h, w;
    float sx, sy, *sw;
    int32_t zx, zy, *bias;
    int8_t *wt; /* [cout, cin, 3, 3] */
};

static void draw_conv(const struct rt_case_spec *s, struct conv *cv)
{
    rng = s->seed * 2 + 1;
    cv->cin = s->cin, cv->cout = s->cout, cv->h = s->h, cv->w = s->w;
    cv->sx = 0.05f;
    cv->zx = draw(-20, 20);
    cv->zy = draw(-20, 20);
    cv->sy = 0.1f + 0.1f * (float)s->cin; /* outputs mostly inside [-128, 127] */
    cv->sw = malloc(sizeof *cv->sw * (size_t)s->cout);
    cv->bias = malloc(sizeof *cv->bias * (size_t)s->cout);
    cv->wt = malloc((size_t)s->cout * s->cin * 9);
    for (int m = 0; m < s->cout; m++) {
        cv->sw[m] = 0.01f * (float)(50 + draw(0, 100)) / 100.0f;
        cv->bias[m] = draw(-3000, 3000);
    }
    for (int i = 0; i < s->cout * s->cin * 9; i++)
        cv->wt[i] = (int8_t)draw(-127, 127);
}

static int add_act(struct dpu_graph *g, const char *name, enum dpu_dtype dt, const int64_t *dims,
                   const float *scale, const int32_t *zp)
{
    int t = dpu_graph_add_tensor(g, name, dt, 4, dims, NULL);
    if (t < 0 || (scale && dpu_graph_set_quant(g, t, -1, 1, scale, zp) != 0))
        die("graph tensor", NULL);
    return t;
}

/* A graph of one boundary node (Quantize or Dequantize) from `from` to `to`. */
static void boundary_graph(struct dpu_graph *g, enum dpu_node_op op, const char *node,
                           const char *from, const char *to, const int64_t *dims, float scale,
                           int32_t zp)
{
    dpu_graph_init(g);
    g->quantized = true;
    bool q = op == DPU_NODE_QUANTIZE;
    int a = add_act(g, from, q ? DPU_DT_FLOAT32 : DPU_DT_INT8, dims, q ? NULL : &scale, &zp);
    int b = add_act(g, to, q ? DPU_DT_INT8 : DPU_DT_FLOAT32, dims, q ? &scale : NULL, &zp);
    int32_t in = a, out = b;
    if (dpu_graph_add_node(g, node, op, 1, &in, 1, &out) < 0 || dpu_graph_add_input(g, a) < 0 ||
        dpu_graph_add_output(g, b) < 0)
        die("boundary graph", NULL);
}

/* The whole model: [Quantize] Conv2D [Dequantize]. */
static void model_graph(const struct rt_case_spec *s, const struct conv *cv, struct dpu_graph *g)
{
    dpu_graph_init(g);
    g->quantized = true;
    int64_t xd[4] = {1, cv->cin, cv->h, cv->w}, yd[4] = {1, cv->cout, cv->h, cv->w};
    int64_t wd[4] = {cv->cout, cv->cin, 3, 3}, bd[1] = {cv->cout};
    int xq = add_act(g, "xq", DPU_DT_INT8, xd, &cv->sx, &cv->zx);
    int w = dpu_graph_add_tensor(g, "w", DPU_DT_INT8, 4, wd, cv->wt);
    int b = dpu_graph_add_tensor(g, "b", DPU_DT_INT32, 1, bd, cv->bias);
    int y = add_act(g, "y", DPU_DT_INT8, yd, &cv->sy, &cv->zy);
    if (w < 0 || b < 0 || dpu_graph_set_quant(g, w, 0, (size_t)cv->cout, cv->sw, NULL))
        die("weights", NULL);
    int32_t in[3] = {xq, w, b};
    int n = dpu_graph_add_node(g, "conv", DPU_NODE_CONV2D, 3, in, 1, &y);
    const int64_t ks[2] = {3, 3}, pads[4] = {1, 1, 1, 1};
    if (n < 0 || dpu_node_set_ints(g, n, "kernel_shape", 2, ks) ||
        dpu_node_set_ints(g, n, "pads", 4, pads))
        die("conv node", NULL);
    int gin = xq, gout = y;
    if (s->float_io) {
        int x = add_act(g, "x", DPU_DT_FLOAT32, xd, NULL, NULL);
        int yf = add_act(g, "yf", DPU_DT_FLOAT32, yd, NULL, NULL);
        int32_t a = x, bq = xq, c = y, e = yf;
        if (dpu_graph_add_node(g, "quantize", DPU_NODE_QUANTIZE, 1, &a, 1, &bq) < 0 ||
            dpu_graph_add_node(g, "dequantize", DPU_NODE_DEQUANTIZE, 1, &c, 1, &e) < 0)
            die("boundary nodes", NULL);
        gin = x, gout = yf;
    }
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_graph_add_input(g, gin) < 0 || dpu_graph_add_output(g, gout) < 0 ||
        dpu_graph_verify(g, &d))
        die("model graph", &d);
}

static void put32(uint8_t *p, int32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)((uint32_t)v >> (8 * i));
}

/* Lowers the conv: CONST holds the weight blocks (output block b, input block k, tap t,
 * R x C) then one 16-byte PARAM record per output channel (bias folded with -z_x * sum(w)). */
static char *lower(const struct conv *cv, const struct dpu_qp_conv *qp, int R, int C, int region_in,
                   uint64_t off_in, int cpad_in, int region_out, uint64_t off_out, int cpad_out,
                   uint8_t **cst, uint64_t *cst_size)
{
    int nci = (cv->cin + R - 1) / R, nco = (cv->cout + C - 1) / C;
    int hp = cv->h + 2, wp = cv->w + 2, pix = nci * R, out_pix = nco * C;
    int out_base = (hp * wp * pix + R - 1) / R * R;
    size_t wbytes = (size_t)nco * nci * 9 * R * C;
    *cst_size = wbytes + 16 * (size_t)out_pix;
    *cst = calloc(1, (size_t)*cst_size);
    for (int m = 0; m < cv->cout; m++) {
        int64_t sum = 0;
        for (int ci = 0; ci < cv->cin; ci++)
            for (int t = 0; t < 9; t++) {
                int8_t v = cv->wt[(m * cv->cin + ci) * 9 + t];
                sum += v;
                size_t at = ((((size_t)(m / C) * nci + ci / R) * 9 + t) * R + ci % R) * C + m % C;
                (*cst)[at] = (uint8_t)v;
            }
        uint8_t *rec = *cst + wbytes + 16 * (size_t)m;
        put32(rec, (int32_t)(uint32_t)((uint32_t)cv->bias[m] - (uint32_t)(qp->zx * sum)));
        put32(rec + 4, qp->ch[m].M);
        rec[8] = (uint8_t)qp->ch[m].s;
    }
    const char *rn[] = {"CONST", "INPUT", "OUTPUT", "SCRATCH"};
    char *t = NULL;
    size_t len = 0;
    text_add(&t, &len,
             "LOAD buf=WGT region=CONST rows=%zu cols=1 bytes=%d ddr_off=0 ddr_row_stride=%d "
             "ddr_col_stride=0 sram_col_stride=%d sram_addr=0 sram_row_stride=%d\n",
             wbytes / (size_t)(R * C), R * C, R * C, R * C, R * C);
    text_add(&t, &len,
             "LOAD buf=PARAM region=CONST rows=1 cols=1 bytes=%d ddr_off=%zu ddr_row_stride=0 "
             "ddr_col_stride=0 sram_col_stride=%d sram_addr=0 sram_row_stride=0\n",
             16 * out_pix, wbytes, 16 * out_pix);
    text_add(&t, &len,
             "LOAD signal=CONV buf=ACT region=%s pad_top=1 pad_bottom=1 pad_left=1 pad_right=1 "
             "pad_value=%d rows=%d cols=%d bytes=%d ddr_off=%llu ddr_row_stride=%d "
             "ddr_col_stride=%d sram_col_stride=%d sram_addr=0 sram_row_stride=%d\n",
             rn[region_in], (int)qp->zx, cv->h, cv->w, cv->cin, (unsigned long long)off_in,
             cv->w * cpad_in, cpad_in, pix, wp * pix);
    for (int b = 0; b < nco; b++)
        for (int k = 0; k < nci; k++) {
            bool first = b == 0 && k == 0, last = b == nco - 1 && k == nci - 1;
            text_add(&t, &len,
                     "CONV%s%s accumulate=%d kh=3 kw=3 stride_h=1 stride_w=1 dil_h=1 dil_w=1 "
                     "oh=%d ow=%d act_addr=%d act_col_stride=%d act_row_stride=%d wgt_addr=%zu "
                     "acc_addr=0",
                     first ? " wait=LOAD" : "", last ? " signal=SAVE" : "", k > 0, cv->h, cv->w,
                     k * R, pix, wp * pix, (size_t)(b * nci + k) * 9 * R * C);
            if (k == nci - 1)
                text_add(&t, &len,
                         " post=1 param_addr=%d out_zp=%d out_addr=%d out_pstride=%d "
                         "clamp_lo=%d clamp_hi=%d",
                         b * C, (int)qp->zy, out_base + b * C, out_pix, (int)qp->lo, (int)qp->hi);
            text_add(&t, &len, "\n");
        }
    text_add(&t, &len,
             "SAVE wait=CONV buf=ACT region=%s rows=%d cols=%d bytes=%d ddr_off=%llu "
             "ddr_row_stride=%d ddr_col_stride=%d sram_col_stride=%d sram_addr=%d "
             "sram_row_stride=%d\nEND\n",
             rn[region_out], cv->h, cv->w, cv->cout, (unsigned long long)off_out, cv->w * cpad_out,
             cpad_out, out_pix, out_base, cv->w * out_pix);
    return t;
}

static uint32_t add_tensor(struct dpu_program *p, const char *name, enum dpu_prog_role role,
                           enum dpu_region region, uint64_t offset, enum dpu_dtype dt,
                           const int64_t *dims, uint32_t cpad, const float *scale, int32_t zp)
{
    struct dpu_prog_tensor t;
    memset(&t, 0, sizeof t);
    t.name = (char *)name;
    t.role = role;
    t.region = region;
    t.offset = offset;
    t.dtype = dt;
    t.rank = 4;
    memcpy(t.dims, dims, sizeof(int64_t) * 4);
    t.layout = cpad ? DPU_PROG_LAYOUT_NHWC : DPU_PROG_LAYOUT_NCHW;
    t.cpad = cpad;
    if (scale) {
        t.quantized = true;
        t.scale = *scale;
        t.zero_point = zp;
    }
    t.size = (uint64_t)dpu_prog_tensor_footprint(&t);
    uint32_t idx;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_program_add_tensor(p, &t, &idx, &d))
        die("program tensor", &d);
    return idx;
}

static void add_cpu(struct dpu_program *p, const char *name, const struct dpu_graph *g, uint32_t in,
                    uint32_t out)
{
    uint8_t *q8;
    size_t len;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_q8_encode(g, &q8, &len, &d) ||
        dpu_program_add_cpu_step(p, name, q8, len, &in, 1, &out, 1, &d))
        die("cpu step", &d);
    free(q8);
}

static uint64_t align64(uint64_t v)
{
    return (v + 63) / 64 * 64;
}

static void build_program(const struct rt_case_spec *s, const struct conv *cv,
                          const struct dpu_graph *model, struct dpu_program *p)
{
    const struct dpu_preset *ps = dpu_preset_find(s->preset);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct dpu_qp_conv qp;
    const struct dpu_gnode *conv = NULL;
    for (size_t n = 0; n < model->nnodes; n++)
        if (model->nodes[n].op == DPU_NODE_CONV2D)
            conv = &model->nodes[n];
    if (!ps || dpu_qplan_conv(model, conv, &qp, &d))
        die("qplan", &d);
    dpu_program_init(p);
    if (dpu_program_set_target(p, ps, &d))
        die("target", &d);
    int64_t xd[4] = {1, cv->cin, cv->h, cv->w}, yd[4] = {1, cv->cout, cv->h, cv->w};
    uint64_t xq_bytes = (uint64_t)cv->h * cv->w * (uint64_t)s->cpad_in;
    uint64_t y_bytes = (uint64_t)cv->h * cv->w * (uint64_t)s->cpad_out;
    int rin, rout;
    uint64_t oin = 0, oout = 0;
    uint32_t tx = 0, txq, ty, tyf = 0;
    if (s->float_io) {
        rin = rout = DPU_REGION_SCRATCH;
        oout = align64(xq_bytes);
        tx = add_tensor(p, "x", DPU_PROG_ROLE_INPUT, DPU_REGION_INPUT, 0, DPU_DT_FLOAT32, xd, 0,
                        NULL, 0);
        txq = add_tensor(p, "xq", DPU_PROG_ROLE_INTERNAL, DPU_REGION_SCRATCH, 0, DPU_DT_INT8, xd,
                         (uint32_t)s->cpad_in, &cv->sx, cv->zx);
        ty = add_tensor(p, "y", DPU_PROG_ROLE_INTERNAL, DPU_REGION_SCRATCH, oout, DPU_DT_INT8, yd,
                        (uint32_t)s->cpad_out, &cv->sy, cv->zy);
        tyf = add_tensor(p, "yf", DPU_PROG_ROLE_OUTPUT, DPU_REGION_OUTPUT, 0, DPU_DT_FLOAT32, yd, 0,
                         NULL, 0);
        p->region_size[DPU_REGION_INPUT] = (uint64_t)dpu_shape_count(4, xd) * 4;
        p->region_size[DPU_REGION_OUTPUT] = (uint64_t)dpu_shape_count(4, yd) * 4;
        p->region_size[DPU_REGION_SCRATCH] = oout + align64(y_bytes);
    } else {
        rin = DPU_REGION_INPUT;
        rout = DPU_REGION_OUTPUT;
        txq = add_tensor(p, "xq", DPU_PROG_ROLE_INPUT, DPU_REGION_INPUT, 0, DPU_DT_INT8, xd,
                         (uint32_t)s->cpad_in, &cv->sx, cv->zx);
        ty = add_tensor(p, "y", DPU_PROG_ROLE_OUTPUT, DPU_REGION_OUTPUT, 0, DPU_DT_INT8, yd,
                        (uint32_t)s->cpad_out, &cv->sy, cv->zy);
        p->region_size[DPU_REGION_INPUT] = xq_bytes;
        p->region_size[DPU_REGION_OUTPUT] = y_bytes;
    }
    uint8_t *cst;
    uint64_t cst_size;
    char *text = lower(cv, &qp, (int)ps->array_rows, (int)ps->array_cols, rin, oin, s->cpad_in,
                       rout, oout, s->cpad_out, &cst, &cst_size);
    dpu_insn *insns;
    size_t n;
    if (dpu_asm_text("rt_case", text, strlen(text), &insns, &n, &d) ||
        dpu_program_set_insns(p, insns, n, &d) || dpu_program_set_const(p, cst, cst_size, &d))
        die("instructions", &d);
    if (s->float_io) {
        struct dpu_graph gq, gd;
        boundary_graph(&gq, DPU_NODE_QUANTIZE, "quantize", "x", "xq", xd, cv->sx, cv->zx);
        boundary_graph(&gd, DPU_NODE_DEQUANTIZE, "dequantize", "y", "yf", yd, cv->sy, cv->zy);
        add_cpu(p, "quantize", &gq, tx, txq);
        if (dpu_program_add_accel_step(p, "conv", 0, n, &d))
            die("accel step", &d);
        add_cpu(p, "dequantize", &gd, ty, tyf);
        dpu_graph_free(&gq);
        dpu_graph_free(&gd);
    } else if (dpu_program_add_accel_step(p, "conv", 0, n, &d)) {
        die("accel step", &d);
    }
    struct dpu_prog_range r = {3, n - 5}; /* the CONVs: after three LOADs, before SAVE, END */
    if (dpu_program_add_layer(p, "conv", "Conv2D", &r, 1, &d))
        die("layer", &d);
    free(insns);
    free(text);
    free(cst);
    dpu_qp_conv_free(&qp);
}

void rt_case_build(const struct rt_case_spec *s, struct rt_case *c)
{
    struct conv cv;
    draw_conv(s, &cv);
    model_graph(s, &cv, &c->model);
    build_program(s, &cv, &c->model, &c->prog);
    int64_t xd[4] = {1, s->cin, s->h, s->w};
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_tensor_alloc(&c->input, s->float_io ? DPU_DT_FLOAT32 : DPU_DT_INT8, 4, xd, &d))
        die("input", &d);
    int64_t cnt = dpu_tensor_count(&c->input);
    for (int64_t i = 0; i < cnt; i++) {
        if (s->float_io)
            ((float *)c->input.data)[i] = (float)draw(-4000, 4000) / 1000.0f;
        else
            ((int8_t *)c->input.data)[i] = (int8_t)draw(-128, 127);
    }
    free(cv.sw);
    free(cv.bias);
    free(cv.wt);
}

void rt_case_free(struct rt_case *c)
{
    dpu_graph_free(&c->model);
    dpu_program_free(&c->prog);
    dpu_tensor_free(&c->input);
}
