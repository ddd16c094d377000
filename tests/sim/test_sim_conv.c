/* CONV on a hand-made state (tiny preset, R = C = 8): a 3x3 kernel with stride 2 x 1 and
 * dilation 1 x 2, the array pass alone, accumulation, post-processing with its rounding and
 * clamps, and the LUT. Every expected value is derived in the comments.
 *
 * Input: a 5 x 6 grid of 8-lane pixels at ACT 0, rows 48 bytes apart. Pixel (y, x) holds
 * lane 0 = 10y + x, lane 1 = 1, lane 2 = 100, lanes 3..7 = 55 (they meet zero weights).
 * Weights, tap t = ky*3 + kx at t*64, byte r*8 + c (lane r, channel c):
 *   channel 0: w[t][0][0] = 1 for every tap   -> sum of lane 0 over the window
 *   channel 1: w[t][1][1] = t + 1             -> 1 + 2 + ... + 9 = 45 everywhere
 *   channel 2: w[4][0][2] = -1                -> minus lane 0 at the centre tap
 *   channel 3: w[0][0][3] = 2, w[8][0][3] = -3
 *   channel 7: w[0][2][7] = 127               -> 100 * 127 = 12700 everywhere
 * Output pixel (oy, ox) reads iy = 2oy + ky, ix = ox + 2kx, so lane 0 of tap (ky, kx) is
 * 10(2oy + ky) + ox + 2kx:
 *   ch0 = sum = 9(20oy + ox) + 30*3 + 6*3 = 180oy + 9ox + 108:  108, 117, 288, 297
 *   ch2 = -(10(2oy+1) + ox + 2) = -(20oy + ox + 12):            -12, -13, -32, -33
 *   ch3 = 2(20oy + ox) - 3(20oy + 20 + ox + 4) = -(20oy + ox) - 72:  -72, -73, -92, -93
 * for pixels (0,0), (0,1), (1,0), (1,1).
 */
#include "sim_test_util.h"

#include <string.h>

static const char *const CONV_ARRAY =
    "CONV kh=3 kw=3 stride_h=2 stride_w=1 dil_h=1 dil_w=2 oh=2 ow=2 act_addr=0 "
    "act_col_stride=8 act_row_stride=48 wgt_addr=0 acc_addr=3\nEND\n";

static void setup(struct dpu_sim *s)
{
    uint8_t *act = tu_buf(s, DPU_BUF_ACT), *wgt = tu_buf(s, DPU_BUF_WGT);
    for (int y = 0; y < 5; y++) {
        for (int x = 0; x < 6; x++) {
            uint8_t *px = act + y * 48 + x * 8;
            px[0] = (uint8_t)(10 * y + x);
            px[1] = 1;
            px[2] = 100;
            memset(px + 3, 55, 5);
        }
    }
    for (int t = 0; t < 9; t++) {
        wgt[t * 64 + 0 * 8 + 0] = 1;
        wgt[t * 64 + 1 * 8 + 1] = (uint8_t)(t + 1);
    }
    wgt[4 * 64 + 0 * 8 + 2] = (uint8_t)-1;
    wgt[0 * 64 + 0 * 8 + 3] = 2;
    wgt[8 * 64 + 0 * 8 + 3] = (uint8_t)-3;
    wgt[0 * 64 + 2 * 8 + 7] = 127;
}

static void expect_acc(struct dpu_sim *s, int factor)
{
    static const int32_t want[4][8] = {
        {108, 45, -12, -72, 0, 0, 0, 12700},
        {117, 45, -13, -73, 0, 0, 0, 12700},
        {288, 45, -32, -92, 0, 0, 0, 12700},
        {297, 45, -33, -93, 0, 0, 0, 12700},
    };
    for (int px = 0; px < 4; px++)
        for (int c = 0; c < 8; c++)
            assert_int_equal(tu_acc(s, 3 + px, c), factor * want[px][c]);
}

static void test_conv_array_pass(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    setup(s);
    /* Entries around the tile must not be touched. */
    memset(tu_buf(s, DPU_BUF_ACC), 0x5a, 4 * 8 * 10);
    struct dpu_sim_status st;
    tu_run_ok(s, CONV_ARRAY, &st);
    expect_acc(s, 1);
    assert_int_equal(tu_acc(s, 2, 7), 0x5a5a5a5a);
    assert_int_equal(tu_acc(s, 7, 0), 0x5a5a5a5a);
    assert_int_equal(st.engine_insns[DPU_ENGINE_CONV], 1);
    /* post = 0 writes nothing to ACT. */
    assert_int_equal(tu_buf(s, DPU_BUF_ACT)[512], 0);
    dpu_sim_destroy(s);
}

/* Records for the post-processing tests (out_zp = -3):
 *   ch0: bias -200, M 1, s 1    ch1: bias 0, M 3, s 2    ch2: bias 0, M 1, s 2
 *   ch3: bias 144, M 5, s 3     ch4..6: all zero          ch7: bias 0, M 1, s 8 */
static void setup_params(struct dpu_sim *s)
{
    tu_param(s, 0, -200, 1, 1);
    tu_param(s, 1, 0, 3, 2);
    tu_param(s, 2, 0, 1, 2);
    tu_param(s, 3, 144, 5, 3);
    tu_param(s, 7, 0, 1, 8);
}

/* A second pass with accumulate = 1 doubles every sum; post-processing then gives, with
 * y = sat(rq(acc + bias, M, s) - 3, -100, 100):
 *   ch0: 216-200=16 -> 8 -> 5;  234-200=34 -> 17 -> 14;  376 -> 188 -> 185 -> 100;  394 -> 100
 *   ch1: 90*3 = 270, /4 = 67.5 -> 68 (ties up) -> 65
 *   ch2: -24/4 = -6 -> -9;  -26/4 = -6.5 -> -6 -> -9;  -64/4 -> -19;  -66/4 = -16.5 -> -16 -> -19
 *   ch3: (-144+144)*5 = 0 -> -3;  -2*5/8 = -1.25 -> -1 -> -4;  -40*5/8 = -25 -> -28;
 *        -42*5/8 = -26.25 -> -26 -> -29
 *   ch4..6: 0 -> -3;  ch7: 25400/256 = 99.2 -> 99 -> 96
 * Output pixels are 16 bytes apart from ACT 512: bytes 8..15 of each stay untouched. */
static void test_conv_accumulate_post_clamp(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    setup(s);
    setup_params(s);
    memset(tu_buf(s, DPU_BUF_ACT) + 512, 0x33, 64);
    tu_run_ok(s, CONV_ARRAY, NULL);
    tu_run_ok(s,
              "CONV accumulate=1 post=1 kh=3 kw=3 stride_h=2 stride_w=1 dil_h=1 dil_w=2 oh=2 "
              "ow=2 act_addr=0 act_col_stride=8 act_row_stride=48 wgt_addr=0 acc_addr=3 "
              "param_addr=0 out_zp=-3 out_addr=512 out_pstride=16 clamp_lo=-100 "
              "clamp_hi=100\nEND\n",
              NULL);
    /* The ACC entries keep their pre-bias values. */
    expect_acc(s, 2);
#define X 0x33
    static const int8_t want[64] = {
        5,   65, -9,  -3,  -3, -3, -3, 96, X, X, X, X, X, X, X, X, /* (0,0) */
        14,  65, -9,  -4,  -3, -3, -3, 96, X, X, X, X, X, X, X, X, /* (0,1) */
        100, 65, -19, -28, -3, -3, -3, 96, X, X, X, X, X, X, X, X, /* (1,0) */
        100, 65, -19, -29, -3, -3, -3, 96, X, X, X, X, X, X, X, X, /* (1,1) */
    };
#undef X
    tu_expect_bytes(tu_buf(s, DPU_BUF_ACT) + 512, want, sizeof want, "output");
    dpu_sim_destroy(s);
}

/* LUTLD (MISC) signals CONV, which post-processes through the table LUT(v) = -v
 * (LUT(-128) = 127), with out_zp = -3 and the clamp [-3, 50], from single sums:
 *   ch0: 108-200 = -92 -> -46 -> -49 -> -3 -> 3;  117-200 = -83 -> -41.5 -> -41 -> -44 -> 3;
 *        88 -> 44 -> 41 -> -41;  97 -> 48.5 -> 49 -> 46 -> -46
 *   ch1: 135/4 = 33.75 -> 34 -> 31 -> -31
 *   ch2: -3 -> -6, -3.25 -> -3 -> -6, -8 -> -11, -8.25 -> -8 -> -11: all clamp to -3 -> 3
 *   ch3: 72*5/8 = 45 -> 42 -> -42;  71*5/8 = 44.375 -> 44 -> 41 -> -41;
 *        52*5/8 = 32.5 -> 33 -> 30 -> -30;  51*5/8 = 31.875 -> 32 -> 29 -> -29
 *   ch4..6: -3 -> 3;  ch7: 12700/256 = 49.6 -> 50 -> 47 -> -47 */
static void test_conv_lut(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    setup(s);
    setup_params(s);
    uint8_t *table = tu_buf(s, DPU_BUF_ACT) + 1024;
    for (int i = 0; i < 256; i++)
        table[i] = (uint8_t)(i == 0 ? 127 : -(i - 128));
    tu_run_ok(s,
              "LUTLD signal=CONV src_addr=1024\n"
              "CONV wait=MISC post=1 lut=1 kh=3 kw=3 stride_h=2 stride_w=1 dil_h=1 dil_w=2 oh=2 "
              "ow=2 act_addr=0 act_col_stride=8 act_row_stride=48 wgt_addr=0 acc_addr=3 "
              "param_addr=0 out_zp=-3 out_addr=512 out_pstride=8 clamp_lo=-3 clamp_hi=50\n"
              "END\n",
              NULL);
    static const int8_t want[32] = {
        3,   -31, 3, -42, 3, 3, 3, -47, /* (0,0) */
        3,   -31, 3, -41, 3, 3, 3, -47, /* (0,1) */
        -41, -31, 3, -30, 3, 3, 3, -47, /* (1,0) */
        -46, -31, 3, -29, 3, 3, 3, -47, /* (1,1) */
    };
    tu_expect_bytes(tu_buf(s, DPU_BUF_ACT) + 512, want, sizeof want, "output");
    tu_expect_bytes(tu_buf(s, DPU_SIM_BUF_LUT), table, 256, "LUT");
    dpu_sim_destroy(s);
}

/* Accumulators wrap modulo 2^32: 0x7fffffff + 1 = INT32_MIN, and post-processing adds the
 * bias modulo 2^32 too: INT32_MIN + (-1) = INT32_MAX, rq(INT32_MAX, 1, 31) = 1. */
static void test_conv_wraps(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    uint8_t *acc = tu_buf(s, DPU_BUF_ACC);
    acc[0] = 0xff, acc[1] = 0xff, acc[2] = 0xff, acc[3] = 0x7f; /* entry 0, channel 0 */
    tu_buf(s, DPU_BUF_ACT)[0] = 1;
    tu_buf(s, DPU_BUF_WGT)[0] = 1; /* lane 0 -> channel 0 */
    tu_param(s, 0, -1, 1, 31);
    tu_run_ok(s,
              "CONV accumulate=1 post=1 kh=1 kw=1 oh=1 ow=1 act_addr=0 act_col_stride=8 "
              "act_row_stride=8 wgt_addr=0 acc_addr=0 param_addr=0 out_addr=64 out_pstride=8\n"
              "END\n",
              NULL);
    assert_int_equal(tu_acc(s, 0, 0), INT32_MIN);
    assert_int_equal((int8_t)tu_buf(s, DPU_BUF_ACT)[64], 1);
    dpu_sim_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_array_pass),
        cmocka_unit_test(test_conv_accumulate_post_clamp),
        cmocka_unit_test(test_conv_lut),
        cmocka_unit_test(test_conv_wraps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
