/* Canonical disassembly: one instruction -> one line of text the assembler reads back.
 *
 * The line is fully determined by the bits (upper-case mnemonic, fields in table order,
 * lower-case names, defaults omitted, fixed number bases), so text diffs of two programs
 * are meaningful and disassemble -> assemble is the identity on valid instructions.
 */
#include "dpu/asm.h"

#include <ctype.h>
#include <inttypes.h>

#include "dpu/bits.h"
#include "isa_internal.h"

static void put_lower(struct dpu_tbuf *tb, const char *s)
{
    for (; *s; s++)
        dpu_tbuf_putc(tb, (char)tolower((unsigned char)*s));
}

static void put_upper(struct dpu_tbuf *tb, const char *s)
{
    for (; *s; s++)
        dpu_tbuf_putc(tb, (char)toupper((unsigned char)*s));
}

/* Unsigned fields up to 16 bits are counts and sizes, read best in decimal; wider ones are
 * addresses and offsets, read best in hex. Signed fields are always decimal. */
static void put_value(struct dpu_tbuf *tb, const struct dpu_field_desc *f, uint64_t v)
{
    switch (f->kind) {
    case DPU_FIELD_S:
        dpu_tbuf_putf(tb, "%" PRId64, dpu_sext(v, f->width));
        return;
    case DPU_FIELD_ENUM:
        for (size_t i = 0; f->enm && i < f->enm->count; i++) {
            if ((uint64_t)f->enm->vals[i].value == v) {
                dpu_tbuf_putf(tb, "%s", f->enm->vals[i].name);
                return;
            }
        }
        break; /* unreachable after validation; print the number rather than nothing */
    case DPU_FIELD_FLAGS: {
        if (v == 0 || !f->enm) {
            dpu_tbuf_putf(tb, "0");
            return;
        }
        const char *sep = "";
        for (size_t i = 0; i < f->enm->count; i++) {
            int64_t bit = f->enm->vals[i].value;
            if (bit >= 0 && bit < 64 && ((v >> bit) & 1)) {
                dpu_tbuf_putf(tb, "%s%s", sep, f->enm->vals[i].name);
                sep = "|";
            }
        }
        return;
    }
    case DPU_FIELD_U:
        break;
    }
    if (f->width > 16)
        dpu_tbuf_putf(tb, "0x%" PRIx64, v);
    else
        dpu_tbuf_putf(tb, "%" PRIu64, v);
}

int dpu_disasm_insn(const dpu_insn *insn, char *buf, size_t size, struct dpu_diag *d)
{
    char why[512];
    struct dpu_tbuf wtb;
    dpu_tbuf_init(&wtb, why, sizeof why);
    int err = dpu_insn_check(insn, &wtb);
    if (err) {
        if (size > 0)
            buf[0] = '\0';
        return dpu_diag_set(d, err, "cannot disassemble: %s", why);
    }
    const struct dpu_insn_desc *desc = dpu_insn_desc_by_opcode((unsigned)dpu_insn_get_opcode(insn));

    struct dpu_tbuf tb;
    dpu_tbuf_init(&tb, buf, size);
    put_upper(&tb, desc->mnemonic);
    for (size_t i = 0; i < desc->nfields; i++) {
        const struct dpu_field_desc *f = &desc->fields[i];
        if (dpu_field_is_opcode(f))
            continue;
        uint64_t v = dpu_bits_get(insn->w, f->lo, f->width);
        if (f->has_default && v == ((uint64_t)f->def & dpu_mask64(f->width)))
            continue;
        dpu_tbuf_putc(&tb, ' ');
        put_lower(&tb, f->name);
        dpu_tbuf_putc(&tb, '=');
        put_value(&tb, f, v);
    }
    if (tb.overflow)
        return dpu_diag_set(d, DPU_E_RANGE,
                            "disassembly of %s needs more than the %zu-byte buffer given",
                            desc->mnemonic, size);
    return DPU_OK;
}
