/* Hand-built programs for the runtime tests: one quantized Conv2D (3x3, pad 1, stride 1,
 * random weights, bias and zero points from a seed), lowered by hand as docs/isa.md says a
 * compiler does, and the same layer as a whole model.q8 graph for the reference interpreter.
 *
 *   float form   x (float32, INPUT, NCHW) -[cpu: Quantize]-> xq (SCRATCH, NHWC cpad_in)
 *                -[accel: conv]-> y (SCRATCH, NHWC cpad_out) -[cpu: Dequantize]-> yf
 *                (float32, OUTPUT, NCHW)
 *   int8 form    xq (INPUT, NHWC cpad_in) -[accel: conv]-> y (OUTPUT, NHWC cpad_out)
 *
 * Every function aborts (with a message) on an internal failure: these are test fixtures. */
#ifndef RT_CASE_H
#define RT_CASE_H

#include <stdbool.h>
#include <stdint.h>

#include "dpu/graph.h"
#include "dpu/program.h"
#include "dpu/tensor.h"

struct rt_case_spec {
    const char *preset; /* "tiny", ... */
    uint64_t seed;
    int cin, cout, h, w;
    int cpad_in, cpad_out; /* channel strides in the regions (>= cin, cout) */
    bool float_io;         /* the float form (boundary CPU steps) */
};

struct rt_case {
    struct dpu_graph model;  /* the whole graph, verified */
    struct dpu_program prog; /* the lowered program */
    struct dpu_tensor input; /* a matching input (float32 or int8 NCHW), owned */
};

void rt_case_build(const struct rt_case_spec *spec, struct rt_case *c);
void rt_case_free(struct rt_case *c);

#endif
