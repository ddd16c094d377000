/* Phase 3a of the verifier: every attribute of a node against op_attrs.def (known name,
 * right type, graph kind), required ones present, and the values whose valid range does not
 * depend on shapes: clamps, lookup tables, flags, float parameters. Shape-dependent values
 * (kernel sizes, pads, axes, permutations) are checked with the shapes. */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "graph_verify_internal.h"

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

static int check_schema(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d)
{
    for (size_t k = 0; k < n->nattrs; k++) {
        const struct dpu_attr *a = &n->attrs[k];
        const struct dpu_attr_desc *s = dpu_attr_desc_find(n->op, a->name);
        char nb[VNAME_MAX];
        if (!s)
            return dpu_vfail_node(d, n, DPU_E_INVALID, "unknown attribute '%s'",
                                  dpu_vname(a->name, nb));
        if (a->type != s->type)
            return dpu_vfail_node(d, n, DPU_E_INVALID, "attribute '%s' is %s, expected %s", s->name,
                                  type_name(a->type), type_name(s->type));
        if (g->quantized && dpu_attr_desc_float_only(s))
            return dpu_vfail_node(d, n, DPU_E_INVALID,
                                  "attribute '%s' applies to float graphs only", s->name);
        if (!g->quantized && dpu_attr_desc_quantized_only(s))
            return dpu_vfail_node(d, n, DPU_E_INVALID,
                                  "attribute '%s' applies to quantized graphs only", s->name);
    }
    size_t count;
    const struct dpu_attr_desc *all = dpu_attr_desc_all(&count);
    for (size_t i = 0; i < count; i++) {
        const struct dpu_attr_desc *s = &all[i];
        bool required = s->req == DPU_REQ_R || (s->req == DPU_REQ_RQ && g->quantized) ||
                        (s->req == DPU_REQ_RF && !g->quantized);
        if (s->op == n->op && required && !dpu_node_attr(n, s->name))
            return dpu_vfail_node(d, n, DPU_E_INVALID, "missing required attribute '%s'", s->name);
    }
    return DPU_OK;
}

static int check_clamp(const struct dpu_gnode *n, const struct dpu_attr *a, struct dpu_diag *d)
{
    if (a->n != 2)
        return dpu_vfail_node(d, n, DPU_E_INVALID, "attribute 'clamp' has %zu values, expected 2",
                              a->n);
    int64_t lo = a->ints[0], hi = a->ints[1];
    if (lo < -128 || hi > 127 || lo > hi)
        return dpu_vfail_node(d, n, DPU_E_RANGE,
                              "clamp [%" PRId64 ", %" PRId64 "] is not within -128 <= lo <= hi "
                              "<= 127",
                              lo, hi);
    return DPU_OK;
}

static int check_lut(const struct dpu_gnode *n, const struct dpu_attr *a, struct dpu_diag *d)
{
    if (a->n != 256)
        return dpu_vfail_node(d, n, DPU_E_INVALID, "attribute 'lut' has %zu values, expected 256",
                              a->n);
    for (size_t i = 0; i < 256; i++)
        if (a->ints[i] < -128 || a->ints[i] > 127)
            return dpu_vfail_node(
                d, n, DPU_E_RANGE,
                "lut entry %zu is %" PRId64 ", outside the int8 range [-128, 127]", i, a->ints[i]);
    return DPU_OK;
}

/* T[d] = round(exp(-d s) 2^23) lies in [0, 2^23], never grows with d, and starts at
 * exp(0) 2^23 = 2^23 (the largest input's own term: the kernel divides by a sum holding it). */
static int check_exp_table(const struct dpu_gnode *n, const struct dpu_attr *a, struct dpu_diag *d)
{
    if (a->n != 256)
        return dpu_vfail_node(d, n, DPU_E_INVALID,
                              "attribute 'exp_table' has %zu values, expected 256", a->n);
    for (size_t i = 0; i < 256; i++) {
        if (a->ints[i] < 0 || a->ints[i] > ((int64_t)1 << 23))
            return dpu_vfail_node(d, n, DPU_E_RANGE,
                                  "exp_table entry %zu is %" PRId64 ", outside [0, 2^23]", i,
                                  a->ints[i]);
        if (i == 0 && a->ints[0] != ((int64_t)1 << 23))
            return dpu_vfail_node(d, n, DPU_E_RANGE,
                                  "exp_table entry 0 is %" PRId64 ", expected exp(0) * 2^23 = "
                                  "8388608",
                                  a->ints[0]);
        if (i > 0 && a->ints[i] > a->ints[i - 1])
            return dpu_vfail_node(d, n, DPU_E_RANGE,
                                  "exp_table entry %zu (%" PRId64 ") is larger than entry %zu", i,
                                  a->ints[i], i - 1);
    }
    return DPU_OK;
}

static int check_value(const struct dpu_gnode *n, const struct dpu_attr *a, struct dpu_diag *d)
{
    const char *nm = a->name;
    if (strcmp(nm, "clamp") == 0)
        return check_clamp(n, a, d);
    if (strcmp(nm, "lut") == 0)
        return check_lut(n, a, d);
    if (strcmp(nm, "exp_table") == 0)
        return check_exp_table(n, a, d);
    if (strcmp(nm, "ceil_mode") == 0 || strcmp(nm, "count_include_pad") == 0 ||
        strcmp(nm, "transA") == 0 || strcmp(nm, "transB") == 0) {
        if (a->i != 0 && a->i != 1)
            return dpu_vfail_node(d, n, DPU_E_RANGE, "attribute '%s' is %" PRId64 ", not 0 or 1",
                                  nm, a->i);
        return DPU_OK;
    }
    if (strcmp(nm, "qvalue") == 0 && (a->i < -128 || a->i > 127))
        return dpu_vfail_node(d, n, DPU_E_RANGE,
                              "attribute 'qvalue' is %" PRId64 ", outside [-128, 127]", a->i);
    if (a->type == DPU_ATTR_FLOAT) {
        /* Clip's bounds default to -inf and +inf, so infinities are meaningful there. */
        bool inf_ok = n->op == DPU_NODE_CLIP;
        if (isnan(a->f) || (!inf_ok && isinf(a->f)))
            return dpu_vfail_node(d, n, DPU_E_RANGE, "attribute '%s' is %g, not a finite number",
                                  nm, a->f);
        if (strcmp(nm, "epsilon") == 0 && a->f < 0)
            return dpu_vfail_node(d, n, DPU_E_RANGE, "attribute 'epsilon' is negative (%g)", a->f);
    }
    return DPU_OK;
}

int dpu_verify_node_attrs(const struct dpu_graph *g, const struct dpu_gnode *n, struct dpu_diag *d)
{
    int err = check_schema(g, n, d);
    for (size_t k = 0; k < n->nattrs && !err; k++)
        err = check_value(n, &n->attrs[k], d);
    if (err)
        return err;
    if (n->op == DPU_NODE_CLIP) {
        double lo = dpu_node_get_float(n, "min", -INFINITY);
        double hi = dpu_node_get_float(n, "max", INFINITY);
        if (lo > hi)
            return dpu_vfail_node(d, n, DPU_E_RANGE, "min %g is larger than max %g", lo, hi);
    }
    return DPU_OK;
}
