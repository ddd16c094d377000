/* The assembler's input language (docs/assembly.md): what it accepts, and for each kind of
 * mistake the exact location and a message that names the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dpu/asm.h"
#include "dpu/bits.h"

/* A LOAD with every required field, to which a test appends or substitutes fields. */
#define LOAD_NO_OFF                                                                                \
    "LOAD buf=ACT region=INPUT rows=1 cols=1 ddr_row_stride=8 ddr_col_stride=8 bytes=8 "           \
    "sram_col_stride=8 sram_addr=0 sram_row_stride=8"
#define LOAD_REQ LOAD_NO_OFF " ddr_off=0"

static dpu_insn *asm_ok(const char *text, size_t expect_count)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    dpu_insn *insns = NULL;
    size_t n = 99;
    int err = dpu_asm_text("t.s", text, strlen(text), &insns, &n, &d);
    if (err)
        print_error("unexpected error: %s\n", d.msg);
    assert_int_equal(err, DPU_OK);
    assert_int_equal(n, expect_count);
    return insns;
}

/* Assembles text expecting failure with code err and a message containing each of the
 * NULL-terminated fragments. */
static void asm_fails(const char *text, int err, ...)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    dpu_insn *insns = (dpu_insn *)&d; /* must be reset to NULL */
    size_t n = 99;
    int got = dpu_asm_text("t.s", text, strlen(text), &insns, &n, &d);
    if (got != err)
        print_error("input: %s\nmessage: %s\n", text, d.msg);
    assert_int_equal(got, err);
    assert_int_equal(d.err, err);
    assert_null(insns);
    assert_int_equal(n, 0);
    va_list ap;
    va_start(ap, err);
    for (const char *frag; (frag = va_arg(ap, const char *)) != NULL;) {
        if (!strstr(d.msg, frag)) {
            print_error("message: %s\nlacks: %s\n", d.msg, frag);
            fail();
        }
    }
    va_end(ap);
}

static uint64_t field(const dpu_insn *insn, const char *mnemonic, const char *name)
{
    const struct dpu_insn_desc *desc = dpu_insn_desc_by_name(mnemonic);
    assert_non_null(desc);
    for (size_t i = 0; i < desc->nfields; i++) {
        if (strcmp(desc->fields[i].name, name) == 0)
            return dpu_bits_get(insn->w, desc->fields[i].lo, desc->fields[i].width);
    }
    fail_msg("no field %s", name);
    return 0;
}

static void test_empty_and_comments(void **state)
{
    (void)state;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    dpu_insn *insns = (dpu_insn *)&d;
    size_t n = 5;
    assert_int_equal(dpu_asm_text("t.s", NULL, 0, &insns, &n, &d), DPU_OK);
    assert_null(insns);
    assert_int_equal(n, 0);
    assert_null(asm_ok("\n\n  # only comments\n\t; and this\r\n   \n", 0));
    dpu_insn *p = asm_ok("# header\nEND ; the end\r\nsync engine=LOAD # trailing\nEND", 3);
    assert_int_equal(dpu_insn_get_opcode(&p[0]), DPU_OP_END);
    assert_int_equal(dpu_insn_get_opcode(&p[1]), DPU_OP_SYNC);
    assert_int_equal(dpu_insn_get_opcode(&p[2]), DPU_OP_END);
    free(p);
}

static void test_case_and_spacing(void **state)
{
    (void)state;
    dpu_insn *a = asm_ok(LOAD_REQ, 1);
    dpu_insn *b = asm_ok("  load\tBUF = act  REGION=input Rows=1 cols =1 DDR_ROW_STRIDE= 8 "
                         "ddr_col_stride=0x8 bytes=0b1000 sram_col_stride=8 sram_addr=0 "
                         "sram_row_stride=8 ddr_off=0  ; #0\n",
                         1);
    assert_memory_equal(a, b, sizeof *a);
    free(a);
    free(b);
}

static void test_number_forms_and_u64(void **state)
{
    (void)state;
    dpu_insn *p = asm_ok(LOAD_NO_OFF " ddr_off=0xffffffffffffffff\n" LOAD_NO_OFF
                                     " ddr_off=18446744073709551615\n" LOAD_NO_OFF
                                     " ddr_off=0b11\n" LOAD_NO_OFF " ddr_off=0x8000000000000000\n",
                         4);
    assert_true(field(&p[0], "LOAD", "ddr_off") == UINT64_MAX);
    assert_true(field(&p[1], "LOAD", "ddr_off") == UINT64_MAX);
    assert_true(field(&p[2], "LOAD", "ddr_off") == 3);
    assert_true(field(&p[3], "LOAD", "ddr_off") == (uint64_t)1 << 63);
    free(p);
    asm_fails(LOAD_NO_OFF " ddr_off=18446744073709551616", DPU_E_RANGE, "t.s:1:", "ddr_off",
              "0..18446744073709551615", NULL);
    asm_fails(LOAD_NO_OFF " ddr_off=0x10000000000000000", DPU_E_RANGE, "ddr_off", NULL);
    asm_fails(LOAD_NO_OFF " ddr_off=-1", DPU_E_RANGE, "ddr_off", NULL);
    p = asm_ok(LOAD_NO_OFF " ddr_off=-0\nLUT in_addr=0 out_addr=0 len=0007", 2);
    assert_true(field(&p[0], "LOAD", "ddr_off") == 0);
    assert_true(field(&p[1], "LUT", "len") == 7);
    free(p);
}

static void test_signed_fields(void **state)
{
    (void)state;
    dpu_insn *p = asm_ok(LOAD_REQ " pad_value=-128\n" LOAD_REQ " pad_value=127\n" LOAD_REQ
                                  " pad_value=-0x1\n" LOAD_REQ " pad_value=0x7f\n",
                         4);
    assert_int_equal(dpu_sext(field(&p[0], "LOAD", "pad_value"), 8), -128);
    assert_int_equal(dpu_sext(field(&p[1], "LOAD", "pad_value"), 8), 127);
    assert_int_equal(dpu_sext(field(&p[2], "LOAD", "pad_value"), 8), -1);
    assert_int_equal(dpu_sext(field(&p[3], "LOAD", "pad_value"), 8), 127);
    free(p);
    asm_fails(LOAD_REQ " pad_value=-129", DPU_E_RANGE, "pad_value", "-128..127", NULL);
    asm_fails(LOAD_REQ " pad_value=128", DPU_E_RANGE, "pad_value", "-128..127", NULL);
    asm_fails(LOAD_REQ " pad_value=-9223372036854775809", DPU_E_RANGE, "pad_value", NULL);
    asm_fails(LOAD_REQ " pad_value=0xff", DPU_E_RANGE, "pad_value", NULL);
}

static void test_defaults(void **state)
{
    (void)state;
    dpu_insn *p = asm_ok("CONV kh=1 kw=1 oh=1 ow=1 act_addr=0 act_col_stride=0 "
                         "act_row_stride=0 wgt_addr=0 acc_addr=0 param_addr=0 out_addr=0 "
                         "out_pstride=0",
                         1);
    assert_int_equal(field(p, "CONV", "stride_h"), 1);
    assert_int_equal(dpu_sext(field(p, "CONV", "clamp_lo"), 8), -128);
    assert_int_equal(dpu_sext(field(p, "CONV", "clamp_hi"), 8), 127);
    assert_int_equal(field(p, "CONV", "wait"), 0);
    free(p);
}

static void test_flags(void **state)
{
    (void)state;
    dpu_insn *p = asm_ok("END wait=conv|MISC signal=SAVE\nEND wait=- signal=0\n"
                         "END wait=LOAD|CONV|MISC|SAVE",
                         3);
    assert_int_equal(field(&p[0], "END", "wait"), 0x6);
    assert_int_equal(field(&p[0], "END", "signal"), 0x8);
    assert_int_equal(field(&p[1], "END", "wait"), 0);
    assert_int_equal(field(&p[2], "END", "wait"), 0xf);
    free(p);
    asm_fails("END wait=CONV|CONV", DPU_E_PARSE, "t.s:1:15:", "'CONV' given twice", NULL);
    asm_fails("END wait=CONV|", DPU_E_PARSE, "t.s:1:15:", "after '|'", "wait", NULL);
    asm_fails("END wait=CONV|FOO", DPU_E_PARSE, "t.s:1:15:", "'FOO'", "wait", "LOAD|CONV|MISC|SAVE",
              NULL);
    asm_fails("END wait=CONV,MISC", DPU_E_PARSE, "t.s:1:14:", "garbage", "wait", NULL);
    asm_fails("END signal=3", DPU_E_PARSE, "t.s:1:12:", "signal", "0 or -", NULL);
}

/* One test per error kind of docs/assembly.md, each with its exact location. */
static void test_error_kinds(void **state)
{
    (void)state;
    asm_fails("END\n  LAOD buf=ACT", DPU_E_PARSE, "t.s:2:3: error: ", "unknown mnemonic 'LAOD'",
              "did you mean 'LOAD'", NULL);
    asm_fails("FROB", DPU_E_PARSE, "t.s:1:1: error: ", "'FROB'", "mnemonics: END SYNC", NULL);
    asm_fails("END\n\n" LOAD_REQ " rowz=3", DPU_E_PARSE,
              "t.s:3:141: error: ", "LOAD has no field 'rowz'", "did you mean 'rows'", NULL);
    asm_fails("SYNC engine=LOAD colour=1", DPU_E_PARSE, "t.s:1:18:", "no field 'colour'",
              "fields: wait signal engine", NULL);
    asm_fails(LOAD_REQ " rows=2", DPU_E_PARSE, "t.s:1:141:", "duplicate field 'rows'", "column 27",
              NULL);
    asm_fails("\nLOAD buf=ACT region=INPUT rows=1 bytes=8", DPU_E_PARSE, "t.s:2:1: error: ",
              "LOAD is missing required fields 'cols', 'ddr_off', 'ddr_row_stride'",
              "'sram_row_stride'", NULL);
    asm_fails("SYNC", DPU_E_PARSE, "t.s:1:1:", "missing required field 'engine'", NULL);
    asm_fails(LOAD_REQ " pad_top=16", DPU_E_RANGE, "t.s:1:149:", "'pad_top'", "0..15", NULL);
    asm_fails("LUTLD src_addr=0x400000", DPU_E_RANGE, "t.s:1:16:", "src_addr",
              "0..4194303 (0x3fffff)", NULL);
    asm_fails("LOAD buf=FOO", DPU_E_PARSE, "t.s:1:10:", "'FOO'", "'buf'", "ACT, WGT, PARAM, ACC",
              NULL);
    asm_fails("LOAD buf=ACC region=INPT", DPU_E_PARSE, "t.s:1:21:", "region",
              "did you mean 'INPUT'", NULL);
    asm_fails("LOAD buf=ACTX", DPU_E_PARSE, "'ACTX'", "buf", NULL);
    asm_fails("LOAD buf=ACT,", DPU_E_PARSE, "t.s:1:13:", "garbage after value 'ACT'", NULL);
    asm_fails("LOAD rows=0x", DPU_E_PARSE, "t.s:1:11:", "malformed number '0x'", "'rows'", NULL);
    asm_fails("LOAD rows=abc", DPU_E_PARSE, "malformed number", "'rows'", NULL);
    asm_fails("LOAD rows=-", DPU_E_PARSE, "malformed number", "'rows'", NULL);
    asm_fails("LOAD rows=12abc", DPU_E_PARSE, "t.s:1:13:", "garbage after value '12'", "'rows'",
              "'abc'", NULL);
    asm_fails("LOAD rows=0b102", DPU_E_PARSE, "t.s:1:15:", "garbage", NULL);
    asm_fails("LOAD rows=", DPU_E_PARSE, "t.s:1:11:", "missing value for field 'rows'", NULL);
    asm_fails("LOAD rows=#3", DPU_E_PARSE, "missing value for field 'rows'", NULL);
    asm_fails("LOAD rows 3", DPU_E_PARSE, "t.s:1:11:", "expected '='", "'rows'", NULL);
    asm_fails("LOAD 3", DPU_E_PARSE, "t.s:1:6:", "expected field=value", NULL);
    asm_fails("END opcode=1", DPU_E_PARSE, "t.s:1:5:", "'opcode' is implied", NULL);
    asm_fails("=3", DPU_E_PARSE, "t.s:1:1:", "unknown mnemonic", NULL);
}

static void test_first_error_wins(void **state)
{
    (void)state;
    asm_fails("END\nEND bogus=1\nFROB\n", DPU_E_PARSE, "t.s:2:5:", "bogus", NULL);
}

static void test_nul_and_binary(void **state)
{
    (void)state;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    static const char text[] = "END\nEND\0junk\n";
    dpu_insn *insns;
    size_t n;
    assert_int_equal(dpu_asm_text("t.s", text, sizeof text - 1, &insns, &n, &d), DPU_E_PARSE);
    assert_non_null(strstr(d.msg, "t.s:2:4:"));
    assert_non_null(strstr(d.msg, "NUL"));
    /* Non-printable bytes in a token are escaped in the message. */
    asm_fails("EN\x01\x7f", DPU_E_PARSE, "'EN\\x01\\x7f'", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_and_comments),
        cmocka_unit_test(test_case_and_spacing),
        cmocka_unit_test(test_number_forms_and_u64),
        cmocka_unit_test(test_signed_fields),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_error_kinds),
        cmocka_unit_test(test_first_error_wins),
        cmocka_unit_test(test_nul_and_binary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
