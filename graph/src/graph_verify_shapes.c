/* Phase 3b of the verifier: the shape each op computes from its inputs and attributes,
 * compared with the declared shape of its output. Graph-level semantics are NCHW; windows
 * (convolution, pooling) follow ONNX:
 *   extent = (k - 1) * dilation + 1,  span = in + pad_begin + pad_end - extent (>= 0)
 *   out    = floor(span / stride) + 1                (ceil_mode 0)
 *   out    = ceil(span / stride) + 1, minus 1 if the last window would start at or after
 *            in + pad_begin, i.e. entirely in the end padding      (ceil_mode 1, pooling)
 * All inputs of the arithmetic are bounded (dims <= 2^40, kernel sizes, strides and
 * dilations <= 2^20 or taken from a weight dimension), so nothing here overflows int64. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "graph_verify_internal.h"

#define MAXR DPU_TENSOR_MAX_RANK

static int bad_rank(const struct dpu_gnode *n, size_t i, const struct dpu_gtensor *t,
                    const char *expected, struct dpu_diag *d)
{
    char nb[VNAME_MAX];
    return dpu_vfail_node(d, n, DPU_E_MISMATCH, "input %zu '%s' has rank %d, expected %s", i,
                          dpu_vname(t->name, nb), t->rank, expected);
}

static int expect_out(const struct dpu_graph *g, const struct dpu_gnode *n, int rank,
                      const int64_t *dims, struct dpu_diag *d)
{
    const struct dpu_gtensor *y = dpu_vout(g, n, 0);
    bool same = y->rank == rank;
    for (int i = 0; same && i < rank; i++)
        same = y->dims[i] == dims[i];
    if (same)
        return DPU_OK;
    char nb[VNAME_MAX], db1[DPU_VDIMS_MAX], db2[DPU_VDIMS_MAX];
    return dpu_vfail_node(d, n, DPU_E_MISMATCH, "output '%s' has shape %s, but the op gives %s",
                          dpu_vname(y->name, nb), dpu_vdims(y->rank, y->dims, db1),
                          dpu_vdims(rank, dims, db2));
}

static int same_as_input(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d)
{
    const struct dpu_gtensor *x = dpu_vin(g, n, 0);
    return expect_out(g, n, x->rank, x->dims, d);
}

/* Normalizes axis (negative counts from the end) into [0, limit), or fails. */
static int get_axis(const struct dpu_gnode *n, const char *name, int64_t def, int rank, int limit,
                    int64_t *axis, struct dpu_diag *d)
{
    int err = dpu_vget_int(n, name, def, -(int64_t)rank, (int64_t)limit - 1, axis, d);
    if (!err && *axis < 0)
        *axis += rank;
    return err;
}

struct window {
    int64_t k[2], stride[2], dil[2], pads[4];
    bool ceil_mode, pool;
};

static int window_out(const struct dpu_gnode *n, const int64_t in[2], const struct window *w,
                      int64_t out[2], struct dpu_diag *d)
{
    static const char *const axis_name[2] = {"height", "width"};
    for (int a = 0; a < 2; a++) {
        int64_t extent = (w->k[a] - 1) * w->dil[a] + 1;
        int64_t begin = w->pads[a], end = w->pads[a + 2];
        if (in[a] + begin + end < extent)
            return dpu_vfail_node(d, n, DPU_E_MISMATCH,
                                  "kernel %s %" PRId64 " (extent %" PRId64
                                  " with dilation) exceeds the padded input %s %" PRId64,
                                  axis_name[a], w->k[a], extent, axis_name[a], in[a] + begin + end);
        /* A pooling window made only of padding has no maximum and no elements to average.
         * Pads below the extent keep the first and last windows' spans on the input; taps
         * no further apart than the input is long then always land one on it. */
        if (w->pool && w->k[a] > 1 && w->dil[a] > in[a])
            return dpu_vfail_node(d, n, DPU_E_RANGE,
                                  "%s dilation %" PRId64 " exceeds the input %s %" PRId64
                                  ": a window could hold only padding",
                                  axis_name[a], w->dil[a], axis_name[a], in[a]);
        if (w->pool && (begin >= extent || end >= extent))
            return dpu_vfail_node(d, n, DPU_E_RANGE,
                                  "%s pads %" PRId64 " and %" PRId64
                                  " must be smaller than the window extent %" PRId64,
                                  axis_name[a], begin, end, extent);
        int64_t span = in[a] + begin + end - extent, s = w->stride[a];
        out[a] = (w->ceil_mode ? (span + s - 1) / s : span / s) + 1;
        if (w->ceil_mode && (out[a] - 1) * s >= in[a] + begin)
            out[a]--;
    }
    return DPU_OK;
}

static int get_window_attrs(const struct dpu_gnode *n, struct window *w, bool has_dil,
                            bool has_ceil, struct dpu_diag *d)
{
    static const int64_t ones[2] = {1, 1}, zeros[4] = {0, 0, 0, 0};
    int64_t ceil_mode = 0;
    int err = dpu_vget_ints(n, "strides", 2, ones, 1, DPU_VMAX_SPATIAL, w->stride, d);
    if (!err)
        err = dpu_vget_ints(n, "pads", 4, zeros, 0, DPU_VMAX_SPATIAL, w->pads, d);
    if (!err && has_dil)
        err = dpu_vget_ints(n, "dilations", 2, ones, 1, DPU_VMAX_SPATIAL, w->dil, d);
    else
        memcpy(w->dil, ones, sizeof ones);
    if (!err && has_ceil)
        err = dpu_vget_int(n, "ceil_mode", 0, 0, 1, &ceil_mode, d);
    w->ceil_mode = ceil_mode != 0;
    return err;
}

static int check_conv(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d)
{
    const struct dpu_gtensor *x = dpu_vin(g, n, 0), *w = dpu_vin(g, n, 1), *b = dpu_vin(g, n, 2);
    char nb[VNAME_MAX], db[DPU_VDIMS_MAX];
    if (x->rank != 4)
        return bad_rank(n, 0, x, "4 ([N, C, H, W])", d);
    if (w->rank != 4)
        return bad_rank(n, 1, w, "4 ([M, C/group, kH, kW])", d);
    int64_t group, c = x->dims[1], m = w->dims[0];
    int err = dpu_vget_int(n, "group", 1, 1, DPU_TENSOR_MAX_DIM, &group, d);
    if (err)
        return err;
    if (c % group != 0 || m % group != 0)
        return dpu_vfail_node(d, n, DPU_E_MISMATCH,
                              "group %" PRId64 " does not divide the %" PRId64 " input and %" PRId64
                              " output channels",
                              group, c, m);
    if (w->dims[1] != c / group)
        return dpu_vfail_node(d, n, DPU_E_MISMATCH,
                              "weights '%s' %s have %" PRId64 " input channels per group, but the "
                              "input's %" PRId64 " channels in %" PRId64 " groups give %" PRId64,
                              dpu_vname(w->name, nb), dpu_vdims(w->rank, w->dims, db), w->dims[1],
                              c, group, c / group);
    if (w->dims[2] < 1 || w->dims[3] < 1)
        return dpu_vfail_node(d, n, DPU_E_MISMATCH, "weights '%s' have an empty kernel %s",
                              dpu_vname(w->name, nb), dpu_vdims(w->rank, w->dims, db));
    struct window win = {.k = {w->dims[2], w->dims[3]}};
    int64_t ks[2];
    err = dpu_vget_ints(n, "kernel_shape", 2, win.k, 1, DPU_TENSOR_MAX_DIM, ks, d);
    if (err)
        return err;
    if (ks[0] != win.k[0] || ks[1] != win.k[1])
        return dpu_vfail_node(d, n, DPU_E_MISMATCH,
                              "kernel_shape [%" PRId64 ",%" PRId64 "] differs from the weights' "
                              "kernel [%" PRId64 ",%" PRId64 "]",
                              ks[0], ks[1], win.k[0], win.k[1]);
    if (b && (b->rank != 1 || b->dims[0] != m))
        return dpu_vfail_node(d, n, DPU_E_MISMATCH,
                              "bias '%s' has shape %s, expected [%" PRId64 "] (one per output "
                              "channel)",
                              dpu_vname(b->name, nb), dpu_vdims(b->rank, b->dims, db), m);
    err = get_window_attrs(n, &win, true, false, d);
    int64_t hw[2];
    if (!err)
        err = window_out(n, x->dims + 2, &win, hw, d);
    if (err)
        return err;
    int64_t out[4] = {x->dims[0], m, hw[0], hw[1]};
    return expect_out(g, n, 4, out, d);
}

static int check_pool(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d)
{
    const struct dpu_gtensor *x = dpu_vin(g, n, 0);
    if (x->rank != 4)
        return bad_rank(n, 0, x, "4 ([N, C, H, W])", d);
    struct window win = {.pool = true};
    static const int64_t none[2] = {0, 0};
    int err = dpu_vget_ints(n, "kernel_shape", 2, none, 1, DPU_VMAX_SPATIAL, win.k, d);
    if (!err)
        err = get_window_attrs(n, &win, n->op == DPU_NODE_MAX_POOL, true, d);
    if (err)
        return err;
    /* The int8 average divides by at most 255 * 255 elements (docs/arithmetic.md, 6). */
    if (g->quantized && n->op == DPU_NODE_AVG_POOL && win.k[0] * win.k[1] > 65025)
        return dpu_vfail_node(d, n, DPU_E_RANGE,
                              "window of %" PRId64 " elements exceeds the int8 average pooling "
                              "limit of 65025",
                              win.k[0] * win.k[1]);
    int64_t hw[2];
    err = window_out(n, x->dims + 2, &win, hw, d);
    if (err)
        return err;
    int64_t out[4] = {x->dims[0], x->dims[1], hw[0], hw[1]};
    return expect_out(g, n, 4, out, d);
}

static int check_global_pool(const struct dpu_graph *g, const struct dpu_gnode *n,
                             struct dpu_diag *d)
{
    const struct dpu_gtensor *x = dpu_vin(g, n, 0);
    if (x->rank != 4)
        return bad_rank(n, 0, x, "4 ([N, C, H, W])", d);
    /* Each dimension is <= 2^40 but another may be 0, so the product is not bounded: saturate. */
    int64_t h = x->dims[2], w = x->dims[3];
    int64_t hw = (h == 0 || w <= INT64_MAX / h) ? h * w : INT64_MAX;
    if (hw == 0)
        return dpu_vfail_node(d, n, DPU_E_MISMATCH, "averages over an empty H x W plane");
    if (g->quantized && hw > 65025)
        return dpu_vfail_node(d, n, DPU_E_RANGE,
                              "plane of %" PRId64 " elements exceeds the int8 average pooling "
                              "limit of 65025",
                              hw);
    int64_t out[4] = {x->dims[0], x->dims[1], 1, 1};
    return expect_out(g, n, 4, out, d);
}

static int check_fc(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d)
{
    const struct dpu_gtensor *x = dpu_vin(g, n, 0), *w = dpu_vin(g, n, 1), *b = dpu_vin(g, n, 2);
    char nb[VNAME_MAX], db[DPU_VDIMS_MAX];
    if (x->rank != 2)
        return bad_rank(n, 0, x, "2 ([N, K])", d);
    if (w->rank != 2)
        return bad_rank(n, 1, w, "2 ([M, K])", d);
    if (w->dims[1] != x->dims[1])
        return dpu_vfail_node(d, n, DPU_E_MISMATCH,
                              "input has %" PRId64 " features, but weights '%s' %s expect %" PRId64,
                              x->dims[1], dpu_vname(w->name, nb), dpu_vdims(2, w->dims, db),
                              w->dims[1]);
    if (b && (b->rank != 1 || b->dims[0] != w->dims[0]))
        return dpu_vfail_node(d, n, DPU_E_MISMATCH,
                              "bias '%s' has shape %s, expected [%" PRId64 "]",
                              dpu_vname(b->name, nb), dpu_vdims(b->rank, b->dims, db), w->dims[0]);
    int64_t out[2] = {x->dims[0], w->dims[0]};
    return expect_out(g, n, 2, out, d);
}

static int check_matmul(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d)
{
    const struct dpu_gtensor *a = dpu_vin(g, n, 0), *b = dpu_vin(g, n, 1);
    if (a->rank != 2 && a->rank != 3)
        return bad_rank(n, 0, a, "2 or 3", d);
    if (b->rank != 2 && b->rank != 3)
        return bad_rank(n, 1, b, "2 or 3", d);
    int64_t rows = a->dims[a->rank - 2], inner = a->dims[a->rank - 1];
    int64_t inner_b = b->dims[b->rank - 2], cols = b->dims[b->rank - 1];
    if (inner != inner_b)
        return dpu_vfail_node(d, n, DPU_E_MISMATCH,
                              "inner dimensions differ: %" PRId64 " columns times %" PRId64 " rows",
                              inner, inner_b);
    int64_t batch_a = a->rank == 3 ? a->dims[0] : 1, batch_b = b->rank == 3 ? b->dims[0] : 1;
    if (batch_a != batch_b && batch_a != 1 && batch_b != 1)
        return dpu_vfail_node(d, n, DPU_E_MISMATCH,
                              "batch sizes %" PRId64 " and %" PRId64 " do not broadcast", batch_a,
                              batch_b);
    int64_t out[3] = {batch_a == 1 ? batch_b : batch_a, rows, cols};
    if (a->rank == 2 && b->rank == 2)
        return expect_out(g, n, 2, out + 1, d);
    return expect_out(g, n, 3, out, d);
}

/* numpy broadcasting: align the shapes at the right; each pair equal or one of them 1. */
static int check_broadcast(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d)
{
    const struct dpu_gtensor *a = dpu_vin(g, n, 0), *b = dpu_vin(g, n, 1);
    int r = a->rank > b->rank ? a->rank : b->rank;
    int64_t out[MAXR];
    for (int i = 0; i < r; i++) {
        int ia = i - (r - a->rank), ib = i - (r - b->rank);
        int64_t da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
        if (da != db && da != 1 && db != 1) {
            char b1[DPU_VDIMS_MAX], b2[DPU_VDIMS_MAX];
            return dpu_vfail_node(d, n, DPU_E_MISMATCH, "shapes %s and %s do not broadcast",
                                  dpu_vdims(a->rank, a->dims, b1), dpu_vdims(b->rank, b->dims, b2));
        }
        out[i] = da == 1 ? db : da;
    }
    return expect_out(g, n, r, out, d);
}

static int check_concat(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d)
{
    const struct dpu_gtensor *x0 = dpu_vin(g, n, 0);
    if (x0->rank < 1)
        return bad_rank(n, 0, x0, "at least 1", d);
    int64_t axis;
    int err = get_axis(n, "axis", 0, x0->rank, x0->rank, &axis, d);
    if (err)
        return err;
    int64_t out[MAXR];
    memcpy(out, x0->dims, sizeof out);
    out[axis] = 0;
    for (size_t i = 0; i < n->ninputs; i++) {
        const struct dpu_gtensor *x = dpu_vin(g, n, i);
        if (!x)
            return dpu_vfail_node(d, n, DPU_E_INVALID, "input %zu is absent", i);
        for (int k = 0; k < x0->rank && x->rank == x0->rank; k++)
            if (k != axis && x->dims[k] != x0->dims[k]) {
                char nb[VNAME_MAX], b1[DPU_VDIMS_MAX], b2[DPU_VDIMS_MAX];
                return dpu_vfail_node(d, n, DPU_E_MISMATCH,
                                      "input %zu '%s' %s does not match input 0 %s outside axis "
                                      "%" PRId64,
                                      i, dpu_vname(x->name, nb), dpu_vdims(x->rank, x->dims, b1),
                                      dpu_vdims(x0->rank, x0->dims, b2), axis);
            }
        if (x->rank != x0->rank) {
            char r[16];
            snprintf(r, sizeof r, "%d", x0->rank);
            return bad_rank(n, i, x, r, d);
        }
        out[axis] += x->dims[axis]; /* <= 64 * 2^40 */
    }
    return expect_out(g, n, x0->rank, out, d);
}

static int check_softmax(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d)
{
    const struct dpu_gtensor *x = dpu_vin(g, n, 0);
    if (x->rank < 1)
        return bad_rank(n, 0, x, "at least 1", d);
    int64_t axis;
    int err = get_axis(n, "axis", -1, x->rank, x->rank, &axis, d);
    if (err)
        return err;
    /* The int8 kernel sums up to a row of 2^23-sized terms in int64. */
    if (g->quantized && x->dims[axis] > ((int64_t)1 << 32))
        return dpu_vfail_node(d, n, DPU_E_RANGE,
                              "rows of %" PRId64 " values along axis %" PRId64
                              " exceed the int8 Softmax limit of 2^32",
                              x->dims[axis], axis);
    return same_as_input(g, n, d);
}

/* ONNX Reshape: 0 copies the input dimension at that index, -1 (at most once) is inferred. */
static int check_reshape(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d)
{
    const struct dpu_gtensor *x = dpu_vin(g, n, 0), *y = dpu_vout(g, n, 0);
    int64_t cx = dpu_shape_count(x->rank, x->dims), cy = dpu_shape_count(y->rank, y->dims);
    char b1[DPU_VDIMS_MAX], b2[DPU_VDIMS_MAX];
    if (cx != cy)
        return dpu_vfail_node(
            d, n, DPU_E_MISMATCH,
            "cannot reshape %s (%" PRId64 " elements) to %s (%" PRId64 " elements)",
            dpu_vdims(x->rank, x->dims, b1), cx, dpu_vdims(y->rank, y->dims, b2), cy);
    const struct dpu_attr *a = dpu_node_attr(n, "shape");
    if (!a)
        return DPU_OK;
    if (a->n != (size_t)y->rank)
        return dpu_vfail_node(d, n, DPU_E_MISMATCH,
                              "attribute 'shape' has %zu values, but the output has rank %d", a->n,
                              y->rank);
    int inferred = 0;
    for (size_t i = 0; i < a->n; i++) {
        int64_t v = a->ints[i];
        bool ok = v == y->dims[i] || (v == -1 && inferred++ == 0) ||
                  (v == 0 && (int)i < x->rank && x->dims[i] == y->dims[i]);
        if (!ok)
            return dpu_vfail_node(d, n, DPU_E_MISMATCH,
                                  "attribute 'shape' value %zu (%" PRId64
                                  ") does not give the output's dimension %" PRId64,
                                  i, v, y->dims[i]);
    }
    return DPU_OK;
}

static int check_flatten(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d)
{
    const struct dpu_gtensor *x = dpu_vin(g, n, 0);
    int64_t axis;
    int err = get_axis(n, "axis", 1, x->rank, x->rank + 1, &axis, d);
    if (err)
        return err;
    int64_t out[2];
    out[0] = dpu_shape_count((int)axis, x->dims);
    out[1] = dpu_shape_count(x->rank - (int)axis, x->dims + axis);
    return expect_out(g, n, 2, out, d);
}

static int check_transpose(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d)
{
    const struct dpu_gtensor *x = dpu_vin(g, n, 0);
    int64_t perm[MAXR], out[MAXR];
    int err = dpu_vget_ints(n, "perm", (size_t)x->rank, NULL, 0, x->rank - 1, perm, d);
    if (err)
        return err;
    bool seen[MAXR] = {false};
    for (int i = 0; i < x->rank; i++) {
        if (seen[perm[i]])
            return dpu_vfail_node(
                d, n, DPU_E_INVALID,
                "attribute 'perm' names axis %" PRId64 " twice: not a permutation", perm[i]);
        seen[perm[i]] = true;
        out[i] = x->dims[perm[i]];
    }
    return expect_out(g, n, x->rank, out, d);
}

static int check_pad(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d)
{
    const struct dpu_gtensor *x = dpu_vin(g, n, 0);
    int64_t pads[2 * MAXR], out[MAXR];
    int err = dpu_vget_ints(n, "pads", 2 * (size_t)x->rank, NULL, 0, DPU_VMAX_PAD, pads, d);
    if (err)
        return err;
    for (int i = 0; i < x->rank; i++)
        out[i] = x->dims[i] + pads[i] + pads[i + x->rank];
    return expect_out(g, n, x->rank, out, d);
}

static int check_resize(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d)
{
    const struct dpu_gtensor *x = dpu_vin(g, n, 0);
    int64_t scales[MAXR], out[MAXR];
    int err = dpu_vget_ints(n, "scales", (size_t)x->rank, NULL, 1, DPU_VMAX_SPATIAL, scales, d);
    if (err)
        return err;
    for (int i = 0; i < x->rank; i++)
        out[i] = x->dims[i] * scales[i];
    return expect_out(g, n, x->rank, out, d);
}

static int check_batch_norm(const struct dpu_graph *g, const struct dpu_gnode *n,
                            struct dpu_diag *d)
{
    const struct dpu_gtensor *x = dpu_vin(g, n, 0);
    if (x->rank < 2)
        return bad_rank(n, 0, x, "at least 2 ([N, C, ...])", d);
    static const char *const what[5] = {"", "scale", "bias", "mean", "variance"};
    for (size_t i = 1; i < 5; i++) {
        const struct dpu_gtensor *p = dpu_vin(g, n, i);
        if (p->rank != 1 || p->dims[0] != x->dims[1]) {
            char nb[VNAME_MAX], db[DPU_VDIMS_MAX];
            return dpu_vfail_node(d, n, DPU_E_MISMATCH,
                                  "%s '%s' has shape %s, expected [%" PRId64 "] (one per channel)",
                                  what[i], dpu_vname(p->name, nb), dpu_vdims(p->rank, p->dims, db),
                                  x->dims[1]);
        }
    }
    return same_as_input(g, n, d);
}

static int check_gemm(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d)
{
    const struct dpu_gtensor *a = dpu_vin(g, n, 0), *b = dpu_vin(g, n, 1), *c = dpu_vin(g, n, 2);
    if (a->rank != 2)
        return bad_rank(n, 0, a, "2", d);
    if (b->rank != 2)
        return bad_rank(n, 1, b, "2", d);
    int64_t ta = dpu_node_get_int(n, "transA", 0), tb = dpu_node_get_int(n, "transB", 0);
    int64_t m = a->dims[ta ? 1 : 0], k = a->dims[ta ? 0 : 1];
    int64_t kb = b->dims[tb ? 1 : 0], cols = b->dims[tb ? 0 : 1];
    if (k != kb)
        return dpu_vfail_node(d, n, DPU_E_MISMATCH,
                              "inner dimensions differ: %" PRId64 " (A) and %" PRId64 " (B)", k,
                              kb);
    int64_t out[2] = {m, cols};
    if (c) {
        /* C broadcasts one way only, to [M, N]. */
        bool ok = c->rank <= 2;
        for (int i = 0; ok && i < c->rank; i++) {
            int64_t want = out[i + 2 - c->rank];
            ok = c->dims[i] == want || c->dims[i] == 1;
        }
        if (!ok) {
            char nb[VNAME_MAX], db[DPU_VDIMS_MAX];
            return dpu_vfail_node(d, n, DPU_E_MISMATCH,
                                  "C '%s' %s does not broadcast to [%" PRId64 ",%" PRId64 "]",
                                  dpu_vname(c->name, nb), dpu_vdims(c->rank, c->dims, db), m, cols);
        }
    }
    return expect_out(g, n, 2, out, d);
}

int dpu_verify_node_shapes(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d)
{
    switch (n->op) {
    case DPU_NODE_CONV2D:
        return check_conv(g, n, d);
    case DPU_NODE_FULLY_CONNECTED:
        return check_fc(g, n, d);
    case DPU_NODE_MATMUL:
        return check_matmul(g, n, d);
    case DPU_NODE_ADD:
    case DPU_NODE_MUL:
        return check_broadcast(g, n, d);
    case DPU_NODE_CONCAT:
        return check_concat(g, n, d);
    case DPU_NODE_MAX_POOL:
    case DPU_NODE_AVG_POOL:
        return check_pool(g, n, d);
    case DPU_NODE_GLOBAL_AVG_POOL:
        return check_global_pool(g, n, d);
    case DPU_NODE_SOFTMAX:
        return check_softmax(g, n, d);
    case DPU_NODE_RESHAPE:
        return check_reshape(g, n, d);
    case DPU_NODE_FLATTEN:
        return check_flatten(g, n, d);
    case DPU_NODE_TRANSPOSE:
        return check_transpose(g, n, d);
    case DPU_NODE_PAD:
        return check_pad(g, n, d);
    case DPU_NODE_RESIZE:
        return check_resize(g, n, d);
    case DPU_NODE_BATCH_NORM:
        return check_batch_norm(g, n, d);
    case DPU_NODE_GEMM:
        return check_gemm(g, n, d);
    case DPU_NODE_RELU:
    case DPU_NODE_RELU6:
    case DPU_NODE_CLIP:
    case DPU_NODE_LEAKY_RELU:
    case DPU_NODE_SIGMOID:
    case DPU_NODE_TANH:
    case DPU_NODE_HARD_SIGMOID:
    case DPU_NODE_HARD_SWISH:
    case DPU_NODE_GELU:
    case DPU_NODE_QUANTIZE:
    case DPU_NODE_DEQUANTIZE:
        return same_as_input(g, n, d);
    case DPU_NODE_COUNT:
        break;
    }
    return dpu_vfail_node(d, n, DPU_E_INTERNAL, "no shape rule for this op");
}
