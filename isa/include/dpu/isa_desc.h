/* Descriptor types for the generated instruction tables (build/isa/include/dpu/isa_gen.h).
 *
 * The generator (isa/gen/isagen.c) turns isa/isa.tbl into constant tables of these types;
 * the assembler, disassembler and loaders walk them instead of hard-coding any field.
 */
#ifndef DPU_ISA_DESC_H
#define DPU_ISA_DESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Engine numbers 0..3 come from `enum engine` in isa.tbl; CTRL marks END/SYNC, which the
 * fetch unit handles itself (SYNC is forwarded to the engine named in its field). */
#define DPU_ENGINE_CTRL 4

struct dpu_enum_val {
    const char *name;
    int64_t value; /* for flags enums: the bit index */
};

struct dpu_enum_desc {
    const char *name;
    bool is_flags; /* values are bit indices and may be OR-ed: LOAD|CONV */
    size_t count;
    const struct dpu_enum_val *vals;
};

enum dpu_field_kind { DPU_FIELD_U, DPU_FIELD_S, DPU_FIELD_ENUM, DPU_FIELD_FLAGS };

struct dpu_field_desc {
    const char *name;
    uint16_t lo, width;
    enum dpu_field_kind kind;
    const struct dpu_enum_desc *enm; /* for ENUM and FLAGS kinds, else NULL */
    bool has_default;
    int64_t def;
    const char *doc;
};

struct dpu_insn_desc {
    const char *mnemonic;
    uint8_t opcode;
    int engine; /* 0..3 or DPU_ENGINE_CTRL */
    const char *summary;
    size_t nfields; /* common fields first (opcode, wait, signal), then the instruction's */
    const struct dpu_field_desc *fields;
    uint64_t used[4]; /* bits covered by some field; all other bits must be zero */
};

#endif
