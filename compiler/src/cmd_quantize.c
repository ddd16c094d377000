/* dpuc quantize: a float model and calibration samples in, a model.q8 out
 * (libdpuquant, docs/quantization.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_quant.h"
#include "dpu/q8.h"
#include "dpu/quant.h"

struct quantize_args {
    const char *model, *calib, *output;
    bool text;
    struct dpu_quant_options q;
    struct dpu_data_options data;
};

/* Parses the flags of the command; 0, or the exit code of a usage error. */
static int parse(const struct dpuc_cmd *self, int argc, char **argv, struct quantize_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *v;
        int m;
        if (arg[0] != '-' || arg[1] == '\0') {
            if (a->model)
                return dpuc_usage_error(self, "unexpected argument '%s' (one model only)", arg);
            a->model = arg;
            continue;
        }
        if ((m = dpuc_data_option(self, argc, argv, &i, &a->data)) != 0) {
            if (m < 0)
                return 1;
            continue;
        }
        if ((m = dpuc_opt_value(self, argc, argv, &i, NULL, "--calib", &v)) != 0) {
            if (m < 0)
                return 1;
            a->calib = v;
        } else if ((m = dpuc_opt_value(self, argc, argv, &i, "-o", "--output", &v)) != 0) {
            if (m < 0)
                return 1;
            a->output = v;
        } else if ((m = dpuc_opt_value(self, argc, argv, &i, NULL, "--calib-method", &v)) != 0) {
            if (m < 0)
                return 1;
            if (dpu_calib_method_from_name(v, &a->q.method))
                return dpuc_usage_error(self, "unknown calibration method '%s'", v);
        } else if ((m = dpuc_opt_value(self, argc, argv, &i, NULL, "--percentile", &v)) != 0) {
            if (m < 0)
                return 1;
            char *end;
            errno = 0;
            a->q.percentile = strtod(v, &end);
            if (end == v || *end || !(a->q.percentile > 0 && a->q.percentile <= 100))
                return dpuc_usage_error(self, "--percentile: '%s' is not in (0, 100]", v);
        } else if ((m = dpuc_opt_value(self, argc, argv, &i, NULL, "--calib-count", &v)) != 0) {
            if (m < 0 || dpuc_parse_count(self, "--calib-count", v, &a->q.calib_count))
                return 1;
        } else if ((m = dpuc_opt_value(self, argc, argv, &i, NULL, "--adaround-iters", &v)) != 0) {
            if (m < 0 || dpuc_parse_count(self, "--adaround-iters", v, &a->q.adaround_iters))
                return 1;
            if (a->q.adaround_iters == 0)
                return dpuc_usage_error(self, "--adaround-iters: must be at least 1");
            a->q.adaround = true;
        } else if ((m = dpuc_opt_value(self, argc, argv, &i, NULL, "--adaround-count", &v)) != 0) {
            if (m < 0 || dpuc_parse_count(self, "--adaround-count", v, &a->q.adaround_count))
                return 1;
            if (a->q.adaround_count == 0)
                return dpuc_usage_error(self, "--adaround-count: must be at least 1");
            a->q.adaround = true;
        } else if ((m = dpuc_opt_value(self, argc, argv, &i, NULL, "--calib-offset", &v)) != 0) {
            if (m < 0 || dpuc_parse_count(self, "--calib-offset", v, &a->data.skip))
                return 1;
        } else if ((m = dpuc_opt_value(self, argc, argv, &i, NULL, "--dump-after", &v)) != 0) {
            if (m < 0)
                return 1;
            a->q.dump_after = v;
        } else if (strcmp(arg, "--text") == 0) {
            a->text = true;
        } else if (strcmp(arg, "--per-tensor") == 0) {
            a->q.per_tensor_weights = true;
        } else if (strcmp(arg, "--pof2") == 0) {
            a->q.pof2 = true;
        } else if (strcmp(arg, "--cle") == 0) {
            a->q.cle = true;
        } else if (strcmp(arg, "--cle-relu6") == 0) {
            a->q.cle = a->q.cle_relu6 = true;
        } else if (strcmp(arg, "--adaround") == 0) {
            a->q.adaround = true;
        } else if (strcmp(arg, "--bias-correct") == 0) {
            a->q.bias_correct = true;
        } else if (strcmp(arg, "--int8-inputs") == 0) {
            a->q.int8_inputs = true;
        } else if (strcmp(arg, "--int8-outputs") == 0) {
            a->q.int8_outputs = true;
        } else if (strcmp(arg, "--progress") == 0) {
            a->q.progress = 1;
        } else if (strcmp(arg, "--quiet") == 0) {
            a->q.progress = 0;
        } else {
            return dpuc_usage_error(self, "unknown option '%s'", arg);
        }
    }
    if (!a->model)
        return dpuc_usage_error(self, "missing the model file");
    if (!a->calib)
        return dpuc_usage_error(self, "missing --calib DATA (calibration samples)");
    return 0;
}

/* MODEL.onnx -> MODEL.q8 (any other name gets .q8 appended). */
static char *default_output(const char *model)
{
    size_t len = strlen(model);
    char *out = malloc(len + 4);
    if (!out)
        return NULL;
    memcpy(out, model, len + 1);
    if (len > 5 && strcmp(model + len - 5, ".onnx") == 0)
        out[len - 5] = '\0';
    strcat(out, ".q8");
    return out;
}

static bool ends_with_txt(const char *s)
{
    size_t len = strlen(s);
    return len >= 4 && strcmp(s + len - 4, ".txt") == 0;
}

static int write_graph(const struct quantize_args *a, const char *path, const struct dpu_graph *g,
                       struct dpu_diag *d)
{
    bool text = a->text || ends_with_txt(path);
    if (!text && strcmp(path, "-") != 0)
        return dpu_q8_write(path, g, d);
    uint8_t *buf = NULL;
    size_t len = 0;
    int err;
    if (text) {
        char *tbuf = NULL;
        FILE *mem = open_memstream(&tbuf, &len);
        if (!mem)
            return dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
        err = dpu_q8_text_write(mem, g, d);
        fclose(mem);
        buf = (uint8_t *)tbuf;
    } else {
        err = dpu_q8_encode(g, &buf, &len, d);
    }
    if (!err)
        err = dpuc_write_output(path, buf, len, d);
    free(buf);
    return err;
}

int dpuc_cmd_quantize(const struct dpuc_cmd *self, int argc, char **argv)
{
    struct quantize_args a;
    memset(&a, 0, sizeof a);
    dpu_quant_options_init(&a.q);
    dpu_data_options_init(&a.data);
    int rc = parse(self, argc, argv, &a);
    if (rc)
        return rc;
    char *owned_output = a.output ? NULL : default_output(a.model);
    const char *output = a.output ? a.output : owned_output;
    /* The dump goes to standard output unless the model does. */
    a.q.dump = strcmp(output ? output : "", "-") == 0 ? stderr : stdout;

    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct dpu_graph fg, qg;
    struct dpu_calib_set calib;
    dpu_graph_init(&qg);
    dpu_calib_init(&calib);
    int err = output ? DPU_OK : dpu_diag_set(&d, DPU_E_NOMEM, "out of memory");
    if (!err)
        err = dpuc_load_graph(a.model, true, &fg, &d);
    else
        dpu_graph_init(&fg);
    if (!err && fg.quantized)
        err = dpu_diag_set(&d, DPU_E_INVALID, "%s: the model is already quantized", a.model);
    /* Only the samples calibration uses are converted to float (the training set of
     * Fashion-MNIST has 60,000). */
    a.data.limit = a.q.calib_count;
    if (!err)
        err = dpu_calib_load(a.calib, &a.data, &calib, &d);
    if (!err)
        err = dpu_quantize_graph(&fg, &calib, &a.q, &qg, &d);
    if (!err)
        err = write_graph(&a, output, &qg, &d);
    dpu_graph_free(&fg);
    dpu_graph_free(&qg);
    dpu_calib_free(&calib);
    free(owned_output);
    return err ? dpuc_report(&d) : 0;
}
