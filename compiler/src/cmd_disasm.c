/* dpuc disasm: program file -> canonical assembly text, one line per instruction. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/asm.h"
#include "dpuc.h"
#include "prog_input.h"

/* Room for one line: the instruction, the index comment and the newline. */
#define LINE_ROOM (DPU_DISASM_LINE_MAX + 32)

/* Builds the whole listing in memory (growing as needed) so that a failure leaves no
 * half-written file. */
static int render(const dpu_insn *insns, size_t count, const char **layers, bool with_index,
                  char **text, size_t *len, struct dpu_diag *d)
{
    *text = NULL;
    *len = 0;
    size_t cap = 4 * LINE_ROOM, n = 0;
    char *out = malloc(cap);
    if (!out)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    for (size_t i = 0; i < count; i++) {
        if (cap - n < LINE_ROOM) {
            char *grown = cap <= SIZE_MAX / 2 ? realloc(out, cap * 2) : NULL;
            if (!grown) {
                free(out);
                return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for %zu instructions", count);
            }
            out = grown;
            cap *= 2;
        }
        char line[DPU_DISASM_LINE_MAX];
        int err = dpu_disasm_insn(&insns[i], line, sizeof line, d);
        if (err) {
            free(out);
            return err;
        }
        const char *layer = layers && layers[i] ? layers[i] : NULL;
        int w = !with_index ? snprintf(out + n, LINE_ROOM, "%s\n", line)
                : layer     ? snprintf(out + n, LINE_ROOM, "%s  ; #%zu %s\n", line, i, layer)
                            : snprintf(out + n, LINE_ROOM, "%s  ; #%zu\n", line, i);
        if (w < 0 || (size_t)w >= LINE_ROOM) {
            free(out);
            return dpu_diag_set(d, DPU_E_INTERNAL, "instruction %zu: line too long", i);
        }
        n += (size_t)w;
    }
    *text = out;
    *len = n;
    return DPU_OK;
}

/* --no-index: plain instruction lines, without "; #N layer". */
static int no_index_flag(const char *arg, void *ctx)
{
    if (strcmp(arg, "--no-index") != 0)
        return 0;
    *(bool *)ctx = false;
    return 1;
}

int dpuc_cmd_disasm(const struct dpuc_cmd *self, int argc, char **argv)
{
    const char *input, *output;
    bool with_index = true;
    int code = dpuc_parse_in_out(self, argc, argv, "input file", no_index_flag, &with_index, &input,
                                 &output);
    if (code)
        return code;
    if (!output)
        output = "-";

    struct dpu_diag d;
    dpu_diag_clear(&d);
    dpu_insn *insns;
    size_t count;
    const char **layers;
    int err = dpuc_read_program_annotated(input, &insns, &count, &layers, &d);
    if (err)
        return dpuc_report(&d);
    char *text;
    size_t len;
    err = render(insns, count, layers, with_index, &text, &len, &d);
    free(insns);
    free(layers);
    if (err)
        return dpuc_report(&d);
    err = dpuc_write_output(output, text, len, &d);
    free(text);
    return err ? dpuc_report(&d) : 0;
}
