/* Robustness: thousands of random programs (every opcode, random field values biased toward
 * the small numbers that pass the checks, now and then random bits anywhere) run on small
 * regions. Whatever the program, the simulator must neither crash nor touch memory outside
 * its buffers (the sanitizer build checks that), and its status must be consistent: done
 * with no fault, or stopped on a fault at an instruction it reached. Every other program
 * also feeds the timing model (dpusim --timing), which must not fail on what the simulator
 * ran; a completed one is run again without data (--timing-only) for the same cycles. */
#include "sim_test_util.h"

#include <stdlib.h>
#include <string.h>

#include "dpu/bits.h"
#include "dpu/sim_timing.h"

static uint64_t rng_state;
static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* A value for field f: mostly what passes the checks (defined enum values, defaults,
 * R-aligned addresses and strides, small counts), sometimes anything. */
static uint64_t field_value(const struct dpu_field_desc *f)
{
    uint64_t pick = rng_next() % 16;
    if (pick == 0)
        return rng_next(); /* any bits (the setter keeps the field's width) */
    if (pick == 1)
        return rng_next() % 4096;
    if (f->kind == DPU_FIELD_ENUM && f->enm && f->enm->count)
        return (uint64_t)f->enm->vals[rng_next() % f->enm->count].value;
    if (f->has_default && pick < 10)
        return (uint64_t)f->def;
    if (strstr(f->name, "addr") || strstr(f->name, "stride"))
        return 8 * (rng_next() % 64);
    return rng_next() % 6;
}

static bool is_count(const char *name)
{
    static const char *const counts[] = {"rows",    "cols",     "bytes",    "len",   "nvec",
                                         "kh",      "kw",       "oh",       "ow",    "valid_h",
                                         "valid_w", "stride_h", "stride_w", "dil_h", "dil_w"};
    for (size_t i = 0; i < NELEM(counts); i++)
        if (strcmp(name, counts[i]) == 0)
            return true;
    return false;
}

static dpu_insn random_insn(void)
{
    dpu_insn in;
    memset(&in, 0, sizeof in);
    if (rng_next() % 50 == 0) { /* raw garbage */
        for (int w = 0; w < DPU_INSN_WORDS; w++)
            in.w[w] = rng_next();
        return in;
    }
    const struct dpu_insn_desc *desc = &dpu_insn_descs[rng_next() % dpu_insn_desc_count];
    /* END only now and then in the middle (it must be last). */
    while (desc->opcode == DPU_OP_END && rng_next() % 8)
        desc = &dpu_insn_descs[rng_next() % dpu_insn_desc_count];
    for (size_t i = 0; i < desc->nfields; i++) {
        const struct dpu_field_desc *f = &desc->fields[i];
        uint64_t v = f->lo == DPU_INSN_OPCODE_LO ? desc->opcode : field_value(f);
        /* Tokens only now and then (most random ones deadlock at once). */
        if ((f->lo == DPU_INSN_WAIT_LO || f->lo == DPU_INSN_SIGNAL_LO) && rng_next() % 4)
            v = 0;
        /* Counts are mostly small and non-zero; tile loops stay small enough for thousands
         * of runs. */
        if (is_count(f->name) && rng_next() % 8)
            v = 1 + rng_next() % 4;
        if (strcmp(f->name, "oh") == 0 || strcmp(f->name, "ow") == 0 ||
            strcmp(f->name, "kh") == 0 || strcmp(f->name, "kw") == 0)
            v %= 9;
        dpu_bits_set(in.w, f->lo, f->width, v);
    }
    if (rng_next() % 20 == 0)
        in.w[rng_next() % DPU_INSN_WORDS] ^= UINT64_C(1) << (rng_next() % 64);
    return in;
}

static void test_random_programs(void **state)
{
    (void)state;
    static uint8_t regions[DPU_REGION_COUNT][4096];
    struct dpu_sim *s = tu_sim("tiny");
    for (int r = 0; r < DPU_REGION_COUNT; r++)
        assert_int_equal(dpu_sim_set_region(s, r, regions[r], sizeof regions[r]), DPU_OK);
    struct dpu_timing *t;
    struct dpu_diag td;
    assert_int_equal(dpu_timing_create(dpu_preset_find("tiny"), &t, &td), 0);
    long done = 0, faults[16] = {0}, timed = 0;
    for (uint64_t seed = 1; seed <= 50000; seed++) {
        rng_state = seed;
        size_t n = 1 + rng_next() % 6;
        dpu_insn prog[8];
        for (size_t i = 0; i < n; i++)
            prog[i] = random_insn();
        if (rng_next() % 4) { /* usually a proper END last */
            memset(&prog[n], 0, sizeof prog[n]);
            dpu_insn_set_opcode(&prog[n], DPU_OP_END);
            n++;
        }
        /* PARAM records: valid ones, or now and then random bytes (BAD_PARAM). */
        uint8_t *param = tu_buf(s, DPU_BUF_PARAM);
        bool junk = rng_next() % 4 == 0;
        for (int i = 0; i < 16 * 64; i++)
            param[i] = (uint8_t)rng_next();
        for (int q = 0; q < 64 && !junk; q++) {
            param[16 * q + 7] &= 0x7f;                      /* M >= 0 */
            param[16 * q + 8] = (uint8_t)(rng_next() % 32); /* 0 <= s <= 31 */
        }
        uint8_t *act = tu_buf(s, DPU_BUF_ACT);
        for (int i = 0; i < 1024; i++)
            act[i] = (uint8_t)rng_next();
        dpu_sim_set_check_races(s, seed % 2 == 0);
        dpu_sim_set_timing(s, seed % 4 < 2 ? t : NULL);
        struct dpu_sim_status st;
        struct dpu_diag d;
        dpu_diag_clear(&d);
        int err = dpu_sim_run(s, prog, n, &st, &d);
        struct dpu_timing_totals tot;
        if (seed % 4 < 2)
            dpu_timing_totals(t, &tot);
        if (st.done) {
            assert_false(st.error);
            assert_int_equal(st.fault.errcode, DPU_ERRCODE_NONE);
            assert_true(err == DPU_OK || (err == DPU_E_INVALID && st.race.found));
            done++;
            if (seed % 4 < 2) { /* the same schedule without data */
                struct dpu_timing_totals tot2;
                dpu_sim_set_data(s, false);
                dpu_sim_set_check_races(s, false);
                assert_int_equal(dpu_sim_run(s, prog, n, &st, &d), DPU_OK);
                dpu_sim_set_data(s, true);
                dpu_timing_totals(t, &tot2);
                if (tot.cycles != tot2.cycles || tot.insns != tot2.insns)
                    fail_msg("seed %llu: %llu cycles with data, %llu without",
                             (unsigned long long)seed, (unsigned long long)tot.cycles,
                             (unsigned long long)tot2.cycles);
                timed++;
            }
        } else {
            if (!st.error)
                print_error("seed %llu: neither done nor error (%d: %s)\n",
                            (unsigned long long)seed, err, d.msg);
            assert_true(st.error);
            assert_int_equal(err, DPU_E_INVALID);
            assert_true(st.fault.errcode > DPU_ERRCODE_NONE &&
                        st.fault.errcode <= DPU_ERRCODE_MISSING_END);
            assert_true(st.fault.insn <= n);
            assert_true(d.msg[0] != '\0');
            faults[st.fault.errcode]++;
        }
    }
    dpu_sim_set_timing(s, NULL);
    dpu_timing_destroy(t);
    dpu_sim_destroy(s);
    print_message(
        "completed %ld (%ld timed); BAD_OPCODE %ld BAD_FIELD %ld DDR_RANGE %ld SRAM_RANGE %ld "
        "TOKEN_OVERFLOW %ld TOKEN_UNDERFLOW %ld BAD_PARAM %ld MISSING_END %ld\n",
        done, timed, faults[1], faults[2], faults[3], faults[4], faults[5], faults[6], faults[8],
        faults[9]);
    /* The generator reaches completed programs and execution-time faults, not only
     * refusals. */
    assert_true(done > 100);
    assert_true(timed > 50);
    assert_true(faults[DPU_ERRCODE_BAD_PARAM] > 0);
    assert_true(faults[DPU_ERRCODE_TOKEN_UNDERFLOW] > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_programs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
