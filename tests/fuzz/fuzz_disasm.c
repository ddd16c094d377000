/* Fuzz target: arbitrary bytes as an instruction stream.
 *
 * Properties: the decoder never crashes; it refuses a length that is not a whole number of
 * instructions and otherwise accepts the stream exactly when each 32-byte instruction
 * validates on its own; every instruction that validates disassembles and reassembles to
 * the identical 32 bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/asm.h"
#include "fuzz_roundtrip.h"
#include "fuzz_target.h"

/* Decodes one 32-byte instruction on its own; if it is valid, checks its round trip down
 * to the bytes. Returns whether it was valid. */
static int check_one(const uint8_t *p, size_t index)
{
    dpu_insn *one = NULL;
    size_t n = 0;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_insns_from_bytes(p, DPU_INSN_BYTES, &one, &n, &d) != DPU_OK) {
        FUZZ_CHECK(one == NULL && n == 0 && strstr(d.msg, "instruction 0 (byte 0): "));
        /* The same instruction at its stream position names that position. */
        dpu_insn raw;
        for (unsigned w = 0; w < DPU_INSN_WORDS; w++) {
            raw.w[w] = 0;
            for (unsigned b = 0; b < 8; b++)
                raw.w[w] |= (uint64_t)p[8 * w + b] << (8 * b);
        }
        char want[64];
        snprintf(want, sizeof want, "instruction %zu (byte %zu): ", index, index * DPU_INSN_BYTES);
        dpu_diag_clear(&d);
        FUZZ_CHECK(dpu_insn_validate(&raw, index, &d) != DPU_OK);
        FUZZ_CHECK(strncmp(d.msg, want, strlen(want)) == 0);
        return 0;
    }
    FUZZ_CHECK(n == 1);
    fuzz_check_roundtrip(one, 1);
    uint8_t again[DPU_INSN_BYTES];
    dpu_insns_to_bytes(one, 1, again);
    FUZZ_CHECK(memcmp(again, p, DPU_INSN_BYTES) == 0);
    free(one);
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    dpu_insn *insns = (dpu_insn *)&d;
    size_t n = 1;
    int err = dpu_insns_from_bytes(data, size, &insns, &n, &d);
    if (size % DPU_INSN_BYTES != 0) {
        FUZZ_CHECK(err == DPU_E_PARSE && insns == NULL && n == 0);
        FUZZ_CHECK(strstr(d.msg, "not a multiple of the 32-byte") != NULL);
        return 0;
    }
    int all_valid = 1;
    for (size_t i = 0; i < size / DPU_INSN_BYTES; i++)
        all_valid &= check_one(data + i * DPU_INSN_BYTES, i);
    FUZZ_CHECK((err == DPU_OK) == all_valid);
    if (err) {
        FUZZ_CHECK(insns == NULL && n == 0 && dpu_exit_code(err) == 1);
        return 0;
    }
    FUZZ_CHECK(n == size / DPU_INSN_BYTES);
    fuzz_check_roundtrip(insns, n);
    uint8_t *again = malloc(size + 1);
    FUZZ_CHECK(again != NULL);
    dpu_insns_to_bytes(insns, n, again);
    FUZZ_CHECK(size == 0 || memcmp(again, data, size) == 0);
    free(again);
    free(insns);
    return 0;
}
