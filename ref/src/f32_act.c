/* float32 activations, one value at a time (ONNX definitions). Transcendental functions are
 * evaluated in double and rounded to float once:
 *   Relu        max(x, 0)
 *   Relu6       min(max(x, 0), 6)
 *   Clip        min(max(x, min), max), attributes min (default -inf) and max (default +inf)
 *   LeakyRelu   x >= 0 ? x : alpha * x           alpha default 0.01
 *   Sigmoid     1 / (1 + exp(-x))
 *   Tanh        tanh(x)
 *   HardSigmoid max(0, min(1, alpha * x + beta)) alpha default 0.2, beta 0.5
 *   HardSwish   x * max(0, min(1, x / 6 + 1/2))
 *   Gelu        x / 2 * (1 + erf(x / sqrt(2))), computed as x / 2 * erfc(-x / sqrt(2)) which is
 *               the same function without the cancellation of 1 + erf(..) for x << 0
 * NaN propagates through every one of them (comparisons with NaN are false).
 */
#include <math.h>

#include "ref_internal.h"

#define SQRT1_2 0.70710678118654752440 /* 1 / sqrt(2) */

struct act_params {
    enum dpu_node_op op;
    double lo, hi;      /* Clip */
    double alpha, beta; /* LeakyRelu, HardSigmoid */
};

static double clampd(double v, double lo, double hi)
{
    if (v < lo)
        return lo;
    if (v > hi)
        return hi;
    return v;
}

static float act(const struct act_params *p, float xf)
{
    double x = xf;
    switch (p->op) {
    case DPU_NODE_RELU:
        return x < 0 ? 0.0f : xf;
    case DPU_NODE_RELU6:
        return (float)clampd(x, 0.0, 6.0);
    case DPU_NODE_CLIP:
        return (float)clampd(x, p->lo, p->hi);
    case DPU_NODE_LEAKY_RELU:
        return x >= 0 ? xf : (float)(p->alpha * x);
    case DPU_NODE_SIGMOID:
        return (float)(1.0 / (1.0 + exp(-x)));
    case DPU_NODE_TANH:
        return (float)tanh(x);
    case DPU_NODE_HARD_SIGMOID:
        return (float)clampd(p->alpha * x + p->beta, 0.0, 1.0);
    case DPU_NODE_HARD_SWISH:
        return (float)(x * clampd(x / 6.0 + 0.5, 0.0, 1.0));
    case DPU_NODE_GELU:
        return (float)(0.5 * x * erfc(-x * SQRT1_2));
    default:
        return xf; /* unreachable: ref_f32_unary refuses other ops */
    }
}

int ref_f32_unary(const struct ref_args *a, struct dpu_diag *d)
{
    struct act_params p = {a->n->op, -INFINITY, INFINITY, 0.01, 0.5};
    int err;
    if ((err = ref_check_input(a, 0, DPU_DT_FLOAT32, 0, DPU_TENSOR_MAX_RANK, d)) ||
        (err = ref_check_output(a, DPU_DT_FLOAT32, a->in[0]->rank, a->in[0]->dims, d)))
        return err;
    switch (p.op) {
    case DPU_NODE_CLIP:
        if ((err = ref_attr_float(a->n, "min", -INFINITY, &p.lo, d)) ||
            (err = ref_attr_float(a->n, "max", INFINITY, &p.hi, d)))
            return err;
        break;
    case DPU_NODE_LEAKY_RELU:
        if ((err = ref_attr_float(a->n, "alpha", 0.01, &p.alpha, d)))
            return err;
        break;
    case DPU_NODE_HARD_SIGMOID:
        if ((err = ref_attr_float(a->n, "alpha", 0.2, &p.alpha, d)) ||
            (err = ref_attr_float(a->n, "beta", 0.5, &p.beta, d)))
            return err;
        break;
    case DPU_NODE_RELU:
    case DPU_NODE_RELU6:
    case DPU_NODE_SIGMOID:
    case DPU_NODE_TANH:
    case DPU_NODE_HARD_SWISH:
    case DPU_NODE_GELU:
        break;
    default:
        return ref_node_err(d, a->n, DPU_E_INTERNAL, "not an activation");
    }
    const float *x = a->in[0]->data;
    float *y = a->out->data;
    int64_t total = ref_count(a->out);
    /* The clamps (most activations of a CNN) get loops of their own, the switch of act()
     * hoisted out; the values are those of act(). */
    if (p.op == DPU_NODE_RELU) {
        for (int64_t i = 0; i < total; i++)
            y[i] = x[i] < 0 ? 0.0f : x[i];
        return DPU_OK;
    }
    if (p.op == DPU_NODE_RELU6 || p.op == DPU_NODE_CLIP) {
        double lo = p.op == DPU_NODE_RELU6 ? 0.0 : p.lo, hi = p.op == DPU_NODE_RELU6 ? 6.0 : p.hi;
        float flo = (float)lo, fhi = (float)hi;
        if ((double)flo == lo && (double)fhi == hi && flo <= fhi) {
            /* Ordered bounds that are floats (ONNX's Clip takes float bounds): comparing in
             * float is exact and gives clampd's result; written so that NaN passes through
             * as in clampd. */
            for (int64_t i = 0; i < total; i++) {
                float v = flo > x[i] ? flo : x[i];
                y[i] = fhi < v ? fhi : v;
            }
        } else {
            for (int64_t i = 0; i < total; i++)
                y[i] = (float)clampd(x[i], lo, hi);
        }
        return DPU_OK;
    }
    for (int64_t i = 0; i < total; i++)
        y[i] = act(&p, x[i]);
    return DPU_OK;
}
