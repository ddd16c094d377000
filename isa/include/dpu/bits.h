/* Bit-field access on little-endian multi-word instruction and register words.
 *
 * Fields are described by (lo, width): bit lo is the least significant bit of the field,
 * counted from bit 0 of word 0. A field may cross a 64-bit word boundary. Explicit shifts
 * and masks only: C bitfields have an implementation-defined layout and are never used for
 * encodings in this project.
 */
#ifndef DPU_BITS_H
#define DPU_BITS_H

#include <stdbool.h>
#include <stdint.h>

static inline uint64_t dpu_mask64(unsigned width)
{
    return width >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << width) - 1);
}

/* Reads the unsigned field (lo, width) of w[]; width 1..64. */
static inline uint64_t dpu_bits_get(const uint64_t *w, unsigned lo, unsigned width)
{
    unsigned word = lo / 64, shift = lo % 64;
    uint64_t v = w[word] >> shift;
    if (shift + width > 64)
        v |= w[word + 1] << (64 - shift);
    return v & dpu_mask64(width);
}

/* Writes the low width bits of v into field (lo, width) of w[]; other bits are kept. */
static inline void dpu_bits_set(uint64_t *w, unsigned lo, unsigned width, uint64_t v)
{
    unsigned word = lo / 64, shift = lo % 64;
    uint64_t m = dpu_mask64(width);
    v &= m;
    w[word] = (w[word] & ~(m << shift)) | (v << shift);
    if (shift + width > 64) {
        unsigned spill = 64 - shift; /* bits already written into w[word] */
        uint64_t mh = m >> spill;
        w[word + 1] = (w[word + 1] & ~mh) | (v >> spill);
    }
}

/* Sign-extends the low width bits of v. */
static inline int64_t dpu_sext(uint64_t v, unsigned width)
{
    if (width >= 64)
        return (int64_t)v;
    uint64_t sign = (uint64_t)1 << (width - 1);
    v &= dpu_mask64(width);
    return (int64_t)((v ^ sign) - sign);
}

/* True if value fits an unsigned (is_signed false) or two's-complement field of width bits. */
static inline bool dpu_fits(int64_t value, unsigned width, bool is_signed)
{
    if (is_signed) {
        if (width >= 64)
            return true;
        int64_t lo = -((int64_t)1 << (width - 1)), hi = ((int64_t)1 << (width - 1)) - 1;
        return value >= lo && value <= hi;
    }
    if (value < 0)
        return false;
    return width >= 64 || (uint64_t)value <= dpu_mask64(width);
}

#endif
