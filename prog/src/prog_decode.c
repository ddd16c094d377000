/* ELF file -> program: the container, with libelf.
 *
 * The order of the checks is the order of the messages a user sees: is it an ELF file at all,
 * is it our kind of ELF file (64-bit, little-endian, ET_REL, EM_NONE), does it have every
 * section with the right type, flags and record size, all inside the file, then the note
 * (format and ISA version, preset), the records (prog_records_parse.c), the instructions and
 * the symbols (prog_decode_symbols.c). Every offset and size read from the file is checked
 * against the file's length before anything is read through it.
 */
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/asm.h"
#include "dpu/fileio.h"
#include "prog_decode.h"

bool dpu_program_is_elf(const uint8_t *bytes, size_t len)
{
    return len >= SELFMAG && memcmp(bytes, ELFMAG, SELFMAG) == 0;
}

static int elf_parse_fail(const char *name, const char *what, struct dpu_diag *d)
{
    return dpu_diag_set(d, DPU_E_PARSE, "%s: %s: %s", name, what, elf_errmsg(-1));
}

/* The identification bytes are a byte array by definition (e_ident), so they are checked
 * before libelf interprets anything that depends on them. */
static int check_ident(const char *name, const uint8_t *b, size_t len, struct dpu_diag *d)
{
    if (!dpu_program_is_elf(b, len))
        return dpu_diag_set(d, DPU_E_PARSE, "%s: not an ELF file (no \\x7fELF magic)", name);
    if (len < EI_NIDENT || len < sizeof(Elf64_Ehdr))
        return dpu_diag_set(d, DPU_E_PARSE, "%s: truncated ELF header (%zu bytes)", name, len);
    if (b[EI_CLASS] != ELFCLASS64)
        return dpu_diag_set(d, DPU_E_UNSUPPORTED,
                            "%s: ELF class %u; a prog.bin is ELFCLASS64 (64-bit)", name,
                            b[EI_CLASS]);
    if (b[EI_DATA] != ELFDATA2LSB)
        return dpu_diag_set(d, DPU_E_UNSUPPORTED,
                            "%s: ELF data encoding %u; a prog.bin is little-endian (ELFDATA2LSB)",
                            name, b[EI_DATA]);
    if (b[EI_VERSION] != EV_CURRENT || b[EI_OSABI] != ELFOSABI_NONE)
        return dpu_diag_set(d, DPU_E_UNSUPPORTED,
                            "%s: ELF ident version %u / OS ABI %u; a prog.bin has version 1 "
                            "and OS ABI 0 (System V)",
                            name, b[EI_VERSION], b[EI_OSABI]);
    return DPU_OK;
}

static int check_ehdr(const char *name, Elf *elf, size_t len, struct dpu_diag *d)
{
    GElf_Ehdr eh;
    if (!gelf_getehdr(elf, &eh))
        return elf_parse_fail(name, "ELF header", d);
    if (eh.e_type != ET_REL)
        return dpu_diag_set(d, DPU_E_UNSUPPORTED,
                            "%s: ELF type %u; a prog.bin is ET_REL (relocatable: its symbols "
                            "are offsets in their sections)",
                            name, eh.e_type);
    if (eh.e_machine != EM_NONE)
        return dpu_diag_set(d, DPU_E_UNSUPPORTED,
                            "%s: ELF machine %u; a prog.bin has machine EM_NONE (0), it is "
                            "no CPU's code",
                            name, eh.e_machine);
    if (eh.e_version != EV_CURRENT)
        return dpu_diag_set(d, DPU_E_UNSUPPORTED, "%s: ELF version %u", name, eh.e_version);
    /* The section header table (its count may live in section 0: at least one header). */
    uint64_t count = eh.e_shnum ? eh.e_shnum : 1;
    if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shoff > len ||
        count > (len - eh.e_shoff) / sizeof(Elf64_Shdr))
        return dpu_diag_set(d, DPU_E_PARSE,
                            "%s: section header table (%llu entries of %u bytes at byte %llu) "
                            "does not fit in the file (%zu bytes): truncated or corrupt",
                            name, (unsigned long long)count, eh.e_shentsize,
                            (unsigned long long)eh.e_shoff, len);
    return DPU_OK;
}

/* Which of our sections a header describes (PF_SEC_COUNT for someone else's). */
static enum pf_sec section_id(const char *sname)
{
    for (int i = 0; i < PF_SEC_COUNT; i++) {
        if (strcmp(sname, pf_sections[i].name) == 0)
            return (enum pf_sec)i;
    }
    return PF_SEC_COUNT;
}

static int check_shdr(const char *name, const GElf_Shdr *sh, enum pf_sec id, size_t len,
                      struct dpu_diag *d)
{
    const struct pf_section_spec *spec = &pf_sections[id];
    if (sh->sh_type != spec->type)
        return dpu_diag_set(d, DPU_E_PARSE, "%s: section %s has type %u, not %u", name, spec->name,
                            sh->sh_type, spec->type);
    if (sh->sh_flags != spec->flags)
        return dpu_diag_set(d, DPU_E_PARSE, "%s: section %s has flags 0x%llx, not 0x%llx", name,
                            spec->name, (unsigned long long)sh->sh_flags,
                            (unsigned long long)spec->flags);
    if (sh->sh_addralign < spec->align || (sh->sh_addralign & (sh->sh_addralign - 1)))
        return dpu_diag_set(d, DPU_E_PARSE,
                            "%s: section %s is aligned to %llu bytes, not a power of two "
                            ">= %llu",
                            name, spec->name, (unsigned long long)sh->sh_addralign,
                            (unsigned long long)spec->align);
    if (sh->sh_entsize != spec->entsize)
        return dpu_diag_set(d, DPU_E_PARSE, "%s: section %s has entsize %llu, not %llu", name,
                            spec->name, (unsigned long long)sh->sh_entsize,
                            (unsigned long long)spec->entsize);
    if (spec->entsize && sh->sh_size % spec->entsize)
        return dpu_diag_set(d, DPU_E_PARSE,
                            "%s: section %s (at byte %llu) holds %llu bytes, not a multiple "
                            "of its %llu-byte records",
                            name, spec->name, (unsigned long long)sh->sh_offset,
                            (unsigned long long)sh->sh_size, (unsigned long long)spec->entsize);
    if (sh->sh_type != SHT_NOBITS && (sh->sh_offset > len || sh->sh_size > len - sh->sh_offset))
        return dpu_diag_set(d, DPU_E_PARSE,
                            "%s: section %s (bytes %llu..+%llu) extends past the end of the "
                            "file (%zu bytes): truncated or corrupt",
                            name, spec->name, (unsigned long long)sh->sh_offset,
                            (unsigned long long)sh->sh_size, len);
    return DPU_OK;
}

/* Finds every section of ours, checks its header and reads its bytes through libelf. */
static int map_sections(struct pf_decoder *dc, struct dpu_diag *d)
{
    size_t shnum, shstrndx;
    if (elf_getshdrnum(dc->elf, &shnum) || elf_getshdrstrndx(dc->elf, &shstrndx))
        return elf_parse_fail(dc->name, "section headers", d);
    for (size_t i = 1; i < shnum; i++) {
        Elf_Scn *scn = elf_getscn(dc->elf, i);
        GElf_Shdr sh;
        if (!scn || !gelf_getshdr(scn, &sh))
            return elf_parse_fail(dc->name, "section header", d);
        const char *sname = elf_strptr(dc->elf, shstrndx, sh.sh_name);
        if (!sname)
            return dpu_diag_set(d, DPU_E_PARSE, "%s: section %zu: name outside .shstrtab", dc->name,
                                i);
        enum pf_sec id = section_id(sname);
        if (id == PF_SEC_COUNT)
            continue; /* not ours: a newer minor version's, or a tool's */
        if (dc->scn[id])
            return dpu_diag_set(d, DPU_E_PARSE, "%s: duplicate section %s (sections %zu, %zu)",
                                dc->name, sname, dc->index[id], i);
        int err = check_shdr(dc->name, &sh, id, dc->len, d);
        if (err)
            return err;
        dc->scn[id] = scn;
        dc->index[id] = i;
        dc->img.size[id] = sh.sh_size;
        dc->img.file_offset[id] = sh.sh_offset;
        if (sh.sh_type == SHT_NOBITS || sh.sh_size == 0)
            continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        if (!data || data->d_size != sh.sh_size || !data->d_buf)
            return elf_parse_fail(dc->name, sname, d);
        dc->img.data[id] = data->d_buf;
    }
    for (int id = 0; id < PF_SEC_COUNT; id++) {
        if (!dc->scn[id])
            return dpu_diag_set(d, DPU_E_PARSE, "%s: missing section %s", dc->name,
                                pf_sections[id].name);
    }
    return DPU_OK;
}

/* Finds the opendpu note and reads the format and ISA versions and the preset from it. */
static int read_note(struct pf_decoder *dc, struct dpu_program *p, struct dpu_diag *d)
{
    Elf_Data *data = dc->img.size[PF_NOTE] ? elf_getdata(dc->scn[PF_NOTE], NULL) : NULL;
    const uint8_t *desc = NULL;
    size_t off = 0, next, name_off, desc_off;
    GElf_Nhdr nh;
    while (data && off < data->d_size &&
           (next = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
        if (nh.n_type == PF_NOTE_TYPE && nh.n_namesz == sizeof PF_NOTE_OWNER &&
            memcmp((const char *)data->d_buf + name_off, PF_NOTE_OWNER, nh.n_namesz) == 0) {
            if (nh.n_descsz < PF_NOTE_DESC_SIZE)
                return dpu_diag_set(d, DPU_E_PARSE,
                                    "%s: section %s: the opendpu note has %u descriptor "
                                    "bytes, fewer than %d",
                                    dc->name, PF_SEC_NOTE, nh.n_descsz, PF_NOTE_DESC_SIZE);
            desc = (const uint8_t *)data->d_buf + desc_off;
            break;
        }
        off = next;
    }
    if (!desc)
        return dpu_diag_set(d, DPU_E_PARSE,
                            "%s: section %s holds no note of owner \"%s\" and type %d", dc->name,
                            PF_SEC_NOTE, PF_NOTE_OWNER, PF_NOTE_TYPE);
    unsigned fmaj = pf_get_u16(desc + PF_NOTE_FORMAT_MAJOR);
    unsigned fmin = pf_get_u16(desc + PF_NOTE_FORMAT_MINOR);
    if (fmaj != DPU_PROG_FORMAT_MAJOR)
        return dpu_diag_set(d, DPU_E_UNSUPPORTED,
                            "%s: prog.bin format version %u.%u; this reader knows %d.x", dc->name,
                            fmaj, fmin, DPU_PROG_FORMAT_MAJOR);
    const uint8_t *pname = desc + PF_NOTE_PRESET_NAME;
    const uint8_t *nul = memchr(pname, 0, PF_NOTE_PRESET_NAME_BYTES);
    if (!nul)
        return dpu_diag_set(d, DPU_E_PARSE, "%s: note: the preset name is not NUL-terminated",
                            dc->name);
    for (const uint8_t *q = nul; q < pname + PF_NOTE_PRESET_NAME_BYTES; q++) {
        if (*q)
            return dpu_diag_set(d, DPU_E_PARSE,
                                "%s: note: bytes after the preset name are not zero", dc->name);
    }
    p->preset_name = prog_strdup((const char *)pname);
    if (!p->preset_name)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    p->preset_hash = pf_get_u64(desc + PF_NOTE_PRESET_HASH);
    p->isa_major = pf_get_u16(desc + PF_NOTE_ISA_MAJOR);
    p->isa_minor = pf_get_u16(desc + PF_NOTE_ISA_MINOR);
    return DPU_OK;
}

static int read_text(struct pf_decoder *dc, struct dpu_program *p, struct dpu_diag *d)
{
    struct dpu_diag local;
    dpu_diag_clear(&local);
    int err = dpu_insns_from_bytes(dc->img.data[PF_TEXT], (size_t)dc->img.size[PF_TEXT], &p->insns,
                                   &p->ninsns, &local);
    if (err)
        return dpu_diag_set(d, err == DPU_E_NOMEM ? err : DPU_E_PARSE, "%s: section %s: %s",
                            dc->name, PF_SEC_TEXT, dpu_diag_message(&local));
    return DPU_OK;
}

static int read_regions(struct pf_decoder *dc, struct dpu_program *p, struct dpu_diag *d)
{
    for (int r = 0; r < DPU_REGION_COUNT; r++)
        p->region_size[r] = dc->img.size[pf_region_section[r]];
    uint64_t n = p->region_size[DPU_REGION_CONST];
    if (n) {
        p->const_data = prog_memdup(dc->img.data[PF_CONST], (size_t)n);
        if (!p->const_data)
            return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for %llu CONST bytes",
                                (unsigned long long)n);
    }
    return DPU_OK;
}

static int decode_elf(struct pf_decoder *dc, struct dpu_program *p, struct dpu_diag *d)
{
    int err = check_ehdr(dc->name, dc->elf, dc->len, d);
    if (!err)
        err = map_sections(dc, d);
    if (!err)
        err = read_note(dc, p, d);
    if (!err)
        err = pf_records_parse(dc->name, &dc->img, p, d);
    if (!err)
        err = read_text(dc, p, d);
    if (!err)
        err = prog_check_layer_ranges(dc->name, p, d);
    if (!err)
        err = read_regions(dc, p, d);
    if (!err)
        err = pf_check_symbols(dc, p, d);
    return err;
}

int dpu_program_decode(const char *name, const uint8_t *bytes, size_t len, struct dpu_program *p,
                       struct dpu_diag *d)
{
    dpu_program_init(p);
    if (!name)
        name = "<memory>";
    int err = check_ident(name, bytes, len, d);
    if (err)
        return err;
    if (elf_version(EV_CURRENT) == EV_NONE)
        return dpu_diag_set(d, DPU_E_INTERNAL, "libelf: %s", elf_errmsg(-1));
    /* libelf may write into the image it reads (it is handed a char *), and the caller's
     * bytes are const: it reads a private copy. */
    struct pf_decoder dc;
    memset(&dc, 0, sizeof dc);
    dc.name = name;
    dc.len = len;
    dc.copy = malloc(len);
    if (!dc.copy)
        return dpu_diag_set(d, DPU_E_NOMEM, "%s: out of memory for %zu bytes", name, len);
    memcpy(dc.copy, bytes, len);
    dc.elf = elf_memory((char *)dc.copy, len);
    if (!dc.elf)
        err = elf_parse_fail(name, "not a readable ELF file", d);
    else
        err = decode_elf(&dc, p, d);
    if (dc.elf)
        elf_end(dc.elf);
    free(dc.copy);
    if (err)
        dpu_program_free(p);
    return err;
}

int dpu_program_read(const char *path, struct dpu_program *p, struct dpu_diag *d)
{
    dpu_program_init(p);
    uint8_t *bytes;
    size_t len;
    int err = dpu_read_file(path, DPU_PROG_MAX_FILE_BYTES, &bytes, &len, d);
    if (err)
        return err;
    err = dpu_program_decode(path, bytes, len, p, d);
    free(bytes);
    return err;
}
