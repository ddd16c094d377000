/* Emission of element-wise ops, activations and data movement, float and quantized. In a
 * quantized graph the activations that are not a clamp get a 256-entry lookup table and
 * Softmax an exp table; both are computed here from the tensors' scales. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/onnx_emit.h"
#include "dpu/onnx_infer.h"
#include "dpu/qparams.h"

static bool is_op(const struct onnx_node *n, const char *op)
{
    return strcmp(n->op, op) == 0;
}

/* One IR node op from inputs ins (IR tensors) to n's result; returns the node. */
static int simple(struct onnx_ctx *ctx, struct onnx_node *n, enum dpu_node_op op, size_t nin,
                  const int32_t *ins)
{
    for (size_t i = 0; i < nin; i++)
        if (ins[i] < 0)
            return ins[i];
    int32_t out = onnx_out_ir(ctx, n);
    if (out < 0)
        return out;
    return onnx_ir_node(ctx, n, NULL, op, nin, ins, 1, &out);
}

/* x - c and x / c with a constant c of a float graph become x + (-c) and x * (1 / c). */
static int negated_or_inverted(struct onnx_ctx *ctx, struct onnx_node *n, bool invert, int32_t *ir)
{
    const struct onnx_value *c = onnx_in(ctx, n, 1);
    int64_t count = onnx_tensor_count(&c->konst);
    float *data = malloc(count ? (size_t)count * sizeof *data : 1);
    if (!data)
        return dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
    for (int64_t i = 0; i < count; i++) {
        float v = ((const float *)c->konst.data)[i];
        data[i] = invert ? 1.0f / v : -v;
    }
    *ir = onnx_ir_new_tensor(ctx, c->name, invert ? "/reciprocal" : "/negated", DPU_DT_FLOAT32,
                             c->rank, c->dims, data);
    free(data);
    return *ir < 0 ? *ir : DPU_OK;
}

int onnx_emit_binary(struct onnx_ctx *ctx, struct onnx_node *n)
{
    bool ql = is_op(n, "QLinearAdd");
    bool sub = is_op(n, "Sub"), div = is_op(n, "Div");
    int32_t in[2] = {onnx_in_ir(ctx, n, 0), -1};
    if (sub || div) {
        const struct onnx_value *c = onnx_in(ctx, n, 1);
        if (ctx->quantized || !c->is_const || c->elem != ONNX_FLOAT)
            return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                             "%s is supported only with a constant second input in a float "
                             "model",
                             n->op);
        int err = negated_or_inverted(ctx, n, div, &in[1]);
        if (err)
            return err;
    } else {
        in[1] = onnx_in_ir(ctx, n, ql ? 3 : 1);
    }
    enum dpu_node_op op = (is_op(n, "Mul") || div) ? DPU_NODE_MUL : DPU_NODE_ADD;
    int node = simple(ctx, n, op, 2, in);
    if (node < 0)
        return node;
    return onnx_ir_clamp(ctx, n, node, onnx_out_qvalue(ctx, n));
}

static enum dpu_node_op activation_op(const struct onnx_node *n)
{
    static const struct {
        const char *onnx;
        enum dpu_node_op op;
    } map[] = {
        {"Relu", DPU_NODE_RELU},
        {"Sigmoid", DPU_NODE_SIGMOID},
        {"Tanh", DPU_NODE_TANH},
        {"LeakyRelu", DPU_NODE_LEAKY_RELU},
        {"HardSigmoid", DPU_NODE_HARD_SIGMOID},
        {"HardSwish", DPU_NODE_HARD_SWISH},
        {"Gelu", DPU_NODE_GELU},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].onnx, n->op) == 0)
            return map[i].op;
    return DPU_NODE_COUNT;
}

int onnx_emit_activation(struct onnx_ctx *ctx, struct onnx_node *n)
{
    enum dpu_node_op op = activation_op(n);
    int32_t in = onnx_in_ir(ctx, n, 0);
    int node = simple(ctx, n, op, 1, &in);
    if (node < 0)
        return node;
    int err;
    double alpha, beta;
    if (op == DPU_NODE_LEAKY_RELU || op == DPU_NODE_HARD_SIGMOID) {
        if ((err = onnx_attr_float(ctx, n, "alpha", op == DPU_NODE_LEAKY_RELU ? 0.01 : 0.2,
                                   &alpha)) ||
            (err = onnx_ir_set_float(ctx, n, node, "alpha", (float)alpha)))
            return err;
    }
    if (op == DPU_NODE_HARD_SIGMOID &&
        ((err = onnx_attr_float(ctx, n, "beta", 0.5, &beta)) ||
         (err = onnx_ir_set_float(ctx, n, node, "beta", (float)beta))))
        return err;
    if (!ctx->quantized)
        return DPU_OK;
    const struct onnx_value *qin = onnx_in_qvalue(ctx, n, 0), *qout = onnx_out_qvalue(ctx, n);
    if (op == DPU_NODE_RELU) {
        int64_t c[2];
        return (err = onnx_q_clamp_of(ctx, n, qout, &c[0], &c[1]))
                   ? err
                   : onnx_ir_set_ints(ctx, n, node, "clamp", 2, c);
    }
    int64_t lut[256];
    if ((err = onnx_q_lut(ctx, n, qin, qout, lut)))
        return err;
    return onnx_ir_set_ints(ctx, n, node, "lut", 256, lut);
}

int onnx_emit_clip(struct onnx_ctx *ctx, struct onnx_node *n)
{
    double lo, hi;
    int err = onnx_clip_bounds(ctx, n, &lo, &hi);
    if (err)
        return err;
    int32_t in = onnx_in_ir(ctx, n, 0);
    /* The common bounds have ops of their own, which the hardware treats as a clamp. */
    enum dpu_node_op op = lo == 0 && (hi == 6 || isinf(hi))
                              ? hi == 6 ? DPU_NODE_RELU6 : DPU_NODE_RELU
                              : DPU_NODE_CLIP;
    if (ctx->quantized) {
        int64_t c[2];
        int node = simple(ctx, n, op, 1, &in);
        if (node < 0)
            return node;
        if ((err = onnx_q_clamp_of(ctx, n, onnx_out_qvalue(ctx, n), &c[0], &c[1])))
            return err;
        return onnx_ir_set_ints(ctx, n, node, "clamp", 2, c);
    }
    if (op != DPU_NODE_CLIP) {
        int node = simple(ctx, n, op, 1, &in);
        return node < 0 ? node : DPU_OK;
    }
    int node = simple(ctx, n, DPU_NODE_CLIP, 1, &in);
    if (node < 0)
        return node;
    if (!isinf(lo) && (err = onnx_ir_set_float(ctx, n, node, "min", lo)))
        return err;
    if (!isinf(hi) && (err = onnx_ir_set_float(ctx, n, node, "max", hi)))
        return err;
    return DPU_OK;
}

int onnx_emit_softmax(struct onnx_ctx *ctx, struct onnx_node *n)
{
    int axis, err = onnx_softmax_axis(ctx, n, &axis);
    if (err)
        return err;
    int32_t in = onnx_in_ir(ctx, n, 0);
    int node = simple(ctx, n, DPU_NODE_SOFTMAX, 1, &in);
    if (node < 0)
        return node;
    if ((err = onnx_ir_set_int(ctx, n, node, "axis", axis)) || !ctx->quantized)
        return err;
    int64_t table[256];
    onnx_q_exp_table(onnx_in_qvalue(ctx, n, 0)->q.scale[0], table);
    return onnx_ir_set_ints(ctx, n, node, "exp_table", 256, table);
}

/* Reshape, Squeeze, Unsqueeze: the IR's Reshape to the inferred shape. */
int onnx_emit_reshape(struct onnx_ctx *ctx, struct onnx_node *n)
{
    const struct onnx_value *y = onnx_out(ctx, n, 0);
    int64_t shape[DPU_TENSOR_MAX_RANK];
    size_t rank = (size_t)y->rank;
    memcpy(shape, y->dims, sizeof shape);
    if (is_op(n, "Reshape")) {
        /* The shape as the model gives it (0 and -1 included); the output has it resolved. */
        const struct onnx_value *s = onnx_in(ctx, n, 1);
        rank = (size_t)onnx_tensor_count(&s->konst);
        for (size_t i = 0; i < rank; i++)
            shape[i] = onnx_tensor_get_i(&s->konst, (int64_t)i);
    }
    int32_t in = onnx_in_ir(ctx, n, 0);
    int node = simple(ctx, n, DPU_NODE_RESHAPE, 1, &in);
    return node < 0 ? node : onnx_ir_set_ints(ctx, n, node, "shape", rank, shape);
}

int onnx_emit_flatten(struct onnx_ctx *ctx, struct onnx_node *n)
{
    const struct onnx_value *x = onnx_in(ctx, n, 0);
    int64_t axis;
    int err = onnx_attr_int(ctx, n, "axis", 1, &axis);
    if (err)
        return err;
    int32_t in = onnx_in_ir(ctx, n, 0);
    int node = simple(ctx, n, DPU_NODE_FLATTEN, 1, &in);
    return node < 0 ? node
                    : onnx_ir_set_int(ctx, n, node, "axis", axis < 0 ? axis + x->rank : axis);
}

int onnx_emit_transpose(struct onnx_ctx *ctx, struct onnx_node *n)
{
    const struct onnx_value *x = onnx_in(ctx, n, 0);
    int perm[DPU_TENSOR_MAX_RANK];
    int64_t p[DPU_TENSOR_MAX_RANK];
    int err = onnx_transpose_perm(ctx, n, x->rank, perm);
    if (err)
        return err;
    for (int i = 0; i < x->rank; i++)
        p[i] = perm[i];
    int32_t in = onnx_in_ir(ctx, n, 0);
    int node = simple(ctx, n, DPU_NODE_TRANSPOSE, 1, &in);
    return node < 0 ? node : onnx_ir_set_ints(ctx, n, node, "perm", (size_t)x->rank, p);
}

int onnx_emit_concat(struct onnx_ctx *ctx, struct onnx_node *n)
{
    const struct onnx_value *y = onnx_out(ctx, n, 0);
    int64_t axis;
    int ax, err;
    if ((err = onnx_attr_int(ctx, n, "axis", 0, &axis)) ||
        (err = onnx_norm_axis(ctx, n, "axis", axis, y->rank, &ax)))
        return err;
    int32_t in[ONNX_MAX_NODE_IO];
    for (int i = 0; i < n->nin; i++)
        in[i] = onnx_in_ir(ctx, n, i);
    int node = simple(ctx, n, DPU_NODE_CONCAT, (size_t)n->nin, in);
    return node < 0 ? node : onnx_ir_set_int(ctx, n, node, "axis", ax);
}

int onnx_emit_pad(struct onnx_ctx *ctx, struct onnx_node *n)
{
    const struct onnx_value *x = onnx_in(ctx, n, 0);
    int64_t pads[2 * DPU_TENSOR_MAX_RANK];
    double value;
    int err = onnx_pad_params(ctx, n, pads, &value);
    if (err)
        return err;
    int32_t in = onnx_in_ir(ctx, n, 0);
    int node = simple(ctx, n, DPU_NODE_PAD, 1, &in);
    if (node < 0)
        return node;
    if ((err = onnx_ir_set_ints(ctx, n, node, "pads", (size_t)(2 * x->rank), pads)))
        return err;
    if (!ctx->quantized)
        return value == 0 ? DPU_OK : onnx_ir_set_float(ctx, n, node, "value", value);
    /* The fill value in the input's int8 domain, rounded as QuantizeLinear would. */
    const struct onnx_value *q = onnx_in_qvalue(ctx, n, 0);
    return onnx_ir_set_int(ctx, n, node, "qvalue",
                           dpu_quantize_f32((float)value, q->q.scale[0], q->q.zp[0], -128, 127));
}

int onnx_emit_resize(struct onnx_ctx *ctx, struct onnx_node *n)
{
    const struct onnx_value *x = onnx_in(ctx, n, 0);
    int64_t f[DPU_TENSOR_MAX_RANK];
    int err = onnx_resize_factors(ctx, n, f);
    if (err)
        return err;
    int32_t in = onnx_in_ir(ctx, n, 0);
    int node = simple(ctx, n, DPU_NODE_RESIZE, 1, &in);
    return node < 0 ? node : onnx_ir_set_ints(ctx, n, node, "scales", (size_t)x->rank, f);
}

/* A rescale from IR tensor in to IR tensor out (int8, other parameters), named after n:
 * the int8 Clip, y = clamp(rq(x - z_x, M, s) + z_y, -128, 127), M 2^-s = s_x / s_y. */
static int rescale(struct onnx_ctx *ctx, const struct onnx_node *n, int32_t in, int32_t out)
{
    int node = onnx_ir_node(ctx, n, NULL, DPU_NODE_CLIP, 1, &in, 1, &out);
    int64_t c[2] = {-128, 127};
    return node < 0 ? node : onnx_ir_set_ints(ctx, n, node, "clamp", 2, c);
}

int onnx_emit_rescale_input(struct onnx_ctx *ctx, struct onnx_node *n)
{
    const struct onnx_value *x = onnx_in(ctx, n, 0);
    if (!x || x->dq_of < 0 || n->fused < 0)
        return onnx_fail(ctx, n, DPU_E_INTERNAL, "no int8 input to rescale");
    int32_t in = onnx_ir_tensor(ctx, n, x->dq_of);
    if (in < 0)
        return in;
    int32_t out = onnx_ir_tensor(ctx, n, n->qin);
    return out < 0 ? out : rescale(ctx, &ctx->nodes[n->fused], in, out);
}

/* QuantizeLinear of a graph input and DequantizeLinear of a graph output: the IR's
 * boundary ops; and QuantizeLinear of an int8 view to other parameters, a rescale (the
 * planner keeps only those kinds alive). */
int onnx_emit_boundary(struct onnx_ctx *ctx, struct onnx_node *n)
{
    bool q = is_op(n, "QuantizeLinear");
    int32_t in = onnx_in_ir(ctx, n, 0);
    if (in < 0)
        return in;
    int32_t out = onnx_ir_tensor(ctx, n, n->out[0]);
    if (out < 0)
        return out;
    /* A QuantizeLinear of an int8 view to other parameters (onnx_qplan.c) is a rescale. */
    const struct onnx_value *x = onnx_in(ctx, n, 0);
    if (q && x && x->dq_of >= 0)
        return rescale(ctx, n, in, out);
    int node =
        onnx_ir_node(ctx, n, NULL, q ? DPU_NODE_QUANTIZE : DPU_NODE_DEQUANTIZE, 1, &in, 1, &out);
    return node < 0 ? node : DPU_OK;
}

/* Ops that only reach emission when applied to non-constant data, which the IR lacks. */
int onnx_emit_refuse(struct onnx_ctx *ctx, struct onnx_node *n)
{
    return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                     "%s of a non-constant tensor is not supported (only as part of a constant "
                     "shape computation)",
                     n->op);
}
