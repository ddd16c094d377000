/* The property both fuzzers end with: valid instructions -> canonical text -> the same
 * instructions, and instructions -> bytes -> the same instructions. */
#include "fuzz_roundtrip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_target.h"

void fuzz_check_roundtrip(const dpu_insn *insns, size_t count)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    size_t room = count * (DPU_DISASM_LINE_MAX + 32) + 1;
    char *text = malloc(room);
    uint8_t *bytes = malloc(count * DPU_INSN_BYTES + 1);
    FUZZ_CHECK(text && bytes);
    size_t len = 0;
    for (size_t i = 0; i < count; i++) {
        FUZZ_CHECK(dpu_insn_validate(&insns[i], i, &d) == DPU_OK);
        char line[DPU_DISASM_LINE_MAX];
        FUZZ_CHECK(dpu_disasm_insn(&insns[i], line, sizeof line, &d) == DPU_OK);
        FUZZ_CHECK(strlen(line) < DPU_DISASM_LINE_MAX - 1);
        len += (size_t)snprintf(text + len, room - len, "%s  ; #%zu\n", line, i);
    }
    dpu_insn *back = NULL;
    size_t n = 0;
    int err = dpu_asm_text("roundtrip.s", text, len, &back, &n, &d);
    if (err)
        fprintf(stderr, "reassembly failed: %s\n", d.msg);
    FUZZ_CHECK(err == DPU_OK);
    FUZZ_CHECK(n == count);
    FUZZ_CHECK(count == 0 || memcmp(back, insns, count * sizeof *insns) == 0);
    free(back);

    dpu_insns_to_bytes(insns, count, bytes);
    err = dpu_insns_from_bytes(bytes, count * DPU_INSN_BYTES, &back, &n, &d);
    FUZZ_CHECK(err == DPU_OK && n == count);
    FUZZ_CHECK(count == 0 || memcmp(back, insns, count * sizeof *insns) == 0);
    free(back);
    free(bytes);
    free(text);
}
