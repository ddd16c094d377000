/* CONV, fast: exec_conv.c's array pass and post-processing as loops gcc -O2 vectorises, with
 * the same bytes as the plain loops (tests/sim/test_sim_fast.c runs random CONVs through both).
 *
 * Why the sums are identical. For each output pixel and channel c the plain pass adds the
 * products x*w of every row (tap t, lane r) into ACC in wrapping int32 arithmetic. Addition
 * modulo 2^32 is associative and commutative, so any order and grouping of the same products
 * gives the same ACC word. Here:
 *  - a row whose C weights are all zero adds only zeros and is skipped (a first layer whose 3
 *    channels are padded to R lanes has mostly such rows);
 *  - the other rows are taken in chunks of at most SIM_FAST_ROWS. Within a chunk the sum is formed
 *    in plain int32: a product of two int8 is at most 2^14 in magnitude, so a chunk's sum is
 *    at most 2^11 * 2^14 = 2^25, never overflows and equals the exact sum; each chunk's sum
 *    is then added to the ACC word modulo 2^32 (the first chunk onto 0 unless accumulate);
 *  - a chunk is a dot product of two int16 vectors: the pixel's inputs x[l] gathered from
 *    ACT, and per channel c the weights wt[c][l]; both are padded with zeros to a multiple of
 *    SIM_FAST_BLOCK elements, so the loop's trip count is a known multiple of the vector
 *    length and gcc's -O2 cost model vectorises it (dpu_dot_i16, common/) without a scalar
 * epilogue.
 *
 * Post-processing applies the same dpu_requant_out (and LUT) to every (pixel, channel); the
 * outputs are distinct bytes (out_pstride >= C), and ACC, PARAM and the LUT are only read, so
 * the order of the loops does not matter. Here pixels are outer and channels inner, with the
 * PARAM records read once per instruction.
 */
#include <stdlib.h>
#include <string.h>

#include "dpu/qmath.h"

#include "fast.h"

int sim_fast_isa_best(void)
{
#if SIM_FAST_X86
    for (int isa = SIM_FAST_ISA_COUNT - 1; isa > SIM_FAST_C; isa--)
        if (sim_fast_cpu_has(isa))
            return isa;
#endif
    return SIM_FAST_C;
}

const char *sim_fast_isa_name(int isa)
{
    static const char *const names[SIM_FAST_ISA_COUNT] = {"c", "avx2", "avx512"};
    return isa >= 0 && isa < SIM_FAST_ISA_COUNT ? names[isa] : "?";
}

int sim_fast_set_isa(struct dpu_sim *s, int isa)
{
    bool ok = isa == SIM_FAST_C;
#if SIM_FAST_X86
    ok = isa >= 0 && isa < SIM_FAST_ISA_COUNT && sim_fast_cpu_has(isa);
#endif
    if (!ok)
        return DPU_E_INVALID;
    s->fast->isa = isa;
    return DPU_OK;
}

void sim_fast_free(struct sim_fast *f)
{
    if (!f)
        return;
    free(f->wt);
    free(f->x);
    free(f->off);
    free(f->row);
    free(f->seg);
    free(f->zero);
    free(f->d);
    free(f->bias);
    free(f->M);
    free(f->sh);
    free(f->p64);
    free(f);
}

int sim_fast_alloc(struct dpu_sim *s)
{
    struct sim_fast *f = calloc(1, sizeof *f);
    if (!f)
        return DPU_E_NOMEM;
    s->fast = f;
    f->isa = sim_fast_isa_best();
    f->wt = calloc((size_t)s->C * SIM_FAST_ROWS, sizeof *f->wt);
    f->x = calloc((size_t)SIM_FAST_PIXELS * SIM_FAST_XROOM, sizeof *f->x);
    f->off = calloc(SIM_FAST_ROWS, sizeof *f->off);
    f->row = calloc(SIM_FAST_ROWS, sizeof *f->row);
    f->seg = calloc(2 * SIM_FAST_ROWS, sizeof *f->seg);
    f->zero = calloc(s->C, 1);
    f->d = calloc(s->C, sizeof *f->d);
    f->bias = calloc(s->C, sizeof *f->bias);
    f->M = calloc(s->C, sizeof *f->M);
    f->sh = calloc(s->C, sizeof *f->sh);
    f->p64 = calloc(4 * (size_t)s->C, sizeof *f->p64);
    if (!f->wt || !f->x || !f->off || !f->row || !f->seg || !f->zero || !f->d || !f->bias ||
        !f->M || !f->sh || !f->p64)
        return DPU_E_NOMEM;
    return DPU_OK;
}

/* A byte as int8, widened: (b ^ 0x80) - 0x80 is sim_i8(b) in plain arithmetic, which gcc
 * vectorises. */
static inline int16_t widen(uint8_t b)
{
    return (int16_t)((b ^ 0x80) - 0x80);
}

/* x[k] := widen(p[k]) for k < nb*SIM_FAST_BLOCK. */
static void widen_blocks(int16_t *restrict x, const uint8_t *restrict p, size_t nb)
{
    size_t n = nb * SIM_FAST_BLOCK;
    for (size_t k = 0; k < n; k++)
        x[k] = widen(p[k]);
}

/* ACC words e[c] := (keep ? e[c] : 0) + d[c] modulo 2^32, c < C. */
static void acc_add(uint8_t *e, bool keep, const int32_t *d, uint64_t C)
{
    if (keep) {
        for (uint64_t c = 0; c < C; c++)
            sim_le32_store(e + 4 * c, sim_le32_load(e + 4 * c) + (uint32_t)d[c]);
    } else {
        for (uint64_t c = 0; c < C; c++)
            sim_le32_store(e + 4 * c, (uint32_t)d[c]);
    }
}

/* Whether the C bytes at w are all zero, 8 at a time; most rows are not, and say so in their
 * first 8 bytes. */
static bool zero_row(const uint8_t *w, uint64_t C)
{
    uint64_t c = 0;
    for (; c + 8 <= C; c += 8) {
        uint64_t v;
        memcpy(&v, w + c, sizeof v);
        if (v)
            return false;
    }
    for (; c < C; c++)
        if (w[c])
            return false;
    return true;
}

/* Collects the next chunk of rows with a nonzero weight, from row *next on; returns its size.
 * Row n is lane r of tap t = ky*kw + kx (n = t*R + r), stepped through without divisions. */
static size_t collect_rows(struct sim_fast *f, const uint8_t *wgt, uint64_t R, uint64_t C,
                           uint64_t rows, uint64_t kw, uint64_t tap_dy, uint64_t tap_dx,
                           uint64_t *next)
{
    size_t L = 0;
    uint64_t n = *next, r = n % R, kx = n / R % kw, ky = n / R / kw;
    uint64_t base = ky * tap_dy + kx * tap_dx;
    for (; n < rows && L < SIM_FAST_ROWS; n++) {
        if (!zero_row(wgt + n * C, C)) {
            f->off[L] = base + r;
            f->row[L++] = n;
        }
        if (++r == R) {
            r = 0;
            if (++kx == kw) {
                kx = 0;
                ky++;
            }
            base = ky * tap_dy + kx * tap_dx;
        }
    }
    *next = n;
    return L;
}

/* The chunk's rows as runs of consecutive ACT bytes (a whole tap of R lanes is one; so are
 * neighbouring taps when the pixels are dense). */
static size_t make_runs(struct sim_fast *f, size_t L)
{
    size_t n = 0;
    for (size_t l = 0; l < L; l++) {
        if (n && f->off[l] == f->off[f->seg[2 * n - 2]] + f->seg[2 * n - 1]) {
            f->seg[2 * n - 1]++;
        } else {
            f->seg[2 * n] = l;
            f->seg[2 * n + 1] = 1;
            n++;
        }
    }
    return n;
}

/* The portable kernel: per pixel, the chunk's inputs widened to int16 and one dot product
 * per channel (dpu_dot_i16). */
static void chunk_c(struct sim_fast *f, const struct sim_fast_chunk *k, uint64_t R)
{
    const uint8_t *wgt = k->wgt;
    uint64_t C = k->C;
    size_t L = k->L, nb = (L + SIM_FAST_BLOCK - 1) / SIM_FAST_BLOCK, Lp = nb * SIM_FAST_BLOCK;
    for (uint64_t c = 0; c < C; c++) {
        int16_t *wc = f->wt + c * Lp;
        for (size_t l = 0; l < L; l++)
            wc[l] = sim_i8(wgt[f->row[l] * C + c]);
        for (size_t l = L; l < Lp; l++)
            wc[l] = 0;
    }
    for (size_t l = L; l < Lp; l++)
        f->x[l] = 0;
    for (uint64_t i = 0; i < k->P; i++) {
        const uint8_t *px = k->act + (i / k->ow) * k->dy + (i % k->ow) * k->dx;
        for (size_t l = 0; l < L;) {
            /* Rows l .. l+R-1 are the R lanes of one tap exactly when their row numbers are
             * consecutive and start at a multiple of R (rows increase); their inputs are then
             * R contiguous ACT bytes, widened as a block. */
            const uint8_t *p = px + f->off[l];
            if (R % SIM_FAST_BLOCK == 0 && l + R <= L && f->row[l] % R == 0 &&
                f->row[l + R - 1] == f->row[l] + R - 1) {
                widen_blocks(f->x + l, p, R / SIM_FAST_BLOCK);
                l += R;
            } else {
                f->x[l++] = widen(*p);
            }
        }
        dpu_dot_i16(f->x, f->wt, Lp, nb, C, f->d);
        acc_add(k->acc + 4 * C * i, k->keep, f->d, C);
    }
}

/* The kernel for this chunk: the one chosen, unless it cannot take C. */
static int chunk_isa(int isa, uint64_t C)
{
    if (isa == SIM_FAST_AVX512 && C % 16)
        isa = SIM_FAST_AVX2;
    if (isa == SIM_FAST_AVX2 && C % 8)
        isa = SIM_FAST_C;
    return isa;
}

static void run_chunk(struct sim_fast *f, const struct sim_fast_chunk *k, int isa, uint64_t R)
{
#if SIM_FAST_X86
    if (isa == SIM_FAST_AVX512) {
        sim_fast_chunk_avx512(f, k);
        return;
    }
    if (isa == SIM_FAST_AVX2) {
        sim_fast_chunk_avx2(f, k);
        return;
    }
#else
    (void)isa;
#endif
    chunk_c(f, k, R);
}

void sim_fast_conv_array(struct dpu_sim *s, const dpu_insn *in)
{
    struct sim_fast *f = s->fast;
    uint64_t R = s->R, C = s->C;
    uint64_t kh = dpu_conv_get_kh(in), kw = dpu_conv_get_kw(in);
    uint64_t ars = dpu_conv_get_act_row_stride(in), acs = dpu_conv_get_act_col_stride(in);
    uint64_t tap_dy = dpu_conv_get_dil_h(in) * ars, tap_dx = dpu_conv_get_dil_w(in) * acs;
    const uint8_t *wgt = s->buf[DPU_BUF_WGT] + dpu_conv_get_wgt_addr(in);
    struct sim_fast_chunk k = {
        .act = s->buf[DPU_BUF_ACT] + dpu_conv_get_act_addr(in),
        .wgt = wgt,
        .acc = s->buf[DPU_BUF_ACC] + 4 * C * dpu_conv_get_acc_addr(in),
        .P = dpu_conv_get_oh(in) * dpu_conv_get_ow(in),
        .ow = dpu_conv_get_ow(in),
        .dy = dpu_conv_get_stride_h(in) * ars,
        .dx = dpu_conv_get_stride_w(in) * acs,
        .C = C,
        .keep = dpu_conv_get_accumulate(in),
    };
    uint64_t rows = kh * kw * R, next = 0;
    int isa = chunk_isa(f->isa, C);

    do { /* at least one chunk, even with no row left, so that ACC is written */
        k.L = collect_rows(f, wgt, R, C, rows, kw, tap_dy, tap_dx, &next);
        k.nseg = make_runs(f, k.L);
        run_chunk(f, &k, isa, R);
        k.keep = true; /* later chunks add onto the first */
    } while (next < rows);
}

void sim_fast_conv_post(struct dpu_sim *s, const dpu_insn *in)
{
    struct sim_fast *f = s->fast;
    uint64_t C = s->C, P = dpu_conv_get_oh(in) * dpu_conv_get_ow(in);
    uint64_t q0 = dpu_conv_get_param_addr(in), ps = dpu_conv_get_out_pstride(in);
    const uint8_t *acc = s->buf[DPU_BUF_ACC] + 4 * C * dpu_conv_get_acc_addr(in);
    uint8_t *out = s->buf[DPU_BUF_ACT] + dpu_conv_get_out_addr(in);
    int32_t zp = (int32_t)dpu_conv_get_out_zp(in);
    int32_t lo = (int32_t)dpu_conv_get_clamp_lo(in), hi = (int32_t)dpu_conv_get_clamp_hi(in);
    bool lut = dpu_conv_get_lut(in);

    for (uint64_t c = 0; c < C; c++) {
        struct sim_param r = sim_param_read(s, q0 + c);
        f->bias[c] = r.bias;
        f->M[c] = r.M;
        f->sh[c] = r.s;
    }
#if SIM_FAST_X86
    if (f->isa != SIM_FAST_C && C % 8 == 0) {
        struct sim_fast_post k = {acc, lut ? s->buf[DPU_SIM_BUF_LUT] : NULL, out, P, ps, C, zp, lo,
                                  hi};
        (f->isa == SIM_FAST_AVX512 ? sim_fast_post_avx512 : sim_fast_post_avx2)(f, &k);
        return;
    }
#endif
    for (uint64_t px = 0; px < P; px++) {
        const uint8_t *e = acc + 4 * C * px;
        uint8_t *o = out + px * ps;
        for (uint64_t c = 0; c < C; c++) {
            int32_t a = dpu_i32_from_u32(sim_le32_load(e + 4 * c));
            int8_t y = dpu_requant_out(a, f->bias[c], f->M[c], f->sh[c], zp, lo, hi);
            if (lut)
                y = sim_lut(s, y);
            o[c] = (uint8_t)y;
        }
    }
}
