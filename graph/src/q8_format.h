/* The binary model.q8 layout shared by q8_write.c and q8_read.c; docs/q8-format.md draws it
 * byte by byte. Every integer is little-endian; offsets count from the start of the file
 * unless said otherwise.
 *
 *   header    32 bytes   magic, version, flags, file length, section count
 *   sections  each: 16-byte header (tag, reserved, payload length), payload, zero padding
 *             to a multiple of 16, so every section and payload starts 16-byte aligned
 *   trailer   8 bytes    "END\0", CRC-32 of every byte before the trailer
 */
#ifndef DPU_Q8_FORMAT_H
#define DPU_Q8_FORMAT_H

#include <stdint.h>
#include <string.h>

#include "dpu/graph.h"

#define Q8_HEADER_SIZE    32
#define Q8_SECTION_HEADER 16
#define Q8_ALIGN          16 /* sections, payloads, and constants inside DATA */
#define Q8_TRAILER_SIZE   8
#define Q8_TRAILER_TAG    "END" /* with its NUL: 4 bytes */
#define Q8_MIN_FILE       (Q8_HEADER_SIZE + Q8_TRAILER_SIZE)

#define Q8_FLAG_QUANTIZED 1u
#define Q8_FLAGS_KNOWN    Q8_FLAG_QUANTIZED

/* Section tags, in the order the writer emits them. */
#define Q8_TAG_STRS  "STRS" /* string table */
#define Q8_TAG_TENS  "TENS" /* tensors */
#define Q8_TAG_NODE  "NODE" /* nodes */
#define Q8_TAG_GRPH  "GRPH" /* graph name, inputs, outputs */
#define Q8_TAG_DATA  "DATA" /* constant contents */
#define Q8_NSECTIONS 5

/* Record sizes (fixed parts); every record starts 8-byte aligned within its payload. */
#define Q8_LIST_HEADER          8 /* TENS, NODE: u32 count, u32 reserved */
#define Q8_TENSOR_FIXED         32
#define Q8_NODE_FIXED           24
#define Q8_ATTR_FIXED           16
#define Q8_GRAPH_FIXED          16
#define Q8_TENSOR_FLAG_CONSTANT 1u

/* dtype codes in the file (independent of enum dpu_dtype's values). */
enum { Q8_DT_INT8 = 0, Q8_DT_UINT8 = 1, Q8_DT_INT32 = 2, Q8_DT_FLOAT32 = 3, Q8_DT_COUNT };
/* attribute type codes in the file. */
enum { Q8_AT_INT = 0, Q8_AT_FLOAT = 1, Q8_AT_INTS = 2, Q8_AT_FLOATS = 3, Q8_AT_STRING = 4 };

static inline size_t q8_align(size_t n, size_t a)
{
    return (n + a - 1) / a * a;
}

static inline void q8_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void q8_put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline void q8_put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint16_t q8_get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t q8_get32(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static inline uint64_t q8_get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* Two's complement reinterpretations, well defined in C (memcpy of the same width). */
static inline int32_t q8_i32(uint32_t u)
{
    int32_t v;
    memcpy(&v, &u, sizeof v);
    return v;
}

static inline int64_t q8_i64(uint64_t u)
{
    int64_t v;
    memcpy(&v, &u, sizeof v);
    return v;
}

static inline uint32_t q8_u32(int32_t v)
{
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    return u;
}

static inline uint64_t q8_u64(int64_t v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return u;
}

static inline int q8_dtype_code(enum dpu_dtype dt)
{
    switch (dt) {
    case DPU_DT_INT8:
        return Q8_DT_INT8;
    case DPU_DT_UINT8:
        return Q8_DT_UINT8;
    case DPU_DT_INT32:
        return Q8_DT_INT32;
    case DPU_DT_FLOAT32:
        return Q8_DT_FLOAT32;
    }
    return -1;
}

static inline enum dpu_dtype q8_dtype_from_code(unsigned code)
{
    static const enum dpu_dtype map[Q8_DT_COUNT] = {DPU_DT_INT8, DPU_DT_UINT8, DPU_DT_INT32,
                                                    DPU_DT_FLOAT32};
    return map[code]; /* callers check code < Q8_DT_COUNT */
}

#endif
