/* The geometry of a quantized Conv2D or FullyConnected and of its float twin, for the passes
 * that revisit emitted layers with calibration data (bias correction, AdaRound). */
#include <string.h>

#include "quant_internal.h"

/* INTS attribute `name` of exactly `count` values, else `def` (all count values). */
static void ints_or(const struct dpu_gnode *n, const char *name, size_t count, int64_t def,
                    int64_t *v)
{
    const struct dpu_attr *a = dpu_node_attr(n, name);
    for (size_t i = 0; i < count; i++)
        v[i] = a && a->type == DPU_ATTR_INTS && a->n == count ? a->ints[i] : def;
}

/* The float node of fg with qg node n's name and op, or -1. */
static int float_twin(const struct dpu_graph *fg, const struct dpu_gnode *n)
{
    for (size_t i = 0; i < fg->nnodes; i++)
        if (fg->nodes[i].op == n->op && strcmp(fg->nodes[i].name, n->name) == 0)
            return (int)i;
    return -1;
}

bool q_conv_of(const struct dpu_graph *fg, const struct dpu_graph *qg, size_t i, struct qconv *L)
{
    const struct dpu_gnode *n = &qg->nodes[i];
    if (n->op != DPU_NODE_CONV2D && n->op != DPU_NODE_FULLY_CONNECTED)
        return false;
    bool bias = n->ninputs > 2 && n->inputs[2] >= 0;
    const struct dpu_gtensor *x = &qg->tensors[n->inputs[0]], *wq = &qg->tensors[n->inputs[1]];
    const struct dpu_gtensor *y = &qg->tensors[n->outputs[0]];
    int f = float_twin(fg, n);
    if (f < 0 || x->dtype != DPU_DT_INT8 || x->quant.count != 1 || wq->dtype != DPU_DT_INT8 ||
        !wq->data || (bias && qg->tensors[n->inputs[2]].dtype != DPU_DT_INT32))
        return false;
    const struct dpu_gtensor *wf = &fg->tensors[fg->nodes[f].inputs[1]];
    if (!wf->data || wf->dtype != DPU_DT_FLOAT32 || wf->rank != wq->rank ||
        memcmp(wf->dims, wq->dims, (size_t)wq->rank * sizeof *wq->dims) != 0)
        return false;
    memset(L, 0, sizeof *L);
    L->qnode = (int32_t)i;
    L->fnode = f;
    L->input = n->inputs[0];
    L->m = wq->dims[0];
    if (n->op == DPU_NODE_FULLY_CONNECTED) {
        if (x->rank != 2 || wq->rank != 2)
            return false;
        L->cin = L->cg = x->dims[1];
        L->taps = L->h = L->w = L->oh = L->ow = L->kh = L->kw = 1;
        L->sh = L->sw = L->dh = L->dw = 1;
        return true;
    }
    if (x->rank != 4 || wq->rank != 4 || y->rank != 4)
        return false;
    int64_t s[2], dl[2], p[4];
    ints_or(n, "strides", 2, 1, s);
    ints_or(n, "dilations", 2, 1, dl);
    ints_or(n, "pads", 4, 0, p);
    L->cin = x->dims[1];
    L->cg = wq->dims[1];
    L->h = x->dims[2];
    L->w = x->dims[3];
    L->kh = wq->dims[2];
    L->kw = wq->dims[3];
    L->taps = L->kh * L->kw;
    L->oh = y->dims[2];
    L->ow = y->dims[3];
    L->sh = s[0];
    L->sw = s[1];
    L->dh = dl[0];
    L->dw = dl[1];
    L->pt = p[0];
    L->pl = p[1];
    return L->cg > 0 && L->cin % L->cg == 0;
}

/* The outputs o in [0, count) whose tap position o * stride - pad + k * dil lies in [0, size):
 * [*a, *b). */
void q_tap_range(int64_t count, int64_t stride, int64_t pad, int64_t off, int64_t size, int64_t *a,
                 int64_t *b)
{
    int64_t base = off - pad; /* position of output 0 */
    int64_t lo = base >= 0 ? 0 : (-base + stride - 1) / stride;
    int64_t hi = size - 1 - base < 0 ? 0 : (size - 1 - base) / stride + 1;
    *a = lo < count ? lo : count;
    *b = hi < count ? hi : count;
    if (*b < *a)
        *b = *a;
}
