/* Messages that name the node at fault: "node 'conv1' (Conv2D): ...", so a user can find the
 * layer in their model. */
#include <stdarg.h>
#include <stdio.h>

#include "ref_internal.h"

static const char *op_name(const struct dpu_gnode *n)
{
    const char *s = dpu_node_op_name(n->op);
    return s ? s : "?";
}

int ref_node_err(struct dpu_diag *d, const struct dpu_gnode *n, int err, const char *fmt, ...)
{
    char msg[sizeof d->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return dpu_diag_set(d, err, "node '%s' (%s): %s", n->name ? n->name : "", op_name(n), msg);
}

int ref_node_wrap(struct dpu_diag *d, const struct dpu_gnode *n, int err, const char *what,
                  const struct dpu_diag *inner)
{
    return ref_node_err(d, n, err, "%s: %s", what, dpu_diag_message(inner));
}

const char *ref_tensor_name(const struct dpu_graph *g, int32_t t)
{
    if (t < 0 || (size_t)t >= g->ntensors || !g->tensors[t].name)
        return "?";
    return g->tensors[t].name;
}
