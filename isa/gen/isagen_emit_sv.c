/* isagen: the SystemVerilog package dpu_isa_pkg (lowRISC style: CamelCase parameters,
 * snake_case_e enum types), so the RTL decodes exactly the fields the C tools encode.
 */
#include "isagen_emit.h"
#include "gen_out.h"

#include <inttypes.h>

/* Bits needed to hold v (at least 1). */
static unsigned bits_for(uint64_t v)
{
    unsigned n = 1;
    while (n < 64 && (v >> n))
        n++;
    return n;
}

/* An enum type is as wide as the widest field that holds it, so that a field slice casts to
 * it without a width mismatch; a flags enum (bit indices) or an unused enum just needs to
 * hold its largest value. */
static unsigned enum_width(const struct ig_model *m, size_t idx)
{
    const struct ig_enum *e = &m->enums[idx];
    uint64_t max = 0;
    for (size_t k = 0; k < e->nvals; k++)
        if ((uint64_t)e->vals[k].value > max)
            max = (uint64_t)e->vals[k].value;
    unsigned w = bits_for(max);
    if (e->is_flags)
        return w;
    for (size_t i = 0; i < m->ncommon; i++)
        if (m->common[i].enm == (int)idx && m->common[i].width > w)
            w = m->common[i].width;
    for (size_t i = 0; i < m->ninsns; i++)
        for (size_t k = 0; k < m->insns[i].nfields; k++) {
            const struct ig_field *fd = &m->insns[i].fields[k];
            if (fd->enm == (int)idx && fd->kind == IG_ENUM && fd->width > w)
                w = fd->width;
        }
    return w;
}

static void emit_enums(struct gen_out *o, const struct ig_model *m)
{
    char a[IG_IDENT_BUF];
    for (size_t i = 0; i < m->nenums; i++) {
        const struct ig_enum *e = &m->enums[i];
        unsigned w = enum_width(m, i);
        if (e->is_flags)
            gen_out_printf(o, "  // flags %s: bit indices into a flags:%s field\n", e->name,
                           e->name);
        else
            gen_out_printf(o, "  // enum %s\n", e->name);
        gen_out_printf(o, "  typedef enum logic [%u:0] {\n", w - 1);
        for (size_t k = 0; k < e->nvals; k++)
            gen_out_printf(o, "    %s = %u'd%" PRId64 "%s\n", ig_sv_enum_const(e, &e->vals[k], a),
                           w, e->vals[k].value, k + 1 < e->nvals ? "," : "");
        gen_out_printf(o, "  } %s;\n", ig_sv_enum_type(e, a));
        gen_out_printf(o, "  localparam int unsigned %s = %zu;\n\n", ig_sv_enum_count(e, a),
                       e->nvals);
    }
}

static void emit_fields(struct gen_out *o, const struct ig_insn *in, const struct ig_field *fields,
                        size_t n)
{
    char a[IG_IDENT_BUF], t[IG_IDENT_BUF];
    for (size_t k = 0; k < n; k++) {
        const struct ig_field *fd = &fields[k];
        gen_out_printf(o, "  // %s: bits %u:%u, %s, %u bits: ", fd->name, ig_hi(fd), fd->lo,
                       ig_type_text(fd, t), fd->width);
        gen_put_comment(o->fp, fd->doc);
        gen_out_printf(o, "\n  localparam int unsigned %s = %u;\n",
                       ig_sv_field_param(in, fd, "Lo", a), fd->lo);
        gen_out_printf(o, "  localparam int unsigned %s = %u;\n",
                       ig_sv_field_param(in, fd, "Width", a), fd->width);
    }
}

bool ig_emit_sv(const struct ig_model *m, const char *path)
{
    struct gen_out o;
    if (!gen_out_open(&o, path))
        return false;
    char a[IG_IDENT_BUF];
    unsigned op_width = m->common[m->opcode_field].width;
    gen_out_printf(
        &o,
        "// generated from %s by isagen; do not edit.\n"
        "// Edit the table and rebuild: the C, SystemVerilog and docs outputs all follow "
        "from it.\n//\n"
        "// The %s instruction set, version %u.%u. Field parameters give the position of "
        "each\n"
        "// field in the %u-bit instruction (bit 0 = bit 0 of the first little-endian "
        "word):\n"
        "// insn[LoadPadTopLo +: LoadPadTopWidth]. <Insn>UsedMask has a bit set for "
        "every bit\n"
        "// some field covers; an instruction with any other bit set is illegal.\n"
        "package dpu_isa_pkg;\n\n"
        "  // A package is a menu: each module uses a few of these names, none uses all.\n"
        "  // verilator lint_off UNUSEDPARAM\n\n",
        m->path, m->name, m->ver_major, m->ver_minor, m->word_bits);
    gen_out_printf(&o,
                   "  localparam int unsigned IsaVersionMajor = %u;\n"
                   "  localparam int unsigned IsaVersionMinor = %u;\n"
                   "  localparam int unsigned InsnBits = %u;\n"
                   "  localparam int unsigned InsnBytes = %u;\n"
                   "  localparam int unsigned InsnWords = %u;\n\n",
                   m->ver_major, m->ver_minor, m->word_bits, m->word_bits / 8, m->word_bits / 64);

    gen_out_printf(&o, "  typedef enum logic [%u:0] {\n", op_width - 1);
    for (size_t i = 0; i < m->ninsns; i++) {
        const struct ig_insn *in = &m->insns[i];
        gen_out_printf(&o, "    %s = %u'h%02" PRIx64 "%s // ", ig_sv_opcode(in, a), op_width,
                       (uint64_t)in->opcode, i + 1 < m->ninsns ? "," : " ");
        gen_put_comment(o.fp, in->summary);
        gen_out_printf(&o, "\n");
    }
    gen_out_printf(&o, "  } opcode_e;\n\n");
    emit_enums(&o, m);

    gen_out_printf(&o, "  // Common fields, present in every instruction.\n");
    emit_fields(&o, NULL, m->common, m->ncommon);
    for (size_t i = 0; i < m->ninsns; i++) {
        const struct ig_insn *in = &m->insns[i];
        gen_out_printf(&o, "\n  // %s (opcode 0x%02" PRIx64 "): ", in->mnemonic,
                       (uint64_t)in->opcode);
        gen_put_comment(o.fp, in->summary);
        gen_out_printf(&o, "\n  localparam logic [%u:0] %s = %u'h", m->word_bits - 1,
                       ig_sv_used_mask(in, a), m->word_bits);
        for (unsigned w = m->word_bits / 64; w-- > 0;)
            gen_out_printf(&o, "%016" PRIx64 "%s", in->used[w], w ? "_" : "");
        gen_out_printf(&o, ";\n");
        emit_fields(&o, in, in->fields, in->nfields);
    }
    gen_out_printf(&o, "\n  // verilator lint_on UNUSEDPARAM\n\nendpackage\n");
    return gen_out_close(&o);
}
