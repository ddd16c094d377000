/* Random DAG generator of rgraph.h. A case starts from one 4-D input (sometimes two of the
 * same shape, or a 2-D input for an FC chain) and adds 1-6 nodes, each reading a value made
 * so far (mostly the newest); binary ops and Concat find or build a partner of the right
 * shape. Values nobody reads become graph outputs, so every node is live. */
#include "rgraph.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compile_test_util.h"
#include "dpu/preset.h"

#define MAXV 32

bool rg_big;

struct rg {
    struct dpu_graph *g;
    struct rg_case *cs;
    size_t n;              /* bytes of cs->desc used */
    int R, C;              /* array rows and columns */
    uint64_t act;          /* ACT bytes: v0 tiles by output rows only, so one row's tile must fit */
    int vals[MAXV], nvals; /* 4-D activations made so far */
    int nnodes;
};

static void say(struct rg *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t cap = sizeof r->cs->desc;
    if (r->n < cap) {
        int k = vsnprintf(r->cs->desc + r->n, cap - r->n, fmt, ap);
        r->n += k > 0 ? (size_t)k : 0;
    }
    va_end(ap);
}

static const int64_t *dims(const struct rg *r, int t)
{
    return r->g->tensors[t].dims;
}

static void push(struct rg *r, int t)
{
    if (r->nvals < MAXV)
        r->vals[r->nvals++] = t;
}

static int input(struct rg *r, int64_t n, int64_t c, int64_t h, int64_t w)
{
    int x = ct_act(r->g, "x", n, c, h, w, 0.05);
    assert_true(dpu_graph_add_input(r->g, x) >= 0);
    if (h)
        say(r, "input [%lld,%lld,%lld,%lld]; ", (long long)n, (long long)c, (long long)h,
            (long long)w);
    else
        say(r, "input [%lld,%lld]; ", (long long)n, (long long)c);
    return x;
}

/* A random extent along one axis of size len: kernel k, dilation d, pads a and b with
 * len + a + b >= (k-1)*d + 1 and each pad below the extent and at most 15. */
static void axis(int len, int kmax, int dmax, int *k, int *d, int *a, int *b)
{
    for (int tries = 0; tries < 50; tries++) {
        *k = ct_int(1, kmax);
        *d = ct_int(0, 3) == 0 ? ct_int(1, dmax) : 1;
        int ext = (*k - 1) * *d + 1, pmax = ext - 1 < 15 ? ext - 1 : 15;
        *a = ct_int(0, pmax), *b = ct_int(0, pmax);
        if (len + *a + *b >= ext)
            return;
    }
    *k = 1, *d = 1, *a = 0, *b = 0;
}

static int conv(struct rg *r, const char *op, int x, int cout, int group)
{
    int64_t xd[4];
    memcpy(xd, dims(r, x), sizeof xd); /* adding tensors moves them */
    int kh, kw, dh, dw, p[4];
    for (int tries = 0;; tries++) {
        axis((int)xd[2], 7, tries < 3 ? 3 : 1, &kh, &dh, &p[0], &p[2]);
        axis((int)xd[3], 7, tries < 3 ? 3 : 1, &kw, &dw, &p[1], &p[3]);
        /* one output row's input rows and outputs, channels padded to R */
        int64_t cin = group == xd[1] && cout == xd[1] ? xd[1] : xd[1] / group; /* DW: all */
        uint64_t cp = (uint64_t)(cin + r->R - 1) / (uint64_t)r->R * (uint64_t)r->R;
        uint64_t rows = (uint64_t)((kh - 1) * dh + 1), wp = (uint64_t)(xd[3] + p[1] + p[3]);
        if (rows * wp * cp + wp * 4 * (uint64_t)cout <= r->act)
            break;
        if (tries == 10) { /* v0 tiles by rows only: a wide layer gets a 1x1 kernel */
            kh = kw = dh = dw = 1, p[0] = p[1] = p[2] = p[3] = 0;
            break;
        }
    }
    int sh = ct_int(0, 2) ? 1 : ct_int(2, 4), sw = ct_int(0, 2) ? 1 : ct_int(2, 4);
    char nm[32];
    snprintf(nm, sizeof nm, "%s%d", op, r->nnodes++);
    int y = ct_conv(r->g, nm, x, cout, kh, kw, sh, sw, dh, dw, p, group);
    say(r, "%s %lld->%d g%d k%dx%d s%dx%d d%dx%d p%d,%d,%d,%d -> [%lld,%lld]; ", nm,
        (long long)xd[1], cout, group, kh, kw, sh, sw, dh, dw, p[0], p[1], p[2], p[3],
        (long long)dims(r, y)[2], (long long)dims(r, y)[3]);
    return y;
}

/* A conv keeping H and W (stride 1, odd kernel, centred pads) to cout channels. */
static int same_conv(struct rg *r, int x, int cout)
{
    int k = 2 * ct_int(0, 1) + 1, p[4] = {k / 2, k / 2, k / 2, k / 2};
    char nm[32];
    snprintf(nm, sizeof nm, "same%d", r->nnodes++);
    int y = ct_conv(r->g, nm, x, cout, k, k, 1, 1, 1, 1, p, 1);
    say(r, "%s %lld->%d k%d; ", nm, (long long)dims(r, x)[1], cout, k);
    return y;
}

static int grouped(struct rg *r, int x)
{
    int C = (int)dims(r, x)[1], groups[64], n = 0;
    for (int g = 2; g <= C && g <= 24 && n < 64; g++) /* a CONV sequence per group */
        if (C % g == 0)
            groups[n++] = g;
    if (n == 0)
        return -1;
    int g = groups[ct_int(0, n - 1)];
    /* group == C with one output per group is depthwise; several per group is grouped. */
    int per = g == C ? ct_int(2, 3) : ct_int(1, 2 * r->R / g + 2);
    return conv(r, "gconv", x, g * per, g);
}

static int pool(struct rg *r, int x, int op)
{
    int64_t xd[4];
    memcpy(xd, dims(r, x), sizeof xd);
    char nm[32];
    snprintf(nm, sizeof nm, "pool%d", r->nnodes++);
    uint64_t cp = (uint64_t)(xd[1] + r->R - 1) / (uint64_t)r->R * (uint64_t)r->R;
    if (op == DPU_NODE_GLOBAL_AVG_POOL && (uint64_t)(xd[2] * xd[3]) * cp > r->act / 2)
        op = DPU_NODE_MAX_POOL; /* the whole image must fit ACT (no tiling of the window) */
    if (op == DPU_NODE_GLOBAL_AVG_POOL) {
        say(r, "%s global; ", nm);
        return ct_pool(r->g, nm, op, x, 0, 0, 0, 0, (int[4]){0, 0, 0, 0});
    }
    int kmh = xd[2] < 5 ? (int)xd[2] : 5, kmw = xd[3] < 5 ? (int)xd[3] : 5;
    int kh = ct_int(1, kmh), kw = ct_int(1, kmw);
    int p[4] = {ct_int(0, kh - 1), ct_int(0, kw - 1), ct_int(0, kh - 1), ct_int(0, kw - 1)};
    int sh = ct_int(1, 4), sw = ct_int(1, 4);
    say(r, "%s %s k%dx%d s%dx%d p%d,%d,%d,%d; ", nm, op == DPU_NODE_MAX_POOL ? "max" : "avg", kh,
        kw, sh, sw, p[0], p[1], p[2], p[3]);
    return ct_pool(r->g, nm, op, x, kh, kw, sh, sw, p);
}

static int act(struct rg *r, int x)
{
    static const int ops[] = {DPU_NODE_RELU,    DPU_NODE_RELU6,      DPU_NODE_CLIP,
                              DPU_NODE_SIGMOID, DPU_NODE_LEAKY_RELU, DPU_NODE_TANH,
                              DPU_NODE_GELU,    DPU_NODE_HARD_SWISH, DPU_NODE_HARD_SIGMOID};
    int op = ops[ct_int(0, (int)(sizeof ops / sizeof ops[0]) - 1)];
    char nm[32];
    snprintf(nm, sizeof nm, "act%d", r->nnodes++);
    say(r, "%s %s; ", nm, dpu_node_op_name(op));
    return ct_unary(r->g, nm, op, x);
}

/* Another made value with x's dims (dims[1] too when same_c) and a scale within 2^10 of x's
 * (a long chain's scales drift apart: a Concat or Add of the ends would need a multiplier
 * below int32's reach), or -1. */
static int partner(struct rg *r, int x, bool same_c)
{
    int cand[MAXV], n = 0;
    for (int i = 0; i < r->nvals; i++) {
        const int64_t *a = dims(r, x), *b = dims(r, r->vals[i]);
        double q = r->g->tensors[r->vals[i]].quant.scale[0] / r->g->tensors[x].quant.scale[0];
        if (r->vals[i] != x && a[0] == b[0] && a[2] == b[2] && a[3] == b[3] &&
            (!same_c || a[1] == b[1]) && q > 1.0 / 1024 && q < 1024)
            cand[n++] = r->vals[i];
    }
    return n ? cand[ct_int(0, n - 1)] : -1;
}

/* x op b; b < 0: a partner found or built. */
static int binary(struct rg *r, int x, int op, int b)
{
    if (b < 0 && ct_int(0, 9) == 0)
        b = x; /* x op x */
    if (b < 0 && ct_int(0, 1))
        b = partner(r, x, true);
    if (b < 0) {
        int k = ct_int(0, 2);
        b = k == 0   ? same_conv(r, x, (int)dims(r, x)[1])
            : k == 1 ? act(r, x)
                     : conv(r, "dw", x, (int)dims(r, x)[1], (int)dims(r, x)[1]);
        if (memcmp(dims(r, b), dims(r, x), sizeof(int64_t) * 4) != 0)
            b = act(r, x); /* the strided depthwise changed the shape */
        push(r, b);
    }
    char nm[32];
    snprintf(nm, sizeof nm, "%s%d", op == DPU_NODE_ADD ? "add" : "mul", r->nnodes++);
    say(r, "%s; ", nm);
    return ct_int(0, 1) ? ct_binary(r->g, nm, op, x, b) : ct_binary(r->g, nm, op, b, x);
}

/* Concat of x, b (b < 0: found or built) and maybe a third. */
static int concat(struct rg *r, int x, int b0)
{
    int in[3] = {x, b0, -1}, n = ct_int(2, 3);
    for (int i = 1; i < n; i++) {
        int b = i == 1 ? b0 : -1;
        if (b < 0 && ct_int(0, 1))
            b = partner(r, x, false);
        if (b < 0) {
            b = ct_int(0, 4) ? same_conv(r, x, ct_int(1, r->R + 3)) : x;
            if (b != x)
                push(r, b);
        }
        in[i] = b;
    }
    int64_t c = 0;
    double s = 0;
    for (int i = 0; i < n; i++) {
        c += dims(r, in[i])[1];
        double si = r->g->tensors[in[i]].quant.scale[0];
        s = si > s ? si : s;
    }
    int64_t xd[4];
    memcpy(xd, dims(r, x), sizeof xd);
    char nm[32];
    snprintf(nm, sizeof nm, "concat%d", r->nnodes++);
    int y = ct_act(r->g, nm, xd[0], c, xd[2], xd[3], s * 1.1);
    int node = dpu_graph_add_node(r->g, nm, DPU_NODE_CONCAT, (size_t)n, in, 1, &y);
    assert_true(node >= 0);
    assert_int_equal(dpu_node_set_int(r->g, node, "axis", 1), 0);
    say(r, "%s of %d -> %lld; ", nm, n, (long long)c);
    return y;
}

/* GlobalAvgPool, Flatten (a CPU step), then 1-2 FullyConnected. */
static int fc_tail(struct rg *r, int x)
{
    for (;;) { /* 2x2 max pools until the global pool's whole image fits ACT */
        const int64_t *xd = dims(r, x);
        uint64_t cp = (uint64_t)(xd[1] + r->R - 1) / (uint64_t)r->R * (uint64_t)r->R;
        if ((uint64_t)(xd[2] * xd[3]) * cp <= r->act / 2)
            break;
        char nm[32];
        snprintf(nm, sizeof nm, "pool%d", r->nnodes++);
        int kh = xd[2] > 1 ? 2 : 1, kw = xd[3] > 1 ? 2 : 1;
        say(r, "%s max k%dx%d; ", nm, kh, kw);
        x = ct_pool(r->g, nm, DPU_NODE_MAX_POOL, x, kh, kw, kh, kw, (int[4]){0, 0, 0, 0});
    }
    int gp = pool(r, x, DPU_NODE_GLOBAL_AVG_POOL);
    const struct dpu_gtensor *gt = &r->g->tensors[gp];
    int64_t fd[2] = {gt->dims[0], gt->dims[1]};
    float s = gt->quant.scale[0];
    int32_t zp = gt->quant.zero_point[0];
    char nm[32];
    snprintf(nm, sizeof nm, "flat%d", r->nnodes++);
    int f = dpu_graph_add_tensor(r->g, nm, DPU_DT_INT8, 2, fd, NULL);
    assert_true(f >= 0);
    assert_int_equal(dpu_graph_set_quant(r->g, f, -1, 1, &s, &zp), 0);
    assert_true(dpu_graph_add_node(r->g, nm, DPU_NODE_FLATTEN, 1, &gp, 1, &f) >= 0);
    say(r, "%s; ", nm);
    for (int i = ct_int(1, 2); i > 0; i--) {
        int m = ct_int(1, 3 * r->R + 5);
        snprintf(nm, sizeof nm, "fc%d", r->nnodes++);
        say(r, "%s %lld->%d; ", nm, (long long)r->g->tensors[f].dims[1], m);
        f = ct_fc(r->g, nm, f, m);
    }
    return f;
}

/* ---- residency chains: what pass resident keeps in ACT (docs/compiler.md, Residency) ---- */

static uint64_t up(uint64_t v, uint64_t a)
{
    return (v + a - 1) / a * a;
}

/* A channel count near a multiple of R but seldom on one, or below R. */
static int chans(const struct rg *r, int maxk)
{
    if (ct_int(0, 3) == 0)
        return ct_int(1, r->R - 1 > 1 ? r->R - 1 : 1);
    int c = r->R * ct_int(1, maxk) + ct_int(-3, 3);
    return c < 1 ? 1 : c;
}

/* Does one output row's tile of a conv from x (kernel extent eh x ew, pads) fit ACT, as in
 * conv() above; and is the output at least one pixel? */
static bool conv_ok(const struct rg *r, int x, int cout, bool dw, int eh, int ew, const int p[4])
{
    const int64_t *xd = dims(r, x);
    if (xd[2] + p[0] + p[2] < eh || xd[3] + p[1] + p[3] < ew)
        return false;
    uint64_t cp = up((uint64_t)(dw ? xd[1] : xd[1]), (uint64_t)r->R);
    uint64_t wp = (uint64_t)(xd[3] + p[1] + p[3]);
    return (uint64_t)eh * wp * cp + wp * 4 * (uint64_t)cout <= r->act / 2;
}

static int rconv(struct rg *r, const char *op, int x, int cout, int group, int kh, int kw, int sh,
                 int sw, int dh, int dw, const int p[4])
{
    char nm[32];
    snprintf(nm, sizeof nm, "%s%d", op, r->nnodes++);
    int64_t cin = dims(r, x)[1];
    int y = ct_conv(r->g, nm, x, cout, kh, kw, sh, sw, dh, dw, p, group);
    say(r, "%s %lld->%d%s k%dx%d s%dx%d d%dx%d p%d,%d,%d,%d -> [%lld,%lld]; ", nm, (long long)cin,
        cout, group > 1 ? " dw" : "", kh, kw, sh, sw, dh, dw, p[0], p[1], p[2], p[3],
        (long long)dims(r, y)[2], (long long)dims(r, y)[3]);
    return y;
}

static int pw(struct rg *r, int x, int cout)
{
    static const int p0[4] = {0, 0, 0, 0};
    return rconv(r, "pw", x, cout, 1, 1, 1, 1, 1, 1, 1, p0);
}

/* A depthwise conv: sometimes "same" 3x3/5x5 at stride 1 or 2 (MobileNet), otherwise any
 * kernel, stride, dilation and (asymmetric) padding DWCONV's implicit padding covers. */
static int rdw(struct rg *r, int x, bool keep)
{
    const int64_t *xd = dims(r, x);
    int C = (int)xd[1];
    for (int tries = 0; tries < 20; tries++) {
        int kh, kw, dh = 1, dw = 1, sh = 1, sw = 1, p[4];
        if (keep || ct_int(0, 2) == 0) {
            kh = kw = ct_int(0, 2) ? 3 : 5;
            p[0] = p[1] = p[2] = p[3] = kh / 2;
            if (!keep && ct_int(0, 2) == 0)
                sh = sw = 2;
        } else {
            kh = ct_int(1, 7), kw = ct_int(1, 7);
            if (ct_int(0, 3) == 0)
                dh = ct_int(1, 3), dw = ct_int(1, 3);
            sh = ct_int(0, 2) ? 1 : ct_int(2, 3), sw = ct_int(0, 2) ? 1 : ct_int(2, 3);
            int eh = (kh - 1) * dh + 1, ew = (kw - 1) * dw + 1;
            p[0] = ct_int(0, eh - 1 < 15 ? eh - 1 : 15),
            p[2] = ct_int(0, eh - 1 < 15 ? eh - 1 : 15);
            p[1] = ct_int(0, ew - 1 < 15 ? ew - 1 : 15),
            p[3] = ct_int(0, ew - 1 < 15 ? ew - 1 : 15);
        }
        int eh = (kh - 1) * dh + 1, ew = (kw - 1) * dw + 1;
        if (conv_ok(r, x, C, true, eh, ew, p))
            return rconv(r, "dw", x, C, C, kh, kw, sh, sw, dh, dw, p);
    }
    return pw(r, x, C);
}

/* An unpadded k x k conv (a resident input read by windows), or 1x1 when it does not fit. */
static int window_conv(struct rg *r, int x, int cout)
{
    static const int p0[4] = {0, 0, 0, 0};
    int k = ct_int(2, 3), s = ct_int(1, 2);
    if (!conv_ok(r, x, cout, false, k, k, p0))
        return pw(r, x, cout);
    return rconv(r, "win", x, cout, 1, k, k, s, s, 1, 1, p0);
}

/* Something that keeps its input or output in DDR: a pool, a padded 3x3, a strided 1x1,
 * a lookup table, a Mul, a grouped conv or a Concat. */
static int ddr_node(struct rg *r, int x)
{
    int k = ct_int(0, 6);
    if (k == 0)
        return pool(r, x, ct_int(0, 1) ? DPU_NODE_MAX_POOL : DPU_NODE_AVG_POOL);
    if (k == 1) {
        int p[4] = {1, 1, 1, 1};
        if (conv_ok(r, x, (int)dims(r, x)[1], false, 3, 3, p))
            return rconv(r, "pad", x, chans(r, 3), 1, 3, 3, 1, 1, 1, 1, p);
        return act(r, x);
    }
    if (k == 2) {
        static const int p0[4] = {0, 0, 0, 0};
        int cout = chans(r, 3), sw = ct_int(1, 2);
        return rconv(r, "spw", x, cout, 1, 1, 1, 2, sw, 1, 1, p0);
    }
    if (k == 3)
        return act(r, x);
    if (k == 4)
        return binary(r, x, DPU_NODE_MUL, -1);
    if (k == 5) {
        int y = grouped(r, x);
        return y < 0 ? act(r, x) : y;
    }
    return concat(r, x, -1);
}

/* An inverted-residual block: 1x1 expansion, depthwise, 1x1 projection, and the residual
 * Add (fused into the projection) when the shape comes back. */
static int inv_res(struct rg *r, int x)
{
    int c = (int)dims(r, x)[1];
    int t = ct_int(2, r->R == 8 ? 4 : 6), cout = ct_int(0, 2) ? c : chans(r, 4);
    int e = pw(r, x, c * t > 4 * r->R + 40 ? 4 * r->R + ct_int(-3, 3) : c * t);
    push(r, e);
    int d = rdw(r, e, ct_int(0, 1));
    push(r, d);
    int p = pw(r, d, cout);
    /* the skip: the block's input, or sometimes an older value of the shape (a skip over
     * several blocks, live in ACT across them) */
    int older = ct_int(0, 2) == 0 ? partner(r, p, true) : -1;
    if (older >= 0 && older != d && older != e)
        x = older;
    if (memcmp(dims(r, p), dims(r, x), sizeof(int64_t) * 4) != 0)
        return p;
    push(r, p);
    char nm[32];
    snprintf(nm, sizeof nm, "add%d", r->nnodes++);
    say(r, "%s; ", nm);
    return ct_int(0, 1) ? ct_binary(r->g, nm, DPU_NODE_ADD, p, x)
                        : ct_binary(r->g, nm, DPU_NODE_ADD, x, p);
}

/* One tensor, two or three readers (a depthwise or 1x1, a 1x1, maybe an unpadded window),
 * joined by an Add when the shapes agree, by a Concat, or left as outputs. */
static int fork2(struct rg *r, int x)
{
    int c = (int)dims(r, x)[1];
    int a = ct_int(0, 1) ? rdw(r, x, true) : pw(r, x, c);
    push(r, a);
    if (ct_int(0, 3) == 0)
        push(r, ct_int(0, 1) ? window_conv(r, x, chans(r, 2)) : rdw(r, x, false));
    int b = pw(r, x, ct_int(0, 1) ? c : chans(r, 3));
    push(r, b);
    int k = ct_int(0, 2);
    if (k == 0 && memcmp(dims(r, a), dims(r, b), sizeof(int64_t) * 4) == 0)
        return binary(r, b, DPU_NODE_ADD, a);
    if (k == 1 && memcmp(dims(r, a) + 2, dims(r, b) + 2, sizeof(int64_t) * 2) == 0)
        return concat(r, b, a);
    return b;
}

/* A chain of residency candidates: 1x1s, depthwise convs, inverted-residual blocks, forks,
 * unpadded windows and nodes that force DDR, from an input sized so that the chain's tensors
 * take from a few percent of ACT to more than all of it. */
static int res_chain(struct rg *r)
{
    int64_t n = ct_int(0, 3) ? 1 : 2;
    int c = chans(r, 3), wide = c * 4 > 3 * r->R ? c * 4 : 3 * r->R;
    int k = ct_int(0, 9);
    double frac = k < 5   ? 0.02 + 0.1 * ct_unit()
                  : k < 8 ? 0.15 + 0.35 * ct_unit()
                          : 0.6 + 0.7 * ct_unit();
    /* The widest tensor's bytes against ACT; the simulation cost bounds the big presets'
     * sizes but with rg_big (tiny's are cheap). */
    uint64_t ps = up((uint64_t)wide, (uint64_t)r->C);
    double pix = frac * (double)r->act / (double)((uint64_t)n * ps);
    double cap = r->R == 8 || rg_big ? 1e9 : 500.0 * 64 / (double)wide;
    if (pix > cap)
        pix = cap;
    double ar = 0.5 + ct_unit();
    int64_t h = (int64_t)(sqrt(pix * ar)), w = (int64_t)(pix / (double)(h > 0 ? h : 1));
    h = h < 1 ? 1 : h > 200 ? 200 : h;
    w = w < 1 ? 1 : w > 200 ? 200 : w;
    int x = input(r, n, c, h, w);
    push(r, x);
    int y = ct_int(0, 2) ? pw(r, x, ct_int(0, 1) ? c : chans(r, 3)) : rdw(r, x, false);
    push(r, y);
    int steps = ct_int(2, 6) + (rg_big ? ct_int(0, 8) : 0); /* --big: longer chains too */
    for (int i = steps; i > 0; i--) {
        double sc = r->g->tensors[y].quant.scale[0];
        if (sc > 1e6 || sc < 1e-6) /* each conv scales by up to ~100: a long chain would */
            break;                 /* overflow float (a Mul's output scale is a product) */
        int kind = ct_int(0, 99), z;
        if (kind < 30)
            z = inv_res(r, y);
        else if (kind < 45)
            z = rdw(r, y, false);
        else if (kind < 60)
            z = pw(r, y,
                   ct_int(0, 1) ? (int)dims(r, y)[1]
                                : chans(r, r->R == 8 && ct_int(0, 3) == 0 ? 8 : 4));
        else if (kind < 72)
            z = fork2(r, y);
        else if (kind < 80)
            z = window_conv(r, y, chans(r, r->R == 8 && ct_int(0, 3) == 0 ? 8 : 3));
        else
            z = ddr_node(r, y);
        push(r, z);
        y = z;
    }
    return y;
}

static const char *pick_preset(bool chain)
{
    int k = ct_int(0, 19);
    if (chain) /* residency chains: the big presets' ACT too */
        return k < 8 ? "tiny" : k < 12 ? "b512" : k < 16 ? "b1024" : "b4096";
    return k < 14 ? "tiny" : k < 16 ? "b512" : k < 18 ? "b1024" : "b4096";
}

void rg_build(struct dpu_graph *g, uint64_t seed, struct rg_case *cs)
{
    memset(cs, 0, sizeof *cs);
    cs->seed = seed;
    ct_seed(seed);
    bool chain = ct_int(0, 99) < 40;
    cs->preset = pick_preset(chain);
    struct rg r = {.g = g, .cs = cs};
    r.R = (int)dpu_preset_find(cs->preset)->array_rows;
    r.C = (int)dpu_preset_find(cs->preset)->array_cols;
    r.act = dpu_preset_find(cs->preset)->act_buf_bytes;
    g->quantized = true;
    say(&r, "%s: ", cs->preset);
    int last;
    if (chain) {
        last = res_chain(&r);
        if (ct_int(0, 9) == 0)
            last = fc_tail(&r, last);
    } else if (ct_int(0, 11) == 0) { /* an FC chain on a 2-D input */
        last = input(&r, ct_int(1, 3), ct_int(1, 3 * r.R + 5), 0, 0);
        for (int i = ct_int(1, 3); i > 0; i--) {
            int m = ct_int(1, 3 * r.R + 5);
            char nm[32];
            snprintf(nm, sizeof nm, "fc%d", r.nnodes++);
            say(&r, "%s ->%d; ", nm, m);
            last = ct_fc(g, nm, last, m);
        }
    } else {
        int64_t n = ct_int(0, 5) ? 1 : 2, c = ct_int(1, 2 * r.R + 5);
        int64_t h = ct_int(0, 3) ? 2 * ct_int(0, 9) + 1 : ct_int(1, 20);
        int64_t w = ct_int(0, 3) ? 2 * ct_int(0, 9) + 1 : ct_int(1, 20);
        if (r.R == 8 && ct_int(0, 6) == 0) { /* large: several row bands, streamed weights */
            n = 1, c = ct_int(2 * r.R, 5 * r.R + 7);
            h = ct_int(21, 48), w = ct_int(21, 48);
        }
        last = input(&r, n, c, h, w);
        push(&r, last);
        if (ct_int(0, 5) == 0) { /* a second input of the same shape, read at once */
            int x2 = input(&r, n, c, h, w);
            push(&r, x2);
            last = ct_int(0, 1) ? binary(&r, last, DPU_NODE_ADD, x2) : concat(&r, last, x2);
            push(&r, last);
        }
        for (int i = ct_int(1, 6); i > 0; i--) {
            int x = ct_int(0, 2) ? last : r.vals[ct_int(0, r.nvals - 1)];
            int k = ct_int(0, 99), y = -1;
            if (k < 22)
                y = conv(&r, "conv", x, ct_int(1, 3 * r.R + 3), 1);
            else if (k < 32)
                y = conv(&r, "dw", x, (int)dims(&r, x)[1], (int)dims(&r, x)[1]);
            else if (k < 44)
                y = grouped(&r, x);
            else if (k < 52)
                y = pool(&r, x, DPU_NODE_MAX_POOL);
            else if (k < 58)
                y = pool(&r, x, DPU_NODE_AVG_POOL);
            else if (k < 61)
                y = pool(&r, x, DPU_NODE_GLOBAL_AVG_POOL);
            else if (k < 71)
                y = binary(&r, x, DPU_NODE_ADD, -1);
            else if (k < 75)
                y = binary(&r, x, DPU_NODE_MUL, -1);
            else if (k < 84)
                y = concat(&r, x, -1);
            if (y < 0)
                y = act(&r, x);
            push(&r, y);
            last = y;
        }
        if (ct_int(0, 7) == 0)
            last = fc_tail(&r, last);
    }
    /* Every value that nothing reads is an output (the last one first); sometimes a value
     * that other nodes read is one too. */
    assert_true(dpu_graph_add_output(g, last) >= 0);
    for (size_t t = 0; t < g->ntensors; t++) {
        if (g->tensors[t].data || (int)t == last || g->tensors[t].dtype != DPU_DT_INT8)
            continue;
        bool read = false;
        for (size_t k = 0; k < g->nnodes && !read; k++)
            for (size_t j = 0; j < g->nodes[k].ninputs; j++)
                read |= g->nodes[k].inputs[j] == (int32_t)t;
        if (!read && g->noutputs < 8)
            assert_true(dpu_graph_add_output(g, (int)t) >= 0);
    }
    if (r.nvals > 2 && ct_int(0, 5) == 0 && g->noutputs < 8) {
        int t = r.vals[ct_int(1, r.nvals - 1)];
        bool is_in = false, is_out = false;
        for (size_t i = 0; i < g->ninputs; i++)
            is_in |= g->inputs[i] == t;
        for (size_t i = 0; i < g->noutputs; i++)
            is_out |= g->outputs[i] == t;
        if (!is_in && !is_out) {
            assert_true(dpu_graph_add_output(g, t) >= 0);
            say(&r, "also output %s; ", g->tensors[t].name);
        }
    }
}
