/* Program files -> instructions.
 *
 * Today a program file is a raw instruction stream (32-byte instructions, no header). When
 * prog.bin becomes an ELF file, this is the one place to change: recognise the ELF magic
 * here and hand the bytes of the instruction section, instead of the whole file, to
 * dpu_insns_from_bytes. Every command that reads programs (disasm now; info and run later)
 * goes through this function.
 */
#include "prog_input.h"

#include <stdlib.h>

#include "dpuc.h"

int dpuc_read_program_insns(const char *path, dpu_insn **insns, size_t *count, struct dpu_diag *d)
{
    *insns = NULL;
    *count = 0;
    uint8_t *data;
    size_t len;
    int err = dpuc_read_input(path, DPUC_MAX_PROGRAM_BYTES, &data, &len, d);
    if (err)
        return err;
    struct dpu_diag local;
    dpu_diag_clear(&local);
    err = dpu_insns_from_bytes(data, len, insns, count, &local);
    free(data);
    if (err)
        return dpu_diag_set(d, err, "%s: %s", dpuc_display_name(path), dpu_diag_message(&local));
    return DPU_OK;
}
