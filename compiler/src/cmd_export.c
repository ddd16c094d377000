/* dpuc export: a quantized model.q8 -> a QDQ ONNX model (docs/export.md).
 *
 * The exporter (compiler/onnx/src/onnx_export*.c) does the work; this file reads the
 * command line and the model and writes the bytes. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/onnx_export.h"
#include "dpu/q8.h"
#include "dpuc.h"

int dpuc_cmd_export(const struct dpuc_cmd *self, int argc, char **argv)
{
    const char *input, *output;
    int code = dpuc_parse_in_out(self, argc, argv, "model.q8", NULL, NULL, &input, &output);
    if (code)
        return code;
    if (!output && strcmp(input, "-") == 0)
        return dpuc_usage_error(self, "-o is required when reading standard input");

    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct dpu_graph g;
    dpu_graph_init(&g);
    int err = dpu_q8_load_any(input, &g, &d);
    uint8_t *bytes = NULL;
    size_t len = 0;
    char *path = NULL;
    if (!err)
        err = dpu_onnx_export(&g, &bytes, &len, &d);
    if (!err && !output &&
        !(path = dpuc_swap_ext(input, (const char *const[]){".q8.txt", ".q8", NULL}, ".onnx")))
        err = dpu_diag_set(&d, DPU_E_NOMEM, "out of memory");
    if (!err)
        err = dpuc_write_output(output ? output : path, bytes, len, &d);
    free(bytes);
    free(path);
    dpu_graph_free(&g);
    return err ? dpuc_report(&d) : 0;
}
