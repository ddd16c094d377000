/* isagen: Markdown tables for docs/isa.md. Each fragment is a bare table (no heading), so
 * the document around it decides the structure; the docs tool splices them in.
 *
 *   isa-opcodes.md        mnemonic, opcode, engine, summary
 *   isa-enums.md          every enum and flags set with its values
 *   isa-insn-MNEMONIC.md  one row per field, common fields first
 */
#include "isagen_emit.h"
#include "gen_out.h"

#include <inttypes.h>
#include <stdio.h>

static bool open_fragment(struct gen_out *o, const struct ig_model *m, const char *dir,
                          const char *name)
{
    if (!gen_out_open_in(o, dir, name))
        return false;
    gen_out_printf(o, "<!-- generated from %s by isagen; do not edit -->\n", m->path);
    return true;
}

static bool emit_opcodes(const struct ig_model *m, const char *dir)
{
    struct gen_out o;
    if (!open_fragment(&o, m, dir, "isa-opcodes.md"))
        return false;
    gen_out_printf(&o, "| Mnemonic | Opcode | Engine | Summary |\n|---|---|---|---|\n");
    for (size_t i = 0; i < m->ninsns; i++) {
        const struct ig_insn *in = &m->insns[i];
        gen_out_printf(&o, "| `%s` | 0x%02" PRIx64 " | %s | ", in->mnemonic, (uint64_t)in->opcode,
                       ig_engine_text(m, in->engine));
        gen_put_md(o.fp, in->summary);
        gen_out_printf(&o, " |\n");
    }
    return gen_out_close(&o);
}

static bool emit_enums(const struct ig_model *m, const char *dir)
{
    struct gen_out o;
    if (!open_fragment(&o, m, dir, "isa-enums.md"))
        return false;
    gen_out_printf(&o, "| Enum | Kind | Values |\n|---|---|---|\n");
    for (size_t i = 0; i < m->nenums; i++) {
        const struct ig_enum *e = &m->enums[i];
        gen_out_printf(&o, "| `%s` | %s | ", e->name,
                       e->is_flags ? "flags (value = bit index; OR names with `\\|`)" : "enum");
        for (size_t k = 0; k < e->nvals; k++)
            gen_out_printf(&o, "%s`%s` = %" PRId64, k ? ", " : "", e->vals[k].name,
                           e->vals[k].value);
        gen_out_printf(&o, " |\n");
    }
    return gen_out_close(&o);
}

/* The default as the assembler reads it: a number, an enum name, NAME|NAME for flags. */
static void put_default(struct gen_out *o, const struct ig_model *m, const struct ig_field *fd)
{
    if (!fd->has_def) {
        gen_out_printf(o, "required");
        return;
    }
    const struct ig_enum *e = fd->enm >= 0 ? &m->enums[fd->enm] : NULL;
    if (e && fd->kind == IG_ENUM) {
        for (size_t k = 0; k < e->nvals; k++)
            if (e->vals[k].value == fd->def) {
                gen_out_printf(o, "`%s`", e->vals[k].name);
                return;
            }
    }
    if (e && fd->kind == IG_FLAGS && fd->def != 0) {
        bool first = true;
        gen_out_printf(o, "`");
        for (size_t k = 0; k < e->nvals; k++)
            if ((uint64_t)fd->def >> e->vals[k].value & 1) {
                gen_out_printf(o, "%s%s", first ? "" : "\\|", e->vals[k].name);
                first = false;
            }
        gen_out_printf(o, "`");
        return;
    }
    if (fd->kind == IG_U)
        gen_out_printf(o, "%" PRIu64, (uint64_t)fd->def);
    else
        gen_out_printf(o, "%" PRId64, fd->def);
}

static void field_row(struct gen_out *o, const struct ig_model *m, const struct ig_insn *in,
                      const struct ig_field *fd, bool is_opcode)
{
    char t[IG_IDENT_BUF];
    gen_out_printf(o, "| `%s` | %u:%u | %u | %s | ", fd->name, ig_hi(fd), fd->lo, fd->width,
                   ig_type_text(fd, t));
    if (is_opcode)
        gen_out_printf(o, "0x%02" PRIx64 " (fixed)", (uint64_t)in->opcode);
    else
        put_default(o, m, fd);
    gen_out_printf(o, " | ");
    gen_put_md(o->fp, fd->doc);
    gen_out_printf(o, " |\n");
}

static bool emit_insn(const struct ig_model *m, const struct ig_insn *in, const char *dir)
{
    char name[IG_IDENT_BUF];
    snprintf(name, sizeof name, "isa-insn-%s.md", in->mnemonic);
    struct gen_out o;
    if (!open_fragment(&o, m, dir, name))
        return false;
    gen_out_printf(&o, "| Field | Bits | Width | Type | Default | Meaning |\n"
                       "|---|---|---|---|---|---|\n");
    for (size_t k = 0; k < m->ncommon; k++)
        field_row(&o, m, in, &m->common[k], (int)k == m->opcode_field);
    for (size_t k = 0; k < in->nfields; k++)
        field_row(&o, m, in, &in->fields[k], false);
    return gen_out_close(&o);
}

bool ig_emit_md(const struct ig_model *m, const char *dir)
{
    bool ok = emit_opcodes(m, dir);
    ok = emit_enums(m, dir) && ok;
    for (size_t i = 0; i < m->ninsns; i++)
        ok = emit_insn(m, &m->insns[i], dir) && ok;
    return ok;
}
