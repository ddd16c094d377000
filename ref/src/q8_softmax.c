/* int8 Softmax along `axis` (default -1); output scale 1/256, zero point -128.
 *
 * For each row x_0 .. x_(L-1) along the axis:
 *   m   = max_i x_i
 *   e_i = T[m - x_i]             T = exp_table, T[k] = round(exp(-k s_x) 2^23): exp(x_i - m)
 *                                in units of 2^-23; m - x_i is in [0, 255]
 *   S   = sum_i e_i              int64; S >= T[0] > 0 since the maximum contributes T[0]
 *   y_i = sat8(-128 + floor((2 * 256 * e_i + S) / (2 S)))
 *       = sat8(-128 + round_half_up(256 e_i / S)), the probability e_i / S in units of 1/256
 *         (a probability of 1 gives 128 and saturates to 127).
 * Bounds: e_i <= 2^23 and L <= 2^32, so S <= 2^55 and 2 * 256 * e_i + S < 2^56.
 */
#include "dpu/qmath.h"
#include "dpu/qplan.h"
#include "ref_internal.h"

#define MAX_ROW ((int64_t)1 << 32)

int ref_q8_softmax(const struct ref_args *a, struct dpu_diag *d)
{
    struct dpu_qp_softmax p;
    int64_t axis_attr;
    int axis, err;
    if ((err = ref_check_input(a, 0, DPU_DT_INT8, 1, DPU_TENSOR_MAX_RANK, d)) ||
        (err = ref_check_output(a, DPU_DT_INT8, a->in[0]->rank, a->in[0]->dims, d)) ||
        (err = ref_attr_int(a->n, "axis", -1, &axis_attr, d)) ||
        (err = ref_norm_axis(a->n, axis_attr, a->in[0]->rank, false, &axis, d)) ||
        (err = dpu_qplan_softmax(a->g, a->n, &p, d)))
        return err;
    const struct dpu_tensor *xt = a->in[0];
    int64_t outer = 1, len = xt->dims[axis], inner = 1;
    for (int i = 0; i < axis; i++)
        outer *= xt->dims[i];
    for (int i = axis + 1; i < xt->rank; i++)
        inner *= xt->dims[i];
    if (len > MAX_ROW)
        return ref_node_err(d, a->n, DPU_E_UNSUPPORTED, "rows of %lld values: at most 2^32",
                            (long long)len);
    const int8_t *x = xt->data;
    int8_t *y = a->out->data;
    for (int64_t o = 0; o < outer; o++) {
        for (int64_t in = 0; in < inner; in++) {
            const int8_t *xr = x + o * len * inner + in;
            int8_t *yr = y + o * len * inner + in;
            int32_t m = DPU_ACT_MIN;
            for (int64_t i = 0; i < len; i++)
                if (xr[i * inner] > m)
                    m = xr[i * inner];
            int64_t sum = 0;
            for (int64_t i = 0; i < len; i++)
                sum += p.exp_table[m - xr[i * inner]];
            for (int64_t i = 0; i < len; i++) {
                int64_t e = p.exp_table[m - xr[i * inner]];
                int64_t q = dpu_floor_div64(2 * 256 * e + sum, 2 * sum);
                yr[i * inner] = dpu_sat_i8(DPU_ACT_MIN + q);
            }
        }
    }
    return DPU_OK;
}
