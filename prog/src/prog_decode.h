/* The state of one ELF file being decoded, shared by prog_decode.c (the container) and
 * prog_decode_symbols.c (the symbol table). */
#ifndef DPU_PROG_DECODE_H
#define DPU_PROG_DECODE_H

#include <libelf.h>

#include "prog_internal.h"

struct pf_decoder {
    const char *name; /* the file, for messages */
    uint8_t *copy;    /* private copy of the file libelf reads */
    size_t len;
    Elf *elf;
    Elf_Scn *scn[PF_SEC_COUNT]; /* each of our sections, once found */
    size_t index[PF_SEC_COUNT];
    struct pf_image img;
};

/* Checks that every input and output tensor has its global STT_OBJECT symbol, with the
 * tensor's name, in the marker section of its region, at its offset and with its size. */
int pf_check_symbols(struct pf_decoder *dc, const struct dpu_program *p, struct dpu_diag *d);

#endif
