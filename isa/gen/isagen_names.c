/* isagen: every identifier the emitters generate, and the check that no two coincide.
 *
 * The C header upper-cases names for macros and lower-cases them for functions, and the
 * SystemVerilog package CamelCases them, so distinct table names can still collide (a_b
 * and A_B, or a__b and a_b in SV). Building each name here, once, lets the check see
 * exactly what the emitters will print.
 */
#include "isagen_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *c_prefix(const struct ig_insn *in)
{
    return in ? in->mnemonic : "insn";
}

/* Every generated name is its parts joined with '_' and then spelled in one style (ig_upper,
 * ig_lower or ig_camel: "dpu", "load", "pad_top", "lo" -> DPU_LOAD_PAD_TOP_LO, or
 * LoadPadTopLo in CamelCase, where '_' only starts a word). The fixed parts are written in
 * lower case. Writes into buf[IG_IDENT_BUF]; the list of parts ends with NULL. */
static const char *ident(char *buf, const char *(*style)(const char *, char *), ...)
    __attribute__((sentinel));

static const char *ident(char *buf, const char *(*style)(const char *, char *), ...)
{
    char joined[IG_IDENT_BUF] = "";
    size_t n = 0;
    bool first = true;
    va_list ap;
    va_start(ap, style);
    for (const char *part; (part = va_arg(ap, const char *)) != NULL; first = false) {
        snprintf(joined + n, sizeof joined - n, "%s%s", first ? "" : "_", part);
        n = strlen(joined);
    }
    va_end(ap);
    return style(joined, buf);
}

const char *ig_c_enum_tag(const struct ig_enum *e, char *buf)
{
    return ident(buf, ig_lower, "dpu", e->name, NULL);
}

const char *ig_c_enum_const(const struct ig_enum *e, const struct ig_enum_val *v, char *buf)
{
    return ident(buf, ig_upper, "dpu", e->name, v->name, NULL);
}

const char *ig_c_enum_count(const struct ig_enum *e, char *buf)
{
    return ident(buf, ig_upper, "dpu", e->name, "count", NULL);
}

const char *ig_c_opcode(const struct ig_insn *in, char *buf)
{
    return ident(buf, ig_upper, "dpu", "op", in->mnemonic, NULL);
}

const char *ig_c_field_macro(const struct ig_insn *in, const struct ig_field *fd,
                             const char *suffix, char *buf)
{
    return ident(buf, ig_upper, "dpu", c_prefix(in), fd->name, suffix, NULL);
}

const char *ig_c_accessor(const struct ig_insn *in, const struct ig_field *fd, const char *verb,
                          char *buf)
{
    return ident(buf, ig_lower, "dpu", c_prefix(in), verb, fd->name, NULL);
}

const char *ig_sv_enum_type(const struct ig_enum *e, char *buf)
{
    return ident(buf, ig_lower, e->name, "e", NULL);
}

const char *ig_sv_enum_const(const struct ig_enum *e, const struct ig_enum_val *v, char *buf)
{
    return ident(buf, ig_camel, e->name, v->name, NULL);
}

const char *ig_sv_enum_count(const struct ig_enum *e, char *buf)
{
    return ident(buf, ig_camel, e->name, "count", NULL);
}

const char *ig_sv_opcode(const struct ig_insn *in, char *buf)
{
    return ident(buf, ig_camel, "op", in->mnemonic, NULL);
}

const char *ig_sv_field_param(const struct ig_insn *in, const struct ig_field *fd,
                              const char *suffix, char *buf)
{
    return ident(buf, ig_camel, c_prefix(in), fd->name, suffix, NULL);
}

const char *ig_sv_used_mask(const struct ig_insn *in, char *buf)
{
    return ident(buf, ig_camel, in->mnemonic, "used_mask", NULL);
}

/* ---- the clash check ---- */

struct gen_name {
    char name[IG_IDENT_BUF];
    char origin[160];  /* what produced it, for the message */
    struct ig_pos pos; /* {0, 0}: fixed by the generator or by a hand-written header */
    size_t seq;        /* insertion order: keeps the sort, and so the messages, stable */
};

struct name_set {
    struct gen_name *v;
    size_t n, cap;
    bool oom;
};

static void add(struct name_set *s, const char *name, struct ig_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add(struct name_set *s, const char *name, struct ig_pos pos, const char *fmt, ...)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        struct gen_name *nv = realloc(s->v, cap * sizeof *nv);
        if (!nv) {
            s->oom = true;
            return;
        }
        s->v = nv;
        s->cap = cap;
    }
    struct gen_name *g = &s->v[s->n];
    snprintf(g->name, sizeof g->name, "%s", name);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->origin, sizeof g->origin, fmt, ap);
    va_end(ap);
    g->pos = pos;
    g->seq = s->n++;
}

static int by_name(const void *a, const void *b)
{
    const struct gen_name *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* Names from isa_gen.h's fixed part, isa_desc.h and bits.h ("tag " marks struct/enum tags,
 * which live in their own C namespace). */
static const char *const fixed_c_names[] = {"DPU_ISA_GEN_H",
                                            "DPU_ISA_NAME",
                                            "DPU_ISA_VERSION_MAJOR",
                                            "DPU_ISA_VERSION_MINOR",
                                            "DPU_INSN_BITS",
                                            "DPU_INSN_BYTES",
                                            "DPU_INSN_WORDS",
                                            "dpu_insn",
                                            "tag dpu_insn",
                                            "tag dpu_opcode",
                                            "dpu_insn_descs",
                                            "dpu_insn_desc_count",
                                            "dpu_enum_descs",
                                            "dpu_enum_desc_count",
                                            "dpu_insn_desc_by_opcode",
                                            "dpu_insn_desc_by_name",
                                            "dpu_enum_desc_by_name",
                                            "dpu_engine_name",
                                            "DPU_ISA_DESC_H",
                                            "DPU_ENGINE_CTRL",
                                            "tag dpu_enum_val",
                                            "tag dpu_enum_desc",
                                            "tag dpu_field_kind",
                                            "DPU_FIELD_U",
                                            "DPU_FIELD_S",
                                            "DPU_FIELD_ENUM",
                                            "DPU_FIELD_FLAGS",
                                            "tag dpu_field_desc",
                                            "tag dpu_insn_desc",
                                            "DPU_BITS_H",
                                            "dpu_mask64",
                                            "dpu_bits_get",
                                            "dpu_bits_set",
                                            "dpu_sext",
                                            "dpu_fits",
                                            "DPU_ISA_FOR_EACH_FIELD"};
static const char *const fixed_sv_names[] = {"dpu_isa_pkg", "InsnBits",        "InsnBytes",
                                             "InsnWords",   "IsaVersionMajor", "IsaVersionMinor",
                                             "opcode_e"};

static void add_fields(struct name_set *c, struct name_set *sv, const struct ig_insn *in,
                       const struct ig_field *fields, size_t n)
{
    const char *owner = in ? in->mnemonic : "common";
    char b[IG_IDENT_BUF], tag[IG_IDENT_BUF];
    for (size_t i = 0; i < n; i++) {
        const struct ig_field *fd = &fields[i];
        snprintf(tag, sizeof tag, "field %s of %s", fd->name, owner);
        add(c, ig_c_field_macro(in, fd, "LO", b), fd->pos, "%s", tag);
        add(c, ig_c_field_macro(in, fd, "WIDTH", b), fd->pos, "%s", tag);
        add(c, ig_c_accessor(in, fd, "get", b), fd->pos, "%s", tag);
        add(c, ig_c_accessor(in, fd, "set", b), fd->pos, "%s", tag);
        add(sv, ig_sv_field_param(in, fd, "Lo", b), fd->pos, "%s", tag);
        add(sv, ig_sv_field_param(in, fd, "Width", b), fd->pos, "%s", tag);
    }
}

static int report_clashes(const struct tbl_file *f, struct name_set *s, const char *lang)
{
    int errors = 0;
    qsort(s->v, s->n, sizeof *s->v, by_name);
    for (size_t i = 1; i < s->n; i++) {
        const struct gen_name *a = &s->v[i - 1], *b = &s->v[i];
        if (strcmp(a->name, b->name) != 0)
            continue;
        /* Point at the table line that came last; fixed names have no line. */
        const struct gen_name *at = b->pos.line ? b : a, *other = at == b ? a : b;
        char where[32] = "";
        if (other->pos.line)
            snprintf(where, sizeof where, " (line %d)", other->pos.line);
        ig_report(f, &errors, at->pos,
                  "generated %s name %s of %s clashes with the same name of %s%s; rename one", lang,
                  b->name, at->origin, other->origin, where);
    }
    return errors;
}

int ig_check_names(const struct tbl_file *f, const struct ig_model *m)
{
    struct name_set c = {0}, sv = {0};
    const struct ig_pos none = {0, 0};
    char b[IG_IDENT_BUF];
    for (size_t i = 0; i < sizeof fixed_c_names / sizeof fixed_c_names[0]; i++)
        add(&c, fixed_c_names[i], none, "the generator's fixed API");
    for (size_t i = 0; i < sizeof fixed_sv_names / sizeof fixed_sv_names[0]; i++)
        add(&sv, fixed_sv_names[i], none, "the package's fixed names");

    for (size_t i = 0; i < m->nenums; i++) {
        const struct ig_enum *e = &m->enums[i];
        char tag[IG_IDENT_BUF + 8];
        add(&c, strcat(strcpy(tag, "tag "), ig_c_enum_tag(e, b)), e->pos, "enum %s", e->name);
        add(&c, ig_c_enum_count(e, b), e->pos, "enum %s", e->name);
        add(&sv, ig_sv_enum_type(e, b), e->pos, "enum %s", e->name);
        add(&sv, ig_sv_enum_count(e, b), e->pos, "enum %s", e->name);
        for (size_t k = 0; k < e->nvals; k++) {
            const struct ig_enum_val *v = &e->vals[k];
            add(&c, ig_c_enum_const(e, v, b), v->pos, "value %s of enum %s", v->name, e->name);
            add(&sv, ig_sv_enum_const(e, v, b), v->pos, "value %s of enum %s", v->name, e->name);
        }
    }
    add_fields(&c, &sv, NULL, m->common, m->ncommon);
    for (size_t i = 0; i < m->ninsns; i++) {
        const struct ig_insn *in = &m->insns[i];
        add(&c, ig_c_opcode(in, b), in->pos, "insn %s", in->mnemonic);
        add(&sv, ig_sv_opcode(in, b), in->pos, "insn %s", in->mnemonic);
        add(&sv, ig_sv_used_mask(in, b), in->pos, "insn %s", in->mnemonic);
        add_fields(&c, &sv, in, in->fields, in->nfields);
    }

    int errors = 0;
    if (c.oom || sv.oom)
        ig_report(f, &errors, m->isa_pos, "out of memory while checking generated names");
    else
        errors = report_clashes(f, &c, "C") + report_clashes(f, &sv, "SystemVerilog");
    free(c.v);
    free(sv.v);
    return errors;
}
