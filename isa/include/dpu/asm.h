/* Text assembly, canonical disassembly and instruction streams for the opendpu ISA.
 *
 * Everything here is driven by the generated descriptor tables (dpu/isa_gen.h): no
 * function knows any instruction by name, so a field added to isa/isa.tbl is assembled,
 * disassembled and validated without touching this code. The text syntax is specified in
 * docs/assembly.md.
 *
 * All functions report failure as a negative code from dpu/err.h and, when d is non-NULL,
 * a message in the caller-owned struct dpu_diag (the first error wins).
 */
#ifndef DPU_ASM_H
#define DPU_ASM_H

#include <stddef.h>
#include <stdint.h>

#include "dpu/err.h"
#include "dpu/isa_gen.h"

/* A buffer of this many bytes always holds one disassembled line and its NUL. */
#define DPU_DISASM_LINE_MAX 1024

/* Assembles len bytes of text (no NUL terminator needed; a NUL byte inside is an error).
 * path is used only to locate messages ("path:line:col: error: ..."). On success *insns is
 * a malloc'd array of *count instructions that the caller owns and frees with free(); it is
 * NULL when *count is 0. On failure *insns is NULL and *count is 0. */
int dpu_asm_text(const char *path, const char *text, size_t len, dpu_insn **insns, size_t *count,
                 struct dpu_diag *d);

/* Writes the canonical text of one instruction (no newline) into the caller's buf of size
 * bytes, always NUL-terminated when size > 0. Refuses an instruction that
 * dpu_insn_validate would refuse (DPU_E_INVALID) and a buffer that is too small
 * (DPU_E_RANGE); DPU_DISASM_LINE_MAX bytes are always enough. */
int dpu_disasm_insn(const dpu_insn *insn, char *buf, size_t size, struct dpu_diag *d);

/* Checks that insn is a well-formed instruction: its opcode is defined, no bit outside its
 * fields is set, each enum field holds a defined value and each flags field only defined
 * bits. index is the instruction's position in its stream, used in messages such as
 * "instruction 3 (byte 96): unknown opcode 0x3f". */
int dpu_insn_validate(const dpu_insn *insn, size_t index, struct dpu_diag *d);

/* Decodes a raw instruction stream: concatenated DPU_INSN_BYTES-byte instructions, each
 * little-endian with word 0 first. len must be a multiple of DPU_INSN_BYTES (0 is allowed
 * and gives no instructions); every instruction is validated. On success *insns is a
 * malloc'd array the caller owns and frees with free() (NULL when *count is 0); on failure
 * *insns is NULL and *count is 0. */
int dpu_insns_from_bytes(const uint8_t *bytes, size_t len, dpu_insn **insns, size_t *count,
                         struct dpu_diag *d);

/* Encodes count instructions into the caller's out, which must hold
 * count * DPU_INSN_BYTES bytes. The byte order is explicit (little-endian, word 0 first)
 * and does not depend on the host. */
void dpu_insns_to_bytes(const dpu_insn *insns, size_t count, uint8_t *out);

#endif
