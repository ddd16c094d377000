/* Calibration and evaluation data: a set of input samples (and optionally their labels) read
 * from a file and preprocessed into the float32 values a model expects.
 *
 * Formats (dpu_data_options.format; AUTO tells them apart by their first bytes):
 *   .npy   numpy arrays [N, ...] of uint8, int8, int32 or float32 (dpu/npy.h)
 *   IDX    MNIST-style files, gzipped or not (dpu/idx.h)
 *   raw    headerless binary: N samples of a given per-sample shape and dtype, back to back
 *          (little-endian); chosen by giving raw_rank > 0
 * The first dimension counts samples; the rest is one sample's shape ([C, H, W] or [H, W]).
 *
 * Preprocessing, per element of channel c (the first per-sample axis when the sample has
 * rank 3 or more, else a single channel):
 *     x = (raw * scale - mean[c]) / std[c]
 * with scale defaulting to 1/255 for uint8 data and 1 otherwise, mean to 0 and std to 1. One
 * mean or std value applies to every channel. The Fashion-MNIST zoo models want
 * mean 0.2860, std 0.3530 (models/README.md).
 */
#ifndef DPU_CALIB_DATA_H
#define DPU_CALIB_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "dpu/err.h"
#include "dpu/tensor.h"

#define DPU_DATA_MAX_CHANNELS 64

enum dpu_data_format {
    DPU_DATA_AUTO, /* .npy, IDX or gzip by content; raw when raw_rank > 0 */
    DPU_DATA_NPY,
    DPU_DATA_IDX,
    DPU_DATA_RAW,
};

struct dpu_data_options {
    enum dpu_data_format format;
    enum dpu_dtype raw_dtype; /* raw files: element type */
    int raw_rank;             /* raw files: rank of one sample (0: not raw) */
    int64_t raw_dims[DPU_TENSOR_MAX_RANK - 1];
    size_t skip;        /* drop the file's first `skip` samples (then `limit` applies) */
    size_t limit;       /* keep the first `limit` samples; 0 keeps all */
    double scale;       /* NAN (the default): 1/255 for uint8 data, else 1 */
    size_t nmean, nstd; /* 0: mean 0, std 1; 1: every channel; else one per channel */
    double mean[DPU_DATA_MAX_CHANNELS];
    double std[DPU_DATA_MAX_CHANNELS];
};

/* Defaults: AUTO, no limit, default scale, mean 0, std 1. */
void dpu_data_options_init(struct dpu_data_options *o);

/* A loaded, preprocessed sample set. Owns data (and labels). */
struct dpu_calib_set {
    struct dpu_tensor data; /* float32 [count, sample dims...] */
    size_t count;           /* samples */
    size_t sample_elems;    /* elements per sample */
    size_t first;           /* index in the file of sample 0 (the options' skip) */
    int32_t *labels;        /* NULL, or count class labels */
};

void dpu_calib_init(struct dpu_calib_set *cs);
/* Releases data and labels and empties cs. */
void dpu_calib_free(struct dpu_calib_set *cs);

/* Reads path into cs (which the caller initialized; its previous contents are not freed) and
 * preprocesses it. On failure cs is left empty and d names the file and the problem. */
int dpu_calib_load(const char *path, const struct dpu_data_options *opt, struct dpu_calib_set *cs,
                   struct dpu_diag *d);

/* The same from a tensor in memory ([N, ...] of any dtype); raw is not modified. name is used
 * in messages. */
int dpu_calib_from_tensor(const char *name, const struct dpu_tensor *raw,
                          const struct dpu_data_options *opt, struct dpu_calib_set *cs,
                          struct dpu_diag *d);

/* Reads class labels (.npy of uint8, int8 or int32, or IDX unsigned bytes; shape [N] or
 * [N, 1]) for the samples of cs. The file must hold at least cs->first + cs->count labels;
 * labels cs->first .. cs->first + cs->count - 1 are kept (matching a data set cut by `skip`
 * and `limit`). Labels must be >= 0. */
int dpu_calib_load_labels(const char *path, struct dpu_calib_set *cs, struct dpu_diag *d);

/* Sample i: sample_elems float32 values. */
const float *dpu_calib_sample(const struct dpu_calib_set *cs, size_t i);

/* Parses a comma-separated list of up to cap finite numbers ("0.485,0.456,0.406") into v;
 * what names the option in messages. */
int dpu_data_parse_list(const char *what, const char *text, double *v, size_t cap, size_t *n,
                        struct dpu_diag *d);

/* Parses a raw sample shape written "1x28x28" or "1,28,28" into opt->raw_rank/raw_dims. */
int dpu_data_parse_shape(const char *text, struct dpu_data_options *opt, struct dpu_diag *d);

#endif
