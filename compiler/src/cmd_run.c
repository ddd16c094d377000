/* dpuc run: runs a model on the reference interpreter (ref/, the golden results every
 * executor must match) over .npy inputs and writes .npy outputs.
 *
 * The model is an ONNX file (imported on the fly, as `dpuc import` would) or a model.q8.
 * A quantized graph takes float32 inputs (quantized at its inputs' scales, as ONNX's
 * QuantizeLinear would) or int8 ones. For an ONNX model whose inputs or outputs were uint8,
 * uint8 .npy inputs are shifted to int8 and the outputs back to uint8, so the files stay in
 * the ONNX model's own domain. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/npy.h"
#include "dpu/onnx_import.h"
#include "dpu/q8.h"
#include "dpu/ref.h"
#include "dpuc.h"

#define MAX_TENSORS 64

struct run_args {
    const char *model;
    const char *inputs[MAX_TENSORS], *outputs[MAX_TENSORS];
    int ninputs, noutputs;
    struct dpu_onnx_options opts;
};

static bool is_onnx_path(const char *path)
{
    size_t len = strlen(path);
    return len > 5 && strcmp(path + len - 5, ".onnx") == 0;
}

/* Loads the model: ONNX by extension, model.q8 (either form) otherwise. *from_onnx says
 * which, and report is filled for ONNX. */
static int load_model(const struct run_args *a, struct dpu_graph *g, struct dpu_onnx_report *report,
                      bool *from_onnx, struct dpu_diag *d)
{
    memset(report, 0, sizeof *report);
    *from_onnx = is_onnx_path(a->model);
    if (*from_onnx)
        return dpu_onnx_import(a->model, &a->opts, g, report, d);
    return dpu_q8_load_any(a->model, g, d);
}

static bool listed(const int *positions, size_t n, size_t i)
{
    for (size_t k = 0; k < n; k++)
        if ((size_t)positions[k] == i)
            return true;
    return false;
}

/* uint8 -> int8 in place (values - 128), for a graph input that was uint8 in ONNX. */
static void shift_to_int8(struct dpu_tensor *t)
{
    int64_t n = dpu_tensor_count(t);
    for (int64_t i = 0; i < n; i++)
        ((int8_t *)t->data)[i] = (int8_t)((int)((uint8_t *)t->data)[i] - 128);
    t->dtype = DPU_DT_INT8;
}

static void shift_to_uint8(struct dpu_tensor *t)
{
    int64_t n = dpu_tensor_count(t);
    for (int64_t i = 0; i < n; i++)
        ((uint8_t *)t->data)[i] = (uint8_t)(((int8_t *)t->data)[i] + 128);
    t->dtype = DPU_DT_UINT8;
}

/* Lists the graph's inputs or outputs for a count mismatch message. */
static void list_tensors(const struct dpu_graph *g, const int32_t *idx, size_t n, const char *what)
{
    fprintf(stderr, "dpuc: run: the model has %zu %s:\n", n, what);
    for (size_t i = 0; i < n; i++) {
        const struct dpu_gtensor *t = &g->tensors[idx[i]];
        char shape[DPU_SHAPE_STR_MAX];
        fprintf(stderr, "  %zu: %s %s %s\n", i, t->name, dpu_dtype_name(t->dtype),
                dpu_shape_format(t->rank, t->dims, shape, sizeof shape));
    }
}

static int run(const struct run_args *a, struct dpu_diag *d)
{
    struct dpu_graph g;
    struct dpu_onnx_report report;
    bool from_onnx;
    dpu_graph_init(&g);
    int err = load_model(a, &g, &report, &from_onnx, d);
    if (err) {
        dpu_graph_free(&g);
        return dpuc_report(d);
    }
    if ((size_t)a->ninputs != g.ninputs || (size_t)a->noutputs != g.noutputs) {
        fprintf(stderr, "dpuc: run: %d --input and %d -o given\n", a->ninputs, a->noutputs);
        list_tensors(&g, g.inputs, g.ninputs, "inputs");
        list_tensors(&g, g.outputs, g.noutputs, "outputs");
        dpu_graph_free(&g);
        return 1;
    }
    struct dpu_tensor in[MAX_TENSORS], out[MAX_TENSORS];
    memset(in, 0, sizeof in);
    memset(out, 0, sizeof out);
    for (int i = 0; i < a->ninputs && !err; i++) {
        err = dpu_npy_read(a->inputs[i], &in[i], d);
        if (!err && in[i].dtype == DPU_DT_UINT8 &&
            listed(report.uint8_inputs, report.nuint8_inputs, (size_t)i))
            shift_to_int8(&in[i]);
    }
    if (!err)
        err = dpu_ref_run(&g, in, (size_t)a->ninputs, out, d);
    for (int i = 0; i < a->noutputs && !err; i++) {
        if (listed(report.uint8_outputs, report.nuint8_outputs, (size_t)i) &&
            out[i].dtype == DPU_DT_INT8)
            shift_to_uint8(&out[i]);
        err = dpu_npy_write(a->outputs[i], &out[i], d);
    }
    for (int i = 0; i < MAX_TENSORS; i++) {
        dpu_tensor_free(&in[i]);
        dpu_tensor_free(&out[i]);
    }
    dpu_graph_free(&g);
    return err ? dpuc_report(d) : 0;
}

int dpuc_cmd_run(const struct dpuc_cmd *self, int argc, char **argv)
{
    struct run_args a = {.opts = {.mode = DPU_ONNX_AUTO}};
    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *value;
        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = true;
            continue;
        }
        if (!options_done && arg[0] == '-' && arg[1] != '\0') {
            if (strcmp(arg, "--float") == 0) {
                a.opts.mode = DPU_ONNX_FLOAT;
                continue;
            }
            if (strcmp(arg, "--quantized") == 0) {
                a.opts.mode = DPU_ONNX_QUANTIZED;
                continue;
            }
            int r = dpuc_opt_value(self, argc, argv, &i, "-i", "--input", &value);
            if (r < 0)
                return 1;
            if (r > 0) {
                if (a.ninputs == MAX_TENSORS)
                    return dpuc_usage_error(self, "more than %d inputs", MAX_TENSORS);
                a.inputs[a.ninputs++] = value;
                continue;
            }
            r = dpuc_opt_value(self, argc, argv, &i, "-o", "--output", &value);
            if (r < 0)
                return 1;
            if (r == 0)
                return dpuc_usage_error(self, "unknown option '%s'", arg);
            if (a.noutputs == MAX_TENSORS)
                return dpuc_usage_error(self, "more than %d outputs", MAX_TENSORS);
            a.outputs[a.noutputs++] = value;
            continue;
        }
        if (a.model)
            return dpuc_usage_error(self, "unexpected argument '%s' (one model only)", arg);
        a.model = arg;
    }
    if (!a.model)
        return dpuc_usage_error(self, "missing the model (MODEL.onnx or MODEL.q8)");
    if (a.ninputs == 0 || a.noutputs == 0)
        return dpuc_usage_error(self, "give each graph input with --input and each output "
                                      "with -o");
    struct dpu_diag d;
    dpu_diag_clear(&d);
    return run(&a, &d);
}
