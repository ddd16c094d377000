/* The pipelined CONV engine of the timing model (sim/src/timing.c) on random streams of
 * valid CONVs whose ACT inputs and outputs overlap often (what resident tensors make): the
 * RAW interlock against an oracle that looks at every earlier CONV (the model remembers only
 * the last R + C + d_post), the engine's order, and the same schedule with and without data.
 *
 * The oracle, from docs/architecture.md: a CONV's first pixel enters the array (its end less
 * its streaming, cycles - R) no earlier than its first tap's preload after its start, the
 * previous CONV's end, and the done of every earlier post-processing CONV whose output range
 * [out_addr, out_addr + (P-1)*out_pstride + C) meets its input box
 * [act_addr, act_addr + ey*act_row_stride + ex*act_col_stride + R). */
#include <stdlib.h>
#include <string.h>

#include "dpu/sim_timing.h"
#include "sim_test_util.h"

static uint64_t rng;

static uint64_t next(void) /* splitmix64 */
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t pick(uint64_t lo, uint64_t hi)
{
    return lo + next() % (hi - lo + 1);
}

/* A valid CONV on tiny (R = C = 8), addresses in a small window so that ranges meet. */
static bool random_conv(dpu_insn *in, const struct dpu_preset *pre, const uint64_t sizes[])
{
    for (int tries = 0; tries < 100; tries++) {
        memset(in, 0, sizeof *in);
        dpu_insn_set_opcode(in, DPU_OP_CONV);
        uint64_t kh = pick(1, 3), kw = pick(1, 3), oh = pick(1, 3),
                 ow = next() % 3 ? 1 : pick(1, 4);
        uint64_t col = 8 * pick(1, 2);
        dpu_conv_set_kh(in, kh);
        dpu_conv_set_kw(in, kw);
        dpu_conv_set_stride_h(in, pick(1, 2));
        dpu_conv_set_stride_w(in, pick(1, 2));
        dpu_conv_set_dil_h(in, 1);
        dpu_conv_set_dil_w(in, 1);
        dpu_conv_set_oh(in, oh);
        dpu_conv_set_ow(in, ow);
        dpu_conv_set_act_addr(in, 8 * pick(0, 40));
        dpu_conv_set_act_col_stride(in, col);
        dpu_conv_set_act_row_stride(in, col * pick(4, 8));
        dpu_conv_set_wgt_addr(in, 0);
        dpu_conv_set_acc_addr(in, 16 * pick(0, 3));
        dpu_conv_set_accumulate(in, next() % 3 == 0);
        bool post = next() % 3 != 0;
        dpu_conv_set_post(in, post);
        dpu_conv_set_param_addr(in, 0);
        dpu_conv_set_clamp_lo(in, (uint64_t)-128 & 0xff);
        dpu_conv_set_clamp_hi(in, 127);
        if (post) {
            dpu_conv_set_out_addr(in, 8 * pick(0, 40));
            dpu_conv_set_out_pstride(in, 8 * pick(1, 2));
        }
        if (dpu_sim_insn_check(pre, in, 0, sizes, NULL, NULL) == DPU_OK)
            return true;
    }
    return false;
}

static void in_box(const dpu_insn *in, uint64_t *lo, uint64_t *hi)
{
    uint64_t ey = (dpu_conv_get_oh(in) - 1) * dpu_conv_get_stride_h(in) +
                  (dpu_conv_get_kh(in) - 1) * dpu_conv_get_dil_h(in);
    uint64_t ex = (dpu_conv_get_ow(in) - 1) * dpu_conv_get_stride_w(in) +
                  (dpu_conv_get_kw(in) - 1) * dpu_conv_get_dil_w(in);
    *lo = dpu_conv_get_act_addr(in);
    *hi = *lo + ey * dpu_conv_get_act_row_stride(in) + ex * dpu_conv_get_act_col_stride(in) + 8;
}

static void test_conv_streams(void **state)
{
    (void)state;
    const struct dpu_preset *pre = dpu_preset_find("tiny");
    static uint8_t regions[DPU_REGION_COUNT][64];
    uint64_t sizes[DPU_REGION_COUNT];
    struct dpu_sim *s = tu_sim("tiny");
    for (int r = 0; r < DPU_REGION_COUNT; r++) {
        sizes[r] = sizeof regions[r];
        assert_int_equal(dpu_sim_set_region(s, r, regions[r], sizes[r]), DPU_OK);
    }
    for (int q = 0; q < 8; q++)
        tu_param(s, (uint64_t)q, q - 4, 1 << 20, 22);
    struct dpu_timing *t;
    struct dpu_diag d;
    assert_int_equal(dpu_timing_create(pre, &t, &d), 0);
    const struct dpu_timing_consts *k = dpu_timing_consts(t);
    static struct dpu_timing_rec recs[2][80];
    long interlocked = 0;
    for (uint64_t seed = 1; seed <= 3000; seed++) {
        rng = seed;
        dpu_insn prog[80];
        size_t n = (size_t)pick(2, 70);
        for (size_t i = 0; i < n; i++)
            assert_true(random_conv(&prog[i], pre, sizes));
        memset(&prog[n], 0, sizeof prog[n]);
        dpu_insn_set_opcode(&prog[n], DPU_OP_END);
        n++;
        dpu_sim_set_timing(s, t);
        for (int data = 0; data < 2; data++) {
            dpu_sim_set_data(s, data == 0);
            struct dpu_sim_status st;
            dpu_diag_clear(&d);
            if (dpu_sim_run(s, prog, n, &st, &d) || !st.done)
                fail_msg("seed %llu: %s", (unsigned long long)seed, d.msg);
            size_t nr;
            const struct dpu_timing_rec *r = dpu_timing_records(t, &nr);
            assert_int_equal(nr, n);
            memcpy(recs[data], r, n * sizeof *r);
        }
        dpu_sim_set_data(s, true);
        for (size_t i = 0; i + 1 < n; i++) {
            const struct dpu_timing_rec *a = &recs[0][i], *b = &recs[1][i];
            if (a->start != b->start || a->end != b->end || a->done != b->done ||
                a->free != b->free || a->interlock != b->interlock)
                fail_msg("seed %llu: instruction %zu scheduled differently without data",
                         (unsigned long long)seed, i);
            /* the oracle */
            uint64_t first = a->end - (a->cost.cycles - k->R), need = a->start + k->R, lo, hi;
            if (i > 0) {
                need = need > recs[0][i - 1].end ? need : recs[0][i - 1].end;
                if (a->start < recs[0][i - 1].start || a->done < recs[0][i - 1].done)
                    fail_msg("seed %llu: CONV %zu out of order", (unsigned long long)seed, i);
            }
            in_box(&prog[i], &lo, &hi);
            for (size_t j = 0; j < i; j++) {
                if (!dpu_conv_get_post(&prog[j]))
                    continue;
                uint64_t olo = dpu_conv_get_out_addr(&prog[j]);
                uint64_t ohi = olo +
                               (dpu_conv_get_oh(&prog[j]) * dpu_conv_get_ow(&prog[j]) - 1) *
                                   dpu_conv_get_out_pstride(&prog[j]) +
                               k->C;
                if (olo < hi && lo < ohi && recs[0][j].done > need)
                    need = recs[0][j].done;
            }
            if (first != need)
                fail_msg("seed %llu: CONV %zu's first pixel at %llu, the oracle says %llu",
                         (unsigned long long)seed, i, (unsigned long long)first,
                         (unsigned long long)need);
            interlocked += a->interlock > 0;
        }
    }
    print_message("%ld CONVs waited for an in-flight CONV's output\n", interlocked);
    assert_true(interlocked > 1000);
    dpu_sim_set_timing(s, NULL);
    dpu_timing_destroy(t);
    dpu_sim_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_conv_streams)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
