/* Fuzz target: arbitrary bytes as assembly text.
 *
 * Properties: the assembler never crashes or reads out of bounds; a refusal is a located
 * message "fuzz.s:LINE:COL: error: ..." with nothing returned; whatever it accepts is valid
 * and survives disassemble -> assemble and bytes -> instructions unchanged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/asm.h"
#include "fuzz_roundtrip.h"
#include "fuzz_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    dpu_insn *insns = (dpu_insn *)&d;
    size_t n = 1;
    int err = dpu_asm_text("fuzz.s", (const char *)data, size, &insns, &n, &d);
    if (err) {
        FUZZ_CHECK(err < 0 && d.err == err);
        FUZZ_CHECK(insns == NULL && n == 0);
        FUZZ_CHECK(err == DPU_E_NOMEM || strncmp(d.msg, "fuzz.s:", 7) == 0);
        FUZZ_CHECK(err == DPU_E_NOMEM || strstr(d.msg, ": error: ") != NULL);
        FUZZ_CHECK(dpu_exit_code(err) == 1 || err == DPU_E_NOMEM);
        return 0;
    }
    FUZZ_CHECK(d.err == DPU_OK);
    FUZZ_CHECK((n == 0) == (insns == NULL));
    fuzz_check_roundtrip(insns, n);
    free(insns);
    return 0;
}
