/* Parsing of one `field=value` value token for the assembler (not installed). */
#ifndef DPU_ASM_VALUE_H
#define DPU_ASM_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "dpu/isa_desc.h"
#include "isa_internal.h"

/* Parses the n-byte value token tok (n >= 1, no blanks or comment characters inside) for
 * field f into the bits to store in the field (already masked to its width). On failure
 * returns DPU_E_PARSE (malformed number, garbage after a value, bad enum or flag name) or
 * DPU_E_RANGE (number outside the field), sets *err_at to the offset in tok where the
 * problem starts and writes a message naming the field into why. */
int dpu_asm_parse_value(const struct dpu_field_desc *f, const char *tok, size_t n, uint64_t *bits,
                        size_t *err_at, struct dpu_tbuf *why);

#endif
