/* Preparation: constant folding. A node whose inputs are all constants is run once by the
 * float reference interpreter (as a one-node graph) and its output becomes a constant, so
 * that nothing is left to quantize that is not data-dependent. Nodes are visited in
 * topological order, so chains fold in one sweep. Graph outputs stay computed. */
#include <stdlib.h>
#include <string.h>

#include "dpu/ref.h"
#include "quant_internal.h"

static bool all_inputs_constant(const struct dpu_graph *g, const struct dpu_gnode *n)
{
    for (size_t k = 0; k < n->ninputs; k++)
        if (n->inputs[k] >= 0 && !g->tensors[n->inputs[k]].data)
            return false;
    return n->ninputs > 0;
}

/* Runs node ni alone; on success the output tensor holds the result as its data. */
static int evaluate(struct dpu_graph *g, size_t ni, struct dpu_diag *d)
{
    const struct dpu_gnode *n = &g->nodes[ni];
    struct dpu_graph one;
    dpu_graph_init(&one);
    int32_t in[64];
    int err = DPU_OK;
    for (size_t k = 0; k < n->ninputs && k < 64 && !err; k++) {
        const struct dpu_gtensor *t = n->inputs[k] >= 0 ? &g->tensors[n->inputs[k]] : NULL;
        in[k] = t ? dpu_graph_add_tensor(&one, t->name, t->dtype, t->rank, t->dims, t->data) : -1;
        if (t && in[k] < 0)
            err = DPU_E_NOMEM;
    }
    const struct dpu_gtensor *y = &g->tensors[n->outputs[0]];
    int32_t out = err ? -1 : dpu_graph_add_tensor(&one, y->name, y->dtype, y->rank, y->dims, NULL);
    if (!err && (out < 0 || dpu_graph_add_output(&one, out) < 0 ||
                 dpu_graph_add_node(&one, n->name, n->op, n->ninputs, in, 1, &out) < 0))
        err = DPU_E_NOMEM;
    if (err) {
        dpu_graph_free(&one);
        return dpu_diag_set(d, err, "quantizer: out of memory");
    }
    err = q_copy_attrs(&one, 0, n, NULL, d);
    struct dpu_tensor result;
    memset(&result, 0, sizeof result);
    if (!err)
        err = dpu_ref_run(&one, NULL, 0, &result, d);
    dpu_graph_free(&one);
    if (err)
        return err;
    struct dpu_gtensor *yt = &g->tensors[g->nodes[ni].outputs[0]];
    free(yt->data);
    yt->data = result.data; /* same dtype and dims: the interpreter checked them */
    return DPU_OK;
}

int dpu_qprep_fold_constants(struct dpu_graph *g, struct dpu_diag *d)
{
    bool *drop = calloc(g->nnodes ? g->nnodes : 1, sizeof *drop);
    if (!drop)
        return dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
    bool changed = false;
    int err = DPU_OK;
    for (size_t i = 0; i < g->nnodes && !err; i++) {
        const struct dpu_gnode *n = &g->nodes[i];
        if (n->noutputs != 1 || !all_inputs_constant(g, n) || q_is_output(g, n->outputs[0]))
            continue;
        err = evaluate(g, i, d);
        drop[i] = changed = true;
    }
    if (!err && changed)
        err = q_compact(g, drop, d);
    if (!err && changed)
        err = q_verify(g, "fold-constants", d);
    free(drop);
    return err;
}
