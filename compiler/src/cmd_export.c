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

/* MODEL.q8 (or MODEL.q8.txt) -> MODEL.onnx; NULL when out of memory. */
static char *default_output(const char *input)
{
    size_t len = strlen(input);
    if (len > 7 && strcmp(input + len - 7, ".q8.txt") == 0)
        len -= 7;
    else if (len > 3 && strcmp(input + len - 3, ".q8") == 0)
        len -= 3;
    char *out = malloc(len + 6);
    if (out) {
        memcpy(out, input, len);
        strcpy(out + len, ".onnx");
    }
    return out;
}

int dpuc_cmd_export(const struct dpuc_cmd *self, int argc, char **argv)
{
    const char *input = NULL, *output = NULL;
    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && strcmp(a, "--") == 0) {
            options_done = true;
            continue;
        }
        if (!options_done && a[0] == '-' && a[1] != '\0') {
            int r = dpuc_opt_value(self, argc, argv, &i, "-o", "--output", &output);
            if (r < 0)
                return 1;
            if (r == 0)
                return dpuc_usage_error(self, "unknown option '%s'", a);
            continue;
        }
        if (input)
            return dpuc_usage_error(self, "unexpected argument '%s' (one model only)", a);
        input = a;
    }
    if (!input)
        return dpuc_usage_error(self, "missing the model.q8");
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
    if (!err && !output && !(path = default_output(input)))
        err = dpu_diag_set(&d, DPU_E_NOMEM, "out of memory");
    if (!err)
        err = dpuc_write_output(output ? output : path, bytes, len, &d);
    free(bytes);
    free(path);
    dpu_graph_free(&g);
    return err ? dpuc_report(&d) : 0;
}
