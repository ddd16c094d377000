/* `dpuc info` for a compiled program (an ELF prog.bin): preset, hash, ISA version, the
 * loader's verdict, instruction counts per engine, region sizes and DDR footprint, weight
 * bytes, tensors, plan steps and layers; a table for people or JSON (--json) for scripts.
 * cmd_info.c tells a prog.bin from a model.q8 by its first bytes and calls one of these. */
#ifndef DPUC_CMD_INFO_PROG_H
#define DPUC_CMD_INFO_PROG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads path ("-" for standard input) and prints its summary to standard output. Returns the
 * process exit code: 0 when the file decodes (a program that fails dpu_program_validate is
 * still described, with the reason), 1 or 2 with a message on stderr otherwise. */
int dpuc_info_program(const char *path, bool json);

/* The same for a file already in memory; name is used in the output and messages. */
int dpuc_info_program_bytes(const char *name, const uint8_t *bytes, size_t len, bool json);

#endif
