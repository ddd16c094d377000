/* Program -> ELF file, with libelf.
 *
 * libelf writes only to file descriptors, so the image is built in an anonymous temporary
 * file (tmpfile) and read back into memory; dpu_program_write then writes those bytes. The
 * layout is libelf's (ELF header, sections in the order of pf_sections, section headers
 * last), which depends only on the sections' sizes and alignments: the same program always
 * gives the same bytes.
 */
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dpu/asm.h"
#include "dpu/fileio.h"
#include "prog_internal.h"

/* Everything an ELF under construction points at: libelf keeps pointers to our buffers until
 * elf_update has written them, so they live here until elf_end. */
struct builder {
    Elf *elf;
    struct pf_records rec;
    struct pf_buf shstr, symstr;
    uint8_t *text, *note;
    GElf_Sym *syms; /* native Elf64_Sym entries, as libelf expects in memory */
    size_t nsyms, first_global;
    size_t index[PF_SEC_COUNT];
};

static int elf_fail(struct dpu_diag *d, const char *what)
{
    return dpu_diag_set(d, DPU_E_IO, "libelf: %s: %s", what, elf_errmsg(-1));
}

/* Adds one section described by pf_sections[id], holding size bytes at buf (a NOBITS section
 * only records size). */
static int add_section(struct builder *b, enum pf_sec id, void *buf, uint64_t size, Elf_Type type,
                       struct dpu_diag *d)
{
    const struct pf_section_spec *spec = &pf_sections[id];
    uint32_t name;
    if (pf_buf_add_string(&b->shstr, spec->name, &name))
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    Elf_Scn *scn = elf_newscn(b->elf);
    if (!scn)
        return elf_fail(d, "elf_newscn");
    if (size > SIZE_MAX)
        return dpu_diag_set(d, DPU_E_RANGE, "section %s: %llu bytes is too large", spec->name,
                            (unsigned long long)size);
    Elf_Data *data = elf_newdata(scn);
    if (!data)
        return elf_fail(d, "elf_newdata");
    data->d_buf = buf;
    data->d_size = (size_t)size;
    data->d_type = type;
    data->d_align = spec->align;
    data->d_version = EV_CURRENT;
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh))
        return elf_fail(d, "gelf_getshdr");
    sh.sh_name = name;
    sh.sh_type = spec->type;
    sh.sh_flags = spec->flags;
    sh.sh_addralign = spec->align;
    sh.sh_entsize = spec->entsize;
    if (!gelf_update_shdr(scn, &sh))
        return elf_fail(d, "gelf_update_shdr");
    b->index[id] = elf_ndxscn(scn);
    return DPU_OK;
}

/* The note: one Elf64_Nhdr, the owner "opendpu" (NUL-padded to 4 bytes) and the descriptor. */
static int build_note(struct builder *b, size_t *size, struct dpu_diag *d)
{
    static const char owner[] = PF_NOTE_OWNER;
    size_t namesz = sizeof owner, name_padded = (namesz + 3) & ~(size_t)3;
    *size = sizeof(GElf_Nhdr) + name_padded + PF_NOTE_DESC_SIZE;
    b->note = calloc(1, *size);
    if (!b->note)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    GElf_Nhdr nh = {
        .n_namesz = (Elf64_Word)namesz, .n_descsz = PF_NOTE_DESC_SIZE, .n_type = PF_NOTE_TYPE};
    memcpy(b->note, &nh, sizeof nh);
    memcpy(b->note + sizeof nh, owner, namesz);
    memcpy(b->note + sizeof nh + name_padded, b->rec.note_desc, PF_NOTE_DESC_SIZE);
    return DPU_OK;
}

/* .symtab: the null symbol, one local STT_FUNC per layer at its first instruction range (when
 * that range lies in the stream), then one global STT_OBJECT per input and output tensor in
 * the marker section of its region. Section indices are final when this runs. */
static int build_symbols(struct builder *b, const struct dpu_program *p, struct dpu_diag *d)
{
    size_t max = 1 + p->nlayers + p->ntensors;
    if (max > SIZE_MAX / sizeof *b->syms)
        return dpu_diag_set(d, DPU_E_RANGE, "too many symbols");
    b->syms = calloc(max, sizeof *b->syms);
    if (!b->syms || !pf_buf_grow(&b->symstr, 1))
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for the symbol table");
    size_t n = 1;
    for (size_t i = 0; i < p->nlayers; i++) {
        const struct dpu_prog_layer *l = &p->layers[i];
        if (!l->nranges || !l->name || !*l->name || l->ranges[0].first >= p->ninsns ||
            l->ranges[0].count > p->ninsns - l->ranges[0].first)
            continue;
        GElf_Sym *s = &b->syms[n++];
        if (pf_buf_add_string(&b->symstr, l->name, &s->st_name))
            return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for the symbol table");
        s->st_info = GELF_ST_INFO(STB_LOCAL, STT_FUNC);
        s->st_shndx = (Elf64_Section)b->index[PF_TEXT];
        s->st_value = l->ranges[0].first * DPU_INSN_BYTES;
        s->st_size = l->ranges[0].count * DPU_INSN_BYTES;
    }
    b->first_global = n;
    for (size_t i = 0; i < p->ntensors; i++) {
        const struct dpu_prog_tensor *t = &p->tensors[i];
        if (t->role != DPU_PROG_ROLE_INPUT && t->role != DPU_PROG_ROLE_OUTPUT)
            continue;
        GElf_Sym *s = &b->syms[n++];
        if (pf_buf_add_string(&b->symstr, t->name, &s->st_name))
            return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for the symbol table");
        s->st_info = GELF_ST_INFO(STB_GLOBAL, STT_OBJECT);
        s->st_shndx = (Elf64_Section)b->index[pf_region_section[t->region]];
        s->st_value = t->offset;
        s->st_size = t->size;
    }
    b->nsyms = n;
    return DPU_OK;
}

/* Points .symtab at .strtab and marks where the globals start, as the ELF spec asks. */
static int link_symtab(struct builder *b, struct dpu_diag *d)
{
    Elf_Scn *scn = elf_getscn(b->elf, b->index[PF_SYMTAB]);
    GElf_Shdr sh;
    if (!scn || !gelf_getshdr(scn, &sh))
        return elf_fail(d, "gelf_getshdr");
    sh.sh_link = (Elf64_Word)b->index[PF_SYMSTR];
    sh.sh_info = (Elf64_Word)b->first_global;
    if (!gelf_update_shdr(scn, &sh))
        return elf_fail(d, "gelf_update_shdr");
    return DPU_OK;
}

static int add_all_sections(struct builder *b, const struct dpu_program *p, struct dpu_diag *d)
{
    int err = add_section(b, PF_TEXT, b->text, (uint64_t)p->ninsns * DPU_INSN_BYTES, ELF_T_BYTE, d);
    if (!err)
        err = add_section(b, PF_CONST, p->const_data, p->region_size[DPU_REGION_CONST], ELF_T_BYTE,
                          d);
    if (!err)
        err = add_section(b, PF_INPUT, NULL, p->region_size[DPU_REGION_INPUT], ELF_T_BYTE, d);
    if (!err)
        err = add_section(b, PF_OUTPUT, NULL, p->region_size[DPU_REGION_OUTPUT], ELF_T_BYTE, d);
    if (!err)
        err = add_section(b, PF_SCRATCH, NULL, p->region_size[DPU_REGION_SCRATCH], ELF_T_BYTE, d);
    struct {
        enum pf_sec id;
        struct pf_buf *buf;
    } const recs[] = {
        {PF_TENSORS, &b->rec.tensors}, {PF_PLAN, &b->rec.plan},     {PF_BIND, &b->rec.bind},
        {PF_LAYERS, &b->rec.layers},   {PF_RANGES, &b->rec.ranges}, {PF_CPU, &b->rec.cpu},
        {PF_STRTAB, &b->rec.strtab},
    };
    for (size_t i = 0; !err && i < sizeof recs / sizeof recs[0]; i++)
        err = add_section(b, recs[i].id, recs[i].buf->data, recs[i].buf->len, ELF_T_BYTE, d);
    size_t note_size = 0;
    if (!err)
        err = build_note(b, &note_size, d);
    if (!err)
        err = add_section(b, PF_NOTE, b->note, note_size, ELF_T_NHDR, d);
    /* .symtab needs the final section indices, which exist once its own section does. */
    b->index[PF_SYMTAB] = b->index[PF_NOTE] + 1;
    b->index[PF_SYMSTR] = b->index[PF_NOTE] + 2;
    if (!err)
        err = build_symbols(b, p, d);
    if (!err)
        err = add_section(b, PF_SYMTAB, b->syms, b->nsyms * sizeof(Elf64_Sym), ELF_T_SYM, d);
    if (!err)
        err = add_section(b, PF_SYMSTR, b->symstr.data, b->symstr.len, ELF_T_BYTE, d);
    if (!err)
        err = link_symtab(b, d);
    return err;
}

/* The section name table comes last; its own name must be in it before it is sized. */
static int add_shstrtab(struct builder *b, struct dpu_diag *d)
{
    uint32_t name;
    if (pf_buf_add_string(&b->shstr, PF_SEC_SHSTR, &name))
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    Elf_Scn *scn = elf_newscn(b->elf);
    Elf_Data *data = scn ? elf_newdata(scn) : NULL;
    GElf_Shdr sh;
    if (!data || !gelf_getshdr(scn, &sh))
        return elf_fail(d, "elf_newscn");
    data->d_buf = b->shstr.data;
    data->d_size = b->shstr.len;
    data->d_type = ELF_T_BYTE;
    data->d_align = 1;
    data->d_version = EV_CURRENT;
    sh.sh_name = name;
    sh.sh_type = SHT_STRTAB;
    sh.sh_addralign = 1;
    if (!gelf_update_shdr(scn, &sh))
        return elf_fail(d, "gelf_update_shdr");
    GElf_Ehdr eh;
    if (!gelf_getehdr(b->elf, &eh))
        return elf_fail(d, "gelf_getehdr");
    eh.e_shstrndx = (Elf64_Half)elf_ndxscn(scn);
    if (!gelf_update_ehdr(b->elf, &eh))
        return elf_fail(d, "gelf_update_ehdr");
    return DPU_OK;
}

static int start_elf(struct builder *b, int fd, struct dpu_diag *d)
{
    if (elf_version(EV_CURRENT) == EV_NONE)
        return elf_fail(d, "elf_version");
    b->elf = elf_begin(fd, ELF_C_WRITE, NULL);
    if (!b->elf)
        return elf_fail(d, "elf_begin");
    if (!gelf_newehdr(b->elf, ELFCLASS64))
        return elf_fail(d, "gelf_newehdr");
    GElf_Ehdr eh;
    if (!gelf_getehdr(b->elf, &eh))
        return elf_fail(d, "gelf_getehdr");
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
    eh.e_type = ET_REL;
    eh.e_machine = EM_NONE;
    eh.e_version = EV_CURRENT;
    if (!gelf_update_ehdr(b->elf, &eh))
        return elf_fail(d, "gelf_update_ehdr");
    return DPU_OK;
}

/* Reads the finished file (len bytes) back from fd. */
static int read_back(int fd, size_t len, uint8_t **bytes, struct dpu_diag *d)
{
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for a %zu-byte program", len);
    size_t got = 0;
    while (got < len) {
        ssize_t r = pread(fd, buf + got, len - got, (off_t)got);
        if (r <= 0) {
            free(buf);
            return dpu_diag_set(d, DPU_E_IO, "reading back the encoded program failed");
        }
        got += (size_t)r;
    }
    *bytes = buf;
    return DPU_OK;
}

static int check_arrays(const struct dpu_program *p, struct dpu_diag *d)
{
    if (p->ninsns && !p->insns)
        return dpu_diag_set(d, DPU_E_INVALID, "program has %zu instructions but no array",
                            p->ninsns);
    if (p->region_size[DPU_REGION_CONST] && !p->const_data)
        return dpu_diag_set(d, DPU_E_INVALID, "program has a CONST size but no CONST image");
    if (p->ninsns > SIZE_MAX / DPU_INSN_BYTES)
        return dpu_diag_set(d, DPU_E_RANGE, "too many instructions (%zu)", p->ninsns);
    return DPU_OK;
}

int dpu_program_encode(const struct dpu_program *p, uint8_t **bytes, size_t *len,
                       struct dpu_diag *d)
{
    *bytes = NULL;
    *len = 0;
    int err = check_arrays(p, d);
    if (err)
        return err;
    struct builder b;
    memset(&b, 0, sizeof b);
    err = pf_records_build(p, &b.rec, d);
    if (err)
        return err;
    FILE *tmp = tmpfile();
    if (!tmp) {
        pf_records_free(&b.rec);
        return dpu_diag_set(d, DPU_E_IO, "cannot create a temporary file to encode into");
    }
    if (p->ninsns) {
        b.text = malloc(p->ninsns * DPU_INSN_BYTES);
        if (!b.text)
            err = dpu_diag_set(d, DPU_E_NOMEM, "out of memory for %zu instructions", p->ninsns);
        else
            dpu_insns_to_bytes(p->insns, p->ninsns, b.text);
    }
    if (!err)
        err = start_elf(&b, fileno(tmp), d);
    if (!err)
        err = add_all_sections(&b, p, d);
    if (!err)
        err = add_shstrtab(&b, d);
    if (!err) {
        off_t size = elf_update(b.elf, ELF_C_WRITE);
        if (size < 0)
            err = elf_fail(d, "elf_update");
        else
            err = read_back(fileno(tmp), (size_t)size, bytes, d);
        if (!err)
            *len = (size_t)size;
    }
    if (b.elf)
        elf_end(b.elf);
    fclose(tmp);
    pf_records_free(&b.rec);
    pf_buf_free(&b.shstr);
    pf_buf_free(&b.symstr);
    free(b.text);
    free(b.note);
    free(b.syms);
    return err;
}

int dpu_program_write(const char *path, const struct dpu_program *p, struct dpu_diag *d)
{
    uint8_t *bytes;
    size_t len;
    int err = dpu_program_encode(p, &bytes, &len, d);
    if (err)
        return err;
    err = dpu_write_file(path, bytes, len, d);
    free(bytes);
    return err;
}
