/* Preparation: Reshape and Flatten that do nothing, or that follow one another.
 *
 * In a quantized graph they move no bytes that matter (they keep their input's scale), but
 * each is a node the compiler must schedule and a tensor the calibration must watch. So:
 *   - one whose output shape equals its input's is removed, its readers reading its input;
 *   - one reading another's output (and the only reader of it) reads that one's input
 *     instead and becomes a Reshape to its own (resolved) output shape; the first goes.
 * A graph output keeps its name, so a node writing one stays. */
#include <stdlib.h>
#include <string.h>

#include "quant_internal.h"

static bool is_view(const struct dpu_gnode *n)
{
    return n->op == DPU_NODE_RESHAPE || n->op == DPU_NODE_FLATTEN;
}

static bool same_shape(const struct dpu_gtensor *a, const struct dpu_gtensor *b)
{
    if (a->rank != b->rank)
        return false;
    for (int i = 0; i < a->rank; i++)
        if (a->dims[i] != b->dims[i])
            return false;
    return true;
}

/* One sweep; *changed says whether it did anything. */
static int sweep(struct dpu_graph *g, bool *drop, bool *changed, struct dpu_diag *d)
{
    for (size_t i = 0; i < g->nnodes; i++) {
        struct dpu_gnode *n = &g->nodes[i];
        if (drop[i] || !is_view(n))
            continue;
        int32_t x = n->inputs[0], y = n->outputs[0];
        if (same_shape(&g->tensors[x], &g->tensors[y]) && !q_is_output(g, y)) {
            q_replace_uses(g, y, x);
            drop[i] = *changed = true;
            continue;
        }
        int p = q_producer(g, x);
        if (p < 0 || drop[p] || !is_view(&g->nodes[p]) || q_uses(g, x) != 1 || q_is_output(g, x))
            continue;
        /* x = view(x0), y = view(x): y = Reshape(x0) to y's shape. */
        const struct dpu_gtensor *yt = &g->tensors[y];
        int64_t shape[DPU_TENSOR_MAX_RANK];
        memcpy(shape, yt->dims, sizeof shape);
        int rank = yt->rank;
        n->inputs[0] = g->nodes[p].inputs[0];
        q_clear_attrs(n);
        n->op = DPU_NODE_RESHAPE;
        if (dpu_node_set_ints(g, (int)i, "shape", (size_t)rank, shape))
            return dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
        drop[p] = *changed = true;
    }
    return DPU_OK;
}

int dpu_qprep_remove_reshapes(struct dpu_graph *g, struct dpu_diag *d)
{
    bool *drop = calloc(g->nnodes ? g->nnodes : 1, sizeof *drop);
    if (!drop)
        return dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
    bool any = false, changed;
    int err = DPU_OK;
    do {
        changed = false;
        err = sweep(g, drop, &changed, d);
        any |= changed;
    } while (!err && changed);
    if (!err && any)
        err = q_compact(g, drop, d);
    if (!err && any)
        err = q_verify(g, "remove-reshapes", d);
    free(drop);
    return err;
}
