/* Pass check: the input is a verified quantized graph; set up the per-node and per-tensor
 * annotations (producers, graph inputs and outputs, constants). */
#include <stdlib.h>

#include "lower.h"

int lw_pass_check(struct lw_ctx *c)
{
    struct dpu_graph *g = c->g;
    int err = dpu_graph_verify(g, c->d);
    if (err)
        return err;
    if (!g->quantized)
        return dpu_diag_set(c->d, DPU_E_UNSUPPORTED,
                            "graph '%s' is a float graph: quantize it first (dpuc quantize)",
                            g->name ? g->name : "");
    if (g->nnodes == 0)
        return dpu_diag_set(c->d, DPU_E_UNSUPPORTED, "graph has no nodes: nothing to compile");
    c->nodes = calloc(g->nnodes, sizeof *c->nodes);
    c->tensors = calloc(g->ntensors ? g->ntensors : 1, sizeof *c->tensors);
    if (!c->nodes || !c->tensors)
        return dpu_diag_set(c->d, DPU_E_NOMEM, "out of memory");
    for (size_t t = 0; t < g->ntensors; t++) {
        c->tensors[t].is_const = g->tensors[t].data != NULL;
        c->tensors[t].producer = -1;
    }
    for (size_t n = 0; n < g->nnodes; n++)
        for (size_t k = 0; k < g->nodes[n].noutputs; k++)
            if (g->nodes[n].outputs[k] >= 0)
                c->tensors[g->nodes[n].outputs[k]].producer = (int)n;
    for (size_t i = 0; i < g->ninputs; i++)
        c->tensors[g->inputs[i]].graph_in = true;
    for (size_t i = 0; i < g->noutputs; i++) {
        struct lw_tensor *t = &c->tensors[g->outputs[i]];
        t->graph_out = true;
        if (t->graph_in || t->producer < 0)
            return dpu_diag_set(c->d, DPU_E_UNSUPPORTED,
                                "graph output '%s' is not computed by any node",
                                g->tensors[g->outputs[i]].name);
    }
    return 0;
}
