/* Calibration/evaluation data sets: reading (.npy, IDX, raw) and preprocessing into float32
 * samples. The formula and defaults are in dpu/calib_data.h. */
#include "dpu/calib_data.h"

#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/fileio.h"
#include "dpu/idx.h"
#include "dpu/npy.h"

/* Raw files and .npy files share the tensor size limit (plus room for a .npy header). */
#define DATA_MAX_FILE_BYTES ((size_t)DPU_TENSOR_MAX_BYTES + 65536)

void dpu_data_options_init(struct dpu_data_options *o)
{
    memset(o, 0, sizeof *o);
    o->format = DPU_DATA_AUTO;
    o->raw_dtype = DPU_DT_UINT8;
    o->scale = NAN;
}

void dpu_calib_init(struct dpu_calib_set *cs)
{
    memset(cs, 0, sizeof *cs);
}

void dpu_calib_free(struct dpu_calib_set *cs)
{
    if (!cs)
        return;
    dpu_tensor_free(&cs->data);
    free(cs->labels);
    dpu_calib_init(cs);
}

const float *dpu_calib_sample(const struct dpu_calib_set *cs, size_t i)
{
    return (const float *)cs->data.data + i * cs->sample_elems;
}

static double raw_value(const struct dpu_tensor *t, size_t i)
{
    switch (t->dtype) {
    case DPU_DT_INT8:
        return ((const int8_t *)t->data)[i];
    case DPU_DT_UINT8:
        return ((const uint8_t *)t->data)[i];
    case DPU_DT_INT32:
        return ((const int32_t *)t->data)[i];
    default:
        return ((const float *)t->data)[i];
    }
}

/* Checks the mean/std lists against the channel count and std against 0. */
static int check_norm(const char *name, const struct dpu_data_options *o, int64_t channels,
                      struct dpu_diag *d)
{
    if (o->nmean > 1 && (int64_t)o->nmean != channels)
        return dpu_diag_set(d, DPU_E_MISMATCH,
                            "%s: %zu mean values for samples of %" PRId64 " channel%s", name,
                            o->nmean, channels, channels == 1 ? "" : "s");
    if (o->nstd > 1 && (int64_t)o->nstd != channels)
        return dpu_diag_set(d, DPU_E_MISMATCH,
                            "%s: %zu std values for samples of %" PRId64 " channel%s", name,
                            o->nstd, channels, channels == 1 ? "" : "s");
    for (size_t i = 0; i < o->nstd; i++)
        if (!(o->std[i] != 0) || !isfinite(o->std[i]))
            return dpu_diag_set(d, DPU_E_RANGE, "%s: std value %g must be finite and nonzero", name,
                                o->std[i]);
    return DPU_OK;
}

int dpu_calib_from_tensor(const char *name, const struct dpu_tensor *raw,
                          const struct dpu_data_options *opt, struct dpu_calib_set *cs,
                          struct dpu_diag *d)
{
    dpu_calib_init(cs);
    if (!name)
        name = "<memory>";
    struct dpu_data_options defaults;
    if (!opt) {
        dpu_data_options_init(&defaults);
        opt = &defaults;
    }
    if (raw->rank < 1)
        return dpu_diag_set(d, DPU_E_MISMATCH,
                            "%s: a scalar; a data set needs a first dimension counting samples",
                            name);
    int64_t n = raw->dims[0];
    if ((uint64_t)n <= opt->skip)
        return dpu_diag_set(d, DPU_E_RANGE,
                            "%s: holds %" PRId64 " samples, none after skipping %zu", name, n,
                            opt->skip);
    n -= (int64_t)opt->skip;
    if (opt->limit && (uint64_t)n > opt->limit)
        n = (int64_t)opt->limit;
    if (n == 0)
        return dpu_diag_set(d, DPU_E_RANGE, "%s: holds no samples", name);
    int64_t elems = dpu_shape_count(raw->rank - 1, raw->dims + 1);
    if (elems <= 0)
        return dpu_diag_set(d, DPU_E_RANGE, "%s: samples have no elements", name);
    int64_t channels = raw->rank >= 4 ? raw->dims[1] : 1; /* [N, C, H, W, ...] */
    int err = check_norm(name, opt, channels, d);
    if (err)
        return err;
    int64_t dims[DPU_TENSOR_MAX_RANK];
    memcpy(dims, raw->dims, sizeof dims);
    dims[0] = n;
    err = dpu_tensor_alloc(&cs->data, DPU_DT_FLOAT32, raw->rank, dims, d);
    if (err)
        return err;
    /* The zoo's normalisation divides by 255 (as torchvision's ToTensor does) rather than
     * multiplying by a rounded 1/255; the default keeps that. */
    bool div255 = isnan(opt->scale) && raw->dtype == DPU_DT_UINT8;
    double scale = isnan(opt->scale) ? 1.0 : opt->scale;
    int64_t per_channel = elems / channels;
    float *out = cs->data.data;
    size_t in0 = opt->skip * (size_t)elems; /* the first raw value kept */
    for (int64_t s = 0; s < n; s++) {
        for (int64_t k = 0; k < elems; k++) {
            size_t i = (size_t)(s * elems + k);
            size_t c = (size_t)(k / per_channel);
            double mean = opt->nmean == 0 ? 0.0 : opt->mean[opt->nmean == 1 ? 0 : c];
            double std = opt->nstd == 0 ? 1.0 : opt->std[opt->nstd == 1 ? 0 : c];
            double r = raw_value(raw, in0 + i);
            double v = div255 ? r / 255.0 : r * scale;
            out[i] = (float)((v - mean) / std);
        }
    }
    cs->count = (size_t)n;
    cs->first = opt->skip;
    cs->sample_elems = (size_t)elems;
    return DPU_OK;
}

static bool is_npy(const uint8_t *b, size_t len)
{
    return len >= 6 && memcmp(b, "\x93NUMPY", 6) == 0;
}

static int read_raw(const char *path, const uint8_t *bytes, size_t len,
                    const struct dpu_data_options *opt, struct dpu_tensor *t, struct dpu_diag *d)
{
    size_t esize = dpu_dtype_size(opt->raw_dtype);
    if (!esize || opt->raw_rank < 1 || opt->raw_rank > DPU_TENSOR_MAX_RANK - 1)
        return dpu_diag_set(d, DPU_E_INVALID,
                            "%s: raw data needs a dtype and a sample shape of "
                            "rank 1 to %d",
                            path, DPU_TENSOR_MAX_RANK - 1);
    int64_t sample = dpu_shape_count(opt->raw_rank, opt->raw_dims);
    if (sample <= 0)
        return dpu_diag_set(d, DPU_E_RANGE, "%s: the raw sample shape has no elements", path);
    size_t sbytes = (size_t)sample * esize;
    if (len % sbytes != 0 || len == 0)
        return dpu_diag_set(d, DPU_E_MISMATCH,
                            "%s: %zu bytes is not a whole number of samples of %zu bytes (%" PRId64
                            " x %s)",
                            path, len, sbytes, sample, dpu_dtype_name(opt->raw_dtype));
    int64_t dims[DPU_TENSOR_MAX_RANK];
    dims[0] = (int64_t)(len / sbytes);
    memcpy(dims + 1, opt->raw_dims, sizeof opt->raw_dims);
    int err = dpu_tensor_alloc(t, opt->raw_dtype, opt->raw_rank + 1, dims, d);
    if (!err)
        memcpy(t->data, bytes, len);
    return err;
}

/* Reads path in the format opt names (or the one its content shows) into a raw tensor. */
static int read_any(const char *path, const struct dpu_data_options *opt, struct dpu_tensor *t,
                    struct dpu_diag *d)
{
    memset(t, 0, sizeof *t);
    uint8_t *bytes;
    size_t len;
    int err = dpu_read_file(path, DATA_MAX_FILE_BYTES, &bytes, &len, d);
    if (err)
        return err;
    enum dpu_data_format f = opt->format;
    if (f == DPU_DATA_AUTO)
        f = opt->raw_rank > 0           ? DPU_DATA_RAW
            : is_npy(bytes, len)        ? DPU_DATA_NPY
            : dpu_idx_sniff(bytes, len) ? DPU_DATA_IDX
                                        : DPU_DATA_AUTO;
    switch (f) {
    case DPU_DATA_NPY:
        err = dpu_npy_parse(path, bytes, len, t, d);
        break;
    case DPU_DATA_IDX:
        err = dpu_idx_parse(path, bytes, len, t, d);
        break;
    case DPU_DATA_RAW:
        err = read_raw(path, bytes, len, opt, t, d);
        break;
    default:
        err = dpu_diag_set(d, DPU_E_PARSE,
                           "%s: neither a .npy nor an IDX file (for headerless binary data give "
                           "the sample shape and dtype)",
                           path);
        break;
    }
    free(bytes);
    return err;
}

int dpu_calib_load(const char *path, const struct dpu_data_options *opt, struct dpu_calib_set *cs,
                   struct dpu_diag *d)
{
    dpu_calib_init(cs);
    struct dpu_data_options defaults;
    if (!opt) {
        dpu_data_options_init(&defaults);
        opt = &defaults;
    }
    struct dpu_tensor raw;
    int err = read_any(path, opt, &raw, d);
    if (err)
        return err;
    err = dpu_calib_from_tensor(path, &raw, opt, cs, d);
    dpu_tensor_free(&raw);
    return err;
}

int dpu_calib_load_labels(const char *path, struct dpu_calib_set *cs, struct dpu_diag *d)
{
    struct dpu_data_options o;
    dpu_data_options_init(&o);
    struct dpu_tensor t;
    int err = read_any(path, &o, &t, d);
    if (err)
        return err;
    int64_t n = t.rank >= 1 ? t.dims[0] : 0;
    if (t.dtype == DPU_DT_FLOAT32 || t.rank < 1 || t.rank > 2 || (t.rank == 2 && t.dims[1] != 1))
        err = dpu_diag_set(d, DPU_E_MISMATCH,
                           "%s: labels must be integers of shape [N] or [N, 1], got %s of rank %d",
                           path, dpu_dtype_name(t.dtype), t.rank);
    else if ((uint64_t)n < cs->first + cs->count && cs->first == 0)
        err = dpu_diag_set(d, DPU_E_MISMATCH, "%s: %" PRId64 " labels for %zu samples", path, n,
                           cs->count);
    else if ((uint64_t)n < cs->first + cs->count)
        err = dpu_diag_set(d, DPU_E_MISMATCH,
                           "%s: %" PRId64 " labels for %zu samples from sample %zu on", path, n,
                           cs->count, cs->first);
    int32_t *labels = err ? NULL : malloc((cs->count ? cs->count : 1) * sizeof *labels);
    if (!err && !labels)
        err = dpu_diag_set(d, DPU_E_NOMEM, "%s: out of memory", path);
    for (size_t i = 0; !err && i < cs->count; i++) {
        double v = raw_value(&t, cs->first + i);
        if (v < 0)
            err = dpu_diag_set(d, DPU_E_RANGE, "%s: label %zu is %g, expected >= 0", path, i, v);
        labels[i] = (int32_t)v;
    }
    dpu_tensor_free(&t);
    if (err) {
        free(labels);
        return err;
    }
    free(cs->labels);
    cs->labels = labels;
    return DPU_OK;
}

int dpu_data_parse_list(const char *what, const char *text, double *v, size_t cap, size_t *n,
                        struct dpu_diag *d)
{
    *n = 0;
    const char *p = text;
    for (;;) {
        if (*n == cap)
            return dpu_diag_set(d, DPU_E_RANGE, "%s: more than %zu values in '%s'", what, cap,
                                text);
        char *end;
        errno = 0;
        double x = strtod(p, &end);
        if (end == p || errno == ERANGE || !isfinite(x) || (*end != ',' && *end != '\0'))
            return dpu_diag_set(d, DPU_E_PARSE,
                                "%s: '%s' is not a number or a comma-separated "
                                "list of numbers",
                                what, text);
        v[(*n)++] = x;
        if (*end == '\0')
            return DPU_OK;
        p = end + 1;
    }
}

int dpu_data_parse_shape(const char *text, struct dpu_data_options *opt, struct dpu_diag *d)
{
    int rank = 0;
    const char *p = text;
    for (;;) {
        if (rank == DPU_TENSOR_MAX_RANK - 1)
            return dpu_diag_set(d, DPU_E_RANGE, "shape '%s': more than %d dimensions", text,
                                DPU_TENSOR_MAX_RANK - 1);
        char *end;
        errno = 0;
        long long v = strtoll(p, &end, 10);
        if (end == p || errno == ERANGE || v < 1 || v > DPU_TENSOR_MAX_DIM ||
            (*end != 'x' && *end != ',' && *end != '\0'))
            return dpu_diag_set(d, DPU_E_PARSE,
                                "shape '%s': expected positive integers joined by 'x' or ','",
                                text);
        opt->raw_dims[rank++] = v;
        if (*end == '\0')
            break;
        p = end + 1;
    }
    opt->raw_rank = rank;
    return DPU_OK;
}
