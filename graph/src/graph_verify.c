/* dpu_graph_verify: phase 1 (structure: tensors, nodes, references, who produces what) here,
 * then the topological sort and the per-node checks of the other graph_verify_*.c files.
 * See graph_verify_internal.h for the phases and what each may assume. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph_verify_internal.h"
#include "strmap.h"

static int check_quant_layout(const struct dpu_gtensor *t, struct dpu_diag *d)
{
    const struct dpu_quant *q = &t->quant;
    if (q->count == 0) {
        if (q->axis != -1)
            return dpu_vfail_tensor(d, t, DPU_E_INVALID,
                                    "quantization axis %d without scales (expected -1)", q->axis);
        return DPU_OK;
    }
    if (!q->scale || !q->zero_point)
        return dpu_vfail_tensor(d, t, DPU_E_INVALID, "quantization without scale or zero point");
    if (q->axis == -1) {
        if (q->count != 1)
            return dpu_vfail_tensor(d, t, DPU_E_INVALID,
                                    "per-tensor quantization (axis -1) with %zu scales", q->count);
        return DPU_OK;
    }
    if (q->axis < 0 || q->axis >= t->rank)
        return dpu_vfail_tensor(d, t, DPU_E_INVALID, "quantization axis %d outside [-1, %d]",
                                q->axis, t->rank - 1);
    if ((int64_t)q->count != t->dims[q->axis])
        return dpu_vfail_tensor(d, t, DPU_E_INVALID,
                                "%zu quantization scales along axis %d, which has %" PRId64
                                " channels",
                                q->count, q->axis, t->dims[q->axis]);
    return DPU_OK;
}

static int check_tensor(const struct dpu_graph *g, size_t i, struct dpu_strmap *names,
                        struct dpu_diag *d)
{
    const struct dpu_gtensor *t = &g->tensors[i];
    if (!t->name || !t->name[0])
        return dpu_diag_set(d, DPU_E_INVALID, "tensor %zu has no name", i);
    int64_t first;
    int r = dpu_strmap_put(names, t->name, strlen(t->name), (int64_t)i, &first);
    if (r < 0)
        return dpu_diag_set(d, r, "out of memory checking tensor names");
    if (r == 1)
        return dpu_vfail_tensor(d, t, DPU_E_INVALID, "name used by tensors %" PRId64 " and %zu",
                                first, i);
    if (dpu_dtype_size(t->dtype) == 0)
        return dpu_vfail_tensor(d, t, DPU_E_INVALID, "unknown dtype %d", (int)t->dtype);
    if (t->rank < 0 || t->rank > DPU_TENSOR_MAX_RANK)
        return dpu_vfail_tensor(d, t, DPU_E_RANGE, "rank %d outside [0, %d]", t->rank,
                                DPU_TENSOR_MAX_RANK);
    for (int k = 0; k < t->rank; k++)
        if (t->dims[k] < 0 || t->dims[k] > DPU_TENSOR_MAX_DIM)
            return dpu_vfail_tensor(
                d, t, DPU_E_RANGE, "dimension %d is %" PRId64 ", outside [0, 2^40]", k, t->dims[k]);
    if (dpu_shape_count(t->rank, t->dims) < 0) {
        char db[DPU_VDIMS_MAX];
        return dpu_vfail_tensor(d, t, DPU_E_RANGE, "shape %s has more than 2^40 elements",
                                dpu_vdims(t->rank, t->dims, db));
    }
    return check_quant_layout(t, d);
}

static int check_attr_layout(const struct dpu_gnode *n, size_t k, struct dpu_diag *d)
{
    const struct dpu_attr *a = &n->attrs[k];
    if (!a->name || !a->name[0])
        return dpu_vfail_node(d, n, DPU_E_INVALID, "attribute %zu has no name", k);
    switch (a->type) {
    case DPU_ATTR_INT:
    case DPU_ATTR_FLOAT:
        break;
    case DPU_ATTR_INTS:
        if (a->n && !a->ints)
            return dpu_vfail_node(d, n, DPU_E_INVALID, "attribute '%s' has no values", a->name);
        break;
    case DPU_ATTR_FLOATS:
        if (a->n && !a->floats)
            return dpu_vfail_node(d, n, DPU_E_INVALID, "attribute '%s' has no values", a->name);
        break;
    case DPU_ATTR_STRING:
        if (!a->s)
            return dpu_vfail_node(d, n, DPU_E_INVALID, "attribute '%s' has no value", a->name);
        break;
    default:
        return dpu_vfail_node(d, n, DPU_E_INVALID, "attribute '%s' has unknown type %d", a->name,
                              (int)a->type);
    }
    for (size_t j = 0; j < k; j++)
        if (strcmp(n->attrs[j].name, a->name) == 0)
            return dpu_vfail_node(d, n, DPU_E_INVALID, "attribute '%s' is given twice", a->name);
    return DPU_OK;
}

static int check_node(const struct dpu_graph *g, size_t i, struct dpu_strmap *names,
                      struct dpu_diag *d)
{
    const struct dpu_gnode *n = &g->nodes[i];
    if (!n->name || !n->name[0])
        return dpu_diag_set(d, DPU_E_INVALID, "node %zu has no name", i);
    int64_t first;
    int r = dpu_strmap_put(names, n->name, strlen(n->name), (int64_t)i, &first);
    if (r < 0)
        return dpu_diag_set(d, r, "out of memory checking node names");
    const struct dpu_op_desc *op = dpu_op_desc(n->op);
    if (!op) {
        char nb[VNAME_MAX];
        return dpu_diag_set(d, DPU_E_INVALID, "node '%s': unknown op %d", dpu_vname(n->name, nb),
                            (int)n->op);
    }
    if (r == 1)
        return dpu_vfail_node(d, n, DPU_E_INVALID, "name used by nodes %" PRId64 " and %zu", first,
                              i);
    /* Before the input counts: a wrong kind of op is the better explanation. */
    if (g->quantized ? !op->int8_ok : !op->float_ok)
        return dpu_vfail_node(d, n, DPU_E_UNSUPPORTED, "op %s is not allowed in a %s graph",
                              op->name, g->quantized ? "quantized" : "float");
    if (n->ninputs < (size_t)op->min_inputs || n->ninputs > (size_t)op->max_inputs) {
        if (op->min_inputs == op->max_inputs)
            return dpu_vfail_node(d, n, DPU_E_INVALID, "has %zu inputs, expected %d", n->ninputs,
                                  op->min_inputs);
        return dpu_vfail_node(d, n, DPU_E_INVALID, "has %zu inputs, expected %d to %d", n->ninputs,
                              op->min_inputs, op->max_inputs);
    }
    if (n->noutputs != (size_t)op->outputs)
        return dpu_vfail_node(d, n, DPU_E_INVALID, "has %zu outputs, expected %d", n->noutputs,
                              op->outputs);
    if ((n->ninputs && !n->inputs) || (n->noutputs && !n->outputs))
        return dpu_vfail_node(d, n, DPU_E_INVALID, "has no input or output list");
    for (size_t k = 0; k < n->ninputs; k++) {
        int32_t t = n->inputs[k];
        if (t == -1 && k >= (size_t)op->min_inputs)
            continue;
        if (t == -1)
            return dpu_vfail_node(d, n, DPU_E_INVALID, "input %zu is required but absent", k);
        if (t < 0 || (size_t)t >= g->ntensors)
            return dpu_vfail_node(d, n, DPU_E_INVALID,
                                  "input %zu refers to tensor %" PRId32 ", but the graph has %zu",
                                  k, t, g->ntensors);
    }
    for (size_t k = 0; k < n->noutputs; k++) {
        int32_t t = n->outputs[k];
        if (t < 0 || (size_t)t >= g->ntensors)
            return dpu_vfail_node(d, n, DPU_E_INVALID,
                                  "output %zu refers to tensor %" PRId32 ", but the graph has %zu",
                                  k, t, g->ntensors);
    }
    if (n->nattrs && !n->attrs)
        return dpu_vfail_node(d, n, DPU_E_INVALID, "has no attribute list");
    for (size_t k = 0; k < n->nattrs; k++) {
        int err = check_attr_layout(n, k, d);
        if (err)
            return err;
    }
    return DPU_OK;
}

/* Graph inputs and outputs: in range, listed once; inputs are activations no node produces,
 * outputs are produced or are inputs. Marks graph inputs in is_input. */
static int check_graph_io(const struct dpu_graph *g, const int32_t *producer, bool *is_input,
                          struct dpu_diag *d)
{
    char nb[VNAME_MAX], pb[VNAME_MAX];
    if ((g->ninputs && !g->inputs) || (g->noutputs && !g->outputs))
        return dpu_diag_set(d, DPU_E_INVALID, "graph has no input or output list");
    for (size_t k = 0; k < g->ninputs; k++) {
        int32_t t = g->inputs[k];
        if (t < 0 || (size_t)t >= g->ntensors)
            return dpu_diag_set(d, DPU_E_INVALID,
                                "graph input %zu refers to tensor %" PRId32
                                ", but the graph has %zu",
                                k, t, g->ntensors);
        const struct dpu_gtensor *tt = &g->tensors[t];
        if (is_input[t])
            return dpu_diag_set(d, DPU_E_INVALID, "graph input '%s' is listed twice",
                                dpu_vname(tt->name, nb));
        if (tt->data)
            return dpu_diag_set(d, DPU_E_INVALID, "graph input '%s' is a constant",
                                dpu_vname(tt->name, nb));
        if (producer[t] >= 0) {
            const struct dpu_gnode *p = &g->nodes[producer[t]];
            return dpu_diag_set(
                d, DPU_E_INVALID, "graph input '%s' is also produced by node '%s' (%s)",
                dpu_vname(tt->name, nb), dpu_vname(p->name, pb), dpu_node_op_name(p->op));
        }
        is_input[t] = true;
    }
    for (size_t k = 0; k < g->noutputs; k++) {
        int32_t t = g->outputs[k];
        if (t < 0 || (size_t)t >= g->ntensors)
            return dpu_diag_set(d, DPU_E_INVALID,
                                "graph output %zu refers to tensor %" PRId32
                                ", but the graph has %zu",
                                k, t, g->ntensors);
        for (size_t j = 0; j < k; j++)
            if (g->outputs[j] == t)
                return dpu_diag_set(d, DPU_E_INVALID, "graph output '%s' is listed twice",
                                    dpu_vname(g->tensors[t].name, nb));
        if (producer[t] < 0 && !is_input[t])
            return dpu_diag_set(d, DPU_E_INVALID,
                                "graph output '%s' is not produced by any node nor a graph input",
                                dpu_vname(g->tensors[t].name, nb));
    }
    return DPU_OK;
}

/* Every activation has exactly one source: one producing node or the graph's inputs. */
static int check_producers(const struct dpu_graph *g, int32_t *producer, bool *is_input,
                           struct dpu_diag *d)
{
    char nb[VNAME_MAX], pb[VNAME_MAX];
    for (size_t t = 0; t < g->ntensors; t++)
        producer[t] = -1;
    for (size_t i = 0; i < g->nnodes; i++) {
        const struct dpu_gnode *n = &g->nodes[i];
        for (size_t k = 0; k < n->noutputs; k++) {
            int32_t t = n->outputs[k];
            const struct dpu_gtensor *tt = &g->tensors[t];
            if (tt->data)
                return dpu_vfail_node(d, n, DPU_E_INVALID, "output %zu '%s' is a constant", k,
                                      dpu_vname(tt->name, nb));
            if (producer[t] >= 0) {
                const struct dpu_gnode *p = &g->nodes[producer[t]];
                return dpu_vfail_node(
                    d, n, DPU_E_INVALID, "output %zu '%s' is already produced by node '%s' (%s)", k,
                    dpu_vname(tt->name, nb), dpu_vname(p->name, pb), dpu_node_op_name(p->op));
            }
            producer[t] = (int32_t)i;
        }
    }
    int err = check_graph_io(g, producer, is_input, d);
    if (err)
        return err;
    for (size_t i = 0; i < g->nnodes; i++) {
        const struct dpu_gnode *n = &g->nodes[i];
        for (size_t k = 0; k < n->ninputs; k++) {
            int32_t t = n->inputs[k];
            if (t >= 0 && !g->tensors[t].data && producer[t] < 0 && !is_input[t])
                return dpu_vfail_node(d, n, DPU_E_INVALID,
                                      "input %zu '%s' is not produced by any node nor a graph "
                                      "input",
                                      k, dpu_vname(g->tensors[t].name, nb));
        }
    }
    for (size_t t = 0; t < g->ntensors; t++)
        if (!g->tensors[t].data && producer[t] < 0 && !is_input[t])
            return dpu_vfail_tensor(d, &g->tensors[t], DPU_E_INVALID,
                                    "activation is not produced by any node nor a graph input");
    return DPU_OK;
}

static int check_structure(const struct dpu_graph *g, int32_t *producer, bool *is_input,
                           struct dpu_diag *d)
{
    if ((g->ntensors && !g->tensors) || (g->nnodes && !g->nodes))
        return dpu_diag_set(d, DPU_E_INVALID, "graph has no tensor or node list");
    struct dpu_strmap names;
    dpu_strmap_init(&names);
    int err = DPU_OK;
    for (size_t i = 0; i < g->ntensors && !err; i++)
        err = check_tensor(g, i, &names, d);
    dpu_strmap_free(&names);
    for (size_t i = 0; i < g->nnodes && !err; i++)
        err = check_node(g, i, &names, d);
    dpu_strmap_free(&names);
    return err ? err : check_producers(g, producer, is_input, d);
}

/* A float graph holds float32 tensors without quantization, whatever uses them. */
static int check_float_tensors(const struct dpu_graph *g, struct dpu_diag *d)
{
    for (size_t i = 0; i < g->ntensors; i++) {
        const struct dpu_gtensor *t = &g->tensors[i];
        if (t->dtype != DPU_DT_FLOAT32)
            return dpu_vfail_tensor(d, t, DPU_E_INVALID,
                                    "dtype %s in a float graph (float graphs hold float32 only)",
                                    dpu_dtype_name(t->dtype));
        if (t->quant.count)
            return dpu_vfail_tensor(d, t, DPU_E_INVALID,
                                    "has quantization parameters in a float graph");
    }
    return DPU_OK;
}

/* The nodes have checked every tensor they read or write; what remains is a graph input that
 * no node reads. A quantized graph's inputs are int8 or float32 (quantized on entry); int32
 * exists only as the raw accumulator output of Conv2D, FullyConnected and MatMul. */
static int check_quantized_inputs(const struct dpu_graph *g, struct dpu_diag *d)
{
    for (size_t k = 0; k < g->ninputs; k++) {
        const struct dpu_gtensor *t = &g->tensors[g->inputs[k]];
        if (t->dtype != DPU_DT_INT8 && t->dtype != DPU_DT_FLOAT32) {
            char nb[VNAME_MAX];
            return dpu_diag_set(d, DPU_E_INVALID,
                                "graph input '%s' is %s; a quantized graph takes int8 or float32 "
                                "inputs",
                                dpu_vname(t->name, nb), dpu_dtype_name(t->dtype));
        }
    }
    return DPU_OK;
}

static int check_node_fits(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d)
{
    int err = dpu_verify_node_attrs(g, n, d);
    if (!err)
        err = dpu_verify_node_shapes(g, n, d);
    if (!err)
        err = dpu_verify_node_types(g, n, d);
    if (!err)
        err = dpu_verify_node_ratios(g, n, d);
    return err;
}

int dpu_graph_verify(struct dpu_graph *g, struct dpu_diag *d)
{
    if (g->ntensors > (size_t)INT32_MAX || g->nnodes > (size_t)INT32_MAX)
        return dpu_diag_set(d, DPU_E_RANGE, "graph has more than 2^31 - 1 tensors or nodes");
    int32_t *producer = malloc((g->ntensors ? g->ntensors : 1) * sizeof *producer);
    bool *is_input = calloc(g->ntensors ? g->ntensors : 1, sizeof *is_input);
    int err =
        (producer && is_input) ? DPU_OK : dpu_diag_set(d, DPU_E_NOMEM, "out of memory verifying");
    if (!err)
        err = check_structure(g, producer, is_input, d);
    if (!err)
        err = dpu_verify_topo_sort(g, producer, d);
    free(producer);
    free(is_input);
    if (!err && !g->quantized)
        err = check_float_tensors(g, d);
    for (size_t i = 0; i < g->nnodes && !err; i++)
        err = check_node_fits(g, &g->nodes[i], d);
    if (!err && g->quantized)
        err = check_quantized_inputs(g, d);
    return err;
}
