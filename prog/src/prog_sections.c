/* The section table of prog.bin, shared by the writer (which creates exactly these) and the
 * reader (which insists on them), and the byte buffers the writer fills. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "prog_internal.h"

const struct pf_section_spec pf_sections[PF_SEC_COUNT] = {
    [PF_TEXT] = {PF_SEC_TEXT, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, PF_ALIGN_TEXT,
                 DPU_INSN_BYTES},
    [PF_CONST] = {PF_SEC_CONST, SHT_PROGBITS, SHF_ALLOC, PF_ALIGN_REGION, 0},
    /* The regions the driver allocates and the program writes: like .bss, a size and no
     * bytes in the file. Input and output symbols point into them. */
    [PF_INPUT] = {PF_SEC_INPUT, SHT_NOBITS, SHF_ALLOC | SHF_WRITE, PF_ALIGN_REGION, 0},
    [PF_OUTPUT] = {PF_SEC_OUTPUT, SHT_NOBITS, SHF_ALLOC | SHF_WRITE, PF_ALIGN_REGION, 0},
    [PF_SCRATCH] = {PF_SEC_SCRATCH, SHT_NOBITS, SHF_ALLOC | SHF_WRITE, PF_ALIGN_REGION, 0},
    /* Metadata for the host only: never copied to the device, so not SHF_ALLOC. */
    [PF_TENSORS] = {PF_SEC_TENSORS, SHT_PROGBITS, 0, PF_ALIGN_RECORDS, PF_TENSOR_SIZE},
    [PF_PLAN] = {PF_SEC_PLAN, SHT_PROGBITS, 0, PF_ALIGN_RECORDS, PF_STEP_SIZE},
    [PF_BIND] = {PF_SEC_BIND, SHT_PROGBITS, 0, PF_BIND_SIZE, PF_BIND_SIZE},
    [PF_LAYERS] = {PF_SEC_LAYERS, SHT_PROGBITS, 0, PF_ALIGN_RECORDS, PF_LAYER_SIZE},
    [PF_RANGES] = {PF_SEC_RANGES, SHT_PROGBITS, 0, PF_ALIGN_RECORDS, PF_RANGE_SIZE},
    [PF_CPU] = {PF_SEC_CPU, SHT_PROGBITS, 0, PF_ALIGN_CPU, 0},
    [PF_STRTAB] = {PF_SEC_STRTAB, SHT_STRTAB, 0, 1, 0},
    [PF_NOTE] = {PF_SEC_NOTE, SHT_NOTE, 0, 4, 0},
    [PF_SYMTAB] = {PF_SEC_SYMTAB, SHT_SYMTAB, 0, 8, sizeof(Elf64_Sym)},
    [PF_SYMSTR] = {PF_SEC_SYMSTR, SHT_STRTAB, 0, 1, 0},
};

const enum pf_sec pf_region_section[DPU_REGION_COUNT] = {
    [DPU_REGION_CONST] = PF_CONST,
    [DPU_REGION_INPUT] = PF_INPUT,
    [DPU_REGION_OUTPUT] = PF_OUTPUT,
    [DPU_REGION_SCRATCH] = PF_SCRATCH,
};

void pf_buf_free(struct pf_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

uint8_t *pf_buf_grow(struct pf_buf *b, size_t n)
{
    if (n > SIZE_MAX / 2 - b->len)
        return NULL;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *nd = realloc(b->data, cap);
        if (!nd)
            return NULL;
        b->data = nd;
        b->cap = cap;
    }
    uint8_t *at = b->data + b->len;
    memset(at, 0, n);
    b->len += n;
    return at;
}

int pf_buf_add_string(struct pf_buf *b, const char *s, uint32_t *off)
{
    if (b->len == 0 && !pf_buf_grow(b, 1)) /* offset 0: the empty string */
        return DPU_E_NOMEM;
    if (!s || !*s) {
        *off = 0;
        return DPU_OK;
    }
    size_t n = strlen(s) + 1;
    if (b->len > UINT32_MAX || n > UINT32_MAX - b->len)
        return DPU_E_RANGE;
    *off = (uint32_t)b->len;
    uint8_t *at = pf_buf_grow(b, n);
    if (!at)
        return DPU_E_NOMEM;
    memcpy(at, s, n);
    return DPU_OK;
}
