/* DWCONV's fields through the program validator and the simulator, at random (ISA 0.2's
 * implicit padding: pad_top/bottom/left/right, pad_value, docs/isa.md):
 *
 *  - any field values (small ones favoured, so that many instructions are valid): the
 *    sample program (prog_sample.h) with the stream "DWCONV, END" is either accepted or
 *    refused with a message naming instruction 0; pads covering every input row or column of
 *    the tile (computed here from the fields) are always refused, naming pad_top or
 *    pad_left; an accepted instruction runs on the simulator (race checker and timing model
 *    attached) without a fault, and the timing model alone (no data) gives the same cycles;
 *  - valid random geometries (kernels 1-7, strides 1-4, dilations 1-3, pads 0-15 on each
 *    side, any pad_value): the stored rectangle with the pads gives the bytes the whole grid
 *    (its border written as pad_value) gives without them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/presets_gen.h"
#include "dpu/sim.h"
#include "dpu/sim_timing.h"
#include "prog_sample.h"
#include "sim_test_util.h"

static uint64_t rng = 0x2545F4914F6CDD1DULL;
static int ncases = 4000; /* test_prog_dwconv_fields [SEED [CASES]] runs longer */

static uint64_t next(void) /* splitmix64 */
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t pick(uint64_t lo, uint64_t hi) /* inclusive; lo when hi < lo */
{
    return hi <= lo ? lo : lo + next() % (hi - lo + 1);
}

/* How often a field takes a wild value (any, 0 or the top of its width): 1 in `wild`; 0
 * never. Set per instruction, so that many instructions have every field sane. */
static unsigned wild;

/* A field value of `width` bits: in [lo, hi] (clipped to the width), or wild. */
static uint64_t field(unsigned width, uint64_t lo, uint64_t hi)
{
    uint64_t top = (UINT64_C(1) << width) - 1;
    if (wild && next() % wild == 0) {
        uint64_t k = next() % 3;
        return k == 0 ? next() & top : k == 1 ? top : 0;
    }
    return pick(lo < top ? lo : top, hi < top ? hi : top);
}

static void random_dwconv(dpu_insn *in, unsigned R)
{
    memset(in, 0, sizeof *in);
    wild = next() % 3 == 0 ? 0 : (unsigned)pick(4, 40);
    dpu_insn_set_opcode(in, DPU_OP_DWCONV);
    /* lut stays 0: a LUT read before any LUTLD is a rule of the run, not of the validator
     * (docs/program-format.md) */
    dpu_dwconv_set_kh(in, field(DPU_DWCONV_KH_WIDTH, 1, 5));
    dpu_dwconv_set_kw(in, field(DPU_DWCONV_KW_WIDTH, 1, 5));
    dpu_dwconv_set_stride_h(in, field(DPU_DWCONV_STRIDE_H_WIDTH, 1, 3));
    dpu_dwconv_set_stride_w(in, field(DPU_DWCONV_STRIDE_W_WIDTH, 1, 3));
    dpu_dwconv_set_dil_h(in, field(DPU_DWCONV_DIL_H_WIDTH, 1, 3));
    dpu_dwconv_set_dil_w(in, field(DPU_DWCONV_DIL_W_WIDTH, 1, 3));
    dpu_dwconv_set_oh(in, field(DPU_DWCONV_OH_WIDTH, 1, 6));
    dpu_dwconv_set_ow(in, field(DPU_DWCONV_OW_WIDTH, 1, 6));
    uint64_t nvec = field(DPU_DWCONV_NVEC_WIDTH, 1, 3), v = nvec ? nvec : 1;
    dpu_dwconv_set_nvec(in, nvec);
    /* addresses and strides R-aligned inside tiny's buffers but when wild */
    uint64_t col = R * field(13, v, 4);
    dpu_dwconv_set_act_addr(in, R * field(19, 0, 64));
    dpu_dwconv_set_act_col_stride(in, col);
    dpu_dwconv_set_act_row_stride(in, col * field(12, 1, 30));
    dpu_dwconv_set_wgt_addr(in, R * field(19, 0, 64));
    dpu_dwconv_set_param_addr(in, field(DPU_DWCONV_PARAM_ADDR_WIDTH, 0, 200));
    dpu_dwconv_set_out_zp(in, next() & 0xff);
    int64_t lo = (int8_t)(next() & 0xff), hi = (int8_t)(next() & 0xff);
    if ((!wild || next() % wild) && lo > hi) {
        int64_t t = lo;
        lo = hi, hi = t;
    }
    dpu_dwconv_set_clamp_lo(in, (uint64_t)lo & 0xff);
    dpu_dwconv_set_clamp_hi(in, (uint64_t)hi & 0xff);
    dpu_dwconv_set_out_addr(in, 32768 + R * field(19, 0, 512));
    dpu_dwconv_set_out_pstride(in, R * field(13, v, 4));
    /* the pads: anything their 4 bits hold, as often small as large */
    dpu_dwconv_set_pad_top(in, next() % 2 ? pick(0, 15) : pick(0, 2));
    dpu_dwconv_set_pad_bottom(in, next() % 2 ? pick(0, 15) : pick(0, 2));
    dpu_dwconv_set_pad_left(in, next() % 2 ? pick(0, 15) : pick(0, 2));
    dpu_dwconv_set_pad_right(in, next() % 2 ? pick(0, 15) : pick(0, 2));
    dpu_dwconv_set_pad_value(in, next() & 0xff);
}

/* Do the pads cover every input row (*rows) or column of the tile? Only meaningful when the
 * geometry fields are nonzero. */
static void covered(const dpu_insn *in, bool *rows, bool *cols)
{
    uint64_t ih = (dpu_dwconv_get_oh(in) - 1) * dpu_dwconv_get_stride_h(in) +
                  (dpu_dwconv_get_kh(in) - 1) * dpu_dwconv_get_dil_h(in) + 1;
    uint64_t iw = (dpu_dwconv_get_ow(in) - 1) * dpu_dwconv_get_stride_w(in) +
                  (dpu_dwconv_get_kw(in) - 1) * dpu_dwconv_get_dil_w(in) + 1;
    *rows = dpu_dwconv_get_pad_top(in) + dpu_dwconv_get_pad_bottom(in) >= ih;
    *cols = dpu_dwconv_get_pad_left(in) + dpu_dwconv_get_pad_right(in) >= iw;
}

static bool geometry_nonzero(const dpu_insn *in)
{
    return dpu_dwconv_get_kh(in) && dpu_dwconv_get_kw(in) && dpu_dwconv_get_stride_h(in) &&
           dpu_dwconv_get_stride_w(in) && dpu_dwconv_get_dil_h(in) && dpu_dwconv_get_dil_w(in) &&
           dpu_dwconv_get_oh(in) && dpu_dwconv_get_ow(in) && dpu_dwconv_get_nvec(in);
}

/* The accepted instruction on the simulator: no fault, no race, and the same schedule with
 * and without data. */
static void run_accepted(const struct dpu_program *p, const char *what)
{
    const struct dpu_preset *pre = dpu_preset_find("tiny");
    uint64_t cyc[2];
    for (int data = 0; data < 2; data++) {
        struct dpu_sim *s = tu_sim("tiny");
        struct dpu_timing *t;
        struct dpu_diag d;
        dpu_diag_clear(&d);
        assert_int_equal(dpu_timing_create(pre, &t, &d), 0);
        uint8_t *region[DPU_REGION_COUNT];
        for (int r = 0; r < DPU_REGION_COUNT; r++) {
            region[r] = calloc((size_t)p->region_size[r] + 1, 1);
            assert_int_equal(dpu_sim_set_region(s, r, region[r], p->region_size[r]), 0);
        }
        /* valid PARAM records everywhere (a record's contents are not the validator's) */
        uint64_t nparam;
        uint8_t *param;
        assert_int_equal(dpu_sim_buffer(s, DPU_BUF_PARAM, &param, &nparam), 0);
        for (uint64_t q = 0; q < nparam / 16; q++)
            tu_param(s, q, (int32_t)(q * 7) - 300, 1 << 20, 24);
        uint8_t *act = tu_buf(s, DPU_BUF_ACT);
        for (size_t i = 0; i < 65536; i++)
            act[i] = (uint8_t)(i * 131 + 7);
        dpu_sim_set_check_races(s, data == 1);
        dpu_sim_set_data(s, data == 1);
        dpu_sim_set_timing(s, t);
        struct dpu_sim_status st;
        int err = dpu_sim_run(s, p->insns, p->ninsns, &st, &d);
        if (err || !st.done || st.race.found)
            fail_msg("%s: accepted by the validator but the simulator says: %s", what,
                     dpu_diag_message(&d));
        struct dpu_timing_totals tot;
        dpu_timing_totals(t, &tot);
        cyc[data] = tot.cycles;
        dpu_sim_set_timing(s, NULL);
        dpu_timing_destroy(t);
        dpu_sim_destroy(s);
        for (int r = 0; r < DPU_REGION_COUNT; r++)
            free(region[r]);
    }
    if (cyc[0] != cyc[1])
        fail_msg("%s: timing-only %llu cycles, with data %llu", what, (unsigned long long)cyc[0],
                 (unsigned long long)cyc[1]);
}

static void test_validator(void **state)
{
    (void)state;
    struct dpu_program p;
    prog_sample_build(&p);
    unsigned R = dpu_preset_find("tiny")->array_rows;
    int accepted = 0, pads_refused = 0;
    for (int i = 0; i < ncases; i++) {
        dpu_insn prog[2];
        random_dwconv(&prog[0], R);
        memset(&prog[1], 0, sizeof prog[1]);
        dpu_insn_set_opcode(&prog[1], DPU_OP_END);
        struct dpu_diag d;
        dpu_diag_clear(&d);
        assert_int_equal(dpu_program_set_insns(&p, prog, 2, &d), DPU_OK);
        p.steps[1].first = 0;
        p.steps[1].count = 2;
        p.layers[1].nranges = 0;
        char what[64];
        snprintf(what, sizeof what, "case %d", i);
        dpu_diag_clear(&d);
        int err = dpu_program_validate(&p, NULL, &d);
        bool rows = false, cols = false;
        if (geometry_nonzero(&prog[0]))
            covered(&prog[0], &rows, &cols);
        if (err) {
            if (d.err != err || !strstr(d.msg, "instruction 0"))
                fail_msg("%s: refused without naming the instruction: %s", what, d.msg);
        } else {
            if (rows || cols)
                fail_msg("%s: pads covering the tile accepted", what);
            run_accepted(&p, what);
            accepted++;
        }
        /* Pads that cover the tile are refused, for that reason when nothing else is wrong:
         * the same instruction with sane pads is accepted. */
        if (rows || cols) {
            dpu_insn ok = prog[0];
            dpu_dwconv_set_pad_top(&ok, 0);
            dpu_dwconv_set_pad_bottom(&ok, 0);
            dpu_dwconv_set_pad_left(&ok, 0);
            dpu_dwconv_set_pad_right(&ok, 0);
            dpu_insn two[2] = {ok, prog[1]};
            assert_int_equal(dpu_program_set_insns(&p, two, 2, &d), DPU_OK);
            dpu_diag_clear(&d);
            if (dpu_program_validate(&p, NULL, &d) == DPU_OK) {
                assert_int_equal(dpu_program_set_insns(&p, prog, 2, &d), DPU_OK);
                dpu_diag_clear(&d);
                assert_int_not_equal(dpu_program_validate(&p, NULL, &d), DPU_OK);
                if (!strstr(d.msg, rows ? "pad_top" : "pad_left"))
                    fail_msg("%s: covering pads refused, but the message does not say so: %s", what,
                             d.msg);
                pads_refused++;
            }
        }
    }
    print_message("%d of %d random DWCONVs accepted, %d refused for their pads alone\n", accepted,
                  ncases, pads_refused);
    assert_true(accepted > ncases / 20);
    assert_true(pads_refused > ncases / 200);
    dpu_program_free(&p);
}

/* Valid random geometries: implicit padding against the same tile with the border stored. */
static void test_implicit_padding(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    uint8_t *act = tu_buf(s, DPU_BUF_ACT), *wgt = tu_buf(s, DPU_BUF_WGT);
    for (int i = 0; i < 2 * 49 * 8; i++)
        wgt[i] = (uint8_t)((i * 37 + 11) % 15 - 7);
    for (int ch = 0; ch < 16; ch++)
        tu_param(s, ch, 100 * ch - 700, 1 << 20, 20);
    int runs = 0;
    while (runs < 300) {
        int kh = (int)pick(1, 7), kw = (int)pick(1, 7), sh = (int)pick(1, 4), sw = (int)pick(1, 4);
        int dh = (int)pick(1, 3), dw = (int)pick(1, 3), oh = (int)pick(1, 4), ow = (int)pick(1, 4);
        int nvec = (int)pick(1, 2), pv = (int)(int8_t)(next() & 0xff);
        int ih = (oh - 1) * sh + (kh - 1) * dh + 1, iw = (ow - 1) * sw + (kw - 1) * dw + 1;
        int pt = (int)pick(0, 15), pb = (int)pick(0, 15), pl = (int)pick(0, 15),
            pr = (int)pick(0, 15);
        int vh = ih - pt - pb, vw = iw - pl - pr, px = nvec * 8;
        if (vh < 1 || vw < 1 || ih * iw * px > 12000)
            continue;
        for (int y = 0; y < ih; y++)
            for (int x = 0; x < iw; x++)
                for (int ch = 0; ch < px; ch++) {
                    bool in = y >= pt && y < pt + vh && x >= pl && x < pl + vw;
                    int8_t v = (int8_t)((y * 31 + x * 17 + ch * 7 + runs) % 251 - 125);
                    act[(y * iw + x) * px + ch] = (uint8_t)(in ? v : pv);
                    if (in)
                        act[16384 + ((y - pt) * vw + (x - pl)) * px + ch] = (uint8_t)v;
                }
        char text[700], pad[160];
        const char *fmt = "DWCONV kh=%d kw=%d stride_h=%d stride_w=%d dil_h=%d dil_w=%d oh=%d "
                          "ow=%d nvec=%d act_addr=%d act_col_stride=%d act_row_stride=%d "
                          "wgt_addr=0 param_addr=0 out_zp=1 out_addr=%d out_pstride=%d %s\nEND\n";
        snprintf(text, sizeof text, fmt, kh, kw, sh, sw, dh, dw, oh, ow, nvec, 0, px, iw * px,
                 32768, px, "");
        tu_run_ok(s, text, NULL);
        snprintf(pad, sizeof pad, "pad_top=%d pad_bottom=%d pad_left=%d pad_right=%d pad_value=%d",
                 pt, pb, pl, pr, pv);
        snprintf(text, sizeof text, fmt, kh, kw, sh, sw, dh, dw, oh, ow, nvec, 16384, px, vw * px,
                 49152, px, pad);
        tu_run_ok(s, text, NULL);
        tu_expect_bytes(act + 49152, act + 32768, (size_t)(oh * ow * px), text);
        runs++;
    }
    dpu_sim_destroy(s);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        rng = strtoull(argv[1], NULL, 0);
    if (argc > 2)
        ncases = atoi(argv[2]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validator),
        cmocka_unit_test(test_implicit_padding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
