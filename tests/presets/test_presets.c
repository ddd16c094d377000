/* Unit tests of the hardware presets: the generated table (from the files in isa/presets/), the
 * hash that the generator stamps and the library recomputes, the derived figures and the
 * rules of dpu_preset_check(). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dpu/preset.h"
#include "dpu/presets_gen.h"

static void test_every_preset_found_by_name(void **state)
{
    (void)state;
    assert_int_equal(dpu_preset_count, DPU_PRESET_COUNT);
    assert_int_equal(dpu_preset_count, 4);
    for (size_t i = 0; i < dpu_preset_count; i++)
        assert_ptr_equal(dpu_preset_find(dpu_presets[i].name), &dpu_presets[i]);
    static const char *const expected[] = {"tiny", "b512", "b1024", "b4096"};
    for (size_t i = 0; i < 4; i++) {
        const struct dpu_preset *p = dpu_preset_find(expected[i]);
        assert_non_null(p);
        assert_string_equal(p->name, expected[i]);
        assert_true(p->description[0] != '\0');
    }
    assert_null(dpu_preset_find("b8192"));
    assert_null(dpu_preset_find(""));
    assert_null(dpu_preset_find("TINY"));
    assert_null(dpu_preset_find(NULL));
}

/* Ordered by MACs per cycle: the docs table and dpu_presets[] read from small to big. */
static void test_table_order_and_index_macros(void **state)
{
    (void)state;
    for (size_t i = 1; i < dpu_preset_count; i++)
        assert_true(dpu_preset_macs_per_cycle(&dpu_presets[i - 1]) <=
                    dpu_preset_macs_per_cycle(&dpu_presets[i]));
    assert_string_equal(dpu_presets[DPU_PRESET_TINY_INDEX].name, "tiny");
    assert_string_equal(dpu_presets[DPU_PRESET_B4096_INDEX].name, "b4096");
    assert_true(dpu_presets[DPU_PRESET_TINY_INDEX].hash == DPU_PRESET_TINY_HASH);
    assert_true(dpu_presets[DPU_PRESET_B512_INDEX].hash == DPU_PRESET_B512_HASH);
    assert_true(dpu_presets[DPU_PRESET_B1024_INDEX].hash == DPU_PRESET_B1024_HASH);
    assert_true(dpu_presets[DPU_PRESET_B4096_INDEX].hash == DPU_PRESET_B4096_HASH);
}

/* The values of isa/presets/tiny.preset arrive unchanged. */
static void test_tiny_values(void **state)
{
    (void)state;
    const struct dpu_preset *p = dpu_preset_find("tiny");
    assert_non_null(p);
    assert_int_equal(p->array_rows, 8);
    assert_int_equal(p->array_cols, 8);
    assert_int_equal(p->act_buf_bytes, 65536);
    assert_int_equal(p->wgt_buf_bytes, 65536);
    assert_int_equal(p->acc_buf_entries, 1024);
    assert_int_equal(p->param_buf_records, 512);
    assert_int_equal(p->acc_bits, 32);
    assert_int_equal(p->axi_data_bits, 128);
    assert_int_equal(p->axi_ports, 1);
    assert_int_equal(p->clock_mhz, 300);
    assert_int_equal(p->ddr_bandwidth_mbps, 19200);
    assert_int_equal(p->ddr_latency_cycles, 40);
    assert_int_equal(p->ddr_burst_bytes, 256);
    assert_int_equal(p->insn_queue_depth, 16);
    assert_int_equal(p->token_queue_depth, 8);
    /* The description is free text with '(' in it: the generator quotes it for the lexer. */
    assert_string_equal(p->description, "8x8 array (64 MACs) for fast RTL tests");
}

static void test_derived_figures(void **state)
{
    (void)state;
    const struct dpu_preset *b = dpu_preset_find("b4096");
    assert_non_null(b);
    assert_int_equal(dpu_preset_macs_per_cycle(b), 2048);
    assert_true(fabs(dpu_preset_peak_gops(b) - 1228.8) < 1e-9);
    /* 19200 MB/s at 300 MHz = 64 B/cycle; 4 ports x 128 bits = 64 B/cycle. */
    assert_true(fabs(dpu_preset_ddr_bytes_per_cycle(b) - 64.0) < 1e-12);

    const struct dpu_preset *t = dpu_preset_find("tiny");
    assert_non_null(t);
    assert_int_equal(dpu_preset_macs_per_cycle(t), 64);
    assert_true(fabs(dpu_preset_peak_gops(t) - 38.4) < 1e-9);
    /* One 128-bit port (16 B/cycle) is narrower than DDR (64 B/cycle). */
    assert_true(fabs(dpu_preset_ddr_bytes_per_cycle(t) - 16.0) < 1e-12);

    /* DDR the bottleneck: 1000 MB/s at 400 MHz = 2.5 B/cycle. */
    struct dpu_preset q = *b;
    q.ddr_bandwidth_mbps = 1000;
    q.clock_mhz = 400;
    assert_true(fabs(dpu_preset_ddr_bytes_per_cycle(&q) - 2.5) < 1e-12);
}

static void test_hash_matches_for_every_preset(void **state)
{
    (void)state;
    for (size_t i = 0; i < dpu_preset_count; i++)
        assert_true(dpu_preset_compute_hash(&dpu_presets[i]) == dpu_presets[i].hash);
    /* Different presets, different hashes. */
    for (size_t i = 0; i < dpu_preset_count; i++)
        for (size_t j = 0; j < i; j++)
            assert_true(dpu_presets[i].hash != dpu_presets[j].hash);
}

/* Pins the hash of tiny. If this fails after a deliberate change of isa/presets/tiny.preset,
 * update the literal; if it fails otherwise, the canonical form changed, and every program
 * and bitstream already stamped with a hash would be refused. */
static void test_hash_of_tiny_is_pinned(void **state)
{
    (void)state;
    const struct dpu_preset *t = dpu_preset_find("tiny");
    assert_non_null(t);
    assert_true(t->hash == 0x0b7bb62dc12d62ecULL);
    assert_true(DPU_PRESET_TINY_HASH == 0x0b7bb62dc12d62ecULL);
}

/* The canonical form spelled out: FNV-1a 64 of this exact text must equal the hash. */
static void test_hash_canonical_form(void **state)
{
    (void)state;
    static const char canonical[] = "acc_bits=32\n"
                                    "acc_buf_entries=1024\n"
                                    "act_buf_bytes=65536\n"
                                    "array_cols=8\n"
                                    "array_rows=8\n"
                                    "axi_data_bits=128\n"
                                    "axi_ports=1\n"
                                    "clock_mhz=300\n"
                                    "ddr_bandwidth_mbps=19200\n"
                                    "ddr_burst_bytes=256\n"
                                    "ddr_latency_cycles=40\n"
                                    "dw_mults_per_lane=3\n"
                                    "insn_queue_depth=16\n"
                                    "misc_act_read_vectors=2\n"
                                    "name=tiny\n"
                                    "param_buf_records=512\n"
                                    "token_queue_depth=8\n"
                                    "wgt_buf_bytes=65536\n";
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < sizeof canonical - 1; i++) {
        h ^= (unsigned char)canonical[i];
        h *= 0x100000001b3ULL;
    }
    assert_true(dpu_preset_compute_hash(dpu_preset_find("tiny")) == h);
}

static void test_hash_changes_with_every_field(void **state)
{
    (void)state;
    const struct dpu_preset *t = dpu_preset_find("tiny");
    assert_non_null(t);
    uint64_t base = dpu_preset_compute_hash(t);
    assert_int_equal(dpu_preset_key_count, 17);
    for (size_t k = 0; k < dpu_preset_key_count; k++) {
        struct dpu_preset q = *t;
        uint32_t *field = (uint32_t *)(void *)((char *)&q + dpu_preset_keys[k].offset);
        *field += 1;
        assert_true(dpu_preset_compute_hash(&q) != base);
        *field -= 1;
        assert_true(dpu_preset_compute_hash(&q) == base);
    }
    struct dpu_preset q = *t;
    q.name = "tinz";
    assert_true(dpu_preset_compute_hash(&q) != base);
    /* The description is documentation, not configuration. */
    q = *t;
    q.description = "another description";
    assert_true(dpu_preset_compute_hash(&q) == base);
    /* The stored hash itself is not an input. */
    q = *t;
    q.hash = 0;
    assert_true(dpu_preset_compute_hash(&q) == base);
}

static void test_key_table(void **state)
{
    (void)state;
    const struct dpu_preset_key *k = dpu_preset_key_find("clock_mhz");
    assert_non_null(k);
    assert_int_equal(k->offset, offsetof(struct dpu_preset, clock_mhz));
    assert_int_equal(dpu_preset_get(dpu_preset_find("b4096"), k), 300);
    assert_null(dpu_preset_key_find("name")); /* not an integer key */
    assert_null(dpu_preset_key_find("description"));
    assert_null(dpu_preset_key_find(NULL));
    for (size_t i = 0; i < dpu_preset_key_count; i++)
        assert_ptr_equal(dpu_preset_key_find(dpu_preset_keys[i].name), &dpu_preset_keys[i]);
}

/* Applies one change to tiny and expects dpu_preset_check() to blame key. */
static void expect_refused(void (*change)(struct dpu_preset *), const char *key)
{
    struct dpu_preset q = *dpu_preset_find("tiny");
    change(&q);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    const char *bad = "untouched";
    assert_int_equal(dpu_preset_check(&q, &bad, &d), DPU_E_RANGE);
    assert_non_null(bad);
    assert_string_equal(bad, key);
    assert_non_null(strstr(d.msg, key));
}

static void rows_12(struct dpu_preset *p)
{
    p->array_rows = 12;
    p->array_cols = 24;
}
static void cols_below_rows(struct dpu_preset *p)
{
    p->array_rows = 16;
}
static void acc_16(struct dpu_preset *p)
{
    p->acc_bits = 16;
}
static void act_8mib(struct dpu_preset *p)
{
    p->act_buf_bytes = 8u << 20;
}
static void wgt_tiny(struct dpu_preset *p)
{
    p->wgt_buf_bytes = 63;
}
static void acc_64k(struct dpu_preset *p)
{
    p->acc_buf_entries = 65536;
}
static void clock_0(struct dpu_preset *p)
{
    p->clock_mhz = 0;
}
static void no_dw_mults(struct dpu_preset *p)
{
    p->dw_mults_per_lane = 0;
}
static void misc_reads_5(struct dpu_preset *p)
{
    p->misc_act_read_vectors = 5;
}
static void bad_name(struct dpu_preset *p)
{
    p->name = "Tiny";
}

static void test_check(void **state)
{
    (void)state;
    for (size_t i = 0; i < dpu_preset_count; i++) {
        const char *bad = "untouched";
        assert_int_equal(dpu_preset_check(&dpu_presets[i], &bad, NULL), 0);
        assert_null(bad);
    }
    expect_refused(rows_12, "array_rows");
    expect_refused(cols_below_rows, "array_cols");
    expect_refused(acc_16, "acc_bits");
    expect_refused(act_8mib, "act_buf_bytes");
    expect_refused(wgt_tiny, "wgt_buf_bytes");
    expect_refused(acc_64k, "acc_buf_entries");
    expect_refused(clock_0, "clock_mhz");
    expect_refused(no_dw_mults, "dw_mults_per_lane");
    expect_refused(misc_reads_5, "misc_act_read_vectors");
    expect_refused(bad_name, "name");
    assert_int_equal(dpu_preset_check(NULL, NULL, NULL), DPU_E_INVALID);

    /* 4 MiB exactly is the largest buffer the 22-bit address fields reach. */
    struct dpu_preset q = *dpu_preset_find("tiny");
    q.act_buf_bytes = 4u << 20;
    q.wgt_buf_bytes = 4u << 20;
    assert_int_equal(dpu_preset_check(&q, NULL, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_preset_found_by_name),
        cmocka_unit_test(test_table_order_and_index_macros),
        cmocka_unit_test(test_tiny_values),
        cmocka_unit_test(test_derived_figures),
        cmocka_unit_test(test_hash_matches_for_every_preset),
        cmocka_unit_test(test_hash_of_tiny_is_pinned),
        cmocka_unit_test(test_hash_canonical_form),
        cmocka_unit_test(test_hash_changes_with_every_field),
        cmocka_unit_test(test_key_table),
        cmocka_unit_test(test_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
