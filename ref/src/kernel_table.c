/* The kernel table: one entry per (op, graph kind). Row order follows dpu/ops.def; an op is
 * only dispatched in the kind of graph ops.def allows it in (float_ok, int8_ok). */
#include "ref_internal.h"

struct kernel_pair {
    ref_kernel_fn f32; /* float graphs */
    ref_kernel_fn q8;  /* quantized graphs */
};

static const struct kernel_pair kernels[DPU_NODE_COUNT] = {
    [DPU_NODE_CONV2D] = {ref_f32_conv2d, ref_q8_conv2d},
    [DPU_NODE_FULLY_CONNECTED] = {ref_f32_fully_connected, ref_q8_fully_connected},
    [DPU_NODE_MATMUL] = {ref_f32_matmul, ref_q8_matmul},
    [DPU_NODE_ADD] = {ref_f32_add, ref_q8_add},
    [DPU_NODE_MUL] = {ref_f32_mul, ref_q8_mul},
    [DPU_NODE_CONCAT] = {ref_f32_concat, ref_q8_concat},
    [DPU_NODE_MAX_POOL] = {ref_f32_max_pool, ref_q8_max_pool},
    [DPU_NODE_AVG_POOL] = {ref_f32_avg_pool, ref_q8_avg_pool},
    [DPU_NODE_GLOBAL_AVG_POOL] = {ref_f32_global_avg_pool, ref_q8_global_avg_pool},
    [DPU_NODE_RELU] = {ref_f32_unary, ref_q8_rescale},
    [DPU_NODE_RELU6] = {ref_f32_unary, ref_q8_rescale},
    [DPU_NODE_CLIP] = {ref_f32_unary, ref_q8_rescale},
    [DPU_NODE_LEAKY_RELU] = {ref_f32_unary, ref_q8_lut},
    [DPU_NODE_SIGMOID] = {ref_f32_unary, ref_q8_lut},
    [DPU_NODE_TANH] = {ref_f32_unary, ref_q8_lut},
    [DPU_NODE_HARD_SIGMOID] = {ref_f32_unary, ref_q8_lut},
    [DPU_NODE_HARD_SWISH] = {ref_f32_unary, ref_q8_lut},
    [DPU_NODE_GELU] = {ref_f32_unary, ref_q8_lut},
    [DPU_NODE_SOFTMAX] = {ref_f32_softmax, ref_q8_softmax},
    [DPU_NODE_RESHAPE] = {ref_f32_reshape, ref_q8_reshape},
    [DPU_NODE_FLATTEN] = {ref_f32_flatten, ref_q8_flatten},
    [DPU_NODE_TRANSPOSE] = {ref_f32_transpose, ref_q8_transpose},
    [DPU_NODE_PAD] = {ref_f32_pad, ref_q8_pad},
    [DPU_NODE_RESIZE] = {ref_f32_resize, ref_q8_resize},
    [DPU_NODE_QUANTIZE] = {NULL, ref_q8_quantize},
    [DPU_NODE_DEQUANTIZE] = {NULL, ref_q8_dequantize},
    [DPU_NODE_BATCH_NORM] = {ref_f32_batch_norm, NULL},
    [DPU_NODE_GEMM] = {ref_f32_gemm, NULL},
};

/* float_ok and int8_ok of every op, from the one list. */
static const bool float_ok[DPU_NODE_COUNT] = {
#define X(e, name, mi, ma, no, f, q, doc) [DPU_NODE_##e] = (f),
#include "dpu/ops.def"
#undef X
};
static const bool int8_ok[DPU_NODE_COUNT] = {
#define X(e, name, mi, ma, no, f, q, doc) [DPU_NODE_##e] = (q),
#include "dpu/ops.def"
#undef X
};

ref_kernel_fn ref_kernel_for(enum dpu_node_op op, bool quantized)
{
    if ((unsigned)op >= DPU_NODE_COUNT)
        return NULL;
    if (quantized)
        return int8_ok[op] ? kernels[op].q8 : NULL;
    return float_ok[op] ? kernels[op].f32 : NULL;
}
