/* regs.tbl to struct rg_table. The statement syntax is documented at the top of
 * isa/regs.tbl; each statement has its own function below. Parsing stops at the first
 * malformed statement (later messages would only be echoes of it); the cross checks in
 * reggen_check.c then report every conflict they find. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reggen_model.h"
#include "tbl_lex.h"

struct parser {
    struct tbl_file f;
    struct rg_table *t;
    struct rg_reg *open; /* register between reg and end, or NULL */
};

#define ERR(ps, tok, ...) tbl_error(&(ps)->f, (tok)->line, (tok)->col, __VA_ARGS__)

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static bool is_ident(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return false;
    return true;
}

static bool want_ident(struct parser *ps, const struct tbl_tok *t, const char *what)
{
    if (t->kind != TBL_WORD || !is_ident(t->text))
        return ERR(ps, t, "%s name '%s' is not an identifier ([A-Za-z][A-Za-z0-9_]*)", what,
                   t->text);
    return true;
}

/* An unsigned integer token no larger than max. */
static bool want_uint(struct parser *ps, const struct tbl_tok *t, const char *what, uint64_t max,
                      uint64_t *v)
{
    int64_t x;
    if (t->kind != TBL_WORD || !tbl_parse_int(t->text, &x))
        return ERR(ps, t, "%s '%s' is not an integer", what, t->text);
    /* tbl_parse_int spells 64-bit hex patterns as negative int64; those are >= 2^63. */
    bool big = x < 0 && (t->text[0] != '-');
    if ((x < 0 && !big) || (!big && (uint64_t)x > max) || (big && max < UINT64_MAX))
        return ERR(ps, t, "%s %s is out of range 0..%" PRIu64, what, t->text, max);
    *v = (uint64_t)x;
    return true;
}

static bool oom(struct parser *ps, const struct tbl_tok *t)
{
    return ERR(ps, t, "out of memory");
}

/* MAJOR.MINOR, each 0..255 in decimal. */
static bool parse_version(const char *s, unsigned *major, unsigned *minor)
{
    unsigned v[2] = {0, 0};
    for (int part = 0; part < 2; part++) {
        const char *start = s;
        for (; *s >= '0' && *s <= '9'; s++)
            if ((v[part] = v[part] * 10 + (unsigned)(*s - '0')) > 255)
                return false;
        if (s == start || *s != (part == 0 ? '.' : '\0'))
            return false;
        s++;
    }
    *major = v[0];
    *minor = v[1];
    return true;
}

/* regs NAME VERSION DATA_BITS */
static bool st_regs(struct parser *ps, const struct tbl_line *ln)
{
    struct rg_table *t = ps->t;
    const struct tbl_tok *k = ln->tok;
    if (t->have_header)
        return ERR(ps, &k[0], "second 'regs' statement");
    if (ln->ntok != 4)
        return ERR(ps, &k[0], "expected 'regs NAME VERSION DATA_BITS'");
    if (!want_ident(ps, &k[1], "table"))
        return false;
    unsigned major, minor;
    if (k[2].kind != TBL_WORD || !parse_version(k[2].text, &major, &minor))
        return ERR(ps, &k[2], "version '%s' is not MAJOR.MINOR", k[2].text);
    uint64_t bits;
    if (!want_uint(ps, &k[3], "data width", 64, &bits))
        return false;
    if (bits != 32 && bits != 64)
        return ERR(ps, &k[3], "data width %" PRIu64 " is not 32 or 64 (AXI-Lite)", bits);
    if (!(t->name = dup_str(k[1].text)))
        return oom(ps, &k[1]);
    t->major = major;
    t->minor = minor;
    t->data_bits = (unsigned)bits;
    t->have_header = true;
    return true;
}

static struct rg_enum *find_enum(struct rg_table *t, const char *name, bool fold_case)
{
    for (size_t i = 0; i < t->nenums; i++)
        if ((fold_case ? strcasecmp : strcmp)(t->enums[i].name, name) == 0)
            return &t->enums[i];
    return NULL;
}

/* enum NAME VALUE=NUMBER ... */
static bool st_enum(struct parser *ps, const struct tbl_line *ln)
{
    struct rg_table *t = ps->t;
    const struct tbl_tok *k = ln->tok;
    if (ln->ntok < 5 || (ln->ntok - 2) % 3 != 0)
        return ERR(ps, &k[0], "expected 'enum NAME VALUE=NUMBER ...'");
    if (!want_ident(ps, &k[1], "enum"))
        return false;
    const struct rg_enum *prev = find_enum(t, k[1].text, true);
    if (prev)
        return ERR(ps, &k[1], "duplicate enum name '%s' (first declared at line %d)", k[1].text,
                   prev->at.line);
    struct rg_enum *ne = realloc(t->enums, (t->nenums + 1) * sizeof *ne);
    if (!ne)
        return oom(ps, &k[0]);
    t->enums = ne;
    struct rg_enum *e = &t->enums[t->nenums++];
    memset(e, 0, sizeof *e);
    e->at = (struct rg_pos){k[1].line, k[1].col};
    size_t nv = (ln->ntok - 2) / 3;
    e->vals = calloc(nv, sizeof *e->vals);
    if (!(e->name = dup_str(k[1].text)) || !e->vals)
        return oom(ps, &k[1]);
    for (size_t i = 0; i < nv; i++) {
        const struct tbl_tok *v = &k[2 + 3 * i];
        if (v[1].kind != TBL_EQUALS)
            return ERR(ps, &v[1], "expected '=' after enum value '%s'", v[0].text);
        if (!want_ident(ps, &v[0], "enum value"))
            return false;
        uint64_t num;
        if (!want_uint(ps, &v[2], "enum value", UINT32_MAX, &num))
            return false;
        for (size_t j = 0; j < e->nvals; j++) {
            if (strcasecmp(e->vals[j].name, v[0].text) == 0)
                return ERR(ps, &v[0], "duplicate value name '%s' in enum %s", v[0].text, e->name);
            if (e->vals[j].value == num)
                return ERR(ps, &v[2], "%s=%" PRIu64 " in enum %s has the same value as %s",
                           v[0].text, num, e->name, e->vals[j].name);
        }
        struct rg_enum_val *ev = &e->vals[e->nvals];
        if (!(ev->name = dup_str(v[0].text)))
            return oom(ps, &v[0]);
        ev->value = (uint32_t)num;
        ev->at = (struct rg_pos){v[0].line, v[0].col};
        e->nvals++;
    }
    return true;
}

static bool parse_access(const char *s, enum rg_access *a)
{
    static const struct {
        const char *name;
        enum rg_access a;
    } kinds[] = {{"ro", RG_RO}, {"rw", RG_RW}, {"rw1c", RG_RW1C}};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(s, kinds[i].name) == 0) {
            *a = kinds[i].a;
            return true;
        }
    return false;
}

/* reg NAME OFFSET ACCESS "meaning" */
static bool st_reg(struct parser *ps, const struct tbl_line *ln)
{
    struct rg_table *t = ps->t;
    const struct tbl_tok *k = ln->tok;
    if (ps->open)
        return ERR(ps, &k[0], "register %s starts inside register %s (line %d): missing 'end'",
                   ln->ntok > 1 ? k[1].text : "?", ps->open->name, ps->open->at.line);
    if (ln->ntok != 5 || k[4].kind != TBL_STRING)
        return ERR(ps, &k[0], "register %s: expected 'reg NAME OFFSET ACCESS \"meaning\"'",
                   ln->ntok > 1 ? k[1].text : "?");
    if (!want_ident(ps, &k[1], "register"))
        return false;
    for (size_t i = 0; i < t->nregs; i++)
        if (strcasecmp(t->regs[i].name, k[1].text) == 0)
            return ERR(ps, &k[1], "duplicate register name '%s' (first declared at line %d)",
                       k[1].text, t->regs[i].at.line);
    uint64_t off;
    char what[160];
    snprintf(what, sizeof what, "offset of register %s", k[1].text);
    if (!want_uint(ps, &k[2], what, UINT32_MAX, &off))
        return false;
    unsigned bytes = t->data_bits / 8;
    if (off % bytes != 0)
        return ERR(ps, &k[2], "offset 0x%03" PRIX64 " of register %s is not a multiple of %u", off,
                   k[1].text, bytes);
    if (off + bytes > (1u << RG_ADDR_BITS))
        return ERR(ps, &k[2],
                   "offset 0x%" PRIX64 " of register %s is beyond the %u-byte "
                   "register block",
                   off, k[1].text, 1u << RG_ADDR_BITS);
    enum rg_access acc;
    if (k[3].kind != TBL_WORD || !parse_access(k[3].text, &acc))
        return ERR(ps, &k[3],
                   "unknown access kind '%s' for register %s (expected ro, rw or "
                   "rw1c)",
                   k[3].text, k[1].text);

    struct rg_reg *nr = realloc(t->regs, (t->nregs + 1) * sizeof *nr);
    if (!nr)
        return oom(ps, &k[0]);
    t->regs = nr;
    struct rg_reg *r = &t->regs[t->nregs++];
    memset(r, 0, sizeof *r);
    r->offset = (uint32_t)off;
    r->access = acc;
    r->at = (struct rg_pos){k[1].line, k[1].col};
    if (!(r->name = dup_str(k[1].text)) || !(r->doc = dup_str(k[4].text)))
        return oom(ps, &k[1]);
    ps->open = r;
    return true;
}

static struct rg_field *new_field(struct parser *ps, const struct tbl_tok *at)
{
    struct rg_reg *r = ps->open;
    struct rg_field *nf = realloc(r->fields, (r->nfields + 1) * sizeof *nf);
    if (!nf) {
        oom(ps, at);
        return NULL;
    }
    r->fields = nf;
    struct rg_field *f = &r->fields[r->nfields++];
    memset(f, 0, sizeof *f);
    f->enm = -1;
    f->at = (struct rg_pos){at->line, at->col};
    return f;
}

/* The optional middle of a field statement: [TYPE] [reset=N], in either order. */
static bool field_options(struct parser *ps, const struct tbl_line *ln, struct rg_field *f,
                          const struct tbl_tok **reset_tok, const struct tbl_tok **type_tok)
{
    const struct tbl_tok *k = ln->tok;
    const struct rg_reg *r = ps->open;
    for (size_t i = 4; i + 1 < ln->ntok; i++) {
        if (k[i].kind != TBL_WORD)
            return ERR(ps, &k[i], "unexpected '%s' in field %s.%s", k[i].text, r->name, f->name);
        if (i + 2 < ln->ntok && k[i + 1].kind == TBL_EQUALS) {
            if (strcmp(k[i].text, "reset") != 0)
                return ERR(ps, &k[i], "unknown option '%s' of field %s.%s (expected reset=N)",
                           k[i].text, r->name, f->name);
            if (*reset_tok)
                return ERR(ps, &k[i], "second reset= for field %s.%s", r->name, f->name);
            *reset_tok = &k[i + 2];
            i += 2;
            continue;
        }
        if (*type_tok)
            return ERR(ps, &k[i], "unexpected '%s' in field %s.%s (type already given)", k[i].text,
                       r->name, f->name);
        *type_tok = &k[i];
    }
    return true;
}

static bool field_type(struct parser *ps, const struct tbl_tok *tt, struct rg_field *f)
{
    const struct rg_reg *r = ps->open;
    if (!tt || strcmp(tt->text, "u") == 0)
        return true;
    if (strncmp(tt->text, "enum:", 5) != 0)
        return ERR(ps, tt, "unknown type '%s' of field %s.%s (expected u or enum:NAME)", tt->text,
                   r->name, f->name);
    const struct rg_enum *e = find_enum(ps->t, tt->text + 5, false);
    if (!e)
        return ERR(ps, tt, "unknown enum '%s' in field %s.%s", tt->text + 5, r->name, f->name);
    for (size_t i = 0; i < e->nvals; i++)
        if (f->width < 32 && e->vals[i].value >> f->width)
            return ERR(ps, tt,
                       "value %s=%" PRIu32 " of enum %s does not fit the %u bits of "
                       "field %s.%s",
                       e->vals[i].name, e->vals[i].value, e->name, f->width, r->name, f->name);
    f->enm = (int)(e - ps->t->enums);
    return true;
}

/* field NAME LO WIDTH [TYPE] [reset=N] "meaning" */
static bool st_field(struct parser *ps, const struct tbl_line *ln)
{
    const struct tbl_tok *k = ln->tok;
    struct rg_reg *r = ps->open;
    if (!r)
        return ERR(ps, &k[0], "field outside a register (no 'reg' before it)");
    if (ln->ntok < 5 || k[ln->ntok - 1].kind != TBL_STRING)
        return ERR(ps, &k[0],
                   "field %s.%s: expected 'field NAME LO WIDTH [TYPE] [reset=N] \"meaning\"'",
                   r->name, ln->ntok > 1 ? k[1].text : "?");
    if (!want_ident(ps, &k[1], "field"))
        return false;
    for (size_t i = 0; i < r->nfields; i++)
        if (strcasecmp(r->fields[i].name, k[1].text) == 0)
            return ERR(ps, &k[1], "duplicate field name '%s' in register %s (first at line %d)",
                       k[1].text, r->name, r->fields[i].at.line);
    unsigned bits = ps->t->data_bits;
    uint64_t lo, width;
    if (!want_uint(ps, &k[2], "lowest bit", 1024, &lo) ||
        !want_uint(ps, &k[3], "width", 1024, &width))
        return false;
    if (width == 0)
        return ERR(ps, &k[3], "field %s.%s has width 0", r->name, k[1].text);
    if (lo + width > bits)
        return ERR(ps, &k[2],
                   "field %s.%s (bits %" PRIu64 ":%" PRIu64 ") runs beyond the "
                   "%u-bit register",
                   r->name, k[1].text, lo + width - 1, lo, bits);
    struct rg_field *f = new_field(ps, &k[1]);
    if (!f)
        return false;
    f->lo = (unsigned)lo;
    f->width = (unsigned)width;
    if (!(f->name = dup_str(k[1].text)) || !(f->doc = dup_str(k[ln->ntok - 1].text)))
        return oom(ps, &k[1]);

    const struct tbl_tok *reset_tok = NULL, *type_tok = NULL;
    if (!field_options(ps, ln, f, &reset_tok, &type_tok) || !field_type(ps, type_tok, f))
        return false;
    if (reset_tok) {
        if (!want_uint(ps, reset_tok, "reset value", UINT64_MAX, &f->reset))
            return false;
        if (f->width < 64 && f->reset >> f->width)
            return ERR(ps, reset_tok, "reset value %s of field %s.%s does not fit its %u bits",
                       reset_tok->text, r->name, f->name, f->width);
        if (f->enm >= 0) {
            const struct rg_enum *e = &ps->t->enums[f->enm];
            bool known = false;
            for (size_t i = 0; i < e->nvals; i++)
                known = known || e->vals[i].value == f->reset;
            if (!known)
                return ERR(ps, reset_tok,
                           "reset value %s of field %s.%s is not a value of "
                           "enum %s",
                           reset_tok->text, r->name, f->name, e->name);
        }
    }
    return true;
}

/* end: closes the register; one without fields becomes one full-width field named like it. */
static bool st_end(struct parser *ps, const struct tbl_line *ln)
{
    const struct tbl_tok *k = ln->tok;
    struct rg_reg *r = ps->open;
    if (!r)
        return ERR(ps, &k[0], "'end' without a register");
    if (ln->ntok != 1)
        return ERR(ps, &k[1], "unexpected '%s' after 'end'", k[1].text);
    if (r->nfields) {
        ps->open = NULL;
        return true;
    }
    struct rg_field *f = new_field(ps, &k[0]); /* of ps->open */
    ps->open = NULL;
    if (!f)
        return false;
    f->at = r->at;
    f->width = ps->t->data_bits;
    f->implicit = true;
    if (!(f->name = dup_str(r->name)) || !(f->doc = dup_str(r->doc)))
        return oom(ps, &k[0]);
    for (char *c = f->name; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    return true;
}

static bool statement(struct parser *ps, const struct tbl_line *ln)
{
    const struct tbl_tok *k = ln->tok;
    const char *w = k[0].kind == TBL_WORD ? k[0].text : "";
    if (strcmp(w, "regs") == 0)
        return st_regs(ps, ln);
    if (!ps->t->have_header)
        return ERR(ps, &k[0], "expected 'regs NAME VERSION DATA_BITS' first, found '%s'",
                   k[0].text);
    if (strcmp(w, "enum") == 0) {
        if (ps->open)
            return ERR(ps, &k[0], "enum inside register %s (line %d): missing 'end'",
                       ps->open->name, ps->open->at.line);
        return st_enum(ps, ln);
    }
    if (strcmp(w, "reg") == 0)
        return st_reg(ps, ln);
    if (strcmp(w, "field") == 0)
        return st_field(ps, ln);
    if (strcmp(w, "end") == 0)
        return st_end(ps, ln);
    return ERR(ps, &k[0], "unknown statement '%s' (expected regs, enum, reg, field or end)",
               k[0].text);
}

bool rg_parse(const char *path, struct rg_table *t)
{
    memset(t, 0, sizeof *t);
    t->path = path;
    struct parser ps = {.t = t};
    if (!tbl_load(path, &ps.f))
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i < ps.f.nlines; i++)
        ok = statement(&ps, &ps.f.lines[i]);
    if (ok && !t->have_header)
        ok = tbl_error(&ps.f, 1, 1, "missing 'regs NAME VERSION DATA_BITS' statement");
    if (ok && ps.open)
        ok = tbl_error(&ps.f, ps.open->at.line, ps.open->at.col,
                       "register %s is not closed with 'end'", ps.open->name);
    if (ok && !t->nregs)
        ok = tbl_error(&ps.f, 1, 1, "no registers");
    tbl_free(&ps.f);
    return ok;
}

void rg_free(struct rg_table *t)
{
    for (size_t i = 0; i < t->nenums; i++) {
        for (size_t j = 0; j < t->enums[i].nvals; j++)
            free(t->enums[i].vals[j].name);
        free(t->enums[i].vals);
        free(t->enums[i].name);
    }
    for (size_t i = 0; i < t->nregs; i++) {
        for (size_t j = 0; j < t->regs[i].nfields; j++) {
            free(t->regs[i].fields[j].name);
            free(t->regs[i].fields[j].doc);
        }
        free(t->regs[i].fields);
        free(t->regs[i].name);
        free(t->regs[i].doc);
    }
    free(t->enums);
    free(t->regs);
    free(t->name);
    memset(t, 0, sizeof *t);
}
