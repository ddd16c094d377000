/* The per-layer time of the timing report (sim/tool/timing_share.h) on hand-made timelines
 * with known overlap: each instruction's hold [from, to) and layer are given, and every
 * expected share is worked out in a comment. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "timing_share.h"

#define U TS_UNIT

static uint64_t share(const struct ts_hold *h, size_t n, size_t nlayers, struct ts_time *out)
{
    uint64_t held = 12345;
    assert_int_equal(ts_share(h, n, nlayers, out, &held), 0);
    /* Whatever the overlap, the shares add up to the cycles in which anything runs. */
    uint64_t units = 0, cycles = 0;
    for (size_t l = 0; l <= nlayers; l++) {
        units += out[l].units;
        cycles += out[l].cycles;
        assert_true(out[l].cycles <= out[l].active);
    }
    assert_int_equal(units, held * U);
    assert_int_equal(cycles, held);
    return held;
}

/* No overlap: each layer gets its own cycles; the gap 10..15 is idle (nobody's). */
static void test_disjoint(void **state)
{
    (void)state;
    const struct ts_hold h[] = {{0, 10, 0}, {15, 20, 1}};
    struct ts_time t[3];
    assert_int_equal(share(h, 2, 2, t), 15);
    assert_int_equal(t[0].cycles, 10);
    assert_int_equal(t[1].cycles, 5);
    assert_int_equal(t[2].cycles, 0);
    assert_int_equal(t[0].active, 10);
    assert_int_equal(t[1].active, 5);
}

/* Layer 1's weights are loaded early (a hoisted LOAD, 5..15) while layer 0 loads (0..10)
 * and computes (10..30): 0..5 layer 0 alone (5), 5..15 both (10 cycles, 5 each), 15..30
 * layer 0 alone (15). Layer 0: 25 cycles, active 30; layer 1: 5 cycles, active 10. Under
 * the attribution of version 2 (the end of the work) layer 1 would get 0 cycles. */
static void test_hoisted_load(void **state)
{
    (void)state;
    const struct ts_hold h[] = {{0, 10, 0}, {10, 30, 0}, {5, 15, 1}};
    struct ts_time t[3];
    assert_int_equal(share(h, 3, 2, t), 30);
    assert_int_equal(t[0].units, 25 * U);
    assert_int_equal(t[1].units, 5 * U);
    assert_int_equal(t[0].cycles, 25);
    assert_int_equal(t[1].cycles, 5);
    assert_int_equal(t[0].active, 30);
    assert_int_equal(t[1].active, 10);
}

/* A layer holding two engines at once counts once: layer 0's LOAD and CONV over 0..10 and
 * layer 1's MISC over 0..10 -> 5 cycles each; then layer 1's MISC alone over 10..12. */
static void test_two_engines_one_layer(void **state)
{
    (void)state;
    const struct ts_hold h[] = {{0, 10, 0}, {0, 10, 0}, {0, 12, 1}};
    struct ts_time t[3];
    assert_int_equal(share(h, 3, 2, t), 12);
    assert_int_equal(t[0].cycles, 5);
    assert_int_equal(t[1].cycles, 7);
    assert_int_equal(t[0].active, 10);
    assert_int_equal(t[1].active, 12);
}

/* Thirds: three layers over 0..4, layer 0 also over 4..5: 4/3 each, then 1 more for layer
 * 0 -> units 4U/3 + U, 4U/3, 4U/3 (exact: U is a multiple of 3). Rounded: floors 2, 1, 1
 * add up to 4 of 5; the remainders are U/3 each, the tie goes to the lower index: 3, 1, 1. */
static void test_thirds(void **state)
{
    (void)state;
    const struct ts_hold h[] = {{0, 5, 0}, {0, 4, 1}, {0, 4, 2}};
    struct ts_time t[4];
    assert_int_equal(share(h, 3, 3, t), 5);
    assert_int_equal(t[0].units, 4 * U / 3 + U);
    assert_int_equal(t[1].units, 4 * U / 3);
    assert_int_equal(t[2].units, 4 * U / 3);
    assert_int_equal(t[0].cycles, 3);
    assert_int_equal(t[1].cycles, 1);
    assert_int_equal(t[2].cycles, 1);
}

/* Instructions of no layer (a SYNC, layer -1) are the last entry, and empty holds count for
 * nothing. 0..3 layers 0, 1 and no layer: 1 each; 3..5 layer 0 alone: 2; 5..6 layer 1 and
 * no layer: 0.5 each -> layer 0: 3, layer 1: 1.5, no layer: 1.5. Rounded: floors 3 + 1 + 1
 * = 5 of 6, remainders 0, U/2, U/2, the tie to the lower index: 3, 2, 1. */
static void test_no_layer(void **state)
{
    (void)state;
    const struct ts_hold h[] = {{0, 5, 0},  {0, 3, 1}, {5, 6, 1}, {0, 3, -1},
                                {5, 6, -1}, {7, 7, 0}, {9, 8, 1}};
    struct ts_time t[3];
    assert_int_equal(share(h, 7, 2, t), 6);
    assert_int_equal(t[0].units, 3 * U);
    assert_int_equal(t[1].units, 3 * U / 2);
    assert_int_equal(t[2].units, 3 * U / 2);
    assert_int_equal(t[0].cycles, 3);
    assert_int_equal(t[1].cycles, 2);
    assert_int_equal(t[2].cycles, 1);
    assert_int_equal(t[1].active, 4);
    assert_int_equal(t[2].active, 4);
}

/* A CONV's drain overlapping the next CONV's streaming, both of one layer, with another
 * layer's SAVE under both: layer 0 holds 0..8 and 6..14 (one interval 0..14 for it), layer
 * 1 holds 4..10: 0..4 layer 0 (4), 4..10 both (3 each), 10..14 layer 0 (4) -> 11 and 3. */
static void test_pipelined(void **state)
{
    (void)state;
    const struct ts_hold h[] = {{6, 14, 0}, {0, 8, 0}, {4, 10, 1}};
    struct ts_time t[3];
    assert_int_equal(share(h, 3, 2, t), 14);
    assert_int_equal(t[0].cycles, 11);
    assert_int_equal(t[1].cycles, 3);
    assert_int_equal(t[0].active, 14);
    assert_int_equal(t[1].active, 6);
}

/* 17 layers in one cycle: U does not divide by 17 (U = 17 * 42395 + 5), so 5 of them get
 * one unit more; the shares still add up to exactly one cycle, which goes to one layer. */
static void test_seventeen(void **state)
{
    (void)state;
    struct ts_hold h[17];
    for (int i = 0; i < 17; i++)
        h[i] = (struct ts_hold){100, 101, i};
    struct ts_time t[18];
    assert_int_equal(share(h, 17, 17, t), 1);
    int more = 0, one = 0;
    for (int i = 0; i < 17; i++) {
        assert_true(t[i].units == U / 17 || t[i].units == U / 17 + 1);
        more += t[i].units == U / 17 + 1;
        one += (int)t[i].cycles;
    }
    assert_int_equal(more, (int)(U % 17));
    assert_int_equal(one, 1);
}

/* Nothing runs: no cycles held, all shares zero. */
static void test_empty(void **state)
{
    (void)state;
    struct ts_time t[2];
    assert_int_equal(share(NULL, 0, 1, t), 0);
    assert_int_equal(t[0].cycles, 0);
    assert_int_equal(t[1].cycles, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_disjoint),
        cmocka_unit_test(test_hoisted_load),
        cmocka_unit_test(test_two_engines_one_layer),
        cmocka_unit_test(test_thirds),
        cmocka_unit_test(test_no_layer),
        cmocka_unit_test(test_pipelined),
        cmocka_unit_test(test_seventeen),
        cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
