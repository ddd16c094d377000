/* dpusim: the functional simulator of the opendpu accelerator.
 *
 * It executes an instruction stream exactly as docs/isa.md defines it: the instructions one
 * at a time in stream order (the program's meaning, isa.md section 4), each checked against
 * the validity rules of sections 1, 5 and 6, its dependency tokens taken and given in the
 * order the hardware would, and its pseudo-code run on the machine state (the on-chip
 * buffers sized from the preset, the lookup table and the four DDR regions the caller
 * lends). Errors are the hardware's: an errcode of the register map (enum dpu_errcode,
 * dpu/regs_gen.h), the index of the faulting instruction and a fault address, as isa.md
 * section 5 specifies. docs/simulator.md describes the simulator and the choices it makes
 * where isa.md leaves room.
 *
 * Timing is not modelled here; the cycle model of docs/architecture.md is kept apart.
 *
 * Library functions return 0 (DPU_OK) or a negative code from dpu/err.h, and write a message
 * naming the instruction index, its mnemonic and the field at fault into the caller-owned
 * struct dpu_diag when one is passed.
 */
#ifndef DPU_SIM_H
#define DPU_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpu/err.h"
#include "dpu/isa_gen.h"
#include "dpu/preset.h"
#include "dpu/regs_gen.h"

/* The on-chip buffers are numbered as enum dpu_buf (ACT, WGT, PARAM, ACC = 0..3); the lookup
 * table is a fifth, readable through dpu_sim_buffer like the others. */
#define DPU_SIM_BUF_LUT   4
#define DPU_SIM_BUF_COUNT 5

/* Address spaces named by race reports: the five on-chip buffers, then the four DDR regions
 * (DPU_SIM_SPACE_DDR + enum dpu_region). Every address in a space counts bytes, ACC and PARAM
 * included (the unit LOAD and SAVE use); the LUT is a single element at address 0. */
enum dpu_sim_space {
    DPU_SIM_SPACE_ACT = DPU_BUF_ACT,
    DPU_SIM_SPACE_WGT = DPU_BUF_WGT,
    DPU_SIM_SPACE_PARAM = DPU_BUF_PARAM,
    DPU_SIM_SPACE_ACC = DPU_BUF_ACC,
    DPU_SIM_SPACE_LUT = DPU_SIM_BUF_LUT,
    DPU_SIM_SPACE_DDR = 5, /* + enum dpu_region */
    DPU_SIM_SPACE_COUNT = DPU_SIM_SPACE_DDR + DPU_REGION_COUNT,
};

/* "ACT", ..., "LUT", "DDR:CONST", ..., "DDR:SCRATCH"; "?" for anything else. Static storage. */
const char *dpu_sim_space_name(int space);

/* Why an instruction or a program stopped: what the hardware reports in STATUS.err_code,
 * FAULT_INSN and FAULT_ADDR. */
struct dpu_sim_fault {
    unsigned errcode;  /* enum dpu_errcode; DPU_ERRCODE_NONE: no fault */
    size_t insn;       /* index of the instruction at fault (MISSING_END: the instruction count) */
    uint64_t addr;     /* as isa.md section 5 defines it for errcode */
    const char *field; /* name of the field at fault, or NULL; static storage */
};

/* The first pair of instructions, on different engines, that touch the same byte (at least
 * one writing) without a happens-before path through tokens (isa.md section 4). */
struct dpu_sim_race {
    bool found;
    size_t first, second; /* instruction indices, first < second */
    bool first_wrote, second_wrote;
    int space;     /* enum dpu_sim_space */
    uint64_t addr; /* byte address of the first conflicting byte in that space */
};

struct dpu_sim_status {
    bool done;                  /* END was reached with every token queue empty */
    bool error;                 /* the program stopped on fault */
    struct dpu_sim_fault fault; /* errcode NONE when done */
    size_t executed;            /* instructions executed, END included */
    /* Instructions each engine executed (SYNC counts for the engine it names; END for none). */
    uint64_t engine_insns[DPU_ENGINE_COUNT];
    struct dpu_sim_race race; /* only with dpu_sim_set_check_races(s, true) */
};

struct dpu_sim;

/* Creates a simulator for preset p (checked with dpu_preset_check; the values are copied, p
 * need not outlive the simulator). Buffers start zeroed and keep their contents from one run
 * to the next; regions start empty (size 0). On success *out is owned by the caller and
 * released with dpu_sim_destroy; on failure *out is NULL. */
int dpu_sim_create(const struct dpu_preset *p, struct dpu_sim **out, struct dpu_diag *d);

/* Frees the simulator and everything it owns; NULL is allowed. Borrowed regions are not
 * touched. */
void dpu_sim_destroy(struct dpu_sim *s);

/* Lends the size bytes at data to the simulator as DDR region `region` (enum dpu_region).
 * The simulator reads and writes them during dpu_sim_run and never frees them; the caller
 * keeps them alive until the region is replaced or the simulator destroyed. data may be NULL
 * only when size is 0 (an empty region: every access to it faults with DDR_RANGE). */
int dpu_sim_set_region(struct dpu_sim *s, int region, uint8_t *data, uint64_t size);

/* Turns the race checker on or off (off at creation). When on, dpu_sim_run records, for
 * every byte of every buffer and region, the instructions that last wrote and read it, and
 * reports the first pair that breaks the ordering rule of isa.md section 4. */
void dpu_sim_set_check_races(struct dpu_sim *s, bool on);

/* Points *data at on-chip buffer `buf` (enum dpu_buf, or DPU_SIM_BUF_LUT) and sets *size to
 * its size in bytes (ACC as bytes: entry e, channel c is the little-endian int32 at
 * 4*(e*C + c)). The bytes are owned by the simulator and stay valid until dpu_sim_destroy;
 * the caller may write them to prepare a state before a run. */
int dpu_sim_buffer(struct dpu_sim *s, int buf, uint8_t **data, uint64_t *size);

/* The static validity rules of docs/isa.md for one instruction, without running anything:
 * the encoding (opcode, reserved bits, enum values), the wait/signal rules of END, SYNC and
 * the engines, field ranges, alignment, the overlap rules, on-chip ranges for preset p and
 * DDR ranges against region_sizes[DPU_REGION_COUNT] (bytes of CONST, INPUT, OUTPUT,
 * SCRATCH; NULL: every region empty). `index` is the instruction's position in its stream,
 * used in f and d. Rules that concern the whole program (END last, LUT loaded before use,
 * token discipline, ordering) and the contents of PARAM records are not checked here:
 * dpu_sim_run checks them. Returns 0 with f->errcode NONE for a valid instruction, or
 * DPU_E_INVALID with f holding the errcode the hardware would report (the first of
 * BAD_OPCODE, BAD_FIELD, SRAM_RANGE, DDR_RANGE that applies), index and fault address, and a
 * message in d. f may be NULL. */
int dpu_sim_insn_check(const struct dpu_preset *p, const dpu_insn *insn, size_t index,
                       const uint64_t region_sizes[DPU_REGION_COUNT], struct dpu_sim_fault *f,
                       struct dpu_diag *d);

/* Runs count instructions (a borrowed array, not modified) to the first END, in stream order:
 * each instruction is checked, its waits taken (a wait on an empty queue is a deadlock:
 * TOKEN_UNDERFLOW), executed (a bad PARAM record: BAD_PARAM), and its signals given (a
 * signal into a queue holding token_queue_depth tokens: TOKEN_OVERFLOW). END must be the
 * last instruction and every queue must be empty there (else TOKEN_OVERFLOW); running past
 * the last instruction without END is MISSING_END. Token queues and the "LUT loaded" state
 * start empty on each run; buffers and regions keep their contents.
 * *st (required) is filled in either way. Returns 0 when the program completed (st->done)
 * and no race was found; DPU_E_INVALID when it stopped on a fault or a race was found
 * (d says which); DPU_E_NOMEM if the race checker ran out of memory. */
int dpu_sim_run(struct dpu_sim *s, const dpu_insn *insns, size_t count, struct dpu_sim_status *st,
                struct dpu_diag *d);

#endif
