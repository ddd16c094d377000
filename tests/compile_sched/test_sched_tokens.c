/* Pass schedule on synthetic instruction streams (compiler/lower/src/pass_schedule.c).
 *
 * Random LOAD/ELTW/SAVE sequences over a few ACT and DDR slots, and adversarial ones that fill
 * a token queue (many SAVEs, then as many LOADs each reading a different SAVE's bytes), are
 * scheduled; an independent checker then walks the stream: the token discipline of
 * docs/isa.md (no wait on an empty queue, no queue above token_queue_depth, all empty at the
 * end) and, with vector clocks built from the m-th signal / m-th wait pairing, that every pair
 * of conflicting accesses on different engines is ordered. The checker knows the bytes each
 * instruction touches from how the test built it, not from the scheduler. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dpu/preset.h"
#include "lower.h"

#define NE   DPU_ENGINE_COUNT
#define MAXI 600
#define SLOT 64 /* bytes per slot (a multiple of every preset's R) */

/* What an instruction touches, in slots of SLOT bytes; -1 for none. */
struct touch {
    int engine;
    int rd[2]; /* ACT slots read */
    int wr;    /* ACT slot written */
    int ddr;   /* DDR slot (SCRATCH) read or written */
    bool ddr_w;
};

struct stream {
    struct lw_ctx c;
    struct touch t[MAXI];
};

static void init(struct stream *s, const char *preset)
{
    memset(s, 0, sizeof *s);
    s->c.p = dpu_preset_find(preset);
    assert_non_null(s->c.p);
    s->c.R = s->c.p->array_rows, s->c.C = s->c.p->array_cols;
    s->c.pass = "schedule";
}

static void add_load(struct stream *s, int act, int ddr)
{
    s->t[s->c.ninsns] = (struct touch){DPU_ENGINE_LOAD, {-1, -1}, act, ddr, false};
    lw_load_flat(&s->c, 0, DPU_BUF_ACT, DPU_REGION_SCRATCH, (uint64_t)ddr * SLOT, SLOT,
                 (uint64_t)act * SLOT, SLOT);
}

static void add_save(struct stream *s, int act, int ddr)
{
    s->t[s->c.ninsns] = (struct touch){DPU_ENGINE_SAVE, {act, -1}, -1, ddr, true};
    lw_save_flat(&s->c, 0, DPU_REGION_SCRATCH, (uint64_t)ddr * SLOT, SLOT, (uint64_t)act * SLOT,
                 SLOT);
}

/* ELTW out = a + b over one slot. */
static void add_eltw(struct stream *s, int a, int b, int out)
{
    s->t[s->c.ninsns] = (struct touch){DPU_ENGINE_MISC, {a, b}, out, -1, false};
    dpu_insn *i = lw_new_insn(&s->c, 0, DPU_OP_ELTW);
    dpu_eltw_set_a_addr(i, (uint64_t)a * SLOT);
    dpu_eltw_set_b_addr(i, (uint64_t)b * SLOT);
    dpu_eltw_set_out_addr(i, (uint64_t)out * SLOT);
    dpu_eltw_set_len(i, SLOT);
}

static void schedule(struct stream *s)
{
    dpu_insn *end = lw_new_insn(&s->c, -1, DPU_OP_END);
    (void)end;
    static struct lw_step st;
    st = (struct lw_step){.accel = true, .insn_first = 0, .insn_count = s->c.ninsns};
    s->c.steps = &st, s->c.nsteps = 1;
    assert_int_equal(lw_pass_schedule(&s->c), 0);
}

static bool conflict(const struct touch *x, const struct touch *y)
{
    if (x->wr >= 0 && (x->wr == y->wr || x->wr == y->rd[0] || x->wr == y->rd[1]))
        return true;
    if (y->wr >= 0 && (y->wr == x->rd[0] || y->wr == x->rd[1]))
        return true;
    return x->ddr >= 0 && x->ddr == y->ddr && (x->ddr_w || y->ddr_w);
}

/* The independent check: token discipline and ordering of every conflicting pair. */
static void check(struct stream *s)
{
    size_t n = s->c.ninsns, depth = s->c.p->token_queue_depth;
    static long clk[MAXI][NE];       /* each instruction's clock after it ran */
    static long q[NE][NE][MAXI][NE]; /* clocks of tokens in each queue */
    size_t qh[NE][NE] = {{0}}, qt[NE][NE] = {{0}};
    long cur[NE][NE];
    for (int a = 0; a < NE; a++)
        for (int b = 0; b < NE; b++)
            cur[a][b] = -1;
    for (size_t j = 0; j < n; j++) {
        const dpu_insn *in = &s->c.insns[j].in;
        if (dpu_insn_get_opcode(in) == DPU_OP_END) {
            for (int a = 0; a < NE; a++)
                for (int b = 0; b < NE; b++)
                    assert_int_equal(qt[a][b] - qh[a][b], 0);
            continue;
        }
        int b = s->t[j].engine;
        unsigned wait = dpu_insn_get_wait(in), sig = dpu_insn_get_signal(in);
        for (int e = 0; e < NE; e++) {
            if (!(wait >> e & 1))
                continue;
            assert_true(qt[e][b] > qh[e][b]); /* a token signalled earlier in the stream */
            const long *v = q[e][b][qh[e][b]++];
            for (int x = 0; x < NE; x++)
                if (v[x] > cur[b][x])
                    cur[b][x] = v[x];
        }
        cur[b][b] = (long)j;
        memcpy(clk[j], cur[b], sizeof cur[b]);
        for (int e = 0; e < NE; e++) {
            if (!(sig >> e & 1))
                continue;
            assert_true(qt[b][e] - qh[b][e] < depth);
            memcpy(q[b][e][qt[b][e]++], cur[b], sizeof cur[b]);
        }
        for (size_t i = 0; i < j; i++)
            if (s->t[i].engine != b && conflict(&s->t[i], &s->t[j]) &&
                clk[j][s->t[i].engine] < (long)i)
                fail_msg("instruction %zu (engine %d) is not ordered after %zu (engine %d)", j, b,
                         i, s->t[i].engine);
    }
}

static void free_stream(struct stream *s)
{
    free(s->c.insns);
}

/* More SAVEs than the token queue holds, then one LOAD per SAVE reading its bytes: every LOAD
 * needs a different SAVE and no SAVE lies between the LOADs to carry a later signal. */
static void test_queue_full(void **state)
{
    (void)state;
    static const char *presets[] = {"tiny", "b4096"};
    for (int p = 0; p < 2; p++)
        for (int nsave = 1; nsave <= 20; nsave++) {
            static struct stream s;
            init(&s, presets[p]);
            for (int k = 0; k < nsave; k++)
                add_save(&s, k % 2, k);
            for (int k = 0; k < nsave; k++)
                add_load(&s, 2 + k % 4, k);
            schedule(&s);
            check(&s);
            free_stream(&s);
        }
}

/* The same with the LOADs in reverse order and an ELTW between, so that waits and the chains
 * through MISC mix. */
static void test_queue_full_mixed(void **state)
{
    (void)state;
    for (int nsave = 8; nsave <= 24; nsave += 4) {
        static struct stream s;
        init(&s, "tiny");
        for (int k = 0; k < nsave; k++) {
            add_load(&s, 8 + k % 2, 30 + k);
            add_eltw(&s, 8 + k % 2, 8 + k % 2, k % 2);
            add_save(&s, k % 2, k);
        }
        for (int k = nsave - 1; k >= 0; k--)
            add_load(&s, 2 + k % 4, k);
        schedule(&s);
        check(&s);
        free_stream(&s);
    }
}

/* Random streams over few slots: many conflicts of every kind. */
static void test_random(void **state)
{
    (void)state;
    uint32_t x = 12345;
    for (int rep = 0; rep < 200; rep++) {
        static struct stream s;
        init(&s, rep % 2 ? "tiny" : "b512");
        int len = 20 + rep % 180;
        for (int k = 0; k < len; k++) {
            x = x * 1103515245u + 12345u;
            uint32_t r = x >> 8;
            int act = (int)(r % 12), ddr = (int)(r / 12 % 10);
            switch (r / 120 % 3) {
            case 0:
                add_load(&s, act, ddr);
                break;
            case 1:
                add_save(&s, act, ddr);
                break;
            default:
                add_eltw(&s, act, (act + 1) % 12, (int)(r / 360 % 12));
                break;
            }
        }
        schedule(&s);
        check(&s);
        free_stream(&s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue_full),
        cmocka_unit_test(test_queue_full_mixed),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
