/* Helpers shared by the assembler, disassembler and stream decoder (not installed).
 *
 * Holds the small text utilities they all need (a bounded string builder, case-insensitive
 * name matching, edit distance for "did you mean" hints, quoting of user tokens) and the
 * one instruction check that both dpu_insn_validate and dpu_disasm_insn use.
 */
#ifndef DPU_ISA_INTERNAL_H
#define DPU_ISA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpu/isa_desc.h"
#include "dpu/isa_gen.h"

/* A bounded string builder over a caller's buffer: appends never write past size, the text
 * stays NUL-terminated, and overflow is remembered instead of reported at each call. */
struct dpu_tbuf {
    char *buf;
    size_t size, len;
    bool overflow;
};

void dpu_tbuf_init(struct dpu_tbuf *tb, char *buf, size_t size);
void dpu_tbuf_putf(struct dpu_tbuf *tb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends one byte (cheaper than dpu_tbuf_putf for the per-character loops). */
void dpu_tbuf_putc(struct dpu_tbuf *tb, char c);
/* Appends a user token in single quotes, escaping non-printable bytes as \xNN and
 * shortening it with "..." past 40 bytes, so a message stays readable on any input. */
void dpu_tbuf_put_token(struct dpu_tbuf *tb, const char *s, size_t n);

/* True if the n bytes at s equal the NUL-terminated name, ignoring ASCII case. */
bool dpu_name_eq(const char *name, const char *s, size_t n);

/* Case-insensitive Levenshtein distance between name and the n bytes at s; returns a value
 * above 2 (not necessarily exact) as soon as the distance is known to exceed 2, which is
 * all a "did you mean" hint needs. */
unsigned dpu_edit_distance(const char *name, const char *s, size_t n);

/* True for the field that holds the opcode: it is implied by the mnemonic. */
bool dpu_field_is_opcode(const struct dpu_field_desc *f);

/* Appends the legal values of a u or s field, e.g. "0..1023" or "-128..127"; wide unsigned
 * fields also get their maximum in hex. */
void dpu_tbuf_put_range(struct dpu_tbuf *tb, const struct dpu_field_desc *f);

/* Appends the names of an enum or flags field's values joined by sep ("ACT, WGT"). */
void dpu_tbuf_put_enum_names(struct dpu_tbuf *tb, const struct dpu_enum_desc *e, const char *sep);

/* Looks up a value name of enum e (case-insensitive); NULL if none. */
const struct dpu_enum_val *dpu_enum_find(const struct dpu_enum_desc *e, const char *s, size_t n);

/* Checks one instruction (see dpu_insn_validate). On failure returns a negative code and
 * writes the reason, without any location prefix, into why. */
int dpu_insn_check(const dpu_insn *insn, struct dpu_tbuf *why);

#endif
