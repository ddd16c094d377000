/* Helpers for the reference-interpreter tests: build small graphs with the graph.h builder
 * API, run them, and compare results. Every helper fails the running cmocka test on error. */
#ifndef REF_TEST_UTIL_H
#define REF_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "dpu/graph.h"
#include "dpu/ref.h"
#include "dpu/tensor.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* A tensor (data NULL: an activation) and its index. */
int tu_tensor(struct dpu_graph *g, const char *name, enum dpu_dtype dt, int rank,
              const int64_t *dims, const void *data);
/* int8 activation with per-tensor quantization. */
int tu_act8(struct dpu_graph *g, const char *name, int rank, const int64_t *dims, float scale,
            int32_t zp);
/* Per-tensor quantization on any tensor. */
void tu_quant(struct dpu_graph *g, int t, float scale, int32_t zp);
/* Per-channel (axis 0, zero point 0) quantization of weights. */
void tu_quant_ch(struct dpu_graph *g, int t, size_t count, const float *scales);
/* Per-channel quantization along axis with zero points (count = dims[axis]). */
void tu_quant_axis(struct dpu_graph *g, int t, int axis, size_t count, const float *scales,
                   const int32_t *zps);
/* A node with one output. */
int tu_node(struct dpu_graph *g, const char *name, enum dpu_node_op op, size_t nin,
            const int32_t *in, int32_t out);
void tu_ints(struct dpu_graph *g, int node, const char *name, size_t n, const int64_t *v);
void tu_int(struct dpu_graph *g, int node, const char *name, int64_t v);
void tu_float(struct dpu_graph *g, int node, const char *name, double v);
void tu_input(struct dpu_graph *g, int t);
void tu_output(struct dpu_graph *g, int t);

/* A view of caller data as a tensor (not owned). */
struct dpu_tensor tu_view(enum dpu_dtype dt, int rank, const int64_t *dims, const void *data);

/* Verifies g (dpu_graph_verify: every graph a success test runs must be a valid graph, so the
 * verifier and the interpreter cannot drift apart) and runs it; on failure prints the
 * message and fails the test. */
void tu_run(struct dpu_graph *g, const struct dpu_tensor *in, size_t nin, struct dpu_tensor *out);
/* Runs g expecting error `err` and a message containing every string of the NULL-terminated
 * list; the outputs must come back empty. */
void tu_run_fails(const struct dpu_graph *g, const struct dpu_tensor *in, size_t nin, int err, ...);

/* t must be int8 / float32 with exactly these n values (float: within rel relative error, or
 * 1e-7 absolute near zero). */
void tu_expect_i8(const struct dpu_tensor *t, const int8_t *want, size_t n);
void tu_expect_i32(const struct dpu_tensor *t, const int32_t *want, size_t n);
void tu_expect_f32(const struct dpu_tensor *t, const float *want, size_t n, double rel);
/* And the shape. */
void tu_expect_shape(const struct dpu_tensor *t, int rank, const int64_t *dims);

/* One-node int8 graphs: x (and y) become graph inputs/outputs; runs and checks the result. */
void tu_run1_i8(struct dpu_graph *g, const struct dpu_tensor *in, size_t nin, const int8_t *want,
                size_t n);
void tu_run1_f32(struct dpu_graph *g, const struct dpu_tensor *in, size_t nin, const float *want,
                 size_t n);

#endif
