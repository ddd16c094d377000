/* Random quantized graphs for the compiler's randomized tests (test_compile_rgraph and
 * scripts/compile_fuzz.sh): one seed gives one preset and one DAG of conv (kernels 1-7, strides
 * 1-4, dilations, asymmetric pads), depthwise, grouped conv, FC, max/avg/global pool, Add, Mul,
 * Concat and activations (clamps and lookup tables), with channel counts that are not
 * multiples of the array size and odd spatial sizes. Everything derives from the seed, so
 * `test_compile_rgraph --seed S` reproduces a case exactly. */
#ifndef RGRAPH_H
#define RGRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "dpu/graph.h"

/* What one case is: its preset and a readable list of its nodes. */
struct rg_case {
    uint64_t seed;
    const char *preset;
    char desc[2048];
};

/* Residency chains on b512, b1024 and b4096 up to their whole ACT (slow to simulate: for
 * scripts/compile_fuzz.sh); false (the default) keeps them small, tiny's reach its ACT anyway. */
extern bool rg_big; /* also longer chains (up to 14 steps) */

/* Builds case `seed` into g (initialised by the caller, quantized, verified). */
void rg_build(struct dpu_graph *g, uint64_t seed, struct rg_case *cs);

#endif
