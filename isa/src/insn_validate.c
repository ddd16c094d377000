/* Validation of one encoded instruction against its descriptor.
 *
 * A decoded word is accepted only if re-encoding what the disassembler prints gives the
 * same bits back: a defined opcode, no bit outside the fields (reserved bits are zero), and
 * enum/flags fields holding only defined values. That is exactly what makes
 * disassemble -> assemble an identity on every accepted instruction.
 */
#include "dpu/asm.h"

#include <inttypes.h>

#include "dpu/bits.h"
#include "isa_internal.h"

static int check_enum_field(const struct dpu_insn_desc *desc, const struct dpu_field_desc *f,
                            uint64_t v, struct dpu_tbuf *why)
{
    const struct dpu_enum_desc *e = f->enm;
    if (!e)
        return DPU_OK; /* the generator always links one; nothing to check against */
    if (f->kind == DPU_FIELD_ENUM) {
        for (size_t i = 0; i < e->count; i++) {
            if ((uint64_t)e->vals[i].value == v)
                return DPU_OK;
        }
        dpu_tbuf_putf(why, "%s field '%s' holds %" PRIu64 ", not a value of enum %s (",
                      desc->mnemonic, f->name, v, e->name);
        dpu_tbuf_put_enum_names(why, e, ", ");
        dpu_tbuf_putf(why, ")");
        return DPU_E_INVALID;
    }
    uint64_t defined = 0;
    for (size_t i = 0; i < e->count; i++) {
        if (e->vals[i].value >= 0 && e->vals[i].value < 64)
            defined |= (uint64_t)1 << e->vals[i].value;
    }
    if (v & ~defined) {
        dpu_tbuf_putf(why, "%s field '%s' has undefined flag bits 0x%" PRIx64 " (flags: ",
                      desc->mnemonic, f->name, v & ~defined);
        dpu_tbuf_put_enum_names(why, e, "|");
        dpu_tbuf_putf(why, ")");
        return DPU_E_INVALID;
    }
    return DPU_OK;
}

int dpu_insn_check(const dpu_insn *insn, struct dpu_tbuf *why)
{
    uint64_t op = (uint64_t)dpu_insn_get_opcode(insn);
    const struct dpu_insn_desc *desc = dpu_insn_desc_by_opcode((unsigned)op);
    if (!desc) {
        dpu_tbuf_putf(why, "unknown opcode 0x%02" PRIx64, op);
        return DPU_E_INVALID;
    }
    for (unsigned i = 0; i < DPU_INSN_WORDS; i++) {
        uint64_t stray = insn->w[i] & ~desc->used[i];
        if (stray) {
            unsigned bit = 0;
            while (!((stray >> bit) & 1))
                bit++;
            dpu_tbuf_putf(why, "%s has reserved bit %u set (no field covers it)", desc->mnemonic,
                          i * 64 + bit);
            return DPU_E_INVALID;
        }
    }
    for (size_t i = 0; i < desc->nfields; i++) {
        const struct dpu_field_desc *f = &desc->fields[i];
        if (f->kind != DPU_FIELD_ENUM && f->kind != DPU_FIELD_FLAGS)
            continue;
        int err = check_enum_field(desc, f, dpu_bits_get(insn->w, f->lo, f->width), why);
        if (err)
            return err;
    }
    return DPU_OK;
}

int dpu_insn_validate(const dpu_insn *insn, size_t index, struct dpu_diag *d)
{
    char why[512];
    struct dpu_tbuf tb;
    dpu_tbuf_init(&tb, why, sizeof why);
    int err = dpu_insn_check(insn, &tb);
    if (err)
        return dpu_diag_set(d, err, "instruction %zu (byte %zu): %s", index,
                            index * (size_t)DPU_INSN_BYTES, why);
    return DPU_OK;
}
