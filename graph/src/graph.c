/* Graph construction and teardown: every string and array is copied in, and the graph owns
 * everything it holds. Verification lives in graph_verify.c. */
#include "dpu/graph.h"

#include <stdlib.h>
#include <string.h>

static const char *const op_names[DPU_NODE_COUNT] = {
#define X(e, name, mi, ma, no, f, q, doc) name,
#include "dpu/ops.def"
#undef X
};

const char *dpu_node_op_name(enum dpu_node_op op)
{
    return (unsigned)op < DPU_NODE_COUNT ? op_names[op] : NULL;
}

enum dpu_node_op dpu_node_op_from_name(const char *name)
{
    for (int i = 0; i < DPU_NODE_COUNT; i++)
        if (strcmp(op_names[i], name) == 0)
            return (enum dpu_node_op)i;
    return DPU_NODE_COUNT;
}

void dpu_graph_init(struct dpu_graph *g)
{
    memset(g, 0, sizeof *g);
}

static void free_attr(struct dpu_attr *a)
{
    free(a->name);
    free(a->ints);
    free(a->floats);
    free(a->s);
}

void dpu_graph_free(struct dpu_graph *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->ntensors; i++) {
        struct dpu_gtensor *t = &g->tensors[i];
        free(t->name);
        free(t->data);
        free(t->quant.scale);
        free(t->quant.zero_point);
    }
    for (size_t i = 0; i < g->nnodes; i++) {
        struct dpu_gnode *n = &g->nodes[i];
        free(n->name);
        free(n->inputs);
        free(n->outputs);
        for (size_t k = 0; k < n->nattrs; k++)
            free_attr(&n->attrs[k]);
        free(n->attrs);
    }
    free(g->name);
    free(g->tensors);
    free(g->nodes);
    free(g->inputs);
    free(g->outputs);
    dpu_graph_init(g);
}

/* Grows *arr (of *count elements of size elem) by one zeroed element; returns it or NULL. */
static void *grow(void **arr, size_t *count, size_t elem)
{
    if (*count >= (size_t)INT32_MAX)
        return NULL;
    char *na = realloc(*arr, (*count + 1) * elem);
    if (!na)
        return NULL;
    *arr = na;
    memset(na + *count * elem, 0, elem);
    return na + (*count)++ * elem;
}

static void *dup_mem(const void *src, size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    if (p && bytes)
        memcpy(p, src, bytes);
    return p;
}

int dpu_graph_add_tensor(struct dpu_graph *g, const char *name, enum dpu_dtype dtype, int rank,
                         const int64_t *dims, const void *data)
{
    if (rank < 0 || rank > DPU_TENSOR_MAX_RANK || dpu_dtype_size(dtype) == 0)
        return DPU_E_INVALID;
    int64_t count = dpu_shape_count(rank, dims);
    if (count < 0)
        return DPU_E_RANGE;
    char *nm = strdup(name ? name : "");
    void *copy = NULL;
    if (!nm)
        return DPU_E_NOMEM;
    if (data) {
        copy = dup_mem(data, (size_t)count * dpu_dtype_size(dtype));
        if (!copy) {
            free(nm);
            return DPU_E_NOMEM;
        }
    }
    struct dpu_gtensor *t = grow((void **)&g->tensors, &g->ntensors, sizeof *t);
    if (!t) {
        free(nm);
        free(copy);
        return DPU_E_NOMEM;
    }
    t->name = nm;
    t->dtype = dtype;
    t->rank = rank;
    for (int i = 0; i < rank; i++)
        t->dims[i] = dims[i];
    t->data = copy;
    t->quant.axis = -1;
    return (int)(g->ntensors - 1);
}

int dpu_graph_set_quant(struct dpu_graph *g, int tensor, int axis, size_t count, const float *scale,
                        const int32_t *zero_point)
{
    if (tensor < 0 || (size_t)tensor >= g->ntensors || count == 0 || count > (1u << 24))
        return DPU_E_INVALID;
    float *s = dup_mem(scale, count * sizeof *s);
    int32_t *z = zero_point ? dup_mem(zero_point, count * sizeof *z) : calloc(count, sizeof *z);
    if (!s || !z) {
        free(s);
        free(z);
        return DPU_E_NOMEM;
    }
    struct dpu_quant *q = &g->tensors[tensor].quant;
    free(q->scale);
    free(q->zero_point);
    q->axis = axis;
    q->count = count;
    q->scale = s;
    q->zero_point = z;
    return DPU_OK;
}

int dpu_graph_add_node(struct dpu_graph *g, const char *name, enum dpu_node_op op, size_t ninputs,
                       const int32_t *inputs, size_t noutputs, const int32_t *outputs)
{
    if ((unsigned)op >= DPU_NODE_COUNT || ninputs > 1024 || noutputs > 1024)
        return DPU_E_INVALID;
    char *nm = strdup(name ? name : "");
    int32_t *in = dup_mem(inputs, ninputs * sizeof *in);
    int32_t *out = dup_mem(outputs, noutputs * sizeof *out);
    struct dpu_gnode *n =
        (nm && in && out) ? grow((void **)&g->nodes, &g->nnodes, sizeof *n) : NULL;
    if (!n) {
        free(nm);
        free(in);
        free(out);
        return DPU_E_NOMEM;
    }
    n->name = nm;
    n->op = op;
    n->ninputs = ninputs;
    n->inputs = in;
    n->noutputs = noutputs;
    n->outputs = out;
    return (int)(g->nnodes - 1);
}

static int add_index(int32_t **arr, size_t *count, int value)
{
    int32_t *slot = grow((void **)arr, count, sizeof *slot);
    if (!slot)
        return DPU_E_NOMEM;
    *slot = value;
    return (int)(*count - 1);
}

int dpu_graph_add_input(struct dpu_graph *g, int tensor)
{
    if (tensor < 0 || (size_t)tensor >= g->ntensors)
        return DPU_E_INVALID;
    return add_index(&g->inputs, &g->ninputs, tensor);
}

int dpu_graph_add_output(struct dpu_graph *g, int tensor)
{
    if (tensor < 0 || (size_t)tensor >= g->ntensors)
        return DPU_E_INVALID;
    return add_index(&g->outputs, &g->noutputs, tensor);
}

int dpu_graph_find_tensor(const struct dpu_graph *g, const char *name)
{
    for (size_t i = 0; i < g->ntensors; i++)
        if (strcmp(g->tensors[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* Returns the attribute slot for name on node, replacing an existing one (its old values
 * freed) or appending a new one; NULL on bad node or out of memory. */
static struct dpu_attr *attr_slot(struct dpu_graph *g, int node, const char *name)
{
    if (node < 0 || (size_t)node >= g->nnodes)
        return NULL;
    struct dpu_gnode *n = &g->nodes[node];
    for (size_t i = 0; i < n->nattrs; i++) {
        struct dpu_attr *a = &n->attrs[i];
        if (strcmp(a->name, name) == 0) {
            char *keep = a->name;
            a->name = NULL;
            free_attr(a);
            memset(a, 0, sizeof *a);
            a->name = keep;
            return a;
        }
    }
    char *nm = strdup(name);
    if (!nm)
        return NULL;
    struct dpu_attr *a = grow((void **)&n->attrs, &n->nattrs, sizeof *a);
    if (!a) {
        free(nm);
        return NULL;
    }
    a->name = nm;
    return a;
}

int dpu_node_set_int(struct dpu_graph *g, int node, const char *name, int64_t v)
{
    struct dpu_attr *a = attr_slot(g, node, name);
    if (!a)
        return DPU_E_NOMEM;
    a->type = DPU_ATTR_INT;
    a->i = v;
    return DPU_OK;
}

int dpu_node_set_float(struct dpu_graph *g, int node, const char *name, double v)
{
    struct dpu_attr *a = attr_slot(g, node, name);
    if (!a)
        return DPU_E_NOMEM;
    a->type = DPU_ATTR_FLOAT;
    a->f = v;
    return DPU_OK;
}

int dpu_node_set_ints(struct dpu_graph *g, int node, const char *name, size_t n, const int64_t *v)
{
    int64_t *copy = dup_mem(v, n * sizeof *copy);
    struct dpu_attr *a = copy ? attr_slot(g, node, name) : NULL;
    if (!a) {
        free(copy);
        return DPU_E_NOMEM;
    }
    a->type = DPU_ATTR_INTS;
    a->n = n;
    a->ints = copy;
    return DPU_OK;
}

int dpu_node_set_floats(struct dpu_graph *g, int node, const char *name, size_t n, const double *v)
{
    double *copy = dup_mem(v, n * sizeof *copy);
    struct dpu_attr *a = copy ? attr_slot(g, node, name) : NULL;
    if (!a) {
        free(copy);
        return DPU_E_NOMEM;
    }
    a->type = DPU_ATTR_FLOATS;
    a->n = n;
    a->floats = copy;
    return DPU_OK;
}

int dpu_node_set_string(struct dpu_graph *g, int node, const char *name, const char *v)
{
    char *copy = strdup(v);
    struct dpu_attr *a = copy ? attr_slot(g, node, name) : NULL;
    if (!a) {
        free(copy);
        return DPU_E_NOMEM;
    }
    a->type = DPU_ATTR_STRING;
    a->s = copy;
    return DPU_OK;
}

const struct dpu_attr *dpu_node_attr(const struct dpu_gnode *n, const char *name)
{
    for (size_t i = 0; i < n->nattrs; i++)
        if (strcmp(n->attrs[i].name, name) == 0)
            return &n->attrs[i];
    return NULL;
}

int64_t dpu_node_get_int(const struct dpu_gnode *n, const char *name, int64_t def)
{
    const struct dpu_attr *a = dpu_node_attr(n, name);
    return (a && a->type == DPU_ATTR_INT) ? a->i : def;
}

double dpu_node_get_float(const struct dpu_gnode *n, const char *name, double def)
{
    const struct dpu_attr *a = dpu_node_attr(n, name);
    return (a && a->type == DPU_ATTR_FLOAT) ? a->f : def;
}
