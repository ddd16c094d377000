/* dpuc asm: assembly text -> raw instruction stream. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dpu/asm.h"
#include "dpuc.h"

/* Assembly sources are small; this only stops a wrong file from eating memory. */
#define MAX_SOURCE_BYTES ((size_t)256 << 20)

static int assemble(const char *input, const char *output)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (strcmp(output, "-") == 0 && isatty(fileno(stdout))) {
        fprintf(stderr, "dpuc: asm: refusing to write binary to a terminal; use -o FILE\n");
        return 1;
    }
    uint8_t *text;
    size_t len;
    int err = dpuc_read_input(input, MAX_SOURCE_BYTES, &text, &len, &d);
    if (err)
        return dpuc_report(&d);
    dpu_insn *insns;
    size_t count;
    err = dpu_asm_text(dpuc_display_name(input), (const char *)text, len, &insns, &count, &d);
    free(text);
    if (err)
        return dpuc_report(&d);
    uint8_t *bytes = malloc(count ? count * DPU_INSN_BYTES : 1);
    if (!bytes) {
        free(insns);
        dpu_diag_set(&d, DPU_E_NOMEM, "out of memory for %zu instructions", count);
        return dpuc_report(&d);
    }
    dpu_insns_to_bytes(insns, count, bytes);
    free(insns);
    err = dpuc_write_output(output, bytes, count * DPU_INSN_BYTES, &d);
    free(bytes);
    return err ? dpuc_report(&d) : 0;
}

int dpuc_cmd_asm(const struct dpuc_cmd *self, int argc, char **argv)
{
    const char *input, *output;
    int code = dpuc_parse_in_out(self, argc, argv, "input file", NULL, NULL, &input, &output);
    if (code)
        return code;
    if (output)
        return assemble(input, output);
    if (strcmp(input, "-") == 0)
        return dpuc_usage_error(self, "-o FILE is required when reading standard input");
    char *derived = dpuc_swap_ext(input, (const char *const[]){".s", NULL}, ".bin");
    if (!derived) {
        fprintf(stderr, "dpuc: out of memory\n");
        return 2;
    }
    code = assemble(input, derived);
    free(derived);
    return code;
}
