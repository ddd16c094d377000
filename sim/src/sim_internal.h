/* Internals of dpusim shared by its files (not installed).
 *
 * The machine state (struct dpu_sim), the context the validity checks run in, and the
 * prototypes of the one-file-per-instruction checks (check_*.c), semantics (exec_*.c) and
 * access sets (access.c, for the race checker).
 */
#ifndef DPU_SIM_INTERNAL_H
#define DPU_SIM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpu/dot_i16.h"
#include "dpu/sim.h"

/* One token queue (a -> b). Tokens carry no data on the hardware; here each carries the
 * vector clock of the signalling engine, which is all the race checker needs to know about
 * happens-before. Ring buffer of `depth` clocks. */
struct sim_tokq {
    uint32_t head, count;
    uint32_t (*vc)[DPU_ENGINE_COUNT];
};

struct sim_races;  /* race.c */
struct dpu_timing; /* dpu/sim_timing.h */
struct sim_fast;   /* fast_conv.c */

struct dpu_sim {
    struct dpu_preset p;
    uint32_t R, C; /* array_rows, array_cols */

    /* On-chip buffers as bytes (ACC entries stored little-endian, as LOAD/SAVE see them). */
    uint8_t *buf[DPU_SIM_BUF_COUNT];
    uint64_t buf_size[DPU_SIM_BUF_COUNT];

    /* Borrowed DDR regions. */
    uint8_t *region[DPU_REGION_COUNT];
    uint64_t region_size[DPU_REGION_COUNT];

    /* Per run. */
    bool lut_loaded; /* a LUTLD has executed (in stream order) in this run */
    struct sim_tokq q[DPU_ENGINE_COUNT][DPU_ENGINE_COUNT]; /* q[from][to] */
    uint32_t vc[DPU_ENGINE_COUNT][DPU_ENGINE_COUNT];       /* vector clock of each engine */

    int32_t *conv_sums;    /* C int32: CONV's per-pixel partial sums */
    struct sim_fast *fast; /* scratch of the fast kernels (fast_conv.c) */
    bool plain;            /* run only the plain semantics of exec_*.c (tests compare both) */

    bool check_races;
    struct sim_races *races;

    /* The timing model (timing.c): fed each completed instruction when attached; no_data
     * skips the semantics (timing-only mode). */
    struct dpu_timing *timing;
    bool no_data;
};

/* ---- validity checks (check_*.c) ------------------------------------------------------ */

/* What the checks need to know: sizes from the preset and the regions, and whether a LUTLD
 * came earlier in the stream (false makes an instruction that reads the LUT invalid; the
 * public dpu_sim_insn_check passes true, as it does not see the program). */
struct sim_check {
    uint64_t R, C;
    uint64_t act_bytes, wgt_bytes, param_records, acc_entries;
    uint64_t buf_bytes[DPU_BUF_COUNT]; /* LOAD/SAVE view: bytes of ACT, WGT, PARAM, ACC */
    uint64_t region_size[DPU_REGION_COUNT];
    bool lut_loaded;
    size_t index;
    const char *mnemonic;
    struct dpu_sim_fault *f;
    struct dpu_diag *d;
};

void sim_check_init(struct sim_check *c, const struct dpu_preset *p,
                    const uint64_t region_sizes[DPU_REGION_COUNT]);

/* Records a fault (errcode, addr, field) in c->f and a message in c->d, and returns the
 * errcode so that checks can `return sim_fail(...)`. */
unsigned sim_fail(struct sim_check *c, unsigned errcode, uint64_t addr, const char *field,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* BAD_FIELD at field (lo, name). */
#define SIM_BAD_FIELD(c, lo, name, ...)                                                            \
    sim_fail((c), DPU_ERRCODE_BAD_FIELD, (lo), (name), __VA_ARGS__)

/* A half-open interval [lo, hi) of addresses. */
struct sim_ext {
    uint64_t lo, hi;
};

static inline bool sim_ext_disjoint(struct sim_ext a, struct sim_ext b)
{
    return a.hi <= b.lo || b.hi <= a.lo;
}

/* SRAM_RANGE unless e lies within [0, size); the fault address is e's highest address. */
unsigned sim_check_sram(struct sim_check *c, struct sim_ext e, uint64_t size, const char *field,
                        const char *what);

/* DDR_RANGE unless the box (off, rows, cols, bytes, strides) lies in region `region`. */
unsigned sim_check_ddr(struct sim_check *c, uint64_t region, uint64_t off, uint64_t rows,
                       uint64_t row_stride, uint64_t cols, uint64_t col_stride, uint64_t bytes,
                       const char *field);

/* BAD_FIELD unless v is a multiple of m. */
unsigned sim_check_align(struct sim_check *c, uint64_t v, uint64_t m, const char *m_name,
                         unsigned lo, const char *field);

/* BAD_FIELD unless v >= 1. */
unsigned sim_check_nonzero(struct sim_check *c, uint64_t v, unsigned lo, const char *field);

/* BAD_FIELD when an instruction reads the LUT before any LUTLD in the stream. */
unsigned sim_check_lut_loaded(struct sim_check *c, unsigned lo, const char *field);

/* Encoding rules of isa.md section 1: defined opcode, reserved bits zero, enum values. */
unsigned sim_check_encoding(struct sim_check *c, const dpu_insn *in);
/* The wait/signal rules: END's both zero, no bit naming the executing engine. */
unsigned sim_check_tokens(struct sim_check *c, const dpu_insn *in);

unsigned sim_check_load(struct sim_check *c, const dpu_insn *in);
unsigned sim_check_save(struct sim_check *c, const dpu_insn *in);
unsigned sim_check_conv(struct sim_check *c, const dpu_insn *in);
unsigned sim_check_pool(struct sim_check *c, const dpu_insn *in);
unsigned sim_check_eltw(struct sim_check *c, const dpu_insn *in);
unsigned sim_check_dwconv(struct sim_check *c, const dpu_insn *in);
unsigned sim_check_lutld(struct sim_check *c, const dpu_insn *in);
unsigned sim_check_lut(struct sim_check *c, const dpu_insn *in);

/* Every static rule of one instruction, in the priority order of isa.md section 5. */
unsigned sim_check_insn(struct sim_check *c, const dpu_insn *in);

/* The engine that executes in (SYNC: the one it names), or DPU_ENGINE_CTRL for END. Only
 * for instructions that passed sim_check_encoding. */
int sim_insn_engine(const dpu_insn *in);

/* ---- semantics (exec_*.c) ------------------------------------------------------------- */

/* Each runs one instruction that passed its checks on s. They return DPU_ERRCODE_NONE, or
 * DPU_ERRCODE_BAD_PARAM with *fault_addr the PARAM byte address of the bad record (the
 * records are checked before anything is written). */
unsigned sim_exec_load(struct dpu_sim *s, const dpu_insn *in, uint64_t *fault_addr);
unsigned sim_exec_save(struct dpu_sim *s, const dpu_insn *in, uint64_t *fault_addr);
unsigned sim_exec_conv(struct dpu_sim *s, const dpu_insn *in, uint64_t *fault_addr);
unsigned sim_exec_pool(struct dpu_sim *s, const dpu_insn *in, uint64_t *fault_addr);
unsigned sim_exec_eltw(struct dpu_sim *s, const dpu_insn *in, uint64_t *fault_addr);
unsigned sim_exec_dwconv(struct dpu_sim *s, const dpu_insn *in, uint64_t *fault_addr);
unsigned sim_exec_lutld(struct dpu_sim *s, const dpu_insn *in, uint64_t *fault_addr);
unsigned sim_exec_lut(struct dpu_sim *s, const dpu_insn *in, uint64_t *fault_addr);

/* PARAM record q (section 2 of isa.md): bias and M little-endian int32, s an int8. */
struct sim_param {
    int32_t bias, M;
    int s;
};
struct sim_param sim_param_read(const struct dpu_sim *s, uint64_t q);
/* BAD_PARAM check of record q: M >= 0 and 0 <= s <= max_shift. */
bool sim_param_ok(struct sim_param r, int max_shift);

/* Little-endian 32-bit words of the byte buffers, assembled with shifts so that the host's
 * byte order never matters (compilers reduce them to a plain load or store). */
static inline uint32_t sim_le32_load(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void sim_le32_store(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* ACC entry e, channel c. */
int32_t sim_acc_get(const struct dpu_sim *s, uint64_t e, uint64_t c);
void sim_acc_set(struct dpu_sim *s, uint64_t e, uint64_t c, int32_t v);

/* A buffer byte read as two's-complement int8, without the implementation-defined
 * conversion of a value above 127 to a signed type (C11 6.3.1.3p3). */
static inline int8_t sim_i8(uint8_t b)
{
    return b < 128 ? (int8_t)b : (int8_t)((int)b - 256);
}

/* Byte a of ACT / WGT as int8, and a store into ACT. */
static inline int8_t sim_act(const struct dpu_sim *s, uint64_t a)
{
    return sim_i8(s->buf[DPU_BUF_ACT][a]);
}
static inline int8_t sim_wgt(const struct dpu_sim *s, uint64_t a)
{
    return sim_i8(s->buf[DPU_BUF_WGT][a]);
}
static inline void sim_act_set(struct dpu_sim *s, uint64_t a, int8_t v)
{
    s->buf[DPU_BUF_ACT][a] = (uint8_t)v;
}
static inline int8_t sim_lut(const struct dpu_sim *s, int8_t v)
{
    return sim_i8(s->buf[DPU_SIM_BUF_LUT][v + 128]);
}

/* ---- fast paths (fast_*.c) -------------------------------------------------------------
 * Same results as the plain loops of exec_*.c, byte for byte (tests/sim/test_sim_fast.c runs
 * random instructions through both); exec_*.c picks them unless s->plain is set. */
#define SIM_FAST_ROWS  2048          /* CONV rows per chunk: |chunk sum| <= 2^11 * 2^14 < 2^31 */
#define SIM_FAST_BLOCK DPU_DOT_BLOCK /* dot products run over whole blocks (dpu/dot_i16.h) */
int sim_fast_alloc(struct dpu_sim *s);
void sim_fast_free(struct sim_fast *f);
/* CONV's array pass and post-processing (exec_conv.c's array_pass and post_process). */
void sim_fast_conv_array(struct dpu_sim *s, const dpu_insn *in);
void sim_fast_conv_post(struct dpu_sim *s, const dpu_insn *in);
/* ELTW from element 0 on, as far as a fast kernel goes (fast_eltw.c): returns the number of
 * elements done, r0 and r1 the PARAM records exec_eltw.c has checked. */
uint64_t sim_fast_eltw(struct dpu_sim *s, const dpu_insn *in, struct sim_param r0,
                       struct sim_param r1);
/* LOAD / SAVE with dense columns, a row at a time (fast_move.c); false: not handled. */
bool sim_fast_load(struct dpu_sim *s, const dpu_insn *in);
bool sim_fast_save(struct dpu_sim *s, const dpu_insn *in);
/* The kernel sets of the fast paths (CONV, its post-processing, ELTW): portable C, or x86-64
 * vector code (fast_x86.c). The simulator starts with the best one the CPU runs
 * (sim_fast_isa_best); tests force each one the CPU supports with sim_fast_set_isa
 * (DPU_E_INVALID if it does not) and compare it with plain mode. A kernel that cannot take
 * the preset's C falls back to the next one. */
enum sim_fast_isa { SIM_FAST_C, SIM_FAST_AVX2, SIM_FAST_AVX512, SIM_FAST_ISA_COUNT };
int sim_fast_isa_best(void);
const char *sim_fast_isa_name(int isa);
int sim_fast_set_isa(struct dpu_sim *s, int isa);

/* ---- access sets and the race checker (access.c, race.c) ------------------------------ */

/* Called once per contiguous run of bytes [lo, lo+len) of `space` an instruction reads
 * (write false) or writes (write true). Returns nonzero to stop the enumeration. */
typedef int (*sim_access_fn)(void *ctx, int space, uint64_t lo, uint64_t len, bool write);

/* Enumerates the access set of instruction in (which passed its checks), as the pseudo-code
 * of isa.md section 6 reads and writes; stops early and returns the callback's nonzero. */
int sim_accesses(const struct dpu_sim *s, const dpu_insn *in, sim_access_fn fn, void *ctx);

/* Starts a run of count instructions: forgets every earlier access. */
int sim_races_begin(struct dpu_sim *s, size_t count, struct dpu_diag *d);
/* Records the accesses of instruction index (engine, epoch = its engine's clock) and checks
 * them against earlier ones under the engine's vector clock. Fills st->race on the first
 * race; later races are not looked for. */
int sim_races_insn(struct dpu_sim *s, const dpu_insn *in, size_t index, int engine,
                   struct dpu_sim_status *st, struct dpu_diag *d);
void sim_races_free(struct sim_races *r);

#endif
