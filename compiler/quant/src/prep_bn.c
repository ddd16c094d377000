/* Preparation: BatchNorm folding.
 *
 * Inference BatchNorm is an affine map per channel c:
 *     BN(y)[c] = (y[c] - mean[c]) / sqrt(var[c] + eps) * gamma[c] + beta[c] = a[c] y[c] + t[c],
 *     a[c] = gamma[c] / sqrt(var[c] + eps),   t[c] = beta[c] - mean[c] a[c].
 * After a Conv2D or FullyConnected, y[c] = sum w[c, ...] x + b[c], so
 *     BN(y)[c] = sum (a[c] w[c, ...]) x + (a[c] b[c] + t[c]),
 * the same layer with w' = a w and b' = a b + t (b = 0 when the layer had no bias). The fold is
 * exact in real arithmetic; a, t, w' and b' are computed in double and each rounded to float
 * once, so the folded layer differs from conv-then-BN only by float rounding (the tests hold
 * it to 1e-5 relative).
 *
 * A BatchNorm that does not follow such a layer (or follows one whose output something else
 * also reads) becomes Mul(x, a) then Add(., t), with a and t constants shaped [C, 1, ..., 1]
 * to broadcast over the channel axis. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quant_internal.h"

struct bn_affine {
    int64_t c;
    double *a, *t;
};

static int bn_params(const struct dpu_graph *g, const struct dpu_gnode *n, struct bn_affine *p,
                     struct dpu_diag *d)
{
    for (size_t k = 1; k < 5; k++)
        if (!g->tensors[n->inputs[k]].data)
            return q_fail(d, n, DPU_E_UNSUPPORTED,
                          "parameter input %zu '%s' is not a constant; only inference "
                          "BatchNorm with constant parameters can be quantized",
                          k, g->tensors[n->inputs[k]].name);
    double eps = dpu_node_get_float(n, "epsilon", 1e-5);
    const float *gamma = g->tensors[n->inputs[1]].data, *beta = g->tensors[n->inputs[2]].data;
    const float *mean = g->tensors[n->inputs[3]].data, *var = g->tensors[n->inputs[4]].data;
    p->c = g->tensors[n->inputs[1]].dims[0];
    p->a = malloc((size_t)(p->c > 0 ? p->c : 1) * 2 * sizeof *p->a);
    if (!p->a)
        return dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
    p->t = p->a + p->c;
    for (int64_t c = 0; c < p->c; c++) {
        double v = (double)var[c] + eps;
        if (!(v > 0))
            return q_fail(d, n, DPU_E_RANGE, "channel %lld: var + epsilon = %g is not positive",
                          (long long)c, v);
        p->a[c] = (double)gamma[c] / sqrt(v);
        p->t[c] = (double)beta[c] - (double)mean[c] * p->a[c];
    }
    return DPU_OK;
}

/* The Conv2D/FullyConnected whose output only bn reads, or -1. */
static int foldable_producer(const struct dpu_graph *g, const struct dpu_gnode *bn)
{
    int32_t x = bn->inputs[0];
    int p = q_producer(g, x);
    if (p < 0 || q_uses(g, x) != 1 || q_is_output(g, x))
        return -1;
    const struct dpu_gnode *pn = &g->nodes[p];
    if (pn->op != DPU_NODE_CONV2D && pn->op != DPU_NODE_FULLY_CONNECTED)
        return -1;
    if (!g->tensors[pn->inputs[1]].data)
        return -1;
    if (pn->ninputs > 2 && pn->inputs[2] >= 0 && !g->tensors[pn->inputs[2]].data)
        return -1;
    return p;
}

static int fold_into(struct dpu_graph *g, int p, int bn, const struct bn_affine *ap,
                     struct dpu_diag *d)
{
    int tw = q_own_constant(g, p, 1, d);
    if (tw < 0)
        return tw;
    struct dpu_gnode *pn = &g->nodes[p];
    bool has_bias = pn->ninputs > 2 && pn->inputs[2] >= 0;
    int tb = -1;
    if (has_bias) {
        tb = q_own_constant(g, p, 2, d);
    } else {
        float *zero = calloc((size_t)(ap->c > 0 ? ap->c : 1), sizeof *zero);
        char base[512];
        snprintf(base, sizeof base, "%s/bias", g->nodes[p].name);
        tb = zero ? q_add_const_f32(g, base, 1, &ap->c, zero, d)
                  : dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
        free(zero);
        if (tb >= 0) {
            int32_t in[3] = {g->nodes[p].inputs[0], g->nodes[p].inputs[1], tb};
            int err = q_set_inputs(&g->nodes[p], 3, in, d);
            if (err)
                return err;
        }
    }
    if (tb < 0)
        return tb;
    struct dpu_gtensor *w = &g->tensors[tw], *b = &g->tensors[tb];
    int64_t per = dpu_shape_count(w->rank, w->dims) / (w->dims[0] ? w->dims[0] : 1);
    float *wv = w->data, *bv = b->data;
    for (int64_t c = 0; c < ap->c; c++) {
        for (int64_t k = 0; k < per; k++)
            wv[c * per + k] = (float)((double)wv[c * per + k] * ap->a[c]);
        bv[c] = (float)((double)bv[c] * ap->a[c] + ap->t[c]);
    }
    /* The layer now writes what the BatchNorm wrote. */
    g->nodes[p].outputs[0] = g->nodes[bn].outputs[0];
    return DPU_OK;
}

/* BN -> Mul(x, a) + Add(., t): the node itself becomes the Mul, a new Add follows. */
static int to_mul_add(struct dpu_graph *g, int bn, const struct bn_affine *ap, struct dpu_diag *d)
{
    const struct dpu_gtensor *x = &g->tensors[g->nodes[bn].inputs[0]];
    int64_t dims[DPU_TENSOR_MAX_RANK], xd[DPU_TENSOR_MAX_RANK];
    int rank = x->rank - 1 > 0 ? x->rank - 1 : 1, xr = x->rank;
    memcpy(xd, x->dims, sizeof xd);
    dims[0] = ap->c;
    for (int i = 1; i < rank; i++)
        dims[i] = 1;
    float *av = malloc((size_t)(ap->c > 0 ? ap->c : 1) * 2 * sizeof *av);
    if (!av)
        return dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
    float *tv = av + ap->c;
    for (int64_t c = 0; c < ap->c; c++) {
        av[c] = (float)ap->a[c];
        tv[c] = (float)ap->t[c];
    }
    char base[512], name[512];
    snprintf(base, sizeof base, "%s/scale", g->nodes[bn].name);
    int ta = q_add_const_f32(g, base, rank, dims, av, d);
    snprintf(base, sizeof base, "%s/shift", g->nodes[bn].name);
    int tt = ta < 0 ? ta : q_add_const_f32(g, base, rank, dims, tv, d);
    free(av);
    if (tt < 0)
        return tt;
    snprintf(base, sizeof base, "%s/scaled", g->nodes[bn].name);
    q_unique_name(g, base, name, sizeof name);
    int tm = dpu_graph_add_tensor(g, name, DPU_DT_FLOAT32, xr, xd, NULL);
    if (tm < 0)
        return dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
    int32_t y = g->nodes[bn].outputs[0];
    int32_t in_mul[2] = {g->nodes[bn].inputs[0], ta};
    int err = q_set_inputs(&g->nodes[bn], 2, in_mul, d);
    if (err)
        return err;
    q_clear_attrs(&g->nodes[bn]);
    g->nodes[bn].op = DPU_NODE_MUL;
    g->nodes[bn].outputs[0] = tm;
    snprintf(base, sizeof base, "%s/add", g->nodes[bn].name);
    int32_t in_add[2] = {tm, tt};
    if (dpu_graph_add_node(g, base, DPU_NODE_ADD, 2, in_add, 1, &y) < 0)
        return dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
    return DPU_OK;
}

int dpu_qprep_fold_batchnorm(struct dpu_graph *g, struct dpu_diag *d)
{
    size_t n0 = g->nnodes;
    bool *drop = calloc(n0 ? n0 : 1, sizeof *drop);
    if (!drop)
        return dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
    bool changed = false;
    int err = DPU_OK;
    for (size_t i = 0; i < n0 && !err; i++) {
        if (g->nodes[i].op != DPU_NODE_BATCH_NORM)
            continue;
        struct bn_affine ap = {0, NULL, NULL};
        err = bn_params(g, &g->nodes[i], &ap, d);
        if (!err) {
            int p = foldable_producer(g, &g->nodes[i]);
            if (p >= 0) {
                err = fold_into(g, p, (int)i, &ap, d);
                drop[i] = true;
            } else {
                err = to_mul_add(g, (int)i, &ap, d);
            }
        }
        free(ap.a);
        changed = true;
    }
    if (!err && changed) {
        /* Nodes added by to_mul_add are past n0: widen the drop list with false entries. */
        bool *all = calloc(g->nnodes ? g->nnodes : 1, sizeof *all);
        if (!all)
            err = dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
        else {
            memcpy(all, drop, n0 * sizeof *all);
            err = q_compact(g, all, d);
            free(all);
        }
        if (!err)
            err = q_verify(g, "fold-bn", d);
    }
    free(drop);
    return err;
}
