/* Per-node and total parameter and MAC counts of a verified graph (dpu/graph_info.h). */
#include "dpu/graph_info.h"

#include <stdlib.h>
#include <string.h>

static int64_t sat_mul(int64_t a, int64_t b)
{
    if (a == 0 || b == 0)
        return 0;
    return a > INT64_MAX / b ? INT64_MAX : a * b;
}

static int64_t sat_add(int64_t a, int64_t b)
{
    return a > INT64_MAX - b ? INT64_MAX : a + b;
}

static int64_t count_of(const struct dpu_gtensor *t)
{
    int64_t c = dpu_shape_count(t->rank, t->dims);
    return c < 0 ? 0 : c;
}

static int64_t node_macs(const struct dpu_graph *g, const struct dpu_gnode *n)
{
    const struct dpu_gtensor *y = &g->tensors[n->outputs[0]];
    const struct dpu_gtensor *a = &g->tensors[n->inputs[0]];
    const struct dpu_gtensor *b = n->ninputs > 1 ? &g->tensors[n->inputs[1]] : NULL;
    int64_t inner;
    switch (n->op) {
    case DPU_NODE_CONV2D: /* weights [M, C/group, kH, kW] */
        inner = sat_mul(sat_mul(b->dims[1], b->dims[2]), b->dims[3]);
        break;
    case DPU_NODE_FULLY_CONNECTED: /* x [N, K] */
    case DPU_NODE_MATMUL:          /* a [..., N, K] */
        inner = a->dims[a->rank - 1];
        break;
    case DPU_NODE_GEMM: /* A [M, K] or, transposed, [K, M] */
        inner = a->dims[dpu_node_get_int(n, "transA", 0) ? 0 : 1];
        break;
    default:
        return 0;
    }
    return sat_mul(count_of(y), inner);
}

int dpu_graph_info_compute(const struct dpu_graph *g, struct dpu_graph_info *info,
                           struct dpu_diag *d)
{
    memset(info, 0, sizeof *info);
    info->nodes = calloc(g->nnodes ? g->nnodes : 1, sizeof *info->nodes);
    if (!info->nodes)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory summarizing %zu nodes", g->nnodes);
    info->nnodes = g->nnodes;
    for (size_t i = 0; i < g->nnodes; i++) {
        const struct dpu_gnode *n = &g->nodes[i];
        struct dpu_node_info *ni = &info->nodes[i];
        ni->node = n;
        ni->output = &g->tensors[n->outputs[0]];
        for (size_t k = 0; k < n->ninputs; k++) {
            if (n->inputs[k] < 0 || !g->tensors[n->inputs[k]].data)
                continue;
            const struct dpu_gtensor *t = &g->tensors[n->inputs[k]];
            ni->params = sat_add(ni->params, count_of(t));
            ni->param_bytes =
                sat_add(ni->param_bytes, sat_mul(count_of(t), (int64_t)dpu_dtype_size(t->dtype)));
        }
        ni->macs = node_macs(g, n);
        info->macs = sat_add(info->macs, ni->macs);
    }
    for (size_t i = 0; i < g->ntensors; i++) {
        const struct dpu_gtensor *t = &g->tensors[i];
        if (!t->data)
            continue;
        info->nconstants++;
        info->params = sat_add(info->params, count_of(t));
        info->param_bytes =
            sat_add(info->param_bytes, sat_mul(count_of(t), (int64_t)dpu_dtype_size(t->dtype)));
    }
    return DPU_OK;
}

void dpu_graph_info_free(struct dpu_graph_info *info)
{
    free(info->nodes);
    memset(info, 0, sizeof *info);
}
