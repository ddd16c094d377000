/* Strict attribute readers. dpu_node_get_int silently returns the default for an attribute of
 * the wrong type; an interpreter must not guess, so here a present attribute of the wrong type
 * or length is an error that names the node and the attribute. */
#include "ref_internal.h"

static const char *type_name(enum dpu_attr_type t)
{
    switch (t) {
    case DPU_ATTR_INT:
        return "int";
    case DPU_ATTR_FLOAT:
        return "float";
    case DPU_ATTR_INTS:
        return "ints";
    case DPU_ATTR_FLOATS:
        return "floats";
    case DPU_ATTR_STRING:
        return "string";
    }
    return "?";
}

int ref_attr_int(const struct dpu_gnode *n, const char *name, int64_t def, int64_t *v,
                 struct dpu_diag *d)
{
    const struct dpu_attr *at = dpu_node_attr(n, name);
    *v = def;
    if (!at)
        return DPU_OK;
    if (at->type != DPU_ATTR_INT)
        return ref_node_err(d, n, DPU_E_INVALID, "attribute '%s' is %s, expected int", name,
                            type_name(at->type));
    *v = at->i;
    return DPU_OK;
}

int ref_attr_float(const struct dpu_gnode *n, const char *name, double def, double *v,
                   struct dpu_diag *d)
{
    const struct dpu_attr *at = dpu_node_attr(n, name);
    *v = def;
    if (!at)
        return DPU_OK;
    if (at->type == DPU_ATTR_INT) {
        *v = (double)at->i;
        return DPU_OK;
    }
    if (at->type != DPU_ATTR_FLOAT)
        return ref_node_err(d, n, DPU_E_INVALID, "attribute '%s' is %s, expected float", name,
                            type_name(at->type));
    *v = at->f;
    return DPU_OK;
}

int ref_attr_ints(const struct dpu_gnode *n, const char *name, size_t count, const int64_t *def,
                  int64_t *v, struct dpu_diag *d)
{
    const struct dpu_attr *at = dpu_node_attr(n, name);
    if (!at) {
        if (!def)
            return ref_node_err(d, n, DPU_E_INVALID, "required attribute '%s' is missing", name);
        for (size_t i = 0; i < count; i++)
            v[i] = def[i];
        return DPU_OK;
    }
    if (at->type != DPU_ATTR_INTS)
        return ref_node_err(d, n, DPU_E_INVALID, "attribute '%s' is %s, expected ints", name,
                            type_name(at->type));
    if (at->n != count || (count > 0 && !at->ints))
        return ref_node_err(d, n, DPU_E_INVALID, "attribute '%s' has %zu values, expected %zu",
                            name, at->n, count);
    for (size_t i = 0; i < count; i++)
        v[i] = at->ints[i];
    return DPU_OK;
}
