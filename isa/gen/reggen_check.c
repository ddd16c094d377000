/* Whole-table checks of regs.tbl that a single statement cannot make: registers sharing an
 * offset, fields sharing bits, and names the generators would print twice. Every conflict
 * is reported, each naming both parties. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_out.h"
#include "reggen_model.h"

uint64_t rg_field_mask(const struct rg_field *f)
{
    uint64_t m = f->width >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << f->width) - 1);
    return m << f->lo;
}

uint64_t rg_reg_reset(const struct rg_reg *r)
{
    uint64_t v = 0;
    for (size_t i = 0; i < r->nfields; i++)
        v |= r->fields[i].reset << r->fields[i].lo;
    return v;
}

const char *rg_access_name(enum rg_access a)
{
    return a == RG_RO ? "ro" : a == RG_RW ? "rw" : "rw1c";
}

static bool error_at(const struct rg_table *t, struct rg_pos at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool error_at(const struct rg_table *t, struct rg_pos at, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d:%d: error: ", t->path, at.line, at.col);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return false;
}

static bool check_offsets(const struct rg_table *t)
{
    bool ok = true;
    for (size_t j = 0; j < t->nregs; j++)
        for (size_t i = 0; i < j; i++)
            if (t->regs[i].offset == t->regs[j].offset) {
                ok = error_at(t, t->regs[j].at,
                              "register %s at offset 0x%03" PRIX32 " collides with register %s "
                              "(line %d)",
                              t->regs[j].name, t->regs[j].offset, t->regs[i].name,
                              t->regs[i].at.line);
                break;
            }
    return ok;
}

static bool check_overlaps(const struct rg_table *t, const struct rg_reg *r)
{
    bool ok = true;
    for (size_t j = 0; j < r->nfields; j++)
        for (size_t i = 0; i < j; i++) {
            const struct rg_field *a = &r->fields[i], *b = &r->fields[j];
            if (!(rg_field_mask(a) & rg_field_mask(b)))
                continue;
            ok = error_at(t, b->at,
                          "field %s.%s (bits %u:%u) overlaps field %s.%s (bits %u:%u, line %d)",
                          r->name, b->name, b->lo + b->width - 1, b->lo, r->name, a->name,
                          a->lo + a->width - 1, a->lo, a->at.line);
        }
    return ok;
}

/* SystemVerilog enum types are as wide as the widest field that holds them, so a field can
 * be assigned from the type without a cast; an unused enum gets the bits its values need. */
static void size_enums(struct rg_table *t)
{
    for (size_t e = 0; e < t->nenums; e++) {
        struct rg_enum *en = &t->enums[e];
        en->width = 0;
        for (size_t i = 0; i < t->nregs; i++)
            for (size_t j = 0; j < t->regs[i].nfields; j++)
                if (t->regs[i].fields[j].enm == (int)e && t->regs[i].fields[j].width > en->width)
                    en->width = t->regs[i].fields[j].width;
        if (en->width)
            continue;
        uint32_t max = 0;
        for (size_t i = 0; i < en->nvals; i++)
            max = en->vals[i].value > max ? en->vals[i].value : max;
        en->width = 1;
        while (en->width < 32 && (max >> en->width))
            en->width++;
    }
}

/* ---- Generated names: every C and SystemVerilog identifier the emitters will print. --- */

struct gen_name {
    char *text;
    const char *what; /* "register", "field", "enum value", "enum" or "API" */
    const char *owner, *member;
    struct rg_pos at;
};

struct name_set {
    struct gen_name *v;
    size_t n, cap;
    bool oom;
};

/* Builds a name from pieces: for each piece a style ('=' as is, 'U' upper, 'C' CamelCase)
 * and a string, through the same gen_put_* functions the emitters use. */
static void add(struct name_set *s, const char *what, const char *owner, const char *member,
                struct rg_pos at, const char *styles, ...)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m) {
        s->oom = true;
        return;
    }
    va_list ap;
    va_start(ap, styles);
    for (const char *st = styles; *st; st++) {
        const char *piece = va_arg(ap, const char *);
        if (*st == 'U')
            gen_put_upper(m, piece);
        else if (*st == 'C')
            gen_put_camel(m, piece);
        else
            fputs(piece, m);
    }
    va_end(ap);
    if (fclose(m) != 0 || !buf) {
        free(buf);
        s->oom = true;
        return;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        struct gen_name *nv = realloc(s->v, cap * sizeof *nv);
        if (!nv) {
            free(buf);
            s->oom = true;
            return;
        }
        s->v = nv;
        s->cap = cap;
    }
    s->v[s->n++] = (struct gen_name){buf, what, owner, member, at};
}

static void add_api_names(struct name_set *s)
{
    /* Declared by dpu/regs_desc.h, which the generated code includes. */
    static const char *const api[] = {
        "DPU_REG_RO",
        "DPU_REG_RW",
        "DPU_REG_RW1C",
        "DPU_REGS_VERSION_MAJOR",
        "DPU_REGS_VERSION_MINOR",
        "DPU_REGS_DATA_BITS",
        "DPU_REG_COUNT",
        "DPU_REGS_GEN_H",
        "DPU_REGS_DESC_H",
        "dpu_reg_descs",
        "dpu_reg_desc_count",
        "dpu_reg_enum_descs",
        "dpu_reg_enum_desc_count",
        "dpu_reg_desc_by_offset",
        "dpu_reg_desc_by_name",
        "dpu_reg_access_name",
        "dpu_reg_field_get",
        "dpu_reg_enum_name",
        "enum dpu_reg_access",
        "RegsVersionMajor",
        "RegsVersionMinor",
        "RegDataBits",
        "RegAddrBits",
    };
    for (size_t i = 0; i < sizeof api / sizeof api[0]; i++)
        add(s, "API", "", "", (struct rg_pos){0, 0}, "=", api[i]);
}

static void collect_names(const struct rg_table *t, struct name_set *s)
{
    add_api_names(s);
    for (size_t i = 0; i < t->nenums; i++) {
        const struct rg_enum *e = &t->enums[i];
        add(s, "enum", e->name, "", e->at, "==", "enum dpu_", e->name);
        add(s, "enum", e->name, "", e->at, "===", "dpu_", e->name, "_name");
        add(s, "enum", e->name, "", e->at, "==", e->name, "_e");
        for (size_t j = 0; j < e->nvals; j++) {
            const struct rg_enum_val *v = &e->vals[j];
            add(s, "enum value", e->name, v->name, v->at, "=U=U", "DPU_", e->name, "_", v->name);
            add(s, "enum value", e->name, v->name, v->at, "CC", e->name, v->name);
        }
    }
    for (size_t i = 0; i < t->nregs; i++) {
        const struct rg_reg *r = &t->regs[i];
        add(s, "register", r->name, "", r->at, "=U", "DPU_REG_", r->name);
        add(s, "register", r->name, "", r->at, "=U=", "DPU_REG_", r->name, "_RESET");
        add(s, "register", r->name, "", r->at, "=C=", "Reg", r->name, "Offset");
        add(s, "register", r->name, "", r->at, "=C=", "Reg", r->name, "Reset");
        for (size_t j = 0; j < r->nfields; j++) {
            const struct rg_field *f = &r->fields[j];
            static const char *const c_suffix[] = {"_SHIFT", "_WIDTH", "_MASK", "_RESET"};
            static const char *const sv_suffix[] = {"Lsb", "Width", "Reset"};
            for (size_t k = 0; k < 4; k++)
                add(s, "field", r->name, f->name, f->at, "=U=U=", "DPU_REG_", r->name, "_", f->name,
                    c_suffix[k]);
            for (size_t k = 0; k < 3; k++)
                add(s, "field", r->name, f->name, f->at, "=CC=", "Reg", r->name, f->name,
                    sv_suffix[k]);
        }
    }
}

static int by_text(const void *a, const void *b)
{
    const struct gen_name *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    if (c)
        return c;
    /* Equal names: the one written first in the table comes first. */
    if (x->at.line != y->at.line)
        return x->at.line < y->at.line ? -1 : 1;
    return x->at.col < y->at.col ? -1 : x->at.col > y->at.col;
}

static void describe(char *buf, size_t n, const struct gen_name *g)
{
    if (strcmp(g->what, "API") == 0)
        snprintf(buf, n, "the register API (dpu/regs_desc.h, dpu_regs_pkg)");
    else if (g->member[0])
        snprintf(buf, n, "%s %s.%s (line %d)", g->what, g->owner, g->member, g->at.line);
    else
        snprintf(buf, n, "%s %s (line %d)", g->what, g->owner, g->at.line);
}

/* Two things of the table must not produce the same C or SystemVerilog identifier, nor one
 * that the register API already uses. */
static bool check_names(const struct rg_table *t)
{
    struct name_set s = {0};
    collect_names(t, &s);
    bool ok = !s.oom;
    if (s.oom)
        fprintf(stderr, "%s: error: out of memory\n", t->path);
    else
        qsort(s.v, s.n, sizeof *s.v, by_text);
    for (size_t i = 1; ok && i < s.n; i++) {
        const struct gen_name *a = &s.v[i - 1], *b = &s.v[i];
        if (strcmp(a->text, b->text) != 0)
            continue;
        char da[256], db[256];
        describe(da, sizeof da, a);
        describe(db, sizeof db, b);
        struct rg_pos at = b->at.line ? b->at : a->at;
        ok = error_at(t, at, "generated name '%s' of %s is also the name of %s", b->text, db, da);
    }
    for (size_t i = 0; i < s.n; i++)
        free(s.v[i].text);
    free(s.v);
    return ok;
}

bool rg_check(struct rg_table *t)
{
    bool ok = check_offsets(t);
    for (size_t i = 0; i < t->nregs; i++)
        if (!check_overlaps(t, &t->regs[i]))
            ok = false;
    size_enums(t);
    if (ok)
        ok = check_names(t);
    return ok;
}

static int reg_by_offset(const void *a, const void *b)
{
    const struct rg_reg *x = a, *y = b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int field_by_lo(const void *a, const void *b)
{
    const struct rg_field *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

void rg_sort(struct rg_table *t)
{
    qsort(t->regs, t->nregs, sizeof *t->regs, reg_by_offset);
    for (size_t i = 0; i < t->nregs; i++)
        qsort(t->regs[i].fields, t->regs[i].nfields, sizeof *t->regs[i].fields, field_by_lo);
}
