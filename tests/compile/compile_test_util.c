#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include "compile_test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/compile.h"
#include "dpu/preset.h"
#include "dpu/ref.h"
#include "dpu/runtime.h"
#include "dpu/sim.h"

static uint64_t rng;
void ct_seed(uint64_t seed)
{
    rng = seed;
}
static uint64_t next(void)
{
    uint64_t z = (rng += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}
int ct_int(int lo, int hi)
{
    return lo + (int)(next() % (uint64_t)(hi - lo + 1));
}
double ct_unit(void)
{
    return (double)(next() >> 11) / 9007199254740992.0;
}

static int counter;

int ct_act(struct dpu_graph *g, const char *name, int64_t n, int64_t c, int64_t h, int64_t w,
           double scale)
{
    int64_t dims[4] = {n, c, h, w};
    char nm[64];
    snprintf(nm, sizeof nm, "%s_%d", name, counter++);
    int t = dpu_graph_add_tensor(g, nm, DPU_DT_INT8, h ? 4 : 2, dims, NULL);
    assert_true(t >= 0);
    float s = (float)(scale * (0.7 + 0.6 * ct_unit()));
    int32_t zp = ct_int(-100, 100);
    assert_int_equal(dpu_graph_set_quant(g, t, -1, 1, &s, &zp), 0);
    return t;
}

static double scale_of(const struct dpu_graph *g, int t)
{
    return g->tensors[t].quant.scale[0];
}
static int32_t zp_of(const struct dpu_graph *g, int t)
{
    return g->tensors[t].quant.zero_point[0];
}

static void set_clamp(struct dpu_graph *g, int node, int y)
{
    int64_t cl[2] = {-128, 127};
    int k = ct_int(0, 2);
    if (k == 1)
        cl[0] = zp_of(g, y);
    else if (k == 2)
        cl[0] = ct_int(-128, 0), cl[1] = ct_int((int)cl[0], 127);
    assert_int_equal(dpu_node_set_ints(g, node, "clamp", 2, cl), 0);
}

static int add_weighted(struct dpu_graph *g, const char *name, int op, int x, int y, int64_t m,
                        int64_t cin, int kh, int kw)
{
    int64_t wd[4] = {m, cin, kh, kw}, bd[1] = {m};
    size_t nw = (size_t)(m * cin * kh * kw);
    int8_t *w = malloc(nw);
    int32_t *b = malloc(sizeof *b * (size_t)m);
    float *sw = malloc(sizeof *sw * (size_t)m);
    for (size_t i = 0; i < nw; i++)
        w[i] = (int8_t)ct_int(-127, 127);
    for (int64_t i = 0; i < m; i++)
        b[i] = ct_int(-70000, 70000), sw[i] = (float)(0.01 * (0.5 + ct_unit()));
    char nm[80];
    snprintf(nm, sizeof nm, "%s_w", name);
    int wt = dpu_graph_add_tensor(g, nm, DPU_DT_INT8, op == DPU_NODE_CONV2D ? 4 : 2, wd, w);
    snprintf(nm, sizeof nm, "%s_b", name);
    int bt = dpu_graph_add_tensor(g, nm, DPU_DT_INT32, 1, bd, b);
    assert_true(wt >= 0 && bt >= 0);
    assert_int_equal(dpu_graph_set_quant(g, wt, 0, (size_t)m, sw, NULL), 0);
    int32_t in[3] = {x, wt, bt};
    int n = dpu_graph_add_node(g, name, op, 3, in, 1, &y);
    assert_true(n >= 0);
    free(w), free(b), free(sw);
    return n;
}

int ct_conv(struct dpu_graph *g, const char *name, int x, int cout, int kh, int kw, int sh, int sw,
            int dh, int dw_, const int pads[4], int group)
{
    const struct dpu_gtensor *xt = &g->tensors[x];
    int64_t N = xt->dims[0], C = xt->dims[1], H = xt->dims[2], W = xt->dims[3];
    int64_t oh = (H + pads[0] + pads[2] - ((kh - 1) * dh + 1)) / sh + 1;
    int64_t ow = (W + pads[1] + pads[3] - ((kw - 1) * dw_ + 1)) / sw + 1;
    double K = (double)(C / group) * kh * kw;
    int y = ct_act(g, name, N, cout, oh, ow,
                   scale_of(g, x) * 0.01 * 5400.0 * sqrt(K) / 40.0 * (0.5 + 1.5 * ct_unit()));
    int n = add_weighted(g, name, DPU_NODE_CONV2D, x, y, cout, C / group, kh, kw);
    const int64_t ks[2] = {kh, kw}, st[2] = {sh, sw}, dl[2] = {dh, dw_};
    const int64_t pd[4] = {pads[0], pads[1], pads[2], pads[3]};
    assert_int_equal(dpu_node_set_ints(g, n, "kernel_shape", 2, ks), 0);
    assert_int_equal(dpu_node_set_ints(g, n, "strides", 2, st), 0);
    assert_int_equal(dpu_node_set_ints(g, n, "dilations", 2, dl), 0);
    assert_int_equal(dpu_node_set_ints(g, n, "pads", 4, pd), 0);
    assert_int_equal(dpu_node_set_int(g, n, "group", group), 0);
    set_clamp(g, n, y);
    return y;
}

int ct_fc(struct dpu_graph *g, const char *name, int x, int m)
{
    const struct dpu_gtensor *xt = &g->tensors[x];
    int64_t N = xt->dims[0], K = xt->dims[1];
    int y =
        ct_act(g, name, N, m, 0, 0,
               scale_of(g, x) * 0.01 * 5400.0 * sqrt((double)K) / 40.0 * (0.5 + 1.5 * ct_unit()));
    int n = add_weighted(g, name, DPU_NODE_FULLY_CONNECTED, x, y, m, K, 1, 1);
    set_clamp(g, n, y);
    return y;
}

int ct_pool(struct dpu_graph *g, const char *name, int op, int x, int kh, int kw, int sh, int sw,
            const int pads[4])
{
    const struct dpu_gtensor *xt = &g->tensors[x];
    int64_t N = xt->dims[0], C = xt->dims[1], H = xt->dims[2], W = xt->dims[3], oh = 1, ow = 1;
    if (op != DPU_NODE_GLOBAL_AVG_POOL) {
        oh = (H + pads[0] + pads[2] - kh) / sh + 1;
        ow = (W + pads[1] + pads[3] - kw) / sw + 1;
    }
    int y = ct_act(g, name, N, C, oh, ow, scale_of(g, x));
    int n = dpu_graph_add_node(g, name, op, 1, &x, 1, &y);
    assert_true(n >= 0);
    if (op != DPU_NODE_GLOBAL_AVG_POOL) {
        const int64_t ks[2] = {kh, kw}, st[2] = {sh, sw};
        const int64_t pd[4] = {pads[0], pads[1], pads[2], pads[3]};
        assert_int_equal(dpu_node_set_ints(g, n, "kernel_shape", 2, ks), 0);
        assert_int_equal(dpu_node_set_ints(g, n, "strides", 2, st), 0);
        assert_int_equal(dpu_node_set_ints(g, n, "pads", 4, pd), 0);
    }
    return y;
}

int ct_binary(struct dpu_graph *g, const char *name, int op, int a, int b)
{
    const struct dpu_gtensor *at = &g->tensors[a];
    double s = op == DPU_NODE_ADD ? scale_of(g, a) * 1.5 : scale_of(g, a) * scale_of(g, b) * 60;
    int y = ct_act(g, name, at->dims[0], at->dims[1], at->dims[2], at->dims[3], s);
    int32_t in[2] = {a, b};
    int n = dpu_graph_add_node(g, name, op, 2, in, 1, &y);
    assert_true(n >= 0);
    set_clamp(g, n, y);
    return y;
}

int ct_unary(struct dpu_graph *g, const char *name, int op, int x)
{
    const struct dpu_gtensor *xt = &g->tensors[x];
    int y = ct_act(g, name, xt->dims[0], xt->dims[1], xt->dims[2], xt->dims[3],
                   scale_of(g, x) * (0.5 + ct_unit()));
    int n = dpu_graph_add_node(g, name, op, 1, &x, 1, &y);
    assert_true(n >= 0);
    if (op == DPU_NODE_RELU || op == DPU_NODE_RELU6 || op == DPU_NODE_CLIP) {
        int64_t cl[2] = {zp_of(g, y), 127};
        if (op != DPU_NODE_RELU)
            cl[1] = ct_int((int)cl[0], 127);
        assert_int_equal(dpu_node_set_ints(g, n, "clamp", 2, cl), 0);
    } else {
        double lut[256];
        for (int i = 0; i < 256; i++)
            lut[i] = ct_int(-128, 127);
        int64_t li[256];
        for (int i = 0; i < 256; i++)
            li[i] = (int64_t)lut[i];
        assert_int_equal(dpu_node_set_ints(g, n, "lut", 256, li), 0);
    }
    return y;
}

/* Element (n, c, h, w) of a logical NCHW tensor at its place in the program's layout. */
static size_t place(const struct dpu_prog_tensor *t, size_t e)
{
    if (t->layout != DPU_PROG_LAYOUT_NHWC)
        return e;
    size_t C = (size_t)t->dims[1], H = (size_t)t->dims[2], W = (size_t)t->dims[3];
    size_t w = e % W, h = e / W % H, c = e / (W * H) % C, n = e / (W * H * C);
    return ((n * H + h) * W + w) * t->cpad + c;
}

int ct_pack_rows;
int ct_pack_pieces;
int ct_pack_pairs;

void ct_check(struct dpu_graph *g, const char *preset, uint64_t seed, const char *what)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_graph_verify(g, &d);
    if (err)
        print_error("seed %llu (%s): %s\n", (unsigned long long)seed, what, d.msg);
    assert_int_equal(err, 0);
    struct dpu_compile_opts o = {0};
    o.preset = dpu_preset_find(preset);
    o.no_cpu_fallback = true;
    o.pack_rows = ct_pack_rows;
    o.pack_pieces = ct_pack_pieces;
    o.pack_pairs = ct_pack_pairs;
    struct dpu_program p;
    err = dpu_compile(g, &o, &p, &d);
    if (err)
        print_error("seed %llu on %s (%s): %s\n", (unsigned long long)seed, preset, what, d.msg);
    assert_int_equal(err, 0);
    assert_int_equal(p.nsteps, 1);
    assert_int_equal(p.steps[0].kind, DPU_PROG_STEP_ACCEL);

    /* Inputs: random int8, NCHW for the reference, the program's layout for the simulator. */
    uint8_t *region[DPU_REGION_COUNT] = {0};
    for (int r = DPU_REGION_INPUT; r < DPU_REGION_COUNT; r++) {
        region[r] = malloc(p.region_size[r] + 1);
        memset(region[r], 0x5a, p.region_size[r] + 1);
    }
    struct dpu_tensor in[8], out[8];
    assert_true(g->ninputs <= 8 && g->noutputs <= 8);
    for (size_t i = 0; i < g->ninputs; i++) {
        const struct dpu_gtensor *gt = &g->tensors[g->inputs[i]];
        assert_int_equal(dpu_tensor_alloc(&in[i], DPU_DT_INT8, gt->rank, gt->dims, &d), 0);
        int64_t cnt = dpu_tensor_count(&in[i]);
        const struct dpu_prog_tensor *pt = NULL;
        for (size_t k = 0; k < p.ntensors; k++)
            if (strcmp(p.tensors[k].name, gt->name) == 0)
                pt = &p.tensors[k];
        assert_non_null(pt);
        for (int64_t e = 0; e < cnt; e++) {
            int8_t v = (int8_t)ct_int(-128, 127);
            ((int8_t *)in[i].data)[e] = v;
            region[pt->region][pt->offset + place(pt, (size_t)e)] = (uint8_t)v;
        }
    }
    memset(out, 0, sizeof out);
    err = dpu_ref_run(g, in, g->ninputs, out, &d);
    if (err)
        print_error("seed %llu (%s): reference: %s\n", (unsigned long long)seed, what, d.msg);
    assert_int_equal(err, 0);

    struct dpu_sim *s;
    assert_int_equal(dpu_sim_create(o.preset, &s, &d), 0);
    assert_int_equal(
        dpu_sim_set_region(s, DPU_REGION_CONST, p.const_data, p.region_size[DPU_REGION_CONST]), 0);
    for (int r = DPU_REGION_INPUT; r < DPU_REGION_COUNT; r++)
        assert_int_equal(dpu_sim_set_region(s, r, region[r], p.region_size[r]), 0);
    dpu_sim_set_check_races(s, true);
    struct dpu_sim_status st;
    err = dpu_sim_run(s, p.insns, p.ninsns, &st, &d);
    if (err || st.race.found)
        print_error("seed %llu on %s (%s): simulator: %s%s\n", (unsigned long long)seed, preset,
                    what, d.msg, st.race.found ? " (race)" : "");
    assert_int_equal(err, 0);
    assert_false(st.race.found);

    for (size_t i = 0; i < g->noutputs; i++) {
        const struct dpu_gtensor *gt = &g->tensors[g->outputs[i]];
        const struct dpu_prog_tensor *pt = NULL;
        for (size_t k = 0; k < p.ntensors; k++)
            if (strcmp(p.tensors[k].name, gt->name) == 0)
                pt = &p.tensors[k];
        assert_non_null(pt);
        int64_t cnt = dpu_tensor_count(&out[i]);
        for (int64_t e = 0; e < cnt; e++) {
            int8_t want = ((int8_t *)out[i].data)[e];
            int8_t got = (int8_t)region[pt->region][pt->offset + place(pt, (size_t)e)];
            if (want != got) {
                print_error("seed %llu on %s (%s): output '%s' element %lld: program %d, "
                            "reference %d\n",
                            (unsigned long long)seed, preset, what, gt->name, (long long)e, got,
                            want);
                fail();
            }
        }
        dpu_tensor_free(&out[i]);
    }
    for (size_t i = 0; i < g->ninputs; i++)
        dpu_tensor_free(&in[i]);
    dpu_sim_destroy(s);
    for (int r = 0; r < DPU_REGION_COUNT; r++)
        free(region[r]);
    dpu_program_free(&p);
}

int ct_rt_open(struct dpu_rt *rt, const struct dpu_program *p, char *msg, size_t cap)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct dpu_rt_backend b;
    const struct dpu_preset *pre = dpu_preset_find(p->preset_name);
    if (!pre || dpu_rt_sim_backend(pre, true, &b, &d) || dpu_rt_load(rt, p, pre, &b, &d)) {
        snprintf(msg, cap, "runtime load: %.900s", pre ? d.msg : "unknown preset");
        return -1;
    }
    return 0;
}

int ct_rt_compare(struct dpu_rt *rt, const struct dpu_graph *g, const struct dpu_tensor *in,
                  size_t nin, char *msg, size_t cap)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct dpu_tensor want[8];
    memset(want, 0, sizeof want);
    if (g->noutputs > 8) {
        snprintf(msg, cap, "%zu graph outputs: at most 8", g->noutputs);
        return -1;
    }
    if (dpu_ref_run(g, in, nin, want, &d)) {
        snprintf(msg, cap, "reference: %.900s", d.msg);
        return -1;
    }
    int rc = ct_rt_check(rt, g, in, nin, want, msg, cap);
    for (size_t i = 0; i < g->noutputs; i++)
        dpu_tensor_free(&want[i]);
    return rc;
}

int ct_rt_check(struct dpu_rt *rt, const struct dpu_graph *g, const struct dpu_tensor *in,
                size_t nin, const struct dpu_tensor *want, char *msg, size_t cap)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct dpu_tensor got[8];
    size_t nout = g->noutputs;
    if (nout > 8 || nout != dpu_rt_noutputs(rt)) {
        snprintf(msg, cap, "%zu graph outputs, %zu program outputs", nout, dpu_rt_noutputs(rt));
        return -1;
    }
    memset(got, 0, sizeof got);
    if (dpu_rt_run(rt, in, nin, got, nout, &d)) {
        snprintf(msg, cap, "runtime: %.900s", d.msg);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < nout && rc == 0; i++) {
        const char *name = rt->program->tensors[dpu_rt_output_tensor(rt, i)].name;
        size_t k = 0;
        while (k < nout && strcmp(g->tensors[g->outputs[k]].name, name) != 0)
            k++;
        if (k == nout || got[i].dtype != want[k].dtype ||
            dpu_tensor_count(&got[i]) != dpu_tensor_count(&want[k])) {
            snprintf(msg, cap, "program output '%s' does not match a graph output", name);
            rc = -1;
            break;
        }
        int64_t cnt = dpu_tensor_count(&got[i]);
        size_t es = dpu_dtype_size(got[i].dtype);
        for (int64_t e = 0; e < cnt; e++)
            if (memcmp((uint8_t *)got[i].data + (size_t)e * es,
                       (uint8_t *)want[k].data + (size_t)e * es, es) != 0) {
                snprintf(msg, cap,
                         "output '%s' element %lld (NCHW index) differs: program %d, "
                         "reference %d (first byte)",
                         name, (long long)e, ((int8_t *)got[i].data)[e * (int64_t)es],
                         ((int8_t *)want[k].data)[e * (int64_t)es]);
                rc = -1;
                break;
            }
    }
    for (size_t i = 0; i < nout; i++)
        dpu_tensor_free(&got[i]);
    return rc;
}

int ct_rt_cpu_ops(const struct dpu_rt *rt, const char *allowed, char *msg, size_t cap)
{
    const struct dpu_program *p = rt->program;
    for (size_t s = 0; s < p->nsteps; s++) {
        if (p->steps[s].kind != DPU_PROG_STEP_CPU)
            continue;
        const struct dpu_graph *sg = &rt->cpu[s].graph;
        for (size_t n = 0; n < sg->nnodes; n++) {
            const char *op = dpu_node_op_name(sg->nodes[n].op);
            bool ok = false;
            for (const char *a = allowed; *a && !ok; a += strlen(a) + 1)
                ok = strcmp(a, op) == 0;
            if (!ok) {
                snprintf(msg, cap, "node '%s' (%s) runs on the CPU (plan step %zu)",
                         sg->nodes[n].name, op, s);
                return -1;
            }
        }
    }
    return 0;
}

char *ct_dump_after(struct dpu_graph *g, const char *preset, const char *pass)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    struct dpu_compile_opts o = {0};
    o.preset = dpu_preset_find(preset);
    o.no_cpu_fallback = true;
    o.pack_rows = ct_pack_rows;
    o.pack_pieces = ct_pack_pieces;
    o.pack_pairs = ct_pack_pairs;
    o.dump_after = pass;
    o.dump = f;
    struct dpu_program p;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_compile(g, &o, &p, &d);
    fclose(f);
    if (err)
        print_error("%s\n", d.msg);
    assert_int_equal(err, 0);
    dpu_program_free(&p);
    return buf;
}
