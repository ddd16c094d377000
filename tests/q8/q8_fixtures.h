/* Hand-built graphs shared by the model.q8 tests, the broken-file generator and the fuzz
 * corpus. Each builder fills an initialized, empty graph and returns 0, or a negative
 * dpu_err if a builder call failed. None of them calls the verifier: the tests do. */
#ifndef Q8_FIXTURES_H
#define Q8_FIXTURES_H

#include "dpu/graph.h"

/* A quantized LeNet-5: Conv2D/MaxPool/Conv2D/AvgPool/Flatten/3 x FullyConnected/Softmax on
 * a [1,1,28,28] int8 input; per-channel weights, int32 biases, fused ReLU clamps. 61706
 * parameters, 416520 MACs. */
int q8_fixture_lenet(struct dpu_graph *g);

/* A quantized graph with every int8 op of ops.def, from a float32 input through Quantize to
 * a float32 output through Dequantize. */
int q8_fixture_int8_all_ops(struct dpu_graph *g);

/* A float graph with every float op of ops.def and every attribute of op_attrs.def that a
 * float graph may carry. */
int q8_fixture_float_all_ops(struct dpu_graph *g);

/* A small quantized graph for the golden files: names that need quotes, per-channel and
 * per-tensor quantization, constant data, int/ints attributes. */
int q8_fixture_small(struct dpu_graph *g);

#endif
