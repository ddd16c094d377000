/* Helpers for the dpusim tests: simulators on a named preset, programs from assembly text,
 * runs that must complete or must stop with a given fault, buffer views and byte
 * comparisons that print the first difference. Every helper fails the running cmocka test
 * on error. */
#ifndef SIM_TEST_UTIL_H
#define SIM_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "dpu/sim.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* A new simulator on preset `name` ("tiny", ...). */
struct dpu_sim *tu_sim(const char *name);

/* Assembles text (docs/assembly.md); the caller frees the result. */
dpu_insn *tu_asm(const char *text, size_t *count);

/* Runs text; the program must complete (st->done). st may be NULL. */
void tu_run_ok(struct dpu_sim *s, const char *text, struct dpu_sim_status *st);
/* Runs insns; the program must stop on errcode at instruction insn with fault address addr. */
void tu_run_insns_fault(struct dpu_sim *s, const dpu_insn *insns, size_t n, unsigned errcode,
                        size_t insn, uint64_t addr);
void tu_run_fault(struct dpu_sim *s, const char *text, unsigned errcode, size_t insn,
                  uint64_t addr);

/* The bytes of on-chip buffer buf (enum dpu_buf or DPU_SIM_BUF_LUT). */
uint8_t *tu_buf(struct dpu_sim *s, int buf);
/* Writes PARAM record q: bias and M little-endian, s at byte 8, bytes 9..15 zero. */
void tu_param(struct dpu_sim *s, uint64_t q, int32_t bias, int32_t M, int8_t sh);
/* ACC entry e, channel c on the tiny preset (C = 8), read from the little-endian bytes. */
#define TU_TINY_C 8
int32_t tu_acc(struct dpu_sim *s, uint64_t e, uint64_t c);
/* Copies n int8 values into ACT at addr. */
void tu_act_put(struct dpu_sim *s, uint64_t addr, const int8_t *v, size_t n);

/* got[0..n) must equal want[0..n) (as bytes); what names them in the message. */
void tu_expect_bytes(const void *got, const void *want, size_t n, const char *what);

#endif
