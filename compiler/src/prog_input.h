/* Reading the instructions out of a program file, whatever its container: an ELF prog.bin
 * (docs/program-format.md) or a raw instruction stream as `dpuc asm` writes it. */
#ifndef DPUC_PROG_INPUT_H
#define DPUC_PROG_INPUT_H

#include <stddef.h>

#include "dpu/asm.h"

/* Largest program file dpuc reads: far above any real program, low enough to fail fast. */
#define DPUC_MAX_PROGRAM_BYTES ((size_t)1 << 30)

/* Reads path ("-" for standard input) and returns its validated instructions in a malloc'd
 * array the caller frees with free() (NULL when *count is 0). For an ELF program these are
 * the whole stream of .dpu.text. Messages name the file. */
int dpuc_read_program_insns(const char *path, dpu_insn **insns, size_t *count, struct dpu_diag *d);

/* The same, and for an ELF program also *layers: a malloc'd array of *count pointers naming
 * the layer each instruction belongs to (NULL where none), released with one free() (the
 * names live in the same block). *layers is NULL for a raw stream. */
int dpuc_read_program_annotated(const char *path, dpu_insn **insns, size_t *count,
                                const char ***layers, struct dpu_diag *d);

#endif
