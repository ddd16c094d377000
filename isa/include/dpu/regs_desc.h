/* Descriptor types for the generated register tables (build/isa/src/regs_gen.c).
 *
 * isa/regs.tbl is THE source of the accelerator's AXI-Lite control/status registers. The
 * generator (isa/gen/reggen.c) turns it into constants (dpu/regs_gen.h: DPU_REG_CTRL,
 * DPU_REG_CTRL_START_MASK, DPU_ERRCODE_DDR_RANGE, ...), a SystemVerilog package and tables of
 * the types below, which a driver walks to print a register dump without hard-coding any
 * register. Everything returned points to static storage and is never modified.
 */
#ifndef DPU_REGS_DESC_H
#define DPU_REGS_DESC_H

#include <stddef.h>
#include <stdint.h>

enum dpu_reg_access {
    DPU_REG_RO,   /* read only; writes are ignored */
    DPU_REG_RW,   /* read/write */
    DPU_REG_RW1C, /* read; writing 1 to a bit clears it */
};

struct dpu_reg_enum_val {
    const char *name;
    uint32_t value;
};

/* A set of named field values (enum in regs.tbl), values in table order. */
struct dpu_reg_enum_desc {
    const char *name;
    size_t count;
    const struct dpu_reg_enum_val *vals;
};

struct dpu_reg_field_desc {
    const char *name;
    uint8_t shift, width;
    uint64_t mask;                       /* in place: ((1 << width) - 1) << shift */
    uint64_t reset;                      /* field value after reset (not shifted) */
    const struct dpu_reg_enum_desc *enm; /* values are named by this enum, or NULL */
    const char *doc;
};

struct dpu_reg_desc {
    const char *name;
    uint32_t offset; /* bytes from the base of the register block */
    enum dpu_reg_access access;
    const char *doc;
    uint64_t reset; /* whole register after reset */
    size_t nfields; /* >= 1, ordered by shift; a register declared without fields has one
                       field of full width named like the register (in lower case) */
    const struct dpu_reg_field_desc *fields;
};

/* Every register, ordered by offset. */
extern const struct dpu_reg_desc dpu_reg_descs[];
extern const size_t dpu_reg_desc_count;

/* Every enum of regs.tbl, in table order. */
extern const struct dpu_reg_enum_desc dpu_reg_enum_descs[];
extern const size_t dpu_reg_enum_desc_count;

/* The register at byte offset off, or NULL if there is none. */
const struct dpu_reg_desc *dpu_reg_desc_by_offset(uint32_t off);
/* The register called name (as in regs.tbl, e.g. "CTRL"), or NULL. */
const struct dpu_reg_desc *dpu_reg_desc_by_name(const char *name);

/* The generated header also declares one name function per enum, e.g.
 *   const char *dpu_errcode_name(unsigned code);   NULL if code is not a known value. */

static inline const char *dpu_reg_access_name(enum dpu_reg_access a)
{
    switch (a) {
    case DPU_REG_RO:
        return "ro";
    case DPU_REG_RW:
        return "rw";
    case DPU_REG_RW1C:
        return "rw1c";
    }
    return "?";
}

/* The value of field f in the register value reg. */
static inline uint64_t dpu_reg_field_get(const struct dpu_reg_field_desc *f, uint64_t reg)
{
    return (reg & f->mask) >> f->shift;
}

/* The name of value in e, or NULL if e is NULL or has no such value. */
static inline const char *dpu_reg_enum_name(const struct dpu_reg_enum_desc *e, uint64_t value)
{
    if (!e)
        return NULL;
    for (size_t i = 0; i < e->count; i++)
        if (e->vals[i].value == value)
            return e->vals[i].name;
    return NULL;
}

#endif
