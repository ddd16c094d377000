/* Preparation: Gemm -> FullyConnected.
 *
 * Gemm computes Y = alpha A' B' + beta C. With transA = 0, a constant B and a constant C that
 * broadcasts along rows (absent, one value, [N] or [1, N]) this is FullyConnected
 *     y[m, n] = sum_k A[m, k] W[n, k] + b[n],  W = alpha B' ^T,  b = beta C,
 * W laid out [N, K] (B transposed unless transB = 1). alpha and beta fold in double and are
 * rounded to float once per value. Anything else has no int8 form and is refused. */
#include <stdlib.h>
#include <string.h>

#include "quant_internal.h"

static int convert(struct dpu_graph *g, int ni, struct dpu_diag *d)
{
    struct dpu_gnode *n = &g->nodes[ni];
    double alpha = dpu_node_get_float(n, "alpha", 1.0), beta = dpu_node_get_float(n, "beta", 1.0);
    int64_t ta = dpu_node_get_int(n, "transA", 0), tb = dpu_node_get_int(n, "transB", 0);
    int32_t ia = n->inputs[0], ib = n->inputs[1], ic = n->ninputs > 2 ? n->inputs[2] : -1;
    const struct dpu_gtensor *B = &g->tensors[ib];
    if (ta)
        return q_fail(d, n, DPU_E_UNSUPPORTED,
                      "transA = 1: FullyConnected reads its activation untransposed; put a "
                      "Transpose before the Gemm");
    if (!B->data)
        return q_fail(d, n, DPU_E_UNSUPPORTED,
                      "input B '%s' is not a constant: a product of two activations is a MatMul",
                      B->name);
    if (g->tensors[ia].data)
        return q_fail(d, n, DPU_E_UNSUPPORTED, "input A is a constant (fold it first)");
    int64_t K = tb ? B->dims[1] : B->dims[0], N = tb ? B->dims[0] : B->dims[1];
    const struct dpu_gtensor *C = ic >= 0 ? &g->tensors[ic] : NULL;
    int64_t cn = C ? dpu_shape_count(C->rank, C->dims) : 0;
    if (C && (!C->data || (cn != 1 && cn != N) || (C->rank == 2 && C->dims[0] != 1)))
        return q_fail(d, n, DPU_E_UNSUPPORTED,
                      "input C '%s' must be a constant of one value, [N] or [1, N] to become a "
                      "FullyConnected bias",
                      C->name);
    float *w = malloc((size_t)(N * K > 0 ? N * K : 1) * sizeof *w);
    float *b = malloc((size_t)(N > 0 ? N : 1) * sizeof *b);
    if (!w || !b) {
        free(w);
        free(b);
        return dpu_diag_set(d, DPU_E_NOMEM, "quantizer: out of memory");
    }
    const float *bv = B->data;
    for (int64_t r = 0; r < N; r++)
        for (int64_t k = 0; k < K; k++)
            w[r * K + k] = (float)(alpha * (double)(tb ? bv[r * K + k] : bv[k * N + r]));
    for (int64_t r = 0; C && r < N; r++)
        b[r] = (float)(beta * (double)((const float *)C->data)[cn == 1 ? 0 : r]);
    char base[512];
    snprintf(base, sizeof base, "%s/weight", n->name);
    int64_t wd[2] = {N, K};
    int tw = q_add_const_f32(g, base, 2, wd, w, d), tbias = -1;
    if (tw >= 0 && C) {
        snprintf(base, sizeof base, "%s/bias", g->nodes[ni].name);
        tbias = q_add_const_f32(g, base, 1, &N, b, d);
    }
    free(w);
    free(b);
    if (tw < 0 || (C && tbias < 0))
        return tw < 0 ? tw : tbias;
    n = &g->nodes[ni];
    int32_t in[3] = {ia, tw, tbias};
    int err = q_set_inputs(n, C ? 3 : 2, in, d);
    if (err)
        return err;
    q_clear_attrs(n);
    n->op = DPU_NODE_FULLY_CONNECTED;
    return DPU_OK;
}

int dpu_qprep_gemm_to_fc(struct dpu_graph *g, struct dpu_diag *d)
{
    bool changed = false;
    for (size_t i = 0; i < g->nnodes; i++) {
        if (g->nodes[i].op != DPU_NODE_GEMM)
            continue;
        int err = convert(g, (int)i, d);
        if (err)
            return err;
        changed = true;
    }
    if (!changed)
        return DPU_OK;
    int err = q_compact(g, NULL, d); /* drops the original B and C when nothing else reads them */
    return err ? err : q_verify(g, "gemm-to-fc", d);
}
