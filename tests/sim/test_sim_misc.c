/* The MISC engine's instructions (POOL, ELTW, DWCONV, LUTLD, LUT) and SYNC on hand-made
 * states of the tiny preset (R = C = 8). Every expected value is derived in the comments. */
#include "sim_test_util.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* ---- POOL ---------------------------------------------------------------------------- */

/* The tile's input grid is 6 x 4 positions; its valid rectangle is rows 1..3, columns 1..3
 * (valid_top = valid_left = 1, valid_h = valid_w = 3): the top row and left column are
 * padding and are not stored. The 3 x 3 valid pixels are stored from ACT 64 (pixel (1,1) of
 * the grid), 8 bytes each, rows 24 bytes apart. Stored pixel (yy, xx) holds lane 0 =
 * 10yy + xx, lane 1 = -(10yy + xx) - 1, lane 2 = -128, lanes 3..7 = 0.
 * 2x2 windows, stride 2, a 3 x 2 output tile:
 *   (0,0) sees grid rows 0..1, cols 0..1: only (1,1) = stored (0,0)            n = 1
 *   (0,1) rows 0..1, cols 2..3: stored (0,1), (0,2)                          n = 2
 *   (1,0) rows 2..3, cols 0..1: stored (1,0), (2,0)                          n = 2
 *   (1,1) rows 2..3, cols 2..3: stored (1,1), (1,2), (2,1), (2,2)            n = 4
 *   (2,x) rows 4..5: no valid position                                      n = 0 */
static void pool_setup(struct dpu_sim *s)
{
    uint8_t *act = tu_buf(s, DPU_BUF_ACT);
    for (int yy = 0; yy < 3; yy++) {
        for (int xx = 0; xx < 3; xx++) {
            uint8_t *px = act + 64 + yy * 24 + xx * 8;
            px[0] = (uint8_t)(10 * yy + xx);
            px[1] = (uint8_t)(-(10 * yy + xx) - 1);
            px[2] = 0x80;
        }
    }
}

#define POOL_TILE                                                                                  \
    "kh=2 kw=2 stride_h=2 stride_w=2 oh=3 ow=2 in_addr=64 in_row_stride=24 in_col_stride=8 "       \
    "out_addr=256 out_pstride=8 param_addr=9 valid_top=1 valid_left=1 valid_h=3 valid_w=3 "

/* MAX, in_zp 2, out_zp -1, M 3, s 1: y = rq(S - 2, 3, 1) - 1 = round((S - 2) * 1.5) - 1
 *   lane 0: S = 0 -> -3 -> -4;  2 -> 0 -> -1;  20 -> 27 -> 26;  22 -> 30 -> 29
 *   lane 1: S = -1 -> -4.5 -> -4 -> -5;  -2 -> -6 -> -7;  -11 -> -19.5 -> -19 -> -20;
 *           -12 -> -21 -> -22
 *   lane 2: -128 -> -195 -> -196 -> saturates to -128;  lanes 3..7: 0 -> -4
 *   n = 0: out_zp = -1 */
static void test_pool_max(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    pool_setup(s);
    tu_param(s, 9, 12345, 3, 1); /* the bias is ignored */
    tu_run_ok(s, "POOL mode=MAX " POOL_TILE "in_zp=2 out_zp=-1\nEND\n", NULL);
    static const int8_t want[48] = {
        -4, -5,  -128, -4, -4, -4, -4, -4, /* (0,0) */
        -1, -7,  -128, -4, -4, -4, -4, -4, /* (0,1) */
        26, -20, -128, -4, -4, -4, -4, -4, /* (1,0) */
        29, -22, -128, -4, -4, -4, -4, -4, /* (1,1) */
        -1, -1,  -1,   -1, -1, -1, -1, -1, /* (2,0): empty window */
        -1, -1,  -1,   -1, -1, -1, -1, -1, /* (2,1) */
    };
    tu_expect_bytes(tu_buf(s, DPU_BUF_ACT) + 256, want, sizeof want, "output");
    dpu_sim_destroy(s);
}

/* AVG divides by the valid positions only. in_zp -5, M 3, s 2, out_zp 3:
 * y = round((S + 5n) * 3 / (4n)) + 3
 *   (0,0) n=1: lane0 S=0: 15/4 = 3.75 -> 4 -> 7;  lane1 S=-1: 12/4 = 3 -> 6;
 *              lane2 S=-128: -369/4 = -92.25 -> -92 -> -89;  lanes 3..7: 7
 *   (0,1) n=2: lane0 S=3: 39/8 = 4.875 -> 5 -> 8;  lane1 S=-5: 15/8 = 1.875 -> 2 -> 5;
 *              lane2 S=-256: -738/8 = -92.25 -> -89;  lanes 3..7: 30/8 = 3.75 -> 7
 *   (1,0) n=2: lane0 S=30: 120/8 = 15 -> 18;  lane1 S=-32: -66/8 = -8.25 -> -8 -> -5
 *   (1,1) n=4: lane0 S=66: 258/16 = 16.125 -> 19;  lane1 S=-70: -150/16 = -9.375 -> -6;
 *              lane2 S=-512: -1476/16 = -92.25 -> -89;  lanes 3..7: 60/16 = 3.75 -> 7
 *   n = 0: out_zp = 3 */
static void test_pool_avg(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    pool_setup(s);
    tu_param(s, 9, 0, 3, 2);
    tu_run_ok(s, "POOL mode=AVG " POOL_TILE "in_zp=-5 out_zp=3\nEND\n", NULL);
    static const int8_t want[48] = {
        7,  6,  -89, 7, 7, 7, 7, 7, /* (0,0) */
        8,  5,  -89, 7, 7, 7, 7, 7, /* (0,1) */
        18, -5, -89, 7, 7, 7, 7, 7, /* (1,0) */
        19, -6, -89, 7, 7, 7, 7, 7, /* (1,1) */
        3,  3,  3,   3, 3, 3, 3, 3, /* (2,0) */
        3,  3,  3,   3, 3, 3, 3, 3, /* (2,1) */
    };
    tu_expect_bytes(tu_buf(s, DPU_BUF_ACT) + 256, want, sizeof want, "output");
    dpu_sim_destroy(s);
}

/* Two vectors per pixel (nvec = 2): the second vector is R bytes after the first. A 1x1
 * "pool" of one pixel, MAX, M 1, s 0, zero points 0, copies both vectors. */
static void test_pool_nvec(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    uint8_t *act = tu_buf(s, DPU_BUF_ACT);
    for (int i = 0; i < 16; i++)
        act[i] = (uint8_t)(i - 8);
    tu_param(s, 0, 0, 1, 0);
    tu_run_ok(s,
              "POOL mode=MAX kh=1 kw=1 oh=1 ow=1 nvec=2 in_addr=0 in_row_stride=16 "
              "in_col_stride=16 out_addr=32 out_pstride=16 param_addr=0 valid_h=1 valid_w=1\n"
              "END\n",
              NULL);
    static const int8_t want[16] = {-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7};
    tu_expect_bytes(act + 32, want, sizeof want, "output");
    dpu_sim_destroy(s);
}

/* A tile whose windows all lie in padding (valid rows start at 4; the windows reach rows 0..3)
 * reads nothing: no input extent is checked (in_addr at the very end of ACT with huge strides
 * is fine) and every output is out_zp. */
static void test_pool_nothing_read(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    tu_param(s, 0, 0, 1, 0);
    tu_run_ok(s,
              "POOL mode=AVG kh=2 kw=2 stride_h=2 stride_w=2 oh=2 ow=2 in_addr=65528 "
              "in_row_stride=65528 in_col_stride=65528 out_addr=64 out_pstride=8 param_addr=0 "
              "valid_top=4 valid_left=0 valid_h=3 valid_w=3 out_zp=-9\nEND\n",
              NULL);
    int8_t want[32];
    memset(want, -9, sizeof want);
    tu_expect_bytes(tu_buf(s, DPU_BUF_ACT) + 64, want, sizeof want, "output");
    dpu_sim_destroy(s);
}

/* ---- ELTW ---------------------------------------------------------------------------- */

/* ADD in place over a (10 bytes: one vector and a partial one), a_zp 1, b_zp -2, out_zp 3,
 * clamp [-20, 20]; record 5: M0 3, s0 2; record 6: M1 5 (its bias and shift are ignored).
 * y = sat(rshift_round(3(a-1) + 5(b+2), 2) + 3, -20, 20):
 *   a=0,b=0: -3+10 = 7 -> 1.75 -> 2 -> 5        a=5,b=-4: 12-10 = 2 -> 0.5 -> 1 -> 4
 *   a=2,b=3: 3+25 = 28 -> 7 -> 10               a=10,b=-5: 27-15 = 12 -> 3 -> 6
 *   a=-10,b=4: -33+30 = -3 -> -0.75 -> -1 -> 2  a=127,b=127: 378+645 = 1023 -> 256 -> 20
 *   a=-128,b=-128: -387-630 = -1017 -> -254 -> -20
 *   a=-3,b=0: -12+10 = -2 -> -0.5 -> 0 -> 3     a=6,b=2: 15+20 = 35 -> 8.75 -> 9 -> 12
 *   a=7,b=-3: 18-5 = 13 -> 3.25 -> 3 -> 6 */
static void test_eltw_add_in_place(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    static const int8_t a[16] = {0, 5, 2, 10, -10, 127, -128, -3, 6, 7, 99, 99, 99, 99, 99, 99};
    static const int8_t b[10] = {0, -4, 3, -5, 4, 127, -128, 0, 2, -3};
    tu_act_put(s, 0, a, 16);
    tu_act_put(s, 16, b, 10);
    tu_param(s, 5, 0, 3, 2);
    tu_param(s, 6, 1234, 5, 60);
    tu_run_ok(s,
              "ELTW op=ADD a_zp=1 b_zp=-2 out_zp=3 clamp_lo=-20 clamp_hi=20 a_addr=0 b_addr=16 "
              "len=10 out_addr=0 param_addr=5\nEND\n",
              NULL);
    static const int8_t want[16] = {5, 4, 10, 6, 2, 20, -20, 3, 12, 6, 99, 99, 99, 99, 99, 99};
    tu_expect_bytes(tu_buf(s, DPU_BUF_ACT), want, sizeof want, "a");
    tu_expect_bytes(tu_buf(s, DPU_BUF_ACT) + 16, b, sizeof b, "b");
    dpu_sim_destroy(s);
}

/* MUL in place over b, a_zp 0, b_zp 1, out_zp -1, default clamp; one record, the last of
 * PARAM (511), which MUL may use since it reads only one: M 1, s 3.
 * y = sat(rshift_round(a(b-1), 3) - 1, -128, 127):
 *   3*4 = 12 -> 1.5 -> 2 -> 1       -4*4 = -16 -> -2 -> -3
 *   127*126 = 16002 -> 2000 -> 127  -128*126 = -16128 -> -2016 -> -128
 *   10*-7 = -70 -> -8.75 -> -9 -> -10   0*8 -> -1   4*-3 = -12 -> -1.5 -> -1 -> -2
 *   2*12 = 24 -> 3 -> 2             -7*-129 = 903 -> 112.875 -> 113 -> 112 */
static void test_eltw_mul_in_place(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    static const int8_t a[9] = {3, -4, 127, -128, 10, 0, 4, 2, -7};
    static const int8_t b[9] = {5, 5, 127, 127, -6, 9, -2, 13, -128};
    tu_act_put(s, 32, a, 9);
    tu_act_put(s, 64, b, 9);
    tu_param(s, 511, 0, 1, 3);
    tu_run_ok(s,
              "ELTW op=MUL b_zp=1 out_zp=-1 a_addr=32 b_addr=64 len=9 out_addr=64 "
              "param_addr=511\nEND\n",
              NULL);
    static const int8_t want[9] = {1, -3, 127, -128, -10, -1, -2, 2, 112};
    tu_expect_bytes(tu_buf(s, DPU_BUF_ACT) + 64, want, sizeof want, "b");
    tu_expect_bytes(tu_buf(s, DPU_BUF_ACT) + 32, a, sizeof a, "a");
    dpu_sim_destroy(s);
}

/* ---- DWCONV -------------------------------------------------------------------------- */

/* 16 channels (nvec = 2), a 2x2 kernel, dilation 2 horizontally, a 1 x 2 output tile.
 * Input pixel (y, x), channel ch = y*4 + x + ch, pixels 16 bytes apart, rows 64 apart.
 * Weights: channel ch = v*8 + l, tap t: (t + 1) for v = 0, -(t + 1) for v = 1.
 * Output (0, ox) reads taps t0 (0, ox), t1 (0, ox+2), t2 (1, ox), t3 (1, ox+2):
 *   sum = 1(ox+ch) + 2(ox+2+ch) + 3(4+ox+ch) + 4(6+ox+ch) = 10(ox+ch) + 40
 * Records: ch < 8: bias -50, M 1, s 1 -> y = 5(ox+ch) - 5 + 2;
 *          ch >= 8: bias 0, M 1, s 3 -> y = round(-(10(ox+ch) + 40) / 8) + 2;
 * out_zp 2, clamp [-20, 30]:
 *   ox=0, ch0..7: -3 2 7 12 17 22 27 32->30
 *   ox=0, ch8..15: -120/8=-15 -> -13; -16.25 -> -14; -17.5 -> -17 -> -15; -18.75 -> -17;
 *                  -20 -> -18; -21.25 -> -19; -22.5 -> -22 -> -20; -23.75 -> -24 -> -22 -> -20
 *   ox=1, ch0..7: 2 7 12 17 22 27 32->30 37->30
 *   ox=1, ch8..15: -16.25 -> -14; -17.5 -> -15; -18.75 -> -17; -20 -> -18; -21.25 -> -19;
 *                  -22.5 -> -20; -23.75 -> -22 -> -20; -25 -> -23 -> -20 */
static void test_dwconv(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    uint8_t *act = tu_buf(s, DPU_BUF_ACT), *wgt = tu_buf(s, DPU_BUF_WGT);
    for (int y = 0; y < 2; y++)
        for (int x = 0; x < 4; x++)
            for (int ch = 0; ch < 16; ch++)
                act[y * 64 + x * 16 + ch] = (uint8_t)(y * 4 + x + ch);
    for (int v = 0; v < 2; v++)
        for (int t = 0; t < 4; t++)
            for (int l = 0; l < 8; l++)
                wgt[16 + (v * 4 + t) * 8 + l] = (uint8_t)(v ? -(t + 1) : t + 1);
    for (int ch = 0; ch < 16; ch++)
        tu_param(s, 100 + ch, ch < 8 ? -50 : 0, 1, ch < 8 ? 1 : 3);
    memset(act + 256, 0x44, 48);
    tu_run_ok(s,
              "DWCONV kh=2 kw=2 dil_w=2 oh=1 ow=2 nvec=2 act_addr=0 act_col_stride=16 "
              "act_row_stride=64 wgt_addr=16 param_addr=100 out_zp=2 clamp_lo=-20 clamp_hi=30 "
              "out_addr=256 out_pstride=24\nEND\n",
              NULL);
#define X 0x44
    static const int8_t want[48] = {
        -3, 2, 7,  12, 17, 22, 27, 30, -13, -14, -15, -17, -18, -19, -20, -20,
        X,  X, X,  X,  X,  X,  X,  X, /* gap: out_pstride 24 > 16 */
        2,  7, 12, 17, 22, 27, 30, 30, -14, -15, -17, -18, -19, -20, -20, -20,
    };
#undef X
    tu_expect_bytes(act + 256, want, 40, "output");
    dpu_sim_destroy(s);
}

/* DWCONV's implicit padding (pad_top/bottom/left/right, pad_value) against the same
 * convolution over an explicitly padded buffer: for every combination of pads 0..2 on each
 * side, strides and dilations 1..2 and 1..3 output rows, the stored rectangle alone (from ACT
 * 4096) with the pads must give the bytes the whole grid (from ACT 0, border = pad_value)
 * gives without them. Two vectors (16 channels), 3x3 kernels, pad_value -3. */
static void test_dwconv_implicit_padding(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    uint8_t *act = tu_buf(s, DPU_BUF_ACT), *wgt = tu_buf(s, DPU_BUF_WGT);
    for (int i = 0; i < 2 * 9 * 8; i++)
        wgt[i] = (uint8_t)((i * 37 + 11) % 15 - 7);
    for (int ch = 0; ch < 16; ch++)
        tu_param(s, ch, 100 * ch - 700, 1 << 20, 22);
    int runs = 0;
    for (int cfg = 0; cfg < 4; cfg++) {
        int sh = cfg == 1 || cfg == 3 ? 2 : 1, dh = cfg >= 2 ? 2 : 1;
        for (int oh = 1; oh <= 3; oh++) {
            int ih = (oh - 1) * sh + 2 * dh + 1, ow = 3, iw = (ow - 1) * sh + 2 * dh + 1;
            for (int pads = 0; pads < 81; pads++) {
                int pt = pads % 3, pb = pads / 3 % 3, pl = pads / 9 % 3, pr = pads / 27;
                int vh = ih - pt - pb, vw = iw - pl - pr;
                if (vh < 1 || vw < 1)
                    continue;
                /* the whole grid at 0 (rows iw*16 bytes apart), the stored part at 4096 */
                for (int y = 0; y < ih; y++)
                    for (int x = 0; x < iw; x++)
                        for (int ch = 0; ch < 16; ch++) {
                            bool in = y >= pt && y < pt + vh && x >= pl && x < pl + vw;
                            int8_t v = (int8_t)((y * 31 + x * 17 + ch * 7 + pads) % 251 - 125);
                            act[(y * iw + x) * 16 + ch] = (uint8_t)(in ? v : -3);
                            if (in)
                                act[4096 + ((y - pt) * vw + (x - pl)) * 16 + ch] = (uint8_t)v;
                        }
                char text[600];
                const char *fmt =
                    "DWCONV kh=3 kw=3 stride_h=%d stride_w=%d dil_h=%d dil_w=%d oh=%d ow=%d nvec=2 "
                    "act_addr=%d act_col_stride=16 act_row_stride=%d wgt_addr=0 param_addr=0 "
                    "out_zp=1 out_addr=%d out_pstride=16 %s\nEND\n";
                snprintf(text, sizeof text, fmt, sh, sh, dh, dh, oh, ow, 0, iw * 16, 8192, "");
                tu_run_ok(s, text, NULL);
                char pad[120];
                snprintf(pad, sizeof pad,
                         "pad_top=%d pad_bottom=%d pad_left=%d pad_right=%d pad_value=-3", pt, pb,
                         pl, pr);
                snprintf(text, sizeof text, fmt, sh, sh, dh, dh, oh, ow, 4096, vw * 16, 12288, pad);
                tu_run_ok(s, text, NULL);
                tu_expect_bytes(act + 12288, act + 8192, (size_t)(oh * ow * 16), text);
                runs++;
            }
        }
    }
    assert_true(runs > 600);
    /* A different pad_value changes the border results: the padding is really read as it. */
    tu_run_ok(s,
              "DWCONV kh=3 kw=3 oh=1 ow=1 nvec=2 act_addr=4096 act_col_stride=16 "
              "act_row_stride=16 wgt_addr=0 param_addr=0 out_addr=8192 out_pstride=16 "
              "pad_top=1 pad_bottom=1 pad_left=1 pad_right=1 pad_value=0\nEND\n",
              NULL);
    tu_run_ok(s,
              "DWCONV kh=3 kw=3 oh=1 ow=1 nvec=2 act_addr=4096 act_col_stride=16 "
              "act_row_stride=16 wgt_addr=0 param_addr=0 out_addr=12288 out_pstride=16 "
              "pad_top=1 pad_bottom=1 pad_left=1 pad_right=1 pad_value=100\nEND\n",
              NULL);
    assert_memory_not_equal(act + 8192, act + 12288, 16);
    dpu_sim_destroy(s);
}

/* ---- LUTLD and LUT ------------------------------------------------------------------- */

/* Table entry i = (7i) mod 256. LUT(v) = table[v + 128]:
 *   -128 -> entry 0 = 0;  -1 -> 127*7 = 889 = 121;  0 -> 896 = 128 = -128;
 *   1 -> 903 = 135 = -121;  127 -> 1785 = 249 = -7
 * Applied again in place: 0 -> entry 128 = -128;  121 -> entry 249: 1743 = 207 = -49;
 *   -128 -> entry 0 = 0;  -121 -> entry 7 = 49;  -7 -> entry 121: 847 = 79 */
static void test_lutld_lut(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    uint8_t *act = tu_buf(s, DPU_BUF_ACT);
    uint8_t table[256];
    for (int i = 0; i < 256; i++)
        table[i] = (uint8_t)(7 * i);
    memcpy(act + 512, table, 256);
    static const int8_t in[5] = {-128, -1, 0, 1, 127};
    tu_act_put(s, 0, in, 5);
    memset(act + 64, 0x11, 8);
    tu_run_ok(s,
              "LUTLD src_addr=512\n"
              "LUT in_addr=0 out_addr=64 len=5\n"
              "END\n",
              NULL);
    static const int8_t once[8] = {0, 121, -128, -121, -7, 0x11, 0x11, 0x11};
    tu_expect_bytes(act + 64, once, sizeof once, "LUT once");
    tu_expect_bytes(tu_buf(s, DPU_SIM_BUF_LUT), table, 256, "table");
    tu_run_ok(s,
              "LUTLD src_addr=512\n"
              "LUT in_addr=64 out_addr=64 len=5\n"
              "END\n",
              NULL);
    static const int8_t twice[8] = {-128, -49, 0, 49, 79, 0x11, 0x11, 0x11};
    tu_expect_bytes(act + 64, twice, sizeof twice, "LUT in place");
    dpu_sim_destroy(s);
}

/* ELTW with lut = 1 maps the clamped result: ADD of a run with itself, zero points 0,
 * M0 = M1 = 1, s 0: y = 2a, then LUT(y) = table[2a + 128] = 2a + 1 (the table below). */
static void test_eltw_lut(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    uint8_t *act = tu_buf(s, DPU_BUF_ACT);
    for (int i = 0; i < 256; i++)
        act[256 + i] = (uint8_t)(i - 128 + 1 > 127 ? 127 : i - 128 + 1);
    static const int8_t a[4] = {-3, 0, 20, 63};
    tu_act_put(s, 0, a, 4);
    tu_param(s, 0, 0, 1, 0);
    tu_param(s, 1, 0, 1, 0);
    tu_run_ok(s,
              "LUTLD src_addr=256\n"
              "ELTW op=ADD lut=1 a_addr=0 b_addr=0 len=4 out_addr=8 param_addr=0\n"
              "END\n",
              NULL);
    static const int8_t want[4] = {-5, 1, 41, 127};
    tu_expect_bytes(act + 8, want, sizeof want, "output");
    dpu_sim_destroy(s);
}

/* ---- SYNC ---------------------------------------------------------------------------- */

/* A token from LOAD reaches SAVE through a SYNC in CONV's queue; a SYNC with no bits is a
 * no-op that still counts for its engine. */
static void test_sync_relays_token(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    uint8_t in[3] = {7, 8, 9}, out[3] = {0};
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_INPUT, in, 3), DPU_OK);
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_OUTPUT, out, 3), DPU_OK);
    struct dpu_sim_status st;
    tu_run_ok(s,
              "LOAD signal=CONV buf=ACT region=INPUT rows=1 cols=1 bytes=3 ddr_off=0 "
              "ddr_row_stride=0 ddr_col_stride=0 sram_col_stride=3 sram_addr=0 "
              "sram_row_stride=0\n"
              "SYNC engine=MISC\n"
              "SYNC engine=CONV wait=LOAD signal=SAVE\n"
              "SAVE wait=CONV buf=ACT region=OUTPUT rows=1 cols=1 bytes=3 ddr_off=0 "
              "ddr_row_stride=0 ddr_col_stride=0 sram_col_stride=0 sram_addr=0 "
              "sram_row_stride=0\nEND\n",
              &st);
    static const uint8_t want[3] = {7, 8, 9};
    tu_expect_bytes(out, want, 3, "OUTPUT");
    assert_int_equal(st.engine_insns[DPU_ENGINE_LOAD], 1);
    assert_int_equal(st.engine_insns[DPU_ENGINE_CONV], 1);
    assert_int_equal(st.engine_insns[DPU_ENGINE_MISC], 1);
    assert_int_equal(st.engine_insns[DPU_ENGINE_SAVE], 1);
    assert_int_equal(st.executed, 5);
    dpu_sim_destroy(s);
}

/* The initial credit of a double-buffered loop: a SYNC early in the consumer's queue gives a
 * token that the producer takes later in the stream; token_queue_depth (8) tokens may wait
 * in one queue. */
static void test_sync_credit_and_full_queue(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    char text[2048] = "";
    for (int i = 0; i < 8; i++)
        strcat(text, "SYNC engine=CONV signal=LOAD\n");
    for (int i = 0; i < 8; i++)
        strcat(text, "SYNC engine=LOAD wait=CONV\n");
    strcat(text, "END\n");
    struct dpu_sim_status st;
    tu_run_ok(s, text, &st);
    assert_int_equal(st.engine_insns[DPU_ENGINE_CONV], 8);
    assert_int_equal(st.engine_insns[DPU_ENGINE_LOAD], 8);
    dpu_sim_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool_max),
        cmocka_unit_test(test_pool_avg),
        cmocka_unit_test(test_pool_nvec),
        cmocka_unit_test(test_pool_nothing_read),
        cmocka_unit_test(test_eltw_add_in_place),
        cmocka_unit_test(test_eltw_mul_in_place),
        cmocka_unit_test(test_dwconv),
        cmocka_unit_test(test_dwconv_implicit_padding),
        cmocka_unit_test(test_lutld_lut),
        cmocka_unit_test(test_eltw_lut),
        cmocka_unit_test(test_sync_relays_token),
        cmocka_unit_test(test_sync_credit_and_full_queue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
