/* Locating sections and symbols of an encoded prog.bin with libelf, for tests that break
 * files on purpose. */
#include "prog_patch.h"

#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static Elf *open_image(uint8_t *copy, size_t len)
{
    if (elf_version(EV_CURRENT) == EV_NONE)
        abort();
    Elf *e = elf_memory((char *)copy, len);
    if (!e) {
        fprintf(stderr, "prog_patch: %s\n", elf_errmsg(-1));
        abort();
    }
    return e;
}

struct prog_section_loc prog_find_section(const uint8_t *bytes, size_t len, const char *name)
{
    uint8_t *copy = prog_dup(bytes, len);
    Elf *e = open_image(copy, len);
    size_t shstrndx;
    GElf_Ehdr eh;
    if (elf_getshdrstrndx(e, &shstrndx) || !gelf_getehdr(e, &eh))
        abort();
    GElf_Shdr strsh;
    if (!gelf_getshdr(elf_getscn(e, shstrndx), &strsh))
        abort();
    struct prog_section_loc loc = {0, 0, 0, 0, 0};
    for (Elf_Scn *scn = elf_nextscn(e, NULL); scn; scn = elf_nextscn(e, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh))
            abort();
        const char *sname = elf_strptr(e, shstrndx, sh.sh_name);
        if (sname && strcmp(sname, name) == 0) {
            loc.index = elf_ndxscn(scn);
            loc.offset = sh.sh_offset;
            loc.size = sh.sh_size;
            loc.hdr = eh.e_shoff + loc.index * eh.e_shentsize;
            loc.name_off = strsh.sh_offset + sh.sh_name;
            break;
        }
    }
    elf_end(e);
    free(copy);
    if (!loc.index) {
        fprintf(stderr, "prog_patch: no section %s\n", name);
        abort();
    }
    return loc;
}

uint64_t prog_find_symbol(const uint8_t *bytes, size_t len, const char *name)
{
    struct prog_section_loc symtab = prog_find_section(bytes, len, ".symtab");
    uint8_t *copy = prog_dup(bytes, len);
    Elf *e = open_image(copy, len);
    Elf_Scn *scn = elf_getscn(e, symtab.index);
    GElf_Shdr sh;
    Elf_Data *data = scn ? elf_getdata(scn, NULL) : NULL;
    if (!data || !gelf_getshdr(scn, &sh))
        abort();
    uint64_t at = 0;
    for (size_t i = 0; i < sh.sh_size / sizeof(Elf64_Sym); i++) {
        GElf_Sym sym;
        if (!gelf_getsym(data, (int)i, &sym))
            abort();
        const char *sname = elf_strptr(e, sh.sh_link, sym.st_name);
        if (sname && strcmp(sname, name) == 0) {
            at = symtab.offset + i * sizeof(Elf64_Sym);
            break;
        }
    }
    elf_end(e);
    free(copy);
    if (!at) {
        fprintf(stderr, "prog_patch: no symbol %s\n", name);
        abort();
    }
    return at;
}

void prog_poke_u16(uint8_t *bytes, uint64_t at, uint16_t v)
{
    bytes[at] = (uint8_t)v;
    bytes[at + 1] = (uint8_t)(v >> 8);
}

void prog_poke_u32(uint8_t *bytes, uint64_t at, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        bytes[at + i] = (uint8_t)(v >> (8 * i));
}

void prog_poke_u64(uint8_t *bytes, uint64_t at, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        bytes[at + i] = (uint8_t)(v >> (8 * i));
}

uint8_t *prog_dup(const uint8_t *bytes, size_t n)
{
    uint8_t *c = malloc(n ? n : 1);
    if (!c)
        abort();
    if (n)
        memcpy(c, bytes, n);
    return c;
}
