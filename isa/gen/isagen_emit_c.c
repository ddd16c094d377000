/* isagen: the C header (dpu/isa_gen.h) and tables (isa_gen.c).
 *
 * The header gives each field a _LO/_WIDTH pair and get/set accessors built on bits.h, and
 * draws each instruction's encoding in a comment (in the manner of Lua's lopcodes.h). The
 * source holds the descriptor tables that the assembler and disassembler walk.
 */
#include "isagen_emit.h"
#include "gen_out.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- the encoding drawing ---- */

struct seg {
    unsigned hi, lo;
    char label[IG_IDENT_BUF];
};

/* A word holds at most 64 field parts and 65 gaps between them. */
#define MAX_SEGS   130
#define DRAW_WIDTH 96

static void add_part(struct seg *segs, size_t *n, const struct ig_field *fd, unsigned wlo,
                     unsigned whi)
{
    if (fd->lo > whi || ig_hi(fd) < wlo || *n >= MAX_SEGS)
        return;
    struct seg *s = &segs[(*n)++];
    s->lo = fd->lo > wlo ? fd->lo : wlo;
    s->hi = ig_hi(fd) < whi ? ig_hi(fd) : whi;
    if (s->lo == fd->lo && s->hi == ig_hi(fd))
        snprintf(s->label, sizeof s->label, "%s", fd->name);
    else /* the part of a field that crosses a word boundary: name[field bits] */
        snprintf(s->label, sizeof s->label, "%s[%u:%u]", fd->name, s->hi - fd->lo, s->lo - fd->lo);
}

static int by_hi_desc(const void *a, const void *b)
{
    const struct seg *x = a, *y = b;
    return (x->hi < y->hi) - (x->hi > y->hi);
}

static void flush_rows(struct gen_out *o, char *top, char *bot)
{
    gen_out_printf(o, " *   %s|\n *   %s|\n", top, bot);
    top[0] = bot[0] = '\0';
}

/* Draws word `word` of an instruction (in NULL: the common fields only), high bit first:
 *   |13    10|9    6|5     0|
 *   | signal | wait |opcode |   ('-' marks bits no field covers)  */
static void draw_word(struct gen_out *o, const struct ig_model *m, const struct ig_insn *in,
                      unsigned word)
{
    struct seg parts[MAX_SEGS], segs[MAX_SEGS];
    size_t np = 0, ns = 0;
    unsigned wlo = word * 64, whi = wlo + 63;
    for (size_t i = 0; i < m->ncommon; i++)
        add_part(parts, &np, &m->common[i], wlo, whi);
    for (size_t i = 0; in && i < in->nfields; i++)
        add_part(parts, &np, &in->fields[i], wlo, whi);
    qsort(parts, np, sizeof parts[0], by_hi_desc);

    /* Fields never overlap in a checked model, so parts and the gaps between them tile the
     * word: at most 64 parts and 65 gaps. */
    long next = (long)whi; /* highest bit not drawn yet */
    for (size_t i = 0; i < np && ns + 2 <= MAX_SEGS; i++) {
        if ((long)parts[i].hi < next)
            segs[ns++] = (struct seg){(unsigned)next, parts[i].hi + 1, "-"};
        segs[ns++] = parts[i];
        next = (long)parts[i].lo - 1;
    }
    if (next >= (long)wlo && ns < MAX_SEGS)
        segs[ns++] = (struct seg){(unsigned)next, wlo, "-"};

    gen_out_printf(o, " *   bits %u..%u:\n", whi, wlo);
    char top[512] = "", bot[512] = "";
    for (size_t i = 0; i < ns; i++) {
        char hi[8], lo[8];
        snprintf(hi, sizeof hi, "%u", segs[i].hi);
        snprintf(lo, sizeof lo, "%u", segs[i].lo);
        size_t label = strlen(segs[i].label), bits = strlen(hi) + 1 + strlen(lo);
        if (segs[i].hi == segs[i].lo)
            bits = strlen(hi);
        size_t w = label + 2 > bits ? label + 2 : bits;
        if (top[0] && strlen(top) + w + 1 > DRAW_WIDTH)
            flush_rows(o, top, bot);
        char cell[IG_IDENT_BUF + 32];
        if (segs[i].hi == segs[i].lo)
            snprintf(cell, sizeof cell, "|%-*s", (int)w, hi);
        else
            snprintf(cell, sizeof cell, "|%s%*s", hi, (int)(w - strlen(hi)), lo);
        strcat(top, cell);
        size_t left = (w - label) / 2;
        snprintf(cell, sizeof cell, "|%*s%s%*s", (int)left, "", segs[i].label,
                 (int)(w - label - left), "");
        strcat(bot, cell);
    }
    flush_rows(o, top, bot);
}

static bool word_has_fields(const struct ig_model *m, const struct ig_insn *in, unsigned word)
{
    unsigned wlo = word * 64, whi = wlo + 63;
    for (size_t i = 0; i < m->ncommon; i++)
        if (m->common[i].lo <= whi && ig_hi(&m->common[i]) >= wlo)
            return true;
    for (size_t i = 0; in && i < in->nfields; i++)
        if (in->fields[i].lo <= whi && ig_hi(&in->fields[i]) >= wlo)
            return true;
    return false;
}

/* Draws every word; runs of words without fields become one line. */
static void draw_insn(struct gen_out *o, const struct ig_model *m, const struct ig_insn *in)
{
    unsigned nwords = m->word_bits / 64;
    for (unsigned w = 0; w < nwords;) {
        if (word_has_fields(m, in, w)) {
            draw_word(o, m, in, w++);
            continue;
        }
        unsigned first = w;
        while (w < nwords && !word_has_fields(m, in, w))
            w++;
        gen_out_printf(o, " *   bits %u..%u: no fields\n", w * 64 - 1, first * 64);
    }
}

/* ---- the header ---- */

static const char *const banner =
    "generated from %s by isagen; do not edit.\n"
    " * Edit the table and rebuild: the C, SystemVerilog and docs outputs all follow from it.";

/* A C literal for any int64_t (INT64_MIN has no literal of its own). */
static void put_int64(struct gen_out *o, int64_t v)
{
    if (v == INT64_MIN)
        gen_out_printf(o, "(-INT64_C(9223372036854775807) - 1)");
    else if (v < INT32_MIN || v > INT32_MAX)
        gen_out_printf(o, "INT64_C(%" PRId64 ")", v);
    else
        gen_out_printf(o, "%" PRId64, v);
}

static void emit_enums_h(struct gen_out *o, const struct ig_model *m)
{
    char a[IG_IDENT_BUF];
    for (size_t i = 0; i < m->nenums; i++) {
        const struct ig_enum *e = &m->enums[i];
        if (e->is_flags)
            gen_out_printf(o, "/* flags %s: bit masks; a flags:%s field holds any OR of them. */\n",
                           e->name, e->name);
        else
            gen_out_printf(o, "/* enum %s */\n", e->name);
        gen_out_printf(o, "enum %s {\n", ig_c_enum_tag(e, a));
        for (size_t k = 0; k < e->nvals; k++) {
            gen_out_printf(o, "    %s = ", ig_c_enum_const(e, &e->vals[k], a));
            if (e->is_flags)
                gen_out_printf(o, "1u << %" PRId64 ",\n", e->vals[k].value);
            else
                gen_out_printf(o, "%" PRId64 ",\n", e->vals[k].value);
        }
        gen_out_printf(o, "};\n#define %s %zu /* number of values */\n\n", ig_c_enum_count(e, a),
                       e->nvals);
    }
}

static void emit_opcodes_h(struct gen_out *o, const struct ig_model *m)
{
    char a[IG_IDENT_BUF];
    gen_out_printf(o, "/* Opcodes, one per instruction; the engine whose queue runs it, then what "
                      "it does. */\nenum dpu_opcode {\n");
    for (size_t i = 0; i < m->ninsns; i++) {
        const struct ig_insn *in = &m->insns[i];
        gen_out_printf(o, "    %s = 0x%02" PRIx64 ", /* %s: ", ig_c_opcode(in, a),
                       (uint64_t)in->opcode, ig_engine_text(m, in->engine));
        gen_put_comment(o->fp, in->summary);
        gen_out_printf(o, " */\n");
    }
    gen_out_printf(o, "};\n\n");
}

/* One field's comment, _LO/_WIDTH macros and accessors. */
static void emit_field_h(struct gen_out *o, const struct ig_insn *in, const struct ig_field *fd)
{
    char lo[IG_IDENT_BUF], width[IG_IDENT_BUF], fn[IG_IDENT_BUF], t[IG_IDENT_BUF];
    ig_c_field_macro(in, fd, "LO", lo);
    ig_c_field_macro(in, fd, "WIDTH", width);
    if (fd->kind == IG_U || fd->kind == IG_S)
        gen_out_printf(o, "/* %s: bits %u:%u, %s%u", fd->name, ig_hi(fd), fd->lo,
                       ig_type_text(fd, t), fd->width);
    else
        gen_out_printf(o, "/* %s: bits %u:%u, %s, %u bits", fd->name, ig_hi(fd), fd->lo,
                       ig_type_text(fd, t), fd->width);
    if (fd->has_def)
        gen_out_printf(o, ", default %s", fd->def_text);
    gen_out_printf(o, ".\n * ");
    gen_put_comment_wrapped(o->fp, fd->doc, 3, " * ");
    gen_out_printf(o, " */\n#define %s %u\n#define %s %u\n", lo, fd->lo, width, fd->width);
    bool s = fd->kind == IG_S;
    gen_out_printf(o, "static inline %s %s(const dpu_insn *i)\n{\n", s ? "int64_t" : "uint64_t",
                   ig_c_accessor(in, fd, "get", fn));
    if (s)
        gen_out_printf(o, "    return dpu_sext(dpu_bits_get(i->w, %s, %s), %s);\n}\n", lo, width,
                       width);
    else
        gen_out_printf(o, "    return dpu_bits_get(i->w, %s, %s);\n}\n", lo, width);
    gen_out_printf(o, "static inline void %s(dpu_insn *i, %s v)\n{\n",
                   ig_c_accessor(in, fd, "set", fn), s ? "int64_t" : "uint64_t");
    gen_out_printf(o, "    dpu_bits_set(i->w, %s, %s, %sv);\n}\n\n", lo, width,
                   s ? "(uint64_t)" : "");
}

static void emit_insn_h(struct gen_out *o, const struct ig_model *m, const struct ig_insn *in)
{
    gen_out_printf(o, "/* ------------------------------------------------------------------------"
                      "----------------\n");
    gen_out_printf(o, " * %s: opcode 0x%02" PRIx64 ", engine %s\n *   ", in->mnemonic,
                   (uint64_t)in->opcode, ig_engine_text(m, in->engine));
    gen_put_comment_wrapped(o->fp, in->summary, 5, " *   ");
    gen_out_printf(o, "\n *\n");
    draw_insn(o, m, in);
    gen_out_printf(
        o, " * Bits outside every field ('-') must be zero: the decoder refuses them.\n */\n");
    for (size_t k = 0; k < in->nfields; k++)
        emit_field_h(o, in, &in->fields[k]);
}

/* X-macro over every field, for code that must visit them all (tests, dumps). */
static void emit_field_list(struct gen_out *o, const struct ig_model *m)
{
    gen_out_printf(o, "/* Every field: X(prefix, name, ctype, LO, WIDTH), where the accessors are\n"
                      " * dpu_<prefix>_get_<name> / dpu_<prefix>_set_<name>, prefix being the "
                      "lower-case mnemonic\n * (insn for the common fields) and ctype the "
                      "accessors' value type. */\n#define DPU_ISA_FOR_EACH_FIELD(X)");
    char p[IG_IDENT_BUF], n[IG_IDENT_BUF], lo[IG_IDENT_BUF], w[IG_IDENT_BUF];
    for (size_t i = 0; i <= m->ninsns; i++) {
        const struct ig_insn *in = i ? &m->insns[i - 1] : NULL;
        const struct ig_field *fields = in ? in->fields : m->common;
        size_t nf = in ? in->nfields : m->ncommon;
        ig_lower(in ? in->mnemonic : "insn", p);
        for (size_t k = 0; k < nf; k++)
            gen_out_printf(o, " \\\n    X(%s, %s, %s, %s, %s)", p, ig_lower(fields[k].name, n),
                           fields[k].kind == IG_S ? "int64_t" : "uint64_t",
                           ig_c_field_macro(in, &fields[k], "LO", lo),
                           ig_c_field_macro(in, &fields[k], "WIDTH", w));
    }
    gen_out_printf(o, "\n\n");
}

bool ig_emit_c_header(const struct ig_model *m, const char *path)
{
    struct gen_out o;
    if (!gen_out_open(&o, path))
        return false;
    gen_out_printf(&o, "/* ");
    gen_out_printf(&o, banner, m->path);
    gen_out_printf(&o,
                   "\n *\n * The %s instruction set, version %u.%u: every instruction is %u bits "
                   "(%u bytes),\n * kept as %u little-endian 64-bit words. Each field has a "
                   "_LO/_WIDTH pair and\n * get/set accessors; signed fields read back "
                   "sign-extended. Setters keep only the\n * low WIDTH bits of the value: range "
                   "checks are the caller's job (see dpu_fits).\n */\n",
                   m->name, m->ver_major, m->ver_minor, m->word_bits, m->word_bits / 8,
                   m->word_bits / 64);
    gen_out_printf(&o, "#ifndef DPU_ISA_GEN_H\n#define DPU_ISA_GEN_H\n\n#include <stddef.h>\n"
                       "#include <stdint.h>\n\n#include \"dpu/bits.h\"\n#include "
                       "\"dpu/isa_desc.h\"\n\n");
    gen_out_printf(&o, "#define DPU_ISA_NAME          \"");
    gen_put_c_string(o.fp, m->name);
    gen_out_printf(&o, "\"\n#define DPU_ISA_VERSION_MAJOR %u\n#define DPU_ISA_VERSION_MINOR %u\n",
                   m->ver_major, m->ver_minor);
    gen_out_printf(&o,
                   "#define DPU_INSN_BITS         %u\n#define DPU_INSN_BYTES        %u\n"
                   "#define DPU_INSN_WORDS        %u\n\n",
                   m->word_bits, m->word_bits / 8, m->word_bits / 64);
    gen_out_printf(&o,
                   "/* One instruction: w[0] holds bits 0..63, w[1] bits 64..127 and so on. "
                   "In a file each\n * word is stored little-endian, word 0 first. */\n"
                   "typedef struct dpu_insn {\n    uint64_t w[DPU_INSN_WORDS];\n} dpu_insn;\n\n");
    emit_enums_h(&o, m);
    emit_opcodes_h(&o, m);

    gen_out_printf(&o, "/* ------------------------------------------------------------------------"
                       "----------------\n * Common fields, present in every instruction:\n *\n");
    draw_word(&o, m, NULL, 0);
    for (unsigned w = 1; w < m->word_bits / 64; w++)
        for (size_t i = 0; i < m->ncommon; i++)
            if (ig_hi(&m->common[i]) >= w * 64) {
                draw_word(&o, m, NULL, w);
                break;
            }
    gen_out_printf(&o, " */\n");
    for (size_t i = 0; i < m->ncommon; i++)
        emit_field_h(&o, NULL, &m->common[i]);
    for (size_t i = 0; i < m->ninsns; i++)
        emit_insn_h(&o, m, &m->insns[i]);
    emit_field_list(&o, m);

    gen_out_printf(&o, "/* ------------------------------------------------------------------------"
                       "----------------\n * Descriptor tables (isa_gen.c): constant, never freed. "
                       "fields[] of each instruction lists\n * the common fields first, then its "
                       "own; the opcode field's default is the opcode.\n */\n");
    gen_out_printf(&o, "extern const struct dpu_insn_desc dpu_insn_descs[];\n"
                       "extern const size_t dpu_insn_desc_count;\n"
                       "extern const struct dpu_enum_desc dpu_enum_descs[];\n"
                       "extern const size_t dpu_enum_desc_count;\n\n"
                       "/* The instruction with this opcode, or NULL. */\n"
                       "const struct dpu_insn_desc *dpu_insn_desc_by_opcode(unsigned opcode);\n"
                       "/* The instruction with this mnemonic (case-insensitive), or NULL. */\n"
                       "const struct dpu_insn_desc *dpu_insn_desc_by_name(const char *mnemonic);\n"
                       "/* The enum with this name (case-insensitive), or NULL. */\n"
                       "const struct dpu_enum_desc *dpu_enum_desc_by_name(const char *name);\n"
                       "/* The name of an engine (");
    if (m->engine_enum >= 0) {
        const struct ig_enum *e = &m->enums[m->engine_enum];
        for (size_t k = 0; k < e->nvals; k++)
            gen_out_printf(&o, "%s%s", e->vals[k].name, k + 1 < e->nvals ? ", " : "");
        gen_out_printf(&o, "; ");
    }
    gen_out_printf(&o, "CTRL for DPU_ENGINE_CTRL), \"?\" for any other\n"
                       " * number; never NULL. */\nconst char *dpu_engine_name(int engine);\n\n"
                       "#endif\n");
    return gen_out_close(&o);
}

/* ---- the tables ---- */

static const char *const kind_names[] = {"DPU_FIELD_U", "DPU_FIELD_S", "DPU_FIELD_ENUM",
                                         "DPU_FIELD_FLAGS"};

static void emit_field_desc(struct gen_out *o, const struct ig_field *fd, bool has_def, int64_t def)
{
    gen_out_printf(o, "    {.name = \"");
    gen_put_c_string(o->fp, fd->name);
    gen_out_printf(o, "\", .lo = %u, .width = %u, .kind = %s,\n     .enm = ", fd->lo, fd->width,
                   kind_names[fd->kind]);
    if (fd->enm >= 0)
        gen_out_printf(o, "&dpu_enum_descs[%d]", fd->enm);
    else
        gen_out_printf(o, "NULL");
    gen_out_printf(o, ", .has_default = %s, .def = ", has_def ? "true" : "false");
    put_int64(o, has_def ? def : 0);
    gen_out_printf(o, ",\n     .doc = \"");
    gen_put_c_string(o->fp, fd->doc);
    gen_out_printf(o, "\"},\n");
}

static void emit_engine_text(struct gen_out *o, const struct ig_model *m, int engine)
{
    char a[IG_IDENT_BUF];
    if (engine == IG_ENGINE_CTRL || m->engine_enum < 0) {
        gen_out_printf(o, "DPU_ENGINE_CTRL");
        return;
    }
    const struct ig_enum *e = &m->enums[m->engine_enum];
    for (size_t k = 0; k < e->nvals; k++)
        if (e->vals[k].value == engine) {
            gen_out_printf(o, "%s", ig_c_enum_const(e, &e->vals[k], a));
            return;
        }
    gen_out_printf(o, "%d", engine);
}

bool ig_emit_c_source(const struct ig_model *m, const char *path)
{
    struct gen_out o;
    if (!gen_out_open(&o, path))
        return false;
    char a[IG_IDENT_BUF];
    gen_out_printf(&o, "/* ");
    gen_out_printf(&o, banner, m->path);
    gen_out_printf(&o,
                   "\n *\n * Descriptor tables of the %s instruction set (declared in "
                   "dpu/isa_gen.h).\n */\n#include \"dpu/isa_gen.h\"\n\n",
                   m->name);
    gen_out_printf(&o,
                   "_Static_assert(DPU_INSN_WORDS <= sizeof(((struct dpu_insn_desc *)0)->used) "
                   "/ sizeof(uint64_t),\n               \"used[] of struct dpu_insn_desc is too "
                   "small for DPU_INSN_WORDS\");\n_Static_assert(DPU_ENGINE_CTRL == %d, "
                   "\"isagen and dpu/isa_desc.h disagree on DPU_ENGINE_CTRL\");\n\n",
                   IG_ENGINE_CTRL);

    /* Enums first: field descriptors point at them. */
    for (size_t i = 0; i < m->nenums; i++) {
        const struct ig_enum *e = &m->enums[i];
        gen_out_printf(&o, "static const struct dpu_enum_val vals_%s[] = {\n",
                       ig_lower(e->name, a));
        for (size_t k = 0; k < e->nvals; k++) {
            gen_out_printf(&o, "    {\"");
            gen_put_c_string(o.fp, e->vals[k].name);
            gen_out_printf(&o, "\", %" PRId64 "},\n", e->vals[k].value);
        }
        gen_out_printf(&o, "};\n");
    }
    gen_out_printf(&o, "\nconst struct dpu_enum_desc dpu_enum_descs[] = {\n");
    for (size_t i = 0; i < m->nenums; i++) {
        const struct ig_enum *e = &m->enums[i];
        gen_out_printf(&o, "    {\"");
        gen_put_c_string(o.fp, e->name);
        gen_out_printf(&o, "\", %s, %zu, vals_%s},\n", e->is_flags ? "true" : "false", e->nvals,
                       ig_lower(e->name, a));
    }
    if (!m->nenums) /* C forbids an empty initializer list */
        gen_out_printf(&o, "    {NULL, false, 0, NULL},\n");
    gen_out_printf(&o, "};\nconst size_t dpu_enum_desc_count = %zu;\n\n", m->nenums);

    for (size_t i = 0; i < m->ninsns; i++) {
        const struct ig_insn *in = &m->insns[i];
        gen_out_printf(&o, "static const struct dpu_field_desc fields_%s[] = {\n",
                       ig_lower(in->mnemonic, a));
        for (size_t k = 0; k < m->ncommon; k++) {
            const struct ig_field *fd = &m->common[k];
            bool is_op = (int)k == m->opcode_field;
            emit_field_desc(&o, fd, is_op || fd->has_def, is_op ? in->opcode : fd->def);
        }
        for (size_t k = 0; k < in->nfields; k++)
            emit_field_desc(&o, &in->fields[k], in->fields[k].has_def, in->fields[k].def);
        gen_out_printf(&o, "};\n\n");
    }

    gen_out_printf(&o, "const struct dpu_insn_desc dpu_insn_descs[] = {\n");
    for (size_t i = 0; i < m->ninsns; i++) {
        const struct ig_insn *in = &m->insns[i];
        gen_out_printf(&o, "    {.mnemonic = \"");
        gen_put_c_string(o.fp, in->mnemonic);
        gen_out_printf(
            &o, "\",\n     .opcode = 0x%02" PRIx64 ",\n     .engine = ", (uint64_t)in->opcode);
        emit_engine_text(&o, m, in->engine);
        gen_out_printf(&o, ",\n     .summary = \"");
        gen_put_c_string(o.fp, in->summary);
        gen_out_printf(&o, "\",\n     .nfields = %zu,\n     .fields = fields_%s,\n     .used = {",
                       m->ncommon + in->nfields, ig_lower(in->mnemonic, a));
        for (unsigned w = 0; w < IG_MAX_WORDS; w++)
            gen_out_printf(&o, "%sUINT64_C(0x%016" PRIx64 ")", w ? ", " : "", in->used[w]);
        gen_out_printf(&o, "}},\n");
    }
    gen_out_printf(&o, "};\nconst size_t dpu_insn_desc_count = %zu;\n\n", m->ninsns);

    gen_out_printf(&o, "const struct dpu_insn_desc *dpu_insn_desc_by_opcode(unsigned opcode)\n{\n"
                       "    switch (opcode) {\n");
    for (size_t i = 0; i < m->ninsns; i++)
        gen_out_printf(&o, "    case 0x%02" PRIx64 ":\n        return &dpu_insn_descs[%zu];\n",
                       (uint64_t)m->insns[i].opcode, i);
    gen_out_printf(&o, "    default:\n        return NULL;\n    }\n}\n\n");

    gen_out_printf(&o,
                   "/* ASCII case-insensitive equality, independent of the C locale. */\n"
                   "static int same_name(const char *a, const char *b)\n{\n"
                   "    for (;; a++, b++) {\n"
                   "        int x = (unsigned char)*a, y = (unsigned char)*b;\n"
                   "        x = x >= 'A' && x <= 'Z' ? x - 'A' + 'a' : x;\n"
                   "        y = y >= 'A' && y <= 'Z' ? y - 'A' + 'a' : y;\n"
                   "        if (x != y)\n            return 0;\n"
                   "        if (!x)\n            return 1;\n    }\n}\n\n"
                   "const struct dpu_insn_desc *dpu_insn_desc_by_name(const char *mnemonic)\n{\n"
                   "    for (size_t i = 0; mnemonic && i < dpu_insn_desc_count; i++)\n"
                   "        if (same_name(dpu_insn_descs[i].mnemonic, mnemonic))\n"
                   "            return &dpu_insn_descs[i];\n    return NULL;\n}\n\n"
                   "const struct dpu_enum_desc *dpu_enum_desc_by_name(const char *name)\n{\n"
                   "    for (size_t i = 0; name && i < dpu_enum_desc_count; i++)\n"
                   "        if (same_name(dpu_enum_descs[i].name, name))\n"
                   "            return &dpu_enum_descs[i];\n    return NULL;\n}\n\n");

    gen_out_printf(&o, "const char *dpu_engine_name(int engine)\n{\n    switch (engine) {\n");
    if (m->engine_enum >= 0) {
        const struct ig_enum *e = &m->enums[m->engine_enum];
        for (size_t k = 0; k < e->nvals; k++) {
            gen_out_printf(&o, "    case %s:\n        return \"",
                           ig_c_enum_const(e, &e->vals[k], a));
            gen_put_c_string(o.fp, e->vals[k].name);
            gen_out_printf(&o, "\";\n");
        }
    }
    gen_out_printf(&o, "    case DPU_ENGINE_CTRL:\n        return \"CTRL\";\n    default:\n"
                       "        return \"?\";\n    }\n}\n");
    return gen_out_close(&o);
}
