/* isagen, step 1: turn the statements of isa.tbl into the model (struct ig_model).
 *
 * Only the shape of each statement is checked here (token kinds and counts, numbers,
 * identifiers, insn ... end nesting). Everything that relates statements to each other
 * (overlaps, duplicates, enum references, defaults) is isagen_check.c's job, so that a
 * table with several problems gets all of them reported in one run.
 */
#include "isagen_check.h"
#include "isagen_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
    const struct tbl_file *f;
    struct ig_model *m;
    int errors;
    long open_insn; /* index of the insn awaiting its `end`, or -1 */
    bool have_isa;  /* a well-formed isa statement was read */
    bool saw_isa;   /* any isa statement, even a malformed one (reported already) */
};

static void perr(struct parser *p, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void perr(struct parser *p, int line, int col, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tbl_error(p->f, line, col, "%s", msg);
    p->errors++;
}

/* Grows *arr (of *n elements of size sz) by one zeroed element; returns it or NULL. */
static void *grow(void **arr, size_t *n, size_t sz)
{
    char *na = realloc(*arr, (*n + 1) * sz);
    if (!na)
        return NULL;
    *arr = na;
    memset(na + *n * sz, 0, sz);
    return na + (*n)++ * sz;
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

/* The statement being parsed, for messages about missing or surplus tokens. */
struct stmt {
    const struct tbl_line *ln;
    const char *usage;
};

static const struct tbl_tok *tok(const struct stmt *st, size_t i)
{
    return i < st->ln->ntok ? &st->ln->tok[i] : NULL;
}

/* Position just after the last token: where a missing token was expected. */
static void end_pos(const struct stmt *st, int *line, int *col)
{
    const struct tbl_tok *t = &st->ln->tok[st->ln->ntok - 1];
    *line = t->line;
    *col = t->col + (int)strlen(t->text) + (t->kind == TBL_STRING ? 2 : 0);
}

/* Returns token i if it is a word; otherwise reports what was expected and returns NULL. */
static const struct tbl_tok *need_word(struct parser *p, const struct stmt *st, size_t i,
                                       const char *what)
{
    const struct tbl_tok *t = tok(st, i);
    if (!t) {
        int line, col;
        end_pos(st, &line, &col);
        perr(p, line, col, "%s: missing %s; expected: %s", st->ln->tok[0].text, what, st->usage);
        return NULL;
    }
    if (t->kind != TBL_WORD) {
        perr(p, t->line, t->col, "%s: expected %s, found %s; expected: %s", st->ln->tok[0].text,
             what, t->kind == TBL_STRING ? "a quoted string" : "'='", st->usage);
        return NULL;
    }
    return t;
}

static const struct tbl_tok *need_string(struct parser *p, const struct stmt *st, size_t i,
                                         const char *what)
{
    const struct tbl_tok *t = tok(st, i);
    if (!t) {
        int line, col;
        end_pos(st, &line, &col);
        perr(p, line, col, "%s: missing %s; expected: %s", st->ln->tok[0].text, what, st->usage);
        return NULL;
    }
    if (t->kind != TBL_STRING) {
        perr(p, t->line, t->col, "%s: expected %s in quotes, found '%s'; expected: %s",
             st->ln->tok[0].text, what, t->text, st->usage);
        return NULL;
    }
    return t;
}

static bool need_end(struct parser *p, const struct stmt *st, size_t n)
{
    const struct tbl_tok *t = tok(st, n);
    if (!t)
        return true;
    perr(p, t->line, t->col, "%s: unexpected '%s' after the end of the statement; expected: %s",
         st->ln->tok[0].text, t->text, st->usage);
    return false;
}

static bool need_name(struct parser *p, const struct tbl_tok *t, const char *what)
{
    if (!is_ident(t->text)) {
        perr(p, t->line, t->col, "%s '%s' is not a name (a letter, then letters, digits and '_')",
             what, t->text);
        return false;
    }
    if (strlen(t->text) > IG_NAME_MAX) {
        perr(p, t->line, t->col, "%s '%s' is longer than %d characters", what, t->text,
             IG_NAME_MAX);
        return false;
    }
    return true;
}

static bool need_int(struct parser *p, const struct tbl_tok *t, const char *what, int64_t min,
                     int64_t max, int64_t *out)
{
    if (!tbl_parse_int(t->text, out)) {
        perr(p, t->line, t->col, "%s '%s' is not a number", what, t->text);
        return false;
    }
    if (*out < min || *out > max) {
        perr(p, t->line, t->col, "%s %s is not in %lld..%lld", what, t->text, (long long)min,
             (long long)max);
        return false;
    }
    return true;
}

/* Reads one decimal number of 1..3 digits at *s, advancing it. */
static bool small_decimal(const char **s, unsigned *out)
{
    unsigned v = 0;
    int n = 0;
    for (; **s >= '0' && **s <= '9'; (*s)++) {
        if (++n > 3)
            return false;
        v = v * 10 + (unsigned)(**s - '0');
    }
    *out = v;
    return n > 0;
}

/* "MAJOR.MINOR", each 0..999. */
static bool parse_version(const char *s, unsigned *major, unsigned *minor)
{
    return small_decimal(&s, major) && *s++ == '.' && small_decimal(&s, minor) && !*s;
}

/* isa NAME VERSION WORD_BITS */
static void parse_isa(struct parser *p, const struct stmt *st)
{
    p->saw_isa = true;
    const struct tbl_tok *name = need_word(p, st, 1, "NAME");
    const struct tbl_tok *ver = name ? need_word(p, st, 2, "VERSION") : NULL;
    const struct tbl_tok *bits = ver ? need_word(p, st, 3, "WORD_BITS") : NULL;
    if (!bits || !need_end(p, st, 4) || !need_name(p, name, "ISA name"))
        return;
    if (p->have_isa) {
        perr(p, st->ln->tok[0].line, st->ln->tok[0].col, "isa: a second isa statement");
        return;
    }
    unsigned major, minor;
    if (!parse_version(ver->text, &major, &minor)) {
        perr(p, ver->line, ver->col, "isa: version '%s' is not MAJOR.MINOR (e.g. 0.1)", ver->text);
        return;
    }
    int64_t wb;
    if (!need_int(p, bits, "isa: WORD_BITS", 64, 64 * IG_MAX_WORDS, &wb))
        return;
    if (wb % 64) {
        perr(p, bits->line, bits->col, "isa: WORD_BITS %s is not a multiple of 64", bits->text);
        return;
    }
    p->m->name = name->text;
    p->m->isa_pos = (struct ig_pos){st->ln->tok[0].line, st->ln->tok[0].col};
    p->m->ver_major = major;
    p->m->ver_minor = minor;
    p->m->word_bits = (unsigned)wb;
    p->have_isa = true;
}

/* enum NAME [flags] VALUE=NUMBER ... */
static void parse_enum(struct parser *p, const struct stmt *st)
{
    const struct tbl_tok *name = need_word(p, st, 1, "NAME");
    if (!name || !need_name(p, name, "enum name"))
        return;
    size_t i = 2;
    bool is_flags = false;
    const struct tbl_tok *t = tok(st, 2), *t3 = tok(st, 3);
    if (t && t->kind == TBL_WORD && !strcmp(t->text, "flags") && !(t3 && t3->kind == TBL_EQUALS)) {
        is_flags = true;
        i = 3;
    }
    if (!tok(st, i)) {
        int line, col;
        end_pos(st, &line, &col);
        perr(p, line, col, "enum %s: no values; expected: %s", name->text, st->usage);
        return;
    }
    struct ig_enum e = {name->text, is_flags, 0, NULL, {name->line, name->col}};
    for (; i < st->ln->ntok; i += 3) {
        const struct tbl_tok *vn = need_word(p, st, i, "VALUE name");
        const struct tbl_tok *eq = vn ? tok(st, i + 1) : NULL;
        if (vn && (!eq || eq->kind != TBL_EQUALS)) {
            int line = vn->line, col = vn->col + (int)strlen(vn->text);
            perr(p, line, col, "enum %s: value %s needs =NUMBER; expected: %s", name->text,
                 vn->text, st->usage);
            vn = NULL;
        }
        const struct tbl_tok *vv = vn ? need_word(p, st, i + 2, "NUMBER") : NULL;
        int64_t v;
        if (!vv || !need_name(p, vn, "enum value name") ||
            !need_int(p, vv, "enum value", 0, INT64_MAX, &v)) {
            free(e.vals);
            return;
        }
        struct ig_enum_val *ev = grow((void **)&e.vals, &e.nvals, sizeof *ev);
        if (!ev) {
            free(e.vals);
            perr(p, vn->line, vn->col, "out of memory");
            return;
        }
        *ev = (struct ig_enum_val){vn->text, v, {vn->line, vn->col}};
    }
    struct ig_enum *slot = grow((void **)&p->m->enums, &p->m->nenums, sizeof *slot);
    if (!slot) {
        free(e.vals);
        perr(p, name->line, name->col, "out of memory");
        return;
    }
    *slot = e;
}

/* common|field NAME LO WIDTH TYPE [default=N] "meaning" into *fd; false after an error. */
static bool parse_field(struct parser *p, const struct stmt *st, struct ig_field *fd)
{
    const struct tbl_tok *name = need_word(p, st, 1, "NAME");
    const struct tbl_tok *lo = name ? need_word(p, st, 2, "LO") : NULL;
    const struct tbl_tok *width = lo ? need_word(p, st, 3, "WIDTH") : NULL;
    const struct tbl_tok *type = width ? need_word(p, st, 4, "TYPE") : NULL;
    if (!type)
        return false;
    size_t i = 5;
    const struct tbl_tok *key = tok(st, 5), *def = NULL;
    if (key && key->kind == TBL_WORD) {
        const struct tbl_tok *eq = tok(st, 6);
        if (!eq || eq->kind != TBL_EQUALS) {
            perr(p, key->line, key->col, "%s %s: unexpected '%s'; expected: %s",
                 st->ln->tok[0].text, name->text, key->text, st->usage);
            return false;
        }
        if (strcmp(key->text, "default") != 0) {
            perr(p, key->line, key->col, "%s %s: unknown option '%s' (only default=N)",
                 st->ln->tok[0].text, name->text, key->text);
            return false;
        }
        def = need_word(p, st, 7, "default value");
        if (!def)
            return false;
        i = 8;
    }
    const struct tbl_tok *doc = need_string(p, st, i, "\"meaning\"");
    if (!doc || !need_end(p, st, i + 1) || !need_name(p, name, "field name"))
        return false;

    int64_t lo_v, width_v;
    if (!need_int(p, lo, "LO", 0, INT32_MAX, &lo_v))
        return false;
    if (!tbl_parse_int(width->text, &width_v)) {
        perr(p, width->line, width->col, "WIDTH '%s' is not a number", width->text);
        return false;
    }
    if (width_v < 1 || width_v > 64) {
        perr(p, width->line, width->col, "field %s: width %s is not in 1..64", name->text,
             width->text);
        return false;
    }

    *fd = (struct ig_field){.name = name->text,
                            .lo = (unsigned)lo_v,
                            .width = (unsigned)width_v,
                            .enm = -1,
                            .doc = doc->text,
                            .pos = {name->line, name->col},
                            .type_pos = {type->line, type->col}};
    if (!strcmp(type->text, "u")) {
        fd->kind = IG_U;
    } else if (!strcmp(type->text, "s")) {
        fd->kind = IG_S;
    } else if (!strncmp(type->text, "enum:", 5) && type->text[5]) {
        fd->kind = IG_ENUM;
        fd->type_name = type->text + 5;
    } else if (!strncmp(type->text, "flags:", 6) && type->text[6]) {
        fd->kind = IG_FLAGS;
        fd->type_name = type->text + 6;
    } else {
        perr(p, type->line, type->col,
             "field %s: unknown type '%s' (expected u, s, enum:NAME or flags:NAME)", name->text,
             type->text);
        return false;
    }
    if (def) {
        fd->has_def = true;
        fd->def_text = def->text;
        fd->def_pos = (struct ig_pos){def->line, def->col};
    }
    return true;
}

static void parse_common(struct parser *p, const struct stmt *st)
{
    struct ig_field fd;
    if (!parse_field(p, st, &fd))
        return;
    struct ig_field *slot = grow((void **)&p->m->common, &p->m->ncommon, sizeof *slot);
    if (!slot) {
        perr(p, fd.pos.line, fd.pos.col, "out of memory");
        return;
    }
    *slot = fd;
}

static void parse_insn_field(struct parser *p, const struct stmt *st)
{
    const struct tbl_tok *kw = &st->ln->tok[0];
    if (p->open_insn < 0) {
        perr(p, kw->line, kw->col, "field outside insn ... end");
        return;
    }
    struct ig_field fd;
    if (!parse_field(p, st, &fd))
        return;
    struct ig_insn *in = &p->m->insns[p->open_insn];
    struct ig_field *slot = grow((void **)&in->fields, &in->nfields, sizeof *slot);
    if (!slot) {
        perr(p, fd.pos.line, fd.pos.col, "out of memory");
        return;
    }
    *slot = fd;
}

/* insn MNEMONIC OPCODE ENGINE "summary" */
static void parse_insn(struct parser *p, const struct stmt *st)
{
    const struct tbl_tok *kw = &st->ln->tok[0];
    if (p->open_insn >= 0) {
        const struct ig_insn *prev = &p->m->insns[p->open_insn];
        perr(p, kw->line, kw->col, "insn %s (line %d) is not closed by end before this insn",
             prev->mnemonic, prev->pos.line);
        p->open_insn = -1;
    }
    const struct tbl_tok *mn = need_word(p, st, 1, "MNEMONIC");
    const struct tbl_tok *op = mn ? need_word(p, st, 2, "OPCODE") : NULL;
    const struct tbl_tok *eng = op ? need_word(p, st, 3, "ENGINE") : NULL;
    const struct tbl_tok *sum = eng ? need_string(p, st, 4, "\"summary\"") : NULL;
    int64_t opv;
    if (!sum || !need_end(p, st, 5) || !need_name(p, mn, "mnemonic") ||
        !need_int(p, op, "OPCODE", 0, INT64_MAX, &opv)) {
        /* Still open a nameless block so that its fields and end do not cascade into
         * "field outside insn" errors; it is dropped at the end of parsing. */
        struct ig_insn *slot = grow((void **)&p->m->insns, &p->m->ninsns, sizeof *slot);
        if (slot) {
            slot->pos = (struct ig_pos){kw->line, kw->col};
            p->open_insn = (long)(p->m->ninsns - 1);
        }
        return;
    }
    struct ig_insn *slot = grow((void **)&p->m->insns, &p->m->ninsns, sizeof *slot);
    if (!slot) {
        perr(p, mn->line, mn->col, "out of memory");
        return;
    }
    *slot = (struct ig_insn){.mnemonic = mn->text,
                             .opcode = opv,
                             .engine_name = eng->text,
                             .engine = -1,
                             .summary = sum->text,
                             .pos = {mn->line, mn->col},
                             .opcode_pos = {op->line, op->col},
                             .engine_pos = {eng->line, eng->col}};
    p->open_insn = (long)(p->m->ninsns - 1);
}

static void parse_end(struct parser *p, const struct stmt *st)
{
    const struct tbl_tok *kw = &st->ln->tok[0];
    if (!need_end(p, st, 1))
        return;
    if (p->open_insn < 0) {
        perr(p, kw->line, kw->col, "end without a matching insn");
        return;
    }
    p->open_insn = -1;
}

static void parse_line(struct parser *p, const struct tbl_line *ln)
{
    static const struct {
        const char *kw;
        void (*fn)(struct parser *, const struct stmt *);
        const char *usage;
    } stmts[] = {
        {"isa", parse_isa, "isa NAME VERSION WORD_BITS"},
        {"enum", parse_enum, "enum NAME [flags] VALUE=NUMBER ..."},
        {"common", parse_common, "common NAME LO WIDTH TYPE [default=N] \"meaning\""},
        {"insn", parse_insn, "insn MNEMONIC OPCODE ENGINE \"summary\""},
        {"field", parse_insn_field, "field NAME LO WIDTH TYPE [default=N] \"meaning\""},
        {"end", parse_end, "end"},
    };
    const struct tbl_tok *kw = &ln->tok[0];
    for (size_t i = 0; kw->kind == TBL_WORD && i < sizeof stmts / sizeof stmts[0]; i++) {
        if (!strcmp(kw->text, stmts[i].kw)) {
            struct stmt st = {ln, stmts[i].usage};
            stmts[i].fn(p, &st);
            return;
        }
    }
    perr(p, kw->line, kw->col,
         "unknown statement '%s' (expected isa, enum, common, insn, field or end)", kw->text);
}

/* Drops the placeholder blocks opened by malformed insn statements. */
static void drop_nameless_insns(struct ig_model *m)
{
    size_t k = 0;
    for (size_t i = 0; i < m->ninsns; i++) {
        if (m->insns[i].mnemonic)
            m->insns[k++] = m->insns[i];
        else
            free(m->insns[i].fields);
    }
    m->ninsns = k;
}

bool ig_parse(const struct tbl_file *f, struct ig_model *m)
{
    memset(m, 0, sizeof *m);
    m->path = f->path;
    m->opcode_field = -1;
    m->engine_enum = -1;
    struct parser p = {f, m, 0, -1, false, false};
    for (size_t i = 0; i < f->nlines; i++)
        parse_line(&p, &f->lines[i]);
    if (p.open_insn >= 0) {
        const struct ig_insn *in = &m->insns[p.open_insn];
        perr(&p, in->pos.line, in->pos.col, "insn %s is not closed by end",
             in->mnemonic ? in->mnemonic : "");
    }
    if (!p.saw_isa)
        perr(&p, 1, 1, "missing the isa NAME VERSION WORD_BITS statement");
    drop_nameless_insns(m);
    if (p.errors || !p.have_isa)
        return false;
    return ig_check(f, m);
}

void ig_model_free(struct ig_model *m)
{
    for (size_t i = 0; i < m->nenums; i++)
        free(m->enums[i].vals);
    for (size_t i = 0; i < m->ninsns; i++)
        free(m->insns[i].fields);
    free(m->enums);
    free(m->common);
    free(m->insns);
    memset(m, 0, sizeof *m);
}
