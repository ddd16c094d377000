/* The timing model (dpu/sim_timing.h) on hand-made instruction streams, preset tiny: R = C = 8,
 * DDR_BPC = min(19200/300, 16) = 16 bytes/cycle, L_DDR = 40, BURST = 256, BUS_BYTES = 16,
 * insn_queue_depth 16, token_queue_depth 8, K_DW = 3, R_MISC = 2, D_MISC = 3. Every expected number
 * is worked out in a comment from the formulas of docs/architecture.md, "Timing model". Each
 * program runs through the simulator with data and again in timing-only mode: the schedules must be
 * identical.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/sim_timing.h"

#include "example_data.h"
#include "sim_test_util.h"

static uint8_t region[DPU_REGION_COUNT][4096];

/* Runs text on tiny with the model attached, with data and without; returns the records
 * (malloc'd copy) and the totals of the data-less run after checking both runs agree. */
static struct dpu_timing_rec *schedule(const char *text, size_t *n, struct dpu_timing_totals *tot)
{
    size_t count;
    dpu_insn *prog = tu_asm(text, &count);
    struct dpu_timing_rec *recs[2] = {NULL, NULL};
    struct dpu_timing_totals tt[2];
    size_t nr[2];
    for (int mode = 0; mode < 2; mode++) {
        struct dpu_sim *s = tu_sim("tiny");
        for (int r = 0; r < DPU_REGION_COUNT; r++)
            assert_int_equal(dpu_sim_set_region(s, r, region[r], sizeof region[r]), DPU_OK);
        struct dpu_timing *t;
        struct dpu_diag d;
        dpu_diag_clear(&d);
        assert_int_equal(dpu_timing_create(dpu_preset_find("tiny"), &t, &d), DPU_OK);
        dpu_sim_set_timing(s, t);
        dpu_sim_set_data(s, mode == 0);
        struct dpu_sim_status st;
        int err = dpu_sim_run(s, prog, count, &st, &d);
        if (err)
            print_error("%s\n", d.msg);
        assert_int_equal(err, DPU_OK);
        const struct dpu_timing_rec *r = dpu_timing_records(t, &nr[mode]);
        assert_int_equal(nr[mode], count);
        recs[mode] = malloc(count * sizeof *recs[mode]);
        assert_non_null(recs[mode]);
        memcpy(recs[mode], r, count * sizeof *r);
        dpu_timing_totals(t, &tt[mode]);
        dpu_timing_destroy(t);
        dpu_sim_destroy(s);
    }
    for (size_t i = 0; i < count; i++) {
        assert_int_equal(recs[0][i].dispatch, recs[1][i].dispatch);
        assert_int_equal(recs[0][i].start, recs[1][i].start);
        assert_int_equal(recs[0][i].end, recs[1][i].end);
        assert_int_equal(recs[0][i].done, recs[1][i].done);
        assert_int_equal(recs[0][i].free, recs[1][i].free);
        assert_int_equal(recs[0][i].busy, recs[1][i].busy);
        assert_int_equal(recs[0][i].interlock, recs[1][i].interlock);
    }
    assert_int_equal(tt[0].cycles, tt[1].cycles);
    free(recs[0]);
    free(prog);
    *n = count;
    *tot = tt[1];
    return recs[1];
}

#define WGT576                                                                                     \
    "LOAD buf=WGT region=CONST rows=1 cols=1 bytes=576 ddr_off=0 ddr_row_stride=0 "                \
    "ddr_col_stride=0 sram_col_stride=576 sram_addr=0 sram_row_stride=0"
#define ACT64                                                                                      \
    "buf=ACT region=INPUT rows=1 cols=1 bytes=64 ddr_off=0 ddr_row_stride=0 ddr_col_stride=0 "     \
    "sram_col_stride=64 sram_addr=0 sram_row_stride=0"
#define CONV1x1                                                                                    \
    "kh=1 kw=1 oh=1 ow=1 act_addr=0 act_col_stride=8 act_row_stride=8 wgt_addr=0 acc_addr=0"
#define CONV_LONG                                                                                  \
    "CONV kh=3 kw=3 oh=20 ow=20 act_addr=0 act_col_stride=8 act_row_stride=176 wgt_addr=0 "        \
    "acc_addr=0"

/* A LOAD alone: latency once, then its bursts at DDR_BPC. */
static void test_load_alone(void **state)
{
    (void)state;
    size_t n;
    struct dpu_timing_totals tot;
    struct dpu_timing_rec *r = schedule(WGT576 "\nEND\n", &n, &tot);
    /* 576 bytes: bursts 256, 256, 64 -> 40 + 16 + 16 + 4 = 76 cycles. Dispatched at the end
     * of cycle 0, it runs in cycles 1..76; END is dispatched in cycle 1. */
    assert_int_equal(r[0].cost.cycles, 76);
    assert_int_equal(r[0].cost.bursts, 3);
    assert_int_equal(r[0].cost.ddr_read, 576);
    assert_int_equal(r[0].start, 1);
    assert_int_equal(r[0].end, 77);
    assert_int_equal(r[1].dispatch, 1);
    assert_int_equal(tot.cycles, 77);
    assert_int_equal(tot.busy[DPU_ENGINE_LOAD], 76);
    assert_int_equal(tot.stall[DPU_ENGINE_LOAD], 0);
    free(r);
}

/* Runs of a strided box: each column its own burst, or merged where they touch. */
static void test_load_runs(void **state)
{
    (void)state;
    struct dpu_timing_consts k;
    dpu_timing_consts_of(dpu_preset_find("tiny"), &k);
    uint64_t b;
    /* 2 rows x 3 columns of 4 bytes, 8 apart: 6 runs of 4 bytes, 1 cycle each. */
    assert_int_equal(dpu_timing_ddr_cycles(&k, 2, 3, 4, 100, 8, &b), 40 + 6);
    assert_int_equal(b, 6);
    /* Row stride 20 = 2*8 + 4: the last column of row 0 runs into the first of row 1. */
    assert_int_equal(dpu_timing_ddr_cycles(&k, 2, 3, 4, 20, 8, &b), 40 + 5);
    assert_int_equal(b, 5);
    /* Contiguous columns, rows apart: 3 runs of 300 bytes = 256 + 44 -> (16 + 3) each. */
    assert_int_equal(dpu_timing_ddr_cycles(&k, 3, 3, 100, 1000, 100, &b), 40 + 3 * 19);
    assert_int_equal(b, 6);
    /* Everything contiguous: one run of 900 bytes = 3 x 256 + 132 -> 48 + 9. */
    assert_int_equal(dpu_timing_ddr_cycles(&k, 3, 3, 100, 300, 100, &b), 40 + 57);
    assert_int_equal(b, 4);
    /* Bandwidth below the bus: 3000 MB/s at 300 MHz is 10 bytes/cycle; 256 bytes take 26. */
    k.ddr_mbps = 3000;
    assert_int_equal(dpu_timing_ddr_cycles(&k, 1, 1, 256, 0, 0, &b), 40 + 26);
}

/* CONV alone: weight preload, streaming, unhidden preloads (its issue cycles, the engine's
 * occupancy), then fill/drain and post-processing (its latency). */
static void test_conv_fill_drain(void **state)
{
    (void)state;
    size_t n;
    struct dpu_timing_totals tot;
    /* One pixel, one tap: 8 + 1 + 0 = 9, then (8 + 8 - 1) = 15: done at 1 + 24 = 25. */
    struct dpu_timing_rec *r = schedule("CONV " CONV1x1 "\nEND\n", &n, &tot);
    assert_int_equal(r[0].cost.cycles, 9);
    assert_int_equal(r[0].cost.latency, 15);
    assert_int_equal(r[0].cost.issued_macs, 64);
    assert_int_equal(r[0].end, 10);
    assert_int_equal(r[0].done, 25);
    assert_int_equal(tot.cycles, 25);
    assert_int_equal(tot.busy[DPU_ENGINE_CONV], 9);
    free(r);
    /* 3x3 taps over 2 pixels (P < R): 8 + 9*2 + 8*(8-2) = 74, + 15 = 89. */
    r = schedule("CONV kh=3 kw=3 oh=1 ow=2 act_addr=0 act_col_stride=8 act_row_stride=32 "
                 "wgt_addr=0 acc_addr=0\nEND\n",
                 &n, &tot);
    assert_int_equal(r[0].cost.cycles, 74);
    assert_int_equal(r[0].cost.latency, 15);
    free(r);
    /* 3x3 over 5x5 with post-processing: 8 + 225 + 0 = 233, + 15 + 4 = 252. */
    r = schedule("CONV post=1 kh=3 kw=3 oh=5 ow=5 act_addr=0 act_col_stride=8 "
                 "act_row_stride=56 wgt_addr=0 acc_addr=0 out_addr=1024 out_pstride=8\nEND\n",
                 &n, &tot);
    assert_int_equal(r[0].cost.cycles, 233);
    assert_int_equal(r[0].cost.latency, 19);
    assert_int_equal(r[0].cost.issued_macs, 9 * 25 * 64);
    assert_int_equal(tot.cycles, 1 + 252);
    free(r);
}

/* Two CONVs back to back: the second one's first preload runs under the first one's last
 * tap, and its pixels follow the first one's into the array; the fill/drain is paid once. */
static void test_conv_back_to_back(void **state)
{
    (void)state;
    size_t n;
    struct dpu_timing_totals tot;
    /* 16 pixels (P >= R): #0 starts at 1, first pixel in at 1 + 8 = 9, last at 24: end 25,
     * done 25 + 15 = 40. #1 may start once #0's last tap starts (25 - 16 = 9): preload
     * 9..16, hidden; its pixels enter 25..40: end 41, done 56 (alone each: 24 + 15 = 39). */
    struct dpu_timing_rec *r =
        schedule("CONV kh=1 kw=1 oh=4 ow=4 act_addr=0 act_col_stride=8 act_row_stride=32 "
                 "wgt_addr=0 acc_addr=0\n"
                 "CONV accumulate=1 kh=1 kw=1 oh=4 ow=4 act_addr=0 act_col_stride=8 "
                 "act_row_stride=32 wgt_addr=64 acc_addr=0\nEND\n",
                 &n, &tot);
    assert_int_equal(r[0].end, 25);
    assert_int_equal(r[0].done, 40);
    assert_int_equal(r[1].head, 9);
    assert_int_equal(r[1].start, 9);
    assert_int_equal(r[1].end, 41);
    assert_int_equal(r[1].done, 56);
    assert_int_equal(r[1].busy, 16); /* the preload overlapped #0's streaming */
    assert_int_equal(tot.busy[DPU_ENGINE_CONV], 24 + 16);
    assert_int_equal(tot.cycles, 56);
    free(r);
    /* 2 pixels (P < R): #0 ends at 1 + 8 + 2 = 11. #1 starts at 11 - 2 = 9; its preload
     * needs 8 cycles, 6 more than #0's last tap: pixels in at 17, 18: end 19, done 34. */
    r = schedule("CONV kh=1 kw=1 oh=1 ow=2 act_addr=0 act_col_stride=8 act_row_stride=16 "
                 "wgt_addr=0 acc_addr=0\n"
                 "CONV kh=1 kw=1 oh=1 ow=2 act_addr=0 act_col_stride=8 act_row_stride=16 "
                 "wgt_addr=64 acc_addr=2\nEND\n",
                 &n, &tot);
    assert_int_equal(r[0].end, 11);
    assert_int_equal(r[1].start, 9);
    assert_int_equal(r[1].end, 19);
    assert_int_equal(r[1].done, 34);
    free(r);
}

/* A chain of n equal CONVs in the model ends where the closed form the compiler uses says:
 * issue(T, P, 0) + (n - 1) * issue(T, P, P) + latency after the first one's start. */
static void test_conv_chain_formula(void **state)
{
    (void)state;
    static const unsigned shapes[][3] = {{1, 1, 1}, {1, 2, 3}, {3, 3, 2}, {1, 1, 9}, {3, 1, 4}};
    struct dpu_timing_consts k;
    dpu_timing_consts_of(dpu_preset_find("tiny"), &k);
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        unsigned kh = shapes[s][0], oh = shapes[s][1], ow = shapes[s][2];
        char text[4096];
        size_t at = 0;
        for (int i = 0; i < 5; i++)
            at += (size_t)snprintf(text + at, sizeof text - at,
                                   "CONV post=1 kh=%u kw=1 oh=%u ow=%u act_addr=0 act_col_stride=8 "
                                   "act_row_stride=%u wgt_addr=0 acc_addr=0 out_addr=2048 "
                                   "out_pstride=8\n",
                                   kh, oh, ow, 8 * ow);
        snprintf(text + at, sizeof text - at, "END\n");
        size_t n;
        struct dpu_timing_totals tot;
        struct dpu_timing_rec *r = schedule(text, &n, &tot);
        uint64_t T = kh, P = (uint64_t)oh * ow;
        uint64_t want = dpu_timing_conv_issue(&k, T, P, 0) +
                        4 * dpu_timing_conv_issue(&k, T, P, P) + dpu_timing_conv_latency(&k, true);
        assert_int_equal(r[4].done - r[0].start, want);
        assert_int_equal(tot.cycles, r[4].done);
        free(r);
    }
}

/* RAW inside the CONV engine: a CONV reading ACT bytes that an in-flight CONV's
 * post-processing still writes waits for that write; one that reads other bytes does not.
 * Completion stays in order. */
static void test_conv_raw_interlock(void **state)
{
    (void)state;
    size_t n;
    struct dpu_timing_totals tot;
    /* #0 writes ACT [1024, 1152): end 25, done 25 + 15 + 4 = 44. #1 reads [1024, 1152):
     * its first pixel waits for 44 (not 25): end 60, done 75. */
    const char *first = "CONV post=1 kh=1 kw=1 oh=4 ow=4 act_addr=0 act_col_stride=8 "
                        "act_row_stride=32 wgt_addr=0 acc_addr=0 out_addr=1024 out_pstride=8\n";
    char text[1024];
    snprintf(text, sizeof text,
             "%sCONV kh=1 kw=1 oh=4 ow=4 act_addr=1024 act_col_stride=8 act_row_stride=32 "
             "wgt_addr=0 acc_addr=16\nEND\n",
             first);
    struct dpu_timing_rec *r = schedule(text, &n, &tot);
    assert_int_equal(r[0].done, 44);
    assert_int_equal(r[1].start, 9);
    assert_int_equal(r[1].end, 60);
    assert_int_equal(r[1].done, 75);
    assert_int_equal(r[1].interlock, 44 - 25); /* a stall, not busy */
    assert_int_equal(r[1].busy, 16);
    assert_int_equal(tot.stall[DPU_ENGINE_CONV], 19); /* its only stall */
    free(r);
    /* Reading [1152, 1280) instead, just past #0's output: no wait, end 41, done 56. */
    snprintf(text, sizeof text,
             "%sCONV kh=1 kw=1 oh=4 ow=4 act_addr=1152 act_col_stride=8 act_row_stride=32 "
             "wgt_addr=0 acc_addr=16\nEND\n",
             first);
    r = schedule(text, &n, &tot);
    assert_int_equal(r[1].end, 41);
    assert_int_equal(r[1].done, 56);
    free(r);
    /* A one-pixel CONV without post-processing after #0: its last column is in ACC at
     * 26 + 15 = 41, but it completes (and would signal) in order, at #0's 44. */
    snprintf(text, sizeof text, "%sCONV " CONV1x1 "\nEND\n", first);
    r = schedule(text, &n, &tot);
    assert_int_equal(r[1].end, 26);
    assert_int_equal(r[1].done, 44);
    free(r);
}

#define SAVE512                                                                                    \
    "buf=ACT region=OUTPUT rows=1 cols=1 bytes=512 ddr_off=0 ddr_row_stride=0 ddr_col_stride=0 "   \
    "sram_col_stride=512 sram_addr=0 sram_row_stride=0"
#define LOAD_ACT(bytes, addr)                                                                      \
    "LOAD buf=ACT region=INPUT rows=1 cols=1 bytes=" #bytes " ddr_off=0 ddr_row_stride=0 "         \
    "ddr_col_stride=0 sram_col_stride=" #bytes " sram_addr=" #addr " sram_row_stride=0\n"

/* LOAD and SAVE share one DDR channel: when their transfers overlap in time, the older
 * instruction in stream order keeps its cycles and the younger one waits. */
static void test_ddr_shared(void **state)
{
    (void)state;
    size_t n;
    struct dpu_timing_totals tot;
    struct dpu_timing_rec *r = schedule("SAVE " SAVE512 "\n" LOAD_ACT(512, 1024) "END\n", &n, &tot);
    /* Each alone: 40 + 2 bursts of 16 cycles = 72. The SAVE (older) starts in cycle 1 and
     * books channel cycles 41..72 (from start + L_DDR); it ends at 73. The LOAD starts in
     * cycle 2 and would book 42..73, but 42..72 are taken: it gets 73..104, ends at 105,
     * 31 cycles late. Without the shared channel it would have ended at 2 + 72 = 74. */
    assert_int_equal(r[0].cost.cycles, 72);
    assert_int_equal(r[0].cost.ddr_busy, 32);
    assert_int_equal(r[0].end, 73);
    assert_int_equal(r[0].ddr_wait, 0);
    assert_int_equal(r[1].start, 2);
    assert_int_equal(r[1].cost.cycles, 72);
    assert_int_equal(r[1].end, 105);
    assert_int_equal(r[1].ddr_wait, 31);
    assert_int_equal(tot.cycles, 105);
    assert_int_equal(tot.busy[DPU_ENGINE_LOAD], 103); /* DDR waits count as busy */
    assert_int_equal(tot.busy[DPU_ENGINE_SAVE], 72);
    assert_int_equal(tot.ddr_wait, 31);
    free(r);
    /* The other stream order: the LOAD is older and wins; the SAVE waits the same 31. */
    r = schedule(LOAD_ACT(512, 1024) "SAVE " SAVE512 "\nEND\n", &n, &tot);
    assert_int_equal(r[0].end, 73);
    assert_int_equal(r[1].end, 105);
    assert_int_equal(r[1].ddr_wait, 31);
    free(r);
}

/* A younger transfer that starts earlier in time uses the channel cycles before the older
 * one's booking, skips it and goes on after it. */
static void test_ddr_gaps(void **state)
{
    (void)state;
    size_t n;
    struct dpu_timing_totals tot;
    struct dpu_timing_rec *r = schedule("CONV signal=SAVE " CONV1x1 "\nSAVE wait=CONV " SAVE512
                                        "\n" LOAD_ACT(1024, 2048) "END\n",
                                        &n, &tot);
    /* CONV: 24 cycles, 1..24, token given at 25. The SAVE reaches its engine in cycle 2,
     * takes the token in 25 + 1 = 26 and books channel cycles 66..97 (ends 98). The LOAD
     * (younger, 1024 bytes: 4 bursts, 64 channel cycles) starts in cycle 3: from 43 it gets
     * 43..65 (23 cycles), skips 66..97, and gets 98..138 for the other 41: it ends at 139
     * instead of 3 + 40 + 64 = 107, 32 cycles (the SAVE's bursts) late. */
    assert_int_equal(r[1].start, 26);
    assert_int_equal(r[1].end, 98);
    assert_int_equal(r[2].start, 3);
    assert_int_equal(r[2].cost.cycles, 104);
    assert_int_equal(r[2].end, 139);
    assert_int_equal(r[2].ddr_wait, 32);
    assert_int_equal(tot.cycles, 139);
    free(r);
    /* A 128-byte LOAD (8 channel cycles) fits into 43..50 before the SAVE's 66..97 and does
     * not wait; the next LOAD (1024 bytes) starts at 51, is ready at 91, finds 91..97 taken
     * and gets 98..161: 7 cycles late (ends 162, not 51 + 104 = 155). */
    r = schedule("CONV signal=SAVE " CONV1x1 "\nSAVE wait=CONV " SAVE512 "\n" LOAD_ACT(128, 2048)
                     LOAD_ACT(1024, 2048) "END\n",
                 &n, &tot);
    assert_int_equal(r[2].end, 51);
    assert_int_equal(r[2].ddr_wait, 0);
    assert_int_equal(r[3].start, 51);
    assert_int_equal(r[3].end, 162);
    assert_int_equal(r[3].ddr_wait, 7);
    assert_int_equal(tot.ddr_wait, 7);
    free(r);
}

#define CONV_MID /* 89 cycles */                                                                   \
    "kh=3 kw=3 oh=1 ow=2 act_addr=0 act_col_stride=8 act_row_stride=32 wgt_addr=0 acc_addr=0"

/* The DDR channel calendar against a cycle-by-cycle oracle: a pseudo-random stream of LOADs,
 * SAVEs and CONVs passing tokens (so that transfers start at scattered times and in an order
 * unlike the stream's) goes through the model; then, in stream order, each LOAD/SAVE must
 * have taken exactly the first cost.ddr_busy free channel cycles from start + L_DDR on. */
static void test_ddr_oracle(void **state)
{
    (void)state;
    enum { N = 3000, HORIZON = 1 << 20 };
    static char text[N * 200];
    static const int sizes[] = {16, 100, 256, 300, 512, 1000, 2048, 4000};
    uint32_t seed = 12345;
    size_t at = 0;
    int tokens[DPU_ENGINE_COUNT][DPU_ENGINE_COUNT] = {{0}};
    static const int engines[] = {DPU_ENGINE_LOAD, DPU_ENGINE_CONV, DPU_ENGINE_SAVE};
    for (int i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        int e = engines[(seed >> 16) % 3], to = engines[(seed >> 20) % 3];
        int bytes = sizes[(seed >> 24) % 8];
        char sync[64] = "";
        int from = -1;
        for (int a = 0; a < 3 && from < 0; a++)
            if (engines[a] != e && tokens[engines[a]][e] > 0 && (seed >> (26 + a)) & 1)
                from = engines[a];
        size_t k = 0;
        if (from >= 0) {
            k += (size_t)snprintf(sync + k, sizeof sync - k, "wait=%s ", dpu_engine_name(from));
            tokens[from][e]--;
        }
        if (to != e && tokens[e][to] < 8) {
            snprintf(sync + k, sizeof sync - k, "signal=%s ", dpu_engine_name(to));
            tokens[e][to]++;
        }
        if (e == DPU_ENGINE_CONV)
            at += (size_t)snprintf(text + at, sizeof text - at, "CONV %s%s\n", sync,
                                   (seed >> 29) & 1 ? CONV1x1 : CONV_MID);
        else
            at += (size_t)snprintf(text + at, sizeof text - at,
                                   "%s %sbuf=ACT region=%s rows=1 cols=1 bytes=%d ddr_off=0 "
                                   "ddr_row_stride=0 ddr_col_stride=0 sram_col_stride=%d "
                                   "sram_addr=0 sram_row_stride=0\n",
                                   e == DPU_ENGINE_LOAD ? "LOAD" : "SAVE", sync,
                                   e == DPU_ENGINE_LOAD ? "INPUT" : "OUTPUT", bytes, bytes);
    }
    snprintf(text + at, sizeof text - at, "END\n");
    size_t count;
    dpu_insn *prog = tu_asm(text, &count);
    struct dpu_timing *t;
    assert_int_equal(dpu_timing_create(dpu_preset_find("tiny"), &t, NULL), DPU_OK);
    assert_int_equal(dpu_timing_begin(t, count, NULL), DPU_OK);
    for (size_t i = 0; i < count; i++)
        assert_int_equal(dpu_timing_insn(t, &prog[i], NULL), DPU_OK);
    size_t n;
    const struct dpu_timing_rec *r = dpu_timing_records(t, &n);
    bool *busy = calloc(HORIZON, sizeof *busy);
    assert_non_null(busy);
    uint64_t waits = 0;
    size_t out_of_order = 0;
    for (size_t i = 0; i < n; i++) {
        if (r[i].engine != DPU_ENGINE_LOAD && r[i].engine != DPU_ENGINE_SAVE)
            continue;
        uint64_t c = r[i].start + 40, left = r[i].cost.ddr_busy;
        for (; left; c++) {
            assert_true(c < HORIZON);
            if (!busy[c]) {
                busy[c] = true;
                left--;
            }
        }
        assert_int_equal(r[i].end, c); /* no padding in these LOADs */
        waits += r[i].ddr_wait;
        if (i > 0 && r[i].start < r[i - 1].start)
            out_of_order++;
    }
    assert_true(waits > 0);        /* the stream does contend ... */
    assert_true(out_of_order > 0); /* ... and not only in stream order */
    free(busy);
    dpu_timing_destroy(t);
    free(prog);
}

/* The cost of the first instruction of text under preset p. */
static struct dpu_timing_cost cost_under(const struct dpu_preset *p, const char *text)
{
    size_t count;
    dpu_insn *prog = tu_asm(text, &count);
    struct dpu_timing_consts k;
    dpu_timing_consts_of(p, &k);
    struct dpu_timing_cost c;
    dpu_timing_cost_of(&k, &prog[0], &c);
    free(prog);
    return c;
}

/* DWCONV on the MISC engine's K_DW multipliers per lane with a window of input vectors, read
 * through R_MISC vectors per cycle: kh*kw (first filter) + (nvec-1)*max(V, kh*kw) + V + D_MISC,
 * V = oh*kh*max(ceil((kw + (ow-1)*n_new) / R_MISC), ow*ceil(kw/K_DW)); with R_MISC = 1 and
 * no padding, V >= kh*kw always and the total is kh*kw + nvec*V + D_MISC. */
static uint64_t dw_cycles_with(const char *preset, unsigned k_dw, unsigned r_misc,
                               const char *fields, uint64_t *issued)
{
    char text[512];
    snprintf(text, sizeof text,
             "DWCONV %s act_addr=0 act_col_stride=160 act_row_stride=20480 wgt_addr=0 param_addr=0 "
             "out_addr=4096 out_pstride=160\nEND\n",
             fields);
    struct dpu_preset p = *dpu_preset_find(preset);
    p.dw_mults_per_lane = k_dw;
    p.misc_act_read_vectors = r_misc;
    struct dpu_timing_cost c = cost_under(&p, text);
    if (issued)
        *issued = c.issued_macs;
    return c.cycles;
}

/* The depthwise datapath with K_DW = 3 and one read vector per cycle (R_MISC = 1), the
 * reference point of the worked numbers below; test_misc_datapath_keys has the others. */
static uint64_t dw_cycles_on(const char *preset, const char *fields, uint64_t *issued)
{
    return dw_cycles_with(preset, 3, 1, fields, issued);
}

/* The example of docs/architecture.md: a flat 1x1 layer of 2048 -> 512 channels on 7x7 on
 * b4096 (R = 32, C = 64): 8 output blocks of 5 CONVs of 15, 15, 15, 15 and 4 input blocks as
 * taps over 49 pixels, the last of each block with post-processing, back to back. */
static void test_conv_chain_b4096(void **state)
{
    (void)state;
    char text[8192];
    size_t at = 0;
    static const unsigned taps[] = {15, 15, 15, 15, 4};
    for (unsigned b = 0; b < 8; b++)
        for (unsigned q = 0; q < 5; q++)
            at += (size_t)snprintf(
                text + at, sizeof text - at,
                "CONV accumulate=%u post=%u kh=%u kw=1 oh=1 ow=49 act_addr=%u act_col_stride=2048 "
                "act_row_stride=32 wgt_addr=0 acc_addr=0 out_addr=1048576 out_pstride=512\n",
                q > 0, q == 4, taps[q], q * 15 * 32);
    snprintf(text + at, sizeof text - at, "END\n");
    size_t count;
    dpu_insn *prog = tu_asm(text, &count);
    struct dpu_timing *t;
    assert_int_equal(dpu_timing_create(dpu_preset_find("b4096"), &t, NULL), DPU_OK);
    assert_int_equal(dpu_timing_begin(t, count, NULL), DPU_OK);
    for (size_t i = 0; i < count; i++)
        assert_int_equal(dpu_timing_insn(t, &prog[i], NULL), DPU_OK);
    struct dpu_timing_totals tot;
    dpu_timing_totals(t, &tot);
    /* 512 taps of 49 pixels stream back to back after the first preload (32), from cycle 1:
     * the last pixel is in at 1 + 32 + 25088 = 25121, its result 95 + 4 cycles later. One
     * CONV at a time, each paying its preload and fill/drain, it took
     * 40 * (32 + 95) + 8 * 4 + 25088 = 30200 cycles. */
    assert_int_equal(tot.cycles, 25121 + 95 + 4);
    assert_int_equal(tot.busy[DPU_ENGINE_CONV], 32 + 25088);
    dpu_timing_destroy(t);
    free(prog);
}

static uint64_t dw_cycles(const char *fields, uint64_t *issued)
{
    return dw_cycles_on("tiny", fields, issued);
}

static void test_dwconv(void **state)
{
    (void)state;
    uint64_t issued;
    /* 3x3, stride 1, 4x8 outputs, 2 vectors: n_new = 1, a kernel row reads 3 + 7 = 10
     * vectors and multiplies for 8 cycles -> 3*10 = 30 per output row and vector:
     * 9 + 4*2*30 + 3 = 252 (one tap per cycle would be 4*8*2*9 + 3 = 579). */
    assert_int_equal(dw_cycles("kh=3 kw=3 oh=4 ow=8 nvec=2", &issued), 252);
    assert_int_equal(issued, 4 * 8 * 2 * 9 * 8);
    /* Stride 2: two new vectors per kernel row and pixel, the read port limits:
     * reads 3 + 3*2 = 9 > 4 multiplier cycles -> 9 + 2*3*9 + 3 = 66. */
    assert_int_equal(dw_cycles("kh=3 kw=3 stride_h=2 stride_w=2 oh=2 ow=4", NULL), 66);
    /* 5x5: ceil(5/3) = 2 multiplier cycles per kernel row, which now limit:
     * reads 5 + 5 = 10 < 6*2 = 12 -> 25 + 5*12 + 3 = 88. */
    assert_int_equal(dw_cycles("kh=5 kw=5 oh=1 ow=6", NULL), 88);
    /* One output column: no reuse, a whole window per pixel: 9 + 3*3 + 3 = 21. */
    assert_int_equal(dw_cycles("kh=3 kw=3 oh=1 ow=1", NULL), 21);
    /* Dilation 2, stride 1: the next pixel's taps are not in the window (n_new = kw = 3):
     * reads 3 + 3*3 = 12 -> 9 + 3*12 + 3 = 48. Dilation 2, stride 2: n_new = 1 again:
     * reads 3 + 3 = 6 > 4 -> 9 + 3*6 + 3 = 30. */
    assert_int_equal(dw_cycles("kh=3 kw=3 dil_h=2 dil_w=2 oh=1 ow=4", NULL), 48);
    assert_int_equal(dw_cycles("kh=3 kw=3 dil_h=2 dil_w=2 stride_w=2 oh=1 ow=4", NULL), 30);
    /* The examples of docs/architecture.md on b4096 (R = 32, K_DW*R = 96 MACs/cycle):
     * MobileNetV2's stride-1 layer, 8 rows of 56, nvec 5: 9 + 8*5*3*max(58, 56) + 3 = 6972;
     * its stride-2 layer, 4 rows of 56, nvec 3: 9 + 4*3*3*max(3 + 55*2, 56) + 3 = 4080. */
    assert_int_equal(dw_cycles_on("b4096", "kh=3 kw=3 oh=8 ow=56 nvec=5", &issued), 6972);
    assert_int_equal(issued, 645120);
    assert_int_equal(
        dw_cycles_on("b4096", "kh=3 kw=3 stride_h=2 stride_w=2 oh=4 ow=56 nvec=3", &issued), 4080);
    assert_int_equal(issued, 193536);
    /* Implicit padding is not read. 3x3, stride 1, 4x8 outputs, 2 vectors, pads 1 on every
     * side: a kernel row reads 10 - 2 = 8 vectors (= 8 multiplier cycles); of the 4*3 (output
     * row, kernel row) pairs, 2 fall on padding rows (grid rows 0 and 5) and cost their 8
     * multiplies only: 9 + 2*(10*8 + 2*8) + 3 = 204 (252 stored whole). The issued MACs do
     * not change. */
    assert_int_equal(dw_cycles("kh=3 kw=3 oh=4 ow=8 nvec=2 pad_top=1 pad_bottom=1 pad_left=1 "
                               "pad_right=1",
                               &issued),
                     204);
    assert_int_equal(issued, 4 * 8 * 2 * 9 * 8);
    /* Stride 2, pad_top 1, pad_left 1 (2 rows of 4): reads 9 - 1 = 8 > 4; grid row 0 is
     * padding for output row 0's first kernel row: 9 + (5*8 + 1*4) + 3 = 56 (66 whole). */
    assert_int_equal(
        dw_cycles("kh=3 kw=3 stride_h=2 stride_w=2 oh=2 ow=4 pad_top=1 pad_left=1", NULL), 56);
    /* Dilation along the row keeps its reads (each column is not read once): pad_left 2 with
     * dil_w 2 only drops the padding rows: none here -> 48 as above. */
    assert_int_equal(dw_cycles("kh=3 kw=3 dil_h=2 dil_w=2 oh=1 ow=4 pad_left=2", NULL), 48);
}

/* The MISC datapath's preset keys at other values (docs/architecture.md, "The MISC engine"). */
static void test_misc_datapath_keys(void **state)
{
    (void)state;
    /* What the presets have (docs/architecture.md, "Choosing the MISC datapath"). */
    for (size_t i = 0; i < dpu_preset_count; i++) {
        assert_int_equal(dpu_presets[i].dw_mults_per_lane, 3);
        assert_int_equal(dpu_presets[i].misc_act_read_vectors, 2);
    }
    /* Two ACT read vectors per cycle on b4096: the stride-2 example of architecture.md reads
     * 3 + 55*2 = 113 vectors per kernel row in ceil(113/2) = 57 cycles, against 56 multiplier
     * cycles: 9 + 4*3*3*57 + 3 = 2064 (4080 with one read vector), 93.8 MACs per cycle of
     * the 96. The stride-1 example becomes multiplier-bound: max(ceil(58/2), 56) = 56,
     * 9 + 8*5*3*56 + 3 = 6732 (6972). */
    uint64_t issued;
    assert_int_equal(
        dw_cycles_with("b4096", 3, 2, "kh=3 kw=3 stride_h=2 stride_w=2 oh=4 ow=56 nvec=3", &issued),
        2064);
    assert_int_equal(issued, 193536);
    assert_int_equal(dw_cycles_with("b4096", 3, 2, "kh=3 kw=3 oh=8 ow=56 nvec=5", NULL), 6732);
    /* One multiplier per lane: a tap per cycle, 56*3 = 168 multiplier cycles per kernel row
     * against 58 reads: 9 + 8*5*3*168 + 3 = 20172. */
    assert_int_equal(dw_cycles_with("b4096", 1, 1, "kh=3 kw=3 oh=8 ow=56 nvec=5", NULL), 20172);
    /* Two per lane: ceil(3/2) = 2 cycles per kernel row: 9 + 8*5*3*112 + 3 = 13452. */
    assert_int_equal(dw_cycles_with("b4096", 2, 1, "kh=3 kw=3 oh=8 ow=56 nvec=5", NULL), 13452);
    /* 5x5 on tiny with K_DW = 5: one multiplier cycle per kernel row, the reads (5 + 5 = 10)
     * limit: 25 + 5*10 + 3 = 78 (88 with K_DW = 3, where 6*2 = 12 multiplier cycles limit). */
    assert_int_equal(dw_cycles_with("tiny", 5, 1, "kh=5 kw=5 oh=1 ow=6", NULL), 78);
    /* A vector's work shorter than the next filter load (9 cycles at R bytes per cycle): one
     * pixel, 2 vectors, R_MISC = 2: V = 3*max(ceil(3/2), 1) = 6, so the second filter load
     * shows: 9 + max(6, 9) + 6 + 3 = 27. With R_MISC = 1, V = 9: 9 + 9 + 9 + 3 = 30. */
    assert_int_equal(dw_cycles_with("tiny", 3, 2, "kh=3 kw=3 oh=1 ow=1 nvec=2", NULL), 27);
    assert_int_equal(dw_cycles_with("tiny", 3, 1, "kh=3 kw=3 oh=1 ow=1 nvec=2", NULL), 30);
    /* Implicit padding can do it with one read vector too: one pixel padded on every side
     * reads 3 - 2 = 1 vector on its one stored row, the other two kernel rows are padding
     * rows: V = max(1, 1) + 2*1 = 3 < 9: 9 + max(3, 9) + 3 + 3 = 24. */
    assert_int_equal(dw_cycles_with("tiny", 3, 1,
                                    "kh=3 kw=3 oh=1 ow=1 nvec=2 pad_top=1 pad_bottom=1 pad_left=1 "
                                    "pad_right=1",
                                    NULL),
                     24);

    /* ELTW: nv = ceil(len/R) result vectors, a and b through the read path. ResNet-50's
     * residual Add at 56x56x256 on b4096: nv = 802816/32 = 25088; one read vector per cycle
     * 2*25088 + 3 = 50179, two 25088 + 3 = 25091, four still 25091 (one result vector per
     * cycle: R lanes). */
    static const char eltw[] = "ELTW op=ADD a_addr=0 b_addr=802816 len=802816 "
                               "out_addr=1605632 param_addr=0\nEND\n";
    struct dpu_preset p = *dpu_preset_find("b4096");
    assert_int_equal(cost_under(&p, eltw).cycles, 25091);
    p.misc_act_read_vectors = 1;
    assert_int_equal(cost_under(&p, eltw).cycles, 50179);
    p.misc_act_read_vectors = 4;
    assert_int_equal(cost_under(&p, eltw).cycles, 25091);
    /* tiny (R = 8), len 20: nv = 3, R_MISC = 1: 2*3 + 3 = 9; R_MISC = 3: max(3, ceil(6/3)) + 3
     * = 6. */
    struct dpu_timing_consts k;
    p = *dpu_preset_find("tiny");
    p.misc_act_read_vectors = 1;
    dpu_timing_consts_of(&p, &k);
    assert_int_equal(dpu_timing_eltw_cycles(&k, 20), 9);
    p.misc_act_read_vectors = 3;
    dpu_timing_consts_of(&p, &k);
    assert_int_equal(dpu_timing_eltw_cycles(&k, 20), 6);
    /* POOL, LUT and LUTLD do not change: one window position, resp. one vector, per cycle per
     * lane whatever the read path. */
    p = *dpu_preset_find("tiny");
    p.misc_act_read_vectors = 1;
    struct dpu_timing_cost lut1 = cost_under(&p, "LUT in_addr=0 out_addr=64 len=20\nEND\n");
    p.misc_act_read_vectors = 2;
    struct dpu_timing_cost lut2 = cost_under(&p, "LUT in_addr=0 out_addr=64 len=20\nEND\n");
    assert_int_equal(lut1.cycles, 3 + 3);
    assert_int_equal(lut2.cycles, lut1.cycles);
}

/* Two engines overlap: the CONV starts one cycle after the LOAD it waits for, while the
 * next LOAD is still running. Its wait is a token stall. */
static void test_overlap_and_stall(void **state)
{
    (void)state;
    size_t n;
    struct dpu_timing_totals tot;
    struct dpu_timing_rec *r =
        schedule("LOAD signal=CONV " ACT64 "\n"
                 "LOAD buf=WGT region=CONST rows=1 cols=1 bytes=576 ddr_off=0 ddr_row_stride=0 "
                 "ddr_col_stride=0 sram_col_stride=576 sram_addr=4096 sram_row_stride=0\n"
                 "CONV wait=LOAD " CONV1x1 "\nEND\n",
                 &n, &tot);
    /* LOAD 64 bytes: 40 + 4 = 44, cycles 1..44; LOAD 576: 76, cycles 45..120. The CONV,
     * dispatched at the end of cycle 2, reaches its engine in cycle 3 and takes the token
     * in cycle 44 + 1 + T_TOKEN = 46; its last pixel is in at 54, its result at 69. */
    assert_int_equal(r[0].end, 45);
    assert_int_equal(r[1].start, 45);
    assert_int_equal(r[1].end, 121);
    assert_int_equal(r[2].head, 3);
    assert_int_equal(r[2].start, 46);
    assert_int_equal(r[2].end, 55);
    assert_int_equal(r[2].done, 70);
    assert_true(r[2].start < r[1].end); /* CONV and LOAD overlap */
    assert_int_equal(tot.stall[DPU_ENGINE_CONV], 46 - 3);
    assert_int_equal(tot.busy[DPU_ENGINE_LOAD], 44 + 76);
    assert_int_equal(tot.cycles, 121);
    free(r);
}

/* A signal into a full token queue holds its engine until the receiver takes a token. */
static void test_full_token_queue(void **state)
{
    (void)state;
    char text[4096];
    size_t at = (size_t)snprintf(text, sizeof text, "%s\n", CONV_LONG);
    for (int i = 0; i < 8; i++)
        at += (size_t)snprintf(text + at, sizeof text - at, "LOAD signal=CONV %s\n", ACT64);
    at += (size_t)snprintf(text + at, sizeof text - at, "CONV wait=LOAD %s\n", CONV1x1);
    at += (size_t)snprintf(text + at, sizeof text - at, "LOAD signal=CONV %s\n", ACT64);
    for (int i = 0; i < 8; i++)
        at += (size_t)snprintf(text + at, sizeof text - at, "CONV wait=LOAD %s\n", CONV1x1);
    snprintf(text + at, sizeof text - at, "END\n");
    size_t n;
    struct dpu_timing_totals tot;
    struct dpu_timing_rec *r = schedule(text, &n, &tot);
    /* The long CONV (#0): 8 + 9*400 = 3608 issue cycles, 1..3608, + 15. The eight LOADs
     * (#1..#8) (dispatched from cycle 1, so starting at 2) fill queue LOAD->CONV by cycle
     * 354; the ninth LOAD (#10) ends at 354 + 44 = 398 but holds its signal until the CONV
     * #9 takes the first token (at 3609 - 400 = 3209, when the long CONV's last tap starts
     * and the engine can preload #9's weights): it goes through in cycle 3210. */
    assert_int_equal(r[0].cost.cycles, 3608);
    assert_int_equal(r[0].cost.latency, 15);
    assert_int_equal(r[9].start, 3209);
    assert_int_equal(r[10].end, 398);
    assert_int_equal(r[10].free, 3210);
    assert_int_equal(tot.stall[DPU_ENGINE_LOAD], 3210 - 398);
    free(r);
}

/* Fetch waits while the target instruction queue holds insn_queue_depth (16) instructions
 * that have not left it, and so does everything behind. */
static void test_fetch_queue_full(void **state)
{
    (void)state;
    char text[8192];
    size_t at = (size_t)snprintf(text, sizeof text, "%s\n", CONV_LONG);
    for (int i = 0; i < 20; i++)
        at += (size_t)snprintf(text + at, sizeof text - at, "CONV %s\n", CONV1x1);
    snprintf(text + at, sizeof text - at, "%s\nEND\n", WGT576);
    size_t n;
    struct dpu_timing_totals tot;
    struct dpu_timing_rec *r = schedule(text, &n, &tot);
    /* #0 leaves the queue in cycle 1 and streams 1..3608 (its last tap from 3209); #1..#16
     * wait in the queue. #17 is dispatched when #1 leaves (3209), and each later one when
     * its predecessor-but-15 leaves: the LOAD (#21) goes right after #20, which waited for
     * #4. */
    assert_int_equal(r[1].head, 3209);
    assert_int_equal(r[17].dispatch, 3209);
    assert_int_equal(r[18].dispatch, r[2].head);
    assert_int_equal(r[21].dispatch, r[20].dispatch + 1);
    assert_int_equal(r[21].dispatch, r[4].head + 1);
    assert_true(tot.fetch_stall > 0);
    free(r);
}

/* The worked example of docs/architecture.md (examples/conv3x3_relu.s on tiny). */
static void test_worked_example(void **state)
{
    (void)state;
    size_t count;
    dpu_insn *prog = ex_load_program("conv3x3_relu.s", &count);
    struct dpu_timing *t;
    assert_int_equal(dpu_timing_create(dpu_preset_find("tiny"), &t, NULL), DPU_OK);
    assert_int_equal(dpu_timing_begin(t, count, NULL), DPU_OK);
    for (size_t i = 0; i < count; i++)
        assert_int_equal(dpu_timing_insn(t, &prog[i], NULL), DPU_OK);
    size_t n;
    const struct dpu_timing_rec *r = dpu_timing_records(t, &n);
    static const uint64_t cycles[] = {76, 48, 57, 233, 47, 0};
    static const uint64_t start[] = {1, 77, 125, 183, 436, 6};
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(r[i].cost.cycles, cycles[i]);
        assert_int_equal(r[i].start, start[i]);
    }
    struct dpu_timing_totals tot;
    dpu_timing_totals(t, &tot);
    assert_int_equal(tot.cycles, 483);
    assert_int_equal(tot.busy[DPU_ENGINE_LOAD], 181);
    assert_int_equal(tot.busy[DPU_ENGINE_CONV], 233);
    assert_int_equal(r[3].cost.latency, 19);
    assert_int_equal(r[3].done, 183 + 252);
    assert_int_equal(r[4].start, 183 + 252 + 1);
    assert_int_equal(tot.busy[DPU_ENGINE_SAVE], 47);
    dpu_timing_destroy(t);
    free(prog);
}

/* A wait with no token signalled earlier is refused, as the simulator refuses it. */
static void test_discipline(void **state)
{
    (void)state;
    size_t count;
    dpu_insn *prog = tu_asm("CONV wait=LOAD " CONV1x1 "\nEND\n", &count);
    struct dpu_timing *t;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_timing_create(dpu_preset_find("tiny"), &t, &d), DPU_OK);
    assert_int_equal(dpu_timing_begin(t, count, &d), DPU_OK);
    assert_int_equal(dpu_timing_insn(t, &prog[0], &d), DPU_E_INVALID);
    assert_non_null(strstr(d.msg, "waits for a token from LOAD"));
    dpu_timing_destroy(t);
    free(prog);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_alone),         cmocka_unit_test(test_load_runs),
        cmocka_unit_test(test_conv_fill_drain),    cmocka_unit_test(test_conv_back_to_back),
        cmocka_unit_test(test_conv_chain_formula), cmocka_unit_test(test_conv_raw_interlock),
        cmocka_unit_test(test_conv_chain_b4096),   cmocka_unit_test(test_overlap_and_stall),
        cmocka_unit_test(test_full_token_queue),   cmocka_unit_test(test_fetch_queue_full),
        cmocka_unit_test(test_worked_example),     cmocka_unit_test(test_discipline),
        cmocka_unit_test(test_ddr_shared),         cmocka_unit_test(test_ddr_gaps),
        cmocka_unit_test(test_ddr_oracle),         cmocka_unit_test(test_dwconv),
        cmocka_unit_test(test_misc_datapath_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
