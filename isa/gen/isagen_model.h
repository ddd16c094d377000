/* isagen's model of isa.tbl: what the parser builds, what the checks prove, what the
 * emitters print.
 *
 * Every string in the model points into the struct tbl_file it was parsed from, so that
 * file must outlive the model. Arrays are owned by the model and released by ig_model_free.
 */
#ifndef ISAGEN_MODEL_H
#define ISAGEN_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tbl_lex.h"

/* The longest name accepted for enums, values, instructions and fields; generated names are
 * built from a few of these, so fixed buffers of IG_IDENT_BUF bytes always suffice. */
#define IG_NAME_MAX  48
#define IG_IDENT_BUF 256

/* Engine number of END/SYNC; must equal DPU_ENGINE_CTRL in dpu/isa_desc.h. */
#define IG_ENGINE_CTRL 4

/* isa_desc.h stores used bits in uint64_t used[4] and the opcode in a uint8_t. */
#define IG_MAX_WORDS       4
#define IG_MAX_OPCODE_BITS 8

struct ig_pos {
    int line, col;
};

struct ig_enum_val {
    const char *name;
    int64_t value; /* flags enums: the bit index */
    struct ig_pos pos;
};

struct ig_enum {
    const char *name;
    bool is_flags;
    size_t nvals;
    struct ig_enum_val *vals;
    struct ig_pos pos;
};

enum ig_kind { IG_U, IG_S, IG_ENUM, IG_FLAGS };

struct ig_field {
    const char *name;
    unsigned lo, width;
    enum ig_kind kind;
    const char *type_name; /* enum name after "enum:"/"flags:", else NULL */
    int enm;               /* index into model.enums once resolved, else -1 */
    bool has_def;
    const char *def_text; /* as written, resolved into def by the checks */
    int64_t def;          /* unsigned fields: the bit pattern */
    const char *doc;
    struct ig_pos pos, type_pos, def_pos;
};

struct ig_insn {
    const char *mnemonic;
    int64_t opcode; /* checked against the opcode field by isagen_check.c */
    const char *engine_name;
    int engine; /* value from enum engine, or IG_ENGINE_CTRL */
    const char *summary;
    size_t nfields;
    struct ig_field *fields; /* the instruction's own fields; common ones live in the model */
    uint64_t used[IG_MAX_WORDS];
    struct ig_pos pos, opcode_pos, engine_pos;
};

struct ig_model {
    const char *path; /* table path as given on the command line */
    const char *name;
    unsigned ver_major, ver_minor;
    unsigned word_bits;
    size_t nenums, ncommon, ninsns;
    struct ig_enum *enums;
    struct ig_field *common;
    struct ig_insn *insns;
    struct ig_pos isa_pos; /* the isa statement */
    int opcode_field;      /* index of the common field "opcode" */
    int engine_enum;       /* index of enum engine, or -1 */
};

/* Builds the model from a tokenized table and checks every rule (overlaps, sizes, names).
 * Prints each problem as "file:line:col: error: ..." and returns false if there was any. */
bool ig_parse(const struct tbl_file *f, struct ig_model *m);
void ig_model_free(struct ig_model *m);

/* Prints "file:line:col: error: ..." through tbl_error and counts it in *errors. */
void ig_report(const struct tbl_file *f, int *errors, struct ig_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Case-insensitive ASCII comparison: names that differ only in case would produce the same
 * upper-cased C macros, and the assembler matches mnemonics case-insensitively. */
bool ig_same_name(const char *a, const char *b);

/* Finds an enum by name (case-insensitive), or -1. */
int ig_find_enum(const struct ig_model *m, const char *name);

/* The engine's name from enum engine, or "CTRL". */
const char *ig_engine_text(const struct ig_model *m, int engine);

/* Highest bit of a field. */
static inline unsigned ig_hi(const struct ig_field *fd)
{
    return fd->lo + fd->width - 1;
}

/* Short type spelling: "u", "s", "enum:NAME", "flags:NAME" into buf[IG_IDENT_BUF]. */
const char *ig_type_text(const struct ig_field *fd, char *buf);

/* Name spellings, each written into buf[IG_IDENT_BUF] and returned:
 * "pad_top" -> "PAD_TOP" / "pad_top" / "PadTop". Names are at most IG_NAME_MAX bytes. */
const char *ig_upper(const char *s, char *buf);
const char *ig_lower(const char *s, char *buf);
const char *ig_camel(const char *s, char *buf);

/* The generated identifiers, built in one place so that the emitters and the clash check
 * (ig_check_names) cannot disagree. `in` NULL means the common fields (prefix insn/Insn).
 * A suffix or verb is spelled like the rest of the name ("LO" and "Lo" alike give _LO / Lo).
 * Each writes into buf[IG_IDENT_BUF] and returns it. */
const char *ig_c_enum_tag(const struct ig_enum *e, char *buf); /* dpu_buf */
const char *ig_c_enum_const(const struct ig_enum *e, const struct ig_enum_val *v,
                            char *buf);                          /* DPU_BUF_ACT */
const char *ig_c_enum_count(const struct ig_enum *e, char *buf); /* DPU_BUF_COUNT */
const char *ig_c_opcode(const struct ig_insn *in, char *buf);    /* DPU_OP_LOAD */
const char *ig_c_field_macro(const struct ig_insn *in, const struct ig_field *fd,
                             const char *suffix, char *buf); /* DPU_LOAD_PAD_TOP_LO */
const char *ig_c_accessor(const struct ig_insn *in, const struct ig_field *fd, const char *verb,
                          char *buf);                            /* dpu_load_get_pad_top */
const char *ig_sv_enum_type(const struct ig_enum *e, char *buf); /* buf_e */
const char *ig_sv_enum_const(const struct ig_enum *e, const struct ig_enum_val *v,
                             char *buf);                          /* BufAct */
const char *ig_sv_enum_count(const struct ig_enum *e, char *buf); /* BufCount */
const char *ig_sv_opcode(const struct ig_insn *in, char *buf);    /* OpLoad */
const char *ig_sv_field_param(const struct ig_insn *in, const struct ig_field *fd,
                              const char *suffix, char *buf);     /* LoadPadTopLo */
const char *ig_sv_used_mask(const struct ig_insn *in, char *buf); /* LoadUsedMask */

/* Refuses two generated identifiers that come out the same (e.g. fields a_b and A_B, or an
 * enum value CTRL of enum engine against DPU_ENGINE_CTRL). Returns the number of errors. */
int ig_check_names(const struct tbl_file *f, const struct ig_model *m);

#endif
