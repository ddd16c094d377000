/* int8 LeakyRelu, Sigmoid, Tanh, HardSigmoid, HardSwish, Gelu: one table lookup per value,
 *
 *   y = lut[x + 128]                                       (dpu_lut_apply)
 *
 * The quantizer filled lut (the node attribute) with Q_out(f(s_x (i - 128 - z_x))), so the
 * input and output scales are already inside it.
 */
#include "dpu/qmath.h"
#include "dpu/qplan.h"
#include "ref_internal.h"

int ref_q8_lut(const struct ref_args *a, struct dpu_diag *d)
{
    struct dpu_qp_lut p;
    int err;
    if ((err = ref_check_input(a, 0, DPU_DT_INT8, 0, DPU_TENSOR_MAX_RANK, d)) ||
        (err = ref_check_output(a, DPU_DT_INT8, a->in[0]->rank, a->in[0]->dims, d)) ||
        (err = dpu_qplan_lut(a->g, a->n, &p, d)))
        return err;
    const int8_t *x = a->in[0]->data;
    int8_t *y = a->out->data;
    int64_t total = ref_count(a->out);
    for (int64_t i = 0; i < total; i++)
        y[i] = dpu_lut_apply(p.lut, x[i]);
    return DPU_OK;
}
