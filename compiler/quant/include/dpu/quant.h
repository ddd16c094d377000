/* dpuquant: post-training quantization of a float graph (as imported from a float ONNX model)
 * into a quantized graph (model.q8 contents) on the arithmetic contract of docs/arithmetic.md,
 * and the measurements that judge the result (top-1/top-5, per-layer SQNR).
 *
 * The pass list is in one function, dpu_quantize_graph (quantize.c); docs/quantization.md
 * explains every pass, its math and its options. dpu/quant_passes.h exposes the individual
 * passes and the range estimators for tests and tools.
 *
 * Errors are negative dpu_err codes with a message in the caller's struct dpu_diag that names
 * the node at fault: "node 'Conv_3' (Conv2D): ...".
 */
#ifndef DPU_QUANT_H
#define DPU_QUANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dpu/calib_data.h"
#include "dpu/err.h"
#include "dpu/graph.h"

/* How a tensor's range is chosen from its calibration statistics. */
enum dpu_calib_method {
    DPU_CALIB_MINMAX,     /* the observed minimum and maximum */
    DPU_CALIB_PERCENTILE, /* clip |x| at its given percentile */
    DPU_CALIB_MSE,        /* the clipping threshold minimising the expected quantization MSE */
    DPU_CALIB_ENTROPY,    /* the threshold minimising KL(P || Q), TensorRT-style */
};

/* "minmax", "percentile", "mse", "entropy"; NULL for a value outside the enum. */
const char *dpu_calib_method_name(enum dpu_calib_method m);
/* 0 and *m set, or DPU_E_INVALID for an unknown name. */
int dpu_calib_method_from_name(const char *name, enum dpu_calib_method *m);

struct dpu_quant_options {
    enum dpu_calib_method method; /* default minmax */
    double percentile;            /* for DPU_CALIB_PERCENTILE, in (0, 100]; default 99.99 */
    bool per_tensor_weights;      /* one weight scale per layer instead of per output channel */
    bool pof2;                    /* every scale a power of two (weights and activations) */
    bool cle;                     /* cross-layer equalization before calibration */
    bool cle_relu6;               /* CLE may also cross Relu6, which it turns into Relu */
    bool adaround;                /* AdaRound the weights after emission */
    size_t adaround_iters;        /* its Adam steps per output channel; default 1000 */
    size_t adaround_count;        /* its calibration samples (the first N of them); default 256 */
    size_t adaround_memory;       /* bytes it may keep of the int8 model's values over all its
                                   * samples (one paused run each); beyond, each layer runs
                                   * the model again up to itself: same result, slower;
                                   * 0: default 1 GiB */
    bool bias_correct;            /* empirical bias correction after emission */
    bool int8_inputs;             /* graph inputs int8 (no Quantize node) */
    bool int8_outputs;            /* graph outputs int8 (no Dequantize node) */
    size_t calib_count;           /* use the first N calibration samples; 0: all */
    const char *dump_after;       /* a pass name (dpu_quant_pass_name) or "all"; NULL: none */
    FILE *dump;                   /* where dumps go; NULL: stdout */
    int progress;                 /* -1: when stderr is a terminal (default), 0 never, 1 always */
};

/* The defaults listed above. */
void dpu_quant_options_init(struct dpu_quant_options *o);

/* The passes of dpu_quantize_graph in order, for --dump-after: i = 0 .. count-1. */
size_t dpu_quant_pass_count(void);
const char *dpu_quant_pass_name(size_t i);

/* Quantizes the float graph fg (unchanged) with the calibration samples in calib into qg
 * (initialized by the caller; on success it holds a verified quantized graph the caller frees
 * with dpu_graph_free; on failure it is left empty). fg must be a verified float graph with
 * one input whose first dimension is the batch, each row holding calib->sample_elems values.
 * opt may be NULL (defaults). */
int dpu_quantize_graph(const struct dpu_graph *fg, const struct dpu_calib_set *calib,
                       const struct dpu_quant_options *opt, struct dpu_graph *qg,
                       struct dpu_diag *d);

/* --- Evaluation ------------------------------------------------------------------------- */

struct dpu_eval_result {
    size_t count;      /* samples evaluated */
    size_t top1, top5; /* samples whose label is the best / among the 5 best scores */
    double top1_rate;  /* top1 / count */
    double top5_rate;  /* top5 / count */
};

/* Runs g (float or quantized; graph output 0 holds one score per class for each sample) on
 * every sample of data, which must have labels, and counts top-1/top-5 hits. Ties rank the
 * lower class index first. progress as in dpu_quant_options. */
int dpu_eval_topk(const struct dpu_graph *g, const struct dpu_calib_set *data, int progress,
                  struct dpu_eval_result *r, struct dpu_diag *d);
/* As dpu_eval_topk, and keeps every sample's scores: on success *scores is a malloc'd
 * [r->count][*classes] float32 array (int8 scores dequantized) that the caller frees; NULL and
 * 0 on failure. For error analysis: which images a model gets wrong, and by how much. */
int dpu_eval_topk_scores(const struct dpu_graph *g, const struct dpu_calib_set *data, int progress,
                         struct dpu_eval_result *r, float **scores, size_t *classes,
                         struct dpu_diag *d);

/* One row of a per-layer SQNR table: a tensor of `test` matched by name with a tensor of
 * `ref`, or when ref has no such name, with the name less a trailing ":q" (the quantizer
 * names the int8 twin of a float graph input or output that way). */
struct dpu_sqnr_row {
    char node[128];   /* the test graph's node producing the tensor */
    char op[24];      /* its op */
    char tensor[128]; /* the tensor name */
    double signal;    /* sum of ref^2 */
    double noise;     /* sum of (test - ref)^2, both as real values */
    double sqnr_db;   /* 10 log10(signal / noise); +inf when noise is 0 */
    size_t elems;     /* values compared */
};

struct dpu_sqnr_report {
    size_t nrows;
    struct dpu_sqnr_row *rows; /* in the test graph's node order; owned by the report */
};

/* Runs both graphs on the first max_samples samples of data (0: all) and compares, for every
 * node output of test whose name matches a tensor of ref of the same element count, the real
 * values (int8 tensors are dequantized with their scale and zero point). */
int dpu_eval_sqnr(const struct dpu_graph *ref, const struct dpu_graph *test,
                  const struct dpu_calib_set *data, size_t max_samples, int progress,
                  struct dpu_sqnr_report *rep, struct dpu_diag *d);
void dpu_sqnr_report_free(struct dpu_sqnr_report *rep);

#endif
