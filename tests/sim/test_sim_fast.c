/* The fast paths of dpusim (sim/src/fast_*.c) against the plain semantics of exec_*.c: random
 * valid instructions run on two simulators with identical random buffers, one of them in
 * plain mode (s->plain), must leave every buffer byte-identical. The CONVs are biased toward
 * what the fast path treats specially: all-zero weight rows (skipped), whole taps (widened
 * as blocks), accumulate, more rows than one chunk (SIM_FAST_ROWS), post-processing with
 * ties, clamps and the LUT, and sums that wrap around 2^32. The seed of a failing case is
 * printed. */
#include "sim_test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../sim/src/sim_internal.h"
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

static void run_both(const char *preset, int cases, uint64_t seed0)
{
    struct dpu_sim *plain = tu_sim(preset), *fast = tu_sim(preset);
    plain->plain = true;
    uint64_t R = fast->R, C = fast->C;
    struct sim_check lim;
    uint64_t no_regions[DPU_REGION_COUNT] = {0};
    sim_check_init(&lim, &fast->p, no_regions);
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
        prog[1] = random_conv(R, C, &lim);
        struct dpu_sim_fault f;
        struct dpu_diag d;
        dpu_diag_clear(&d);
        if (dpu_sim_insn_check(&fast->p, &prog[1], 1, no_regions, &f, &d) != DPU_OK)
            continue; /* not a valid CONV: draw again */
        uint64_t fill_seed = rng_next();
        rng_state = fill_seed;
        fill_conv(plain, &prog[1]);
        rng_state = fill_seed;
        fill_conv(fast, &prog[1]);
        struct dpu_sim_status st1, st2;
        int e1 = dpu_sim_run(plain, prog, 3, &st1, &d);
        int e2 = dpu_sim_run(fast, prog, 3, &st2, &d);
        if (e1 != DPU_OK || e2 != DPU_OK || !st1.done || !st2.done)
            print_error("%s seed %llu: runs failed (%d, %d): %s\n", preset,
                        (unsigned long long)seed, e1, e2, d.msg);
        assert_int_equal(e1, DPU_OK);
        assert_int_equal(e2, DPU_OK);
        for (int b = 0; b < DPU_SIM_BUF_COUNT; b++) {
            char what[80];
            snprintf(what, sizeof what, "%s seed %llu buffer %d", preset, (unsigned long long)seed,
                     b);
            tu_expect_bytes(tu_buf(fast, b), tu_buf(plain, b), (size_t)fast->buf_size[b], what);
        }
        done++;
    }
    assert_true(done >= cases / 4); /* the generator mostly makes valid CONVs */
    dpu_sim_destroy(plain);
    dpu_sim_destroy(fast);
}

static void test_conv_tiny(void **state)
{
    (void)state;
    run_both("tiny", 300, 1000);
}

/* R = 16: a 15x15 kernel has 3600 rows, more than one chunk. */
static void test_conv_b512(void **state)
{
    (void)state;
    run_both("b512", 60, 2000);
}

static void test_conv_b4096(void **state)
{
    (void)state;
    run_both("b4096", 12, 3000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_tiny),
        cmocka_unit_test(test_conv_b512),
        cmocka_unit_test(test_conv_b4096),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
