/* What the files of libdpuprog share and nobody else needs. */
#ifndef DPU_PROG_INTERNAL_H
#define DPU_PROG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "dpu/program.h"
#include "prog_format.h"

/* malloc'd copies (NULL for a NULL string or n == 0, and when out of memory). */
char *prog_strdup(const char *s);
void *prog_memdup(const void *src, size_t n);

/* The sections every prog.bin has, in file order (.shstrtab, written last, is not listed:
 * libelf finds it through e_shstrndx). */
enum pf_sec {
    PF_TEXT,
    PF_CONST,
    PF_INPUT,
    PF_OUTPUT,
    PF_SCRATCH,
    PF_TENSORS,
    PF_PLAN,
    PF_BIND,
    PF_LAYERS,
    PF_RANGES,
    PF_CPU,
    PF_STRTAB,
    PF_NOTE,
    PF_SYMTAB,
    PF_SYMSTR,
    PF_SEC_COUNT
};

/* How each section must look: type, flags, minimum alignment, record size (0: none). */
struct pf_section_spec {
    const char *name;
    uint32_t type;
    uint64_t flags;
    uint64_t align;
    uint64_t entsize;
};
extern const struct pf_section_spec pf_sections[PF_SEC_COUNT];

/* The marker section of each region (enum dpu_region -> enum pf_sec). */
extern const enum pf_sec pf_region_section[DPU_REGION_COUNT];

/* A growing byte buffer; data is malloc'd (NULL while empty). */
struct pf_buf {
    uint8_t *data;
    size_t len, cap;
};
void pf_buf_free(struct pf_buf *b);
/* Appends n zero bytes and returns a pointer to them, or NULL when out of memory. */
uint8_t *pf_buf_grow(struct pf_buf *b, size_t n);
/* Appends s and its NUL (a NULL or empty s is offset 0, which every string table starts
 * with) and sets *off to its offset. Returns DPU_OK, DPU_E_NOMEM or DPU_E_RANGE when the
 * table would exceed 4 GiB. */
int pf_buf_add_string(struct pf_buf *b, const char *s, uint32_t *off);

/* The byte images of the metadata sections, built from a program by pf_records_build. */
struct pf_records {
    struct pf_buf strtab, tensors, plan, bind, layers, ranges, cpu;
    uint8_t note_desc[PF_NOTE_DESC_SIZE];
};
int pf_records_build(const struct dpu_program *p, struct pf_records *r, struct dpu_diag *d);
void pf_records_free(struct pf_records *r);

/* The raw bytes of each section of a file being decoded (NULL/0 when empty; NOBITS sections
 * have only a size). */
struct pf_image {
    const uint8_t *data[PF_SEC_COUNT];
    uint64_t size[PF_SEC_COUNT];
    uint64_t file_offset[PF_SEC_COUNT];
};
/* Fills everything but the instructions, the note's fields and the symbols from the
 * record sections of img. name is the file's name for messages. p is partly filled on
 * failure; the caller frees it. */
int pf_records_parse(const char *name, const struct pf_image *img, struct dpu_program *p,
                     struct dpu_diag *d);

/* Checks that every layer range lies inside the stream and that no two ranges overlap;
 * names the layer (and the file, when name is non-NULL). */
int prog_check_layer_ranges(const char *name, const struct dpu_program *p, struct dpu_diag *d);

#endif
