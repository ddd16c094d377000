/* dpuc import: an ONNX model (float, or quantized in QDQ or operator form) -> model.q8.
 *
 * The importer (compiler/onnx, docs/onnx-import.md) does the work; this file reads the
 * command line, writes the binary or text form, and tells the user what the model's
 * uint8 inputs and outputs became, since their values change by 128 at the boundary. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/onnx_import.h"
#include "dpu/q8.h"
#include "dpuc.h"

/* MODEL.onnx -> MODEL.q8 (MODEL.q8.txt for the text form); NULL when out of memory. */
static char *default_output(const char *input, bool text)
{
    const char *ext = text ? ".q8.txt" : ".q8";
    size_t len = strlen(input);
    if (len > 5 && strcmp(input + len - 5, ".onnx") == 0)
        len -= 5;
    char *out = malloc(len + strlen(ext) + 1);
    if (out) {
        memcpy(out, input, len);
        strcpy(out + len, ext);
    }
    return out;
}

/* Serializes g in the chosen form into a malloc'd buffer. */
static int encode(const struct dpu_graph *g, bool text, uint8_t **buf, size_t *len,
                  struct dpu_diag *d)
{
    if (!text)
        return dpu_q8_encode(g, buf, len, d);
    char *mem = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&mem, &size);
    if (!f)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    int err = dpu_q8_text_write(f, g, d);
    if (fclose(f) != 0 && !err)
        err = dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    if (err) {
        free(mem);
        return err;
    }
    *buf = (uint8_t *)mem;
    *len = size;
    return DPU_OK;
}

static void note_uint8(const struct dpu_graph *g, const struct dpu_onnx_report *r)
{
    for (size_t i = 0; i < r->nuint8_inputs; i++)
        fprintf(stderr,
                "dpuc: note: graph input '%s' is uint8 in the ONNX model and int8 in the "
                "graph: subtract 128 from its values (dpuc run does it for .npy files)\n",
                g->tensors[g->inputs[r->uint8_inputs[i]]].name);
    for (size_t i = 0; i < r->nuint8_outputs; i++)
        fprintf(stderr,
                "dpuc: note: graph output '%s' is uint8 in the ONNX model and int8 in the "
                "graph: add 128 to its values\n",
                g->tensors[g->outputs[r->uint8_outputs[i]]].name);
}

struct import_flags {
    bool text;
    struct dpu_onnx_options opts;
};

/* --text, --float, --quantized. */
static int import_flag(const char *arg, void *ctx)
{
    struct import_flags *f = ctx;
    if (strcmp(arg, "--text") == 0)
        f->text = true;
    else if (strcmp(arg, "--float") == 0)
        f->opts.mode = DPU_ONNX_FLOAT;
    else if (strcmp(arg, "--quantized") == 0)
        f->opts.mode = DPU_ONNX_QUANTIZED;
    else
        return 0;
    return 1;
}

int dpuc_cmd_import(const struct dpuc_cmd *self, int argc, char **argv)
{
    struct import_flags fl = {.opts = {.mode = DPU_ONNX_AUTO}};
    const char *input, *output;
    int code = dpuc_parse_in_out(self, argc, argv, "ONNX model", import_flag, &fl, &input, &output);
    if (code)
        return code;
    bool text = fl.text;
    struct dpu_onnx_options opts = fl.opts;
    if (!output && strcmp(input, "-") == 0)
        return dpuc_usage_error(self, "-o is required when reading standard input");

    struct dpu_diag d;
    dpu_diag_clear(&d);
    uint8_t *bytes;
    size_t len;
    int err = dpuc_read_input(input, (size_t)2 << 30, &bytes, &len, &d);
    if (err)
        return dpuc_report(&d);
    struct dpu_graph g;
    struct dpu_onnx_report report;
    dpu_graph_init(&g);
    err = dpu_onnx_import_bytes(dpuc_display_name(input), bytes, len, &opts, &g, &report, &d);
    free(bytes);
    uint8_t *out = NULL;
    size_t out_len = 0;
    if (!err)
        err = encode(&g, text, &out, &out_len, &d);
    char *path = NULL;
    if (!err && !output && !(path = default_output(input, text)))
        err = dpu_diag_set(&d, DPU_E_NOMEM, "out of memory");
    if (!err)
        err = dpuc_write_output(output ? output : path, out, out_len, &d);
    if (!err)
        note_uint8(&g, &report);
    free(out);
    free(path);
    dpu_graph_free(&g);
    return err ? dpuc_report(&d) : 0;
}
