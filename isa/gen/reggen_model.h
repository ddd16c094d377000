/* reggen's in-memory form of regs.tbl: what the parser builds, the checks inspect and the
 * emitters print. Every item remembers where it was written, for messages. */
#ifndef DPU_REGGEN_MODEL_H
#define DPU_REGGEN_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RG_ADDR_BITS 12 /* the register block spans 4 KiB of AXI-Lite address space */

enum rg_access { RG_RO, RG_RW, RG_RW1C };

struct rg_pos {
    int line, col;
};

struct rg_enum_val {
    char *name;
    uint32_t value;
    struct rg_pos at;
};

struct rg_enum {
    char *name;
    size_t nvals;
    struct rg_enum_val *vals;
    unsigned width; /* SystemVerilog type width: the widest field using it, else minimal */
    struct rg_pos at;
};

struct rg_field {
    char *name;
    unsigned lo, width;
    uint64_t reset; /* field value, not shifted */
    int enm;        /* index into rg_table.enums, or -1 */
    char *doc;
    bool implicit; /* made up for a register declared without fields */
    struct rg_pos at;
};

struct rg_reg {
    char *name;
    uint32_t offset;
    enum rg_access access;
    char *doc;
    size_t nfields;
    struct rg_field *fields;
    struct rg_pos at;
};

struct rg_table {
    const char *path;
    char *name;            /* from the regs statement */
    unsigned major, minor; /* version */
    unsigned data_bits;    /* 32 or 64 */
    bool have_header;
    size_t nenums, nregs;
    struct rg_enum *enums;
    struct rg_reg *regs; /* in table order until rg_sort_by_offset() */
};

/* Reads and checks path into t. Prints every problem as "path:line:col: error: ..." and
 * returns false if there was one. Free t with rg_free() in every case. */
bool rg_parse(const char *path, struct rg_table *t);
/* Cross checks over the whole table (offsets, names the generators would produce). */
bool rg_check(struct rg_table *t);
/* Orders registers by offset and each register's fields by bit position. */
void rg_sort(struct rg_table *t);
void rg_free(struct rg_table *t);

uint64_t rg_field_mask(const struct rg_field *f); /* in place */
uint64_t rg_reg_reset(const struct rg_reg *r);    /* in place */
const char *rg_access_name(enum rg_access a);

#endif
