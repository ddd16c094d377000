/* The race checker (isa.md section 4, ordering rule): pairs of instructions on different
 * engines touching the same byte, one writing, with no token path between them, are named
 * with the space and the first conflicting byte; ordered pairs and disjoint bytes are not. */
#include "sim_test_util.h"
#include "example_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t cst[704], input[75], output[100];

static struct dpu_sim *racy_sim(void)
{
    struct dpu_sim *s = tu_sim("tiny");
    struct ex_conv3x3 m;
    ex_conv3x3_model(&m);
    ex_conv3x3_input(&m, input);
    ex_conv3x3_const(&m, cst);
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_CONST, cst, sizeof cst), DPU_OK);
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_INPUT, input, sizeof input), DPU_OK);
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_OUTPUT, output, sizeof output), DPU_OK);
    dpu_sim_set_check_races(s, true);
    return s;
}

/* Runs insns; expects a completed program and either no race (first == SIZE_MAX) or the
 * given race. */
static void expect_race(struct dpu_sim *s, const dpu_insn *insns, size_t n, size_t first,
                        bool first_wrote, size_t second, bool second_wrote, int space,
                        uint64_t addr)
{
    struct dpu_sim_status st;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_sim_run(s, insns, n, &st, &d);
    assert_true(st.done);
    if (first == SIZE_MAX) {
        if (err)
            print_error("%s\n", d.msg);
        assert_int_equal(err, DPU_OK);
        assert_false(st.race.found);
        return;
    }
    assert_int_equal(err, DPU_E_INVALID);
    assert_true(st.race.found);
    if (st.race.first != first || st.race.second != second || st.race.space != space ||
        st.race.addr != addr)
        print_error("race %zu/%zu %s %llu (%s)\n", st.race.first, st.race.second,
                    dpu_sim_space_name(st.race.space), (unsigned long long)st.race.addr, d.msg);
    assert_int_equal(st.race.first, first);
    assert_int_equal(st.race.second, second);
    assert_int_equal(st.race.first_wrote, first_wrote);
    assert_int_equal(st.race.second_wrote, second_wrote);
    assert_int_equal(st.race.space, space);
    assert_int_equal(st.race.addr, addr);
    assert_non_null(strstr(d.msg, "race"));
    assert_non_null(strstr(d.msg, dpu_sim_space_name(space)));
}

static void expect_race_text(struct dpu_sim *s, const char *text, size_t first, bool first_wrote,
                             size_t second, bool second_wrote, int space, uint64_t addr)
{
    size_t n;
    dpu_insn *p = tu_asm(text, &n);
    expect_race(s, p, n, first, first_wrote, second, second_wrote, space, addr);
    free(p);
}

/* The worked example is race-free; without the LOAD -> CONV token, CONV's first input byte
 * (ACT 0, written by LOAD 2) races; without CONV -> SAVE, SAVE's first byte (ACT 512). */
static void test_example_tokens(void **state)
{
    (void)state;
    struct dpu_sim *s = racy_sim();
    size_t n;
    dpu_insn *p = ex_load_program("conv3x3_relu.s", &n);
    expect_race(s, p, n, SIZE_MAX, false, 0, false, 0, 0);

    dpu_insn keep2 = p[2], keep3 = p[3], keep4 = p[4];
    dpu_insn_set_signal(&p[2], 0);
    dpu_insn_set_wait(&p[3], 0);
    expect_race(s, p, n, 2, true, 3, false, DPU_SIM_SPACE_ACT, 0);

    p[2] = keep2;
    p[3] = keep3;
    dpu_insn_set_signal(&p[3], 0);
    dpu_insn_set_wait(&p[4], 0);
    expect_race(s, p, n, 3, true, 4, false, DPU_SIM_SPACE_ACT, 512);
    p[4] = keep4;
    free(p);
    dpu_sim_destroy(s);
}

#define LOAD_ACT(extra)                                                                            \
    "LOAD buf=ACT region=INPUT rows=1 cols=1 bytes=8 ddr_off=0 ddr_row_stride=0 "                  \
    "ddr_col_stride=0 sram_col_stride=8 sram_row_stride=0 " extra "\n"

/* Write after read: LUTLD (MISC) reads ACT 0..255, then a LOAD overwrites 16..23. */
static void test_write_after_read(void **state)
{
    (void)state;
    struct dpu_sim *s = racy_sim();
    expect_race_text(s, "LUTLD src_addr=0\n" LOAD_ACT("sram_addr=16") "END\n", 0, false, 1, true,
                     DPU_SIM_SPACE_ACT, 16);
    /* A token from MISC orders them. */
    expect_race_text(s, "LUTLD src_addr=0 signal=LOAD\n" LOAD_ACT("sram_addr=16 wait=MISC") "END\n",
                     SIZE_MAX, false, 0, false, 0, 0);
    /* Bytes nobody else touches do not race. */
    expect_race_text(s, "LUTLD src_addr=0\n" LOAD_ACT("sram_addr=256") "END\n", SIZE_MAX, false, 0,
                     false, 0, 0);
    dpu_sim_destroy(s);
}

/* Happens-before is transitive: LOAD -> SYNC in CONV's queue -> SAVE. */
static void test_transitive_order(void **state)
{
    (void)state;
    struct dpu_sim *s = racy_sim();
    const char *save = "SAVE buf=ACT region=OUTPUT rows=1 cols=1 bytes=8 ddr_off=0 "
                       "ddr_row_stride=0 ddr_col_stride=0 sram_col_stride=8 sram_addr=40 "
                       "sram_row_stride=0 wait=CONV\nEND\n";
    char text[1024];
    strcpy(text, LOAD_ACT("sram_addr=40 signal=CONV") "SYNC engine=CONV wait=LOAD signal=SAVE\n");
    strcat(text, save);
    expect_race_text(s, text, SIZE_MAX, false, 0, false, 0, 0);
    /* Without the relay's wait, LOAD and SAVE are unordered (the SYNC's signal means nothing
     * about LOAD): the race is on ACT 40. */
    strcpy(text, LOAD_ACT("sram_addr=40 signal=CONV") "SYNC engine=CONV signal=SAVE\n"
                                                      "SYNC engine=CONV wait=LOAD\n");
    strcat(text, save);
    /* SAVE is instruction 3; the trailing token from LOAD is taken by instruction 2. */
    expect_race_text(s, text, 0, true, 3, false, DPU_SIM_SPACE_ACT, 40);
    dpu_sim_destroy(s);
}

/* DDR bytes race too: a SAVE writes OUTPUT 4..11, a LOAD reads OUTPUT 8.. with no token. */
static void test_ddr_race(void **state)
{
    (void)state;
    struct dpu_sim *s = racy_sim();
    expect_race_text(s,
                     "SAVE buf=ACT region=OUTPUT rows=1 cols=1 bytes=8 ddr_off=4 ddr_row_stride=0 "
                     "ddr_col_stride=0 sram_col_stride=8 sram_addr=0 sram_row_stride=0\n"
                     "LOAD buf=ACT region=OUTPUT rows=1 cols=1 bytes=8 ddr_off=8 ddr_row_stride=0 "
                     "ddr_col_stride=0 sram_col_stride=8 sram_addr=64 sram_row_stride=0\nEND\n",
                     0, true, 1, false, DPU_SIM_SPACE_DDR + DPU_REGION_OUTPUT, 8);
    dpu_sim_destroy(s);
}

/* The LUT is one element: LUTLD writes it, a CONV with lut = 1 reads it. */
static void test_lut_race(void **state)
{
    (void)state;
    struct dpu_sim *s = racy_sim();
    for (int c = 0; c < 8; c++)
        tu_param(s, c, 0, 1, 0);
    const char *conv = "CONV post=1 lut=1 kh=1 kw=1 oh=1 ow=1 act_addr=0 act_col_stride=8 "
                       "act_row_stride=8 wgt_addr=0 acc_addr=0 param_addr=0 out_addr=512 "
                       "out_pstride=8";
    char text[1024];
    snprintf(text, sizeof text, "LUTLD src_addr=1024\n%s\nEND\n", conv);
    expect_race_text(s, text, 0, true, 1, false, DPU_SIM_SPACE_LUT, 0);
    snprintf(text, sizeof text, "LUTLD src_addr=1024 signal=CONV\n%s wait=MISC\nEND\n", conv);
    expect_race_text(s, text, SIZE_MAX, false, 0, false, 0, 0);
    dpu_sim_destroy(s);
}

/* Access sets are byte-exact, not extents: CONV writes 8 channels of 16-byte pixels at 512
 * and 528, POOL the other 8 at 520 and 536; the extents overlap, the bytes do not. */
static void test_interleaved_writes_do_not_race(void **state)
{
    (void)state;
    struct dpu_sim *s = racy_sim();
    for (int c = 0; c < 9; c++)
        tu_param(s, c, 0, 1, 0);
    expect_race_text(s,
                     "CONV post=1 kh=1 kw=1 oh=1 ow=2 act_addr=0 act_col_stride=8 "
                     "act_row_stride=16 wgt_addr=0 acc_addr=0 param_addr=0 out_addr=512 "
                     "out_pstride=16\n"
                     "POOL mode=MAX kh=1 kw=1 oh=1 ow=2 in_addr=0 in_row_stride=16 "
                     "in_col_stride=8 out_addr=520 out_pstride=16 param_addr=8 valid_h=1 "
                     "valid_w=2\nEND\n",
                     SIZE_MAX, false, 0, false, 0, 0);
    dpu_sim_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_tokens),
        cmocka_unit_test(test_write_after_read),
        cmocka_unit_test(test_transitive_order),
        cmocka_unit_test(test_ddr_race),
        cmocka_unit_test(test_lut_race),
        cmocka_unit_test(test_interleaved_writes_do_not_race),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
