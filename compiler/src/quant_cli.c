/* Helpers shared by dpuc quantize and dpuc eval: loading a model of either kind, the data
 * preprocessing options, counts, JSON strings. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_quant.h"
#include "dpu/onnx_import.h"
#include "dpu/q8.h"

static bool ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

int dpuc_load_graph(const char *path, bool float_only, struct dpu_graph *g, struct dpu_diag *d)
{
    dpu_graph_init(g);
    if (ends_with(path, ".onnx")) {
        struct dpu_onnx_options o = {float_only ? DPU_ONNX_FLOAT : DPU_ONNX_AUTO, 0, NULL};
        return dpu_onnx_import(path, &o, g, NULL, d);
    }
    return dpu_q8_load_any(path, g, d);
}

int dpuc_parse_count(const struct dpuc_cmd *self, const char *opt, const char *text, size_t *n)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || *end || errno == ERANGE || text[0] == '-') {
        dpuc_usage_error(self, "%s: '%s' is not a count", opt, text);
        return -1;
    }
    *n = (size_t)v;
    return 0;
}

static int list_option(const struct dpuc_cmd *self, const char *opt, const char *value, double *v,
                       size_t *n)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_data_parse_list(opt, value, v, DPU_DATA_MAX_CHANNELS, n, &d)) {
        dpuc_usage_error(self, "%s", dpu_diag_message(&d));
        return -1;
    }
    return 1;
}

int dpuc_data_option(const struct dpuc_cmd *self, int argc, char **argv, int *i,
                     struct dpu_data_options *o)
{
    const char *v;
    int m;
    if ((m = dpuc_opt_value(self, argc, argv, i, NULL, "--mean", &v)) != 0)
        return m < 0 ? -1 : list_option(self, "--mean", v, o->mean, &o->nmean);
    if ((m = dpuc_opt_value(self, argc, argv, i, NULL, "--std", &v)) != 0)
        return m < 0 ? -1 : list_option(self, "--std", v, o->std, &o->nstd);
    if ((m = dpuc_opt_value(self, argc, argv, i, NULL, "--scale", &v)) != 0) {
        if (m < 0)
            return -1;
        char *end;
        errno = 0;
        o->scale = strtod(v, &end);
        if (end == v || *end || errno == ERANGE || !isfinite(o->scale)) {
            dpuc_usage_error(self, "--scale: '%s' is not a number", v);
            return -1;
        }
        return 1;
    }
    if ((m = dpuc_opt_value(self, argc, argv, i, NULL, "--raw-shape", &v)) != 0) {
        if (m < 0)
            return -1;
        struct dpu_diag d;
        dpu_diag_clear(&d);
        if (dpu_data_parse_shape(v, o, &d)) {
            dpuc_usage_error(self, "--raw-shape: %s", dpu_diag_message(&d));
            return -1;
        }
        return 1;
    }
    if ((m = dpuc_opt_value(self, argc, argv, i, NULL, "--raw-dtype", &v)) != 0) {
        if (m < 0)
            return -1;
        static const enum dpu_dtype types[] = {DPU_DT_INT8, DPU_DT_UINT8, DPU_DT_INT32,
                                               DPU_DT_FLOAT32};
        for (size_t k = 0; k < 4; k++)
            if (strcmp(v, dpu_dtype_name(types[k])) == 0) {
                o->raw_dtype = types[k];
                return 1;
            }
        dpuc_usage_error(self, "--raw-dtype: '%s' is not uint8, int8, int32 or float32", v);
        return -1;
    }
    return 0;
}

void dpuc_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}
