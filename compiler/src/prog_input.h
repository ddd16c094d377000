/* Reading the instructions out of a program file, whatever its container. */
#ifndef DPUC_PROG_INPUT_H
#define DPUC_PROG_INPUT_H

#include <stddef.h>

#include "dpu/asm.h"

/* Largest program file dpuc reads: far above any real program, low enough to fail fast. */
#define DPUC_MAX_PROGRAM_BYTES ((size_t)1 << 30)

/* Reads path ("-" for standard input) and returns its validated instructions in a malloc'd
 * array the caller frees with free() (NULL when *count is 0). Messages name the file. */
int dpuc_read_program_insns(const char *path, dpu_insn **insns, size_t *count, struct dpu_diag *d);

#endif
