/* Instruction streams and validation: explicit byte order, refusal of malformed streams
 * with the instruction index and byte offset, and the disassembler's own guards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dpu/asm.h"
#include "dpu/bits.h"

static dpu_insn one(const char *text)
{
    dpu_insn *p = NULL;
    size_t n = 0;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_asm_text("s.s", text, strlen(text), &p, &n, &d);
    if (err)
        print_error("%s\n", d.msg);
    assert_int_equal(err, DPU_OK);
    assert_int_equal(n, 1);
    dpu_insn insn = p[0];
    free(p);
    return insn;
}

static void test_byte_order(void **state)
{
    (void)state;
    dpu_insn insn = {
        {0x0807060504030201u, 0x100f0e0d0c0b0a09u, 0x1817161514131211u, 0x201f1e1d1c1b1a19u}};
    uint8_t out[2 * DPU_INSN_BYTES];
    memset(out, 0xee, sizeof out);
    dpu_insns_to_bytes(&insn, 1, out);
    for (unsigned i = 0; i < DPU_INSN_BYTES; i++)
        assert_int_equal(out[i], i + 1);
    assert_int_equal(out[DPU_INSN_BYTES], 0xee); /* nothing written past count */

    /* END with signal=SAVE: opcode 0x01 in bits 0..5, signal bit 3 at bit 13. */
    dpu_insn end = one("END signal=SAVE");
    dpu_insns_to_bytes(&end, 1, out);
    assert_int_equal(out[0], 0x01);
    assert_int_equal(out[1], 0x20);
    for (unsigned i = 2; i < DPU_INSN_BYTES; i++)
        assert_int_equal(out[i], 0);
}

/* Independent test vectors: the encodings of the worked example in docs/isa.md, section 7
 * (also examples/conv3x3_relu.s), as words 0..3. */
static void test_known_encodings(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        uint64_t w[4];
    } vec[] = {
        {"LOAD buf=WGT region=CONST ddr_off=0 rows=1 cols=1 bytes=576 sram_col_stride=576 "
         "sram_addr=0 ddr_row_stride=0 ddr_col_stride=0 sram_row_stride=0",
         {0x0020080000004008u, 0, 0x4000000000000000u, 0x0000000000002402u}},
        {"LOAD signal=CONV buf=ACT region=INPUT pad_top=1 pad_bottom=1 pad_left=1 pad_right=1 "
         "pad_value=-3 rows=5 cols=5 ddr_off=0 ddr_row_stride=15 ddr_col_stride=3 bytes=3 "
         "sram_col_stride=8 sram_addr=0 sram_row_stride=56",
         {0x00a02fe888890808u, 0, 0x030000030000000fu, 0x00000e0000000080u}},
        {"CONV wait=LOAD signal=SAVE post=1 kh=3 kw=3 oh=5 ow=5 act_addr=0 act_col_stride=8 "
         "act_row_stride=56 wgt_addr=0 acc_addr=0 param_addr=0 out_zp=-10 out_addr=512 "
         "out_pstride=8 clamp_lo=-10",
         {0x000280a49266a050u, 0x00000e0002000000u, 0x3d80000000000000u, 0x001ffd8002000200u}},
        {"SAVE wait=CONV buf=ACT region=OUTPUT rows=5 cols=5 bytes=4 ddr_off=0 "
         "ddr_row_stride=20 ddr_col_stride=4 sram_col_stride=8 sram_addr=512 "
         "sram_row_stride=40",
         {0x00000200a02a00a0u, 0, 0x0800000400000014u, 0x00000000a0002000u}},
        {"END", {1, 0, 0, 0}},
    };
    for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
        dpu_insn insn = one(vec[i].text);
        for (unsigned w = 0; w < DPU_INSN_WORDS; w++)
            assert_int_equal(insn.w[w], vec[i].w[w]);
    }
}

static void test_stream_roundtrip_and_empty(void **state)
{
    (void)state;
    dpu_insn prog[3] = {one("SYNC engine=SAVE wait=MISC"),
                        one("LUT in_addr=0x3fffff out_addr=1 len=7"), one("END")};
    uint8_t bytes[sizeof prog];
    dpu_insns_to_bytes(prog, 3, bytes);
    dpu_insn *back = NULL;
    size_t n = 0;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_insns_from_bytes(bytes, sizeof bytes, &back, &n, &d), DPU_OK);
    assert_int_equal(n, 3);
    assert_memory_equal(back, prog, sizeof prog);
    free(back);

    back = (dpu_insn *)&d;
    n = 7;
    assert_int_equal(dpu_insns_from_bytes(bytes, 0, &back, &n, &d), DPU_OK);
    assert_null(back);
    assert_int_equal(n, 0);
}

static void stream_fails(const uint8_t *bytes, size_t len, const char *want)
{
    dpu_insn *back = (dpu_insn *)bytes;
    size_t n = 9;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_insns_from_bytes(bytes, len, &back, &n, &d);
    assert_true(err < 0);
    assert_int_equal(dpu_exit_code(err), 1);
    assert_null(back);
    assert_int_equal(n, 0);
    if (!strstr(d.msg, want)) {
        print_error("message: %s\nlacks: %s\n", d.msg, want);
        fail();
    }
}

static void test_bad_streams(void **state)
{
    (void)state;
    dpu_insn prog[4] = {one("END"), one("END"), one("END"), one("END")};
    uint8_t bytes[sizeof prog + 1];
    dpu_insns_to_bytes(prog, 4, bytes);
    bytes[sizeof prog] = 0;

    stream_fails(bytes, 33, "stream is 33 bytes, not a multiple of the 32-byte");
    stream_fails(bytes, 5, "0 whole instructions and 5 bytes left over");

    bytes[3 * 32] = 0x3f; /* opcode field = 0x3f: no such instruction */
    stream_fails(bytes, 128, "instruction 3 (byte 96): unknown opcode 0x3f");
    bytes[3 * 32] = 0x01;

    bytes[1 * 32 + 25] = 0x01; /* bit 200 of END: no field there */
    stream_fails(bytes, 128, "instruction 1 (byte 32): END has reserved bit 200 set");
    bytes[1 * 32 + 25] = 0;

    dpu_insn load = one("LOAD buf=ACT region=SCRATCH rows=1 cols=1 ddr_off=0 ddr_row_stride=8 "
                        "ddr_col_stride=8 bytes=8 sram_col_stride=8 sram_addr=0 "
                        "sram_row_stride=8");
    dpu_bits_set(load.w, 16, 3, 5); /* region is 3 bits wide but only 0..3 are defined */
    dpu_insns_to_bytes(&load, 1, bytes + 2 * 32);
    stream_fails(bytes, 128, "instruction 2 (byte 64): LOAD field 'region' holds 5");
}

static void test_validate_and_disasm_guards(void **state)
{
    (void)state;
    dpu_insn bad = {{0x3f, 0, 0, 0}};
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_insn_validate(&bad, 3, &d), DPU_E_INVALID);
    assert_string_equal(d.msg, "instruction 3 (byte 96): unknown opcode 0x3f");

    char buf[DPU_DISASM_LINE_MAX];
    memset(buf, 'x', sizeof buf);
    dpu_diag_clear(&d);
    assert_int_equal(dpu_disasm_insn(&bad, buf, sizeof buf, &d), DPU_E_INVALID);
    assert_string_equal(buf, "");
    assert_non_null(strstr(d.msg, "unknown opcode 0x3f"));

    /* A buffer too small: refused, yet still a terminated (truncated) string. */
    dpu_insn sync = one("SYNC engine=SAVE");
    dpu_diag_clear(&d);
    memset(buf, 'x', sizeof buf);
    assert_int_equal(dpu_disasm_insn(&sync, buf, 8, &d), DPU_E_RANGE);
    assert_int_equal(strlen(buf), 7);
    assert_int_equal(buf[8], 'x');
    assert_int_equal(dpu_disasm_insn(&sync, buf, 0, NULL), DPU_E_RANGE);
    assert_int_equal(dpu_disasm_insn(&sync, buf, sizeof buf, NULL), DPU_OK);
    assert_string_equal(buf, "SYNC engine=SAVE");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_byte_order),
        cmocka_unit_test(test_known_encodings),
        cmocka_unit_test(test_stream_roundtrip_and_empty),
        cmocka_unit_test(test_bad_streams),
        cmocka_unit_test(test_validate_and_disasm_guards),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
