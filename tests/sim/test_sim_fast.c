/* The fast paths of dpusim (sim/src/fast_*.c) against the plain semantics of exec_*.c: random
 * valid instructions run on two simulators with identical random buffers, one of them in
 * plain mode (s->plain), must leave every buffer byte-identical. Each case runs once per
 * kernel set the CPU supports (portable C, AVX2, AVX-512 VNNI: sim_fast_set_isa), so every
 * dispatched variant is compared with plain mode on this machine. The CONVs are biased toward
 * what the fast path treats specially: all-zero weight rows (skipped), whole taps (widened
 * as blocks), accumulate, more rows than one chunk (SIM_FAST_ROWS), post-processing with
 * ties, clamps and the LUT, and sums that wrap around 2^32; the ELTWs toward in-place
 * operation, lengths that are not a multiple of the vector width, saturation and the LUT;
 * the LOADs and SAVEs toward dense columns (copied a row at a time), a single column,
 * padding, and DDR rows that overlap. Their DDR regions are compared too.
 * The seed of a failing case is printed. */
#include "sim_test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../sim/src/fast.h"
#include "dpu/qmath.h"

static uint64_t rng_state;
static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}
static uint64_t rnd(uint64_t n)
{
    return rng_next() % n;
}

/* Random contents of every buffer, once per simulator. */
static void fill_all(struct dpu_sim *s)
{
    for (int b = 0; b < DPU_SIM_BUF_COUNT; b++) {
        uint8_t *p = tu_buf(s, b);
        for (uint64_t i = 0; i < s->buf_size[b]; i++)
            p[i] = (uint8_t)rng_next();
    }
}

/* Fresh random contents for what CONV in reads: its weight rows (C bytes each), zeroed now
 * and then, or every lane from a random one on (a channel-padded layer); its ACC entries; its
 * PARAM records, valid, with a large M now and then (so that rq saturates). */
static void fill_conv(struct dpu_sim *s, const dpu_insn *in)
{
    uint64_t R = s->R, C = s->C;
    uint64_t rows = dpu_conv_get_kh(in) * dpu_conv_get_kw(in) * R;
    uint8_t *w = tu_buf(s, DPU_BUF_WGT) + dpu_conv_get_wgt_addr(in);
    uint64_t mode = rnd(3), keep_lanes = 1 + rnd(R);
    for (uint64_t r = 0; r < rows; r++) {
        bool zero = mode == 0 ? rnd(4) == 0 : mode == 1 ? r % R >= keep_lanes : false;
        for (uint64_t c = 0; c < C; c++)
            w[r * C + c] = zero ? 0 : (uint8_t)rng_next();
    }
    uint64_t P = dpu_conv_get_oh(in) * dpu_conv_get_ow(in);
    uint8_t *acc = tu_buf(s, DPU_BUF_ACC) + 4 * C * dpu_conv_get_acc_addr(in);
    for (uint64_t i = 0; i < 4 * C * P; i++)
        acc[i] = (uint8_t)rng_next();
    for (uint64_t c = 0; c < C; c++) {
        int32_t M = (int32_t)(rnd(4) ? rnd(1u << 16) : rnd(UINT64_C(1) << 31));
        tu_param(s, dpu_conv_get_param_addr(in) + c, (int32_t)(uint32_t)rng_next(), M,
                 (int8_t)rnd(DPU_RQ_MAX_SHIFT + 1));
    }
}

static dpu_insn random_conv(uint64_t R, uint64_t C, const struct sim_check *lim)
{
    dpu_insn in;
    memset(&in, 0, sizeof in);
    dpu_insn_set_opcode(&in, DPU_OP_CONV);
    bool big = rnd(8) == 0;
    uint64_t kh = big ? 1 + rnd(15) : 1 + rnd(3), kw = big ? 1 + rnd(15) : 1 + rnd(3);
    uint64_t sh = 1 + rnd(2), sw = 1 + rnd(2), dh = 1 + rnd(2), dw = 1 + rnd(2);
    uint64_t oh = 1 + rnd(big ? 2 : 5), ow = 1 + rnd(big ? 2 : 5);
    uint64_t IX = (ow - 1) * sw + (kw - 1) * dw + 1, IY = (oh - 1) * sh + (kh - 1) * dh + 1;
    uint64_t acs = R * (1 + rnd(2)), ars = acs * IX + R * rnd(2);
    uint64_t in_bytes = (IY - 1) * ars + (IX - 1) * acs + R;
    uint64_t ps = C + R * rnd(2), P = oh * ow;
    uint64_t out_bytes = (P - 1) * ps + C;
    uint64_t act_room = lim->act_bytes - in_bytes - out_bytes;
    uint64_t act = R * rnd(act_room / R / 2 + 1);
    uint64_t out = act + in_bytes + R * rnd(act_room / R / 2 + 1);
    out = (out + R - 1) / R * R;
    uint64_t wbytes = kh * kw * R * C;
    dpu_conv_set_kh(&in, kh);
    dpu_conv_set_kw(&in, kw);
    dpu_conv_set_stride_h(&in, sh);
    dpu_conv_set_stride_w(&in, sw);
    dpu_conv_set_dil_h(&in, dh);
    dpu_conv_set_dil_w(&in, dw);
    dpu_conv_set_oh(&in, oh);
    dpu_conv_set_ow(&in, ow);
    dpu_conv_set_act_addr(&in, act);
    dpu_conv_set_act_col_stride(&in, acs);
    dpu_conv_set_act_row_stride(&in, ars);
    dpu_conv_set_wgt_addr(&in,
                          wbytes < lim->wgt_bytes ? C * rnd((lim->wgt_bytes - wbytes) / C) : 0);
    dpu_conv_set_acc_addr(&in, rnd(lim->acc_entries - P));
    dpu_conv_set_accumulate(&in, rnd(2));
    bool post = rnd(4) != 0;
    dpu_conv_set_post(&in, post);
    dpu_conv_set_lut(&in, post && rnd(4) == 0);
    dpu_conv_set_param_addr(&in, rnd(lim->param_records - C));
    dpu_conv_set_out_zp(&in, (int64_t)rnd(256) - 128);
    int64_t lo = (int64_t)rnd(256) - 128, hi = (int64_t)rnd(256) - 128;
    if (rnd(2)) {
        lo = -128;
        hi = 127;
    }
    dpu_conv_set_clamp_lo(&in, lo < hi ? lo : hi);
    dpu_conv_set_clamp_hi(&in, lo < hi ? hi : lo);
    dpu_conv_set_out_addr(&in, out);
    dpu_conv_set_out_pstride(&in, ps);
    return in;
}

/* Fresh random PARAM records q and q + 1 for an ELTW, valid, with a large M now and then. */
static void fill_eltw(struct dpu_sim *s, const dpu_insn *in)
{
    for (uint64_t k = 0; k < 2; k++) {
        int32_t M = (int32_t)(rnd(4) ? rnd(1u << 16) : rnd(UINT64_C(1) << 31));
        tu_param(s, dpu_eltw_get_param_addr(in) + k, (int32_t)(uint32_t)rng_next(), M,
                 (int8_t)rnd(DPU_RQ_MAX_SHIFT + 1));
    }
}

static dpu_insn random_eltw(uint64_t R, const struct sim_check *lim)
{
    dpu_insn in;
    memset(&in, 0, sizeof in);
    dpu_insn_set_opcode(&in, DPU_OP_ELTW);
    uint64_t len = 1 + rnd(rnd(4) ? 40 : 300);
    uint64_t room = lim->act_bytes - 3 * len;
    uint64_t a = rnd(room / 3) / R * R, b = (a + len + rnd(room / 3) + R - 1) / R * R;
    uint64_t out = (b + len + rnd(room / 3) + R - 1) / R * R; /* addresses are R-aligned */
    uint64_t way = rnd(4); /* out separate, in place on a, on b, or a == b */
    dpu_eltw_set_op(&in, rnd(2) ? DPU_ELTWOP_ADD : DPU_ELTWOP_MUL);
    dpu_eltw_set_lut(&in, rnd(4) == 0);
    dpu_eltw_set_a_zp(&in, (int64_t)rnd(256) - 128);
    dpu_eltw_set_b_zp(&in, (int64_t)rnd(256) - 128);
    dpu_eltw_set_out_zp(&in, (int64_t)rnd(256) - 128);
    int64_t lo = (int64_t)rnd(256) - 128, hi = (int64_t)rnd(256) - 128;
    if (rnd(2)) {
        lo = -128;
        hi = 127;
    }
    dpu_eltw_set_clamp_lo(&in, lo < hi ? lo : hi);
    dpu_eltw_set_clamp_hi(&in, lo < hi ? hi : lo);
    dpu_eltw_set_a_addr(&in, a);
    dpu_eltw_set_b_addr(&in, way == 3 ? a : b);
    dpu_eltw_set_out_addr(&in, way == 1 ? a : way == 2 ? b : out);
    dpu_eltw_set_len(&in, len);
    dpu_eltw_set_param_addr(&in, rnd(lim->param_records - 1));
    return in;
}

#define REGION_BYTES 65536 /* each DDR region of the LOAD and SAVE cases */

/* A LOAD into ACT or WGT from a random region, or a SAVE from ACT or ACC into OUTPUT or
 * SCRATCH; half of them with dense columns (the fast path), some with a single column (any
 * DDR column stride), the rest strided; DDR rows overlapping now and then. */
static dpu_insn random_move(const struct sim_check *lim)
{
    dpu_insn in;
    memset(&in, 0, sizeof in);
    bool load = rnd(2);
    uint64_t rows = 1 + rnd(6), cols = rnd(4) ? 1 + rnd(6) : 1, bytes = 1 + rnd(rnd(2) ? 64 : 8);
    uint64_t dense = rnd(2), scs = dense ? bytes : bytes + rnd(9);
    uint64_t dcs = dense ? bytes : rnd(3) ? bytes + rnd(9) : rnd(bytes + 1);
    uint64_t drs = rnd(4) ? cols * dcs + bytes + rnd(40) : rnd(cols * dcs + bytes + 1);
    uint64_t ddr_off = rnd(REGION_BYTES / 2);
    if (load) {
        uint64_t top = rnd(3), bottom = rnd(3), left = rnd(3), right = rnd(3);
        uint64_t W = left + cols + right, H = top + rows + bottom, srs = W * scs + rnd(3) * rnd(40);
        int buf = rnd(2) ? DPU_BUF_ACT : DPU_BUF_WGT;
        uint64_t room = (buf == DPU_BUF_ACT ? lim->act_bytes : lim->wgt_bytes) - H * srs;
        dpu_insn_set_opcode(&in, DPU_OP_LOAD);
        dpu_load_set_buf(&in, buf);
        dpu_load_set_region(&in, rnd(DPU_REGION_COUNT));
        dpu_load_set_pad_top(&in, top);
        dpu_load_set_pad_bottom(&in, bottom);
        dpu_load_set_pad_left(&in, left);
        dpu_load_set_pad_right(&in, right);
        dpu_load_set_pad_value(&in, (int64_t)rnd(256) - 128);
        dpu_load_set_rows(&in, rows);
        dpu_load_set_cols(&in, cols);
        dpu_load_set_ddr_off(&in, ddr_off);
        dpu_load_set_ddr_row_stride(&in, drs);
        dpu_load_set_ddr_col_stride(&in, dcs);
        dpu_load_set_bytes(&in, bytes);
        dpu_load_set_sram_col_stride(&in, scs);
        dpu_load_set_sram_addr(&in, rnd(room));
        dpu_load_set_sram_row_stride(&in, srs);
    } else {
        uint64_t srs = rnd(4) ? cols * scs + rnd(40) : rnd(cols * scs + 1);
        int buf = rnd(2) ? DPU_SAVEBUF_ACT : DPU_SAVEBUF_ACC;
        uint64_t size = buf == DPU_SAVEBUF_ACT ? lim->act_bytes : 4 * lim->C * lim->acc_entries;
        dpu_insn_set_opcode(&in, DPU_OP_SAVE);
        dpu_save_set_buf(&in, buf);
        dpu_save_set_region(&in, rnd(2) ? DPU_REGION_OUTPUT : DPU_REGION_SCRATCH);
        dpu_save_set_rows(&in, rows);
        dpu_save_set_cols(&in, cols);
        dpu_save_set_bytes(&in, bytes);
        dpu_save_set_ddr_off(&in, ddr_off);
        dpu_save_set_ddr_row_stride(&in, drs);
        dpu_save_set_ddr_col_stride(&in, dcs);
        dpu_save_set_sram_col_stride(&in, scs);
        dpu_save_set_sram_addr(&in, rnd(size - rows * srs - cols * scs));
        dpu_save_set_sram_row_stride(&in, srs);
    }
    return in;
}

enum kind { K_CONV, K_ELTW, K_MOVE };
static const char *const kind_name[] = {"CONV", "ELTW", "LOAD/SAVE"};

static dpu_insn random_insn(enum kind kind, uint64_t R, uint64_t C, const struct sim_check *lim)
{
    return kind == K_CONV   ? random_conv(R, C, lim)
           : kind == K_ELTW ? random_eltw(R, lim)
                            : random_move(lim);
}

static void fill_insn(enum kind kind, struct dpu_sim *s, const dpu_insn *in)
{
    if (kind == K_CONV)
        fill_conv(s, in);
    else if (kind == K_ELTW)
        fill_eltw(s, in);
}

/* The DDR regions of both simulators: the same random bytes. */
static void lend_regions(struct dpu_sim *plain, struct dpu_sim *fast, uint8_t *mem[2],
                         uint64_t sizes[DPU_REGION_COUNT])
{
    for (int k = 0; k < 2; k++) {
        mem[k] = malloc((size_t)DPU_REGION_COUNT * REGION_BYTES);
        assert_non_null(mem[k]);
    }
    for (size_t i = 0; i < (size_t)DPU_REGION_COUNT * REGION_BYTES; i++)
        mem[0][i] = mem[1][i] = (uint8_t)rng_next();
    for (int r = 0; r < DPU_REGION_COUNT; r++) {
        sizes[r] = REGION_BYTES;
        assert_int_equal(dpu_sim_set_region(plain, r, mem[0] + r * REGION_BYTES, REGION_BYTES),
                         DPU_OK);
        assert_int_equal(dpu_sim_set_region(fast, r, mem[1] + r * REGION_BYTES, REGION_BYTES),
                         DPU_OK);
    }
}

static void run_both(const char *preset, int isa, enum kind kind, int cases, uint64_t seed0)
{
    struct dpu_sim *plain = tu_sim(preset), *fast = tu_sim(preset);
    plain->plain = true;
    assert_int_equal(sim_fast_set_isa(fast, isa), DPU_OK);
    uint64_t R = fast->R, C = fast->C;
    struct sim_check lim;
    uint64_t regions[DPU_REGION_COUNT] = {0};
    uint8_t *mem[2] = {NULL, NULL};
    rng_state = seed0;
    if (kind == K_MOVE)
        lend_regions(plain, fast, mem, regions);
    sim_check_init(&lim, &fast->p, regions);
    rng_state = seed0;
    fill_all(plain);
    rng_state = seed0;
    fill_all(fast);
    int done = 0;
    for (int k = 0; k < cases; k++) {
        uint64_t seed = seed0 + (uint64_t)k;
        rng_state = seed;
        dpu_insn prog[3];
        memset(prog, 0, sizeof prog);
        dpu_insn_set_opcode(&prog[0], DPU_OP_LUTLD);
        dpu_lutld_set_src_addr(&prog[0], 0);
        dpu_insn_set_opcode(&prog[2], DPU_OP_END);
        prog[1] = random_insn(kind, R, C, &lim);
        struct dpu_sim_fault f;
        struct dpu_diag d;
        dpu_diag_clear(&d);
        if (dpu_sim_insn_check(&fast->p, &prog[1], 1, regions, &f, &d) != DPU_OK)
            continue; /* not a valid instruction: draw again */
        uint64_t fill_seed = rng_next();
        rng_state = fill_seed;
        fill_insn(kind, plain, &prog[1]);
        rng_state = fill_seed;
        fill_insn(kind, fast, &prog[1]);
        struct dpu_sim_status st1, st2;
        int e1 = dpu_sim_run(plain, prog, 3, &st1, &d);
        int e2 = dpu_sim_run(fast, prog, 3, &st2, &d);
        if (e1 != DPU_OK || e2 != DPU_OK || !st1.done || !st2.done)
            print_error("%s %s seed %llu: runs failed (%d, %d): %s\n", preset,
                        sim_fast_isa_name(isa), (unsigned long long)seed, e1, e2, d.msg);
        assert_int_equal(e1, DPU_OK);
        assert_int_equal(e2, DPU_OK);
        for (int b = 0; b < DPU_SIM_BUF_COUNT; b++) {
            char what[80];
            snprintf(what, sizeof what, "%s %s %s seed %llu buffer %d", preset,
                     sim_fast_isa_name(isa), kind_name[kind], (unsigned long long)seed, b);
            tu_expect_bytes(tu_buf(fast, b), tu_buf(plain, b), (size_t)fast->buf_size[b], what);
        }
        if (kind == K_MOVE) {
            char what[80];
            snprintf(what, sizeof what, "%s %s seed %llu DDR regions", preset, kind_name[kind],
                     (unsigned long long)seed);
            tu_expect_bytes(mem[1], mem[0], (size_t)DPU_REGION_COUNT * REGION_BYTES, what);
        }
        done++;
    }
    assert_true(done >= cases / 4); /* the generators mostly make valid instructions */
    dpu_sim_destroy(plain);
    dpu_sim_destroy(fast);
    free(mem[0]);
    free(mem[1]);
}

/* Every kernel set the CPU runs; the others are reported as skipped, by name. */
static void each_isa(const char *preset, enum kind kind, int cases, uint64_t seed0)
{
    for (int isa = 0; isa < SIM_FAST_ISA_COUNT; isa++) {
        struct dpu_sim *probe = tu_sim(preset);
        bool ok = sim_fast_set_isa(probe, isa) == DPU_OK;
        dpu_sim_destroy(probe);
        if (ok)
            run_both(preset, isa, kind, cases, seed0);
        else
            printf("test_sim_fast: %s kernels: not supported by this CPU, not tested\n",
                   sim_fast_isa_name(isa));
    }
}

static void test_conv_tiny(void **state)
{
    (void)state;
    each_isa("tiny", K_CONV, 300, 1000);
}

/* R = 16: a 15x15 kernel has 3600 rows, more than one chunk. */
static void test_conv_b512(void **state)
{
    (void)state;
    each_isa("b512", K_CONV, 60, 2000);
}

/* C = 32: the AVX-512 kernel's 16-channel blocks only. */
static void test_conv_b1024(void **state)
{
    (void)state;
    each_isa("b1024", K_CONV, 30, 2500);
}

static void test_conv_b4096(void **state)
{
    (void)state;
    each_isa("b4096", K_CONV, 12, 3000);
}

static void test_eltw(void **state)
{
    (void)state;
    each_isa("tiny", K_ELTW, 400, 4000);
}

/* LOAD and SAVE do not depend on the kernel set: the portable one only. */
static void test_load_save(void **state)
{
    (void)state;
    run_both("tiny", SIM_FAST_C, K_MOVE, 400, 5000);
}

/* The best kernel set is the one a new simulator starts with, and a forced one is kept. */
static void test_isa_choice(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("b4096");
    assert_int_equal(s->fast->isa, sim_fast_isa_best());
    assert_int_equal(sim_fast_set_isa(s, SIM_FAST_C), DPU_OK);
    assert_int_equal(s->fast->isa, SIM_FAST_C);
    assert_int_equal(sim_fast_set_isa(s, SIM_FAST_ISA_COUNT), DPU_E_INVALID);
    assert_int_equal(sim_fast_set_isa(s, -1), DPU_E_INVALID);
    dpu_sim_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_tiny),  cmocka_unit_test(test_conv_b512),
        cmocka_unit_test(test_conv_b1024), cmocka_unit_test(test_conv_b4096),
        cmocka_unit_test(test_eltw),       cmocka_unit_test(test_load_save),
        cmocka_unit_test(test_isa_choice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
