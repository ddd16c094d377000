/* dpuc compile: model.q8 -> prog.bin for one preset (libdpucompile, docs/compiler.md). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dpu/compile.h"
#include "dpu/q8.h"
#include "dpuc.h"

int dpuc_cmd_compile(const struct dpuc_cmd *self, int argc, char **argv)
{
    const char *input = NULL, *output = NULL, *arch = NULL, *dump = NULL;
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
    int err = dpu_q8_load_any(input, &g, &d);
    if (err) {
        dpu_graph_free(&g);
        return dpuc_report(&d);
    }
    struct dpu_compile_opts o = {0};
    o.preset = preset;
    o.no_cpu_fallback = no_fallback;
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
