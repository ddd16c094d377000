/* The scratch of the fast CONV path and the interface between fast_conv.c (which picks the
 * rows of a chunk) and the kernels that compute a chunk for every pixel: portable C
 * (fast_conv.c with common/'s dpu_dot_i16) or x86-64 vector code chosen at run time (fast_x86.c).
 * Private to sim/src/fast_*.c. */
#ifndef DPU_SIM_FAST_H
#define DPU_SIM_FAST_H

#include "sim_internal.h"

/* Room for the inputs of SIM_FAST_PIXELS pixels, each padded to whole groups of 4 rows. */
#define SIM_FAST_PIXELS 4
#define SIM_FAST_XROOM  (SIM_FAST_ROWS + 64)

struct sim_fast {
    int isa;           /* enum sim_fast_isa: the kernels in use */
    int16_t *wt;       /* C * SIM_FAST_ROWS: a chunk's weights, as the kernel packs them */
    int16_t *x;        /* SIM_FAST_PIXELS * SIM_FAST_XROOM: inputs of a block of pixels */
    uint64_t *off;     /* SIM_FAST_ROWS: ACT offset of each row from the pixel's tap (0, 0) */
    uint64_t *row;     /* SIM_FAST_ROWS: t*R + r of each row */
    uint64_t *seg;     /* 2 * SIM_FAST_ROWS: runs of rows with consecutive ACT bytes */
    uint8_t *zero;     /* C zero bytes: the weights of a padding row */
    int32_t *d;        /* C: one pixel's chunk sums; the kernels' per-channel correction */
    int32_t *bias, *M; /* C each: post-processing parameters of one instruction */
    int *sh;
    int64_t *p64; /* 4 * C: the PARAM values widened for the vector post-processing */
};

/* One chunk of a CONV: rows row[0..L) (ACT offsets off[]), for every output pixel. Pixel i
 * (i < P) reads its row l at act + (i / ow) * dy + (i % ow) * dx + off[l] and adds its sums
 * into the ACC entry at acc + 4*C*i (onto 0 unless keep). The rows also form nseg runs:
 * run k covers rows seg[2k] .. seg[2k] + seg[2k+1] - 1, whose ACT bytes are consecutive. */
struct sim_fast_chunk {
    const uint8_t *act, *wgt;
    uint8_t *acc;
    uint64_t P, ow, dy, dx, C;
    size_t L, nseg;
    bool keep;
};

/* CONV post-processing of P pixels (fast_conv.c has read the PARAM records into f->bias, M,
 * sh): ACC entries from acc on, outputs at out + px*ps; lut NULL or the 256-byte LUT. */
struct sim_fast_post {
    const uint8_t *acc, *lut;
    uint8_t *out;
    uint64_t P, ps, C;
    int32_t zp, lo, hi;
};

/* ELTW on len elements (exec_eltw.c's loop, from its element 0): a, b and out may be equal. */
struct sim_fast_eltw {
    const uint8_t *a, *b, *lut;
    uint8_t *out;
    uint64_t len;
    bool add;
    int32_t za, zb, zo, lo, hi, Ma, Mb;
    int s;
};

/* The x86-64 kernels (fast_x86.c), built with GCC or clang on x86-64 only (their `target`
 * attributes and __builtin_cpu_supports are GNU C); elsewhere only the portable kernel.
 * Each needs C to be a multiple of 8 (AVX2) or 16 (AVX-512). */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SIM_FAST_X86 1
void sim_fast_chunk_avx2(struct sim_fast *f, const struct sim_fast_chunk *k);
void sim_fast_chunk_avx512(struct sim_fast *f, const struct sim_fast_chunk *k);
bool sim_fast_cpu_has(int isa);
/* Need C % 8 == 0. */
void sim_fast_post_avx2(struct sim_fast *f, const struct sim_fast_post *k);
void sim_fast_post_avx512(struct sim_fast *f, const struct sim_fast_post *k);
/* Return the number of elements done, from element 0 (the caller does the rest). */
uint64_t sim_fast_eltw_avx2(const struct sim_fast_eltw *k);
uint64_t sim_fast_eltw_avx512(const struct sim_fast_eltw *k);
#else
#define SIM_FAST_X86 0
#endif

#endif
