/* The int16 dot products behind the int8 convolutions of the reference interpreter
 * (ref/src/q8_gemm.c) and the simulator's portable CONV path (sim/src/fast_dot.c): one kernel,
 * so the two executors' fast paths cannot drift apart.
 *
 *   out[i] = sum over l < nb * DPU_DOT_BLOCK of x[l] * w[i*stride + l],   i < count
 *
 * in int32. The caller keeps every sum within int32 (both callers sum chunks of products of
 * two differences of int8, then add the chunks modulo 2^32), so the result is exact. The
 * length is a whole number of DPU_DOT_BLOCK elements so that gcc -O2 vectorises the loops
 * without a scalar epilogue (pmaddwd on SSE2); with GCC on x86-64 the function is also built
 * for x86-64-v3/v4 and chosen when the program starts - the same C, hence the same sums. */
#ifndef DPU_DOT_I16_H
#define DPU_DOT_I16_H

#include <stddef.h>
#include <stdint.h>

#define DPU_DOT_BLOCK 16

void dpu_dot_i16(const int16_t *restrict x, const int16_t *restrict w, size_t stride, size_t nb,
                 size_t count, int32_t *restrict out);

#endif
