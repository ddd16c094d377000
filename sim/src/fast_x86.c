/* The fast paths on x86-64 vector units, chosen at run time (fast_conv.c, fast_eltw.c): CONV
 * chunks (AVX2, AVX-512 VNNI), CONV post-processing and ELTW (AVX2, AVX-512). The same bytes
 * as the portable kernels and as exec_*.c's plain loops (tests/sim/test_sim_fast.c forces
 * each kernel set the CPU has and compares it with plain mode).
 *
 * Why intrinsics and not plain C. CONV at b4096 has R = 32 lanes, so a 1x1 convolution (half
 * of ResNet-50's MACs) gives a chunk of only 32 rows per instruction: dot products over the
 * rows (what gcc vectorises from a plain reduction, dpu_dot_i16) are too short to pay for
 * their horizontal sums. The array's own dataflow is the right one: every output channel in
 * a vector lane, one input broadcast to all of them. gcc and clang do not turn that loop into
 * pmaddwd or vpdpbusd (they widen to int32 and use vpmulld, 4x fewer products per
 * instruction), so these kernels say it with intrinsics, in functions compiled for their
 * target only (`target` attribute), called only when the CPU has it. Post-processing and ELTW
 * need 64-bit lanes with shifts and clamps, which the vectorisers do not form either.
 *
 * Why the sums are identical. ACC words are sums modulo 2^32 (dpu_mac32); addition modulo
 * 2^32 is associative and commutative, and the vector instructions used here add without
 * saturation (vpmaddwd's pair sum of two int16 products, at most 2^15 * 2^15 * 2 = 2^31 in
 * magnitude, is exact only because both factors are int8: at most 2^15; vpdpbusd adds four
 * products of at most 255 * 128 exactly and wraps the accumulator modulo 2^32). So:
 *  - AVX2: rows go by pairs, inputs and weights widened to int16; vpmaddwd gives
 *    x[l]*w[l][c] + x[l+1]*w[l+1][c] per channel lane, vpaddd adds it into the lane.
 *  - AVX-512 VNNI: rows go by fours; vpdpbusd needs one unsigned operand, so the inputs are
 *    taken as u = x + 128 (the byte x ^ 0x80) and sum(x*w) = sum(u*w) - 128*sum(w), the
 *    correction per channel computed once per chunk (also by vpdpbusd, against ones).
 * Rows missing from the last pair or four have zero weights (the C zero bytes f->zero), so
 * their inputs, which are left as they are in the scratch, add nothing.
 *
 * Work is done per block of SIM_FAST_PIXELS pixels: each packed weight vector loaded is used
 * for all of them, each broadcast input for a whole block of channels.
 */
#include <string.h>

#include "fast.h"

#if SIM_FAST_X86

#include <immintrin.h>

#define T_AVX2   __attribute__((target("avx2")))
#define T_AVX512 __attribute__((target("avx2,avx512f,avx512bw,avx512vnni")))

bool sim_fast_cpu_has(int isa)
{
    __builtin_cpu_init();
    switch (isa) {
    case SIM_FAST_C:
        return true;
    case SIM_FAST_AVX2:
        return __builtin_cpu_supports("avx2");
    case SIM_FAST_AVX512:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("avx512f") &&
               __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vnni");
    default:
        return false;
    }
}

/* Where pixel i reads its rows (their offsets f->off[] are added to this). */
static inline const uint8_t *pixel_base(const struct sim_fast_chunk *k, uint64_t i)
{
    return k->act + (i / k->ow) * k->dy + (i % k->ow) * k->dx;
}

static inline int32_t load_i32(const void *p)
{
    int32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* ---- AVX2: int16 pairs, vpmaddwd -------------------------------------------------------- */

/* x[l] := int16 input of row l of the pixel at px. */
T_AVX2 static void gather16(const struct sim_fast *f, const struct sim_fast_chunk *k,
                            const uint8_t *px, int16_t *x)
{
    for (size_t s = 0; s < k->nseg; s++) {
        size_t l = f->seg[2 * s], n = f->seg[2 * s + 1], j = 0;
        const uint8_t *p = px + f->off[l];
        for (; j + 16 <= n; j += 16) {
            __m256i v = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(p + j)));
            _mm256_storeu_si256((__m256i *)(x + l + j), v);
        }
        for (; j < n; j++)
            x[l + j] = sim_i8(p[j]);
    }
}

/* wp[(g*C + c)*2 + j] := w[row 2g+j][c]: pairs of rows interleaved per channel, as int16. */
T_AVX2 static void pack2(const struct sim_fast *f, const struct sim_fast_chunk *k, int16_t *wp)
{
    uint64_t C = k->C;
    for (size_t g = 0; 2 * g < k->L; g++) {
        const uint8_t *r0 = k->wgt + f->row[2 * g] * C;
        const uint8_t *r1 = 2 * g + 1 < k->L ? k->wgt + f->row[2 * g + 1] * C : f->zero;
        int16_t *o = wp + g * C * 2;
        for (uint64_t c = 0; c < C; c += 8) {
            __m128i a = _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(r0 + c)));
            __m128i b = _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(r1 + c)));
            _mm_storeu_si128((__m128i *)(o + 2 * c), _mm_unpacklo_epi16(a, b));
            _mm_storeu_si128((__m128i *)(o + 2 * c + 8), _mm_unpackhi_epi16(a, b));
        }
    }
}

/* ACC of pixels e[0..n) (n <= 4), channels c0 .. c0+15, from inputs x[p] and packed weights
 * wp. The accumulators are named variables (A2_*), which compilers keep in registers. */
#define A2_INIT(p)                                                                                 \
    __m256i a##p##0 = _mm256_setzero_si256(), a##p##1 = a##p##0;                                   \
    if (p < n && keep) {                                                                           \
        a##p##0 = _mm256_loadu_si256((const __m256i *)(e[p] + 4 * c0));                            \
        a##p##1 = _mm256_loadu_si256((const __m256i *)(e[p] + 4 * c0 + 32));                       \
    }
#define A2_STEP(p)                                                                                 \
    do {                                                                                           \
        __m256i b = _mm256_set1_epi32(load_i32(x[p] + 2 * g));                                     \
        a##p##0 = _mm256_add_epi32(a##p##0, _mm256_madd_epi16(b, w0));                             \
        a##p##1 = _mm256_add_epi32(a##p##1, _mm256_madd_epi16(b, w1));                             \
    } while (0)
#define A2_STORE(p)                                                                                \
    if (p < n) {                                                                                   \
        _mm256_storeu_si256((__m256i *)(e[p] + 4 * c0), a##p##0);                                  \
        _mm256_storeu_si256((__m256i *)(e[p] + 4 * c0 + 32), a##p##1);                             \
    }

T_AVX2 static void block2x16(const int16_t *const x[4], uint8_t *const e[4], int n,
                             const int16_t *wp, uint64_t C, uint64_t c0, size_t G, bool keep)
{
    A2_INIT(0)
    A2_INIT(1)
    A2_INIT(2)
    A2_INIT(3)
    const int16_t *w = wp + 2 * c0;
    for (size_t g = 0; g < G; g++, w += 2 * C) {
        __m256i w0 = _mm256_loadu_si256((const __m256i *)w);
        __m256i w1 = _mm256_loadu_si256((const __m256i *)(w + 16));
        A2_STEP(0);
        A2_STEP(1);
        A2_STEP(2);
        A2_STEP(3);
    }
    A2_STORE(0)
    A2_STORE(1)
    A2_STORE(2)
    A2_STORE(3)
}

/* As block2x16 for 8 channels c0 .. c0+7 (C = 8, and C's last channels). */
T_AVX2 static void block2x8(const int16_t *const x[4], uint8_t *const e[4], int n,
                            const int16_t *wp, uint64_t C, uint64_t c0, size_t G, bool keep)
{
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
    if (keep) {
        a0 = _mm256_loadu_si256((const __m256i *)(e[0] + 4 * c0));
        if (n > 1)
            a1 = _mm256_loadu_si256((const __m256i *)(e[1] + 4 * c0));
        if (n > 2)
            a2 = _mm256_loadu_si256((const __m256i *)(e[2] + 4 * c0));
        if (n > 3)
            a3 = _mm256_loadu_si256((const __m256i *)(e[3] + 4 * c0));
    }
    const int16_t *w = wp + 2 * c0;
    for (size_t g = 0; g < G; g++, w += 2 * C) {
        __m256i w0 = _mm256_loadu_si256((const __m256i *)w);
        a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(_mm256_set1_epi32(load_i32(x[0] + 2 * g)), w0));
        a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(_mm256_set1_epi32(load_i32(x[1] + 2 * g)), w0));
        a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(_mm256_set1_epi32(load_i32(x[2] + 2 * g)), w0));
        a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(_mm256_set1_epi32(load_i32(x[3] + 2 * g)), w0));
    }
    _mm256_storeu_si256((__m256i *)(e[0] + 4 * c0), a0);
    if (n > 1)
        _mm256_storeu_si256((__m256i *)(e[1] + 4 * c0), a1);
    if (n > 2)
        _mm256_storeu_si256((__m256i *)(e[2] + 4 * c0), a2);
    if (n > 3)
        _mm256_storeu_si256((__m256i *)(e[3] + 4 * c0), a3);
}

T_AVX2 void sim_fast_chunk_avx2(struct sim_fast *f, const struct sim_fast_chunk *k)
{
    uint64_t C = k->C;
    size_t G = (k->L + 1) / 2;
    int16_t *wp = f->wt;
    pack2(f, k, wp);
    for (uint64_t i0 = 0; i0 < k->P; i0 += 4) {
        const int16_t *x[4];
        uint8_t *e[4];
        int n = k->P - i0 < 4 ? (int)(k->P - i0) : 4;
        for (int p = 0; p < 4; p++) {
            int16_t *xp = f->x + (size_t)p * SIM_FAST_XROOM;
            if (p < n) {
                gather16(f, k, pixel_base(k, i0 + (uint64_t)p), xp);
                e[p] = k->acc + 4 * C * (i0 + (uint64_t)p);
            } else {
                e[p] = NULL;
            }
            x[p] = p < n ? xp : x[0];
        }
        uint64_t c0 = 0;
        for (; c0 + 16 <= C; c0 += 16)
            block2x16(x, e, n, wp, C, c0, G, k->keep);
        for (; c0 < C; c0 += 8)
            block2x8(x, e, n, wp, C, c0, G, k->keep);
    }
}

/* ---- AVX-512 VNNI: unsigned bytes by fours, vpdpbusd ------------------------------------- */

/* x[l] := input byte of row l of the pixel at px, ^ 0x80 (the input + 128 as unsigned). */
T_AVX512 static void gather8(const struct sim_fast *f, const struct sim_fast_chunk *k,
                             const uint8_t *px, uint8_t *x)
{
    const __m256i bias = _mm256_set1_epi8((char)0x80);
    for (size_t s = 0; s < k->nseg; s++) {
        size_t l = f->seg[2 * s], n = f->seg[2 * s + 1], j = 0;
        const uint8_t *p = px + f->off[l];
        for (; j + 32 <= n; j += 32) {
            __m256i v = _mm256_loadu_si256((const __m256i *)(p + j));
            _mm256_storeu_si256((__m256i *)(x + l + j), _mm256_xor_si256(v, bias));
        }
        for (; j < n; j++)
            x[l + j] = p[j] ^ 0x80;
    }
}

/* wq[(g*C + c)*4 + j] := w[row 4g+j][c]: fours of rows interleaved per channel, as bytes;
 * corr[c] := -128 * sum of the chunk's weights of channel c (modulo 2^32). */
T_AVX512 static void pack4(const struct sim_fast *f, const struct sim_fast_chunk *k, uint8_t *wq,
                           int32_t *corr)
{
    uint64_t C = k->C;
    const __m512i ones = _mm512_set1_epi8(1);
    for (uint64_t c = 0; c < C; c += 16) {
        __m512i sum = _mm512_setzero_si512();
        for (size_t g = 0; 4 * g < k->L; g++) {
            const uint8_t *r[4];
            for (size_t j = 0; j < 4; j++)
                r[j] = 4 * g + j < k->L ? k->wgt + f->row[4 * g + j] * C : f->zero;
            __m128i a = _mm_loadu_si128((const __m128i *)(r[0] + c));
            __m128i b = _mm_loadu_si128((const __m128i *)(r[1] + c));
            __m128i d = _mm_loadu_si128((const __m128i *)(r[2] + c));
            __m128i h = _mm_loadu_si128((const __m128i *)(r[3] + c));
            __m128i ab0 = _mm_unpacklo_epi8(a, b), ab1 = _mm_unpackhi_epi8(a, b);
            __m128i dh0 = _mm_unpacklo_epi8(d, h), dh1 = _mm_unpackhi_epi8(d, h);
            __m512i q = _mm512_castsi128_si512(_mm_unpacklo_epi16(ab0, dh0));
            q = _mm512_inserti32x4(q, _mm_unpackhi_epi16(ab0, dh0), 1);
            q = _mm512_inserti32x4(q, _mm_unpacklo_epi16(ab1, dh1), 2);
            q = _mm512_inserti32x4(q, _mm_unpackhi_epi16(ab1, dh1), 3);
            _mm512_storeu_si512(wq + g * C * 4 + 4 * c, q);
            sum = _mm512_dpbusd_epi32(sum, ones, q);
        }
        /* -128 * sum, as a wrapping shift */
        _mm512_storeu_si512(corr + c,
                            _mm512_sub_epi32(_mm512_setzero_si512(), _mm512_slli_epi32(sum, 7)));
    }
}

/* The accumulators of block4 are named variables, not an array indexed in loops: compilers
 * keep only those in registers for sure. A4(p) is pixel p's four vectors of 16 channels. */
#define A4_INIT(p)                                                                                 \
    __m512i a##p##0 = k0, a##p##1 = k1, a##p##2 = k2, a##p##3 = k3;                                \
    if (p < n && keep) {                                                                           \
        a##p##0 = _mm512_add_epi32(k0, _mm512_loadu_si512(e[p] + 4 * c0));                         \
        a##p##1 = _mm512_add_epi32(k1, _mm512_loadu_si512(e[p] + 4 * c0 + 64));                    \
        a##p##2 = _mm512_add_epi32(k2, _mm512_loadu_si512(e[p] + 4 * c0 + 128));                   \
        a##p##3 = _mm512_add_epi32(k3, _mm512_loadu_si512(e[p] + 4 * c0 + 192));                   \
    }
#define A4_STEP(p)                                                                                 \
    do {                                                                                           \
        __m512i b = _mm512_set1_epi32(load_i32(x[p] + 4 * g));                                     \
        a##p##0 = _mm512_dpbusd_epi32(a##p##0, b, w0);                                             \
        a##p##1 = _mm512_dpbusd_epi32(a##p##1, b, w1);                                             \
        a##p##2 = _mm512_dpbusd_epi32(a##p##2, b, w2);                                             \
        a##p##3 = _mm512_dpbusd_epi32(a##p##3, b, w3);                                             \
    } while (0)
#define A4_STORE(p)                                                                                \
    if (p < n) {                                                                                   \
        _mm512_storeu_si512(e[p] + 4 * c0, a##p##0);                                               \
        _mm512_storeu_si512(e[p] + 4 * c0 + 64, a##p##1);                                          \
        _mm512_storeu_si512(e[p] + 4 * c0 + 128, a##p##2);                                         \
        _mm512_storeu_si512(e[p] + 4 * c0 + 192, a##p##3);                                         \
    }

/* ACC of pixels e[0..n) (n <= 4), channels c0 .. c0+63, from inputs x[p] (+128) and packed
 * weights wq; corr is the -128*sum(w) correction. */
T_AVX512 static void block4x64(const uint8_t *const x[4], uint8_t *const e[4], int n,
                               const uint8_t *wq, const int32_t *corr, uint64_t C, uint64_t c0,
                               size_t G, bool keep)
{
    __m512i k0 = _mm512_loadu_si512(corr + c0), k1 = _mm512_loadu_si512(corr + c0 + 16);
    __m512i k2 = _mm512_loadu_si512(corr + c0 + 32), k3 = _mm512_loadu_si512(corr + c0 + 48);
    A4_INIT(0)
    A4_INIT(1)
    A4_INIT(2)
    A4_INIT(3)
    const uint8_t *w = wq + 4 * c0;
    for (size_t g = 0; g < G; g++, w += 4 * C) {
        __m512i w0 = _mm512_loadu_si512(w), w1 = _mm512_loadu_si512(w + 64);
        __m512i w2 = _mm512_loadu_si512(w + 128), w3 = _mm512_loadu_si512(w + 192);
        A4_STEP(0);
        A4_STEP(1);
        A4_STEP(2);
        A4_STEP(3);
    }
    A4_STORE(0)
    A4_STORE(1)
    A4_STORE(2)
    A4_STORE(3)
}

/* As block4x64 for 16 channels c0 .. c0+15 (C = 16 or 32, and C's last channels). */
T_AVX512 static void block4x16(const uint8_t *const x[4], uint8_t *const e[4], int n,
                               const uint8_t *wq, const int32_t *corr, uint64_t C, uint64_t c0,
                               size_t G, bool keep)
{
    __m512i k0 = _mm512_loadu_si512(corr + c0);
    __m512i a0 = k0, a1 = k0, a2 = k0, a3 = k0;
    if (keep) {
        a0 = _mm512_add_epi32(k0, _mm512_loadu_si512(e[0] + 4 * c0));
        if (n > 1)
            a1 = _mm512_add_epi32(k0, _mm512_loadu_si512(e[1] + 4 * c0));
        if (n > 2)
            a2 = _mm512_add_epi32(k0, _mm512_loadu_si512(e[2] + 4 * c0));
        if (n > 3)
            a3 = _mm512_add_epi32(k0, _mm512_loadu_si512(e[3] + 4 * c0));
    }
    const uint8_t *w = wq + 4 * c0;
    for (size_t g = 0; g < G; g++, w += 4 * C) {
        __m512i w0 = _mm512_loadu_si512(w);
        a0 = _mm512_dpbusd_epi32(a0, _mm512_set1_epi32(load_i32(x[0] + 4 * g)), w0);
        a1 = _mm512_dpbusd_epi32(a1, _mm512_set1_epi32(load_i32(x[1] + 4 * g)), w0);
        a2 = _mm512_dpbusd_epi32(a2, _mm512_set1_epi32(load_i32(x[2] + 4 * g)), w0);
        a3 = _mm512_dpbusd_epi32(a3, _mm512_set1_epi32(load_i32(x[3] + 4 * g)), w0);
    }
    _mm512_storeu_si512(e[0] + 4 * c0, a0);
    if (n > 1)
        _mm512_storeu_si512(e[1] + 4 * c0, a1);
    if (n > 2)
        _mm512_storeu_si512(e[2] + 4 * c0, a2);
    if (n > 3)
        _mm512_storeu_si512(e[3] + 4 * c0, a3);
}

T_AVX512 void sim_fast_chunk_avx512(struct sim_fast *f, const struct sim_fast_chunk *k)
{
    uint64_t C = k->C;
    size_t G = (k->L + 3) / 4;
    uint8_t *wq = (uint8_t *)f->wt;
    pack4(f, k, wq, f->d);
    for (uint64_t i0 = 0; i0 < k->P; i0 += 4) {
        const uint8_t *x[4];
        uint8_t *e[4];
        int n = k->P - i0 < 4 ? (int)(k->P - i0) : 4;
        for (int p = 0; p < 4; p++) {
            uint8_t *xp = (uint8_t *)(f->x + (size_t)p * SIM_FAST_XROOM);
            if (p < n) {
                gather8(f, k, pixel_base(k, i0 + (uint64_t)p), xp);
                e[p] = k->acc + 4 * C * (i0 + (uint64_t)p);
            } else {
                e[p] = NULL;
            }
            x[p] = p < n ? xp : x[0];
        }
        uint64_t c0 = 0;
        for (; c0 + 64 <= C; c0 += 64)
            block4x64(x, e, n, wq, f->d, C, c0, G, k->keep);
        for (; c0 < C; c0 += 16)
            block4x16(x, e, n, wq, f->d, C, c0, G, k->keep);
    }
}

/* ---- AVX-512: CONV post-processing and ELTW ---------------------------------------------
 * dpu_requant_out and dpu_eltw_add/mul on 8 lanes of int64: every intermediate of qmath.h
 * fits int64 exactly (|x*M| < 2^62, |eltw acc| < 2^40), so floor((v + 2^(s-1)) / 2^s) is an
 * add and an arithmetic shift (vpsraq; the add cannot overflow: 2^62 + 2^61 < 2^63), and the
 * clamps are min and max. The results are the same int8 values, byte for byte. */

/* Round term of a shift: 2^(s-1), 0 for s == 0. */
static inline int64_t half_of(int s)
{
    return s ? INT64_C(1) << (s - 1) : 0;
}

/* y[c] for 8 channels: clamp(((acc + bias) * M + half) >> s + zp, lo, hi). */
T_AVX512 static inline __m128i post8(__m256i acc, __m256i bias, __m512i M, __m512i half, __m512i sh,
                                     __m512i zp, __m512i lo, __m512i hi)
{
    __m512i x = _mm512_cvtepi32_epi64(_mm256_add_epi32(acc, bias));
    __m512i v = _mm512_srav_epi64(_mm512_add_epi64(_mm512_mul_epi32(x, M), half), sh);
    v = _mm512_min_epi64(_mm512_max_epi64(_mm512_add_epi64(v, zp), lo), hi);
    return _mm512_cvtepi64_epi8(v);
}

T_AVX512 void sim_fast_post_avx512(struct sim_fast *f, const struct sim_fast_post *k)
{
    uint64_t C = k->C;
    int64_t *M = f->p64, *half = M + C, *sh = half + C;
    for (uint64_t c = 0; c < C; c++) {
        M[c] = f->M[c];
        half[c] = half_of(f->sh[c]);
        sh[c] = f->sh[c];
    }
    __m512i zp = _mm512_set1_epi64(k->zp), lo = _mm512_set1_epi64(k->lo),
            hi = _mm512_set1_epi64(k->hi);
    for (uint64_t px = 0; px < k->P; px++) {
        const uint8_t *e = k->acc + 4 * C * px;
        uint8_t *o = k->out + px * k->ps;
        for (uint64_t c = 0; c < C; c += 8) {
            __m128i y =
                post8(_mm256_loadu_si256((const __m256i *)(e + 4 * c)),
                      _mm256_loadu_si256((const __m256i *)(f->bias + c)), _mm512_loadu_si512(M + c),
                      _mm512_loadu_si512(half + c), _mm512_loadu_si512(sh + c), zp, lo, hi);
            _mm_storel_epi64((__m128i *)(o + c), y);
        }
        if (k->lut)
            for (uint64_t c = 0; c < C; c++)
                o[c] = k->lut[(o[c] + 128) & 255];
    }
}

T_AVX512 uint64_t sim_fast_eltw_avx512(const struct sim_fast_eltw *k)
{
    uint64_t n = k->len / 8 * 8;
    __m512i za = _mm512_set1_epi64(k->za), zb = _mm512_set1_epi64(k->zb);
    __m512i Ma = _mm512_set1_epi64(k->Ma), Mb = _mm512_set1_epi64(k->Mb);
    __m512i half = _mm512_set1_epi64(half_of(k->s)), zo = _mm512_set1_epi64(k->zo);
    __m512i lo = _mm512_set1_epi64(k->lo), hi = _mm512_set1_epi64(k->hi);
    __m128i sh = _mm_cvtsi32_si128(k->s);
    for (uint64_t i = 0; i < n; i += 8) {
        __m512i a = _mm512_sub_epi64(
            _mm512_cvtepi8_epi64(_mm_loadl_epi64((const __m128i *)(k->a + i))), za);
        __m512i b = _mm512_sub_epi64(
            _mm512_cvtepi8_epi64(_mm_loadl_epi64((const __m128i *)(k->b + i))), zb);
        __m512i v = k->add ? _mm512_add_epi64(_mm512_mul_epi32(a, Ma), _mm512_mul_epi32(b, Mb))
                           : _mm512_mul_epi32(_mm512_mul_epi32(a, b), Ma);
        v = _mm512_sra_epi64(_mm512_add_epi64(v, half), sh);
        v = _mm512_min_epi64(_mm512_max_epi64(_mm512_add_epi64(v, zo), lo), hi);
        _mm_storel_epi64((__m128i *)(k->out + i), _mm512_cvtepi64_epi8(v));
        if (k->lut)
            for (uint64_t j = i; j < i + 8; j++)
                k->out[j] = k->lut[(k->out[j] + 128) & 255];
    }
    return n;
}

/* ---- AVX2: CONV post-processing and ELTW ------------------------------------------------
 * As the AVX-512 versions on 4 lanes of int64, without vpsraq or 64-bit min/max: the floor
 * shift of v = x*M + 2^(s-1) (|v| < 2^62 + 2^61) is taken on v + 2^62, which is >= 0 and
 * below 2^64, by a logical shift, then 2^(62-s) is subtracted: exact, since 2^s divides 2^62.
 * The clamps compare and blend. */

/* clamp(floor((p + hb) / 2^sh) - off + zp, lo, hi) per lane, hb = 2^(s-1) + 2^62 and off =
 * 2^(62-s) of the lane's shift s. */
T_AVX2 static inline __m256i rq4(__m256i p, __m256i hb, __m256i sh, __m256i off, __m256i zp,
                                 __m256i lo, __m256i hi)
{
    __m256i v = _mm256_sub_epi64(_mm256_srlv_epi64(_mm256_add_epi64(p, hb), sh), off);
    v = _mm256_add_epi64(v, zp);
    v = _mm256_blendv_epi8(v, lo, _mm256_cmpgt_epi64(lo, v));
    return _mm256_blendv_epi8(v, hi, _mm256_cmpgt_epi64(v, hi));
}

/* 8 int8 results (in int64 lanes, 4 + 4) stored as 8 bytes; in range, so the saturating packs
 * keep them. */
T_AVX2 static inline void store8(uint8_t *o, __m256i v0, __m256i v1)
{
    const __m256i even = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    __m256i t0 = _mm256_permutevar8x32_epi32(v0, even), t1 = _mm256_permutevar8x32_epi32(v1, even);
    __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(t0), _mm256_castsi256_si128(t1));
    _mm_storel_epi64((__m128i *)o, _mm_packs_epi16(w, w));
}

T_AVX2 void sim_fast_post_avx2(struct sim_fast *f, const struct sim_fast_post *k)
{
    uint64_t C = k->C;
    int64_t *M = f->p64, *hb = M + C, *sh = hb + C, *off = sh + C;
    for (uint64_t c = 0; c < C; c++) {
        M[c] = f->M[c];
        hb[c] = half_of(f->sh[c]) + (INT64_C(1) << 62);
        sh[c] = f->sh[c];
        off[c] = INT64_C(1) << (62 - f->sh[c]);
    }
    __m256i zp = _mm256_set1_epi64x(k->zp), lo = _mm256_set1_epi64x(k->lo),
            hi = _mm256_set1_epi64x(k->hi);
    for (uint64_t px = 0; px < k->P; px++) {
        const uint8_t *e = k->acc + 4 * C * px;
        uint8_t *o = k->out + px * k->ps;
        for (uint64_t c = 0; c < C; c += 8) {
            __m256i x = _mm256_add_epi32(_mm256_loadu_si256((const __m256i *)(e + 4 * c)),
                                         _mm256_loadu_si256((const __m256i *)(f->bias + c)));
            __m256i v[2];
            for (int h = 0; h < 2; h++) {
                uint64_t ch = c + 4 * (uint64_t)h;
                __m256i xh = _mm256_cvtepi32_epi64(h ? _mm256_extracti128_si256(x, 1)
                                                     : _mm256_castsi256_si128(x));
                __m256i p = _mm256_mul_epi32(xh, _mm256_loadu_si256((const __m256i *)(M + ch)));
                v[h] = rq4(p, _mm256_loadu_si256((const __m256i *)(hb + ch)),
                           _mm256_loadu_si256((const __m256i *)(sh + ch)),
                           _mm256_loadu_si256((const __m256i *)(off + ch)), zp, lo, hi);
            }
            store8(o + c, v[0], v[1]);
        }
        if (k->lut)
            for (uint64_t c = 0; c < C; c++)
                o[c] = k->lut[(o[c] + 128) & 255];
    }
}

T_AVX2 uint64_t sim_fast_eltw_avx2(const struct sim_fast_eltw *k)
{
    uint64_t n = k->len / 8 * 8;
    __m256i za = _mm256_set1_epi64x(k->za), zb = _mm256_set1_epi64x(k->zb);
    __m256i Ma = _mm256_set1_epi64x(k->Ma), Mb = _mm256_set1_epi64x(k->Mb);
    __m256i hb = _mm256_set1_epi64x(half_of(k->s) + (INT64_C(1) << 62));
    __m256i sh = _mm256_set1_epi64x(k->s), off = _mm256_set1_epi64x(INT64_C(1) << (62 - k->s));
    __m256i zo = _mm256_set1_epi64x(k->zo);
    __m256i lo = _mm256_set1_epi64x(k->lo), hi = _mm256_set1_epi64x(k->hi);
    for (uint64_t i = 0; i < n; i += 8) {
        __m256i v[2];
        for (int h = 0; h < 2; h++) {
            uint64_t j = i + 4 * (uint64_t)h;
            __m256i a =
                _mm256_sub_epi64(_mm256_cvtepi8_epi64(_mm_cvtsi32_si128(load_i32(k->a + j))), za);
            __m256i b =
                _mm256_sub_epi64(_mm256_cvtepi8_epi64(_mm_cvtsi32_si128(load_i32(k->b + j))), zb);
            __m256i p = k->add ? _mm256_add_epi64(_mm256_mul_epi32(a, Ma), _mm256_mul_epi32(b, Mb))
                               : _mm256_mul_epi32(_mm256_mul_epi32(a, b), Ma);
            v[h] = rq4(p, hb, sh, off, zo, lo, hi);
        }
        store8(k->out + i, v[0], v[1]);
        if (k->lut)
            for (uint64_t j = i; j < i + 8; j++)
                k->out[j] = k->lut[(k->out[j] + 128) & 255];
    }
    return n;
}

#endif
