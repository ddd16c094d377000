/* The cycle-approximate timing model of the opendpu accelerator (docs/architecture.md,
 * "Timing model"): the four engines with their in-order queues running concurrently under
 * the dependency tokens, the fetch unit and its queue limits, each instruction's duration
 * from the array's fill/drain, the buffer port widths and DDR (latency plus bandwidth per
 * burst) with the preset's figures, DDR being one channel that LOAD and SAVE share (the
 * older instruction in stream order first). Everything is integer cycles and deterministic.
 *
 * The model observes an instruction stream in stream order (the order dpu_sim_run executes
 * it). Because every token an instruction waits for was signalled earlier in the stream, and
 * the slot a signal into a full token queue needs is freed by a take that is also earlier in
 * the stream, one pass in stream order computes the exact schedule of the concurrent
 * machine: no event queue and no iteration. The shared DDR channel keeps that property
 * because it serves the older instruction first: an instruction's DDR time depends only on
 * the channel cycles older instructions have booked.
 *
 * Two ways to use it:
 *  - attach it to a simulator (dpu_sim_set_timing): every dpu_sim_run then feeds it each
 *    instruction it executes, and with dpu_sim_set_data(s, false) the simulator checks and
 *    sequences the instructions without computing any data (timing-only mode). Both modes
 *    give the same schedule, since nothing in the model depends on data values;
 *  - or drive it directly (dpu_timing_begin, dpu_timing_insn, dpu_timing_end) on
 *    instructions already known to be valid.
 *
 * Ownership: struct dpu_timing is opaque, created by dpu_timing_create and owned by the
 * caller; the records it returns point into it and stay valid until the next
 * dpu_timing_begin or dpu_timing_destroy.
 */
#ifndef DPU_SIM_TIMING_H
#define DPU_SIM_TIMING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpu/err.h"
#include "dpu/isa_gen.h"
#include "dpu/preset.h"

/* The model's constants: those from the preset, and the assumed ones of the architecture
 * document (marked there), in one place so that reports can print them. */
struct dpu_timing_consts {
    uint32_t R, C;          /* array_rows, array_cols */
    uint32_t l_ddr;         /* ddr_latency_cycles */
    uint32_t burst;         /* ddr_burst_bytes */
    uint32_t bus_bytes;     /* axi_ports * axi_data_bits / 8 */
    uint32_t clock_mhz;     /* clock_mhz */
    uint32_t ddr_mbps;      /* ddr_bandwidth_mbps (10^6 bytes/s) */
    uint32_t q_insn;        /* insn_queue_depth */
    uint32_t q_token;       /* token_queue_depth */
    uint32_t t_token;       /* cycles from a signal to a waiting engine (assumed 1) */
    uint32_t d_post;        /* CONV post-processing pipeline depth (assumed 4) */
    uint32_t d_misc;        /* MISC pipeline depth (assumed 3) */
    uint32_t t_sync;        /* a SYNC's cycles (assumed 1) */
    uint32_t dw_taps;       /* K_DW: dw_mults_per_lane, multipliers per lane of the depthwise
                             * datapath */
    uint32_t misc_reads;    /* R_MISC: misc_act_read_vectors, R-byte ACT vectors MISC reads
                             * per cycle */
    double ddr_bytes_cycle; /* DDR_BPC = min(ddr_mbps / clock_mhz, bus_bytes), for reports */
};

void dpu_timing_consts_of(const struct dpu_preset *p, struct dpu_timing_consts *k);

/* What one instruction costs in isolation (no queues, no tokens). */
struct dpu_timing_cost {
    uint64_t cycles;      /* engine cycles alone (the formulas of architecture.md); LOAD and
                           * SAVE take longer when the DDR channel is busy (struct
                           * dpu_timing_rec). CONV: the array's input side, from its start
                           * until its last pixel has entered */
    uint64_t latency;     /* cycles after `cycles` until its results are complete: CONV's
                           * fill/drain and post-processing (a latency, not occupancy: the next
                           * CONV streams meanwhile); 0 for the others */
    uint64_t issued_macs; /* multiply-accumulates the hardware performs, padding lanes and
                           * channels included: CONV T*P*R*C on the array, DWCONV
                           * T*P*nvec*R on the MISC lanes */
    uint64_t ddr_read;    /* DDR bytes a LOAD reads */
    uint64_t ddr_write;   /* DDR bytes a SAVE writes */
    uint64_t bursts;      /* DDR bursts (LOAD, SAVE) */
    uint64_t ddr_busy;    /* cycles the bursts occupy the DDR channel: sum of xfer(burst) */
};

/* The cost of instruction in (which must pass dpu_sim_insn_check) under constants k. END
 * costs 0 cycles, SYNC t_sync. */
void dpu_timing_cost_of(const struct dpu_timing_consts *k, const dpu_insn *in,
                        struct dpu_timing_cost *c);

/* DDR cycles of a box of rows x cols columns of `bytes` at the given strides (the LOAD/SAVE
 * transfer): L_DDR + the sum over its bursts of ceil(burst bytes / DDR_BPC); sets *bursts. */
uint64_t dpu_timing_ddr_cycles(const struct dpu_timing_consts *k, uint64_t rows, uint64_t cols,
                               uint64_t bytes, uint64_t row_stride, uint64_t col_stride,
                               uint64_t *bursts);

/* Channel cycles of one run of len contiguous bytes, cut from its start into bursts: the
 * sum of xfer(burst) (no latency). */
uint64_t dpu_timing_run_cycles(const struct dpu_timing_consts *k, uint64_t len);

/* A CONV of T taps over P pixels (architecture.md, CONV), in two parts. The issue cycles:
 * how long it keeps the array's input side, from the last pixel of the previous CONV (whose
 * last tap streamed P_prev pixels; P_prev = 0 when the array was idle) until its own last
 * pixel has entered: its first tap's preload where the previous last tap does not hide it,
 * then its streaming. The latency: cycles after that until its results are complete (the
 * array's fill/drain, post-processing). A chain of CONVs issued back to back costs the sum
 * of their issue cycles plus the last one's latency. */
uint64_t dpu_timing_conv_issue(const struct dpu_timing_consts *k, uint64_t T, uint64_t P,
                               uint64_t P_prev);
uint64_t dpu_timing_conv_latency(const struct dpu_timing_consts *k, bool post);

/* A CONV alone: dpu_timing_conv_issue(k, T, P, 0) + dpu_timing_conv_latency(k, post). */
uint64_t dpu_timing_conv_cycles(const struct dpu_timing_consts *k, uint64_t T, uint64_t P,
                                bool post);

/* A DWCONV's implicit padding (isa.md, DWCONV): its pad fields and its vertical stride and
 * dilation, which say which kernel rows fall on padding rows. */
struct dpu_timing_dw_pad {
    uint64_t top, bottom, left, right, sh, dh;
};

/* A DWCONV's cycles (architecture.md, the MISC engine's depthwise datapath): kh x kw taps at
 * strides/dilations sw, dw along the row, oh x ow output pixels, nvec channel vectors; pad
 * NULL for a tile stored whole, else its implicit padding (padding positions are not read). */
uint64_t dpu_timing_dwconv_cycles(const struct dpu_timing_consts *k, uint64_t kh, uint64_t kw,
                                  uint64_t oh, uint64_t ow, uint64_t nvec, uint64_t sw, uint64_t dw,
                                  const struct dpu_timing_dw_pad *pad);

/* An ELTW's cycles over len bytes: its operands a and b are read through the R_MISC vectors
 * of MISC's ACT read path, one result vector per cycle at most (R lanes). */
uint64_t dpu_timing_eltw_cycles(const struct dpu_timing_consts *k, uint64_t len);

/* A POOL's cycles: one window position per cycle over oh x ow pixels, nvec vectors, kh x kw. */
uint64_t dpu_timing_pool_cycles(const struct dpu_timing_consts *k, uint64_t oh, uint64_t ow,
                                uint64_t nvec, uint64_t kh, uint64_t kw);

/* The schedule of one instruction. Cycle 0 is the first cycle after start. */
struct dpu_timing_rec {
    uint64_t dispatch;  /* fetch dispatched it at the end of this cycle */
    uint64_t head;      /* it reached its engine (queue head, engine free): it left its queue */
    uint64_t start;     /* its first cycle of execution (tokens taken) */
    uint64_t end;       /* first cycle after its execution: start + cost.cycles + ddr_wait;
                         * a CONV: its last pixel has entered the array (later than that when
                         * the array was still streaming the previous CONV, or it waited for
                         * an in-flight CONV's output: the RAW interlock) */
    uint64_t done;      /* its results are complete: end, or for a CONV end + cost.latency;
                         * never before the previous done of its engine (in order) */
    uint64_t free;      /* its signals are given (>= done: a signal held by a full queue) */
    uint64_t busy;      /* cycles it adds to its engine's busy count: end - start, less the
                         * cycles a CONV's preload overlapped the previous CONV's streaming
                         * and its interlock */
    uint64_t interlock; /* CONV: cycles its first pixel waited for an in-flight CONV to write
                         * ACT bytes it reads (counted as a stall) */
    uint64_t ddr_wait;  /* cycles its bursts waited for the DDR channel (older bursts) */
    int engine;         /* enum dpu_engine; DPU_ENGINE_CTRL for END */
    struct dpu_timing_cost cost;
};

/* Per-engine counters: what the X_BUSY and X_STALL registers count. */
struct dpu_timing_totals {
    uint64_t cycles;                  /* CYCLES: the program's time */
    uint64_t busy[DPU_ENGINE_COUNT];  /* executing, DDR waits included */
    uint64_t stall[DPU_ENGINE_COUNT]; /* waiting for a token, or holding a signal */
    uint64_t ddr_wait;                /* LOAD and SAVE cycles spent waiting for the channel */
    uint64_t fetch_stall;             /* cycles fetch waited for a full instruction queue */
    uint64_t issued_macs, ddr_read, ddr_write;
    size_t insns; /* instructions, END included */
};

struct dpu_timing;

int dpu_timing_create(const struct dpu_preset *p, struct dpu_timing **out, struct dpu_diag *d);
void dpu_timing_destroy(struct dpu_timing *t);

const struct dpu_timing_consts *dpu_timing_consts(const struct dpu_timing *t);

/* Starts a new program (segment) of up to `count` instructions: the machine is idle, all
 * queues empty, cycle 0. Forgets the previous records. DPU_E_NOMEM possible. */
int dpu_timing_begin(struct dpu_timing *t, size_t count, struct dpu_diag *d);

/* Adds the next instruction in stream order. Its waits must consume tokens signalled
 * earlier and its signals must fit (the token discipline dpu_sim_run checks); otherwise
 * DPU_E_INVALID with a message. */
int dpu_timing_insn(struct dpu_timing *t, const dpu_insn *in, struct dpu_diag *d);

/* The schedule so far: *n records, one per instruction given since dpu_timing_begin. */
const struct dpu_timing_rec *dpu_timing_records(const struct dpu_timing *t, size_t *n);

/* The totals of the program so far (cycles: the largest `free`, at least END's dispatch
 * cycle + 1 when END was given). */
void dpu_timing_totals(const struct dpu_timing *t, struct dpu_timing_totals *tot);

/* ---- attaching the model to a simulator (dpu/sim.h) ---------------------------------- */

struct dpu_sim;

/* Attaches t (borrowed, NULL detaches): each dpu_sim_run then calls dpu_timing_begin and
 * feeds t every instruction it completes, END included. After a run that stopped on a fault
 * the records end before the faulting instruction. */
void dpu_sim_set_timing(struct dpu_sim *s, struct dpu_timing *t);

/* on = false: timing-only mode. dpu_sim_run still checks every instruction (the static rules,
 * the LUT rule, the token discipline) and takes and gives tokens, but computes no data: the
 * buffers and regions are not touched and a bad PARAM record goes unnoticed. On by default. */
void dpu_sim_set_data(struct dpu_sim *s, bool on);

#endif
