/* The symbol table of a prog.bin against its tensor records.
 *
 * The records in .dpu.tensors are the truth; the symbols repeat the offset and size of each
 * input and output tensor for readelf, nm and debuggers. A file where the two disagree has
 * been edited or corrupted, and which one is right cannot be known: it is refused.
 */
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "prog_decode.h"

struct named_sym {
    const char *name;
    GElf_Sym sym;
};

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct named_sym *)a)->name, ((const struct named_sym *)b)->name);
}

static int load_symbols(struct pf_decoder *dc, struct named_sym **out, size_t *count,
                        struct dpu_diag *d)
{
    *out = NULL;
    *count = 0;
    GElf_Shdr sh;
    if (!gelf_getshdr(dc->scn[PF_SYMTAB], &sh))
        return dpu_diag_set(d, DPU_E_PARSE, "%s: %s: %s", dc->name, PF_SEC_SYMTAB, elf_errmsg(-1));
    if (sh.sh_link != dc->index[PF_SYMSTR])
        return dpu_diag_set(d, DPU_E_PARSE,
                            "%s: section %s links to section %u, not %s (section %zu)", dc->name,
                            PF_SEC_SYMTAB, sh.sh_link, PF_SEC_SYMSTR, dc->index[PF_SYMSTR]);
    size_t n = (size_t)(dc->img.size[PF_SYMTAB] / sizeof(Elf64_Sym));
    if (n == 0)
        return DPU_OK;
    Elf_Data *data = elf_getdata(dc->scn[PF_SYMTAB], NULL);
    struct named_sym *syms = malloc(n * sizeof *syms);
    if (!syms)
        return dpu_diag_set(d, DPU_E_NOMEM, "%s: out of memory for %zu symbols", dc->name, n);
    for (size_t i = 0; i < n; i++) {
        const char *name = NULL;
        if (data && gelf_getsym(data, (int)i, &syms[i].sym))
            name = elf_strptr(dc->elf, dc->index[PF_SYMSTR], syms[i].sym.st_name);
        if (!name) {
            free(syms);
            return dpu_diag_set(d, DPU_E_PARSE,
                                "%s: symbol %zu: unreadable, or its name is "
                                "outside %s",
                                dc->name, i, PF_SEC_SYMSTR);
        }
        syms[i].name = name;
    }
    qsort(syms, n, sizeof *syms, by_name);
    *out = syms;
    *count = n;
    return DPU_OK;
}

/* True when some symbol called t->name describes t exactly. */
static bool has_symbol(const struct named_sym *syms, size_t n, const struct dpu_prog_tensor *t,
                       size_t section)
{
    size_t lo = 0, hi = n; /* first symbol whose name is >= t->name */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(syms[mid].name, t->name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < n && strcmp(syms[i].name, t->name) == 0; i++) {
        const GElf_Sym *s = &syms[i].sym;
        if (GELF_ST_BIND(s->st_info) == STB_GLOBAL && GELF_ST_TYPE(s->st_info) == STT_OBJECT &&
            s->st_shndx == section && s->st_value == t->offset && s->st_size == t->size)
            return true;
    }
    return false;
}

int pf_check_symbols(struct pf_decoder *dc, const struct dpu_program *p, struct dpu_diag *d)
{
    if (dc->index[PF_SYMTAB] > INT32_MAX || dc->img.size[PF_SYMTAB] / sizeof(Elf64_Sym) > INT32_MAX)
        return dpu_diag_set(d, DPU_E_PARSE, "%s: symbol table too large", dc->name);
    struct named_sym *syms;
    size_t n;
    int err = load_symbols(dc, &syms, &n, d);
    if (err)
        return err;
    for (size_t i = 0; !err && i < p->ntensors; i++) {
        const struct dpu_prog_tensor *t = &p->tensors[i];
        if (t->role != DPU_PROG_ROLE_INPUT && t->role != DPU_PROG_ROLE_OUTPUT)
            continue;
        size_t section = dc->index[pf_region_section[t->region]];
        if (!has_symbol(syms, n, t, section))
            err = dpu_diag_set(d, DPU_E_PARSE,
                               "%s: %s tensor %zu '%s': no global object symbol of that name in "
                               "section %s with value %llu and size %llu (the symbol table "
                               "disagrees with %s)",
                               dc->name, dpu_prog_role_name(t->role), i, t->name,
                               pf_sections[pf_region_section[t->region]].name,
                               (unsigned long long)t->offset, (unsigned long long)t->size,
                               PF_SEC_TENSORS);
    }
    free(syms);
    return err;
}
