/* Models older than opset 11: accepted op by op.
 *
 * The mapping follows each operator's definition at opsets 11 to 17. A model declaring an
 * older opset uses the definitions current at that opset; for the ops below those mean the
 * same as at opset 11 from the listed version on (later versions only added element types,
 * attributes whose defaults keep the old meaning, or negative axes), or the mapping reads
 * the older form itself (Clip's and Pad's attributes, Upsample, Resize-10, Gemm-6's
 * `broadcast`, BatchNormalization-6's `is_test`). Add, Mul and friends before opset 7
 * broadcast differently (the `axis` attribute) and are refused, as is any op not listed.
 */
#include <string.h>

#include "dpu/onnx_ctx.h"

struct since {
    const char *op;
    int opset; /* first opset at which the op means what the importer implements */
};

static const struct since table[] = {
    {"Add", 7},
    {"AveragePool", 1},
    {"BatchNormalization", 6},
    {"Cast", 9},
    {"Clip", 6},
    {"Concat", 4},
    {"Constant", 1},
    {"ConstantOfShape", 9},
    {"Conv", 1},
    {"ConvInteger", 10},
    {"DequantizeLinear", 10},
    {"Div", 7},
    {"Dropout", 6},
    {"Flatten", 1},
    {"Gather", 1},
    {"Gemm", 6},
    {"GlobalAveragePool", 1},
    {"HardSigmoid", 6},
    {"Identity", 1},
    {"LeakyRelu", 6},
    {"MatMul", 1},
    {"MatMulInteger", 10},
    {"MaxPool", 1},
    {"Mul", 7},
    {"Pad", 2},
    {"QLinearConv", 10},
    {"QLinearMatMul", 10},
    {"QuantizeLinear", 10},
    {"Relu", 6},
    {"Reshape", 5},
    {"Resize", 10},
    {"Shape", 1},
    {"Sigmoid", 6},
    {"Slice", 10},
    {"Softmax", 1},
    {"Squeeze", 1},
    {"Sub", 7},
    {"Tanh", 6},
    {"Transpose", 1},
    {"Unsqueeze", 1},
    {"Upsample", 7},
};

int onnx_check_opset_ops(struct onnx_ctx *ctx)
{
    if (ctx->opset >= 11)
        return DPU_OK;
    for (size_t i = 0; i < ctx->nnodes; i++) {
        const struct onnx_node *n = &ctx->nodes[i];
        if (n->domain != ONNX_DOMAIN_DEFAULT)
            continue;
        int since = 0;
        for (size_t k = 0; k < sizeof table / sizeof table[0]; k++)
            if (strcmp(table[k].op, n->op) == 0)
                since = table[k].opset;
        if (since == 0)
            return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                             "the model uses ONNX opset %d; opendpu imports opsets 11 to 17, and "
                             "older models only with ops unchanged since (convert the model, "
                             "e.g. with onnx.version_converter)",
                             ctx->opset);
        if (since > ctx->opset)
            return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                             "the model uses ONNX opset %d, older than the first version of %s "
                             "opendpu imports (%d); convert the model, e.g. with "
                             "onnx.version_converter",
                             ctx->opset, n->op, since);
    }
    return DPU_OK;
}
