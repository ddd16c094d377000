/* Emission: the quantized graph, node for node from the prepared float graph.
 *
 *   graph inputs   a float32 input and a Quantize node to its int8 twin "NAME:q" (or, with
 *                  int8_inputs, the input itself int8);
 *   Conv2D, FC     int8 weights per output channel (or per tensor), int32 bias, the output
 *                  quantized with its range; a fused activation's output tensor and bounds
 *                  (`clamp`) when one was fused;
 *   other nodes    the same op on int8 tensors; constant operands (of Add, Mul, MatMul,
 *                  Concat) quantized per tensor over their exact min/max; `clamp` for
 *                  Relu/Relu6/Clip, `lut` for the table ops, `exp_table` for Softmax,
 *                  `qvalue` for Pad; float-only attributes (Clip min/max, Pad value) dropped;
 *   graph outputs  a Dequantize from the int8 twin "NAME:q" to the float32 output NAME (or,
 *                  with int8_outputs, the int8 tensor itself).
 * Tensor names are the float graph's, so a quantized tensor can be matched with the float
 * tensor it approximates (per-layer SQNR, bias correction). Every requantization ratio is
 * checked (emit_check.c) before the verifier runs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/qparams.h"
#include "quant_internal.h"

struct emitter {
    struct qctx *c;
    struct dpu_graph *qg;
    int32_t *map; /* float tensor -> its int8 tensor in qg, -1 when not made yet */
};

static int nomem(struct dpu_diag *d)
{
    return dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
}

/* "NAME:q", unique in both graphs. */
static void twin_name(const struct emitter *e, const char *name, char *buf, size_t cap)
{
    char base[480]; /* room for "_N" within the caller's 512 bytes */
    snprintf(base, sizeof base, "%s:q", name);
    snprintf(buf, cap, "%s", base);
    for (int k = 2;
         dpu_graph_find_tensor(e->qg, buf) >= 0 || dpu_graph_find_tensor(&e->c->fg, buf) >= 0; k++)
        snprintf(buf, cap, "%s_%d", base, k);
}

static bool node_name_taken(const struct dpu_graph *g, const char *name)
{
    for (size_t i = 0; i < g->nnodes; i++)
        if (strcmp(g->nodes[i].name, name) == 0)
            return true;
    return false;
}

static void node_name(const struct emitter *e, const char *base, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", base);
    for (int k = 2; node_name_taken(e->qg, buf) || node_name_taken(&e->c->fg, buf); k++)
        snprintf(buf, cap, "%s_%d", base, k);
}

/* An int8 activation tensor for float tensor t, quantized as the ranges pass chose. */
static int add_act(struct emitter *e, int32_t t, const char *name, struct dpu_diag *d)
{
    const struct dpu_gtensor *ft = &e->c->fg.tensors[t];
    const struct qtensor *qt = &e->c->tensors[t];
    char unique[512];
    q_unique_name(e->qg, name, unique, sizeof unique);
    int k = dpu_graph_add_tensor(e->qg, unique, DPU_DT_INT8, ft->rank, ft->dims, NULL);
    if (k < 0 || dpu_graph_set_quant(e->qg, k, -1, 1, &qt->scale, &qt->zp))
        return nomem(d);
    return k;
}

static int emit_inputs(struct emitter *e, struct dpu_diag *d)
{
    const struct dpu_graph *fg = &e->c->fg;
    for (size_t i = 0; i < fg->ninputs; i++) {
        int32_t t = fg->inputs[i];
        const struct dpu_gtensor *ft = &fg->tensors[t];
        if (e->c->opt->int8_inputs) {
            int q = add_act(e, t, ft->name, d);
            if (q < 0 || dpu_graph_add_input(e->qg, q) < 0)
                return q < 0 ? q : nomem(d);
            e->map[t] = q;
            continue;
        }
        int f = dpu_graph_add_tensor(e->qg, ft->name, DPU_DT_FLOAT32, ft->rank, ft->dims, NULL);
        if (f < 0 || dpu_graph_add_input(e->qg, f) < 0)
            return nomem(d);
        char name[512], nname[512];
        twin_name(e, ft->name, name, sizeof name);
        int q = add_act(e, t, name, d);
        if (q < 0)
            return q;
        snprintf(name, sizeof name, "%s:quantize", ft->name);
        node_name(e, name, nname, sizeof nname);
        int32_t in = f, out = q;
        if (dpu_graph_add_node(e->qg, nname, DPU_NODE_QUANTIZE, 1, &in, 1, &out) < 0)
            return nomem(d);
        e->map[t] = q;
    }
    return DPU_OK;
}

static int emit_outputs(struct emitter *e, struct dpu_diag *d)
{
    const struct dpu_graph *fg = &e->c->fg;
    for (size_t i = 0; i < fg->noutputs; i++) {
        int32_t t = fg->outputs[i];
        int32_t q = e->map[t];
        if (q < 0)
            return dpu_diag_set(d, DPU_E_INTERNAL, "quantizer: graph output '%s' was not emitted",
                                fg->tensors[t].name);
        if (e->c->opt->int8_outputs) {
            if (dpu_graph_add_output(e->qg, q) < 0)
                return nomem(d);
            continue;
        }
        const struct dpu_gtensor *ft = &fg->tensors[t];
        char name[512], nname[512];
        q_unique_name(e->qg, ft->name, name, sizeof name);
        int f = dpu_graph_add_tensor(e->qg, name, DPU_DT_FLOAT32, ft->rank, ft->dims, NULL);
        if (f < 0 || dpu_graph_add_output(e->qg, f) < 0)
            return nomem(d);
        snprintf(name, sizeof name, "%s:dequantize", ft->name);
        node_name(e, name, nname, sizeof nname);
        int32_t in = q, out = f;
        if (dpu_graph_add_node(e->qg, nname, DPU_NODE_DEQUANTIZE, 1, &in, 1, &out) < 0)
            return nomem(d);
    }
    return DPU_OK;
}

/* A constant operand of an element-wise op: per tensor, over its exact min/max. */
static int const_operand(struct emitter *e, int32_t t, struct dpu_diag *d)
{
    if (e->map[t] >= 0)
        return e->map[t];
    const struct dpu_gtensor *ft = &e->c->fg.tensors[t];
    int64_t n = dpu_shape_count(ft->rank, ft->dims);
    const float *v = ft->data;
    double lo = 0, hi = 0;
    for (int64_t i = 0; i < n; i++) {
        lo = fmin(lo, (double)v[i]);
        hi = fmax(hi, (double)v[i]);
    }
    float s;
    int32_t z;
    dpu_qact_params(lo, hi, e->c->opt->pof2, &s, &z);
    int8_t *q = malloc((size_t)(n > 0 ? n : 1));
    if (!q)
        return nomem(d);
    for (int64_t i = 0; i < n; i++)
        q[i] = (int8_t)dpu_quantize_f32(v[i], s, (int)z, -128, 127);
    char name[512];
    q_unique_name(e->qg, ft->name, name, sizeof name);
    int k = dpu_graph_add_tensor(e->qg, name, DPU_DT_INT8, ft->rank, ft->dims, q);
    free(q);
    if (k < 0 || dpu_graph_set_quant(e->qg, k, -1, 1, &s, &z))
        return nomem(d);
    e->map[t] = k;
    return k;
}

/* Weights and bias of Conv2D/FullyConnected n (float node), for input scale s_x. */
static int layer_params(struct emitter *e, const struct dpu_gnode *n, float s_x, int32_t *wq,
                        int32_t *bq, struct dpu_diag *d)
{
    const struct dpu_graph *fg = &e->c->fg;
    const struct dpu_gtensor *w = &fg->tensors[n->inputs[1]];
    int32_t fb = n->ninputs > 2 ? n->inputs[2] : -1;
    if (!w->data)
        return q_fail(d, n, DPU_E_UNSUPPORTED, "weights '%s' are not a constant", w->name);
    if (fb >= 0 && !fg->tensors[fb].data)
        return q_fail(d, n, DPU_E_UNSUPPORTED, "bias '%s' is not a constant", fg->tensors[fb].name);
    int64_t m = w->dims[0], k = dpu_shape_count(w->rank, w->dims) / (m ? m : 1);
    float *scales = malloc((size_t)(m > 0 ? m : 1) * sizeof *scales);
    int8_t *q = malloc((size_t)(m * k > 0 ? m * k : 1));
    int32_t *b = malloc((size_t)(m > 0 ? m : 1) * sizeof *b);
    float *bscale = malloc((size_t)(m > 0 ? m : 1) * sizeof *bscale);
    int err = (!scales || !q || !b || !bscale) ? nomem(d) : DPU_OK;
    if (!err) {
        const struct dpu_quant_options *o = e->c->opt;
        dpu_qweights(w->data, m, k, o->per_tensor_weights, o->pof2, scales, q);
        char name[512];
        q_unique_name(e->qg, w->name, name, sizeof name);
        *wq = dpu_graph_add_tensor(e->qg, name, DPU_DT_INT8, w->rank, w->dims, q);
        if (*wq < 0 || dpu_graph_set_quant(e->qg, *wq, o->per_tensor_weights ? -1 : 0,
                                           o->per_tensor_weights ? 1 : (size_t)m, scales, NULL))
            err = nomem(d);
    }
    *bq = -1;
    if (!err && (fb >= 0 || e->c->opt->bias_correct)) {
        /* A layer without bias gets a zero one when bias correction will need it. */
        float *zero = fb >= 0 ? NULL : calloc((size_t)(m > 0 ? m : 1), sizeof *zero);
        const float *bv = fb >= 0 ? fg->tensors[fb].data : zero;
        err = bv ? dpu_qbias(n, bv, m, s_x, scales, b, d) : nomem(d);
        free(zero);
        char base[512], name[512];
        snprintf(base, sizeof base, "%s", fb >= 0 ? fg->tensors[fb].name : "");
        if (fb < 0)
            snprintf(base, sizeof base, "%s/bias", n->name);
        q_unique_name(e->qg, base, name, sizeof name);
        for (int64_t c = 0; c < m; c++)
            bscale[c] = (float)((double)s_x * scales[c]);
        if (!err) {
            *bq = dpu_graph_add_tensor(e->qg, name, DPU_DT_INT32, 1, &m, b);
            /* The bias's real scale s_x s_w[c], for readers; the kernels derive it. */
            if (*bq < 0 || dpu_graph_set_quant(e->qg, *bq, 0, (size_t)m, bscale, NULL))
                err = nomem(d);
        }
    }
    free(scales);
    free(q);
    free(b);
    free(bscale);
    return err;
}

static bool float_only_attr(enum dpu_node_op op, const char *name)
{
    return (op == DPU_NODE_CLIP && (!strcmp(name, "min") || !strcmp(name, "max"))) ||
           (op == DPU_NODE_PAD && !strcmp(name, "value"));
}

/* clamp = the activation bounds in the output's int8 domain. */
static int set_clamp(struct dpu_graph *qg, int k, const struct dpu_gnode *act, float s, int32_t z)
{
    double lo, hi;
    q_act_bounds(act, &lo, &hi);
    int64_t v[2] = {dpu_quantize_f32((float)lo, s, (int)z, -128, 127),
                    dpu_quantize_f32((float)hi, s, (int)z, -128, 127)};
    return dpu_node_set_ints(qg, k, "clamp", 2, v);
}

static int op_attrs(struct emitter *e, int k, const struct dpu_gnode *n,
                    const struct dpu_gnode *act, struct dpu_diag *d)
{
    struct dpu_graph *qg = e->qg;
    int err = q_copy_attrs(qg, k, n, float_only_attr, d);
    if (err)
        return err;
    const struct dpu_gnode *qn = &qg->nodes[k];
    const struct dpu_gtensor *x = &qg->tensors[qn->inputs[0]], *y = &qg->tensors[qn->outputs[0]];
    float sy = y->quant.scale[0];
    int32_t zy = y->quant.zero_point[0];
    int64_t table[256];
    if (act)
        err = set_clamp(qg, k, act, sy, zy);
    else if (n->op == DPU_NODE_RELU || n->op == DPU_NODE_RELU6 || n->op == DPU_NODE_CLIP)
        err = set_clamp(qg, k, n, sy, zy);
    else if (q_is_lut_op(n->op)) {
        q_lut_table(n, x->quant.scale[0], x->quant.zero_point[0], sy, zy, table);
        err = dpu_node_set_ints(qg, k, "lut", 256, table);
    } else if (n->op == DPU_NODE_SOFTMAX) {
        q_softmax_table(x->quant.scale[0], table);
        err = dpu_node_set_ints(qg, k, "exp_table", 256, table);
    } else if (n->op == DPU_NODE_PAD) {
        float v = (float)dpu_node_get_float(n, "value", 0.0);
        err = dpu_node_set_int(
            qg, k, "qvalue",
            dpu_quantize_f32(v, x->quant.scale[0], (int)x->quant.zero_point[0], -128, 127));
    }
    return err ? nomem(d) : DPU_OK;
}

static int emit_node(struct emitter *e, size_t i, struct dpu_diag *d)
{
    const struct dpu_graph *fg = &e->c->fg;
    const struct dpu_gnode *n = &fg->nodes[i];
    const struct dpu_gnode *act =
        e->c->nodes[i].fused >= 0 ? &fg->nodes[e->c->nodes[i].fused] : NULL;
    int32_t yf = act ? act->outputs[0] : n->outputs[0];
    int32_t in[64];
    size_t nin = n->ninputs < 64 ? n->ninputs : 64;
    bool layer = n->op == DPU_NODE_CONV2D || n->op == DPU_NODE_FULLY_CONNECTED;
    for (size_t k = 0; k < nin; k++) {
        int32_t t = n->inputs[k];
        if (layer && k >= 1) {
            in[k] = -1; /* weights and bias: below, once the input scale is known */
        } else if (t < 0) {
            in[k] = -1;
        } else if (fg->tensors[t].data) {
            in[k] = const_operand(e, t, d);
            if (in[k] < 0)
                return in[k];
        } else if (e->map[t] < 0) {
            return q_fail(d, n, DPU_E_INTERNAL, "input '%s' has no int8 tensor",
                          fg->tensors[t].name);
        } else {
            in[k] = e->map[t];
        }
    }
    if (layer) {
        int32_t wq = -1, bq = -1;
        int err = layer_params(e, n, e->qg->tensors[in[0]].quant.scale[0], &wq, &bq, d);
        if (err)
            return err;
        in[1] = wq;
        nin = bq >= 0 ? 3 : 2;
        in[2] = bq;
    }
    char name[512];
    const struct dpu_gtensor *yt = &fg->tensors[yf];
    if (q_is_output(fg, yf) && !e->c->opt->int8_outputs)
        twin_name(e, yt->name, name, sizeof name);
    else
        snprintf(name, sizeof name, "%s", yt->name);
    int32_t y = add_act(e, yf, name, d);
    if (y < 0)
        return y;
    int k = dpu_graph_add_node(e->qg, n->name, n->op, nin, in, 1, &y);
    if (k < 0)
        return nomem(d);
    e->map[yf] = y;
    int err = op_attrs(e, k, n, act, d);
    return err ? err : q_check_ratios(e->qg, &e->qg->nodes[k], d);
}

int q_emit(struct qctx *c, struct dpu_graph *qg, struct dpu_diag *d)
{
    const struct dpu_graph *fg = &c->fg;
    struct emitter e = {c, qg, malloc((fg->ntensors ? fg->ntensors : 1) * sizeof *e.map)};
    if (!e.map)
        return nomem(d);
    for (size_t t = 0; t < fg->ntensors; t++)
        e.map[t] = -1;
    dpu_graph_init(qg);
    qg->quantized = true;
    qg->name = strdup(fg->name ? fg->name : "");
    int err = qg->name ? emit_inputs(&e, d) : nomem(d);
    for (size_t i = 0; i < fg->nnodes && !err; i++)
        if (!c->nodes[i].absorbed)
            err = emit_node(&e, i, d);
    if (!err)
        err = emit_outputs(&e, d);
    free(e.map);
    return err;
}
