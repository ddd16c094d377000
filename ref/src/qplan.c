/* qplan: every quantized node's integer parameters, derived from float scales once, here.
 * The reference kernels and the compiler share this file so that they agree bit for bit.
 * The float-to-integer rules themselves (dpu_quantize_multiplier and its capped and paired
 * variants) live in common/src/qparams.c; this file only decides which ratio each op needs. */
#include "dpu/qplan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/qparams.h"
#include "ref_internal.h"

/* Tensor index of input i, or -1 when the node has fewer inputs or it is absent. */
static int32_t input_of(const struct dpu_gnode *n, size_t i)
{
    return i < n->ninputs ? n->inputs[i] : -1;
}

static int32_t output_of(const struct dpu_gnode *n)
{
    return n->noutputs ? n->outputs[0] : -1;
}

static bool good_scale(float s)
{
    return isfinite(s) && s > 0;
}

int dpu_qplan_act(const struct dpu_graph *g, const struct dpu_gnode *n, int32_t t, const char *what,
                  struct dpu_qp_act *q, struct dpu_diag *d)
{
    if (t < 0 || (size_t)t >= g->ntensors)
        return ref_node_err(d, n, DPU_E_INVALID, "%s is missing", what);
    const struct dpu_gtensor *gt = &g->tensors[t];
    const struct dpu_quant *qu = &gt->quant;
    if (qu->count == 0 || !qu->scale || !qu->zero_point)
        return ref_node_err(d, n, DPU_E_INVALID, "%s '%s' has no quantization", what, gt->name);
    if (qu->count != 1)
        return ref_node_err(d, n, DPU_E_UNSUPPORTED,
                            "%s '%s' has %zu scales: activations are quantized per tensor", what,
                            gt->name, qu->count);
    if (!good_scale(qu->scale[0]))
        return ref_node_err(d, n, DPU_E_INVALID,
                            "%s '%s' has scale %g: it must be positive "
                            "and finite",
                            what, gt->name, (double)qu->scale[0]);
    if (!dpu_is_i8(qu->zero_point[0]))
        return ref_node_err(d, n, DPU_E_RANGE, "%s '%s' has zero point %d outside [-128, 127]",
                            what, gt->name, (int)qu->zero_point[0]);
    q->scale = qu->scale[0];
    q->zp = qu->zero_point[0];
    return DPU_OK;
}

int dpu_qplan_clamp(const struct dpu_gnode *n, int required, int32_t *lo, int32_t *hi,
                    struct dpu_diag *d)
{
    static const int64_t full[2] = {DPU_ACT_MIN, DPU_ACT_MAX};
    int64_t c[2];
    int err = ref_attr_ints(n, "clamp", 2, required ? NULL : full, c, d);
    if (err)
        return err;
    if (!dpu_is_i8(c[0]) || !dpu_is_i8(c[1]) || c[0] > c[1])
        return ref_node_err(d, n, DPU_E_RANGE,
                            "clamp [%lld, %lld] must satisfy -128 <= lo <= hi <= 127",
                            (long long)c[0], (long long)c[1]);
    *lo = (int32_t)c[0];
    *hi = (int32_t)c[1];
    return DPU_OK;
}

/* (M, s) for a ratio of scales, the message naming the node and what the ratio is. */
static int to_rq(const struct dpu_gnode *n, double r, const char *what, struct dpu_qp_rq *rq,
                 struct dpu_diag *d)
{
    struct dpu_diag inner;
    dpu_diag_clear(&inner);
    int err = dpu_quantize_multiplier(r, &rq->M, &rq->s, &inner);
    return err ? ref_node_wrap(d, n, err, what, &inner) : DPU_OK;
}

void dpu_qp_conv_free(struct dpu_qp_conv *p)
{
    free(p->ch);
    free(p->zw);
    p->ch = NULL;
    p->zw = NULL;
    p->nch = 0;
}

/* An int32 output of Conv2D, FullyConnected or MatMul is the raw accumulator (ONNX
 * ConvInteger, MatMulInteger): nothing acts on acc after the sum, so there is no scale to
 * read, no bias and no clamp. *raw says whether the output is int32; any means the caller
 * accepts that form. */
static int raw_output(const struct dpu_graph *g, const struct dpu_gnode *n, bool any, bool *raw,
                      struct dpu_diag *d)
{
    int32_t t = output_of(n);
    if (t < 0 || (size_t)t >= g->ntensors)
        return ref_node_err(d, n, DPU_E_INVALID, "output is missing");
    const struct dpu_gtensor *y = &g->tensors[t];
    *raw = y->dtype == DPU_DT_INT32;
    if (!*raw)
        return DPU_OK;
    if (!any)
        return ref_node_err(
            d, n, DPU_E_UNSUPPORTED,
            "output '%s' is int32 (the raw accumulator): there is no int8 output stage to "
            "plan",
            y->name);
    if (y->quant.count)
        return ref_node_err(d, n, DPU_E_INVALID,
                            "int32 output '%s' has quantization parameters; the raw accumulator "
                            "has none",
                            y->name);
    if (input_of(n, 2) >= 0)
        return ref_node_err(d, n, DPU_E_INVALID,
                            "has a bias and an int32 output; the raw accumulator takes no bias");
    if (dpu_node_attr(n, "clamp"))
        return ref_node_err(d, n, DPU_E_INVALID,
                            "has attribute 'clamp' and an int32 output; the raw accumulator is "
                            "never clamped");
    return DPU_OK;
}

/* Conv2D and FullyConnected: weights (input 1) have dims[0] = output channels and either one
 * scale and zero point (per tensor) or one per output channel on axis 0. The ratio of channel
 * m is s_x * s_w[m] / s_y; the bias (int32, scale s_x * s_w[m]) needs none. any: accept the
 * forms only the CPU runs (weight zero points other than 0, the raw int32 output). */
static int plan_conv(const struct dpu_graph *g, const struct dpu_gnode *n, bool any,
                     struct dpu_qp_conv *p, struct dpu_diag *d)
{
    struct dpu_qp_act x, y = {1.0f, 0};
    int err;

    memset(p, 0, sizeof *p);
    if ((err = dpu_qplan_act(g, n, input_of(n, 0), "input 0", &x, d)) ||
        (err = raw_output(g, n, any, &p->raw, d)))
        return err;
    if (!p->raw && ((err = dpu_qplan_act(g, n, output_of(n), "output", &y, d)) ||
                    (err = dpu_qplan_clamp(n, 0, &p->lo, &p->hi, d))))
        return err;
    int32_t wt = input_of(n, 1);
    if (wt < 0 || (size_t)wt >= g->ntensors)
        return ref_node_err(d, n, DPU_E_INVALID, "the weights (input 1) are missing");
    const struct dpu_gtensor *w = &g->tensors[wt];
    const struct dpu_quant *wq = &w->quant;
    if (w->rank < 1 || w->dims[0] < 1)
        return ref_node_err(d, n, DPU_E_INVALID, "weights '%s' have no output channels", w->name);
    size_t m = (size_t)w->dims[0];
    if (wq->count == 0 || !wq->scale || !wq->zero_point)
        return ref_node_err(d, n, DPU_E_INVALID, "weights '%s' have no quantization", w->name);
    if (wq->count != 1 && (wq->count != m || wq->axis != 0))
        return ref_node_err(d, n, DPU_E_MISMATCH,
                            "weights '%s' have %zu scales on axis %d: expected 1, or %zu on "
                            "axis 0 (one per output channel)",
                            w->name, wq->count, wq->axis, m);
    for (size_t i = 0; i < wq->count; i++) {
        if (!any && wq->zero_point[i] != 0)
            return ref_node_err(d, n, DPU_E_UNSUPPORTED,
                                "weights '%s' have zero point %d at channel %zu: weights are "
                                "symmetric (zero point 0)",
                                w->name, (int)wq->zero_point[i], i);
        if (!dpu_is_i8(wq->zero_point[i]))
            return ref_node_err(d, n, DPU_E_RANGE,
                                "weights '%s' have zero point %d at channel %zu, outside "
                                "[-128, 127]",
                                w->name, (int)wq->zero_point[i], i);
        if (!good_scale(wq->scale[i]))
            return ref_node_err(d, n, DPU_E_INVALID,
                                "weights '%s' have scale %g at channel %zu: it must be "
                                "positive and finite",
                                w->name, (double)wq->scale[i], i);
    }
    p->zw = calloc(m, sizeof *p->zw);
    p->ch = p->raw ? NULL : calloc(m, sizeof *p->ch);
    if (!p->zw || (!p->raw && !p->ch)) {
        dpu_qp_conv_free(p);
        return ref_node_err(d, n, DPU_E_NOMEM, "out of memory for %zu channels", m);
    }
    p->nch = m;
    p->zx = x.zp;
    p->zy = y.zp;
    for (size_t c = 0; c < m; c++) {
        size_t k = wq->count == 1 ? 0 : c;
        p->zw[c] = wq->zero_point[k];
        if (p->raw)
            continue;
        double r = (double)x.scale * (double)wq->scale[k] / (double)y.scale;
        if ((err = to_rq(n, r, "output channel multiplier s_x * s_w / s_y", &p->ch[c], d))) {
            dpu_qp_conv_free(p);
            return err;
        }
    }
    return DPU_OK;
}

int dpu_qplan_conv(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_qp_conv *p,
                   struct dpu_diag *d)
{
    return plan_conv(g, n, false, p, d);
}

int dpu_qplan_conv_any(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_qp_conv *p,
                       struct dpu_diag *d)
{
    return plan_conv(g, n, true, p, d);
}

static int plan_matmul(const struct dpu_graph *g, const struct dpu_gnode *n, bool any,
                       struct dpu_qp_matmul *p, struct dpu_diag *d)
{
    struct dpu_qp_act qa, qb, qy;
    int err;
    memset(p, 0, sizeof *p);
    if ((err = dpu_qplan_act(g, n, input_of(n, 0), "input 0", &qa, d)) ||
        (err = dpu_qplan_act(g, n, input_of(n, 1), "input 1", &qb, d)) ||
        (err = raw_output(g, n, any, &p->raw, d)))
        return err;
    p->za = qa.zp;
    p->zb = qb.zp;
    if (p->raw)
        return DPU_OK;
    if ((err = dpu_qplan_act(g, n, output_of(n), "output", &qy, d)) ||
        (err = dpu_qplan_clamp(n, 0, &p->lo, &p->hi, d)))
        return err;
    p->zy = qy.zp;
    double r = (double)qa.scale * (double)qb.scale / (double)qy.scale;
    return to_rq(n, r, "multiplier s_a * s_b / s_y", &p->rq, d);
}

int dpu_qplan_matmul(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_qp_matmul *p,
                     struct dpu_diag *d)
{
    return plan_matmul(g, n, false, p, d);
}

int dpu_qplan_matmul_any(const struct dpu_graph *g, const struct dpu_gnode *n,
                         struct dpu_qp_matmul *p, struct dpu_diag *d)
{
    return plan_matmul(g, n, true, p, d);
}

int dpu_qplan_add(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_qp_add *p,
                  struct dpu_diag *d)
{
    struct dpu_qp_act qa, qb, qy;
    int err;
    if ((err = dpu_qplan_act(g, n, input_of(n, 0), "input 0", &qa, d)) ||
        (err = dpu_qplan_act(g, n, input_of(n, 1), "input 1", &qb, d)) ||
        (err = dpu_qplan_act(g, n, output_of(n), "output", &qy, d)) ||
        (err = dpu_qplan_clamp(n, 0, &p->lo, &p->hi, d)))
        return err;
    p->za = qa.zp;
    p->zb = qb.zp;
    p->zy = qy.zp;
    double ra = (double)qa.scale / (double)qy.scale;
    double rb = (double)qb.scale / (double)qy.scale;
    struct dpu_diag inner;
    dpu_diag_clear(&inner);
    err = dpu_quantize_multiplier_pair(ra, rb, &p->Ma, &p->Mb, &p->s, &inner);
    return err ? ref_node_wrap(d, n, err, "multipliers s_a / s_y, s_b / s_y", &inner) : DPU_OK;
}

int dpu_qplan_mul(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_qp_mul *p,
                  struct dpu_diag *d)
{
    struct dpu_qp_act qa, qb, qy;
    int err;
    if ((err = dpu_qplan_act(g, n, input_of(n, 0), "input 0", &qa, d)) ||
        (err = dpu_qplan_act(g, n, input_of(n, 1), "input 1", &qb, d)) ||
        (err = dpu_qplan_act(g, n, output_of(n), "output", &qy, d)) ||
        (err = dpu_qplan_clamp(n, 0, &p->lo, &p->hi, d)))
        return err;
    p->za = qa.zp;
    p->zb = qb.zp;
    p->zy = qy.zp;
    double r = (double)qa.scale * (double)qb.scale / (double)qy.scale;
    return to_rq(n, r, "multiplier s_a * s_b / s_y", &p->rq, d);
}

/* Input `input` rescaled into the output's quantization: ratio s_x / s_y. */
static int rescale_of(const struct dpu_graph *g, const struct dpu_gnode *n, size_t input,
                      struct dpu_qp_rescale *p, struct dpu_diag *d)
{
    struct dpu_qp_act qx, qy;
    char what[32];
    int err;
    snprintf(what, sizeof what, "input %zu", input);
    if ((err = dpu_qplan_act(g, n, input_of(n, input), what, &qx, d)) ||
        (err = dpu_qplan_act(g, n, output_of(n), "output", &qy, d)))
        return err;
    p->zx = qx.zp;
    p->zy = qy.zp;
    p->lo = DPU_ACT_MIN;
    p->hi = DPU_ACT_MAX;
    double r = (double)qx.scale / (double)qy.scale;
    return to_rq(n, r, "rescale multiplier s_x / s_y", &p->rq, d);
}

int dpu_qplan_rescale(const struct dpu_graph *g, const struct dpu_gnode *n,
                      struct dpu_qp_rescale *p, struct dpu_diag *d)
{
    int err = rescale_of(g, n, 0, p, d);
    if (err)
        return err;
    switch (n->op) {
    case DPU_NODE_RELU:
    case DPU_NODE_RELU6:
    case DPU_NODE_CLIP:
        return dpu_qplan_clamp(n, 1, &p->lo, &p->hi, d);
    case DPU_NODE_MAX_POOL:
        return DPU_OK;
    default:
        return ref_node_err(d, n, DPU_E_INTERNAL, "dpu_qplan_rescale does not apply to this op");
    }
}

int dpu_qplan_concat_input(const struct dpu_graph *g, const struct dpu_gnode *n, size_t input,
                           struct dpu_qp_rescale *p, struct dpu_diag *d)
{
    return rescale_of(g, n, input, p, d);
}

int dpu_qplan_avgpool(const struct dpu_graph *g, const struct dpu_gnode *n,
                      struct dpu_qp_avgpool *p, struct dpu_diag *d)
{
    struct dpu_qp_act qx, qy;
    int err;
    if ((err = dpu_qplan_act(g, n, input_of(n, 0), "input 0", &qx, d)) ||
        (err = dpu_qplan_act(g, n, output_of(n), "output", &qy, d)))
        return err;
    p->zx = qx.zp;
    p->zy = qy.zp;
    /* The pooling divisor n * 2^s must stay within 2^47 (dpu_pool_div), hence s <= 31; a
     * smaller ratio keeps s = 31 and rounds M = llround(r * 2^31) once (see qparams.h). */
    double r = (double)qx.scale / (double)qy.scale;
    struct dpu_diag inner;
    dpu_diag_clear(&inner);
    err = dpu_quantize_multiplier_capped(r, DPU_POOL_MAX_SHIFT, &p->rq.M, &p->rq.s, &inner);
    return err ? ref_node_wrap(d, n, err, "pooling multiplier s_x / s_y", &inner) : DPU_OK;
}

int dpu_qplan_lut(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_qp_lut *p,
                  struct dpu_diag *d)
{
    int64_t v[DPU_LUT_ENTRIES];
    int err = ref_attr_ints(n, "lut", DPU_LUT_ENTRIES, NULL, v, d);
    if (err)
        return err;
    for (int i = 0; i < DPU_LUT_ENTRIES; i++) {
        if (!dpu_is_i8(v[i]))
            return ref_node_err(d, n, DPU_E_RANGE, "lut[%d] = %lld is outside [-128, 127]", i,
                                (long long)v[i]);
        p->lut[i] = (int8_t)v[i];
    }
    return DPU_OK;
}

int dpu_qplan_softmax(const struct dpu_graph *g, const struct dpu_gnode *n,
                      struct dpu_qp_softmax *p, struct dpu_diag *d)
{
    struct dpu_qp_act qx, qy;
    int64_t v[DPU_LUT_ENTRIES];
    int err;
    if ((err = dpu_qplan_act(g, n, input_of(n, 0), "input 0", &qx, d)) ||
        (err = dpu_qplan_act(g, n, output_of(n), "output", &qy, d)) ||
        (err = ref_attr_ints(n, "exp_table", DPU_LUT_ENTRIES, NULL, v, d)))
        return err;
    /* The kernel computes probabilities in units of 1/256 offset by -128; any other output
     * quantization would silently mean something else. */
    if (qy.scale != 1.0f / 256 || qy.zp != -128)
        return ref_node_err(d, n, DPU_E_UNSUPPORTED,
                            "output scale %g and zero point %d: an int8 Softmax output must "
                            "have scale 1/256 and zero point -128",
                            (double)qy.scale, (int)qy.zp);
    for (int i = 0; i < DPU_LUT_ENTRIES; i++) {
        if (v[i] < 0 || v[i] > DPU_SOFTMAX_TABLE_ONE)
            return ref_node_err(d, n, DPU_E_RANGE, "exp_table[%d] = %lld is outside [0, 2^23]", i,
                                (long long)v[i]);
        p->exp_table[i] = (int32_t)v[i];
    }
    if (p->exp_table[0] == 0)
        return ref_node_err(d, n, DPU_E_RANGE,
                            "exp_table[0] is 0: it must be exp(0) * 2^23 = 8388608");
    return DPU_OK;
}

int dpu_qplan_quantize(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_qp_act *out,
                       struct dpu_diag *d)
{
    return dpu_qplan_act(g, n, output_of(n), "output", out, d);
}

int dpu_qplan_dequantize(const struct dpu_graph *g, const struct dpu_gnode *n,
                         struct dpu_qp_act *in, struct dpu_diag *d)
{
    return dpu_qplan_act(g, n, input_of(n, 0), "input 0", in, d);
}

/* The int8 side of a boundary op, per tensor or per channel (see qplan.h). */
static int boundary_of(const struct dpu_graph *g, const struct dpu_gnode *n, int32_t t,
                       const char *what, struct dpu_qp_boundary *q, struct dpu_diag *d)
{
    if (t < 0 || (size_t)t >= g->ntensors)
        return ref_node_err(d, n, DPU_E_INVALID, "%s is missing", what);
    const struct dpu_gtensor *gt = &g->tensors[t];
    const struct dpu_quant *qu = &gt->quant;
    if (qu->count == 0 || !qu->scale || !qu->zero_point)
        return ref_node_err(d, n, DPU_E_INVALID, "%s '%s' has no quantization", what, gt->name);
    if (qu->axis == -1
            ? qu->count != 1
            : (qu->axis < 0 || qu->axis >= gt->rank || (int64_t)qu->count != gt->dims[qu->axis]))
        return ref_node_err(d, n, DPU_E_INVALID,
                            "%s '%s' has %zu scales on axis %d: expected 1 on axis -1, or one "
                            "per channel of the axis",
                            what, gt->name, qu->count, qu->axis);
    for (size_t c = 0; c < qu->count; c++) {
        if (!good_scale(qu->scale[c]))
            return ref_node_err(d, n, DPU_E_INVALID,
                                "%s '%s' has scale %g at channel %zu: it must be positive and "
                                "finite",
                                what, gt->name, (double)qu->scale[c], c);
        if (!dpu_is_i8(qu->zero_point[c]))
            return ref_node_err(d, n, DPU_E_RANGE,
                                "%s '%s' has zero point %d at channel %zu, outside [-128, 127]",
                                what, gt->name, (int)qu->zero_point[c], c);
    }
    q->axis = qu->axis;
    q->count = qu->count;
    q->scale = qu->scale;
    q->zp = qu->zero_point;
    return DPU_OK;
}

int dpu_qplan_quantize_axis(const struct dpu_graph *g, const struct dpu_gnode *n,
                            struct dpu_qp_boundary *out, struct dpu_diag *d)
{
    return boundary_of(g, n, output_of(n), "output", out, d);
}

int dpu_qplan_dequantize_axis(const struct dpu_graph *g, const struct dpu_gnode *n,
                              struct dpu_qp_boundary *in, struct dpu_diag *d)
{
    return boundary_of(g, n, input_of(n, 0), "input 0", in, d);
}

int dpu_qplan_move(const struct dpu_graph *g, const struct dpu_gnode *n, int8_t *pad_value,
                   struct dpu_diag *d)
{
    struct dpu_qp_act qx, qy;
    int err;
    if ((err = dpu_qplan_act(g, n, input_of(n, 0), "input 0", &qx, d)) ||
        (err = dpu_qplan_act(g, n, output_of(n), "output", &qy, d)))
        return err;
    if (qx.scale != qy.scale || qx.zp != qy.zp)
        return ref_node_err(d, n, DPU_E_MISMATCH,
                            "input (scale %g, zero point %d) and output (scale %g, zero point "
                            "%d) differ: this op moves bytes and cannot rescale",
                            (double)qx.scale, (int)qx.zp, (double)qy.scale, (int)qy.zp);
    if (pad_value) {
        int64_t v;
        const struct dpu_attr *at = dpu_node_attr(n, "qvalue");
        if (!at)
            return ref_node_err(d, n, DPU_E_INVALID, "required attribute 'qvalue' is missing");
        if ((err = ref_attr_int(n, "qvalue", 0, &v, d)))
            return err;
        if (!dpu_is_i8(v))
            return ref_node_err(d, n, DPU_E_RANGE, "qvalue %lld is outside [-128, 127]",
                                (long long)v);
        *pad_value = (int8_t)v;
    }
    return DPU_OK;
}
