/* dpu_graph_verify: every rule refuses a graph that breaks it, with a message naming the
 * node (or tensor) and the rule. Each case takes a valid fixture, breaks one thing, and
 * checks the error code and two pieces of the message. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/graph.h"
#include "dpu/q8.h"
#include "q8_fixtures.h"

/* ---- helpers for the mutations ---- */

static struct dpu_gnode *N(struct dpu_graph *g, const char *name)
{
    for (size_t i = 0; i < g->nnodes; i++)
        if (strcmp(g->nodes[i].name, name) == 0)
            return &g->nodes[i];
    fail_msg("no node '%s'", name);
    return NULL;
}

static int NI(struct dpu_graph *g, const char *name)
{
    return (int)(N(g, name) - g->nodes);
}

static struct dpu_gtensor *T(struct dpu_graph *g, const char *name)
{
    int t = dpu_graph_find_tensor(g, name);
    if (t < 0)
        fail_msg("no tensor '%s'", name);
    return &g->tensors[t];
}

static int TI(struct dpu_graph *g, const char *name)
{
    return (int)(T(g, name) - g->tensors);
}

static struct dpu_attr *A(struct dpu_graph *g, const char *node, const char *attr)
{
    struct dpu_attr *a = (struct dpu_attr *)dpu_node_attr(N(g, node), attr);
    if (!a)
        fail_msg("node '%s' has no '%s'", node, attr);
    return a;
}

static void set_ints(struct dpu_graph *g, const char *node, const char *attr, size_t n,
                     const int64_t *v)
{
    assert_int_equal(dpu_node_set_ints(g, NI(g, node), attr, n, v), DPU_OK);
}
#define SET_INTS(g, node, attr, ...)                                                               \
    set_ints(g, node, attr, sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t),                    \
             (int64_t[]){__VA_ARGS__})

/* Removes attribute attr of node (it must exist). */
static void drop_attr(struct dpu_graph *g, const char *node, const char *attr)
{
    struct dpu_gnode *n = N(g, node);
    struct dpu_attr *a = A(g, node, attr);
    free(a->name);
    free(a->ints);
    free(a->floats);
    free(a->s);
    *a = n->attrs[--n->nattrs];
}

static void set_shape(struct dpu_graph *g, const char *t, int rank, const int64_t *dims)
{
    T(g, t)->rank = rank;
    memcpy(T(g, t)->dims, dims, (size_t)rank * sizeof *dims);
}
#define SET_SHAPE(g, t, ...)                                                                       \
    set_shape(g, t, sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t), (int64_t[]){__VA_ARGS__})

static int add_act(struct dpu_graph *g, const char *name, enum dpu_dtype dt, int rank,
                   const int64_t *dims)
{
    int t = dpu_graph_add_tensor(g, name, dt, rank, dims, NULL);
    assert_true(t >= 0);
    return t;
}

/* Appends input tensor t to node (its input array grows by one). */
static void add_node_input(struct dpu_graph *g, const char *node, int t)
{
    struct dpu_gnode *n = N(g, node);
    int32_t *in = realloc(n->inputs, (n->ninputs + 1) * sizeof *in);
    assert_non_null(in);
    in[n->ninputs++] = t;
    n->inputs = in;
}

/* ---- fixtures of the forms ONNX's integer operators import to ---- */

/* ConvInteger, an integer FullyConnected and MatMulInteger: int32 outputs without
 * quantization (the raw accumulators), weights with non-zero zero points per channel (conv)
 * and per tensor (fc), and weight values of -128. */
static const char integer_text[] =
    "q8 1.0 quantized name=\"integer ops\"\n"
    "tensor x int8 [1,2,2,2] quant=-1 scale=[1.0] zp=[-128]\n"
    "tensor w int8 [3,2,1,1] quant=0 scale=[1.0,1.0,1.0] zp=[127,0,-3] data=<80ff7f0001fd>\n"
    "tensor acc int32 [1,3,2,2]\n"
    "tensor fx int8 [2,4] quant=-1 scale=[1.0] zp=[5]\n"
    "tensor fw int8 [3,4] quant=-1 scale=[0.5] zp=[127] data=<807f00010203040506070809>\n"
    "tensor facc int32 [2,3]\n"
    "tensor a int8 [2,3] quant=-1 scale=[1.0] zp=[12]\n"
    "tensor b int8 [3,2] quant=-1 scale=[1.0] zp=[0]\n"
    "tensor mm int32 [2,2]\n"
    "node conv Conv2D in=[x,w] out=[acc]\n"
    "node fc FullyConnected in=[fx,fw] out=[facc]\n"
    "node matmul MatMul in=[a,b] out=[mm]\n"
    "inputs [x,fx,a,b]\n"
    "outputs [acc,facc,mm]\n";

/* QuantizeLinear and DequantizeLinear with an axis: a per-channel Quantize whose output is
 * both a graph output and read by a per-channel Dequantize, and a per-channel graph input
 * read by a Dequantize. */
static const char axis_text[] =
    "q8 1.0 quantized name=\"per-axis boundary\"\n"
    "tensor x float32 [1,3,2]\n"
    "tensor q int8 [1,3,2] quant=1 scale=[0.5,1.0,2.0] zp=[-128,0,127]\n"
    "tensor y float32 [1,3,2]\n"
    "tensor p int8 [2,2] quant=0 scale=[0.25,4.0] zp=[1,-1]\n"
    "tensor z float32 [2,2]\n"
    "node quantize Quantize in=[x] out=[q]\n"
    "node dequantize Dequantize in=[q] out=[y]\n"
    "node deq2 Dequantize in=[p] out=[z]\n"
    "inputs [x,p]\n"
    "outputs [q,y,z]\n";

static int text_fixture(struct dpu_graph *g, const char *name, const char *text)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_q8_text_read_unverified(name, text, strlen(text), g, &d);
    if (err)
        print_error("%s\n", d.msg);
    return err;
}

static int fixture_integer(struct dpu_graph *g)
{
    return text_fixture(g, "integer", integer_text);
}

static int fixture_axis(struct dpu_graph *g)
{
    return text_fixture(g, "axis", axis_text);
}

/* ---- the cases: L = lenet, I = int8 all ops, F = float all ops ---- */

typedef void (*mutate_fn)(struct dpu_graph *g);

#define CASE(name) static void name(struct dpu_graph *g)

/* structure */
CASE(input_out_of_range)
{
    N(g, "conv1")->inputs[0] = 999;
}
CASE(required_input_absent)
{
    N(g, "conv1")->inputs[1] = -1;
}
CASE(output_out_of_range)
{
    N(g, "pool1")->outputs[0] = -7;
}
CASE(two_producers)
{
    N(g, "pool1")->outputs[0] = TI(g, "conv1.out");
}
CASE(produces_constant)
{
    N(g, "pool1")->outputs[0] = TI(g, "conv1.w");
}
CASE(never_produced)
{
    g->ninputs = 0;
}
CASE(orphan_activation)
{
    add_act(g, "orphan", DPU_DT_INT8, 1, (int64_t[]){3});
}
CASE(output_not_produced)
{
    int t = add_act(g, "orphan", DPU_DT_INT8, 1, (int64_t[]){3});
    dpu_graph_add_output(g, t);
}
CASE(output_twice)
{
    dpu_graph_add_output(g, g->outputs[0]);
}
CASE(input_constant)
{
    dpu_graph_add_input(g, TI(g, "conv1.w"));
}
CASE(input_produced)
{
    dpu_graph_add_input(g, TI(g, "conv1.out"));
}
CASE(input_twice)
{
    dpu_graph_add_input(g, g->inputs[0]);
}
CASE(graph_output_range)
{
    g->outputs[0] = 12345;
}
CASE(cycle)
{
    N(g, "conv2")->inputs[0] = TI(g, "fc1.out");
}
CASE(self_loop)
{
    N(g, "fc2")->inputs[0] = TI(g, "fc2.out");
}
CASE(duplicate_tensor_name)
{
    struct dpu_gtensor *t = T(g, "fc2.out");
    free(t->name);
    t->name = strdup("fc3.w");
}
CASE(duplicate_node_name)
{
    struct dpu_gnode *n = N(g, "fc2");
    free(n->name);
    n->name = strdup("fc3");
}
CASE(empty_node_name)
{
    N(g, "fc2")->name[0] = '\0';
}
CASE(empty_tensor_name)
{
    T(g, "flat")->name[0] = '\0';
}
CASE(unknown_op_value)
{
    N(g, "fc2")->op = (enum dpu_node_op)99;
}
CASE(too_few_inputs)
{
    N(g, "conv1")->ninputs = 1;
}
CASE(too_many_outputs)
{
    struct dpu_gnode *n = N(g, "fc2");
    int32_t *o = realloc(n->outputs, 2 * sizeof *o);
    assert_non_null(o);
    o[1] = add_act(g, "extra", DPU_DT_INT8, 2, (int64_t[]){1, 84});
    n->outputs = o;
    n->noutputs = 2;
}
CASE(bad_dtype)
{
    T(g, "flat")->dtype = (enum dpu_dtype)42;
}
CASE(rank_too_big)
{
    T(g, "flat")->rank = 9;
}
CASE(negative_dim)
{
    T(g, "flat")->dims[1] = -400;
}
CASE(huge_dim)
{
    T(g, "flat")->dims[1] = (int64_t)1 << 41;
}
CASE(too_many_elements)
{
    SET_SHAPE(g, "flat", (int64_t)1 << 30, (int64_t)1 << 30);
}
CASE(quant_count_vs_axis)
{
    T(g, "conv1.w")->quant.count = 5;
}
CASE(quant_axis_range)
{
    T(g, "conv1.w")->quant.axis = 4;
}
CASE(quant_per_tensor_count)
{
    T(g, "conv1.w")->quant.axis = -1;
}
CASE(quant_axis_without_scales)
{
    T(g, "conv1.b")->quant.axis = 0;
}
CASE(duplicate_attr)
{
    struct dpu_gnode *n = N(g, "pool1");
    free(n->attrs[1].name);
    n->attrs[1].name = strdup(n->attrs[0].name);
}

/* graph kind */
CASE(op_not_in_float)
{
    N(g, "relu")->op = DPU_NODE_QUANTIZE;
}
CASE(op_not_in_int8)
{
    N(g, "relu")->op = DPU_NODE_BATCH_NORM;
}
CASE(int8_in_float_graph)
{
    T(g, "gap")->dtype = DPU_DT_INT8;
}
CASE(quant_in_float_graph)
{
    float s = 1;
    dpu_graph_set_quant(g, TI(g, "gap"), -1, 1, &s, NULL);
}

/* attributes */
CASE(unknown_attr)
{
    assert_int_equal(dpu_node_set_int(g, NI(g, "conv1"), "stride", 1), 0);
}
CASE(attr_wrong_type)
{
    assert_int_equal(dpu_node_set_float(g, NI(g, "conv1"), "group", 1), 0);
}
CASE(missing_required)
{
    drop_attr(g, "pool1", "kernel_shape");
}
CASE(missing_required_q)
{
    drop_attr(g, "softmax", "exp_table");
}
CASE(missing_required_q_lut)
{
    drop_attr(g, "sigmoid", "lut");
}
CASE(quant_attr_in_float)
{
    SET_INTS(g, "conv", "clamp", -128, 127);
}
CASE(float_attr_in_quant)
{
    assert_int_equal(dpu_node_set_float(g, NI(g, "clip"), "min", 0.0), 0);
}
CASE(pads_length)
{
    SET_INTS(g, "conv1", "pads", 2, 2);
}
CASE(strides_length)
{
    SET_INTS(g, "conv1", "strides", 1, 1, 1);
}
CASE(strides_zero)
{
    SET_INTS(g, "conv1", "strides", 0, 1);
}
CASE(dilation_huge)
{
    SET_INTS(g, "conv1", "dilations", 1, (int64_t)1 << 21);
}
CASE(pads_negative)
{
    SET_INTS(g, "conv1", "pads", 2, -1, 2, 2);
}
CASE(group_zero)
{
    assert_int_equal(dpu_node_set_int(g, NI(g, "conv1"), "group", 0), 0);
}
CASE(lut_length)
{
    A(g, "sigmoid", "lut")->n = 255;
}
CASE(lut_value)
{
    A(g, "tanh", "lut")->ints[17] = 128;
}
CASE(clamp_order)
{
    SET_INTS(g, "conv1", "clamp", 10, 5);
}
CASE(clamp_range)
{
    SET_INTS(g, "conv1", "clamp", -129, 0);
}
CASE(clamp_length)
{
    SET_INTS(g, "conv1", "clamp", -128, 0, 127);
}
CASE(exp_table_range)
{
    A(g, "softmax", "exp_table")->ints[0] = ((int64_t)1 << 23) + 1;
}
CASE(exp_table_grows)
{
    int64_t *t = A(g, "softmax", "exp_table")->ints;
    t[5] = t[4] + 1;
}
CASE(perm_not_permutation)
{
    SET_INTS(g, "transpose", "perm", 0, 0, 1);
}
CASE(perm_length)
{
    SET_INTS(g, "transpose", "perm", 0, 1);
}
CASE(ceil_mode_value)
{
    assert_int_equal(dpu_node_set_int(g, NI(g, "pool1"), "ceil_mode", 2), 0);
}
CASE(float_attr_nan)
{
    A(g, "leaky", "alpha")->f = NAN;
}
CASE(float_attr_inf)
{
    A(g, "hsig", "beta")->f = INFINITY;
}
CASE(clip_min_above_max)
{
    A(g, "clip", "min")->f = 3.0;
}
CASE(concat_axis_range)
{
    assert_int_equal(dpu_node_set_int(g, NI(g, "concat"), "axis", 4), 0);
}
CASE(qvalue_range)
{
    assert_int_equal(dpu_node_set_int(g, NI(g, "pad"), "qvalue", 128), 0);
}
CASE(softmax_axis_range)
{
    assert_int_equal(dpu_node_set_int(g, NI(g, "softmax"), "axis", -4), 0);
}

/* shapes */
CASE(conv_out_shape)
{
    SET_INTS(g, "conv1", "pads", 0, 0, 0, 0);
}
CASE(conv_group_divides)
{
    assert_int_equal(dpu_node_set_int(g, NI(g, "dw"), "group", 3), 0);
}
CASE(conv_weight_channels)
{
    T(g, "conv2.w")->dims[1] = 5;
}
CASE(conv_kernel_shape)
{
    SET_INTS(g, "conv1", "kernel_shape", 3, 3);
}
CASE(conv_bias_shape)
{
    T(g, "conv1.b")->dims[0] = 5;
}
CASE(conv_kernel_too_big)
{
    SET_INTS(g, "conv2", "dilations", 4, 4);
}
CASE(conv_input_rank)
{
    SET_SHAPE(g, "input", 1, 28, 28);
}
CASE(pool_pads_window)
{
    SET_INTS(g, "pool1", "pads", 2, 0, 0, 0);
}
CASE(pool_ceil_shape)
{
    assert_int_equal(dpu_node_set_int(g, NI(g, "avgpool"), "ceil_mode", 1), 0);
}
CASE(avgpool_window_limit)
{
    SET_INTS(g, "pool2", "kernel_shape", 256, 256);
    SET_INTS(g, "pool2", "pads", 0, 0, 0, 0);
}
CASE(gap_limit)
{
    SET_INTS(g, "resize", "scales", 1, 1, 43, 43);
    SET_SHAPE(g, "resize", 1, 8, 258, 258);
}
CASE(gap_empty)
{
    int t = add_act(g, "empty", DPU_DT_FLOAT32, 4, (int64_t[]){1, 8, 0, 5});
    dpu_graph_add_input(g, t);
    N(g, "gap")->inputs[0] = t;
}
CASE(fc_inner)
{
    T(g, "fc1.w")->dims[1] = 399;
}
CASE(matmul_inner)
{
    SET_SHAPE(g, "mm.b", 4, 3);
}
CASE(matmul_batch)
{
    int a = add_act(g, "a3", DPU_DT_FLOAT32, 3, (int64_t[]){2, 1, 5});
    int b = add_act(g, "b3", DPU_DT_FLOAT32, 3, (int64_t[]){3, 5, 3});
    dpu_graph_add_input(g, a);
    dpu_graph_add_input(g, b);
    N(g, "matmul")->inputs[0] = a;
    N(g, "matmul")->inputs[1] = b;
}
CASE(add_broadcast)
{
    SET_SHAPE(g, "addend", 3, 1, 1);
}
CASE(concat_other_dims)
{
    SET_SHAPE(g, "maxpool", 1, 4, 4, 3);
}
CASE(reshape_count)
{
    SET_SHAPE(g, "reshape", 1, 6, 1);
}
CASE(reshape_shape_attr)
{
    SET_INTS(g, "reshape", "shape", 0, 5, 2);
}
CASE(flatten_shape)
{
    SET_SHAPE(g, "flat", 8, 1);
}
CASE(transpose_shape)
{
    SET_INTS(g, "transpose", "perm", 2, 1, 0);
}
CASE(pad_shape)
{
    SET_INTS(g, "pad", "pads", 0, 0, 1, 1, 0, 0, 1, 2);
}
CASE(resize_shape)
{
    SET_INTS(g, "resize", "scales", 1, 1, 2, 3);
}
CASE(resize_scale_zero)
{
    SET_INTS(g, "resize", "scales", 1, 0, 2, 2);
}
CASE(gemm_c_shape)
{
    SET_SHAPE(g, "gemm.c", 4);
}
CASE(gemm_inner)
{
    assert_int_equal(dpu_node_set_int(g, NI(g, "gemm"), "transB", 0), 0);
}
CASE(batchnorm_param)
{
    SET_SHAPE(g, "bn.var", 3);
}
CASE(unary_shape)
{
    SET_SHAPE(g, "tanh", 1, 4, 8, 7);
}

/* types and quantization */
CASE(act_float_in_q)
{
    T(g, "flat")->dtype = DPU_DT_FLOAT32;
}
CASE(act_no_quant)
{
    T(g, "flat")->quant.count = 0;
}
CASE(act_per_channel)
{
    float s[400];
    for (int i = 0; i < 400; i++)
        s[i] = 0.1f;
    dpu_graph_set_quant(g, TI(g, "flat"), 1, 400, s, NULL);
}
CASE(act_zero_point)
{
    T(g, "pool1.out")->quant.zero_point[0] = 200;
}
CASE(act_scale_zero)
{
    T(g, "conv2.out")->quant.scale[0] = 0;
}
CASE(act_scale_nan)
{
    T(g, "conv2.out")->quant.scale[0] = NAN;
}
CASE(weights_not_constant)
{
    free(T(g, "conv2.w")->data);
    T(g, "conv2.w")->data = NULL;
    dpu_graph_add_input(g, TI(g, "conv2.w"));
}
CASE(weights_dtype)
{
    T(g, "fc3.w")->dtype = DPU_DT_UINT8;
}
CASE(weights_zero_point)
{
    T(g, "conv1.w")->quant.zero_point[3] = 200;
}
CASE(weights_zero_point_per_tensor)
{
    T(g, "fw")->quant.zero_point[0] = -129;
}
CASE(weights_axis)
{
    float s[5] = {1, 1, 1, 1, 1};
    dpu_graph_set_quant(g, TI(g, "conv1.w"), 3, 5, s, NULL);
}
CASE(weights_scale)
{
    T(g, "conv1.w")->quant.scale[2] = -0.5f;
}
CASE(bias_dtype)
{
    T(g, "conv1.b")->dtype = DPU_DT_FLOAT32;
}
CASE(bias_zero_point)
{
    float s = 1;
    int32_t z = 3;
    dpu_graph_set_quant(g, TI(g, "fc1.b"), -1, 1, &s, &z);
}
CASE(passthrough_quant)
{
    T(g, "flat")->quant.scale[0] = 0.5f;
}
CASE(softmax_scale)
{
    T(g, "probs")->quant.scale[0] = 0.004f;
}
CASE(softmax_zero_point)
{
    T(g, "probs")->quant.zero_point[0] = 0;
}
CASE(quantize_input)
{
    T(g, "x")->dtype = DPU_DT_INT8;
}
CASE(dequantize_output)
{
    float s = 1;
    dpu_graph_set_quant(g, TI(g, "y"), -1, 1, &s, NULL);
}

/* integer multipliers and kernel limits */
CASE(ratio_conv)
{
    T(g, "conv1.out")->quant.scale[0] = 1e-20f;
}
CASE(ratio_avgpool)
{
    T(g, "pool2.out")->quant.scale[0] = 1e12f;
}
CASE(ratio_add)
{
    T(g, "add")->quant.scale[0] = 1e-12f;
}
CASE(ratio_concat)
{
    T(g, "concat")->quant.scale[0] = 1e-12f;
}
CASE(pool_dilation)
{
    SET_INTS(g, "maxpool", "dilations", 9, 9);
    SET_INTS(g, "maxpool", "pads", 1, 1, 1, 1);
    SET_SHAPE(g, "maxpool", 1, 4, 1, 1);
}
CASE(exp_table_first)
{
    A(g, "softmax", "exp_table")->ints[0] = 8388607;
}
CASE(softmax_row_limit)
{
    int64_t big[2] = {1, ((int64_t)1 << 32) + 1};
    float s = 0.1f;
    int32_t z = 0;
    int t = add_act(g, "big", DPU_DT_INT8, 2, big);
    dpu_graph_set_quant(g, t, -1, 1, &s, &z);
    dpu_graph_add_input(g, t);
    N(g, "softmax")->inputs[0] = t;
    SET_SHAPE(g, "probs", 1, ((int64_t)1 << 32) + 1);
}

/* raw int32 accumulators (ConvInteger, MatMulInteger) */
CASE(raw_quantized)
{
    float s = 1;
    dpu_graph_set_quant(g, TI(g, "acc"), -1, 1, &s, NULL);
}
CASE(raw_bias)
{
    static const int32_t b[3] = {1, 2, 3};
    int t = dpu_graph_add_tensor(g, "bias", DPU_DT_INT32, 1, (int64_t[]){3}, b);
    assert_true(t >= 0);
    add_node_input(g, "conv", t);
}
CASE(raw_clamp)
{
    SET_INTS(g, "conv", "clamp", -128, 127);
}
CASE(raw_matmul_clamp)
{
    SET_INTS(g, "matmul", "clamp", 0, 127);
}
CASE(raw_fc_quantized)
{
    float s = 0.5f;
    int32_t z = 0;
    dpu_graph_set_quant(g, TI(g, "facc"), -1, 1, &s, &z);
}
CASE(raw_consumed)
{
    int r = add_act(g, "r", DPU_DT_INT8, 4, (int64_t[]){1, 3, 2, 2});
    float s = 1;
    dpu_graph_set_quant(g, r, -1, 1, &s, NULL);
    int acc = TI(g, "acc");
    int n = dpu_graph_add_node(g, "relu", DPU_NODE_RELU, 1, &acc, 1, &r);
    assert_true(n >= 0);
    SET_INTS(g, "relu", "clamp", 0, 127);
}
CASE(int32_other_op)
{
    T(g, "add")->dtype = DPU_DT_INT32;
}
CASE(raw_float_out)
{
    T(g, "acc")->dtype = DPU_DT_FLOAT32;
}
CASE(int32_graph_input)
{
    dpu_graph_add_input(g, add_act(g, "extra", DPU_DT_INT32, 1, (int64_t[]){3}));
}
CASE(uint8_graph_input)
{
    dpu_graph_add_input(g, add_act(g, "extra", DPU_DT_UINT8, 1, (int64_t[]){3}));
}

/* per-axis boundary quantization */
CASE(axis_read_by_relu)
{
    int r = add_act(g, "r", DPU_DT_INT8, 3, (int64_t[]){1, 3, 2});
    float s = 1;
    dpu_graph_set_quant(g, r, -1, 1, &s, NULL);
    int q = TI(g, "q");
    int n = dpu_graph_add_node(g, "relu", DPU_NODE_RELU, 1, &q, 1, &r);
    assert_true(n >= 0);
    SET_INTS(g, "relu", "clamp", 0, 127);
}
CASE(axis_zero_point)
{
    T(g, "q")->quant.zero_point[2] = 128;
}
CASE(axis_scale)
{
    T(g, "p")->quant.scale[1] = 0;
}
CASE(axis_conv_output)
{
    float s[4] = {0.02f, 0.02f, 0.02f, 0.02f};
    int32_t z[4] = {0, 0, 0, 0};
    dpu_graph_set_quant(g, TI(g, "conv.out"), 1, 4, s, z);
}

struct vcase {
    const char *name;
    int (*fixture)(struct dpu_graph *);
    mutate_fn mutate;
    int err;
    const char *who, *what;
};

#define L  q8_fixture_lenet
#define I  q8_fixture_int8_all_ops
#define F  q8_fixture_float_all_ops
#define X  fixture_integer
#define A_ fixture_axis
#define R(fx, fn, err, who, what)                                                                  \
    {                                                                                              \
#fn, fx, fn, err, who, what                                                                \
    }
static const struct vcase cases[] = {
    R(L, input_out_of_range, DPU_E_INVALID, "node 'conv1' (Conv2D)",
      "input 0 refers to tensor 999, but the graph has 20"),
    R(L, required_input_absent, DPU_E_INVALID, "node 'conv1' (Conv2D)",
      "input 1 is required but absent"),
    R(L, output_out_of_range, DPU_E_INVALID, "node 'pool1' (MaxPool)",
      "output 0 refers to tensor -7"),
    R(L, two_producers, DPU_E_INVALID, "node 'pool1' (MaxPool)",
      "output 0 'conv1.out' is already produced by node 'conv1' (Conv2D)"),
    R(L, produces_constant, DPU_E_INVALID, "node 'pool1' (MaxPool)",
      "output 0 'conv1.w' is a constant"),
    R(L, never_produced, DPU_E_INVALID, "node 'conv1' (Conv2D)",
      "input 0 'input' is not produced by any node nor a graph input"),
    R(L, orphan_activation, DPU_E_INVALID, "tensor 'orphan'",
      "activation is not produced by any node nor a graph input"),
    R(L, output_not_produced, DPU_E_INVALID, "graph output 'orphan'", "not produced"),
    R(L, output_twice, DPU_E_INVALID, "graph output 'probs'", "listed twice"),
    R(L, input_constant, DPU_E_INVALID, "graph input 'conv1.w'", "is a constant"),
    R(L, input_produced, DPU_E_INVALID, "graph input 'conv1.out'",
      "also produced by node 'conv1' (Conv2D)"),
    R(L, input_twice, DPU_E_INVALID, "graph input 'input'", "listed twice"),
    R(L, graph_output_range, DPU_E_INVALID, "graph output 0", "refers to tensor 12345"),
    R(L, cycle, DPU_E_INVALID, "node 'pool2' (AvgPool)",
      "is on a cycle: 'pool2' -> 'flatten' -> 'fc1' -> 'conv2' -> 'pool2'"),
    R(L, self_loop, DPU_E_INVALID, "node 'fc2' (FullyConnected)", "is on a cycle: 'fc2' -> 'fc2'"),
    R(L, duplicate_tensor_name, DPU_E_INVALID, "tensor 'fc3.w'", "name used by tensors"),
    R(L, duplicate_node_name, DPU_E_INVALID, "node 'fc3'", "name used by nodes"),
    R(L, empty_node_name, DPU_E_INVALID, "node 6", "has no name"),
    R(L, empty_tensor_name, DPU_E_INVALID, "tensor 9", "has no name"),
    R(L, unknown_op_value, DPU_E_INVALID, "node 'fc2'", "unknown op 99"),
    R(L, too_few_inputs, DPU_E_INVALID, "node 'conv1' (Conv2D)", "has 1 inputs, expected 2 to 3"),
    R(L, too_many_outputs, DPU_E_INVALID, "node 'fc2' (FullyConnected)",
      "has 2 outputs, expected 1"),
    R(L, bad_dtype, DPU_E_INVALID, "tensor 'flat'", "unknown dtype 42"),
    R(L, rank_too_big, DPU_E_RANGE, "tensor 'flat'", "rank 9 outside [0, 8]"),
    R(L, negative_dim, DPU_E_RANGE, "tensor 'flat'", "dimension 1 is -400"),
    R(L, huge_dim, DPU_E_RANGE, "tensor 'flat'", "dimension 1 is 2199023255552"),
    R(L, too_many_elements, DPU_E_RANGE, "tensor 'flat'", "more than 2^40 elements"),
    R(L, quant_count_vs_axis, DPU_E_INVALID, "tensor 'conv1.w'",
      "5 quantization scales along axis 0, which has 6 channels"),
    R(L, quant_axis_range, DPU_E_INVALID, "tensor 'conv1.w'", "quantization axis 4 outside"),
    R(L, quant_per_tensor_count, DPU_E_INVALID, "tensor 'conv1.w'",
      "per-tensor quantization (axis -1) with 6 scales"),
    R(L, quant_axis_without_scales, DPU_E_INVALID, "tensor 'conv1.b'",
      "quantization axis 0 without scales"),
    R(L, duplicate_attr, DPU_E_INVALID, "node 'pool1' (MaxPool)",
      "attribute 'kernel_shape' is given twice"),
    R(F, op_not_in_float, DPU_E_UNSUPPORTED, "node 'relu' (Quantize)",
      "op Quantize is not allowed in a float graph"),
    R(I, op_not_in_int8, DPU_E_UNSUPPORTED, "node 'relu' (BatchNorm)",
      "not allowed in a quantized graph"),
    R(F, int8_in_float_graph, DPU_E_INVALID, "tensor 'gap'", "dtype int8 in a float graph"),
    R(F, quant_in_float_graph, DPU_E_INVALID, "tensor 'gap'",
      "quantization parameters in a float graph"),
    R(L, unknown_attr, DPU_E_INVALID, "node 'conv1' (Conv2D)", "unknown attribute 'stride'"),
    R(L, attr_wrong_type, DPU_E_INVALID, "node 'conv1' (Conv2D)",
      "attribute 'group' is float, expected int"),
    R(L, missing_required, DPU_E_INVALID, "node 'pool1' (MaxPool)",
      "missing required attribute 'kernel_shape'"),
    R(L, missing_required_q, DPU_E_INVALID, "node 'softmax' (Softmax)",
      "missing required attribute 'exp_table'"),
    R(I, missing_required_q_lut, DPU_E_INVALID, "node 'sigmoid' (Sigmoid)",
      "missing required attribute 'lut'"),
    R(F, quant_attr_in_float, DPU_E_INVALID, "node 'conv' (Conv2D)",
      "attribute 'clamp' applies to quantized graphs only"),
    R(I, float_attr_in_quant, DPU_E_INVALID, "node 'clip' (Clip)",
      "attribute 'min' applies to float graphs only"),
    R(L, pads_length, DPU_E_INVALID, "node 'conv1' (Conv2D)",
      "attribute 'pads' has 2 values, expected 4"),
    R(L, strides_length, DPU_E_INVALID, "node 'conv1' (Conv2D)",
      "attribute 'strides' has 3 values, expected 2"),
    R(L, strides_zero, DPU_E_RANGE, "node 'conv1' (Conv2D)",
      "attribute 'strides' value 0 is 0, outside [1, 1048576]"),
    R(L, dilation_huge, DPU_E_RANGE, "node 'conv1' (Conv2D)", "attribute 'dilations' value 1"),
    R(L, pads_negative, DPU_E_RANGE, "node 'conv1' (Conv2D)", "attribute 'pads' value 1 is -1"),
    R(L, group_zero, DPU_E_RANGE, "node 'conv1' (Conv2D)", "attribute 'group' is 0"),
    R(I, lut_length, DPU_E_INVALID, "node 'sigmoid' (Sigmoid)",
      "attribute 'lut' has 255 values, expected 256"),
    R(I, lut_value, DPU_E_RANGE, "node 'tanh' (Tanh)", "lut entry 17 is 128"),
    R(L, clamp_order, DPU_E_RANGE, "node 'conv1' (Conv2D)",
      "clamp [10, 5] is not within -128 <= lo <= hi <= 127"),
    R(L, clamp_range, DPU_E_RANGE, "node 'conv1' (Conv2D)", "clamp [-129, 0]"),
    R(L, clamp_length, DPU_E_INVALID, "node 'conv1' (Conv2D)",
      "attribute 'clamp' has 3 values, expected 2"),
    R(L, exp_table_range, DPU_E_RANGE, "node 'softmax' (Softmax)",
      "exp_table entry 0 is 8388609, outside [0, 2^23]"),
    R(L, exp_table_grows, DPU_E_RANGE, "node 'softmax' (Softmax)", "exp_table entry 5"),
    R(I, perm_not_permutation, DPU_E_INVALID, "node 'transpose' (Transpose)",
      "names axis 0 twice: not a permutation"),
    R(I, perm_length, DPU_E_INVALID, "node 'transpose' (Transpose)",
      "attribute 'perm' has 2 values, expected 3"),
    R(L, ceil_mode_value, DPU_E_RANGE, "node 'pool1' (MaxPool)",
      "attribute 'ceil_mode' is 2, not 0 or 1"),
    R(F, float_attr_nan, DPU_E_RANGE, "node 'leaky' (LeakyRelu)",
      "attribute 'alpha' is nan, not a finite number"),
    R(F, float_attr_inf, DPU_E_RANGE, "node 'hsig' (HardSigmoid)", "attribute 'beta' is inf"),
    R(F, clip_min_above_max, DPU_E_RANGE, "node 'clip' (Clip)", "min 3 is larger than max 2.25"),
    R(I, concat_axis_range, DPU_E_RANGE, "node 'concat' (Concat)",
      "attribute 'axis' is 4, outside [-4, 3]"),
    R(I, qvalue_range, DPU_E_RANGE, "node 'pad' (Pad)", "attribute 'qvalue' is 128"),
    R(L, softmax_axis_range, DPU_E_RANGE, "node 'softmax' (Softmax)",
      "attribute 'axis' is -4, outside [-2, 1]"),
    R(L, conv_out_shape, DPU_E_MISMATCH, "node 'conv1' (Conv2D)",
      "output 'conv1.out' has shape [1,6,28,28], but the op gives [1,6,24,24]"),
    R(I, conv_group_divides, DPU_E_MISMATCH, "node 'dw' (Conv2D)",
      "group 3 does not divide the 4 input and 4 output channels"),
    R(L, conv_weight_channels, DPU_E_MISMATCH, "node 'conv2' (Conv2D)",
      "have 5 input channels per group, but the input's 6 channels in 1 groups give 6"),
    R(L, conv_kernel_shape, DPU_E_MISMATCH, "node 'conv1' (Conv2D)",
      "kernel_shape [3,3] differs from the weights' kernel [5,5]"),
    R(L, conv_bias_shape, DPU_E_MISMATCH, "node 'conv1' (Conv2D)",
      "bias 'conv1.b' has shape [5], expected [6]"),
    R(L, conv_kernel_too_big, DPU_E_MISMATCH, "node 'conv2' (Conv2D)",
      "kernel height 5 (extent 17 with dilation) exceeds the padded input height 14"),
    R(L, conv_input_rank, DPU_E_MISMATCH, "node 'conv1' (Conv2D)",
      "input 0 'input' has rank 3, expected 4"),
    R(L, pool_pads_window, DPU_E_RANGE, "node 'pool1' (MaxPool)",
      "height pads 2 and 0 must be smaller than the window extent 2"),
    R(I, pool_ceil_shape, DPU_E_MISMATCH, "node 'avgpool' (AvgPool)",
      "output 'avgpool' has shape [1,4,4,4], but the op gives [1,4,5,5]"),
    R(L, avgpool_window_limit, DPU_E_RANGE, "node 'pool2' (AvgPool)",
      "window of 65536 elements exceeds the int8 average pooling limit of 65025"),
    R(I, gap_limit, DPU_E_RANGE, "node 'gap' (GlobalAvgPool)",
      "plane of 66564 elements exceeds the int8 average pooling limit of 65025"),
    R(F, gap_empty, DPU_E_MISMATCH, "node 'gap' (GlobalAvgPool)", "empty H x W plane"),
    R(L, fc_inner, DPU_E_MISMATCH, "node 'fc1' (FullyConnected)",
      "input has 400 features, but weights 'fc1.w' [120,399] expect 399"),
    R(I, matmul_inner, DPU_E_MISMATCH, "node 'matmul' (MatMul)",
      "inner dimensions differ: 5 columns times 4 rows"),
    R(F, matmul_batch, DPU_E_MISMATCH, "node 'matmul' (MatMul)",
      "batch sizes 2 and 3 do not broadcast"),
    R(I, add_broadcast, DPU_E_MISMATCH, "node 'add' (Add)",
      "shapes [1,4,8,8] and [3,1,1] do not broadcast"),
    R(I, concat_other_dims, DPU_E_MISMATCH, "node 'maxpool' (MaxPool)",
      "output 'maxpool' has shape [1,4,4,3]"),
    R(I, reshape_count, DPU_E_MISMATCH, "node 'reshape' (Reshape)",
      "cannot reshape [1,5] (5 elements) to [1,6,1] (6 elements)"),
    R(I, reshape_shape_attr, DPU_E_MISMATCH, "node 'reshape' (Reshape)",
      "attribute 'shape' value 2 (2) does not give the output's dimension 1"),
    R(L, flatten_shape, DPU_E_MISMATCH, "node 'flatten' (Flatten)",
      "output 'flat' has shape [8,1], but the op gives [1,400]"),
    R(I, transpose_shape, DPU_E_MISMATCH, "node 'transpose' (Transpose)",
      "output 'transpose' has shape [1,1,5], but the op gives [1,5,1]"),
    R(I, pad_shape, DPU_E_MISMATCH, "node 'pad' (Pad)", "but the op gives [1,8,6,7]"),
    R(I, resize_shape, DPU_E_MISMATCH, "node 'resize' (Resize)", "but the op gives [1,8,12,18]"),
    R(I, resize_scale_zero, DPU_E_RANGE, "node 'resize' (Resize)",
      "attribute 'scales' value 1 is 0"),
    R(F, gemm_c_shape, DPU_E_MISMATCH, "node 'gemm' (Gemm)",
      "C 'gemm.c' [4] does not broadcast to [1,5]"),
    R(F, gemm_inner, DPU_E_MISMATCH, "node 'gemm' (Gemm)",
      "inner dimensions differ: 6 (A) and 5 (B)"),
    R(F, batchnorm_param, DPU_E_MISMATCH, "node 'bn' (BatchNorm)",
      "variance 'bn.var' has shape [3], expected [4]"),
    R(F, unary_shape, DPU_E_MISMATCH, "node 'tanh' (Tanh)",
      "output 'tanh' has shape [1,4,8,7], but the op gives [1,4,8,8]"),
    R(L, act_float_in_q, DPU_E_INVALID, "node 'flatten' (Flatten)",
      "output 'flat' is float32, expected int8 in a quantized graph"),
    R(L, act_no_quant, DPU_E_INVALID, "node 'flatten' (Flatten)",
      "output 'flat' has no quantization parameters"),
    R(L, act_per_channel, DPU_E_INVALID, "node 'flatten' (Flatten)",
      "output 'flat' is quantized per channel (axis 1)"),
    R(L, act_zero_point, DPU_E_RANGE, "node 'pool1' (MaxPool)",
      "output 'pool1.out' zero point 200 is outside [-128, 127]"),
    R(L, act_scale_zero, DPU_E_RANGE, "node 'conv2' (Conv2D)",
      "output 'conv2.out' scale 0 is 0, not finite and > 0"),
    R(L, act_scale_nan, DPU_E_RANGE, "node 'conv2' (Conv2D)", "scale 0 is nan"),
    R(L, weights_not_constant, DPU_E_INVALID, "node 'conv2' (Conv2D)",
      "weights input 1 'conv2.w' must be a constant"),
    R(L, weights_dtype, DPU_E_INVALID, "node 'fc3' (FullyConnected)",
      "weights input 1 'fc3.w' are uint8, expected int8"),
    R(L, weights_zero_point, DPU_E_RANGE, "node 'conv1' (Conv2D)",
      "weights input 1 'conv1.w' zero point 3 is 200, outside [-128, 127]"),
    R(X, weights_zero_point_per_tensor, DPU_E_RANGE, "node 'fc' (FullyConnected)",
      "weights input 1 'fw' zero point -129 is outside [-128, 127]"),
    R(L, weights_axis, DPU_E_INVALID, "node 'conv1' (Conv2D)",
      "are quantized along axis 3; expected per output channel (axis 0) or per tensor"),
    R(L, weights_scale, DPU_E_RANGE, "node 'conv1' (Conv2D)", "scale 2 is -0.5"),
    R(L, bias_dtype, DPU_E_INVALID, "node 'conv1' (Conv2D)",
      "bias input 2 'conv1.b' is float32, expected int32"),
    R(L, bias_zero_point, DPU_E_RANGE, "node 'fc1' (FullyConnected)",
      "bias input 2 'fc1.b' zero point 0 is 3, expected 0"),
    R(L, passthrough_quant, DPU_E_MISMATCH, "node 'flatten' (Flatten)",
      "output 'flat' has scale 0.5 and zero point -128, but this op keeps the input's scale "
      "0.0799999982"),
    R(L, softmax_scale, DPU_E_RANGE, "node 'softmax' (Softmax)",
      "Softmax outputs take scale 1/256 (0.00390625) and zero point -128"),
    R(L, softmax_zero_point, DPU_E_RANGE, "node 'softmax' (Softmax)",
      "has scale 0.00390625 and zero point 0"),
    R(L, ratio_conv, DPU_E_RANGE, "node 'conv1' (Conv2D)",
      "output channel 0: the ratio s_x * s_w / s_y = "),
    R(L, ratio_avgpool, DPU_E_RANGE, "node 'pool2' (AvgPool)",
      "the pooling ratio s_x / s_y = 8e-14 has no int32 multiplier and shift"),
    R(I, ratio_add, DPU_E_RANGE, "node 'add' (Add)", "the larger of s_a / s_y and s_b / s_y"),
    R(I, ratio_concat, DPU_E_RANGE, "node 'concat' (Concat)",
      "input 0: the ratio s_x / s_y = 3e+10 has no int32 multiplier"),
    R(I, pool_dilation, DPU_E_RANGE, "node 'maxpool' (MaxPool)",
      "height dilation 9 exceeds the input height 8: a window could hold only padding"),
    R(L, exp_table_first, DPU_E_RANGE, "node 'softmax' (Softmax)",
      "exp_table entry 0 is 8388607, expected exp(0) * 2^23 = 8388608"),
    R(L, softmax_row_limit, DPU_E_RANGE, "node 'softmax' (Softmax)",
      "rows of 4294967297 values along axis 1 exceed the int8 Softmax limit of 2^32"),
    R(I, quantize_input, DPU_E_INVALID, "node 'quantize' (Quantize)",
      "input 0 'x' is int8, expected float32"),
    R(I, dequantize_output, DPU_E_INVALID, "node 'dequantize' (Dequantize)",
      "output 'y' is float32 but has quantization parameters"),
    R(X, raw_quantized, DPU_E_INVALID, "node 'conv' (Conv2D)",
      "int32 output 'acc' has quantization parameters; the raw accumulator output has none"),
    R(X, raw_bias, DPU_E_INVALID, "node 'conv' (Conv2D)",
      "has a bias 'bias' and an int32 output; the raw accumulator output takes no bias"),
    R(X, raw_clamp, DPU_E_INVALID, "node 'conv' (Conv2D)",
      "has attribute 'clamp' and an int32 output; the raw accumulator output is never clamped"),
    R(X, raw_matmul_clamp, DPU_E_INVALID, "node 'matmul' (MatMul)",
      "has attribute 'clamp' and an int32 output"),
    R(X, raw_fc_quantized, DPU_E_INVALID, "node 'fc' (FullyConnected)",
      "int32 output 'facc' has quantization parameters"),
    R(X, raw_consumed, DPU_E_INVALID, "node 'relu' (Relu)",
      "input 0 'acc' is int32, expected int8 in a quantized graph"),
    R(I, int32_other_op, DPU_E_INVALID, "node 'add' (Add)",
      "output 'add' is int32, expected int8 in a quantized graph"),
    R(X, raw_float_out, DPU_E_INVALID, "node 'conv' (Conv2D)",
      "output 'acc' is float32, expected int8"),
    R(X, int32_graph_input, DPU_E_INVALID, "graph input 'extra'",
      "is int32; a quantized graph takes int8 or float32 inputs"),
    R(X, uint8_graph_input, DPU_E_INVALID, "graph input 'extra'", "is uint8"),
    R(A_, axis_read_by_relu, DPU_E_INVALID, "node 'relu' (Relu)",
      "input 0 'q' is quantized per channel (axis 1); activations take one scale and zero point"),
    R(A_, axis_zero_point, DPU_E_RANGE, "node 'quantize' (Quantize)",
      "output 'q' zero point 2 is 128, outside [-128, 127]"),
    R(A_, axis_scale, DPU_E_RANGE, "node 'deq2' (Dequantize)",
      "input 0 'p' scale 1 is 0, not finite and > 0"),
    R(I, axis_conv_output, DPU_E_INVALID, "node 'conv' (Conv2D)",
      "output 'conv.out' is quantized per channel (axis 1)"),
};
#define N_CASES (sizeof cases / sizeof cases[0])

static void test_refusals(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < N_CASES; i++) {
        const struct vcase *c = &cases[i];
        struct dpu_graph g;
        dpu_graph_init(&g);
        assert_int_equal(c->fixture(&g), DPU_OK);
        c->mutate(&g);
        struct dpu_diag d;
        dpu_diag_clear(&d);
        int err = dpu_graph_verify(&g, &d);
        if (err != c->err || d.err != err || !strstr(d.msg, c->who) || !strstr(d.msg, c->what)) {
            print_error("%s: got %d \"%s\"\n    expected %d with \"%s\" and \"%s\"\n", c->name, err,
                        d.msg, c->err, c->who, c->what);
            failures++;
        }
        dpu_graph_free(&g);
    }
    if (failures)
        fail_msg("%d of %zu cases failed", failures, N_CASES);
}

/* The unmodified fixtures pass, and verifying twice changes nothing. */
static void test_fixtures_verify(void **state)
{
    (void)state;
    int (*fx[])(struct dpu_graph *) = {L, I, F, q8_fixture_small};
    for (size_t k = 0; k < 4; k++) {
        struct dpu_graph g;
        dpu_graph_init(&g);
        assert_int_equal(fx[k](&g), DPU_OK);
        struct dpu_diag d;
        dpu_diag_clear(&d);
        if (dpu_graph_verify(&g, &d) != DPU_OK)
            fail_msg("fixture %zu: %s", k, d.msg);
        assert_int_equal(dpu_graph_verify(&g, &d), DPU_OK);
        dpu_graph_free(&g);
    }
}

/* The forms ONNX's integer operators import to verify, and dpu_graph_weights_symmetric tells
 * the quantizer's symmetric weights (which the accelerator needs) from imported ones. */
static void verify_ok(struct dpu_graph *g, const char *what)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_graph_verify(g, &d) != DPU_OK)
        fail_msg("%s: %s", what, d.msg);
}

static void test_imported_forms(void **state)
{
    (void)state;
    struct dpu_graph g;
    int (*fx[])(struct dpu_graph *) = {fixture_integer, fixture_axis};
    for (size_t k = 0; k < 2; k++) {
        dpu_graph_init(&g);
        assert_int_equal(fx[k](&g), DPU_OK);
        verify_ok(&g, k ? "axis" : "integer");
        verify_ok(&g, "verified twice");
        /* model.q8 holds these forms with nothing new: the binary form round-trips them
         * through its verifying reader. */
        uint8_t *buf;
        size_t len;
        struct dpu_diag d;
        dpu_diag_clear(&d);
        assert_int_equal(dpu_q8_encode(&g, &buf, &len, &d), DPU_OK);
        struct dpu_graph back;
        if (dpu_q8_decode("roundtrip", buf, len, &back, &d) != DPU_OK)
            fail_msg("%s", d.msg);
        char why[256];
        if (!dpu_q8_graph_equal(&g, &back, why, sizeof why))
            fail_msg("round trip differs: %s", why);
        dpu_graph_free(&back);
        free(buf);
        if (k == 0) {
            /* Zero points 127 / -3 (conv), 127 (fc), and -128 among the values. */
            assert_false(dpu_graph_weights_symmetric(&g, N(&g, "conv")));
            assert_false(dpu_graph_weights_symmetric(&g, N(&g, "fc")));
            assert_false(dpu_graph_weights_symmetric(&g, N(&g, "matmul")));
        }
        dpu_graph_free(&g);
    }

    /* The quantizer's weights are symmetric; a weight of -128 keeps them so (zero point 0 is
     * all the array needs: docs/arithmetic.md, 1), one non-zero zero point makes them not. */
    dpu_graph_init(&g);
    assert_int_equal(L(&g), DPU_OK);
    verify_ok(&g, "lenet");
    assert_true(dpu_graph_weights_symmetric(&g, N(&g, "conv1")));
    assert_true(dpu_graph_weights_symmetric(&g, N(&g, "fc2")));
    assert_false(dpu_graph_weights_symmetric(&g, N(&g, "softmax")));
    ((int8_t *)T(&g, "fc2.w")->data)[100] = -128;
    T(&g, "conv1.w")->quant.zero_point[3] = 127;
    verify_ok(&g, "lenet with imported weights");
    assert_true(dpu_graph_weights_symmetric(&g, N(&g, "fc2")));
    assert_false(dpu_graph_weights_symmetric(&g, N(&g, "conv1")));
    assert_true(dpu_graph_weights_symmetric(&g, N(&g, "conv2")));
    dpu_graph_free(&g);

    /* A per-tensor weight zero point at either end of the int8 range. */
    dpu_graph_init(&g);
    assert_int_equal(fixture_integer(&g), DPU_OK);
    T(&g, "fw")->quant.zero_point[0] = -128;
    verify_ok(&g, "integer, zero point -128");
    dpu_graph_free(&g);
}

/* Stable topological order: a shuffled graph comes back in dependency order, with nodes
 * that could go either way kept in their given order. */
static void test_topological_sort(void **state)
{
    (void)state;
    struct dpu_graph g;
    dpu_graph_init(&g);
    assert_int_equal(I(&g), DPU_OK);
    /* Move the last node (dequantize) first and "maxpool" before "add". */
    struct dpu_gnode last = g.nodes[g.nnodes - 1];
    memmove(g.nodes + 1, g.nodes, (g.nnodes - 1) * sizeof *g.nodes);
    g.nodes[0] = last;
    int ia = NI(&g, "add"), im = NI(&g, "maxpool");
    struct dpu_gnode tmp = g.nodes[im];
    memmove(g.nodes + ia + 1, g.nodes + ia, (size_t)(im - ia) * sizeof *g.nodes);
    g.nodes[ia] = tmp;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_graph_verify(&g, &d) != DPU_OK)
        fail_msg("%s", d.msg);
    struct dpu_graph ref;
    dpu_graph_init(&ref);
    assert_int_equal(I(&ref), DPU_OK);
    assert_int_equal(g.nnodes, ref.nnodes);
    /* Expected: the fixture's order, except that maxpool, given before mul, stays before it
     * once add (which both need) has run: add, maxpool, mul. */
    const char *want[64];
    size_t k = 0;
    for (size_t i = 0; i < ref.nnodes; i++) {
        if (strcmp(ref.nodes[i].name, "maxpool") == 0)
            continue;
        want[k++] = ref.nodes[i].name;
        if (strcmp(ref.nodes[i].name, "add") == 0)
            want[k++] = "maxpool";
    }
    for (size_t i = 0; i < g.nnodes; i++)
        assert_string_equal(g.nodes[i].name, want[i]);
    dpu_graph_free(&g);
    dpu_graph_free(&ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures_verify),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_imported_forms),
        cmocka_unit_test(test_topological_sort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
