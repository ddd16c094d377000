/* The test model builder (model_builder.h): protobuf-c structs allocated from a list the
 * builder frees as a whole. Allocation failures abort: this is test code. */
#include "model_builder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.pb-c.h"

struct mb {
    Onnx__ModelProto model;
    Onnx__GraphProto graph;
    void **allocs;
    size_t nallocs, cap;
};

struct mb_node {
    struct mb *m;
    Onnx__NodeProto pb;
};

static void *keep(struct mb *m, void *p)
{
    if (!p)
        abort();
    if (m->nallocs == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 64;
        m->allocs = realloc(m->allocs, m->cap * sizeof *m->allocs);
        if (!m->allocs)
            abort();
    }
    m->allocs[m->nallocs++] = p;
    return p;
}

static void *zalloc(struct mb *m, size_t size)
{
    return keep(m, calloc(1, size ? size : 1));
}

static char *dup(struct mb *m, const char *s)
{
    return keep(m, strdup(s));
}

/* Appends item to the pointer array *arr of *n elements. */
static void push(struct mb *m, void ***arr, size_t *n, void *item)
{
    void **na = zalloc(m, (*n + 1) * sizeof *na);
    if (*n)
        memcpy(na, *arr, *n * sizeof *na);
    na[(*n)++] = item;
    *arr = na;
}

void mb_opset(struct mb *m, const char *domain, int version)
{
    Onnx__OperatorSetIdProto *os = zalloc(m, sizeof *os);
    onnx__operator_set_id_proto__init(os);
    os->domain = dup(m, domain);
    os->has_version = 1;
    os->version = version;
    push(m, (void ***)&m->model.opset_import, &m->model.n_opset_import, os);
}

struct mb *mb_new(int opset)
{
    struct mb *m = calloc(1, sizeof *m);
    if (!m)
        abort();
    onnx__model_proto__init(&m->model);
    onnx__graph_proto__init(&m->graph);
    m->model.has_ir_version = 1;
    m->model.ir_version = 8;
    m->model.producer_name = dup(m, "opendpu-tests");
    m->model.graph = &m->graph;
    m->graph.name = dup(m, "test");
    if (opset > 0)
        mb_opset(m, "", opset);
    return m;
}

void mb_graph_name(struct mb *m, const char *name)
{
    m->graph.name = dup(m, name);
}

void mb_free(struct mb *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nallocs; i++)
        free(m->allocs[i]);
    free(m->allocs);
    free(m);
}

static Onnx__ValueInfoProto *value_info(struct mb *m, const char *name, int elem, int rank,
                                        const int64_t *dims)
{
    Onnx__ValueInfoProto *vi = zalloc(m, sizeof *vi);
    onnx__value_info_proto__init(vi);
    vi->name = dup(m, name);
    if (elem <= 0)
        return vi;
    Onnx__TypeProto *tp = zalloc(m, sizeof *tp);
    Onnx__TypeProto__Tensor *tt = zalloc(m, sizeof *tt);
    onnx__type_proto__init(tp);
    onnx__type_proto__tensor__init(tt);
    tt->has_elem_type = 1;
    tt->elem_type = elem;
    tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    tp->tensor_type = tt;
    vi->type = tp;
    if (rank < 0)
        return vi;
    Onnx__TensorShapeProto *sh = zalloc(m, sizeof *sh);
    onnx__tensor_shape_proto__init(sh);
    for (int i = 0; i < rank; i++) {
        Onnx__TensorShapeProto__Dimension *d = zalloc(m, sizeof *d);
        onnx__tensor_shape_proto__dimension__init(d);
        if (dims[i] < 0) {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
            d->dim_param = dup(m, "N");
        } else {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
            d->dim_value = dims[i];
        }
        push(m, (void ***)&sh->dim, &sh->n_dim, d);
    }
    tt->shape = sh;
    return vi;
}

void mb_input(struct mb *m, const char *name, int elem, int rank, const int64_t *dims)
{
    push(m, (void ***)&m->graph.input, &m->graph.n_input, value_info(m, name, elem, rank, dims));
}

void mb_output(struct mb *m, const char *name)
{
    push(m, (void ***)&m->graph.output, &m->graph.n_output, value_info(m, name, 0, -1, NULL));
}

static Onnx__TensorProto *tensor(struct mb *m, const char *name, int elem, int rank,
                                 const int64_t *dims, const void *data, size_t esize)
{
    Onnx__TensorProto *t = zalloc(m, sizeof *t);
    onnx__tensor_proto__init(t);
    t->name = dup(m, name);
    t->has_data_type = 1;
    t->data_type = elem;
    t->n_dims = (size_t)rank;
    t->dims = zalloc(m, (size_t)(rank + 1) * sizeof *t->dims);
    size_t count = 1;
    for (int i = 0; i < rank; i++) {
        t->dims[i] = dims[i];
        count *= (size_t)dims[i];
    }
    t->has_raw_data = 1;
    t->raw_data.len = count * esize;
    t->raw_data.data = zalloc(m, count * esize);
    if (count > 0 && esize > 0)
        memcpy(t->raw_data.data, data, count * esize);
    return t;
}

static void init(struct mb *m, const char *name, int elem, int rank, const int64_t *dims,
                 const void *v, size_t esize)
{
    push(m, (void ***)&m->graph.initializer, &m->graph.n_initializer,
         tensor(m, name, elem, rank, dims, v, esize));
}

void mb_init_f(struct mb *m, const char *name, int rank, const int64_t *dims, const float *v)
{
    init(m, name, MB_FLOAT, rank, dims, v, 4);
}
void mb_init_i8(struct mb *m, const char *name, int rank, const int64_t *dims, const int8_t *v)
{
    init(m, name, MB_INT8, rank, dims, v, 1);
}
void mb_init_u8(struct mb *m, const char *name, int rank, const int64_t *dims, const uint8_t *v)
{
    init(m, name, MB_UINT8, rank, dims, v, 1);
}
void mb_init_i32(struct mb *m, const char *name, int rank, const int64_t *dims, const int32_t *v)
{
    init(m, name, MB_INT32, rank, dims, v, 4);
}
void mb_init_i64(struct mb *m, const char *name, int rank, const int64_t *dims, const int64_t *v)
{
    init(m, name, MB_INT64, rank, dims, v, 8);
}
void mb_init_raw(struct mb *m, const char *name, int elem, int rank, const int64_t *dims,
                 const void *data, size_t len)
{
    Onnx__TensorProto *t = tensor(m, name, elem, 0, NULL, NULL, 0);
    t->n_dims = (size_t)rank;
    t->dims = zalloc(m, (size_t)(rank + 1) * sizeof *t->dims);
    for (int i = 0; i < rank; i++)
        t->dims[i] = dims[i];
    t->raw_data.len = len;
    t->raw_data.data = zalloc(m, len);
    if (len)
        memcpy(t->raw_data.data, data, len);
    push(m, (void ***)&m->graph.initializer, &m->graph.n_initializer, t);
}

void mb_init_external(struct mb *m, const char *name, int rank, const int64_t *dims)
{
    mb_init_raw(m, name, MB_FLOAT, rank, dims, NULL, 0);
    Onnx__TensorProto *t = m->graph.initializer[m->graph.n_initializer - 1];
    t->has_raw_data = 0;
    t->has_data_location = 1;
    t->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
    Onnx__StringStringEntryProto *e = zalloc(m, sizeof *e);
    onnx__string_string_entry_proto__init(e);
    e->key = dup(m, "location");
    e->value = dup(m, "weights.bin");
    push(m, (void ***)&t->external_data, &t->n_external_data, e);
}

void mb_scalar_f(struct mb *m, const char *name, float v)
{
    init(m, name, MB_FLOAT, 0, NULL, &v, 4);
}
void mb_scalar_i8(struct mb *m, const char *name, int8_t v)
{
    init(m, name, MB_INT8, 0, NULL, &v, 1);
}
void mb_scalar_u8(struct mb *m, const char *name, uint8_t v)
{
    init(m, name, MB_UINT8, 0, NULL, &v, 1);
}

/* Splits "a,,b" into names ("" for absent). */
static void names(struct mb *m, const char *list, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!list || !*list)
        return;
    char *copy = dup(m, list);
    for (char *p = copy;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        push(m, (void ***)out, n, p);
        if (!comma)
            break;
        p = comma + 1;
    }
}

struct mb_node *mb_node(struct mb *m, const char *op, const char *name, const char *inputs,
                        const char *outputs)
{
    struct mb_node *n = zalloc(m, sizeof *n);
    n->m = m;
    onnx__node_proto__init(&n->pb);
    n->pb.op_type = dup(m, op);
    if (name)
        n->pb.name = dup(m, name);
    names(m, inputs, &n->pb.input, &n->pb.n_input);
    names(m, outputs, &n->pb.output, &n->pb.n_output);
    push(m, (void ***)&m->graph.node, &m->graph.n_node, &n->pb);
    return n;
}

void mb_domain(struct mb_node *n, const char *domain)
{
    n->pb.domain = dup(n->m, domain);
}

static Onnx__AttributeProto *attr(struct mb_node *n, const char *name,
                                  Onnx__AttributeProto__AttributeType type)
{
    Onnx__AttributeProto *a = zalloc(n->m, sizeof *a);
    onnx__attribute_proto__init(a);
    a->name = dup(n->m, name);
    a->has_type = 1;
    a->type = type;
    push(n->m, (void ***)&n->pb.attribute, &n->pb.n_attribute, a);
    return a;
}

void mb_attr_i(struct mb_node *n, const char *name, int64_t v)
{
    Onnx__AttributeProto *a = attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    a->has_i = 1;
    a->i = v;
}

void mb_attr_f(struct mb_node *n, const char *name, float v)
{
    Onnx__AttributeProto *a = attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    a->has_f = 1;
    a->f = v;
}

void mb_attr_s(struct mb_node *n, const char *name, const char *v)
{
    Onnx__AttributeProto *a = attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
    a->has_s = 1;
    a->s.len = strlen(v);
    a->s.data = (uint8_t *)dup(n->m, v);
}

void mb_attr_ints(struct mb_node *n, const char *name, size_t count, const int64_t *v)
{
    Onnx__AttributeProto *a = attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    a->n_ints = count;
    a->ints = zalloc(n->m, (count + 1) * sizeof *a->ints);
    memcpy(a->ints, v, count * sizeof *v);
}

void mb_attr_floats(struct mb_node *n, const char *name, size_t count, const float *v)
{
    Onnx__AttributeProto *a = attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS);
    a->n_floats = count;
    a->floats = zalloc(n->m, (count + 1) * sizeof *a->floats);
    memcpy(a->floats, v, count * sizeof *v);
}

void mb_attr_tensor_f(struct mb_node *n, const char *name, int rank, const int64_t *dims,
                      const float *v)
{
    Onnx__AttributeProto *a = attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
    a->t = tensor(n->m, "", MB_FLOAT, rank, dims, v, 4);
}

void mb_attr_tensor_i64(struct mb_node *n, const char *name, int rank, const int64_t *dims,
                        const int64_t *v)
{
    Onnx__AttributeProto *a = attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
    a->t = tensor(n->m, "", MB_INT64, rank, dims, v, 8);
}

uint8_t *mb_pack(struct mb *m, size_t *len)
{
    *len = onnx__model_proto__get_packed_size(&m->model);
    uint8_t *buf = malloc(*len ? *len : 1);
    if (!buf)
        abort();
    onnx__model_proto__pack(&m->model, buf);
    return buf;
}
