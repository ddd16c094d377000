/* The assembler: text lines `MNEMONIC field=value ...` -> encoded instructions.
 *
 * Table-driven: the mnemonic selects a descriptor, each field name is looked up in it and
 * its value parsed by kind (asm_value.c). Parsing stops at the first error, which is
 * reported as "path:line:col: error: ..." pointing at the offending token.
 */
#include "dpu/asm.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm_value.h"
#include "dpu/bits.h"
#include "isa_internal.h"

/* More fields than any instruction word could hold one-bit fields for; a table beyond this
 * is refused as an internal error rather than overrunning the per-line bookkeeping. */
#define ASM_MAX_FIELDS 256

struct asm_ctx {
    const char *path;
    struct dpu_diag *d;
    size_t line_no;
    const char *line; /* first byte of the current line, for columns */
    dpu_insn *out;
    size_t n, cap;
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9');
}

static const char *skip_blanks(const char *p, const char *end)
{
    while (p < end && is_blank(*p))
        p++;
    return p;
}

/* End of the maximal run of non-blank bytes starting at p. */
static const char *token_end(const char *p, const char *end)
{
    while (p < end && !is_blank(*p))
        p++;
    return p;
}

static int asm_error(struct asm_ctx *c, int err, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int asm_error(struct asm_ctx *c, int err, const char *at, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return dpu_diag_set(c->d, err, "%s:%zu:%zu: error: %s", c->path, c->line_no,
                        (size_t)(at - c->line) + 1, msg);
}

static const struct dpu_insn_desc *find_insn(const char *s, size_t n)
{
    for (size_t i = 0; i < dpu_insn_desc_count; i++) {
        if (dpu_name_eq(dpu_insn_descs[i].mnemonic, s, n))
            return &dpu_insn_descs[i];
    }
    return NULL;
}

static int unknown_mnemonic(struct asm_ctx *c, const char *s, size_t n)
{
    char why[700];
    struct dpu_tbuf tb;
    dpu_tbuf_init(&tb, why, sizeof why);
    dpu_tbuf_putf(&tb, "unknown mnemonic ");
    dpu_tbuf_put_token(&tb, s, n);
    const char *best = NULL;
    unsigned best_d = 3;
    for (size_t i = 0; i < dpu_insn_desc_count; i++) {
        unsigned dist = dpu_edit_distance(dpu_insn_descs[i].mnemonic, s, n);
        if (dist < best_d) {
            best_d = dist;
            best = dpu_insn_descs[i].mnemonic;
        }
    }
    if (best) {
        dpu_tbuf_putf(&tb, "; did you mean '%s'?", best);
    } else {
        dpu_tbuf_putf(&tb, " (mnemonics:");
        for (size_t i = 0; i < dpu_insn_desc_count; i++)
            dpu_tbuf_putf(&tb, " %s", dpu_insn_descs[i].mnemonic);
        dpu_tbuf_putf(&tb, ")");
    }
    return asm_error(c, DPU_E_PARSE, s, "%s", why);
}

static int unknown_field(struct asm_ctx *c, const struct dpu_insn_desc *desc, const char *s,
                         size_t n)
{
    char why[700];
    struct dpu_tbuf tb;
    dpu_tbuf_init(&tb, why, sizeof why);
    dpu_tbuf_putf(&tb, "%s has no field ", desc->mnemonic);
    dpu_tbuf_put_token(&tb, s, n);
    const char *best = NULL;
    unsigned best_d = 3;
    for (size_t i = 0; i < desc->nfields; i++) {
        const struct dpu_field_desc *f = &desc->fields[i];
        unsigned dist = dpu_edit_distance(f->name, s, n);
        if (!dpu_field_is_opcode(f) && dist < best_d) {
            best_d = dist;
            best = f->name;
        }
    }
    if (best) {
        dpu_tbuf_putf(&tb, "; did you mean '%s'?", best);
    } else {
        dpu_tbuf_putf(&tb, " (fields:");
        for (size_t i = 0; i < desc->nfields; i++) {
            if (!dpu_field_is_opcode(&desc->fields[i]))
                dpu_tbuf_putf(&tb, " %s", desc->fields[i].name);
        }
        dpu_tbuf_putf(&tb, ")");
    }
    return asm_error(c, DPU_E_PARSE, s, "%s", why);
}

static int missing_fields(struct asm_ctx *c, const struct dpu_insn_desc *desc, const bool *seen,
                          const char *mnemonic_at)
{
    char why[700];
    struct dpu_tbuf tb;
    dpu_tbuf_init(&tb, why, sizeof why);
    size_t missing = 0;
    for (size_t i = 0; i < desc->nfields; i++) {
        const struct dpu_field_desc *f = &desc->fields[i];
        if (seen[i] || f->has_default || dpu_field_is_opcode(f))
            continue;
        dpu_tbuf_putf(&tb, "%s'%s'", missing ? ", " : "", f->name);
        missing++;
    }
    if (missing == 0)
        return DPU_OK;
    return asm_error(c, DPU_E_PARSE, mnemonic_at, "%s is missing required field%s %s",
                     desc->mnemonic, missing > 1 ? "s" : "", why);
}

static int append_insn(struct asm_ctx *c, const dpu_insn *insn)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        if (cap > SIZE_MAX / sizeof *c->out)
            return dpu_diag_set(c->d, DPU_E_NOMEM, "%s: too many instructions", c->path);
        dpu_insn *grown = realloc(c->out, cap * sizeof *grown);
        if (!grown)
            return dpu_diag_set(c->d, DPU_E_NOMEM, "%s: out of memory", c->path);
        c->out = grown;
        c->cap = cap;
    }
    c->out[c->n++] = *insn;
    return DPU_OK;
}

/* Parses `name = value` starting at p (a non-blank byte) into insn; *next receives the
 * first byte after the value. */
static int parse_field(struct asm_ctx *c, const struct dpu_insn_desc *desc, const char *p,
                       const char *end, bool *seen, size_t *seen_col, dpu_insn *insn,
                       const char **next)
{
    if (!is_name_start(*p)) {
        char why[200];
        struct dpu_tbuf tb;
        dpu_tbuf_init(&tb, why, sizeof why);
        dpu_tbuf_put_token(&tb, p, (size_t)(token_end(p, end) - p));
        return asm_error(c, DPU_E_PARSE, p, "expected field=value, found %s", why);
    }
    const char *name = p;
    while (p < end && is_name_char(*p))
        p++;
    size_t name_len = (size_t)(p - name);
    size_t fi = desc->nfields;
    for (size_t i = 0; i < desc->nfields; i++) {
        if (dpu_name_eq(desc->fields[i].name, name, name_len)) {
            fi = i;
            break;
        }
    }
    if (fi == desc->nfields)
        return unknown_field(c, desc, name, name_len);
    const struct dpu_field_desc *f = &desc->fields[fi];
    if (dpu_field_is_opcode(f))
        return asm_error(c, DPU_E_PARSE, name,
                         "field '%s' is implied by the mnemonic %s and cannot be written", f->name,
                         desc->mnemonic);
    size_t col = (size_t)(name - c->line) + 1;
    if (seen[fi])
        return asm_error(c, DPU_E_PARSE, name, "duplicate field '%s' (first given at column %zu)",
                         f->name, seen_col[fi]);
    seen[fi] = true;
    seen_col[fi] = col;

    p = skip_blanks(p, end);
    if (p == end || *p != '=')
        return asm_error(c, DPU_E_PARSE, p, "expected '=' after field name '%s'", f->name);
    const char *after_eq = p + 1; /* where a missing value is reported */
    const char *val = skip_blanks(after_eq, end);
    p = token_end(val, end);
    if (p == val)
        return asm_error(c, DPU_E_PARSE, after_eq, "missing value for field '%s'", f->name);

    char why[700];
    struct dpu_tbuf tb;
    dpu_tbuf_init(&tb, why, sizeof why);
    uint64_t bits;
    size_t err_at;
    int err = dpu_asm_parse_value(f, val, (size_t)(p - val), &bits, &err_at, &tb);
    if (err)
        return asm_error(c, err, val + err_at, "%s", why);
    dpu_bits_set(insn->w, f->lo, f->width, bits);
    *next = p;
    return DPU_OK;
}

/* Assembles one line [p, end) (newline excluded); blank and comment-only lines add
 * nothing. */
static int parse_line(struct asm_ctx *c, const char *p, const char *end)
{
    const char *nul = memchr(p, '\0', (size_t)(end - p));
    if (nul)
        return asm_error(c, DPU_E_PARSE, nul, "NUL byte in assembly text (is this a binary file?)");
    for (const char *q = p; q < end; q++) {
        if (*q == '#' || *q == ';') {
            end = q; /* the rest of the line is a comment */
            break;
        }
    }
    p = skip_blanks(p, end);
    if (p == end)
        return DPU_OK;

    const char *mnemonic = p;
    p = token_end(p, end);
    const struct dpu_insn_desc *desc = find_insn(mnemonic, (size_t)(p - mnemonic));
    if (!desc)
        return unknown_mnemonic(c, mnemonic, (size_t)(p - mnemonic));
    if (desc->nfields > ASM_MAX_FIELDS)
        return asm_error(c, DPU_E_INTERNAL, mnemonic, "%s has %zu fields, more than %d",
                         desc->mnemonic, desc->nfields, ASM_MAX_FIELDS);

    /* Start from the defaults, then let the written fields overwrite them. */
    dpu_insn insn;
    memset(&insn, 0, sizeof insn);
    for (size_t i = 0; i < desc->nfields; i++) {
        const struct dpu_field_desc *f = &desc->fields[i];
        if (dpu_field_is_opcode(f))
            dpu_bits_set(insn.w, f->lo, f->width, desc->opcode);
        else if (f->has_default)
            dpu_bits_set(insn.w, f->lo, f->width, (uint64_t)f->def);
    }
    bool seen[ASM_MAX_FIELDS] = {false};
    size_t seen_col[ASM_MAX_FIELDS] = {0};
    for (;;) {
        p = skip_blanks(p, end);
        if (p == end)
            break;
        int err = parse_field(c, desc, p, end, seen, seen_col, &insn, &p);
        if (err)
            return err;
    }
    int err = missing_fields(c, desc, seen, mnemonic);
    if (err)
        return err;
    return append_insn(c, &insn);
}

int dpu_asm_text(const char *path, const char *text, size_t len, dpu_insn **insns, size_t *count,
                 struct dpu_diag *d)
{
    *insns = NULL;
    *count = 0;
    if (len == 0)
        return DPU_OK; /* also keeps NULL + 0 out of the pointer arithmetic below */
    struct asm_ctx c = {.path = path ? path : "<input>", .d = d};
    const char *p = text, *end = text + len;
    int err = DPU_OK;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        c.line_no++;
        c.line = p;
        err = parse_line(&c, p, line_end);
        if (err)
            break;
        p = nl ? nl + 1 : end;
    }
    if (err) {
        free(c.out);
        return err;
    }
    *insns = c.out;
    *count = c.n;
    return DPU_OK;
}
