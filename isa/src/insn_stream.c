/* Raw instruction streams: bytes <-> dpu_insn, with validation on the way in.
 *
 * On disk an instruction is DPU_INSN_BYTES bytes: its DPU_INSN_WORDS 64-bit words, word 0
 * first, each little-endian. The byte order is spelled out with shifts so that the stream
 * is the same on any host (a memcpy of host words would not be).
 */
#include "dpu/asm.h"

#include <stdlib.h>

static uint64_t load_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void store_le64(uint8_t *p, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

int dpu_insns_from_bytes(const uint8_t *bytes, size_t len, dpu_insn **insns, size_t *count,
                         struct dpu_diag *d)
{
    *insns = NULL;
    *count = 0;
    if (len % DPU_INSN_BYTES != 0)
        return dpu_diag_set(d, DPU_E_PARSE,
                            "instruction stream is %zu bytes, not a multiple of the %d-byte "
                            "instruction size (%zu whole instruction%s and %zu byte%s left over)",
                            len, (int)DPU_INSN_BYTES, len / DPU_INSN_BYTES,
                            len / DPU_INSN_BYTES == 1 ? "" : "s", len % DPU_INSN_BYTES,
                            len % DPU_INSN_BYTES == 1 ? "" : "s");
    size_t n = len / DPU_INSN_BYTES;
    if (n == 0)
        return DPU_OK;
    dpu_insn *out = malloc(n * sizeof *out);
    if (!out)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for %zu instructions", n);
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = bytes + i * DPU_INSN_BYTES;
        for (unsigned w = 0; w < DPU_INSN_WORDS; w++)
            out[i].w[w] = load_le64(p + 8 * w);
        int err = dpu_insn_validate(&out[i], i, d);
        if (err) {
            free(out);
            return err;
        }
    }
    *insns = out;
    *count = n;
    return DPU_OK;
}

void dpu_insns_to_bytes(const dpu_insn *insns, size_t count, uint8_t *out)
{
    for (size_t i = 0; i < count; i++) {
        for (unsigned w = 0; w < DPU_INSN_WORDS; w++)
            store_le64(out + i * DPU_INSN_BYTES + 8 * w, insns[i].w[w]);
    }
}
