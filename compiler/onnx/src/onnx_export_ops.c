/* One emitter per IR op of a quantized graph: the float ONNX op between DequantizeLinear
 * views of its int8 inputs and a QuantizeLinear into its int8 output (docs/export.md has
 * the table). The IR node's name goes to the ONNX op, so that `dpuc import` names the node
 * the same way; the lookup tables and exp tables are not written: the importer derives
 * them from the op and the scales, as the quantizer did. */
#include <string.h>

#include "dpu/qparams.h"
#include "onnx_export_ctx.h"

struct xp_rule {
    enum dpu_node_op op;
    const char *onnx;   /* the ONNX op type */
    const char *domain; /* NULL: the default domain */
    const char *attrs[6];
};

/* Ops whose ONNX form is the op on the views with the IR attributes copied (ONNX names). */
static const struct xp_rule rules[] = {
    {DPU_NODE_CONV2D, "Conv", NULL, {"kernel_shape", "strides", "dilations", "pads", "group"}},
    {DPU_NODE_MATMUL, "MatMul", NULL, {NULL}},
    {DPU_NODE_ADD, "Add", NULL, {NULL}},
    {DPU_NODE_MUL, "Mul", NULL, {NULL}},
    {DPU_NODE_CONCAT, "Concat", NULL, {"axis"}},
    {DPU_NODE_MAX_POOL,
     "MaxPool",
     NULL,
     {"kernel_shape", "strides", "dilations", "pads", "ceil_mode"}},
    {DPU_NODE_AVG_POOL,
     "AveragePool",
     NULL,
     {"kernel_shape", "strides", "pads", "ceil_mode", "count_include_pad"}},
    {DPU_NODE_GLOBAL_AVG_POOL, "GlobalAveragePool", NULL, {NULL}},
    {DPU_NODE_SIGMOID, "Sigmoid", NULL, {NULL}},
    {DPU_NODE_TANH, "Tanh", NULL, {NULL}},
    {DPU_NODE_LEAKY_RELU, "LeakyRelu", NULL, {"alpha"}},
    {DPU_NODE_HARD_SIGMOID, "HardSigmoid", NULL, {"alpha", "beta"}},
    {DPU_NODE_HARD_SWISH, "HardSwish", NULL, {NULL}},
    {DPU_NODE_GELU, "Gelu", "com.microsoft", {NULL}},
    {DPU_NODE_SOFTMAX, "Softmax", NULL, {"axis"}},
    {DPU_NODE_FLATTEN, "Flatten", NULL, {"axis"}},
    {DPU_NODE_TRANSPOSE, "Transpose", NULL, {"perm"}},
};

static int copy_attrs(struct xp *x, Onnx__NodeProto *n, const struct dpu_gnode *gn,
                      const char *const *names)
{
    for (int i = 0; i < 6 && names[i]; i++) {
        const struct dpu_attr *a = dpu_node_attr(gn, names[i]);
        if (!a)
            continue;
        int err =
            a->type == DPU_ATTR_INTS  ? xp_attr_ints(x, n, a->name, a->n, a->ints)
            : a->type == DPU_ATTR_INT ? xp_attr_int(x, n, a->name, a->i)
            : a->type == DPU_ATTR_FLOAT
                ? xp_attr_float(x, n, a->name, (float)a->f)
                : xp_fail(x, gn, DPU_E_INTERNAL, "attribute '%s' of an unexpected type", a->name);
        if (err)
            return err;
    }
    return DPU_OK;
}

/* The float result of gn's ONNX op, then its clamp, then the QuantizeLinear into its
 * output: returns the name the op must write. */
static int finish(struct xp *x, const struct dpu_gnode *gn, const char *result)
{
    int t = gn->outputs[0];
    const char *q = xp_clamp(x, gn, result, t, NULL, true);
    return q ? xp_quantize_into(x, q, t, NULL) : x->d->err;
}

static int check_output(struct xp *x, const struct dpu_gnode *gn)
{
    const struct dpu_gtensor *t = &x->g->tensors[gn->outputs[0]];
    if (t->dtype == DPU_DT_INT32)
        return xp_fail(x, gn, DPU_E_UNSUPPORTED,
                       "a raw int32 accumulator output (from ONNX ConvInteger or "
                       "MatMulInteger) has no QDQ form");
    if (t->dtype != DPU_DT_INT8 || t->quant.count != 1)
        return xp_fail(x, gn, DPU_E_UNSUPPORTED,
                       "output '%s' is not an int8 tensor quantized per tensor", t->name);
    return DPU_OK;
}

/* The bias of Conv2D / FullyConnected as int32 behind a DequantizeLinear at scale
 * s_x * s_w[c] per output channel (computed in double, rounded once to float32, as the
 * importer expects it): the scale the arithmetic contract gives the bias whatever the
 * tensor's own annotation says. */
static const char *bias_view(struct xp *x, const struct dpu_gnode *gn)
{
    const struct dpu_graph *g = x->g;
    const struct dpu_gtensor *xt = &g->tensors[gn->inputs[0]], *wt = &g->tensors[gn->inputs[1]];
    const struct dpu_gtensor *bt = &g->tensors[gn->inputs[2]];
    int64_t m = bt->dims[0];
    float *scale = xp_alloc(x, (size_t)m * sizeof *scale);
    int32_t *zero = xp_alloc(x, (size_t)m * sizeof *zero);
    if (!scale || !zero)
        return NULL;
    for (int64_t c = 0; c < m; c++)
        scale[c] = (float)((double)xt->quant.scale[0] *
                           (double)wt->quant.scale[wt->quant.count > 1 ? c : 0]);
    const char *sn = xp_unique(x, bt->name, ":scale"), *zn = xp_unique(x, bt->name, ":zero_point");
    const char *view = xp_unique(x, bt->name, ":dq");
    if (!sn || !zn || !view ||
        xp_init(x, bt->name, XP_INT32, 1, &m, bt->data, (size_t)m * sizeof(int32_t)) ||
        xp_init(x, sn, XP_FLOAT, 1, &m, scale, (size_t)m * sizeof *scale) ||
        xp_init(x, zn, XP_INT32, 1, &m, zero, (size_t)m * sizeof *zero))
        return NULL;
    const char *ins[3] = {bt->name, sn, zn};
    Onnx__NodeProto *n = xp_node(x, "DequantizeLinear", NULL, NULL, 3, ins, view);
    return n && !xp_attr_int(x, n, "axis", 0) ? view : NULL;
}

/* Views of gn's inputs (the bias of Conv2D/FullyConnected through bias_view). */
static int views(struct xp *x, const struct dpu_gnode *gn, const char **ins)
{
    for (size_t i = 0; i < gn->ninputs; i++) {
        bool bias = i == 2 && (gn->op == DPU_NODE_CONV2D || gn->op == DPU_NODE_FULLY_CONNECTED);
        if (gn->inputs[i] < 0)
            return xp_fail(x, gn, DPU_E_INTERNAL, "absent input %zu", i);
        if (bias && x->g->tensors[gn->inputs[i]].dtype != DPU_DT_INT32)
            return xp_fail(x, gn, DPU_E_UNSUPPORTED, "the bias is not int32");
        if (!(ins[i] = bias ? bias_view(x, gn) : xp_view(x, gn->inputs[i])))
            return x->d->err;
    }
    return DPU_OK;
}

static int emit_rule(struct xp *x, const struct dpu_gnode *gn, const struct xp_rule *r)
{
    const char *ins[64];
    const char *res = xp_float_result(x, gn->outputs[0]);
    int err = views(x, gn, ins);
    if (err || !res)
        return err ? err : x->d->err;
    Onnx__NodeProto *n = xp_node(x, r->onnx, r->domain, gn->name, gn->ninputs, ins, res);
    if (!n || (err = copy_attrs(x, n, gn, r->attrs)))
        return n ? err : x->d->err;
    if (r->op == DPU_NODE_HARD_SWISH && x->opset < 14)
        x->opset = 14; /* HardSwish is new in opset 14 */
    if (r->domain)
        x->ms_domain = true;
    return finish(x, gn, res);
}

static int emit_fc(struct xp *x, const struct dpu_gnode *gn)
{
    const char *ins[3];
    const char *res = xp_float_result(x, gn->outputs[0]);
    int err = views(x, gn, ins);
    if (err || !res)
        return err ? err : x->d->err;
    /* Gemm with B = the weights [M, K] transposed: the importer's FullyConnected form. */
    Onnx__NodeProto *n = xp_node(x, "Gemm", NULL, gn->name, gn->ninputs, ins, res);
    if (!n || (err = xp_attr_int(x, n, "transB", 1)))
        return n ? err : x->d->err;
    return finish(x, gn, res);
}

/* Relu, Relu6 and Clip: the clamp alone, on the input's view, under the node's name, as the
 * ONNX op the importer maps back to the same IR op: Relu for [z, 127], Clip(0, 6) for a
 * Relu6 clamped at [z, Q(6)], otherwise Clip at the clamp's real bounds. */
static int emit_clamp_op(struct xp *x, const struct dpu_gnode *gn)
{
    int t = gn->outputs[0];
    const struct dpu_gtensor *yt = &x->g->tensors[t];
    const struct dpu_attr *c = dpu_node_attr(gn, "clamp");
    const char *in = xp_view(x, gn->inputs[0]), *q = NULL;
    if (!in || !c || c->n != 2)
        return in ? xp_fail(x, gn, DPU_E_INTERNAL, "no clamp") : x->d->err;
    float s = yt->quant.scale[0];
    int32_t z = yt->quant.zero_point[0];
    if (gn->op == DPU_NODE_RELU6 && c->ints[0] == z &&
        c->ints[1] == dpu_quantize_f32(6.0f, s, z, -128, 127)) {
        const char *ins[3] = {in, xp_const_float(x, yt->name, ":clip_min", 0.0f),
                              xp_const_float(x, yt->name, ":clip_max", 6.0f)};
        q = xp_unique(x, yt->name, ":relu6");
        if (!ins[1] || !ins[2] || !q || !xp_node(x, "Clip", NULL, gn->name, 3, ins, q))
            return x->d->err;
    } else {
        q = xp_clamp(x, gn, in, t, gn->name, gn->op == DPU_NODE_RELU);
    }
    return q ? xp_quantize_into(x, q, t, NULL) : x->d->err;
}

static int emit_reshape(struct xp *x, const struct dpu_gnode *gn)
{
    const struct dpu_gtensor *yt = &x->g->tensors[gn->outputs[0]];
    const struct dpu_attr *a = dpu_node_attr(gn, "shape");
    const char *ins[2] = {xp_view(x, gn->inputs[0]), NULL};
    ins[1] =
        xp_const_int64s(x, yt->name, ":shape", a ? a->n : (size_t)yt->rank, a ? a->ints : yt->dims);
    const char *res = xp_float_result(x, gn->outputs[0]);
    if (!ins[0] || !ins[1] || !res || !xp_node(x, "Reshape", NULL, gn->name, 2, ins, res))
        return x->d->err;
    return finish(x, gn, res);
}

static int emit_pad(struct xp *x, const struct dpu_gnode *gn)
{
    const struct dpu_gtensor *xt = &x->g->tensors[gn->inputs[0]];
    const struct dpu_attr *pads = dpu_node_attr(gn, "pads");
    int64_t qv = dpu_node_get_int(gn, "qvalue", xt->quant.zero_point[0]);
    float s = xt->quant.scale[0];
    int32_t z = xt->quant.zero_point[0];
    /* The fill value's real value; the importer quantizes it back to exactly qvalue. */
    float value = (float)((double)s * (double)(qv - z));
    if (dpu_quantize_f32(value, s, z, -128, 127) != qv)
        return xp_fail(x, gn, DPU_E_INTERNAL, "fill value %lld does not survive float32",
                       (long long)qv);
    const char *ins[3] = {xp_view(x, gn->inputs[0]), NULL, NULL};
    const char *res = xp_float_result(x, gn->outputs[0]);
    if (!ins[0] || !res || !pads)
        return pads ? x->d->err : xp_fail(x, gn, DPU_E_INTERNAL, "no pads");
    ins[1] = xp_const_int64s(x, res, ":pads", pads->n, pads->ints);
    ins[2] = xp_const_float(x, res, ":value", value);
    if (!ins[1] || !ins[2] || !xp_node(x, "Pad", NULL, gn->name, 3, ins, res))
        return x->d->err;
    return finish(x, gn, res);
}

static int emit_resize(struct xp *x, const struct dpu_gnode *gn)
{
    const struct dpu_attr *a = dpu_node_attr(gn, "scales");
    if (!a)
        return xp_fail(x, gn, DPU_E_INTERNAL, "no scales");
    float f[DPU_TENSOR_MAX_RANK];
    for (size_t i = 0; i < a->n && i < DPU_TENSOR_MAX_RANK; i++)
        f[i] = (float)a->ints[i];
    const char *res = xp_float_result(x, gn->outputs[0]);
    const char *ins[3] = {xp_view(x, gn->inputs[0]), "", NULL};
    if (!ins[0] || !res || !(ins[2] = xp_const_floats(x, res, ":scales", a->n, f)))
        return x->d->err;
    /* Nearest with asymmetric coordinates and floor: output i reads input floor(i / f). */
    Onnx__NodeProto *n = xp_node(x, "Resize", NULL, gn->name, 3, ins, res);
    int err;
    if (!n || (err = xp_attr_string(x, n, "mode", "nearest")) ||
        (err = xp_attr_string(x, n, "coordinate_transformation_mode", "asymmetric")) ||
        (err = xp_attr_string(x, n, "nearest_mode", "floor")))
        return n ? err : x->d->err;
    return finish(x, gn, res);
}

static int emit_quantize(struct xp *x, const struct dpu_gnode *gn)
{
    const struct dpu_gtensor *in = &x->g->tensors[gn->inputs[0]];
    if (in->data)
        return xp_fail(x, gn, DPU_E_UNSUPPORTED, "a Quantize of a constant");
    return xp_quantize_into(x, in->name, gn->outputs[0], gn->name);
}

static int emit_dequantize(struct xp *x, const struct dpu_gnode *gn)
{
    int t = gn->inputs[0];
    if (x->g->tensors[t].data)
        return xp_fail(x, gn, DPU_E_UNSUPPORTED, "a Dequantize of a constant");
    /* Its own DequantizeLinear (not the shared view): the node and its output keep their
     * names, as the importer gives them to a DequantizeLinear that makes a graph output. */
    const char *view = x->view[t];
    x->view[t] = NULL;
    const char *tmp = xp_view(x, t);
    x->view[t] = view;
    if (!tmp)
        return x->d->err;
    /* xp_view appended the node last: rename its output and the node. */
    Onnx__NodeProto *n = x->nodes.items[x->nodes.n - 1];
    n->output[0] = xp_strdup(x, x->g->tensors[gn->outputs[0]].name);
    n->name = xp_strdup(x, gn->name);
    return n->output[0] && n->name ? DPU_OK : x->d->err;
}

int xp_emit_node(struct xp *x, const struct dpu_gnode *gn)
{
    int err;
    if (gn->op == DPU_NODE_QUANTIZE)
        return emit_quantize(x, gn);
    if (gn->op == DPU_NODE_DEQUANTIZE)
        return emit_dequantize(x, gn);
    if ((err = check_output(x, gn)))
        return err;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (rules[i].op == gn->op)
            return emit_rule(x, gn, &rules[i]);
    switch (gn->op) {
    case DPU_NODE_FULLY_CONNECTED:
        return emit_fc(x, gn);
    case DPU_NODE_RELU:
    case DPU_NODE_RELU6:
    case DPU_NODE_CLIP:
        return emit_clamp_op(x, gn);
    case DPU_NODE_RESHAPE:
        return emit_reshape(x, gn);
    case DPU_NODE_PAD:
        return emit_pad(x, gn);
    case DPU_NODE_RESIZE:
        return emit_resize(x, gn);
    default:
        return xp_fail(x, gn, DPU_E_UNSUPPORTED, "no QDQ ONNX form for this op");
    }
}
