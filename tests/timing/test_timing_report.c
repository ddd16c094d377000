/* The timing report's per-layer figures (sim/tool/timing_report.c) on hand-made programs with
 * known overlap, preset tiny (the numbers of the schedules are those worked out in
 * test_timing_model.c; the shares are worked out here). Each program is one accelerator
 * segment fed to the timing model, with layers assigned by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dpu/asm.h"

#include "timing_report.h"

#define ACT64                                                                                      \
    "buf=ACT region=INPUT rows=1 cols=1 bytes=64 ddr_off=0 ddr_row_stride=0 ddr_col_stride=0 "     \
    "sram_col_stride=64 sram_addr=0 sram_row_stride=0"
#define CONV1x1                                                                                    \
    "kh=1 kw=1 oh=1 ow=1 act_addr=0 act_col_stride=8 act_row_stride=8 wgt_addr=0 acc_addr=0"

/* Assembles text as one segment whose instruction i belongs to layer layer_of[i] (-1: none)
 * of "a", "b", builds the report and returns it. */
static void report(const char *text, const int *layer_of, struct timing_report *r,
                   struct dpu_program *p)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    memset(p, 0, sizeof *p);
    assert_int_equal(dpu_asm_text("t.s", text, strlen(text), &p->insns, &p->ninsns, &d), DPU_OK);
    static char tiny[] = "tiny", seg[] = "seg", na[] = "a", nb[] = "b", op[] = "Conv";
    p->preset_name = tiny;
    p->steps = calloc(1, sizeof *p->steps);
    p->layers = calloc(2, sizeof *p->layers);
    assert_non_null(p->steps);
    assert_non_null(p->layers);
    p->nsteps = 1;
    p->steps[0] =
        (struct dpu_prog_step){.kind = DPU_PROG_STEP_ACCEL, .name = seg, .count = p->ninsns};
    p->nlayers = 2;
    for (int l = 0; l < 2; l++) {
        p->layers[l].name = l ? nb : na;
        p->layers[l].op = op;
        p->layers[l].ranges = calloc(p->ninsns, sizeof *p->layers[l].ranges);
        assert_non_null(p->layers[l].ranges);
        for (size_t i = 0; i < p->ninsns; i++)
            if (layer_of[i] == l)
                p->layers[l].ranges[p->layers[l].nranges++] = (struct dpu_prog_range){i, 1};
    }
    const struct dpu_preset *preset = dpu_preset_find("tiny");
    struct dpu_timing *t;
    assert_int_equal(dpu_timing_create(preset, &t, &d), DPU_OK);
    assert_int_equal(dpu_timing_begin(t, p->ninsns, &d), DPU_OK);
    for (size_t i = 0; i < p->ninsns; i++)
        assert_int_equal(dpu_timing_insn(t, &p->insns[i], &d), DPU_OK);
    assert_int_equal(tr_init(r, p, "t.bin", preset, true, &d), DPU_OK);
    tr_segment(r, 0, t);
    dpu_timing_destroy(t);
    assert_int_equal(tr_finish(r, NULL, &d), DPU_OK);
    assert_int_equal(r->nlayers, 2);
    /* The rows add up to the total. */
    assert_int_equal(r->layers[0].cycles + r->layers[1].cycles + r->unattributed, r->cycles);
}

static void release(struct timing_report *r, struct dpu_program *p)
{
    tr_free(r);
    for (size_t l = 0; l < p->nlayers; l++)
        free(p->layers[l].ranges);
    free(p->layers);
    free(p->steps);
    free(p->insns);
}

/* test_overlap_and_stall's program: layer a = the 64-byte LOAD (#0) and the CONV (#2), layer
 * b = the 576-byte weight LOAD (#1) issued in between (the next layer's weights, hoisted).
 * Holds: #0 1..45, #1 45..121, #2 46..70 (busy 46..55, then its latency until done).
 *   1..45 a alone: 44; 45..46 b alone: 1; 46..70 both: 24 -> 12 each; 70..121 b alone: 51.
 * a: 44 + 12 = 56 cycles, active 44 + 24 = 68, span 1..70; b: 1 + 12 + 51 = 64, active 76,
 * span 45..121. Cycle 0 is idle: 56 + 64 + 1 = 121. Advance (version 2): a finishes at 70,
 * b at 121 -> 70 and 51. */
static void test_hoisted_weights(void **state)
{
    (void)state;
    static const int layer_of[] = {0, 1, 0, -1};
    struct timing_report r;
    struct dpu_program p;
    report("LOAD signal=CONV " ACT64 "\n"
           "LOAD buf=WGT region=CONST rows=1 cols=1 bytes=576 ddr_off=0 ddr_row_stride=0 "
           "ddr_col_stride=0 sram_col_stride=576 sram_addr=4096 sram_row_stride=0\n"
           "CONV wait=LOAD " CONV1x1 "\nEND\n",
           layer_of, &r, &p);
    assert_int_equal(r.insns[2].start, 46);
    assert_int_equal(r.insns[2].end, 55);
    assert_int_equal(r.insns[2].done, 70);
    assert_int_equal(r.cycles, 121);
    const struct tr_layer *a = &r.layers[0], *b = &r.layers[1];
    assert_string_equal(a->name, "a");
    assert_int_equal(a->cycles, 56);
    assert_int_equal(b->cycles, 64);
    assert_int_equal(r.unattributed, 1);
    assert_int_equal(r.idle, 1);
    assert_int_equal(a->active, 68);
    assert_int_equal(b->active, 76);
    assert_int_equal(a->span_start, 1);
    assert_int_equal(a->span_end, 70);
    assert_int_equal(b->span_start, 45);
    assert_int_equal(b->span_end, 121);
    assert_int_equal(a->advance, 70);
    assert_int_equal(b->advance, 51);
    assert_int_equal(a->busy[DPU_ENGINE_LOAD], 44);
    assert_int_equal(a->busy[DPU_ENGINE_CONV], 9);
    assert_int_equal(b->busy[DPU_ENGINE_LOAD], 76);
    /* a: compute 9, memory 44, exposed 68 - 44 = 24 < 44: memory. b: memory 76, exposed 0. */
    assert_int_equal(a->exposed, 24);
    assert_int_equal(a->bound, TR_BOUND_MEMORY);
    assert_int_equal(b->exposed, 0);
    assert_int_equal(b->bound, TR_BOUND_MEMORY);
    release(&r, &p);
}

/* A layer hidden under another: layer a's long CONV (3x3 over 20x20: 3608 issue cycles from
 * cycle 1, done 15 later at 3624) and layer b's 64-byte LOAD after it in the stream,
 * dispatched in cycle 1, running 2..46 under the CONV.
 *   1..2 a alone: 1; 2..46 both: 44 -> 22 each; 46..3624 a alone: 3578.
 * a: 3601, b: 22 (its advance is 0: it never moves the end of the work), idle cycle 0. */
static void test_hidden_layer(void **state)
{
    (void)state;
    static const int layer_of[] = {0, 1, -1};
    struct timing_report r;
    struct dpu_program p;
    report("CONV kh=3 kw=3 oh=20 ow=20 act_addr=0 act_col_stride=8 act_row_stride=176 "
           "wgt_addr=0 acc_addr=0\n"
           "LOAD " ACT64 "\nEND\n",
           layer_of, &r, &p);
    assert_int_equal(r.insns[0].start, 1);
    assert_int_equal(r.insns[0].end, 3609);
    assert_int_equal(r.insns[0].done, 3624);
    assert_int_equal(r.insns[1].start, 2);
    assert_int_equal(r.insns[1].end, 46);
    assert_int_equal(r.cycles, 3624);
    const struct tr_layer *a = &r.layers[0], *b = &r.layers[1];
    assert_int_equal(a->cycles, 3601);
    assert_int_equal(b->cycles, 22);
    assert_int_equal(r.unattributed, 1);
    assert_int_equal(a->active, 3623);
    assert_int_equal(b->active, 44);
    assert_int_equal(a->advance, 3624);
    assert_int_equal(b->advance, 0);
    /* a: compute 3608, exposed 3623 - 3608 = 15 (the drain): compute. */
    assert_int_equal(a->exposed, 15);
    assert_int_equal(a->bound, TR_BOUND_COMPUTE);
    release(&r, &p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hoisted_weights),
        cmocka_unit_test(test_hidden_layer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
