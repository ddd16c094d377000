/* Unit tests of the register map generated from isa/regs.tbl: the constants of
 * dpu/regs_gen.h, the descriptor tables of dpu/regs_desc.h and their lookups. The literal
 * offsets and masks below are copied from regs.tbl on purpose: a generator bug must not be
 * able to agree with itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dpu/regs_desc.h"
#include "dpu/regs_gen.h"

static void test_offsets_match_the_table(void **state)
{
    (void)state;
    assert_int_equal(DPU_REG_ID, 0x000);
    assert_int_equal(DPU_REG_VERSION, 0x004);
    assert_int_equal(DPU_REG_PRESET_HASH_LO, 0x008);
    assert_int_equal(DPU_REG_PRESET_HASH_HI, 0x00C);
    assert_int_equal(DPU_REG_CTRL, 0x010);
    assert_int_equal(DPU_REG_STATUS, 0x014);
    assert_int_equal(DPU_REG_IRQ_STATUS, 0x018);
    assert_int_equal(DPU_REG_INSN_BASE_LO, 0x020);
    assert_int_equal(DPU_REG_INSN_COUNT, 0x028);
    assert_int_equal(DPU_REG_SCRATCH_SIZE_HI, 0x07C);
    assert_int_equal(DPU_REG_CYCLES_LO, 0x080);
    assert_int_equal(DPU_REG_SAVE_STALL, 0x0AC);
    assert_int_equal(DPU_REG_FAULT_INSN, 0x0B8);
    assert_int_equal(DPU_REG_COUNT, 39);
    assert_int_equal(DPU_REGS_VERSION_MAJOR, 0);
    assert_int_equal(DPU_REGS_VERSION_MINOR, 1);
    assert_int_equal(DPU_REGS_DATA_BITS, 32);
}

static void test_offsets_unique_sorted_aligned(void **state)
{
    (void)state;
    assert_int_equal(dpu_reg_desc_count, DPU_REG_COUNT);
    for (size_t i = 0; i < dpu_reg_desc_count; i++) {
        const struct dpu_reg_desc *r = &dpu_reg_descs[i];
        assert_int_equal(r->offset % 4, 0);
        assert_true(r->offset < 0x1000);
        if (i > 0)
            assert_true(dpu_reg_descs[i - 1].offset < r->offset); /* sorted, so unique */
        assert_ptr_equal(dpu_reg_desc_by_offset(r->offset), r);
        assert_ptr_equal(dpu_reg_desc_by_name(r->name), r);
    }
}

static void test_lookup_misses(void **state)
{
    (void)state;
    assert_null(dpu_reg_desc_by_offset(0x002)); /* unaligned */
    assert_null(dpu_reg_desc_by_offset(0x01C)); /* a hole in the map */
    assert_null(dpu_reg_desc_by_offset(0xFFC));
    assert_null(dpu_reg_desc_by_offset(0xFFFFFFFFu));
    assert_null(dpu_reg_desc_by_name("NOPE"));
    assert_null(dpu_reg_desc_by_name("ctrl")); /* names are exact */
    assert_null(dpu_reg_desc_by_name(NULL));
}

static void test_field_macros(void **state)
{
    (void)state;
    assert_int_equal(DPU_REG_CTRL_START_SHIFT, 0);
    assert_int_equal(DPU_REG_CTRL_START_MASK, 0x1u);
    assert_int_equal(DPU_REG_CTRL_SOFT_RESET_SHIFT, 1);
    assert_int_equal(DPU_REG_CTRL_SOFT_RESET_MASK, 0x2u);
    assert_int_equal(DPU_REG_CTRL_IRQ_ENABLE_MASK, 0x4u);
    assert_int_equal(DPU_REG_STATUS_ERR_CODE_SHIFT, 8);
    assert_int_equal(DPU_REG_STATUS_ERR_CODE_WIDTH, 8);
    assert_int_equal(DPU_REG_STATUS_ERR_CODE_MASK, 0xFF00u);
    assert_int_equal(DPU_REG_VERSION_HW_MAJOR_MASK, 0xFF000000u);
    assert_int_equal(DPU_REG_IRQ_STATUS_ERROR_MASK, 0x2u);
    assert_int_equal(DPU_REG_ID_MAGIC_RESET, 0x44505530u);
    assert_int_equal(DPU_REG_ID_RESET, 0x44505530u);
    assert_int_equal(DPU_REG_CTRL_RESET, 0);
    /* A register declared without fields has one full-width field named like it. */
    assert_int_equal(DPU_REG_INSN_COUNT_INSN_COUNT_SHIFT, 0);
    assert_int_equal(DPU_REG_INSN_COUNT_INSN_COUNT_MASK, 0xFFFFFFFFu);
}

/* Every field of every register: mask derived from shift and width, inside 32 bits, no two
 * fields of one register sharing a bit, ordered by shift, reset within the field. */
static void test_field_tables(void **state)
{
    (void)state;
    for (size_t i = 0; i < dpu_reg_desc_count; i++) {
        const struct dpu_reg_desc *r = &dpu_reg_descs[i];
        assert_true(r->nfields >= 1);
        uint64_t used = 0, reset = 0;
        for (size_t j = 0; j < r->nfields; j++) {
            const struct dpu_reg_field_desc *f = &r->fields[j];
            assert_true(f->width >= 1 && f->shift + f->width <= 32);
            uint64_t mask = ((((uint64_t)1) << f->width) - 1) << f->shift;
            assert_true(f->mask == mask);
            assert_true((used & mask) == 0);
            used |= mask;
            assert_true(f->reset <= (mask >> f->shift));
            reset |= f->reset << f->shift;
            if (j > 0)
                assert_true(r->fields[j - 1].shift < f->shift);
        }
        assert_true(r->reset == reset);
    }
    const struct dpu_reg_desc *ic = dpu_reg_desc_by_offset(DPU_REG_INSN_COUNT);
    assert_non_null(ic);
    assert_int_equal(ic->nfields, 1);
    assert_string_equal(ic->fields[0].name, "insn_count");
    assert_int_equal(ic->fields[0].width, 32);
}

static void test_descriptor_contents(void **state)
{
    (void)state;
    const struct dpu_reg_desc *ctrl = dpu_reg_desc_by_name("CTRL");
    assert_non_null(ctrl);
    assert_int_equal(ctrl->offset, DPU_REG_CTRL);
    assert_int_equal(ctrl->access, DPU_REG_RW);
    assert_string_equal(dpu_reg_access_name(ctrl->access), "rw");
    assert_string_equal(ctrl->doc, "control");
    assert_int_equal(ctrl->nfields, 3);
    assert_string_equal(ctrl->fields[1].name, "soft_reset");
    assert_int_equal(ctrl->fields[1].shift, 1);
    assert_null(ctrl->fields[1].enm);

    assert_int_equal(dpu_reg_desc_by_name("ID")->access, DPU_REG_RO);
    assert_true(dpu_reg_desc_by_name("ID")->reset == 0x44505530u);
    assert_int_equal(dpu_reg_desc_by_name("IRQ_STATUS")->access, DPU_REG_RW1C);
    assert_string_equal(dpu_reg_access_name(DPU_REG_RW1C), "rw1c");
}

static void test_errcode(void **state)
{
    (void)state;
    /* The values the driver and the RTL already rely on; the rest of the enum is walked. */
    assert_int_equal(DPU_ERRCODE_NONE, 0);
    assert_int_equal(DPU_ERRCODE_DDR_RANGE, 3);
    assert_int_equal(DPU_ERRCODE_AXI_ERROR, 7);
    enum dpu_errcode e = DPU_ERRCODE_AXI_ERROR;
    assert_int_equal(e, 7);
#if DPU_ERRCODE_SRAM_RANGE != 4 /* the macros work in the preprocessor too */
#error "DPU_ERRCODE_SRAM_RANGE"
#endif
    assert_string_equal(dpu_errcode_name(0), "NONE");
    assert_string_equal(dpu_errcode_name(3), "DDR_RANGE");
    assert_string_equal(dpu_errcode_name(DPU_ERRCODE_TOKEN_UNDERFLOW), "TOKEN_UNDERFLOW");

    assert_int_equal(dpu_reg_enum_desc_count, 1);
    const struct dpu_reg_enum_desc *en = &dpu_reg_enum_descs[0];
    assert_string_equal(en->name, "errcode");
    assert_true(en->count >= 9);
    uint32_t max = 0;
    for (size_t i = 0; i < en->count; i++) {
        assert_string_equal(dpu_errcode_name(en->vals[i].value), en->vals[i].name);
        max = en->vals[i].value > max ? en->vals[i].value : max;
    }
    assert_null(dpu_errcode_name(max + 1));
    assert_null(dpu_errcode_name(0xFFFFFFFFu));
}

/* What a driver's register dump does: decode STATUS = busy | error | err_code DDR_RANGE. */
static void test_decode_a_status_word(void **state)
{
    (void)state;
    const struct dpu_reg_desc *st = dpu_reg_desc_by_offset(DPU_REG_STATUS);
    assert_non_null(st);
    assert_string_equal(st->name, "STATUS");
    uint32_t value = (1u << DPU_REG_STATUS_BUSY_SHIFT) | (1u << DPU_REG_STATUS_ERROR_SHIFT) |
                     ((uint32_t)DPU_ERRCODE_DDR_RANGE << DPU_REG_STATUS_ERR_CODE_SHIFT);
    assert_int_equal(value, 0x305);
    const struct dpu_reg_field_desc *code = NULL;
    for (size_t i = 0; i < st->nfields; i++) {
        const struct dpu_reg_field_desc *f = &st->fields[i];
        uint64_t v = dpu_reg_field_get(f, value);
        if (strcmp(f->name, "busy") == 0 || strcmp(f->name, "error") == 0)
            assert_true(v == 1);
        else if (strcmp(f->name, "done") == 0)
            assert_true(v == 0);
        else if (strcmp(f->name, "err_code") == 0)
            code = f;
    }
    assert_non_null(code);
    assert_ptr_equal(code->enm, &dpu_reg_enum_descs[0]);
    assert_string_equal(dpu_reg_enum_name(code->enm, dpu_reg_field_get(code, value)), "DDR_RANGE");
    assert_null(dpu_reg_enum_name(code->enm, 200));
    assert_null(dpu_reg_enum_name(NULL, 3));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_offsets_match_the_table),
        cmocka_unit_test(test_offsets_unique_sorted_aligned),
        cmocka_unit_test(test_lookup_misses),
        cmocka_unit_test(test_field_macros),
        cmocka_unit_test(test_field_tables),
        cmocka_unit_test(test_descriptor_contents),
        cmocka_unit_test(test_errcode),
        cmocka_unit_test(test_decode_a_status_word),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
