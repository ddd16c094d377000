/* dpuquant internals: the working state of one dpu_quantize_graph run, graph surgery
 * helpers, and the passes that are not public on their own. */
#ifndef DPU_QUANT_INTERNAL_H
#define DPU_QUANT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dpu/calib_data.h"
#include "dpu/graph.h"
#include "dpu/quant.h"
#include "dpu/quant_passes.h"

/* Per float-graph tensor: calibration statistics and the chosen quantization. */
struct qtensor {
    struct dpu_qhist *hist; /* activations only; NULL for constants */
    bool has_q;             /* scale/zp chosen */
    double lo, hi;          /* the real range they cover */
    float scale;
    int32_t zp;
};

/* Per float-graph node: activation fusion. */
struct qnode {
    int32_t fused; /* index of the Relu/Relu6/Clip node fused into this one, or -1 */
    bool absorbed; /* this activation lives on in its producer's clamp */
};

struct qctx {
    const struct dpu_quant_options *opt;
    struct dpu_graph fg;     /* the working float graph (a copy of the caller's) */
    struct qnode *nodes;     /* fg.nnodes entries, from the fusion pass on */
    struct qtensor *tensors; /* fg.ntensors entries, from the fusion pass on */
    const struct dpu_calib_set *calib;
    size_t ncalib; /* samples used */
};

/* --- diagnostics --- */

/* "node 'NAME' (Op): " + message; returns err. */
int q_fail(struct dpu_diag *d, const struct dpu_gnode *n, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* --- graph surgery (graph_edit.c) --- */

int q_clone(const struct dpu_graph *src, struct dpu_graph *dst, struct dpu_diag *d);
/* The node writing tensor t, or -1. */
int q_producer(const struct dpu_graph *g, int32_t t);
/* How many node input slots read t. */
size_t q_uses(const struct dpu_graph *g, int32_t t);
bool q_is_output(const struct dpu_graph *g, int32_t t);
bool q_is_input(const struct dpu_graph *g, int32_t t);
/* Every node input and graph output reading `from` reads `to` instead. */
void q_replace_uses(struct dpu_graph *g, int32_t from, int32_t to);
/* Removes the nodes with drop[i] set, then every tensor no node and no graph input/output
 * refers to, renumbering the rest (order kept). */
int q_compact(struct dpu_graph *g, const bool *drop, struct dpu_diag *d);
/* A tensor name not used in g: base itself, else base_2, base_3, ... (buf of cap bytes). */
void q_unique_name(const struct dpu_graph *g, const char *base, char *buf, size_t cap);
/* Makes input slot `in` of node `node` a constant used by no one else (cloning it when
 * shared). Returns the tensor index or a negative error. */
int q_own_constant(struct dpu_graph *g, int node, size_t in, struct dpu_diag *d);
/* Copies every attribute of src (a node of any graph) onto node dst of g, except those
 * skip(op, name) refuses (skip may be NULL). */
int q_copy_attrs(struct dpu_graph *g, int dst, const struct dpu_gnode *src,
                 bool (*skip)(enum dpu_node_op op, const char *name), struct dpu_diag *d);
/* Removes every attribute of n. */
void q_clear_attrs(struct dpu_gnode *n);
/* Replaces n's input list with count entries of in. */
int q_set_inputs(struct dpu_gnode *n, size_t count, const int32_t *in, struct dpu_diag *d);
/* Adds a float32 constant; returns its index or a negative error. */
int q_add_const_f32(struct dpu_graph *g, const char *base, int rank, const int64_t *dims,
                    const float *data, struct dpu_diag *d);
/* Verifies g, prefixing a failure with the pass that produced it. */
int q_verify(struct dpu_graph *g, const char *pass, struct dpu_diag *d);

/* --- running graphs on the data set (feed.c) --- */

/* Batches of samples shaped as the graph's single input. */
struct qfeed {
    const struct dpu_calib_set *cs;
    size_t count; /* samples to feed */
    size_t batch; /* samples per run */
    struct dpu_tensor in;
};
int q_feed_init(struct qfeed *f, const struct dpu_graph *g, const struct dpu_calib_set *cs,
                size_t count, struct dpu_diag *d);
/* Fills the input with samples first .. first + batch - 1 (zeros past the end); returns how
 * many real samples it holds. */
size_t q_feed_fill(struct qfeed *f, size_t first);
void q_feed_free(struct qfeed *f);

/* Progress on stderr when mode says so (-1: stderr is a terminal). */
struct qprogress {
    bool on;
    const char *what;
    size_t total;
    int shown; /* last percentage printed */
};
void q_progress_start(struct qprogress *p, int mode, const char *what, size_t total);
void q_progress_step(struct qprogress *p, size_t done);
void q_progress_end(struct qprogress *p);

/* The real value of element i of a graph tensor value (int8 dequantized with its per-tensor
 * quantization, float32 as is). */
double q_real(const struct dpu_gtensor *gt, const struct dpu_tensor *v, size_t i);

/* --- emitted layers revisited with data (conv_geom.c) --- */

/* A Conv2D or FullyConnected of the quantized graph and its float twin (same name and op). */
struct qconv {
    int32_t qnode, fnode;
    int32_t input;            /* qg tensor read by the layer */
    int64_t m, cin, cg, taps; /* taps = kh * kw (1 for FullyConnected) */
    int64_t h, w, oh, ow;     /* input and output planes (1 x 1 for FullyConnected) */
    int64_t kh, kw, sh, sw, dh, dw, pt, pl;
};
/* Fills L from qg node i when it is a Conv2D/FullyConnected with int8 weights, an int32 bias
 * if any, an int8 NCHW (or [N, K]) input and a float twin with weights of the same shape;
 * false otherwise. */
bool q_conv_of(const struct dpu_graph *fg, const struct dpu_graph *qg, size_t i, struct qconv *L);
/* The outputs o in [0, count) whose tap position o * stride - pad + off lies in [0, size):
 * [*a, *b). */
void q_tap_range(int64_t count, int64_t stride, int64_t pad, int64_t off, int64_t size, int64_t *a,
                 int64_t *b);

/* --- passes (one file each) --- */

int q_fuse_activations(struct qctx *c, struct dpu_diag *d);
/* Real bounds an activation imposes ([0, inf) for Relu, [0, 6], Clip's [min, max]); false
 * for other ops. */
bool q_act_bounds(const struct dpu_gnode *a, double *lo, double *hi);
/* Marks in need[] (fg.ntensors entries, false on entry) the tensors whose calibration
 * statistics q_ranges reads: graph inputs, the outputs of nodes that choose their own range,
 * and for a fused node its activation's output. Calibration collects only those. */
void q_stats_needed(const struct qctx *c, bool *need);
int q_calibrate(struct qctx *c, struct dpu_diag *d);
int q_ranges(struct qctx *c, struct dpu_diag *d);
int q_emit(struct qctx *c, struct dpu_graph *qg, struct dpu_diag *d);
int q_bias_correct(struct qctx *c, struct dpu_graph *qg, struct dpu_diag *d);
int q_adaround(struct qctx *c, struct dpu_graph *qg, struct dpu_diag *d);

/* Emission helpers (emit_tables.c): the 256-entry table of a LUT op and Softmax's exp_table. */
bool q_is_lut_op(enum dpu_node_op op);
void q_lut_table(const struct dpu_gnode *n, float s_in, int32_t z_in, float s_out, int32_t z_out,
                 int64_t lut[256]);
void q_softmax_table(float s_in, int64_t table[256]);

/* Every requantization ratio of quantized node n has an int32 multiplier and shift
 * (emit_check.c); otherwise DPU_E_RANGE naming the node, the ratio and the scales. */
int q_check_ratios(const struct dpu_graph *qg, const struct dpu_gnode *n, struct dpu_diag *d);

/* --- dumps (dump.c) --- */

/* Prints the state after pass `pass`: the float graph in q8 text form with the quantizer's
 * annotations as comments, or the quantized graph when qg is non-NULL. */
int q_dump(const struct qctx *c, FILE *f, const char *pass, const struct dpu_graph *qg,
           struct dpu_diag *d);

#endif
