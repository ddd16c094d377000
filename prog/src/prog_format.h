/* The prog.bin records, byte by byte (docs/program-format.md is the specification; every
 * offset below is quoted there). Shared by the encoder and the decoder so the two cannot
 * disagree; records are built and read with the little-endian helpers below, never by
 * overlaying C structs.
 */
#ifndef DPU_PROG_FORMAT_H
#define DPU_PROG_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Section names. */
#define PF_SEC_TEXT    ".dpu.text"
#define PF_SEC_CONST   ".dpu.const"
#define PF_SEC_INPUT   ".dpu.input"
#define PF_SEC_OUTPUT  ".dpu.output"
#define PF_SEC_SCRATCH ".dpu.scratch"
#define PF_SEC_TENSORS ".dpu.tensors"
#define PF_SEC_PLAN    ".dpu.plan"
#define PF_SEC_BIND    ".dpu.bind"
#define PF_SEC_LAYERS  ".dpu.layers"
#define PF_SEC_RANGES  ".dpu.ranges"
#define PF_SEC_CPU     ".dpu.cpu"
#define PF_SEC_STRTAB  ".dpu.strtab"
#define PF_SEC_NOTE    ".note.opendpu"
#define PF_SEC_SYMTAB  ".symtab"
#define PF_SEC_SYMSTR  ".strtab"
#define PF_SEC_SHSTR   ".shstrtab"

/* Section alignments. */
#define PF_ALIGN_TEXT    32 /* one instruction */
#define PF_ALIGN_REGION  64 /* CONST image and the region markers: a cache line */
#define PF_ALIGN_RECORDS 8
#define PF_ALIGN_CPU     16 /* each model.q8 payload starts 16-byte aligned, as q8 wants */

/* The note. */
#define PF_NOTE_OWNER             "opendpu"
#define PF_NOTE_TYPE              1 /* NT_OPENDPU_PROGRAM */
#define PF_NOTE_DESC_SIZE         48
#define PF_NOTE_FORMAT_MAJOR      0  /* u16 */
#define PF_NOTE_FORMAT_MINOR      2  /* u16 */
#define PF_NOTE_ISA_MAJOR         4  /* u16 */
#define PF_NOTE_ISA_MINOR         6  /* u16 */
#define PF_NOTE_PRESET_HASH       8  /* u64 */
#define PF_NOTE_PRESET_NAME       16 /* char[32], NUL-padded */
#define PF_NOTE_PRESET_NAME_BYTES 32

/* .dpu.tensors: one record per tensor. */
#define PF_TENSOR_SIZE      104
#define PF_T_NAME           0  /* u32 offset in .dpu.strtab */
#define PF_T_ROLE           4  /* u8 */
#define PF_T_REGION         5  /* u8 */
#define PF_T_DTYPE          6  /* u8 */
#define PF_T_LAYOUT         7  /* u8 */
#define PF_T_RANK           8  /* u8 */
#define PF_T_FLAGS          9  /* u8: bit 0 quantized */
#define PF_T_RESERVED       10 /* u16, zero */
#define PF_T_CPAD           12 /* u32 */
#define PF_T_OFFSET         16 /* u64 */
#define PF_T_BYTES          24 /* u64 */
#define PF_T_SCALE          32 /* f32 (IEEE 754 binary32 bits) */
#define PF_T_ZERO_POINT     36 /* i32 */
#define PF_T_DIMS           40 /* i64[8] */
#define PF_T_FLAG_QUANTIZED 0x01u

/* .dpu.plan: one record per step. */
#define PF_STEP_SIZE    32
#define PF_S_KIND       0  /* u8 */
#define PF_S_RESERVED   1  /* 3 bytes, zero */
#define PF_S_NAME       4  /* u32 offset in .dpu.strtab, 0 = no name */
#define PF_S_A          8  /* u64: ACCEL first instruction; CPU payload offset in .dpu.cpu */
#define PF_S_B          16 /* u64: ACCEL instruction count; CPU payload size */
#define PF_S_BIND_FIRST 24 /* u32 index into .dpu.bind (CPU) */
#define PF_S_N_INPUTS   28 /* u16 */
#define PF_S_N_OUTPUTS  30 /* u16 */

/* .dpu.bind: u32 tensor indices. */
#define PF_BIND_SIZE 4

/* .dpu.layers: one record per layer. */
#define PF_LAYER_SIZE    16
#define PF_L_NAME        0  /* u32 offset in .dpu.strtab */
#define PF_L_OP          4  /* u32 offset in .dpu.strtab */
#define PF_L_RANGE_FIRST 8  /* u32 index into .dpu.ranges */
#define PF_L_RANGE_COUNT 12 /* u32 */

/* .dpu.ranges: instruction ranges of the layers. */
#define PF_RANGE_SIZE 16
#define PF_R_FIRST    0 /* u64 */
#define PF_R_COUNT    8 /* u64 */

/* Little-endian access to record bytes, independent of the host's byte order. */
static inline void pf_put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void pf_put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline void pf_put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint16_t pf_get_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (unsigned)p[1] << 8);
}
static inline uint32_t pf_get_u32(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}
static inline uint64_t pf_get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}
/* Floats travel as their bit pattern, so NaN payloads and -0.0 survive a round trip. */
static inline uint32_t pf_float_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}
static inline float pf_bits_float(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

#endif
