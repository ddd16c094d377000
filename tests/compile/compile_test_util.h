/* Helpers of the compile tests: random quantized graphs built with the graph API, and a
 * driver that compiles a graph, runs its accelerator segment on dpusim with the input in the
 * program's layout, and compares the output byte for byte with dpu_ref_run. */
#ifndef COMPILE_TEST_UTIL_H
#define COMPILE_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dpu/graph.h"

/* splitmix64 */
void ct_seed(uint64_t seed);
int ct_int(int lo, int hi); /* inclusive */
double ct_unit(void);

/* Adds an int8 activation [n, c, h, w] (rank 4) or [n, c] (h = w = 0) with a random scale
 * near `scale` and a random zero point. */
int ct_act(struct dpu_graph *g, const char *name, int64_t n, int64_t c, int64_t h, int64_t w,
           double scale);
/* Conv2D (group 1 or depthwise when dw) or FullyConnected (kh = 0) from x to a new output
 * with random weights, bias and clamp; returns the output tensor. */
int ct_conv(struct dpu_graph *g, const char *name, int x, int cout, int kh, int kw, int sh, int sw,
            int dh, int dw_, const int pads[4], int group);
int ct_fc(struct dpu_graph *g, const char *name, int x, int m);
int ct_pool(struct dpu_graph *g, const char *name, int op, int x, int kh, int kw, int sh, int sw,
            const int pads[4]);
int ct_binary(struct dpu_graph *g, const char *name, int op, int a, int b);
int ct_unary(struct dpu_graph *g, const char *name, int op, int x);

/* dpu_compile_opts.pack_rows of ct_check and ct_dump_after: 0 (the default) lets the compiler
 * choose how many kernel rows low-channel packing gathers per vector group. */
extern int ct_pack_rows;
/* dpu_compile_opts.pack_pieces of ct_check and ct_dump_after (0: the compiler's choice). */
extern int ct_pack_pieces;
/* dpu_compile_opts.pack_pairs of ct_check and ct_dump_after (0: the compiler's choice). */
extern int ct_pack_pairs;

/* Compiles g for preset, requires one accelerator step, runs it on random inputs and compares
 * every output with the reference interpreter; prints seed and what on a mismatch. */
/* Compiles g for preset with --no-cpu-fallback and returns the IR dump after pass (the
 * caller frees it); fails the test, printing the compiler's message, when compiling fails. */
char *ct_dump_after(struct dpu_graph *g, const char *preset, const char *pass);

void ct_check(struct dpu_graph *g, const char *preset, uint64_t seed, const char *what);

/* ---- through the runtime (dpu/runtime.h) --------------------------------------------- */
struct dpu_rt;
struct dpu_program;

/* Loads p into rt on a simulator backend with the race checker on; 0 or -1 with msg set. */
int ct_rt_open(struct dpu_rt *rt, const struct dpu_program *p, char *msg, size_t cap);
/* Runs g on the reference interpreter and rt on the same inputs and compares every output
 * byte (outputs matched by name); 0 when equal, -1 with msg naming the output and the first
 * differing element. */
int ct_rt_compare(struct dpu_rt *rt, const struct dpu_graph *g, const struct dpu_tensor *in,
                  size_t nin, char *msg, size_t cap);
/* The same against outputs want[] the reference already computed (graph output order). */
int ct_rt_check(struct dpu_rt *rt, const struct dpu_graph *g, const struct dpu_tensor *in,
                size_t nin, const struct dpu_tensor *want, char *msg, size_t cap);
/* 0 when every CPU step of rt's program holds only ops the accelerator does not run (the
 * nul-separated list allowed, e.g. "Concat\0Flatten\0"), -1 with msg naming the first other. */
int ct_rt_cpu_ops(const struct dpu_rt *rt, const char *allowed, char *msg, size_t cap);

#endif
