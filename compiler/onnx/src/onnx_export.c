/* ONNX export driver and building blocks: a quantized graph -> QDQ ModelProto bytes.
 *
 * Names: every IR tensor keeps its name (int8 activations are QuantizeLinear outputs,
 * weights and biases initializers), every IR node its name, so that `dpuc import` of the
 * result gives back the same model.q8. What the QDQ form adds (float intermediates,
 * DequantizeLinear views, scale and zero-point initializers, Q/DQ nodes) gets a generated
 * name that collides with nothing of the graph. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/onnx_export.h"
#include "dpu/qparams.h"
#include "onnx_export_ctx.h"

#define XP_IR_VERSION 7 /* the IR version of opset 13 and 14 */

static int push(struct xp *x, struct xp_list *l, void *item)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        void **items = realloc(l->items, cap * sizeof *items);
        if (!items)
            return dpu_diag_set(x->d, DPU_E_NOMEM, "out of memory");
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = item;
    return DPU_OK;
}

void *xp_alloc(struct xp *x, size_t size)
{
    void *p = calloc(1, size ? size : 1);
    if (!p || push(x, &x->mem, p)) {
        free(p);
        dpu_diag_set(x->d, DPU_E_NOMEM, "out of memory");
        return NULL;
    }
    return p;
}

char *xp_strdup(struct xp *x, const char *s)
{
    size_t len = strlen(s) + 1;
    char *c = xp_alloc(x, len);
    if (c)
        memcpy(c, s, len);
    return c;
}

int xp_fail(struct xp *x, const struct dpu_gnode *gn, int err, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return dpu_diag_set(x->d, err, "node '%s' (%s): %s", gn->name, dpu_node_op_name(gn->op), msg);
}

/* --- the name set ------------------------------------------------------------------------ */

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static bool name_used(const struct xp *x, const char *s)
{
    for (size_t i = hash(s) & (x->names_cap - 1); x->names[i]; i = (i + 1) & (x->names_cap - 1))
        if (strcmp(x->names[i], s) == 0)
            return true;
    return false;
}

/* Adds s (kept by pointer: it must outlive the export) unless present. */
static int name_add(struct xp *x, const char *s)
{
    if (2 * (x->nnames + 1) > x->names_cap) {
        size_t cap = x->names_cap ? 2 * x->names_cap : 256;
        const char **t = calloc(cap, sizeof *t);
        if (!t)
            return dpu_diag_set(x->d, DPU_E_NOMEM, "out of memory");
        for (size_t i = 0; i < x->names_cap; i++) {
            if (!x->names[i])
                continue;
            size_t j = hash(x->names[i]) & (cap - 1);
            while (t[j])
                j = (j + 1) & (cap - 1);
            t[j] = x->names[i];
        }
        free(x->names);
        x->names = t;
        x->names_cap = cap;
    }
    size_t i = hash(s) & (x->names_cap - 1);
    for (; x->names[i]; i = (i + 1) & (x->names_cap - 1))
        if (strcmp(x->names[i], s) == 0)
            return DPU_OK;
    x->names[i] = s;
    x->nnames++;
    return DPU_OK;
}

const char *xp_unique(struct xp *x, const char *base, const char *suffix)
{
    size_t len = strlen(base) + strlen(suffix) + 24;
    char *name = xp_alloc(x, len);
    if (!name)
        return NULL;
    snprintf(name, len, "%s%s", base, suffix);
    for (unsigned k = 2; name_used(x, name); k++)
        snprintf(name, len, "%s%s_%u", base, suffix, k);
    return name_add(x, name) ? NULL : name;
}

/* --- nodes and attributes ---------------------------------------------------------------- */

Onnx__NodeProto *xp_node(struct xp *x, const char *op, const char *domain, const char *name,
                         size_t nin, const char *const *ins, const char *out)
{
    Onnx__NodeProto *n = xp_alloc(x, sizeof *n);
    char **in = xp_alloc(x, (nin ? nin : 1) * sizeof *in);
    char **outs = xp_alloc(x, sizeof *outs);
    if (!n || !in || !outs)
        return NULL;
    onnx__node_proto__init(n);
    for (size_t i = 0; i < nin; i++)
        if (!(in[i] = xp_strdup(x, ins[i])))
            return NULL;
    if (!(outs[0] = xp_strdup(x, out)) || !(n->op_type = xp_strdup(x, op)))
        return NULL;
    if (!name)
        name = xp_unique(x, out, op[0] == 'Q' ? ":quantize" : op[0] == 'D' ? ":dequantize" : ":op");
    if (!name || !(n->name = xp_strdup(x, name)))
        return NULL;
    if (domain && !(n->domain = xp_strdup(x, domain)))
        return NULL;
    n->n_input = nin;
    n->input = in;
    n->n_output = 1;
    n->output = outs;
    return push(x, &x->nodes, n) ? NULL : n;
}

static Onnx__AttributeProto *new_attr(struct xp *x, Onnx__NodeProto *n, const char *name,
                                      Onnx__AttributeProto__AttributeType type)
{
    Onnx__AttributeProto *a = xp_alloc(x, sizeof *a);
    Onnx__AttributeProto **list = xp_alloc(x, (n->n_attribute + 1) * sizeof *list);
    if (!a || !list)
        return NULL;
    onnx__attribute_proto__init(a);
    if (!(a->name = xp_strdup(x, name)))
        return NULL;
    a->has_type = 1;
    a->type = type;
    if (n->n_attribute)
        memcpy(list, n->attribute, n->n_attribute * sizeof *list);
    list[n->n_attribute++] = a;
    n->attribute = list; /* the old list stays in the arena */
    return a;
}

int xp_attr_int(struct xp *x, Onnx__NodeProto *n, const char *name, int64_t v)
{
    Onnx__AttributeProto *a = new_attr(x, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    if (!a)
        return x->d->err;
    a->has_i = 1;
    a->i = v;
    return DPU_OK;
}

int xp_attr_float(struct xp *x, Onnx__NodeProto *n, const char *name, float v)
{
    Onnx__AttributeProto *a = new_attr(x, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    if (!a)
        return x->d->err;
    a->has_f = 1;
    a->f = v;
    return DPU_OK;
}

int xp_attr_ints(struct xp *x, Onnx__NodeProto *n, const char *name, size_t count, const int64_t *v)
{
    Onnx__AttributeProto *a = new_attr(x, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    int64_t *ints = xp_alloc(x, (count ? count : 1) * sizeof *ints);
    if (!a || !ints)
        return x->d->err;
    if (count)
        memcpy(ints, v, count * sizeof *ints);
    a->n_ints = count;
    a->ints = ints;
    return DPU_OK;
}

int xp_attr_string(struct xp *x, Onnx__NodeProto *n, const char *name, const char *v)
{
    Onnx__AttributeProto *a = new_attr(x, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
    char *s = xp_strdup(x, v);
    if (!a || !s)
        return x->d->err;
    a->has_s = 1;
    a->s.data = (uint8_t *)s;
    a->s.len = strlen(s);
    return DPU_OK;
}

int xp_copy_ints(struct xp *x, Onnx__NodeProto *n, const struct dpu_gnode *gn, const char *name)
{
    const struct dpu_attr *a = dpu_node_attr(gn, name);
    if (!a)
        return DPU_OK;
    return xp_attr_ints(x, n, name, a->n, a->ints);
}

int xp_copy_int(struct xp *x, Onnx__NodeProto *n, const struct dpu_gnode *gn, const char *name)
{
    const struct dpu_attr *a = dpu_node_attr(gn, name);
    return a ? xp_attr_int(x, n, name, a->i) : DPU_OK;
}

/* --- initializers ------------------------------------------------------------------------ */

int xp_init(struct xp *x, const char *name, int dtype, int rank, const int64_t *dims,
            const void *data, size_t bytes)
{
    Onnx__TensorProto *t = xp_alloc(x, sizeof *t);
    int64_t *d = xp_alloc(x, (rank ? (size_t)rank : 1) * sizeof *d);
    uint8_t *raw = xp_alloc(x, bytes);
    if (!t || !d || !raw)
        return x->d->err;
    onnx__tensor_proto__init(t);
    if (rank)
        memcpy(d, dims, (size_t)rank * sizeof *d);
    if (bytes)
        memcpy(raw, data, bytes); /* model.q8 and ONNX raw_data are both little-endian */
    t->n_dims = (size_t)rank;
    t->dims = d;
    t->has_data_type = 1;
    t->data_type = dtype;
    if (!(t->name = xp_strdup(x, name)))
        return x->d->err;
    t->has_raw_data = 1;
    t->raw_data.data = raw;
    t->raw_data.len = bytes;
    return push(x, &x->inits, t);
}

const char *xp_const_float(struct xp *x, const char *base, const char *suffix, float v)
{
    const char *name = xp_unique(x, base, suffix);
    return name && !xp_init(x, name, XP_FLOAT, 0, NULL, &v, sizeof v) ? name : NULL;
}

const char *xp_const_floats(struct xp *x, const char *base, const char *suffix, size_t n,
                            const float *v)
{
    int64_t dim = (int64_t)n;
    const char *name = xp_unique(x, base, suffix);
    return name && !xp_init(x, name, XP_FLOAT, 1, &dim, v, n * sizeof *v) ? name : NULL;
}

const char *xp_const_int64s(struct xp *x, const char *base, const char *suffix, size_t n,
                            const int64_t *v)
{
    int64_t dim = (int64_t)n;
    const char *name = xp_unique(x, base, suffix);
    return name && !xp_init(x, name, XP_INT64, 1, &dim, v, n * sizeof *v) ? name : NULL;
}

static int onnx_dtype(enum dpu_dtype dt)
{
    switch (dt) {
    case DPU_DT_INT8:
        return XP_INT8;
    case DPU_DT_UINT8:
        return XP_UINT8;
    case DPU_DT_INT32:
        return XP_INT32;
    default:
        return XP_FLOAT;
    }
}

/* --- Q/DQ -------------------------------------------------------------------------------- */

/* The scale and zero-point initializers of IR tensor t: scalars for per-tensor
 * quantization, vectors along the axis otherwise; the zero point has t's own type (int32
 * for biases, as DequantizeLinear requires). */
static int qparams(struct xp *x, int t)
{
    if (x->scale[t])
        return DPU_OK;
    const struct dpu_gtensor *gt = &x->g->tensors[t];
    const struct dpu_quant *q = &gt->quant;
    int64_t n = (int64_t)q->count;
    int rank = q->count > 1 || q->axis >= 0 ? 1 : 0;
    bool wide = gt->dtype == DPU_DT_INT32;
    size_t zsize = wide ? 4 : 1;
    uint8_t *zp = xp_alloc(x, q->count * zsize);
    const char *sn = xp_unique(x, gt->name, ":scale");
    const char *zn = xp_unique(x, gt->name, ":zero_point");
    if (!zp || !sn || !zn)
        return x->d->err;
    for (size_t i = 0; i < q->count; i++) {
        int32_t z = q->zero_point ? q->zero_point[i] : 0;
        if (wide)
            memcpy(zp + 4 * i, &z, 4);
        else
            zp[i] = (uint8_t)(int8_t)z;
    }
    int err = xp_init(x, sn, XP_FLOAT, rank, &n, q->scale, q->count * sizeof(float));
    if (err || (err = xp_init(x, zn, onnx_dtype(gt->dtype), rank, &n, zp, q->count * zsize)))
        return err;
    x->scale[t] = sn;
    x->zp[t] = zn;
    return DPU_OK;
}

static int quant_axis_attr(struct xp *x, Onnx__NodeProto *n, int t)
{
    const struct dpu_quant *q = &x->g->tensors[t].quant;
    if (q->count > 1 || q->axis >= 0)
        return xp_attr_int(x, n, "axis", q->axis);
    return DPU_OK;
}

/* Constants enter the model here, at their first use. */
static int constant(struct xp *x, int t)
{
    const struct dpu_gtensor *gt = &x->g->tensors[t];
    int64_t count = dpu_shape_count(gt->rank, gt->dims);
    return xp_init(x, gt->name, onnx_dtype(gt->dtype), gt->rank, gt->dims, gt->data,
                   (size_t)count * dpu_dtype_size(gt->dtype));
}

const char *xp_view(struct xp *x, int t)
{
    if (x->view[t])
        return x->view[t];
    const struct dpu_gtensor *gt = &x->g->tensors[t];
    if (gt->dtype == DPU_DT_FLOAT32 || !gt->quant.count) {
        dpu_diag_set(x->d, DPU_E_UNSUPPORTED,
                     "tensor '%s': a %s tensor without quantization cannot be read through a "
                     "DequantizeLinear",
                     gt->name, dpu_dtype_name(gt->dtype));
        return NULL;
    }
    if ((gt->data && constant(x, t)) || qparams(x, t))
        return NULL;
    const char *name = xp_unique(x, gt->name, ":dq");
    const char *ins[3] = {gt->name, x->scale[t], x->zp[t]};
    Onnx__NodeProto *n = name ? xp_node(x, "DequantizeLinear", NULL, NULL, 3, ins, name) : NULL;
    if (!n || quant_axis_attr(x, n, t))
        return NULL;
    x->view[t] = name;
    return name;
}

const char *xp_float_result(struct xp *x, int t)
{
    return xp_unique(x, x->g->tensors[t].name, ":f");
}

int xp_quantize_into(struct xp *x, const char *from, int t, const char *node_name)
{
    int err = qparams(x, t);
    if (err)
        return err;
    const char *ins[3] = {from, x->scale[t], x->zp[t]};
    Onnx__NodeProto *n =
        xp_node(x, "QuantizeLinear", NULL, node_name, 3, ins, x->g->tensors[t].name);
    return !n ? x->d->err : quant_axis_attr(x, n, t);
}

const char *xp_clamp(struct xp *x, const struct dpu_gnode *gn, const char *from, int t,
                     const char *node_name, bool relu_ok)
{
    const struct dpu_attr *c = dpu_node_attr(gn, "clamp");
    if (!c)
        return from;
    const struct dpu_gtensor *gt = &x->g->tensors[t];
    float s = gt->quant.scale[0];
    int32_t z = gt->quant.zero_point[0];
    int64_t lo = c->ints[0], hi = c->ints[1];
    bool relu = relu_ok && lo == z && hi == 127;
    const char *out = xp_unique(x, gt->name, relu ? ":relu" : ":clip");
    if (!out)
        return NULL;
    /* Relu is the clamp [z, 127]; with z = -128 onnxruntime drops it (the QuantizeLinear
     * saturates there anyway). */
    if (relu)
        return xp_node(x, "Relu", NULL, node_name, 1, &from, out) ? out : NULL;
    /* Clip at the real values of the bounds, s (q - z) in float32, which QuantizeLinear
     * maps back to exactly q (|q - z| <= 255 is far from float32's rounding); a clamp that
     * covers the whole int8 range is a Clip onnxruntime removes before its Q. */
    float bound[2] = {(float)((double)s * (double)(lo - z)), (float)((double)s * (double)(hi - z))};
    for (int i = 0; i < 2; i++)
        if (dpu_quantize_f32(bound[i], s, z, -128, 127) != (i ? hi : lo)) {
            xp_fail(x, gn, DPU_E_INTERNAL, "clamp bound %lld does not survive float32",
                    (long long)(i ? hi : lo));
            return NULL;
        }
    const char *ins[3] = {from, xp_const_float(x, gt->name, ":clip_min", bound[0]),
                          xp_const_float(x, gt->name, ":clip_max", bound[1])};
    if (!ins[1] || !ins[2])
        return NULL;
    return xp_node(x, "Clip", NULL, node_name, 3, ins, out) ? out : NULL;
}

/* --- graph inputs and outputs ------------------------------------------------------------ */

static Onnx__ValueInfoProto *value_info(struct xp *x, int t)
{
    const struct dpu_gtensor *gt = &x->g->tensors[t];
    Onnx__ValueInfoProto *vi = xp_alloc(x, sizeof *vi);
    Onnx__TypeProto *tp = xp_alloc(x, sizeof *tp);
    Onnx__TypeProto__Tensor *tt = xp_alloc(x, sizeof *tt);
    Onnx__TensorShapeProto *sh = xp_alloc(x, sizeof *sh);
    Onnx__TensorShapeProto__Dimension **dims =
        xp_alloc(x, (gt->rank ? (size_t)gt->rank : 1) * sizeof *dims);
    if (!vi || !tp || !tt || !sh || !dims)
        return NULL;
    onnx__value_info_proto__init(vi);
    onnx__type_proto__init(tp);
    onnx__type_proto__tensor__init(tt);
    onnx__tensor_shape_proto__init(sh);
    for (int i = 0; i < gt->rank; i++) {
        if (!(dims[i] = xp_alloc(x, sizeof *dims[i])))
            return NULL;
        onnx__tensor_shape_proto__dimension__init(dims[i]);
        dims[i]->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
        dims[i]->dim_value = gt->dims[i];
    }
    sh->n_dim = (size_t)gt->rank;
    sh->dim = dims;
    tt->has_elem_type = 1;
    tt->elem_type = onnx_dtype(gt->dtype);
    tt->shape = sh;
    tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    tp->tensor_type = tt;
    vi->type = tp;
    vi->name = xp_strdup(x, gt->name);
    return vi->name ? vi : NULL;
}

static Onnx__ValueInfoProto **value_infos(struct xp *x, size_t n, const int32_t *ts)
{
    Onnx__ValueInfoProto **list = xp_alloc(x, (n ? n : 1) * sizeof *list);
    for (size_t i = 0; list && i < n; i++)
        if (!(list[i] = value_info(x, ts[i])))
            return NULL;
    return list;
}

/* --- the driver -------------------------------------------------------------------------- */

static int build(struct xp *x, Onnx__ModelProto *m)
{
    const struct dpu_graph *g = x->g;
    int err;
    for (size_t i = 0; i < g->ntensors; i++)
        if ((err = name_add(x, g->tensors[i].name)))
            return err;
    for (size_t i = 0; i < g->nnodes; i++)
        if ((err = name_add(x, g->nodes[i].name)))
            return err;
    for (size_t i = 0; i < g->nnodes; i++)
        if ((err = xp_emit_node(x, &g->nodes[i])))
            return err;

    Onnx__GraphProto *gp = xp_alloc(x, sizeof *gp);
    Onnx__OperatorSetIdProto *ops[2] = {xp_alloc(x, sizeof *ops[0]), xp_alloc(x, sizeof *ops[1])};
    Onnx__OperatorSetIdProto **opl = xp_alloc(x, 2 * sizeof *opl);
    if (!gp || !ops[0] || !ops[1] || !opl)
        return x->d->err;
    onnx__graph_proto__init(gp);
    gp->name = xp_strdup(x, g->name ? g->name : "graph");
    gp->n_node = x->nodes.n;
    gp->node = (Onnx__NodeProto **)x->nodes.items;
    gp->n_initializer = x->inits.n;
    gp->initializer = (Onnx__TensorProto **)x->inits.items;
    gp->n_input = g->ninputs;
    gp->input = value_infos(x, g->ninputs, g->inputs);
    gp->n_output = g->noutputs;
    gp->output = value_infos(x, g->noutputs, g->outputs);
    if (!gp->name || !gp->input || !gp->output)
        return x->d->err;
    for (int i = 0; i < 2; i++) {
        onnx__operator_set_id_proto__init(ops[i]);
        ops[i]->has_version = 1;
        opl[i] = ops[i];
    }
    ops[0]->domain = xp_strdup(x, "");
    ops[0]->version = x->opset;
    ops[1]->domain = xp_strdup(x, "com.microsoft");
    ops[1]->version = 1;
    m->has_ir_version = 1;
    m->ir_version = XP_IR_VERSION;
    m->n_opset_import = x->ms_domain ? 2 : 1;
    m->opset_import = opl;
    m->producer_name = xp_strdup(x, "opendpu dpuc export");
    m->graph = gp;
    return ops[0]->domain && ops[1]->domain && m->producer_name ? DPU_OK : x->d->err;
}

int dpu_onnx_export(const struct dpu_graph *g, uint8_t **bytes, size_t *len, struct dpu_diag *d)
{
    *bytes = NULL;
    *len = 0;
    if (!g->quantized)
        return dpu_diag_set(d, DPU_E_INVALID,
                            "graph '%s' is a float graph: dpuc export writes quantized (QDQ) "
                            "models; quantize it first (dpuc quantize)",
                            g->name ? g->name : "");
    struct xp x = {.g = g, .d = d, .opset = 13};
    size_t nt = g->ntensors ? g->ntensors : 1;
    x.view = calloc(nt, sizeof *x.view);
    x.scale = calloc(nt, sizeof *x.scale);
    x.zp = calloc(nt, sizeof *x.zp);
    int err = x.view && x.scale && x.zp ? DPU_OK : dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    Onnx__ModelProto m;
    onnx__model_proto__init(&m);
    if (!err)
        err = build(&x, &m);
    if (!err) {
        size_t size = onnx__model_proto__get_packed_size(&m);
        if (size > ((size_t)2 << 30) - 1) {
            err =
                dpu_diag_set(d, DPU_E_RANGE,
                             "the model would take %zu bytes, above protobuf's 2 GiB limit", size);
        } else if (!(*bytes = malloc(size ? size : 1))) {
            err = dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
        } else {
            *len = onnx__model_proto__pack(&m, *bytes);
        }
    }
    for (size_t i = 0; i < x.mem.n; i++)
        free(x.mem.items[i]);
    free(x.mem.items);
    free(x.nodes.items);
    free(x.inits.items);
    free(x.names);
    free(x.view);
    free(x.scale);
    free(x.zp);
    return err;
}
