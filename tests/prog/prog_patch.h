/* Finding things inside an encoded prog.bin (with libelf) so tests can break them on
 * purpose: where a section's bytes are, where its header is, where a symbol is. */
#ifndef PROG_PATCH_H
#define PROG_PATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct prog_section_loc {
    size_t index;      /* section index */
    uint64_t offset;   /* sh_offset: the section's bytes in the file */
    uint64_t size;     /* sh_size */
    uint64_t hdr;      /* byte offset of its section header in the file */
    uint64_t name_off; /* byte offset in the file of its name in .shstrtab */
};

/* Locates section name in bytes; aborts if there is none (a test bug). */
struct prog_section_loc prog_find_section(const uint8_t *bytes, size_t len, const char *name);

/* Byte offset in the file of the Elf64_Sym entry of the first symbol called name (add
 * offsetof(Elf64_Sym, st_value) and so on to reach a field); aborts if there is none. */
uint64_t prog_find_symbol(const uint8_t *bytes, size_t len, const char *name);

/* Little-endian stores into a byte image. */
void prog_poke_u16(uint8_t *bytes, uint64_t at, uint16_t v);
void prog_poke_u32(uint8_t *bytes, uint64_t at, uint32_t v);
void prog_poke_u64(uint8_t *bytes, uint64_t at, uint64_t v);

/* A malloc'd copy of n bytes. */
uint8_t *prog_dup(const uint8_t *bytes, size_t n);

#endif
