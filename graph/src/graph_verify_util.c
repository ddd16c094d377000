/* The verifier's view of ops.def and op_attrs.def, and the helpers every phase uses to name
 * the node, tensor and attribute at fault. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "graph_verify_internal.h"

static const struct dpu_op_desc op_table[DPU_NODE_COUNT] = {
#define X(e, nm, mi, ma, no, f, q, doc) {nm, mi, ma, no, f, q},
#include "dpu/ops.def"
#undef X
};

const struct dpu_op_desc *dpu_op_desc(enum dpu_node_op op)
{
    return (unsigned)op < DPU_NODE_COUNT ? &op_table[op] : NULL;
}

#define REQ_O  DPU_REQ_O
#define REQ_R  DPU_REQ_R
#define REQ_RQ DPU_REQ_RQ
#define REQ_RF DPU_REQ_RF
static const struct dpu_attr_desc attr_table[] = {
#define A(op, nm, type, req, doc) {DPU_NODE_##op, nm, DPU_ATTR_##type, REQ_##req, doc},
#include "dpu/op_attrs.def"
#undef A
};
#define N_ATTRS (sizeof attr_table / sizeof attr_table[0])

const struct dpu_attr_desc *dpu_attr_desc_find(enum dpu_node_op op, const char *name)
{
    for (size_t i = 0; i < N_ATTRS; i++)
        if (attr_table[i].op == op && strcmp(attr_table[i].name, name) == 0)
            return &attr_table[i];
    return NULL;
}

const struct dpu_attr_desc *dpu_attr_desc_all(size_t *count)
{
    *count = N_ATTRS;
    return attr_table;
}

bool dpu_attr_desc_quantized_only(const struct dpu_attr_desc *a)
{
    return a->req == DPU_REQ_RQ || strncmp(a->doc, "quantized", 9) == 0;
}

bool dpu_attr_desc_float_only(const struct dpu_attr_desc *a)
{
    return a->req == DPU_REQ_RF || strncmp(a->doc, "float", 5) == 0;
}

const char *dpu_vname(const char *s, char buf[VNAME_MAX])
{
    if (!s)
        s = "";
    size_t n = 0, keep = VNAME_MAX - 4; /* room for "..." and the NUL */
    for (; s[n] && n < VNAME_MAX - 1; n++)
        buf[n] = (s[n] >= 0x20 && s[n] < 0x7f) ? s[n] : '?';
    if (s[n] && n == VNAME_MAX - 1) {
        n = keep;
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n] = '\0';
    return buf;
}

static int vfail_prefixed(struct dpu_diag *d, int err, const char *prefix, const char *fmt,
                          va_list ap)
{
    char msg[sizeof d->msg];
    vsnprintf(msg, sizeof msg, fmt, ap);
    return dpu_diag_set(d, err, "%s%s", prefix, msg);
}

int dpu_vfail_node(struct dpu_diag *d, const struct dpu_gnode *n, int err, const char *fmt, ...)
{
    char nb[VNAME_MAX], prefix[VNAME_MAX + 64];
    const char *op = dpu_node_op_name(n->op);
    snprintf(prefix, sizeof prefix, "node '%s' (%s): ", dpu_vname(n->name, nb), op ? op : "?");
    va_list ap;
    va_start(ap, fmt);
    vfail_prefixed(d, err, prefix, fmt, ap);
    va_end(ap);
    return err;
}

int dpu_vfail_tensor(struct dpu_diag *d, const struct dpu_gtensor *t, int err, const char *fmt, ...)
{
    char nb[VNAME_MAX], prefix[VNAME_MAX + 16];
    snprintf(prefix, sizeof prefix, "tensor '%s': ", dpu_vname(t->name, nb));
    va_list ap;
    va_start(ap, fmt);
    vfail_prefixed(d, err, prefix, fmt, ap);
    va_end(ap);
    return err;
}

const char *dpu_vdims(int rank, const int64_t *dims, char buf[DPU_VDIMS_MAX])
{
    size_t n = 0;
    buf[n++] = '[';
    /* 8 dims of at most 20 characters and a comma each fit in DPU_VDIMS_MAX. */
    for (int i = 0; i < rank && i < DPU_TENSOR_MAX_RANK; i++)
        n += (size_t)snprintf(buf + n, DPU_VDIMS_MAX - n, "%s%" PRId64, i ? "," : "", dims[i]);
    snprintf(buf + n, DPU_VDIMS_MAX - n, "]");
    return buf;
}

const struct dpu_gtensor *dpu_vin(const struct dpu_graph *g, const struct dpu_gnode *n, size_t i)
{
    if (i >= n->ninputs || n->inputs[i] < 0)
        return NULL;
    return &g->tensors[n->inputs[i]];
}

const struct dpu_gtensor *dpu_vout(const struct dpu_graph *g, const struct dpu_gnode *n, size_t i)
{
    if (i >= n->noutputs || n->outputs[i] < 0)
        return NULL;
    return &g->tensors[n->outputs[i]];
}

int dpu_vget_int(const struct dpu_gnode *n, const char *name, int64_t def, int64_t lo, int64_t hi,
                 int64_t *out, struct dpu_diag *d)
{
    const struct dpu_attr *a = dpu_node_attr(n, name);
    *out = def;
    if (!a)
        return DPU_OK;
    if (a->i < lo || a->i > hi)
        return dpu_vfail_node(d, n, DPU_E_RANGE,
                              "attribute '%s' is %" PRId64 ", outside [%" PRId64 ", %" PRId64 "]",
                              name, a->i, lo, hi);
    *out = a->i;
    return DPU_OK;
}

int dpu_vget_ints(const struct dpu_gnode *n, const char *name, size_t len, const int64_t *def,
                  int64_t lo, int64_t hi, int64_t *out, struct dpu_diag *d)
{
    const struct dpu_attr *a = dpu_node_attr(n, name);
    if (!a) {
        if (len)
            memcpy(out, def, len * sizeof *out);
        return DPU_OK;
    }
    if (a->n != len)
        return dpu_vfail_node(d, n, DPU_E_INVALID, "attribute '%s' has %zu values, expected %zu",
                              name, a->n, len);
    for (size_t i = 0; i < len; i++) {
        if (a->ints[i] < lo || a->ints[i] > hi)
            return dpu_vfail_node(d, n, DPU_E_RANGE,
                                  "attribute '%s' value %zu is %" PRId64 ", outside [%" PRId64
                                  ", %" PRId64 "]",
                                  name, i, a->ints[i], lo, hi);
        out[i] = a->ints[i];
    }
    return DPU_OK;
}
