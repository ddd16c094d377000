/* dpu_q8_graph_equal: the round-trip oracle of the tests and the fuzz target. Floats are
 * compared as bits, so -0.0 differs from 0.0 and a NaN equals itself: a model.q8 round trip
 * must preserve bits, not just values. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dpu/q8.h"

static bool differ(char *why, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool differ(char *why, size_t cap, const char *fmt, ...)
{
    if (why && cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, cap, fmt, ap);
        va_end(ap);
    }
    return false;
}

static bool same_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

static bool same_mem(const void *a, const void *b, size_t n)
{
    return n == 0 || (a && b && memcmp(a, b, n) == 0);
}

static bool tensor_equal(const struct dpu_gtensor *a, const struct dpu_gtensor *b, size_t i,
                         char *why, size_t cap)
{
    if (!same_str(a->name, b->name))
        return differ(why, cap, "tensor %zu: names differ", i);
    if (a->dtype != b->dtype || a->rank != b->rank)
        return differ(why, cap, "tensor %zu: dtype or rank differ", i);
    if (a->rank < 0 || a->rank > DPU_TENSOR_MAX_RANK ||
        !same_mem(a->dims, b->dims, (size_t)a->rank * sizeof a->dims[0]))
        return differ(why, cap, "tensor %zu: dims differ", i);
    if (!a->data != !b->data)
        return differ(why, cap, "tensor %zu: constant in one graph only", i);
    if (a->data) {
        int64_t count = dpu_shape_count(a->rank, a->dims);
        size_t size = dpu_dtype_size(a->dtype);
        if (count < 0 || size == 0 || !same_mem(a->data, b->data, (size_t)count * size))
            return differ(why, cap, "tensor %zu: data differ", i);
    }
    const struct dpu_quant *qa = &a->quant, *qb = &b->quant;
    if (qa->axis != qb->axis || qa->count != qb->count ||
        !same_mem(qa->scale, qb->scale, qa->count * sizeof *qa->scale) ||
        !same_mem(qa->zero_point, qb->zero_point, qa->count * sizeof *qa->zero_point))
        return differ(why, cap, "tensor %zu: quantization differs", i);
    return true;
}

static bool attr_equal(const struct dpu_attr *a, const struct dpu_attr *b)
{
    if (!same_str(a->name, b->name) || a->type != b->type)
        return false;
    switch (a->type) {
    case DPU_ATTR_INT:
        return a->i == b->i;
    case DPU_ATTR_FLOAT:
        return same_mem(&a->f, &b->f, sizeof a->f);
    case DPU_ATTR_INTS:
        return a->n == b->n && same_mem(a->ints, b->ints, a->n * sizeof *a->ints);
    case DPU_ATTR_FLOATS:
        return a->n == b->n && same_mem(a->floats, b->floats, a->n * sizeof *a->floats);
    case DPU_ATTR_STRING:
        return same_str(a->s, b->s);
    }
    return false;
}

static bool node_equal(const struct dpu_gnode *a, const struct dpu_gnode *b, size_t i, char *why,
                       size_t cap)
{
    if (!same_str(a->name, b->name) || a->op != b->op)
        return differ(why, cap, "node %zu: name or op differ", i);
    if (a->ninputs != b->ninputs || a->noutputs != b->noutputs ||
        !same_mem(a->inputs, b->inputs, a->ninputs * sizeof *a->inputs) ||
        !same_mem(a->outputs, b->outputs, a->noutputs * sizeof *a->outputs))
        return differ(why, cap, "node %zu: inputs or outputs differ", i);
    if (a->nattrs != b->nattrs)
        return differ(why, cap, "node %zu: %zu attributes versus %zu", i, a->nattrs, b->nattrs);
    for (size_t k = 0; k < a->nattrs; k++)
        if (!attr_equal(&a->attrs[k], &b->attrs[k]))
            return differ(why, cap, "node %zu: attribute %zu differs", i, k);
    return true;
}

bool dpu_q8_graph_equal(const struct dpu_graph *a, const struct dpu_graph *b, char *why, size_t cap)
{
    if (!same_str(a->name, b->name))
        return differ(why, cap, "graph names differ");
    if (a->quantized != b->quantized)
        return differ(why, cap, "one graph is quantized, the other float");
    if (a->ntensors != b->ntensors || a->nnodes != b->nnodes)
        return differ(why, cap, "%zu tensors and %zu nodes versus %zu and %zu", a->ntensors,
                      a->nnodes, b->ntensors, b->nnodes);
    for (size_t i = 0; i < a->ntensors; i++)
        if (!tensor_equal(&a->tensors[i], &b->tensors[i], i, why, cap))
            return false;
    for (size_t i = 0; i < a->nnodes; i++)
        if (!node_equal(&a->nodes[i], &b->nodes[i], i, why, cap))
            return false;
    if (a->ninputs != b->ninputs || a->noutputs != b->noutputs ||
        !same_mem(a->inputs, b->inputs, a->ninputs * sizeof *a->inputs) ||
        !same_mem(a->outputs, b->outputs, a->noutputs * sizeof *a->outputs))
        return differ(why, cap, "graph inputs or outputs differ");
    return true;
}
