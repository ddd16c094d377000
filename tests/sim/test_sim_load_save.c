/* LOAD and SAVE on hand-made states: every expected byte is written out by hand. */
#include "sim_test_util.h"

#include <string.h>

#define U 0x77 /* untouched ACT byte */
#define P 0xfe /* pad_value = -2 */

/* A 2 x 2 box of 3-byte columns, padded by 1 row on top and bottom, 2 columns on the left
 * and 1 on the right, each column widened to a 4-byte slot (a 1-byte channel tail), rows 24
 * bytes apart on chip (20 bytes of slots + a 4-byte gap that must stay untouched), starting
 * at the unaligned ACT address 3 (LOAD has no alignment rule). */
static void test_load_padding_and_tail(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    memset(tu_buf(s, DPU_BUF_ACT), U, 100);
    /* INPUT: a skipped byte, row 0 (pixels 1 2 3 | 4 5 6), a skipped byte, row 1. */
    uint8_t input[14] = {0x99, 1, 2, 3, 4, 5, 6, 0x99, 7, 8, 9, 10, 11, 12};
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_INPUT, input, sizeof input), DPU_OK);
    tu_run_ok(s,
              "LOAD buf=ACT region=INPUT pad_top=1 pad_bottom=1 pad_left=2 pad_right=1 "
              "pad_value=-2 rows=2 cols=2 bytes=3 ddr_off=1 ddr_row_stride=7 ddr_col_stride=3 "
              "sram_col_stride=4 sram_addr=3 sram_row_stride=24\nEND\n",
              NULL);
    static const uint8_t want[100] = {
        U, U, U,                                                       /* 0..2 */
        P, P, P, P, P, P, P, P, P, P, P, P, P,  P,  P,  P, P, P, P, P, /* row 0: pad */
        U, U, U, U,                                                    /* gap */
        P, P, P, P, P, P, P, P, 1, 2, 3, P, 4,  5,  6,  P, P, P, P, P, /* row 1 */
        U, U, U, U,                                                    /* gap */
        P, P, P, P, P, P, P, P, 7, 8, 9, P, 10, 11, 12, P, P, P, P, P, /* row 2 */
        U, U, U, U,                                                    /* gap */
        P, P, P, P, P, P, P, P, P, P, P, P, P,  P,  P,  P, P, P, P, P, /* row 3: pad */
        U, U, U, U, U};                                                /* 95..99 */
    tu_expect_bytes(tu_buf(s, DPU_BUF_ACT), want, sizeof want, "ACT");
    /* The region is only read. */
    assert_int_equal(input[0], 0x99);
    dpu_sim_destroy(s);
}

/* Zero DDR strides read one column several times (a broadcast); WGT, PARAM and ACC are
 * byte-addressed like ACT. */
static void test_load_broadcast_and_other_buffers(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    uint8_t cst[8] = {0x01, 0x02, 0x03, 0x84, 0xaa, 0xbb, 0xcc, 0xdd};
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_CONST, cst, sizeof cst), DPU_OK);
    tu_run_ok(s,
              "LOAD buf=WGT region=CONST rows=2 cols=3 bytes=2 ddr_off=4 ddr_row_stride=0 "
              "ddr_col_stride=0 sram_col_stride=2 sram_addr=10 sram_row_stride=6\n"
              "LOAD buf=ACC region=CONST rows=1 cols=1 bytes=4 ddr_off=0 ddr_row_stride=0 "
              "ddr_col_stride=0 sram_col_stride=4 sram_addr=40 sram_row_stride=0\n"
              "LOAD buf=PARAM region=CONST rows=1 cols=1 bytes=8 ddr_off=0 ddr_row_stride=0 "
              "ddr_col_stride=0 sram_col_stride=16 sram_addr=32 sram_row_stride=0 pad_value=5\n"
              "END\n",
              NULL);
    static const uint8_t wgt[12] = {0xaa, 0xbb, 0xaa, 0xbb, 0xaa, 0xbb,
                                    0xaa, 0xbb, 0xaa, 0xbb, 0xaa, 0xbb};
    tu_expect_bytes(tu_buf(s, DPU_BUF_WGT) + 10, wgt, sizeof wgt, "WGT");
    assert_int_equal(tu_buf(s, DPU_BUF_WGT)[9], 0);
    assert_int_equal(tu_buf(s, DPU_BUF_WGT)[22], 0);
    /* ACC byte 40 is entry 1, channel 2 on tiny (C = 8): the int32 0x84030201. */
    assert_int_equal(tu_acc(s, 1, 2), (int32_t)-2080177663);
    /* PARAM record 2 (bytes 32..47): 8 bytes loaded, the 8-byte tail filled with pad 5. */
    static const uint8_t rec[16] = {0x01, 0x02, 0x03, 0x84, 0xaa, 0xbb, 0xcc, 0xdd,
                                    5,    5,    5,    5,    5,    5,    5,    5};
    tu_expect_bytes(tu_buf(s, DPU_BUF_PARAM) + 32, rec, sizeof rec, "PARAM");
    dpu_sim_destroy(s);
}

static void fill_act_pattern(struct dpu_sim *s)
{
    uint8_t *act = tu_buf(s, DPU_BUF_ACT);
    for (int i = 0; i < 64; i++)
        act[i] = (uint8_t)i;
}

/* Row-major nesting: 2 rows x 3 columns of 2 bytes, from 5-byte on-chip columns. */
static void test_save_row_major(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    fill_act_pattern(s);
    uint8_t out[16];
    memset(out, 0xaa, sizeof out);
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_OUTPUT, out, sizeof out), DPU_OK);
    tu_run_ok(s,
              "SAVE buf=ACT region=OUTPUT rows=2 cols=3 bytes=2 ddr_off=1 ddr_row_stride=8 "
              "ddr_col_stride=2 sram_col_stride=5 sram_addr=10 sram_row_stride=20\nEND\n",
              NULL);
    static const uint8_t want[16] = {0xaa, 10, 11, 15, 16, 20, 21, 0xaa,
                                     0xaa, 30, 31, 35, 36, 40, 41, 0xaa};
    tu_expect_bytes(out, want, sizeof want, "OUTPUT");
    dpu_sim_destroy(s);
}

/* Column-major nesting (a transpose): 3 rows x 2 columns of 1 byte, rows 1 byte apart in DDR
 * and columns 3 apart; on chip row r, column c is at 8 + 4r + c. */
static void test_save_column_major(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    fill_act_pattern(s);
    uint8_t out[6];
    memset(out, 0xaa, sizeof out);
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_SCRATCH, out, sizeof out), DPU_OK);
    tu_run_ok(s,
              "SAVE buf=ACT region=SCRATCH rows=3 cols=2 bytes=1 ddr_off=0 ddr_row_stride=1 "
              "ddr_col_stride=3 sram_col_stride=1 sram_addr=8 sram_row_stride=4\nEND\n",
              NULL);
    /* DDR r + 3c := ACT 8 + 4r + c */
    static const uint8_t want[6] = {8, 12, 16, 9, 13, 17};
    tu_expect_bytes(out, want, sizeof want, "SCRATCH");
    dpu_sim_destroy(s);
}

/* SAVE from ACC writes the raw little-endian int32 accumulators. */
static void test_save_acc(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    uint8_t *acc = tu_buf(s, DPU_BUF_ACC);
    /* entry 1, channels 2 and 3: -2 and 0x01020304 */
    const uint8_t v[8] = {0xfe, 0xff, 0xff, 0xff, 0x04, 0x03, 0x02, 0x01};
    memcpy(acc + 40, v, sizeof v);
    uint8_t out[9];
    memset(out, 0xaa, sizeof out);
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_OUTPUT, out, sizeof out), DPU_OK);
    tu_run_ok(s,
              "SAVE buf=ACC region=OUTPUT rows=1 cols=1 bytes=8 ddr_off=1 ddr_row_stride=0 "
              "ddr_col_stride=0 sram_col_stride=8 sram_addr=40 sram_row_stride=0\nEND\n",
              NULL);
    static const uint8_t want[9] = {0xaa, 0xfe, 0xff, 0xff, 0xff, 0x04, 0x03, 0x02, 0x01};
    tu_expect_bytes(out, want, sizeof want, "OUTPUT");
    assert_int_equal(tu_acc(s, 1, 2), -2);
    dpu_sim_destroy(s);
}

/* LOAD and SAVE through one token: INPUT -> ACT -> OUTPUT. */
static void test_load_then_save(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    uint8_t in[4] = {1, 2, 3, 4}, out[4] = {0};
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_INPUT, in, 4), DPU_OK);
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_OUTPUT, out, 4), DPU_OK);
    struct dpu_sim_status st;
    tu_run_ok(s,
              "LOAD signal=SAVE buf=ACT region=INPUT rows=1 cols=4 bytes=1 ddr_off=0 "
              "ddr_row_stride=0 ddr_col_stride=1 sram_col_stride=1 sram_addr=100 "
              "sram_row_stride=0\n"
              "SAVE wait=LOAD buf=ACT region=OUTPUT rows=1 cols=1 bytes=4 ddr_off=0 "
              "ddr_row_stride=0 ddr_col_stride=0 sram_col_stride=0 sram_addr=100 "
              "sram_row_stride=0\nEND\n",
              &st);
    static const uint8_t want[4] = {1, 2, 3, 4};
    tu_expect_bytes(out, want, 4, "OUTPUT");
    assert_int_equal(st.engine_insns[DPU_ENGINE_LOAD], 1);
    assert_int_equal(st.engine_insns[DPU_ENGINE_SAVE], 1);
    assert_int_equal(st.engine_insns[DPU_ENGINE_CONV], 0);
    assert_int_equal(st.engine_insns[DPU_ENGINE_MISC], 0);
    assert_int_equal(st.executed, 3);
    dpu_sim_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_padding_and_tail),
        cmocka_unit_test(test_load_broadcast_and_other_buffers),
        cmocka_unit_test(test_save_row_major),
        cmocka_unit_test(test_save_column_major),
        cmocka_unit_test(test_save_acc),
        cmocka_unit_test(test_load_then_save),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
