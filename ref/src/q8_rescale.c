/* int8 ops that rescale each value into the output's quantization and clamp:
 *
 *   y = clamp(rq(x - z_x, M, s) + z_y, lo, hi),    (M, s) = qm(s_x / s_y)
 *
 * Relu, Relu6, Clip: lo, hi from the attribute `clamp` (Relu: lo = z_y; the quantizer
 * computes them). Concat: each input with its own (M, s, z_x), lo = -128, hi = 127. When
 * scales and zero points agree, qm(1) = (2^30, 30) and rq is the identity.
 */
#include "dpu/qmath.h"
#include "dpu/qplan.h"
#include "ref_internal.h"

static int8_t rescale(int8_t x, const struct dpu_qp_rescale *p)
{
    return (int8_t)dpu_sat(dpu_rq(x - p->zx, p->rq.M, p->rq.s) + p->zy, p->lo, p->hi);
}

int ref_q8_rescale(const struct ref_args *a, struct dpu_diag *d)
{
    struct dpu_qp_rescale p;
    int err;
    if ((err = ref_check_input(a, 0, DPU_DT_INT8, 0, DPU_TENSOR_MAX_RANK, d)) ||
        (err = ref_check_output(a, DPU_DT_INT8, a->in[0]->rank, a->in[0]->dims, d)) ||
        (err = dpu_qplan_rescale(a->g, a->n, &p, d)))
        return err;
    const int8_t *x = a->in[0]->data;
    int8_t *y = a->out->data;
    int64_t total = ref_count(a->out);
    for (int64_t i = 0; i < total; i++)
        y[i] = rescale(x[i], &p);
    return DPU_OK;
}

/* Concat: for each index of the axes before `axis` (outer), the inputs' blocks of
 * dims_k[axis] * inner values follow each other in the output. */
#define CONCAT_MAX_INPUTS 64 /* ops.def */

int ref_q8_concat(const struct ref_args *a, struct dpu_diag *d)
{
    struct dpu_qp_rescale p[CONCAT_MAX_INPUTS];
    size_t nin = a->n->ninputs;
    int axis, err;
    int64_t outer, inner;
    if (nin > CONCAT_MAX_INPUTS)
        return ref_node_err(d, a->n, DPU_E_UNSUPPORTED, "%zu inputs, at most %d", nin,
                            CONCAT_MAX_INPUTS);
    if ((err = ref_concat_setup(a, DPU_DT_INT8, &axis, &outer, &inner, d)))
        return err;
    for (size_t k = 0; k < nin; k++)
        if ((err = dpu_qplan_concat_input(a->g, a->n, k, &p[k], d)))
            return err;
    int8_t *y = a->out->data;
    int64_t off = 0;
    for (int64_t o = 0; o < outer; o++) {
        for (size_t k = 0; k < nin; k++) {
            int64_t block = a->in[k]->dims[axis] * inner;
            const int8_t *x = (const int8_t *)a->in[k]->data + o * block;
            for (int64_t i = 0; i < block; i++)
                y[off++] = rescale(x[i], &p[k]);
        }
    }
    return DPU_OK;
}
