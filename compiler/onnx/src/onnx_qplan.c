/* The quantized planner: how a quantized ONNX model maps onto the int8 graph.
 *
 * QDQ form. A DequantizeLinear gives its int8 input (an activation, or constant weights or
 * bias) a scale and zero point, and its float output becomes a *view* of that int8 tensor
 * (dq_of). A float op whose data inputs are all views and whose output is read only by
 * QuantizeLinear nodes becomes the quantized IR op, writing the QuantizeLinear's int8
 * output (qout); a Relu or Clip between a Conv/Gemm/MatMul/Add/Mul and its QuantizeLinear
 * is fused as the op's clamp. Data-movement ops (Reshape, Transpose, MaxPool, ...) may go
 * without a QuantizeLinear: their result keeps the input's scale and zero point. What
 * stays of the Q/DQ nodes: a QuantizeLinear of a float graph input (the IR's Quantize), a
 * QuantizeLinear of a view to other parameters (a rescale: an int8 Clip over the whole
 * range; after an op that only moves bytes it runs before the op instead, on its input)
 * and a DequantizeLinear producing a graph output (Dequantize).
 *
 * Operator form. QLinearConv, QLinearMatMul, QLinearAdd and QLinearGlobalAveragePool
 * carry the scales and zero points of their inputs and output as constant inputs; those
 * become the quantization of the int8 values themselves, and must agree with what the
 * value's producer (or another consumer) said.
 *
 * Integer ops. ConvInteger and MatMulInteger give their int8 operands scale 1.0 and the
 * model's zero points; their int32 result, the raw accumulator, carries no quantization and
 * must be a graph output (no IR op reads an int32 activation).
 *
 * uint8 values become int8 here: their zero points are shifted by -128 (the data is
 * shifted when the IR tensor is made, onnx_emit.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/onnx_emit.h"
#include "dpu/onnx_infer.h"
#include "dpu/onnx_quant.h"

/* Live consumers of each value: node indices in CSR form, for the nvalues values that
 * exist before planning (planning adds some, which no node of the model reads). */
struct uses {
    size_t *start;
    int *node;
    size_t nvalues;
};

static int build_uses(struct onnx_ctx *ctx, struct uses *u)
{
    size_t nv = ctx->nvalues, total = 0;
    u->nvalues = nv;
    u->start = calloc(nv + 2, sizeof *u->start);
    for (size_t i = 0; i < ctx->nnodes; i++)
        if (!ctx->nodes[i].dead)
            total += (size_t)ctx->nodes[i].nin;
    u->node = malloc((total + 1) * sizeof *u->node);
    size_t *fill = calloc(nv + 1, sizeof *fill);
    if (!u->start || !u->node || !fill) {
        free(fill);
        return dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
    }
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < ctx->nnodes; i++) {
            const struct onnx_node *n = &ctx->nodes[i];
            if (n->dead)
                continue;
            for (int k = 0; k < n->nin; k++) {
                if (n->in[k] < 0)
                    continue;
                size_t v = (size_t)onnx_value_resolve(ctx, n->in[k]);
                if (pass == 0)
                    u->start[v + 1]++;
                else
                    u->node[u->start[v] + fill[v]++] = (int)i;
            }
        }
        if (pass == 0)
            for (size_t v = 0; v < nv; v++)
                u->start[v + 1] += u->start[v];
    }
    free(fill);
    return DPU_OK;
}

static bool is_op(const struct onnx_node *n, const char *op)
{
    return strcmp(n->op, op) == 0;
}

/* Gives value v the quantization q (zero points as the model gives them for v's type), or
 * checks that it agrees with what v already has. */
static int set_q(struct onnx_ctx *ctx, const struct onnx_node *n, int v, const struct onnx_qread *q)
{
    struct onnx_value *val = &ctx->values[onnx_value_resolve(ctx, v)];
    char nb[ONNX_NAME_MAX];
    int shift = val->elem == ONNX_UINT8 ? -128 : 0;
    if (val->elem == ONNX_INT32) {
        for (size_t i = 0; i < q->count; i++)
            if (q->zp[i] != 0)
                return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                                 "int32 tensor '%s' has a nonzero zero point",
                                 onnx_safe_name(val->name, nb));
    } else if (val->elem != ONNX_INT8 && val->elem != ONNX_UINT8) {
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "tensor '%s' of type %s is quantized",
                         onnx_safe_name(val->name, nb), onnx_elem_name(val->elem));
    } else if (q->zp_elem != val->elem && q->zp_elem != ONNX_UINT8) {
        return onnx_fail(ctx, n, DPU_E_INVALID, "zero point of type %s for %s tensor '%s'",
                         onnx_elem_name(q->zp_elem), onnx_elem_name(val->elem),
                         onnx_safe_name(val->name, nb));
    }
    if (val->has_q) {
        bool same = val->q.axis == q->axis && val->q.count == q->count;
        for (size_t i = 0; same && i < q->count; i++)
            same = val->q.scale[i] == q->scale[i] && val->q.zp[i] == q->zp[i] + shift;
        if (!same)
            return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                             "tensor '%s' is given two different quantizations (scale %g zero "
                             "point %d here, scale %g zero point %d elsewhere)",
                             onnx_safe_name(val->name, nb), q->scale[0], (int)q->zp[0],
                             val->q.scale[0], (int)(val->q.zp[0] - shift));
        return DPU_OK;
    }
    val->q.scale = malloc(q->count * sizeof *val->q.scale);
    val->q.zp = malloc(q->count * sizeof *val->q.zp);
    if (!val->q.scale || !val->q.zp)
        return dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
    for (size_t i = 0; i < q->count; i++) {
        val->q.scale[i] = q->scale[i];
        val->q.zp[i] = q->zp[i] + shift;
    }
    val->q.axis = q->axis;
    val->q.count = q->count;
    val->has_q = true;
    return DPU_OK;
}

/* Reads the scale/zero-point inputs si, zi of n for the tensor in input or output slot, and
 * sets them on that value. */
static int q_from_inputs(struct onnx_ctx *ctx, const struct onnx_node *n, int v, int si, int zi,
                         int default_axis)
{
    const struct onnx_value *val = &ctx->values[onnx_value_resolve(ctx, v)];
    struct onnx_qread q;
    int err = onnx_qread(ctx, n, si, zi, val->rank, val->dims, default_axis, &q);
    if (!err)
        err = set_q(ctx, n, v, &q);
    onnx_qread_free(&q);
    return err;
}

static int plan_dequantize(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int x = onnx_value_resolve(ctx, n->in[0]);
    int err = q_from_inputs(ctx, n, x, 1, 2, 1);
    if (err)
        return err;
    struct onnx_value *y = &ctx->values[n->out[0]];
    y->dq_of = x;
    /* Only a graph output needs the float values; everyone else reads the view. */
    n->dead = !y->graph_output;
    if (y->graph_output && ctx->values[x].is_const) {
        char nb[ONNX_NAME_MAX];
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "graph output '%s' is a constant",
                         onnx_safe_name(y->name, nb));
    }
    return DPU_OK;
}

/* Whether two values carry identical quantization. */
static bool same_q(const struct onnx_value *a, const struct onnx_value *b)
{
    if (!a->has_q || !b->has_q || a->q.axis != b->q.axis || a->q.count != b->q.count)
        return false;
    for (size_t i = 0; i < a->q.count; i++)
        if (a->q.scale[i] != b->q.scale[i] || a->q.zp[i] != b->q.zp[i])
            return false;
    return true;
}

static const char *producer_desc(struct onnx_ctx *ctx, const struct onnx_value *v, char *buf,
                                 size_t cap)
{
    char nb[ONNX_NAME_MAX];
    if (v->producer >= 0) {
        const struct onnx_node *p = &ctx->nodes[v->producer];
        snprintf(buf, cap, "node '%s' (%s)", onnx_safe_name(p->name, nb), p->op);
    } else {
        snprintf(buf, cap, "%s", v->graph_input ? "the graph input" : "a constant");
    }
    return buf;
}

/* A QuantizeLinear no op absorbed: of a float graph input (kept: the IR's Quantize), or of
 * a view (requantization: only the trivial one). */
static int plan_quantize(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int x = onnx_value_resolve(ctx, n->in[0]), y = n->out[0];
    int err = q_from_inputs(ctx, n, y, 1, 2, 1);
    if (err)
        return err;
    const struct onnx_value *xv = &ctx->values[x];
    char nb[ONNX_NAME_MAX], pb[2 * ONNX_NAME_MAX + 32];
    if (xv->graph_input && xv->elem == ONNX_FLOAT) {
        n->qout = y;
        return DPU_OK;
    }
    if (xv->dq_of >= 0) {
        const struct onnx_value *from = &ctx->values[xv->dq_of], *to = &ctx->values[y];
        if (same_q(from, to)) {
            ctx->values[y].alias = xv->dq_of;
            n->dead = true;
            return DPU_OK;
        }
        /* Q(DQ(x)) to other parameters: a rescale (the emitter's int8 Clip over the whole
         * range), per tensor only. */
        if (from->q.count != 1 || to->q.count != 1)
            return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                             "requantizes '%s' per channel, which has no IR op",
                             onnx_safe_name(xv->name, nb));
        n->qout = y;
        return DPU_OK;
    }
    return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                     "its input '%s' comes from %s, which is not a quantized op (the model is "
                     "not fully quantized)",
                     onnx_safe_name(xv->name, nb), producer_desc(ctx, xv, pb, sizeof pb));
}

/* The data inputs of float op n must be views of int8 tensors; a float constant is allowed
 * only as a bias, which the emitter quantizes. */
static int check_inputs(struct onnx_ctx *ctx, const struct onnx_node *n,
                        const struct onnx_emit_rule *r)
{
    for (int i = 0; i < n->nin && i < 32; i++) {
        if (!(r->data_inputs >> i & 1) || n->in[i] < 0)
            continue;
        const struct onnx_value *v = onnx_in(ctx, n, i);
        char nb[ONNX_NAME_MAX], pb[2 * ONNX_NAME_MAX + 32];
        bool bias = i == 2 && (is_op(n, "Conv") || is_op(n, "Gemm"));
        if (v->dq_of >= 0 || (bias && v->is_const))
            continue;
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                         "input '%s' (from %s) is float data, not a DequantizeLinear of int8 "
                         "(the model is not fully quantized)",
                         onnx_safe_name(v->name, nb), producer_desc(ctx, v, pb, sizeof pb));
    }
    return DPU_OK;
}

/* If every reader of value v is a QuantizeLinear (and v is no graph output), makes them
 * one: returns the int8 value they produce (others alias it), or -1. */
static int absorb_quantizes(struct onnx_ctx *ctx, const struct uses *u, int v, int *err)
{
    *err = DPU_OK;
    size_t b = u->start[v], e = u->start[v + 1];
    if (b == e || ctx->values[v].graph_output)
        return -1;
    for (size_t k = b; k < e; k++) {
        const struct onnx_node *q = &ctx->nodes[u->node[k]];
        if (!is_op(q, "QuantizeLinear") || onnx_value_resolve(ctx, q->in[0]) != v)
            return -1;
    }
    int first = -1;
    for (size_t k = b; k < e; k++) {
        struct onnx_node *q = &ctx->nodes[u->node[k]];
        if (q->dead)
            continue; /* read v twice: already handled */
        if ((*err = q_from_inputs(ctx, q, q->out[0], 1, 2, 1)))
            return -1;
        if (first < 0) {
            first = q->out[0];
        } else {
            if (!same_q(&ctx->values[first], &ctx->values[q->out[0]])) {
                char nb[ONNX_NAME_MAX];
                *err = onnx_fail(ctx, q, DPU_E_UNSUPPORTED,
                                 "quantizes '%s' differently from another QuantizeLinear of it",
                                 onnx_safe_name(ctx->values[v].name, nb));
                return -1;
            }
            ctx->values[q->out[0]].alias = first;
        }
        q->dead = true;
    }
    return first;
}

static int not_quantized(struct onnx_ctx *ctx, const struct onnx_node *n)
{
    char nb[ONNX_NAME_MAX];
    return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                     "output '%s' is not quantized: only QuantizeLinear nodes may read the "
                     "result of a quantized op (the model is not fully quantized)",
                     onnx_safe_name(ctx->values[n->out[0]].name, nb));
}

/* Whether every data input of n is an int8 or uint8 value (the operator form: Reshape,
 * MaxPool, ... applied to the int8 tensors of QLinear ops). */
static bool int8_data_inputs(struct onnx_ctx *ctx, const struct onnx_node *n,
                             const struct onnx_emit_rule *r)
{
    bool any = false;
    for (int i = 0; i < n->nin && i < 32; i++) {
        if (!(r->data_inputs >> i & 1) || n->in[i] < 0)
            continue;
        const struct onnx_value *v = onnx_in(ctx, n, i);
        if (v->elem != ONNX_INT8 && v->elem != ONNX_UINT8)
            return false;
        any = true;
    }
    return any;
}

/* Whether a QuantizeLinear reading value v quantizes it to other parameters than the
 * per-tensor quantization q (zero point in the int8 domain). */
static int requantized(struct onnx_ctx *ctx, const struct uses *u, int v,
                       const struct onnx_value *q, bool *yes)
{
    *yes = false;
    for (size_t k = u->start[v]; k < u->start[v + 1] && !*yes; k++) {
        const struct onnx_node *qn = &ctx->nodes[u->node[k]];
        if (!is_op(qn, "QuantizeLinear"))
            continue;
        const struct onnx_value *out = &ctx->values[qn->out[0]];
        struct onnx_qread r;
        int err = onnx_qread(ctx, qn, 1, 2, out->rank, out->dims, 1, &r);
        if (err)
            return err;
        int shift = out->elem == ONNX_UINT8 ? -128 : 0;
        *yes = r.count != 1 || r.scale[0] != q->q.scale[0] || r.zp[0] + shift != q->q.zp[0];
        onnx_qread_free(&r);
    }
    return DPU_OK;
}

/* A new int8 value that node n produces (the planner's own): shaped like value like, named
 * after it plus suffix, quantized per tensor like q. Returns its index or an error. */
static int new_int8(struct onnx_ctx *ctx, const struct onnx_node *n, int like, const char *suffix,
                    const struct onnx_value *q)
{
    float scale = q->q.scale[0];
    int32_t zp = q->q.zp[0];
    int nv = onnx_value_new(ctx, ctx->values[like].name, suffix);
    if (nv < 0)
        return nv;
    struct onnx_value *val = &ctx->values[nv];
    const struct onnx_value *lv = &ctx->values[like];
    val->elem = ONNX_INT8;
    val->rank = lv->rank;
    memcpy(val->dims, lv->dims, sizeof val->dims);
    val->shape_known = true;
    val->producer = (int)(n - ctx->nodes);
    val->has_q = true;
    val->q.axis = -1;
    val->q.count = 1;
    val->q.scale = malloc(sizeof *val->q.scale);
    val->q.zp = malloc(sizeof *val->q.zp);
    if (!val->q.scale || !val->q.zp)
        return dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
    val->q.scale[0] = scale;
    val->q.zp[0] = zp;
    return nv;
}

/* Ops that only move or copy bytes (no padding value, no comparison), so that an
 * element-wise per-tensor rescale gives the same bytes before them as after them. */
static bool moves_bytes(const struct onnx_node *n)
{
    static const char *const ops[] = {"Reshape",   "Flatten", "Squeeze", "Unsqueeze",
                                      "Transpose", "Resize",  "Upsample"};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (is_op(n, ops[i]))
            return true;
    return false;
}

/* Whether value v (no graph output) goes only to QuantizeLinear nodes, as their data input,
 * that all quantize it per tensor with the same parameters (absorb_quantizes makes them one
 * without a complaint). */
static int one_quantization(struct onnx_ctx *ctx, const struct uses *u, int v, bool *yes)
{
    size_t b = u->start[v], e = u->start[v + 1];
    *yes = b < e && !ctx->values[v].graph_output;
    float scale = 0;
    int32_t zp = 0;
    for (size_t k = b; k < e && *yes; k++) {
        const struct onnx_node *qn = &ctx->nodes[u->node[k]];
        if (!is_op(qn, "QuantizeLinear") || onnx_value_resolve(ctx, qn->in[0]) != v) {
            *yes = false;
            break;
        }
        const struct onnx_value *out = &ctx->values[qn->out[0]];
        struct onnx_qread r;
        int err = onnx_qread(ctx, qn, 1, 2, out->rank, out->dims, 1, &r);
        if (err)
            return err;
        int32_t z = r.count == 1 ? r.zp[0] + (out->elem == ONNX_UINT8 ? -128 : 0) : 0;
        *yes = r.count == 1 && (k == b || (r.scale[0] == scale && z == zp));
        if (k == b && r.count == 1) {
            scale = r.scale[0];
            zp = z;
        }
        onnx_qread_free(&r);
    }
    return DPU_OK;
}

/* Data movement n whose result is requantized (its QuantizeLinear picks other parameters
 * than its input has): the rescale, element-wise and per tensor, commutes exactly with
 * moving bytes, so it runs first, on n's input, into a new int8 value (n->qin), and n
 * carries the new parameters. The compiler runs element-wise ops on the accelerator only
 * on 4-D tensors and folds a Flatten only into the FullyConnected that reads it directly:
 * GlobalAveragePool -> rescale -> Flatten -> Gemm stays on the accelerator, where
 * Flatten -> rescale -> Gemm would not. */
static int rescale_first(struct onnx_ctx *ctx, const struct uses *u, struct onnx_node *n)
{
    int y = n->out[0], err;
    int q = u->node[u->start[y]]; /* one_quantization: every reader is a QuantizeLinear */
    int qout = absorb_quantizes(ctx, u, y, &err);
    if (err)
        return err;
    if (qout < 0)
        return onnx_fail(ctx, n, DPU_E_INTERNAL, "its QuantizeLinear nodes were not absorbed");
    const struct onnx_value *x = onnx_in_qvalue(ctx, n, 0);
    int nv = new_int8(ctx, n, (int)(x - ctx->values), "/rescaled", &ctx->values[qout]);
    if (nv < 0)
        return nv;
    n->qout = qout;
    n->qin = nv;
    n->fused = q;
    return DPU_OK;
}

static int plan_float_op(struct onnx_ctx *ctx, const struct uses *u, struct onnx_node *n)
{
    const struct onnx_emit_rule *r = onnx_emit_rule_of(n);
    /* Data movement on int8 tensors: the result is int8 with the same quantization, which
     * onnx_qplan propagates once every QLinear op has said what it knows. */
    if (r->passthrough && int8_data_inputs(ctx, n, r)) {
        n->qout = n->out[0];
        return DPU_OK;
    }
    int err = check_inputs(ctx, n, r);
    if (err)
        return err;
    int y = n->out[0];
    /* Data movement whose QuantizeLinear picks other parameters (PyTorch observes a Flatten
     * after a pooling anew): an op that only moves bytes, read by nothing but such
     * QuantizeLinear nodes, has its input rescaled first (rescale_first). Otherwise the op
     * keeps its input's scale, as below, and the QuantizeLinear becomes a rescale
     * (plan_quantize). Requantization commutes with these ops (it is monotonic and acts
     * element by element); Concat rescales its inputs itself, and Pad's fill value is
     * quantized with the output's parameters. */
    bool requant = false;
    if (r->passthrough && !is_op(n, "Concat") && !is_op(n, "Pad")) {
        const struct onnx_value *x = onnx_in_qvalue(ctx, n, 0);
        if (x && x->has_q && x->q.count == 1 && (err = requantized(ctx, u, y, x, &requant)))
            return err;
    }
    if (requant && moves_bytes(n)) {
        bool one;
        if ((err = one_quantization(ctx, u, y, &one)))
            return err;
        if (one)
            return rescale_first(ctx, u, n);
    }
    int qout = requant ? -1 : absorb_quantizes(ctx, u, y, &err);
    if (err)
        return err;
    if (qout >= 0) {
        n->qout = qout;
        return DPU_OK;
    }
    /* Conv -> Relu -> QuantizeLinear: the Relu becomes the Conv's clamp. */
    size_t b = u->start[y], e = u->start[y + 1];
    if (!requant && r->clampable && e - b == 1 && !ctx->values[y].graph_output) {
        struct onnx_node *act = &ctx->nodes[u->node[b]];
        if ((is_op(act, "Relu") || is_op(act, "Clip")) && act->domain == ONNX_DOMAIN_DEFAULT &&
            onnx_value_resolve(ctx, act->in[0]) == y) {
            qout = absorb_quantizes(ctx, u, act->out[0], &err);
            if (err)
                return err;
            if (qout >= 0) {
                n->qout = qout;
                n->fused = (int)(act - ctx->nodes);
                act->dead = true;
                return DPU_OK;
            }
        }
    }
    /* Data movement keeps its input's scale: its result is a view of a new int8 tensor. */
    if (r->passthrough) {
        const struct onnx_value *first = NULL;
        bool same = true;
        for (int i = 0; i < n->nin && same; i++) {
            if (!(r->data_inputs >> i & 1) || n->in[i] < 0)
                continue;
            const struct onnx_value *q = onnx_in_qvalue(ctx, n, i);
            if (!first)
                first = q;
            else
                same = same_q(first, q);
        }
        if (first && same && first->has_q && first->q.count == 1) {
            int nv = new_int8(ctx, n, y, "/q", first);
            if (nv < 0)
                return nv;
            ctx->values[y].dq_of = nv;
            n->qout = nv;
            return DPU_OK;
        }
    }
    return not_quantized(ctx, n);
}

/* Operator form: positions of (tensor, scale, zero point) triples, the output's last. */
struct qlinear_io {
    const char *op;
    int n;
    int slot[3][3];
    int default_axis[3]; /* per-channel axis of each operand when it is not per-tensor */
};

static const struct qlinear_io qlinear_ios[] = {
    {"QLinearConv", 3, {{0, 1, 2}, {3, 4, 5}, {-1, 6, 7}}, {1, 0, 1}},
    {"QLinearMatMul", 3, {{0, 1, 2}, {3, 4, 5}, {-1, 6, 7}}, {1, -1, 1}},
    {"QLinearAdd", 3, {{0, 1, 2}, {3, 4, 5}, {-1, 6, 7}}, {1, 1, 1}},
    {"QLinearGlobalAveragePool", 2, {{0, 1, 2}, {-1, 3, 4}}, {1, 1}},
};

static int plan_qlinear(struct onnx_ctx *ctx, struct onnx_node *n)
{
    const struct qlinear_io *io = NULL;
    for (size_t i = 0; i < sizeof qlinear_ios / sizeof qlinear_ios[0]; i++)
        if (is_op(n, qlinear_ios[i].op))
            io = &qlinear_ios[i];
    if (!io)
        return onnx_fail(ctx, n, DPU_E_INTERNAL, "no operand table");
    for (int k = 0; k < io->n; k++) {
        bool out = k == io->n - 1;
        int v = out ? n->out[0] : onnx_value_resolve(ctx, n->in[io->slot[k][0]]);
        const struct onnx_value *val = &ctx->values[v];
        int axis = io->default_axis[k] >= 0 ? io->default_axis[k] : val->rank - 1;
        int err = q_from_inputs(ctx, n, v, io->slot[k][1], io->slot[k][2], axis);
        if (err)
            return err;
        /* Activations are quantized per tensor (QLinearMatMul allows per-row A). */
        if (!val->is_const && val->q.count != 1)
            return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                             "per-row or per-channel quantization of activations is not "
                             "supported");
    }
    n->qout = n->out[0];
    return DPU_OK;
}

/* Gives operand v of the integer op n scale 1.0 and the zero points of input zi (0 when
 * absent): per tensor, or per channel along `axis` when zi holds dims[axis] of them. */
static int integer_operand_q(struct onnx_ctx *ctx, const struct onnx_node *n, int v, int zi,
                             int axis)
{
    const struct onnx_value *val = &ctx->values[v];
    char nb[ONNX_NAME_MAX];
    if (val->elem != ONNX_INT8 && val->elem != ONNX_UINT8)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "operand '%s' is %s, not int8 or uint8",
                         onnx_safe_name(val->name, nb), onnx_elem_name(val->elem));
    const struct onnx_tensor *z = NULL;
    int err;
    if (zi >= 0 && onnx_in(ctx, n, zi) && (err = onnx_const_in(ctx, n, zi, "zero point", &z)))
        return err;
    int64_t count = z ? onnx_tensor_count(z) : 1;
    if (z && z->elem != ONNX_INT8 && z->elem != ONNX_UINT8)
        return onnx_fail(ctx, n, DPU_E_INVALID, "zero point of type %s", onnx_elem_name(z->elem));
    if (count != 1 && (axis < 0 || axis >= val->rank || val->dims[axis] != count || z->rank != 1))
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                         "%lld zero points for '%s': only one per tensor%s", (long long)count,
                         onnx_safe_name(val->name, nb),
                         axis >= 0 ? " or one per output channel" : "");
    float *scale = malloc((size_t)count * sizeof *scale);
    int32_t *zp = calloc((size_t)count, sizeof *zp);
    if (!scale || !zp) {
        free(scale);
        free(zp);
        return dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
    }
    for (int64_t i = 0; i < count; i++) {
        scale[i] = 1.0f;
        zp[i] = z ? (int32_t)onnx_tensor_get_i(z, i) : 0;
    }
    struct onnx_qread q = {.axis = count == 1 ? -1 : axis,
                           .count = (size_t)count,
                           .scale = scale,
                           .zp = zp,
                           .zp_elem = z ? z->elem : val->elem};
    err = set_q(ctx, n, v, &q);
    onnx_qread_free(&q);
    return err;
}

/* ConvInteger and MatMulInteger: int8 operands of scale 1.0 with the model's zero points,
 * and the raw int32 accumulator as the result, which the IR lets no op read: it must be a
 * graph output. */
static int plan_integer(struct onnx_ctx *ctx, const struct uses *u, struct onnx_node *n)
{
    bool conv = is_op(n, "ConvInteger");
    int a = onnx_value_resolve(ctx, n->in[0]), b = onnx_value_resolve(ctx, n->in[1]);
    const struct onnx_value *bv = &ctx->values[b];
    /* Conv weights may have one zero point per output channel (axis 0); MatMul's B one per
     * column (axis rank - 1), which fits only as FullyConnected weights. */
    int b_axis = conv ? 0 : bv->is_const && bv->rank == 2 ? 1 : -1;
    int err = integer_operand_q(ctx, n, a, 2, -1);
    if (!err)
        err = integer_operand_q(ctx, n, b, 3, b_axis);
    if (err)
        return err;
    int y = n->out[0];
    char nb[ONNX_NAME_MAX];
    /* 1-D convolutions and FullyConnected over rank > 2 run between Reshapes, which no IR op
     * may do to an int32 activation. */
    const struct onnx_value *av = &ctx->values[a];
    bool fc = !conv && ctx->values[b].q.count > 1;
    if ((conv && av->rank != 4) || (fc && av->rank != 2))
        return onnx_fail(
            ctx, n, DPU_E_UNSUPPORTED, "input '%s' has rank %d: the raw int32 form needs %s",
            onnx_safe_name(av->name, nb), av->rank,
            conv ? "a 2-D convolution (rank 4)" : "a 2-D A when B has one zero point per column");
    if (!ctx->values[y].graph_output || u->start[y] != u->start[y + 1])
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                         "its int32 result '%s' is read by another op: the raw accumulator of "
                         "an integer op can only be a graph output",
                         onnx_safe_name(ctx->values[y].name, nb));
    n->qout = y;
    return DPU_OK;
}

static int plan_node(struct onnx_ctx *ctx, const struct uses *u, struct onnx_node *n)
{
    if (is_op(n, "DequantizeLinear"))
        return plan_dequantize(ctx, n);
    if (is_op(n, "QuantizeLinear"))
        return plan_quantize(ctx, n);
    if (is_op(n, "ConvInteger") || is_op(n, "MatMulInteger"))
        return plan_integer(ctx, u, n);
    const struct onnx_emit_rule *r = onnx_emit_rule_of(n);
    if (!r)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "is not supported in a quantized model");
    if (r->qlinear)
        return plan_qlinear(ctx, n);
    return plan_float_op(ctx, u, n);
}

/* Copies quantization through int8 data movement, forward and backward, until nothing
 * changes: in the operator form a Reshape's input may learn its scale only from the
 * QLinear op that reads the Reshape's output. Then every such op must know it. */
static int propagate_int8_moves(struct onnx_ctx *ctx)
{
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t k = 0; k < ctx->nnodes; k++) {
            struct onnx_node *n = &ctx->nodes[ctx->order[k]];
            if (n->dead || n->qout != n->out[0] || onnx_emit_rule_of(n)->qlinear ||
                !onnx_emit_rule_of(n)->passthrough)
                continue;
            struct onnx_value *out = &ctx->values[n->out[0]];
            for (int i = 0; i < n->nin; i++) {
                if (!(onnx_emit_rule_of(n)->data_inputs >> i & 1) || n->in[i] < 0)
                    continue;
                struct onnx_value *in = onnx_in(ctx, n, i);
                struct onnx_value *from = in->has_q ? in : out->has_q ? out : NULL;
                struct onnx_value *to = from == in ? out : in;
                if (!from || to->has_q)
                    continue;
                struct onnx_qread q = {.axis = from->q.axis,
                                       .count = from->q.count,
                                       .scale = from->q.scale,
                                       .zp = from->q.zp,
                                       .zp_elem = ONNX_INT8};
                /* from's zero points are in the int8 domain; set_q shifts for uint8. */
                int32_t zp[1];
                if (from->q.count != 1)
                    return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                                     "per-channel quantization of an activation");
                zp[0] = from->q.zp[0] + (to->elem == ONNX_UINT8 ? 128 : 0);
                q.zp = zp;
                q.zp_elem = to->elem;
                int err = set_q(ctx, n, (int)(to - ctx->values), &q);
                if (err)
                    return err;
                changed = true;
            }
        }
    }
    for (size_t k = 0; k < ctx->nnodes; k++) {
        const struct onnx_node *n = &ctx->nodes[ctx->order[k]];
        char nb[ONNX_NAME_MAX];
        bool raw = is_op(n, "ConvInteger") || is_op(n, "MatMulInteger");
        if (!n->dead && n->qout >= 0 && !raw &&
            !ctx->values[onnx_value_resolve(ctx, n->qout)].has_q)
            return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                             "no op gives int8 tensor '%s' a scale and zero point",
                             onnx_safe_name(ctx->values[n->qout].name, nb));
    }
    return DPU_OK;
}

/* The single live reader of value v, or -1 (v a graph output, unread, read by several
 * nodes or twice, or made by the planner). */
static int only_reader(struct onnx_ctx *ctx, const struct uses *u, int v)
{
    if ((size_t)v >= u->nvalues || ctx->values[v].graph_output ||
        u->start[v + 1] - u->start[v] != 1)
        return -1;
    return u->node[u->start[v]];
}

/* PyTorch's FX quantization does not fuse ReLU6 (nor a ReLU after an Add) into the op
 * before it: the op's result is quantized, dequantized, clipped and quantized again with
 * the same parameters (Conv -> Q -> DQ -> Clip -> Q). A clamp of int8 values to [lo, hi]
 * after the op's own clamp to [-128, 127] is the op's clamp [lo, hi], so such a Relu or
 * Clip becomes the op's clamp, exactly as when it sits between the op and its
 * QuantizeLinear. */
static int fuse_requantized_clamps(struct onnx_ctx *ctx, const struct uses *u)
{
    int *maker = malloc((ctx->nvalues + 1) * sizeof *maker);
    if (!maker)
        return dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
    for (size_t v = 0; v < ctx->nvalues; v++)
        maker[v] = -1;
    for (size_t k = 0; k < ctx->nnodes; k++) {
        const struct onnx_node *n = &ctx->nodes[ctx->order[k]];
        if (!n->dead && n->qout >= 0 && onnx_emit_rule_of(n) && onnx_emit_rule_of(n)->clampable)
            maker[onnx_value_resolve(ctx, n->qout)] = ctx->order[k];
    }
    for (size_t k = 0; k < ctx->nnodes; k++) {
        struct onnx_node *act = &ctx->nodes[ctx->order[k]];
        if (act->dead || act->qout < 0 || act->domain != ONNX_DOMAIN_DEFAULT ||
            !(is_op(act, "Relu") || is_op(act, "Clip")))
            continue;
        const struct onnx_value *view = onnx_in(ctx, act, 0);
        if (!view || view->dq_of < 0 ||
            only_reader(ctx, u, (int)(view - ctx->values)) != (int)(act - ctx->nodes))
            continue;
        int x = onnx_value_resolve(ctx, view->dq_of);
        int dq = only_reader(ctx, u, x);
        int p = maker[x];
        if (p < 0 || dq < 0 || !is_op(&ctx->nodes[dq], "DequantizeLinear") ||
            ctx->nodes[p].fused >= 0 ||
            !same_q(&ctx->values[x], &ctx->values[onnx_value_resolve(ctx, act->qout)]))
            continue;
        ctx->nodes[p].qout = act->qout;
        ctx->nodes[p].fused = (int)(act - ctx->nodes);
        act->dead = true;
        maker[x] = -1;
    }
    free(maker);
    return DPU_OK;
}

int onnx_qplan(struct onnx_ctx *ctx)
{
    struct uses u = {0};
    int err = build_uses(ctx, &u);
    /* Passthrough ops add one value each; keep value pointers stable while planning. */
    if (!err)
        err = onnx_values_reserve(ctx, ctx->nnodes + 16);
    ctx->values_frozen = true;
    for (size_t k = 0; k < ctx->nnodes && !err; k++) {
        struct onnx_node *n = &ctx->nodes[ctx->order[k]];
        if (!n->dead)
            err = plan_node(ctx, &u, n);
    }
    if (!err)
        err = fuse_requantized_clamps(ctx, &u);
    if (!err)
        err = propagate_int8_moves(ctx);
    ctx->values_frozen = false;
    free(u.start);
    free(u.node);
    return err;
}
