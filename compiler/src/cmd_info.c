/* dpuc info: what a model holds, for people (a table) or scripts (--json). The input kind is
 * told by its first bytes: a model.q8 (binary or text) today; an ELF prog.bin gets its own
 * summary once the program format exists (info_program below is the place). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/graph_info.h"
#include "dpu/q8.h"
#include "cmd_info_prog.h"
#include "dpuc.h"

static int info_model(const char *name, const uint8_t *bytes, size_t len, bool json)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct dpu_graph g;
    int err = dpu_q8_decode_any(name, bytes, len, &g, &d);
    if (err)
        return dpuc_report(&d);
    struct dpu_graph_info info;
    err = dpu_graph_info_compute(&g, &info, &d);
    if (!err)
        err = json ? dpu_graph_info_print_json(stdout, &g, &info, &d)
                   : dpu_graph_info_print_text(stdout, &g, &info, &d);
    dpu_graph_info_free(&info);
    dpu_graph_free(&g);
    return err ? dpuc_report(&d) : 0;
}

int dpuc_cmd_info(const struct dpuc_cmd *self, int argc, char **argv)
{
    const char *input = NULL;
    bool json = false, options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && strcmp(a, "--") == 0) {
            options_done = true;
            continue;
        }
        if (!options_done && a[0] == '-' && a[1] != '\0') {
            if (strcmp(a, "--json") == 0) {
                json = true;
                continue;
            }
            return dpuc_usage_error(self, "unknown option '%s'", a);
        }
        if (input)
            return dpuc_usage_error(self, "unexpected argument '%s' (one model only)", a);
        input = a;
    }
    if (!input)
        return dpuc_usage_error(self, "missing the model file");

    struct dpu_diag d;
    dpu_diag_clear(&d);
    uint8_t *bytes;
    size_t len;
    if (dpuc_read_input(input, DPU_Q8_MAX_FILE_BYTES, &bytes, &len, &d))
        return dpuc_report(&d);
    const char *name = dpuc_display_name(input);
    static const uint8_t elf_magic[4] = {0x7f, 'E', 'L', 'F'};
    bool is_elf = len >= 4 && memcmp(bytes, elf_magic, 4) == 0;
    int rc = is_elf ? dpuc_info_program_bytes(name, bytes, len, json)
                    : info_model(name, bytes, len, json);
    free(bytes);
    return rc;
}
