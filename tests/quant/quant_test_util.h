/* Helpers for the quantizer tests: small float graphs built with the graph.h API,
 * deterministic pseudo-random data, running graphs and comparing results. Every helper fails
 * the running cmocka test on error. */
#ifndef QUANT_TEST_UTIL_H
#define QUANT_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "dpu/calib_data.h"
#include "dpu/graph.h"
#include "dpu/quant.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Uniform pseudo-random floats in [lo, hi) from a fixed LCG (state advanced in *seed). */
float qt_rand(uint32_t *seed, float lo, float hi);
void qt_fill(uint32_t *seed, float *v, size_t n, float lo, float hi);

/* A float32 activation (data NULL) or constant. */
int qt_tensor(struct dpu_graph *g, const char *name, int rank, const int64_t *dims,
              const float *data);
int qt_node(struct dpu_graph *g, const char *name, enum dpu_node_op op, size_t nin,
            const int32_t *in, int32_t out);
void qt_ints(struct dpu_graph *g, int node, const char *name, size_t n, const int64_t *v);
void qt_input(struct dpu_graph *g, int t);
void qt_output(struct dpu_graph *g, int t);

/* Verifies g, then runs it on one float32 input; out[0] receives output 0 (caller frees). */
void qt_run(struct dpu_graph *g, const float *x, struct dpu_tensor *out);
/* Largest |a - b| / max(|b|, floor) over n values. */
double qt_max_rel(const float *a, const float *b, size_t n, double floor);

/* A calibration set of n samples of `elems` values each, uniform in [lo, hi). */
void qt_calib(struct dpu_calib_set *cs, size_t n, int rank, const int64_t *sample_dims,
              uint32_t seed, float lo, float hi);

/* The index of the node named `name` in g, or -1; the number of nodes with op `op`. */
int qt_find_node(const struct dpu_graph *g, const char *name);
size_t qt_count_op(const struct dpu_graph *g, enum dpu_node_op op);

/* Expects err and a message containing every string of the NULL-terminated list. */
void qt_expect_error(int got, const struct dpu_diag *d, int err, ...);

#endif
