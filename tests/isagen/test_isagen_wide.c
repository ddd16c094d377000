/* Tests of isagen's C output on tests/isagen/good/wide.tbl: a 192-bit instruction with fields
 * across word boundaries, 64-bit and 1-bit signed fields and extreme defaults. Compiled
 * against that table's own generated header, not the real ISA's.
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
    assert_string_equal(DPU_ISA_NAME, "widetest");
    assert_int_equal(DPU_ISA_VERSION_MAJOR, 2);
    assert_int_equal(DPU_ISA_VERSION_MINOR, 7);
    assert_int_equal(DPU_INSN_BITS, 192);
    assert_int_equal(DPU_INSN_BYTES, 24);
    assert_int_equal(DPU_INSN_WORDS, 3);
    assert_int_equal(sizeof(dpu_insn), 24);
    assert_int_equal(DPU_OP_WIDE, 0xFF);
    assert_int_equal(DPU_OP_NARROW, 0);
    assert_int_equal(DPU_LANES_L4, 1u << 4);
    assert_int_equal(DPU_COLOR_BLUE, 2);
    assert_int_equal(DPU_COLOR_COUNT, 3);
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

static void test_defaults(void **state)
{
    (void)state;
    assert_int_equal(field("WIDE", "tok")->def, (1 << 0) | (1 << 3));
    assert_int_equal(field("WIDE", "bit1s")->def, -1);
    assert_int_equal(field("WIDE", "color")->def, 2);
    assert_int_equal(field("WIDE", "straddle")->def, 0x5A);
    assert_int_equal((uint64_t)field("WIDE", "full")->def, UINT64_MAX);
    assert_int_equal(field("WIDE", "sneg")->def, -((int64_t)1 << 59));
    assert_true(field("NARROW", "s64")->def == INT64_MIN);
    assert_false(field("NARROW", "edge")->has_default);
    assert_int_equal(field("NARROW", "opcode")->def, 0);
}

static void test_cross_word(void **state)
{
    (void)state;
    dpu_insn i;
    memset(&i, 0, sizeof i);
    dpu_wide_set_straddle(&i, 0xA5); /* bits 67:60: 0x5 at the top of w[0], 0xA in w[1] */
    assert_int_equal(i.w[0], (uint64_t)0x5 << 60);
    assert_int_equal(i.w[1], 0xA);
    assert_int_equal(dpu_wide_get_straddle(&i), 0xA5);

    memset(&i, 0, sizeof i);
    dpu_wide_set_full(&i, 0xF123456789ABCDEFu); /* bits 131:68 */
    assert_int_equal(i.w[0], 0);
    assert_int_equal(i.w[1], (uint64_t)0x123456789ABCDEFu << 4);
    assert_int_equal(i.w[2], 0xF);
    assert_int_equal(dpu_wide_get_full(&i), 0xF123456789ABCDEFu);

    memset(&i, 0, sizeof i);
    dpu_wide_set_sneg(&i, -2); /* bits 191:132: all ones but bit 132 */
    assert_int_equal(i.w[2], ~(uint64_t)0 << 5);
    assert_int_equal(dpu_wide_get_sneg(&i), -2);

    memset(&i, 0, sizeof i);
    dpu_wide_set_bit1s(&i, -1);
    assert_int_equal(i.w[0], (uint64_t)1 << 13);
    assert_int_equal(dpu_wide_get_bit1s(&i), -1);

    memset(&i, 0, sizeof i);
    dpu_narrow_set_s64(&i, INT64_MIN);
    assert_int_equal(i.w[1], (uint64_t)1 << 63);
    assert_true(dpu_narrow_get_s64(&i) == INT64_MIN);
    dpu_narrow_set_edge(&i, 1);
    assert_int_equal(i.w[2], (uint64_t)1 << 63);
}

static void test_used(void **state)
{
    (void)state;
    const struct dpu_insn_desc *nop = dpu_insn_desc_by_name("nop");
    assert_non_null(nop);
    assert_int_equal(nop->engine, DPU_ENGINE_CTRL);
    assert_int_equal(nop->nfields, 2);
    assert_int_equal(nop->used[0], 0x1fff);
    assert_int_equal(nop->used[1] | nop->used[2] | nop->used[3], 0);
    const struct dpu_insn_desc *wide = dpu_insn_desc_by_opcode(0xFF);
    assert_non_null(wide);
    assert_int_equal(wide->used[0], 0xF00000000000FFFFu);
    assert_int_equal(wide->used[1], ~(uint64_t)0);
    assert_int_equal(wide->used[2], ~(uint64_t)0);
    assert_int_equal(wide->used[3], 0); /* past the 192-bit word */
    assert_string_equal(dpu_engine_name(DPU_ENGINE_B), "B");
}

static void test_generic(void **state)
{
    (void)state;
    check_accessors_match_descs();
    check_used_masks();
    check_field_descs();
    check_all_fields_roundtrip();
    check_lookups();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constants),  cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_cross_word), cmocka_unit_test(test_used),
        cmocka_unit_test(test_generic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
