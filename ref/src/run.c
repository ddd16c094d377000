/* The runner: binds the inputs, walks the nodes in order, and hands each node to its kernel.
 *
 * Every tensor of the graph gets one value slot: constants are read-only views of the graph's
 * own data; graph inputs and node outputs are allocated here (zero-filled, with the dtype and
 * dims the graph gives them) and released after the last node that reads them (graph outputs
 * when the run ends), so a run holds only the values still to be read. A node may only read
 * slots that hold a value already, and only write a slot nobody has written: a graph that is
 * not in topological order, or that produces a tensor twice, is refused instead of read
 * uninitialized.
 *
 * A session is a run that stops after any node and resumes later (dpu_ref_session_run): the
 * quantizer keeps one per calibration sample and advances them all layer by layer. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/qmath.h"
#include "dpu/qparams.h"
#include "dpu/qplan.h"
#include "dpu/ref.h"
#include "ref_internal.h"

/* The most inputs any op takes (Concat: 64 in ops.def). */
#define MAX_NODE_INPUTS 64

struct arity {
    int min_in, max_in, nout;
};

static const struct arity arities[DPU_NODE_COUNT] = {
#define X(e, name, mi, ma, no, f, q, doc) [DPU_NODE_##e] = {(mi), (ma), (no)},
#include "dpu/ops.def"
#undef X
};

enum slot_kind {
    SLOT_EMPTY, /* no value yet */
    SLOT_CONST, /* view of the graph's constant data */
    SLOT_OWNED, /* allocated by the run: a graph input or a node output */
    SLOT_GONE,  /* was OWNED; released after its last reader */
};

/* Last reader of a tensor no node reads (it is released right after it is written). */
#define UNREAD ((size_t)-1)
/* Last reader of a graph output: it stays until the run ends. */
#define KEPT ((size_t)-2)
/* Released already (each_released). */
#define DONE ((size_t)-3)

struct dpu_ref_session {
    const struct dpu_graph *g;
    struct dpu_tensor *vals;
    unsigned char *kind;
    size_t *last; /* per tensor: the last node reading it, UNREAD, KEPT or DONE */
    size_t next;  /* the first node not run yet */
    bool failed;  /* a node or the trace stopped the session: it cannot resume */
};

static void run_free(struct dpu_ref_session *r)
{
    if (r->vals)
        for (size_t i = 0; i < r->g->ntensors; i++)
            if (r->kind[i] == SLOT_OWNED)
                dpu_tensor_free(&r->vals[i]);
    free(r->vals);
    free(r->kind);
    free(r->last);
}

static bool tensor_index_ok(const struct dpu_graph *g, int32_t t)
{
    return t >= 0 && (size_t)t < g->ntensors;
}

/* The checks that come before a node's inputs are read: a known op, input and output counts
 * as ops.def says, and a kernel for this kind of graph. */
static int check_node(const struct dpu_graph *g, const struct dpu_gnode *n, ref_kernel_fn *kernel,
                      struct dpu_diag *d)
{
    if ((unsigned)n->op >= DPU_NODE_COUNT)
        return dpu_diag_set(d, DPU_E_INVALID, "node '%s' has unknown op %d", n->name, (int)n->op);
    const struct arity *ar = &arities[n->op];
    if (n->ninputs < (size_t)ar->min_in || n->ninputs > (size_t)ar->max_in ||
        n->ninputs > MAX_NODE_INPUTS)
        return ref_node_err(d, n, DPU_E_INVALID, "has %zu inputs, expected %d to %d", n->ninputs,
                            ar->min_in, ar->max_in);
    if (n->noutputs != (size_t)ar->nout)
        return ref_node_err(d, n, DPU_E_INVALID, "has %zu outputs, expected %d", n->noutputs,
                            ar->nout);
    *kernel = ref_kernel_for(n->op, g->quantized);
    if (!*kernel)
        return ref_node_err(d, n, DPU_E_UNSUPPORTED, "this op cannot appear in a %s graph",
                            g->quantized ? "quantized" : "float");
    return DPU_OK;
}

/* last[t]: the last node that reads tensor t. Indices outside the graph are left to run_node
 * to refuse. */
static void find_last_readers(const struct dpu_graph *g, size_t *last)
{
    for (size_t t = 0; t < g->ntensors; t++)
        last[t] = UNREAD;
    struct dpu_diag scratch;
    dpu_diag_clear(&scratch);
    ref_kernel_fn kernel;
    for (size_t k = 0; k < g->nnodes; k++) {
        /* A node the run refuses before reading its inputs stops it there: nothing after it
         * runs, and its input list is not to be trusted. */
        if (check_node(g, &g->nodes[k], &kernel, &scratch))
            break;
        for (size_t i = 0; i < g->nodes[k].ninputs; i++)
            if (tensor_index_ok(g, g->nodes[k].inputs[i]))
                last[g->nodes[k].inputs[i]] = k;
    }
    for (size_t o = 0; o < g->noutputs; o++)
        if (tensor_index_ok(g, g->outputs[o]))
            last[g->outputs[o]] = KEPT;
}

/* Calls fn(ctx, t) once for every value node k is the last to need: an input no later node
 * reads, or an output nothing reads (its trace has seen it); constants are the graph's and
 * never released. The one rule behind both the session's releases and the peak count. */
static void each_released(const struct dpu_graph *g, size_t *last, size_t k,
                          void (*fn)(void *ctx, int32_t t), void *ctx)
{
    const struct dpu_gnode *n = &g->nodes[k];
    for (size_t side = 0; side < 2; side++) {
        const int32_t *ts = side ? n->outputs : n->inputs;
        size_t nt = side ? n->noutputs : n->ninputs;
        for (size_t i = 0; i < nt; i++) {
            int32_t t = ts[i];
            if (!tensor_index_ok(g, t) || g->tensors[t].data || last[t] == KEPT ||
                last[t] == DONE || (last[t] != UNREAD && last[t] > k))
                continue;
            last[t] = DONE; /* once, even when the node reads it twice */
            fn(ctx, t);
        }
    }
}

static void release_value(void *ctx, int32_t t)
{
    struct dpu_ref_session *r = ctx;
    if (r->kind[t] != SLOT_OWNED)
        return;
    dpu_tensor_free(&r->vals[t]);
    r->kind[t] = SLOT_GONE;
}

/* Allocates slot t with the graph tensor's dtype and dims; n (NULL for a graph input) is the
 * node that will write it, named in the message. */
static int alloc_slot(struct dpu_ref_session *r, int32_t t, const struct dpu_gnode *n,
                      struct dpu_diag *d)
{
    const struct dpu_gtensor *gt = &r->g->tensors[t];
    struct dpu_diag inner;
    dpu_diag_clear(&inner);
    int err = dpu_tensor_alloc(&r->vals[t], gt->dtype, gt->rank, gt->dims, &inner);
    if (err && n)
        return ref_node_err(d, n, err, "output '%s': %s", gt->name, dpu_diag_message(&inner));
    if (err)
        return dpu_diag_set(d, err, "tensor '%s': %s", gt->name, dpu_diag_message(&inner));
    r->kind[t] = SLOT_OWNED;
    return DPU_OK;
}

/* Constants become views; their shape is checked once so kernels can trust their sizes. */
static int bind_constants(struct dpu_ref_session *r, struct dpu_diag *d)
{
    for (size_t i = 0; i < r->g->ntensors; i++) {
        const struct dpu_gtensor *gt = &r->g->tensors[i];
        if (!gt->data)
            continue;
        struct dpu_tensor *v = &r->vals[i];
        v->dtype = gt->dtype;
        v->rank = gt->rank;
        if (gt->rank < 0 || gt->rank > DPU_TENSOR_MAX_RANK)
            return dpu_diag_set(d, DPU_E_INVALID, "constant '%s' has rank %d", gt->name, gt->rank);
        memcpy(v->dims, gt->dims, sizeof gt->dims);
        v->data = gt->data;
        if (dpu_tensor_count(v) < 0)
            return dpu_diag_set(d, DPU_E_INVALID, "constant '%s' has an invalid dtype or shape",
                                gt->name);
        r->kind[i] = SLOT_CONST;
    }
    return DPU_OK;
}

static bool same_shape(const struct dpu_tensor *t, const struct dpu_gtensor *gt)
{
    if (t->rank != gt->rank)
        return false;
    for (int i = 0; i < t->rank; i++)
        if (t->dims[i] != gt->dims[i])
            return false;
    return true;
}

/* The boundary step: a float32 value for an int8 input of a quantized graph is quantized with
 * the input's scale and zero point, as ONNX QuantizeLinear would (ties to even): one pair per
 * tensor, or one per channel of its axis for an input quantized per channel (which only a
 * Dequantize may read). */
static int quantize_input(const struct dpu_gtensor *gt, size_t i, const struct dpu_tensor *src,
                          struct dpu_tensor *dst, struct dpu_diag *d)
{
    const struct dpu_quant *q = &gt->quant;
    bool ok = q->count >= 1 && q->scale && q->zero_point &&
              (q->axis == -1
                   ? q->count == 1
                   : q->axis >= 0 && q->axis < gt->rank && gt->dims[q->axis] == (int64_t)q->count);
    for (size_t c = 0; ok && c < q->count; c++)
        ok = q->scale[c] > 0 && isfinite(q->scale[c]) && dpu_is_i8(q->zero_point[c]);
    if (!ok)
        return dpu_diag_set(d, DPU_E_INVALID,
                            "graph input %zu '%s': a float32 value needs the input's scale and "
                            "zero point (per tensor or per channel) to quantize it, and they are "
                            "missing or invalid",
                            i, gt->name);
    struct dpu_qp_boundary qb = {q->axis, q->count, q->scale, q->zero_point};
    int64_t outer = ref_count(dst), inner = 1;
    if (q->axis >= 0) {
        outer = dpu_shape_count(q->axis, dst->dims);
        inner = dpu_shape_count(dst->rank - q->axis - 1, dst->dims + q->axis + 1);
    }
    ref_quantize_axis(&qb, outer, inner, src->data, dst->data);
    return DPU_OK;
}

static int bind_inputs(struct dpu_ref_session *r, const struct dpu_tensor *inputs, size_t ninputs,
                       struct dpu_diag *d)
{
    const struct dpu_graph *g = r->g;
    if (ninputs != g->ninputs)
        return dpu_diag_set(d, DPU_E_MISMATCH, "the graph has %zu inputs, %zu given", g->ninputs,
                            ninputs);
    if (ninputs && !inputs)
        return dpu_diag_set(d, DPU_E_INVALID, "inputs is NULL");
    for (size_t i = 0; i < ninputs; i++) {
        int32_t t = g->inputs[i];
        if (!tensor_index_ok(g, t))
            return dpu_diag_set(d, DPU_E_INVALID,
                                "graph input %zu refers to tensor %d, "
                                "outside the graph",
                                i, (int)t);
        const struct dpu_gtensor *gt = &g->tensors[t];
        if (r->kind[t] != SLOT_EMPTY)
            return dpu_diag_set(d, DPU_E_INVALID,
                                "graph input %zu '%s' is a constant or listed twice", i, gt->name);
        const struct dpu_tensor *src = &inputs[i];
        struct dpu_diag inner;
        dpu_diag_clear(&inner);
        int err = dpu_tensor_check(src, &inner);
        if (err)
            return dpu_diag_set(d, err, "graph input %zu '%s': %s", i, gt->name,
                                dpu_diag_message(&inner));
        bool boundary = g->quantized && gt->dtype == DPU_DT_INT8 && src->dtype == DPU_DT_FLOAT32;
        if ((src->dtype != gt->dtype && !boundary) || !same_shape(src, gt)) {
            char want[DPU_SHAPE_STR_MAX], got[DPU_SHAPE_STR_MAX];
            dpu_shape_format(gt->rank, gt->dims, want, sizeof want);
            dpu_shape_format(src->rank, src->dims, got, sizeof got);
            bool q8 = g->quantized && gt->dtype == DPU_DT_INT8;
            return dpu_diag_set(d, DPU_E_MISMATCH,
                                "graph input %zu '%s': expected %s%s %s, got "
                                "%s %s",
                                i, gt->name, dpu_dtype_name(gt->dtype),
                                q8 ? " (or float32, quantized on entry)" : "", want,
                                dpu_dtype_name(src->dtype), got);
        }
        if (!src->data && ref_count(src) > 0)
            return dpu_diag_set(d, DPU_E_INVALID, "graph input %zu '%s' has no data", i, gt->name);
        if ((err = alloc_slot(r, t, NULL, d)))
            return err;
        if (boundary) {
            if ((err = quantize_input(gt, i, src, &r->vals[t], d)))
                return err;
        } else if (ref_count(src) > 0) {
            memcpy(r->vals[t].data, src->data, (size_t)dpu_tensor_nbytes(src));
        }
    }
    return DPU_OK;
}

/* Checks one node's wiring against ops.def and the values computed so far, allocates its
 * outputs, runs its kernel and reports the outputs to the trace. */
static int run_node(struct dpu_ref_session *r, size_t k, dpu_ref_trace_fn trace, void *user,
                    struct dpu_diag *d)
{
    const struct dpu_graph *g = r->g;
    const struct dpu_gnode *n = &g->nodes[k];
    const struct dpu_tensor *in[MAX_NODE_INPUTS];
    int err;

    ref_kernel_fn kernel;
    if ((err = check_node(g, n, &kernel, d)))
        return err;
    const struct arity *ar = &arities[n->op];
    for (size_t i = 0; i < n->ninputs; i++) {
        int32_t t = n->inputs[i];
        in[i] = NULL;
        if (t == -1 && i >= (size_t)ar->min_in)
            continue; /* an absent optional input */
        if (!tensor_index_ok(g, t))
            return ref_node_err(d, n, DPU_E_INVALID,
                                "input %zu refers to tensor %d, outside "
                                "the graph",
                                i, (int)t);
        if (r->kind[t] == SLOT_EMPTY || r->kind[t] == SLOT_GONE)
            return ref_node_err(d, n, DPU_E_INVALID,
                                "input %zu '%s' has no value yet: it is computed by a later "
                                "node or by none (is the graph verified and sorted?)",
                                i, g->tensors[t].name);
        in[i] = &r->vals[t];
    }
    for (size_t o = 0; o < n->noutputs; o++) {
        int32_t t = n->outputs[o];
        if (!tensor_index_ok(g, t))
            return ref_node_err(d, n, DPU_E_INVALID,
                                "output %zu refers to tensor %d, outside "
                                "the graph",
                                o, (int)t);
        if (r->kind[t] != SLOT_EMPTY)
            return ref_node_err(d, n, DPU_E_INVALID,
                                "output %zu '%s' already has a value: it is a constant, a "
                                "graph input, or computed twice",
                                o, g->tensors[t].name);
        if ((err = alloc_slot(r, t, n, d)))
            return err;
    }
    struct ref_args a = {g, n, in, &r->vals[n->outputs[0]]};
    if ((err = kernel(&a, d)))
        return err;
    for (size_t o = 0; trace && o < n->noutputs; o++) {
        struct dpu_ref_event ev = {k, o, n->outputs[o], &r->vals[n->outputs[o]]};
        if ((err = trace(user, g, &ev)))
            return err;
    }
    each_released(g, r->last, k, release_value, r);
    return DPU_OK;
}

static int copy_outputs(struct dpu_ref_session *r, struct dpu_tensor *outputs, struct dpu_diag *d)
{
    const struct dpu_graph *g = r->g;
    for (size_t i = 0; i < g->noutputs; i++) {
        int32_t t = g->outputs[i];
        if (!tensor_index_ok(g, t))
            return dpu_diag_set(d, DPU_E_INVALID,
                                "graph output %zu refers to tensor %d, "
                                "outside the graph",
                                i, (int)t);
        if (r->kind[t] == SLOT_EMPTY)
            return dpu_diag_set(d, DPU_E_INVALID, "graph output %zu '%s' is never computed", i,
                                g->tensors[t].name);
        const struct dpu_tensor *v = &r->vals[t];
        int err = dpu_tensor_alloc(&outputs[i], v->dtype, v->rank, v->dims, d);
        if (err)
            return err;
        if (ref_count(v) > 0)
            memcpy(outputs[i].data, v->data, (size_t)dpu_tensor_nbytes(v));
    }
    return DPU_OK;
}

int dpu_ref_session_open(const struct dpu_graph *g, const struct dpu_tensor *inputs, size_t ninputs,
                         struct dpu_ref_session **out, struct dpu_diag *d)
{
    if (!out)
        return dpu_diag_set(d, DPU_E_INVALID, "no session pointer");
    *out = NULL;
    if (!g)
        return dpu_diag_set(d, DPU_E_INVALID, "no graph");
    if (g->ntensors && (!g->tensors || (g->nnodes && !g->nodes)))
        return dpu_diag_set(d, DPU_E_INVALID, "the graph's arrays are missing");
    struct dpu_ref_session *r = calloc(1, sizeof *r);
    if (!r)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for a run");
    size_t nt = g->ntensors ? g->ntensors : 1;
    r->g = g;
    r->vals = calloc(nt, sizeof *r->vals);
    r->kind = calloc(nt, 1);
    r->last = malloc(nt * sizeof *r->last);
    int err = r->vals && r->kind && r->last
                  ? DPU_OK
                  : dpu_diag_set(d, DPU_E_NOMEM, "out of memory for %zu tensors", g->ntensors);
    if (!err) {
        find_last_readers(g, r->last);
        err = bind_constants(r, d);
    }
    if (!err)
        err = bind_inputs(r, inputs, ninputs, d);
    if (err) {
        dpu_ref_session_close(r);
        return err;
    }
    *out = r;
    return DPU_OK;
}

int dpu_ref_session_run(struct dpu_ref_session *s, size_t end, dpu_ref_trace_fn trace, void *user,
                        struct dpu_diag *d)
{
    if (!s)
        return dpu_diag_set(d, DPU_E_INVALID, "no session");
    if (s->failed)
        return dpu_diag_set(d, DPU_E_INVALID, "the session stopped at node %zu", s->next);
    if (end > s->g->nnodes)
        end = s->g->nnodes;
    int err = DPU_OK;
    for (; !err && s->next < end; s->next++)
        err = run_node(s, s->next, trace, user, d);
    /* An error, or a trace that stopped the run (any nonzero value, returned as it is):
     * the node's outputs are written but what it releases is not, so it cannot resume. */
    s->failed = err != 0;
    return err;
}

size_t dpu_ref_session_next(const struct dpu_ref_session *s)
{
    return s ? s->next : 0;
}

const struct dpu_tensor *dpu_ref_session_value(const struct dpu_ref_session *s, int32_t tensor)
{
    if (!s || !tensor_index_ok(s->g, tensor))
        return NULL;
    unsigned char k = s->kind[tensor];
    return k == SLOT_CONST || k == SLOT_OWNED ? &s->vals[tensor] : NULL;
}

int dpu_ref_session_outputs(struct dpu_ref_session *s, struct dpu_tensor *outputs,
                            struct dpu_diag *d)
{
    if (!s)
        return dpu_diag_set(d, DPU_E_INVALID, "no session");
    if (s->g->noutputs && !outputs)
        return dpu_diag_set(d, DPU_E_INVALID, "outputs is NULL");
    for (size_t i = 0; i < s->g->noutputs; i++)
        memset(&outputs[i], 0, sizeof outputs[i]);
    if (s->failed || s->next < s->g->nnodes)
        return dpu_diag_set(d, DPU_E_INVALID, "the session has run %zu of the graph's %zu nodes%s",
                            s->next, s->g->nnodes, s->failed ? " and stopped" : "");
    int err = copy_outputs(s, outputs, d);
    if (err)
        for (size_t i = 0; i < s->g->noutputs; i++)
            dpu_tensor_free(&outputs[i]);
    return err;
}

void dpu_ref_session_close(struct dpu_ref_session *s)
{
    if (!s)
        return;
    run_free(s);
    free(s);
}

/* Bytes of a value of tensor t, 0 when its shape is invalid (run_node refuses it). */
static size_t value_bytes(const struct dpu_graph *g, int32_t t)
{
    const struct dpu_gtensor *gt = &g->tensors[t];
    struct dpu_tensor v = {.dtype = gt->dtype, .rank = gt->rank};
    if (gt->rank < 0 || gt->rank > DPU_TENSOR_MAX_RANK)
        return 0;
    memcpy(v.dims, gt->dims, sizeof v.dims);
    int64_t n = dpu_tensor_nbytes(&v);
    return n > 0 ? (size_t)n : 0;
}

struct live_count {
    const struct dpu_graph *g;
    size_t bytes;
};

static void count_out(void *ctx, int32_t t)
{
    struct live_count *lc = ctx;
    lc->bytes -= value_bytes(lc->g, t);
}

size_t dpu_ref_session_peak_bytes(const struct dpu_graph *g)
{
    if (!g || (g->ntensors && !g->tensors) || (g->nnodes && !g->nodes))
        return 0;
    size_t *last = malloc((g->ntensors ? g->ntensors : 1) * sizeof *last);
    if (!last)
        return SIZE_MAX;
    find_last_readers(g, last);
    struct live_count live = {g, 0};
    for (size_t i = 0; i < g->ninputs; i++)
        if (tensor_index_ok(g, g->inputs[i]))
            live.bytes += value_bytes(g, g->inputs[i]);
    size_t peak = live.bytes;
    struct dpu_diag scratch;
    dpu_diag_clear(&scratch);
    ref_kernel_fn kernel;
    for (size_t k = 0; k < g->nnodes; k++) {
        const struct dpu_gnode *n = &g->nodes[k];
        if (check_node(g, n, &kernel, &scratch))
            break; /* a run stops at this node */
        for (size_t o = 0; o < n->noutputs; o++)
            if (tensor_index_ok(g, n->outputs[o]))
                live.bytes += value_bytes(g, n->outputs[o]);
        if (live.bytes > peak)
            peak = live.bytes;
        each_released(g, last, k, count_out, &live);
    }
    free(last);
    return peak;
}

int dpu_ref_run_trace(const struct dpu_graph *g, const struct dpu_tensor *inputs, size_t ninputs,
                      struct dpu_tensor *outputs, dpu_ref_trace_fn trace, void *user,
                      struct dpu_diag *d)
{
    if (g && g->noutputs && !outputs)
        return dpu_diag_set(d, DPU_E_INVALID, "outputs is NULL");
    for (size_t i = 0; g && i < g->noutputs; i++)
        memset(&outputs[i], 0, sizeof outputs[i]);
    struct dpu_ref_session *s;
    int err = dpu_ref_session_open(g, inputs, ninputs, &s, d);
    if (err)
        return err;
    err = dpu_ref_session_run(s, g->nnodes, trace, user, d);
    if (!err)
        err = dpu_ref_session_outputs(s, outputs, d);
    dpu_ref_session_close(s);
    return err;
}

int dpu_ref_run(const struct dpu_graph *g, const struct dpu_tensor *inputs, size_t ninputs,
                struct dpu_tensor *outputs, struct dpu_diag *d)
{
    return dpu_ref_run_trace(g, inputs, ninputs, outputs, NULL, NULL, d);
}
