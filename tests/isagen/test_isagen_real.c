/* Tests of the C header and tables isagen generates from the real isa/isa.tbl.
 *
 * The generic checks (field_check.h) drive every field of every instruction; the sample
 * checks below pin values copied by hand from isa.tbl, so a generator that were consistently
 * wrong in all of its outputs would still be caught.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "dpu/isa_gen.h"

#include "field_check.h"

static void test_constants(void **state)
{
    (void)state;
    assert_string_equal(DPU_ISA_NAME, "opendpu");
    assert_int_equal(DPU_ISA_VERSION_MAJOR, 0);
    assert_int_equal(DPU_ISA_VERSION_MINOR, 2);
    assert_int_equal(DPU_INSN_BITS, 256);
    assert_int_equal(DPU_INSN_BYTES, 32);
    assert_int_equal(DPU_INSN_WORDS, 4);
    assert_int_equal(sizeof(dpu_insn), 32);
    assert_int_equal(DPU_OP_END, 0x01);
    assert_int_equal(DPU_OP_SYNC, 0x02);
    assert_int_equal(DPU_OP_LOAD, 0x08);
    assert_int_equal(DPU_OP_CONV, 0x10);
    assert_int_equal(DPU_OP_SAVE, 0x20);
    assert_int_equal(DPU_OP_LUT, 0x1c);
    assert_int_equal(DPU_ENGINE_LOAD, 0);
    assert_int_equal(DPU_ENGINE_SAVE, 3);
    assert_int_equal(DPU_ENGINE_COUNT, 4);
    assert_int_equal(DPU_DEPS_LOAD, 1u << 0);
    assert_int_equal(DPU_DEPS_CONV, 1u << 1);
    assert_int_equal(DPU_DEPS_SAVE, 1u << 3);
    assert_int_equal(DPU_BUF_PARAM, 2);
    assert_int_equal(DPU_REGION_SCRATCH, 3);
    assert_int_equal(DPU_POOLMODE_AVG, 1);
    assert_int_equal(DPU_ELTWOP_MUL, 1);
    assert_int_equal(DPU_INSN_OPCODE_LO, 0);
    assert_int_equal(DPU_INSN_OPCODE_WIDTH, 6);
    assert_int_equal(DPU_INSN_WAIT_LO, 6);
    assert_int_equal(DPU_INSN_SIGNAL_LO, 10);
    assert_int_equal(DPU_LOAD_PAD_TOP_LO, 19);
    assert_int_equal(DPU_LOAD_PAD_TOP_WIDTH, 4);
    assert_int_equal(DPU_CONV_ACT_ROW_STRIDE_LO, 102);
    assert_int_equal(DPU_CONV_ACT_ROW_STRIDE_WIDTH, 20);
}

static void test_samples(void **state)
{
    (void)state;
    dpu_insn i;

    /* CONV.act_row_stride: bits 121:102, i.e. bits 57:38 of word 1. */
    memset(&i, 0, sizeof i);
    dpu_conv_set_act_row_stride(&i, 0xABCDE);
    assert_int_equal(i.w[0], 0);
    assert_int_equal(i.w[1], (uint64_t)0xABCDE << 38);
    assert_int_equal(i.w[2], 0);
    assert_int_equal(i.w[3], 0);
    assert_int_equal(dpu_conv_get_act_row_stride(&i), 0xABCDE);

    /* LOAD.bytes, bits 195:184, crosses from word 2 into word 3. */
    memset(&i, 0, sizeof i);
    dpu_load_set_bytes(&i, 0xABC);
    assert_int_equal(i.w[2], (uint64_t)0xBC << 56);
    assert_int_equal(i.w[3], 0xA);
    assert_int_equal(dpu_load_get_bytes(&i), 0xABC);

    /* LOAD.ddr_off is word 1 exactly. */
    memset(&i, 0, sizeof i);
    dpu_load_set_ddr_off(&i, 0xFEDCBA9876543210u);
    assert_int_equal(i.w[1], 0xFEDCBA9876543210u);
    assert_int_equal(i.w[0] | i.w[2] | i.w[3], 0);

    /* Signed: CONV.out_zp (bits 189:182) holds -5 as 0xFB and reads back -5. */
    memset(&i, 0, sizeof i);
    dpu_conv_set_out_zp(&i, -5);
    assert_int_equal(i.w[2], (uint64_t)0xFB << (182 - 128));
    assert_int_equal(dpu_conv_get_out_zp(&i), -5);

    /* Common fields: opcode, wait, signal packed at the bottom of word 0. */
    memset(&i, 0, sizeof i);
    dpu_insn_set_opcode(&i, DPU_OP_LOAD);
    dpu_insn_set_wait(&i, DPU_DEPS_CONV | DPU_DEPS_SAVE);
    dpu_insn_set_signal(&i, DPU_DEPS_LOAD);
    assert_int_equal(i.w[0], 0x08 | (0xAu << 6) | (0x1u << 10));
    assert_int_equal(dpu_insn_get_wait(&i), DPU_DEPS_CONV | DPU_DEPS_SAVE);

    const struct dpu_insn_desc *end = dpu_insn_desc_by_opcode(DPU_OP_END);
    assert_non_null(end);
    assert_int_equal(end->used[0], 0x3fff);
    assert_int_equal(end->used[1] | end->used[2] | end->used[3], 0);
    assert_int_equal(end->engine, DPU_ENGINE_CTRL);
    assert_int_equal(end->nfields, 3);

    const struct dpu_insn_desc *lut = dpu_insn_desc_by_name("lut");
    assert_non_null(lut);
    assert_int_equal(lut->opcode, 0x1c);
    assert_int_equal(lut->engine, DPU_ENGINE_MISC);
    assert_int_equal(lut->used[1], ~(uint64_t)0); /* in_addr, out_addr, len fill word 1 */
}

static const struct dpu_field_desc *field(const char *insn, const char *name)
{
    const struct dpu_insn_desc *d = dpu_insn_desc_by_name(insn);
    assert_non_null(d);
    for (size_t k = 0; k < d->nfields; k++)
        if (!strcmp(d->fields[k].name, name))
            return &d->fields[k];
    fail_msg("%s has no field %s", insn, name);
    return NULL;
}

static void test_field_descs_samples(void **state)
{
    (void)state;
    const struct dpu_field_desc *f = field("CONV", "clamp_lo");
    assert_int_equal(f->kind, DPU_FIELD_S);
    assert_true(f->has_default);
    assert_int_equal(f->def, -128);
    assert_int_equal(field("CONV", "clamp_hi")->def, 127);
    assert_int_equal(field("CONV", "stride_h")->def, 1);
    assert_false(field("CONV", "kh")->has_default);

    f = field("LOAD", "buf");
    assert_int_equal(f->kind, DPU_FIELD_ENUM);
    assert_string_equal(f->enm->name, "buf");
    assert_int_equal(f->enm->count, 4);
    assert_string_equal(f->enm->vals[2].name, "PARAM");
    assert_int_equal(f->enm->vals[2].value, 2);

    f = field("SAVE", "wait");
    assert_int_equal(f->kind, DPU_FIELD_FLAGS);
    assert_true(f->enm->is_flags);
    assert_ptr_equal(f->enm, dpu_enum_desc_by_name("DEPS"));
    assert_int_equal(f->lo, DPU_INSN_WAIT_LO);

    assert_string_equal(dpu_engine_name(DPU_ENGINE_LOAD), "LOAD");
    assert_string_equal(dpu_engine_name(DPU_ENGINE_SAVE), "SAVE");
    /* Counts grow with the ISA; these are the enums and instructions the tools rely on. */
    const char *const enums[] = {"engine", "deps", "buf", "region", "poolmode", "eltwop"};
    for (size_t k = 0; k < sizeof enums / sizeof enums[0]; k++)
        assert_non_null(dpu_enum_desc_by_name(enums[k]));
    const char *const insns[] = {"END",  "SYNC", "LOAD",   "SAVE",  "CONV",
                                 "POOL", "ELTW", "DWCONV", "LUTLD", "LUT"};
    for (size_t k = 0; k < sizeof insns / sizeof insns[0]; k++)
        assert_non_null(dpu_insn_desc_by_name(insns[k]));
}

static void test_flags_enum_is_masks(void **state)
{
    (void)state;
    const struct dpu_enum_desc *deps = dpu_enum_desc_by_name("deps");
    assert_non_null(deps);
    const unsigned masks[] = {DPU_DEPS_LOAD, DPU_DEPS_CONV, DPU_DEPS_MISC, DPU_DEPS_SAVE};
    assert_int_equal(deps->count, 4);
    for (size_t k = 0; k < deps->count; k++)
        assert_int_equal(masks[k], 1u << deps->vals[k].value);
}

static void test_accessors_match_descs(void **state)
{
    (void)state;
    check_accessors_match_descs();
}

static void test_used_masks(void **state)
{
    (void)state;
    check_used_masks();
}

static void test_field_descs(void **state)
{
    (void)state;
    check_field_descs();
}

static void test_roundtrip(void **state)
{
    (void)state;
    check_all_fields_roundtrip();
}

static void test_lookups(void **state)
{
    (void)state;
    check_lookups();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constants),
        cmocka_unit_test(test_samples),
        cmocka_unit_test(test_field_descs_samples),
        cmocka_unit_test(test_flags_enum_is_masks),
        cmocka_unit_test(test_accessors_match_descs),
        cmocka_unit_test(test_used_masks),
        cmocka_unit_test(test_field_descs),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_lookups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
