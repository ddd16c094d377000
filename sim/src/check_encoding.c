/* Encoding rules of isa.md section 1, walked from the generated descriptor tables so that
 * no instruction is known here by name: a defined opcode (BAD_OPCODE, fault address 0),
 * every bit outside the instruction's fields zero (BAD_FIELD at the lowest stray bit) and
 * every enum or flags field holding defined values only (BAD_FIELD at the field's lo). */
#include <inttypes.h>

#include "dpu/bits.h"

#include "sim_internal.h"

static bool enum_value_ok(const struct dpu_field_desc *fd, uint64_t v)
{
    const struct dpu_enum_desc *e = fd->enm;
    if (!e)
        return true;
    if (fd->kind == DPU_FIELD_ENUM) {
        for (size_t i = 0; i < e->count; i++)
            if ((uint64_t)e->vals[i].value == v)
                return true;
        return false;
    }
    uint64_t defined = 0;
    for (size_t i = 0; i < e->count; i++)
        if (e->vals[i].value >= 0 && e->vals[i].value < 64)
            defined |= UINT64_C(1) << e->vals[i].value;
    return (v & ~defined) == 0;
}

unsigned sim_check_encoding(struct sim_check *c, const dpu_insn *in)
{
    unsigned op = (unsigned)dpu_insn_get_opcode(in);
    const struct dpu_insn_desc *desc = dpu_insn_desc_by_opcode(op);
    if (!desc) {
        c->mnemonic = "?";
        return sim_fail(c, DPU_ERRCODE_BAD_OPCODE, 0, "opcode", "undefined opcode 0x%02x", op);
    }
    c->mnemonic = desc->mnemonic;
    for (unsigned w = 0; w < DPU_INSN_WORDS; w++) {
        uint64_t stray = in->w[w] & ~desc->used[w];
        if (stray) {
            unsigned bit = 0;
            while (!((stray >> bit) & 1))
                bit++;
            return sim_fail(c, DPU_ERRCODE_BAD_FIELD, (uint64_t)w * 64 + bit, NULL,
                            "reserved bit %u is set", w * 64 + bit);
        }
    }
    for (size_t i = 0; i < desc->nfields; i++) {
        const struct dpu_field_desc *fd = &desc->fields[i];
        if (fd->kind != DPU_FIELD_ENUM && fd->kind != DPU_FIELD_FLAGS)
            continue;
        uint64_t v = dpu_bits_get(in->w, fd->lo, fd->width);
        if (!enum_value_ok(fd, v))
            return SIM_BAD_FIELD(c, fd->lo, fd->name, "%" PRIu64 " is not a defined value of %s", v,
                                 fd->enm->name);
    }
    return DPU_ERRCODE_NONE;
}
