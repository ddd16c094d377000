/* dpuc compile: model.q8 (or an already-quantized ONNX model) -> prog.bin for one preset
 * (libdpucompile, docs/compiler.md). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dpu/compile.h"
#include "dpu/onnx_import.h"
#include "dpu/q8.h"
#include "dpuc.h"

/* A model whose name ends in .onnx goes through the ONNX importer (as `dpuc import` does), in
 * quantized mode: a float ONNX model is refused with the way to quantize it. Everything else
 * is model.q8, binary or text. */
static int load_model(const char *input, struct dpu_graph *g, struct dpu_diag *d)
{
    size_t len = strlen(input);
    if (len < 5 || strcasecmp(input + len - 5, ".onnx") != 0)
        return dpu_q8_load_any(input, g, d);
    uint8_t *bytes;
    int err = dpuc_read_input(input, (size_t)2 << 30, &bytes, &len, d);
    if (err)
        return err;
    struct dpu_onnx_options opts = {.mode = DPU_ONNX_AUTO};
    struct dpu_onnx_report report;
    err = dpu_onnx_import_bytes(dpuc_display_name(input), bytes, len, &opts, g, &report, d);
    free(bytes);
    if (err)
        return err;
    if (!g->quantized)
        return dpu_diag_set(d, DPU_E_UNSUPPORTED,
                            "%s is a float ONNX model: quantize it first (dpuc quantize %s "
                            "--calib DATA -o MODEL.q8)",
                            dpuc_display_name(input), dpuc_display_name(input));
    if (report.nuint8_inputs || report.nuint8_outputs)
        fprintf(stderr,
                "dpuc: note: %s has uint8 inputs or outputs, int8 in the program "
                "(values shifted by 128; see dpuc import)\n",
                dpuc_display_name(input));
    return 0;
}

int dpuc_cmd_compile(const struct dpuc_cmd *self, int argc, char **argv)
{
    const char *input = NULL, *output = NULL, *arch = NULL, *dump = NULL, *prows = NULL;
    const char *ppieces = NULL, *ppairs = NULL;
    bool no_fallback = false, options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && strcmp(a, "--") == 0) {
            options_done = true;
            continue;
        }
        if (!options_done && a[0] == '-' && a[1] != '\0') {
            if (strcmp(a, "--no-cpu-fallback") == 0) {
                no_fallback = true;
                continue;
            }
            int r = dpuc_opt_value(self, argc, argv, &i, "-o", "--output", &output);
            if (r == 0)
                r = dpuc_opt_value(self, argc, argv, &i, NULL, "--arch", &arch);
            if (r == 0)
                r = dpuc_opt_value(self, argc, argv, &i, NULL, "--dump-after", &dump);
            if (r == 0)
                r = dpuc_opt_value(self, argc, argv, &i, NULL, "--pack-rows", &prows);
            if (r == 0)
                r = dpuc_opt_value(self, argc, argv, &i, NULL, "--pack-pieces", &ppieces);
            if (r == 0)
                r = dpuc_opt_value(self, argc, argv, &i, NULL, "--pack-pairs", &ppairs);
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
        return dpuc_usage_error(self, "missing MODEL");
    if (!output && !dump)
        return dpuc_usage_error(self, "missing -o FILE");
    if (!arch)
        return dpuc_usage_error(self, "missing --arch PRESET");
    char *end = NULL;
    long pack_rows = prows ? strtol(prows, &end, 10) : 0;
    if (prows && (end == prows || *end || pack_rows < 1 || pack_rows > 15))
        return dpuc_usage_error(self, "--pack-rows needs a count from 1 to 15, not '%s'", prows);
    int pack_pieces = 0;
    if (ppieces) {
        if (strcmp(ppieces, "on") && strcmp(ppieces, "off"))
            return dpuc_usage_error(self, "--pack-pieces needs on or off, not '%s'", ppieces);
        pack_pieces = strcmp(ppieces, "on") == 0 ? 1 : -1;
    }
    int pack_pairs = 0;
    if (ppairs) {
        if (strcmp(ppairs, "on") && strcmp(ppairs, "off"))
            return dpuc_usage_error(self, "--pack-pairs needs on or off, not '%s'", ppairs);
        pack_pairs = strcmp(ppairs, "on") == 0 ? 1 : -1;
    }
    const struct dpu_preset *preset = dpu_preset_find(arch);
    if (!preset) {
        fprintf(stderr, "dpuc: compile: unknown preset '%s'; known:", arch);
        for (size_t k = 0; k < dpu_preset_count; k++)
            fprintf(stderr, " %s", dpu_presets[k].name);
        fputc('\n', stderr);
        return 1;
    }
    if (dump && !dpu_compile_pass_known(dump)) {
        fprintf(stderr, "dpuc: compile: unknown pass '%s' for --dump-after; passes:", dump);
        for (size_t k = 0; dpu_compile_pass_names[k]; k++)
            fprintf(stderr, " %s", dpu_compile_pass_names[k]);
        fputc('\n', stderr);
        return 1;
    }
    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct dpu_graph g;
    dpu_graph_init(&g);
    int err = load_model(input, &g, &d);
    if (err) {
        dpu_graph_free(&g);
        return dpuc_report(&d);
    }
    struct dpu_compile_opts o = {0};
    o.preset = preset;
    o.no_cpu_fallback = no_fallback;
    o.pack_rows = (int)pack_rows;
    o.pack_pieces = pack_pieces;
    o.pack_pairs = pack_pairs;
    o.dump_after = dump;
    o.dump = stdout;
    o.log = stderr;
    struct dpu_program p;
    err = dpu_compile(&g, &o, &p, &d);
    if (!err && output)
        err = dpu_program_write(output, &p, &d);
    dpu_program_free(&p);
    dpu_graph_free(&g);
    return err ? dpuc_report(&d) : 0;
}
