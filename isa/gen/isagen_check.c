/* isagen, step 2: the rules that relate statements to each other.
 *
 * Every message names the things involved (both fields of an overlap and the bits they
 * share, both instructions of a clashing opcode, ...) so that the table's author can fix it
 * without reading the generator.
 */
#include "isagen_check.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dpu/bits.h"

struct checker {
    const struct tbl_file *f;
    struct ig_model *m;
    int errors;
};

#define REPORT(c, pos, ...) ig_report((c)->f, &(c)->errors, (pos), __VA_ARGS__)

/* A C enum constant must fit an int; flags become 1u << index constants. */
#define IG_ENUM_MAX  INT32_MAX
#define IG_FLAGS_MAX 30

static void check_enums(struct checker *c)
{
    struct ig_model *m = c->m;
    for (size_t i = 0; i < m->nenums; i++) {
        const struct ig_enum *e = &m->enums[i];
        for (size_t j = 0; j < i; j++)
            if (ig_same_name(m->enums[j].name, e->name))
                REPORT(c, e->pos, "enum %s is defined twice (first as %s at line %d)", e->name,
                       m->enums[j].name, m->enums[j].pos.line);
        for (size_t k = 0; k < e->nvals; k++) {
            const struct ig_enum_val *v = &e->vals[k];
            for (size_t l = 0; l < k; l++) {
                if (ig_same_name(e->vals[l].name, v->name))
                    REPORT(c, v->pos, "enum %s: value %s is defined twice", e->name, v->name);
                else if (e->vals[l].value == v->value)
                    REPORT(c, v->pos, "enum %s: values %s and %s are both %" PRId64, e->name,
                           e->vals[l].name, v->name, v->value);
            }
            if (e->is_flags && v->value > IG_FLAGS_MAX)
                REPORT(c, v->pos, "flags %s: bit index %s=%" PRId64 " is not in 0..%d", e->name,
                       v->name, v->value, IG_FLAGS_MAX);
            else if (!e->is_flags && v->value > IG_ENUM_MAX)
                REPORT(c, v->pos, "enum %s: value %s=%" PRId64 " does not fit a C int", e->name,
                       v->name, v->value);
        }
    }

    /* Engines number the instruction queues 0..3; 4 is CTRL (END/SYNC). */
    m->engine_enum = ig_find_enum(m, "engine");
    if (m->engine_enum < 0)
        return;
    const struct ig_enum *e = &m->enums[m->engine_enum];
    if (e->is_flags)
        REPORT(c, e->pos, "enum engine must not be a flags enum");
    for (size_t k = 0; k < e->nvals; k++) {
        const struct ig_enum_val *v = &e->vals[k];
        if (v->value >= IG_ENGINE_CTRL)
            REPORT(c, v->pos, "enum engine: value %s=%" PRId64 " is not in 0..%d (%d is CTRL)",
                   v->name, v->value, IG_ENGINE_CTRL - 1, IG_ENGINE_CTRL);
        if (ig_same_name(v->name, "CTRL"))
            REPORT(c, v->pos, "enum engine: CTRL is reserved for END and SYNC");
    }
}

/* "field pad_top of LOAD" / "common field wait", for messages. */
static const char *describe(const struct ig_field *fd, const struct ig_insn *in, char *buf)
{
    if (in)
        snprintf(buf, IG_IDENT_BUF, "field %s of %s", fd->name, in->mnemonic);
    else
        snprintf(buf, IG_IDENT_BUF, "common field %s", fd->name);
    return buf;
}

/* Resolves enum:NAME / flags:NAME and checks every value fits the field. */
static void check_field_type(struct checker *c, struct ig_field *fd, const char *who)
{
    if (fd->kind != IG_ENUM && fd->kind != IG_FLAGS)
        return;
    int idx = ig_find_enum(c->m, fd->type_name);
    if (idx < 0) {
        REPORT(c, fd->type_pos, "%s: unknown enum '%s'", who, fd->type_name);
        return;
    }
    const struct ig_enum *e = &c->m->enums[idx];
    if (fd->kind == IG_ENUM && e->is_flags) {
        REPORT(c, fd->type_pos, "%s: enum %s is a flags enum; write flags:%s", who, e->name,
               e->name);
        return;
    }
    if (fd->kind == IG_FLAGS && !e->is_flags) {
        REPORT(c, fd->type_pos, "%s: enum %s is not a flags enum; write enum:%s", who, e->name,
               e->name);
        return;
    }
    fd->enm = idx;
    for (size_t k = 0; k < e->nvals; k++) {
        const struct ig_enum_val *v = &e->vals[k];
        if (e->is_flags && v->value >= (int64_t)fd->width)
            REPORT(c, fd->type_pos,
                   "%s (%u bit%s) cannot hold flag %s (bit %" PRId64 ") of flags %s", who,
                   fd->width, fd->width == 1 ? "" : "s", v->name, v->value, e->name);
        else if (!e->is_flags && !dpu_fits(v->value, fd->width, false))
            REPORT(c, fd->type_pos, "%s (%u bit%s) cannot hold value %s=%" PRId64 " of enum %s",
                   who, fd->width, fd->width == 1 ? "" : "s", v->name, v->value, e->name);
    }
}

/* Value of an enum or flags name (case-insensitive), or false. */
static bool enum_value(const struct ig_enum *e, const char *name, size_t len, int64_t *out)
{
    for (size_t k = 0; k < e->nvals; k++) {
        const char *vn = e->vals[k].name;
        if (strlen(vn) == len) {
            char a[IG_IDENT_BUF], b[IG_IDENT_BUF];
            memcpy(b, name, len);
            b[len] = '\0';
            if (!strcmp(ig_lower(vn, a), ig_lower(b, b))) {
                *out = e->vals[k].value;
                return true;
            }
        }
    }
    return false;
}

/* Flags default: a number (a mask of defined bits) or NAME|NAME|... */
static bool flags_default(struct checker *c, const struct ig_field *fd, const char *who,
                          const struct ig_enum *e, uint64_t *mask)
{
    int64_t v;
    uint64_t defined = 0;
    for (size_t k = 0; k < e->nvals; k++)
        defined |= (uint64_t)1 << e->vals[k].value;
    if (tbl_parse_int(fd->def_text, &v)) {
        if (v < 0 || ((uint64_t)v & ~defined)) {
            REPORT(c, fd->def_pos,
                   "%s: default %s is not a mask of the flags of %s (0x%" PRIx64 ")", who,
                   fd->def_text, e->name, defined);
            return false;
        }
        *mask = (uint64_t)v;
        return true;
    }
    *mask = 0;
    for (const char *s = fd->def_text; *s;) {
        size_t len = strcspn(s, "|");
        if (len == 0 || len > IG_NAME_MAX || !enum_value(e, s, len, &v)) {
            REPORT(c, fd->def_pos, "%s: default '%s' is not a number or NAME|NAME of flags %s", who,
                   fd->def_text, e->name);
            return false;
        }
        *mask |= (uint64_t)1 << v;
        s += len;
        if (*s == '|')
            s++;
    }
    return true;
}

/* Parses default=... into fd->def and checks it fits the field. */
static void check_default(struct checker *c, struct ig_field *fd, const char *who)
{
    if (!fd->has_def)
        return;
    int64_t v;
    switch (fd->kind) {
    case IG_U:
        if (!tbl_parse_int(fd->def_text, &v)) {
            REPORT(c, fd->def_pos, "%s: default '%s' is not a number", who, fd->def_text);
            return;
        }
        /* A non-negative literal is a bit pattern (0xFFFF... is valid for a u64 field). */
        if ((fd->def_text[0] == '-' && v != 0) || ((uint64_t)v & ~dpu_mask64(fd->width))) {
            REPORT(c, fd->def_pos,
                   "%s: default %s does not fit its %u-bit unsigned field (0..%" PRIu64 ")", who,
                   fd->def_text, fd->width, dpu_mask64(fd->width));
            return;
        }
        fd->def = v;
        return;
    case IG_S:
        if (!tbl_parse_int(fd->def_text, &v)) {
            REPORT(c, fd->def_pos, "%s: default '%s' is not a number", who, fd->def_text);
            return;
        }
        if (!dpu_fits(v, fd->width, true)) {
            int64_t smax = (int64_t)(dpu_mask64(fd->width) >> 1);
            REPORT(c, fd->def_pos,
                   "%s: default %s does not fit its %u-bit signed field (%" PRId64 "..%" PRId64 ")",
                   who, fd->def_text, fd->width, -smax - 1, smax);
            return;
        }
        fd->def = v;
        return;
    case IG_ENUM:
    case IG_FLAGS:
        break;
    }
    if (fd->enm < 0)
        return; /* the unknown enum was reported already */
    const struct ig_enum *e = &c->m->enums[fd->enm];
    if (fd->kind == IG_FLAGS) {
        uint64_t mask;
        if (flags_default(c, fd, who, e, &mask))
            fd->def = (int64_t)mask;
        return;
    }
    bool numeric = tbl_parse_int(fd->def_text, &v);
    if (numeric) {
        for (size_t k = 0; k < e->nvals; k++)
            if (e->vals[k].value == v) {
                fd->def = v;
                return;
            }
    } else if (strlen(fd->def_text) <= IG_NAME_MAX &&
               enum_value(e, fd->def_text, strlen(fd->def_text), &v)) {
        fd->def = v;
        return;
    }
    REPORT(c, fd->def_pos, "%s: default %s is not a value of enum %s", who, fd->def_text, e->name);
}

/* Checks one field on its own: position inside the word, type, default. */
static void check_field(struct checker *c, struct ig_field *fd, const struct ig_insn *in)
{
    char who[IG_IDENT_BUF];
    describe(fd, in, who);
    unsigned wb = c->m->word_bits;
    if (ig_hi(fd) >= wb)
        REPORT(c, fd->pos,
               "%s (bits %u:%u) ends at bit %u, past the %u-bit instruction word (bits 0..%u)", who,
               ig_hi(fd), fd->lo, ig_hi(fd), wb, wb - 1);
    check_field_type(c, fd, who);
    check_default(c, fd, who);
}

/* Reports b (the later field) if it shares bits with a. */
static void check_overlap(struct checker *c, const struct ig_field *a, const struct ig_insn *ina,
                          const struct ig_field *b, const struct ig_insn *inb)
{
    unsigned lo = a->lo > b->lo ? a->lo : b->lo;
    unsigned hi = ig_hi(a) < ig_hi(b) ? ig_hi(a) : ig_hi(b);
    if (lo > hi)
        return;
    char wa[IG_IDENT_BUF], wb[IG_IDENT_BUF];
    REPORT(c, b->pos, "%s (bits %u:%u) overlaps %s (bits %u:%u) in bits %u:%u",
           describe(b, inb, wb), ig_hi(b), b->lo, describe(a, ina, wa), ig_hi(a), a->lo, hi, lo);
}

static void check_common(struct checker *c)
{
    struct ig_model *m = c->m;
    for (size_t i = 0; i < m->ncommon; i++) {
        struct ig_field *fd = &m->common[i];
        for (size_t j = 0; j < i; j++)
            if (ig_same_name(m->common[j].name, fd->name))
                REPORT(c, fd->pos, "common field %s is defined twice (first as %s at line %d)",
                       fd->name, m->common[j].name, m->common[j].pos.line);
        check_field(c, fd, NULL);
        for (size_t j = 0; j < i; j++)
            check_overlap(c, &m->common[j], NULL, fd, NULL);
        if (!strcmp(fd->name, "opcode"))
            m->opcode_field = (int)i;
    }
    if (m->opcode_field < 0) {
        REPORT(c, m->isa_pos, "no common field named opcode: instructions cannot be told apart");
        return;
    }
    const struct ig_field *op = &m->common[m->opcode_field];
    if (op->kind != IG_U || op->width > IG_MAX_OPCODE_BITS || op->has_def)
        REPORT(c, op->pos, "common field opcode must be u, at most %d bits wide, with no default",
               IG_MAX_OPCODE_BITS);
}

static void set_used(uint64_t used[IG_MAX_WORDS], const struct ig_field *fd, unsigned word_bits)
{
    if (ig_hi(fd) < word_bits) /* fields past the word were refused already */
        dpu_bits_set(used, fd->lo, fd->width, ~(uint64_t)0);
}

static void check_engine(struct checker *c, struct ig_insn *in)
{
    const struct ig_model *m = c->m;
    if (!strcmp(in->engine_name, "CTRL")) {
        in->engine = IG_ENGINE_CTRL;
        return;
    }
    if (m->engine_enum < 0) {
        REPORT(c, in->engine_pos, "%s: unknown engine '%s' (no enum engine is defined; only CTRL)",
               in->mnemonic, in->engine_name);
        return;
    }
    const struct ig_enum *e = &m->enums[m->engine_enum];
    for (size_t k = 0; k < e->nvals; k++)
        if (!strcmp(e->vals[k].name, in->engine_name)) {
            in->engine = (int)e->vals[k].value;
            return;
        }
    char list[512] = "";
    for (size_t k = 0; k < e->nvals; k++) {
        size_t n = strlen(list);
        snprintf(list + n, sizeof list - n, "%s, ", e->vals[k].name);
    }
    REPORT(c, in->engine_pos, "%s: unknown engine '%s' (expected one of %sCTRL)", in->mnemonic,
           in->engine_name, list);
}

static void check_insn(struct checker *c, size_t idx)
{
    struct ig_model *m = c->m;
    struct ig_insn *in = &m->insns[idx];
    for (size_t j = 0; j < idx; j++) {
        const struct ig_insn *o = &m->insns[j];
        if (ig_same_name(o->mnemonic, in->mnemonic))
            REPORT(c, in->pos, "instruction %s is defined twice (first as %s at line %d)",
                   in->mnemonic, o->mnemonic, o->pos.line);
        if (o->opcode == in->opcode)
            REPORT(c, in->opcode_pos,
                   "instructions %s and %s have the same opcode 0x%02" PRIx64 " (%s at line %d)",
                   o->mnemonic, in->mnemonic, (uint64_t)in->opcode, o->mnemonic, o->pos.line);
    }
    if (m->opcode_field >= 0) {
        const struct ig_field *op = &m->common[m->opcode_field];
        if (!dpu_fits(in->opcode, op->width, false))
            REPORT(c, in->opcode_pos,
                   "%s: opcode 0x%02" PRIx64
                   " does not fit the %u-bit opcode field (0x00..0x%02" PRIx64 ")",
                   in->mnemonic, (uint64_t)in->opcode, op->width, dpu_mask64(op->width));
    }
    check_engine(c, in);

    memset(in->used, 0, sizeof in->used);
    for (size_t i = 0; i < m->ncommon; i++)
        set_used(in->used, &m->common[i], m->word_bits);
    for (size_t k = 0; k < in->nfields; k++) {
        struct ig_field *fd = &in->fields[k];
        for (size_t l = 0; l < k; l++)
            if (ig_same_name(in->fields[l].name, fd->name))
                REPORT(c, fd->pos, "field %s of %s is defined twice (first as %s at line %d)",
                       fd->name, in->mnemonic, in->fields[l].name, in->fields[l].pos.line);
        for (size_t i = 0; i < m->ncommon; i++)
            if (ig_same_name(m->common[i].name, fd->name))
                REPORT(c, fd->pos, "field %s of %s has the name of the common field %s", fd->name,
                       in->mnemonic, m->common[i].name);
        check_field(c, fd, in);
        for (size_t i = 0; i < m->ncommon; i++)
            check_overlap(c, &m->common[i], NULL, fd, in);
        for (size_t l = 0; l < k; l++)
            check_overlap(c, &in->fields[l], in, fd, in);
        set_used(in->used, fd, m->word_bits);
    }
}

bool ig_check(const struct tbl_file *f, struct ig_model *m)
{
    struct checker c = {f, m, 0};
    check_enums(&c);
    check_common(&c);
    if (!m->ninsns)
        REPORT(&c, m->isa_pos, "the table defines no instruction");
    for (size_t i = 0; i < m->ninsns; i++)
        check_insn(&c, i);
    /* Name clashes are only worth reporting once the names themselves are sound. */
    if (!c.errors)
        c.errors += ig_check_names(f, m);
    return c.errors == 0;
}
