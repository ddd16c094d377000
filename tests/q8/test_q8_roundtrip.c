/* model.q8 round trips: every fixture graph through the binary and the text form comes
 * back identical, bytes re-encode to the same bytes, the golden files match the writers
 * byte for byte, and attribute types the schema never uses (floats, strings) survive the
 * unverified readers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/crc32.h"
#include "dpu/fileio.h"
#include "dpu/q8.h"
#include "q8_fixtures.h"

typedef int (*fixture_fn)(struct dpu_graph *);

static void build(fixture_fn fn, struct dpu_graph *g)
{
    dpu_graph_init(g);
    assert_int_equal(fn(g), DPU_OK);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_graph_verify(g, &d);
    if (err)
        fail_msg("fixture does not verify: %s", dpu_diag_message(&d));
}

static void assert_equal_graphs(const struct dpu_graph *a, const struct dpu_graph *b)
{
    char why[256];
    if (!dpu_q8_graph_equal(a, b, why, sizeof why))
        fail_msg("graphs differ: %s", why);
}

/* Writes g as text into a malloc'd NUL-terminated string. */
static char *to_text(const struct dpu_graph *g, size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_q8_text_write(f, g, &d);
    fclose(f);
    if (err)
        fail_msg("text write failed: %s", dpu_diag_message(&d));
    *len = n;
    return buf;
}

static void roundtrip(fixture_fn fn)
{
    struct dpu_graph g, back, back2;
    struct dpu_diag d;
    build(fn, &g);

    /* binary */
    uint8_t *bytes, *bytes2;
    size_t len, len2;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_q8_encode(&g, &bytes, &len, &d), DPU_OK);
    assert_int_equal(len % 16, 8); /* sections end 16-aligned, then the 8-byte trailer */
    if (dpu_q8_decode("mem.q8", bytes, len, &back, &d) != DPU_OK)
        fail_msg("decode failed: %s", dpu_diag_message(&d));
    assert_equal_graphs(&g, &back);
    assert_int_equal(dpu_q8_encode(&back, &bytes2, &len2, &d), DPU_OK);
    assert_int_equal(len2, len);
    assert_memory_equal(bytes, bytes2, len);

    /* text */
    size_t tlen, tlen2;
    char *text = to_text(&g, &tlen);
    if (dpu_q8_text_read("mem.q8.txt", text, tlen, &back2, &d) != DPU_OK)
        fail_msg("text read failed: %s", dpu_diag_message(&d));
    assert_equal_graphs(&g, &back2);
    char *text2 = to_text(&back2, &tlen2);
    assert_int_equal(tlen2, tlen);
    assert_memory_equal(text, text2, tlen);

    /* load_any tells the two forms apart */
    struct dpu_graph any;
    assert_int_equal(dpu_q8_decode_any("a", bytes, len, &any, &d), DPU_OK);
    assert_equal_graphs(&g, &any);
    dpu_graph_free(&any);
    assert_int_equal(dpu_q8_decode_any("b", (const uint8_t *)text, tlen, &any, &d), DPU_OK);
    assert_equal_graphs(&g, &any);
    dpu_graph_free(&any);

    free(text);
    free(text2);
    free(bytes);
    free(bytes2);
    dpu_graph_free(&g);
    dpu_graph_free(&back);
    dpu_graph_free(&back2);
}

static void test_lenet(void **state)
{
    (void)state;
    roundtrip(q8_fixture_lenet);
}

static void test_int8_all_ops(void **state)
{
    (void)state;
    roundtrip(q8_fixture_int8_all_ops);
}

static void test_float_all_ops(void **state)
{
    (void)state;
    roundtrip(q8_fixture_float_all_ops);
}

static void test_small(void **state)
{
    (void)state;
    roundtrip(q8_fixture_small);
}

/* Every op of ops.def appears in one of the all-ops fixtures: the round trips and the
 * verifier's acceptance cover the whole op set. */
static void test_all_ops_covered(void **state)
{
    (void)state;
    bool seen[DPU_NODE_COUNT] = {false};
    fixture_fn fns[] = {q8_fixture_int8_all_ops, q8_fixture_float_all_ops};
    for (size_t k = 0; k < 2; k++) {
        struct dpu_graph g;
        build(fns[k], &g);
        for (size_t i = 0; i < g.nnodes; i++)
            seen[g.nodes[i].op] = true;
        dpu_graph_free(&g);
    }
    for (int op = 0; op < DPU_NODE_COUNT; op++)
        if (!seen[op])
            fail_msg("op %s is in no fixture", dpu_node_op_name((enum dpu_node_op)op));
}

/* Through the file system too, with dpu_q8_write/read and dpu_q8_load_any. */
static void test_files(void **state)
{
    (void)state;
    struct dpu_graph g, back;
    struct dpu_diag d;
    build(q8_fixture_lenet, &g);
    const char *bin = Q8_TMP_DIR "/lenet_rt.q8", *txt = Q8_TMP_DIR "/lenet_rt.q8.txt";
    dpu_diag_clear(&d);
    assert_int_equal(dpu_q8_write(bin, &g, &d), DPU_OK);
    assert_int_equal(dpu_q8_read(bin, &back, &d), DPU_OK);
    assert_equal_graphs(&g, &back);
    dpu_graph_free(&back);
    FILE *f = fopen(txt, "w");
    assert_non_null(f);
    assert_int_equal(dpu_q8_text_write(f, &g, &d), DPU_OK);
    fclose(f);
    assert_int_equal(dpu_q8_load_any(txt, &back, &d), DPU_OK);
    assert_equal_graphs(&g, &back);
    dpu_graph_free(&back);
    assert_int_equal(dpu_q8_load_any(bin, &back, &d), DPU_OK);
    assert_equal_graphs(&g, &back);
    dpu_graph_free(&back);
    dpu_diag_clear(&d);
    assert_int_equal(dpu_q8_read(Q8_TMP_DIR "/no/such/file.q8", &back, &d), DPU_E_IO);
    assert_non_null(strstr(d.msg, "no/such/file.q8"));
    dpu_graph_free(&g);
}

static void compare_with_file(const char *path, const void *bytes, size_t len)
{
    uint8_t *want = NULL;
    size_t wlen = 0;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_read_file(path, 1 << 24, &want, &wlen, &d);
    if (err || wlen != len || memcmp(want, bytes, len) != 0) {
        /* Leave the actual output next to the build for a diff. */
        char out[512];
        snprintf(out, sizeof out, "%s/%s.actual", Q8_TMP_DIR, strrchr(path, '/') + 1);
        dpu_write_file(out, bytes, len, &d);
        fail_msg("%s differs from the writer's output (%zu vs %zu bytes); see %s", path, wlen, len,
                 out);
    }
    free(want);
}

/* The golden files pin the formats: a change to either writer shows up here. */
static void test_golden(void **state)
{
    (void)state;
    struct dpu_graph g, back;
    struct dpu_diag d;
    build(q8_fixture_small, &g);
    size_t tlen;
    char *text = to_text(&g, &tlen);
    compare_with_file(Q8_TEST_DIR "/golden/small.q8.txt", text, tlen);
    uint8_t *bytes;
    size_t len;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_q8_encode(&g, &bytes, &len, &d), DPU_OK);
    compare_with_file(Q8_TEST_DIR "/golden/small.q8", bytes, len);
    /* and the golden files read back as the graph */
    assert_int_equal(dpu_q8_load_any(Q8_TEST_DIR "/golden/small.q8.txt", &back, &d), DPU_OK);
    assert_equal_graphs(&g, &back);
    dpu_graph_free(&back);
    assert_int_equal(dpu_q8_load_any(Q8_TEST_DIR "/golden/small.q8", &back, &d), DPU_OK);
    assert_equal_graphs(&g, &back);
    dpu_graph_free(&back);
    free(text);
    free(bytes);
    dpu_graph_free(&g);
}

/* A graph with every attribute type and awkward values; not valid (the schema knows no
 * floats or string attributes), so it goes through the unverified readers. */
static void test_every_attribute_type(void **state)
{
    (void)state;
    struct dpu_graph g, back, back2;
    struct dpu_diag d;
    dpu_graph_init(&g);
    g.name = strdup("");
    int64_t dims[1] = {2};
    int x = dpu_graph_add_tensor(&g, "x", DPU_DT_FLOAT32, 1, dims, NULL);
    int y = dpu_graph_add_tensor(&g, "in", DPU_DT_FLOAT32, 1, dims, NULL);
    int n = dpu_graph_add_node(&g, "n", DPU_NODE_RELU, 1, (int32_t[]){x}, 1, (int32_t[]){y});
    assert_true(x >= 0 && y >= 0 && n >= 0);
    float nanf_bits;
    uint32_t nb = 0x7fc00123u;
    memcpy(&nanf_bits, &nb, 4);
    double nan_d;
    uint64_t nbd = 0xfff8000000000042u;
    memcpy(&nan_d, &nbd, 8);
    const double fl[] = {0.1, -0.0, 1e300, 5e-324, INFINITY, -INFINITY, nan_d, 1.0, 3.0e-5};
    const int64_t in[] = {INT64_MIN, -1, 0, INT64_MAX};
    assert_int_equal(dpu_node_set_int(&g, n, "i", INT64_MIN), DPU_OK);
    assert_int_equal(dpu_node_set_float(&g, n, "f", 2.0), DPU_OK);
    assert_int_equal(dpu_node_set_float(&g, n, "g", nan_d), DPU_OK);
    assert_int_equal(dpu_node_set_ints(&g, n, "is", 4, in), DPU_OK);
    assert_int_equal(dpu_node_set_ints(&g, n, "empty ints", 0, in), DPU_OK);
    assert_int_equal(dpu_node_set_floats(&g, n, "fs", 9, fl), DPU_OK);
    assert_int_equal(dpu_node_set_floats(&g, n, "no floats", 0, fl), DPU_OK);
    assert_int_equal(dpu_node_set_string(&g, n, "s", "quote \" back\\slash\ttab\nnl \x01\xff"),
                     DPU_OK);
    assert_int_equal(dpu_node_set_string(&g, n, "in", ""), DPU_OK);
    float sc[2] = {nanf_bits, -0.0f};
    assert_int_equal(dpu_graph_set_quant(&g, x, 0, 2, sc, (int32_t[]){INT32_MIN, INT32_MAX}),
                     DPU_OK);
    g.tensors[y].quant.axis = 5; /* no scales but an axis: still round-trips */
    assert_int_equal(dpu_graph_add_input(&g, x), 0);
    assert_int_equal(dpu_graph_add_output(&g, y), 0);

    uint8_t *bytes, *bytes2;
    size_t len, len2, tlen, tlen2;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_q8_encode(&g, &bytes, &len, &d), DPU_OK);
    if (dpu_q8_decode_unverified("attrs.q8", bytes, len, &back, &d))
        fail_msg("%s", dpu_diag_message(&d));
    assert_equal_graphs(&g, &back);
    assert_int_equal(dpu_q8_encode(&back, &bytes2, &len2, &d), DPU_OK);
    assert_int_equal(len, len2);
    assert_memory_equal(bytes, bytes2, len);
    /* the verifying reader refuses it, naming the first problem */
    struct dpu_graph refused;
    assert_int_equal(dpu_q8_decode("attrs.q8", bytes, len, &refused, &d), DPU_E_INVALID);
    if (!strstr(d.msg, "tensor 'in': quantization axis 5 without scales"))
        fail_msg("unexpected message: %s", d.msg);
    assert_int_equal(refused.nnodes, 0);

    char *text = to_text(&g, &tlen);
    dpu_diag_clear(&d);
    if (dpu_q8_text_read_unverified("attrs.txt", text, tlen, &back2, &d))
        fail_msg("%s\n%s", dpu_diag_message(&d), text);
    assert_equal_graphs(&g, &back2);
    char *text2 = to_text(&back2, &tlen2);
    assert_int_equal(tlen, tlen2);
    assert_memory_equal(text, text2, tlen);
    /* the exact spellings the format promises */
    assert_non_null(strstr(text, " f=2.0 "));
    assert_non_null(strstr(text, "g=nan:0xfff8000000000042"));
    assert_non_null(
        strstr(text, "fs=[0.1,-0.0,1e+300,5e-324,inf,-inf,nan:0xfff8000000000042,1.0,3e-05]"));
    assert_non_null(strstr(text, "\"no floats\"=floats[]"));
    assert_non_null(strstr(text, "\"empty ints\"=[]"));
    assert_non_null(strstr(text, "\"in\"=\"\""));
    assert_non_null(strstr(text, "scale=[nan:0x7fc00123,-0.0] zp=[-2147483648,2147483647]"));
    assert_non_null(strstr(text, "s=\"quote \\\" back\\\\slash\\ttab\\nnl \\x01\\xff\""));

    free(text);
    free(text2);
    free(bytes);
    free(bytes2);
    dpu_graph_free(&g);
    dpu_graph_free(&back);
    dpu_graph_free(&back2);
}

/* Decoding sorts the nodes topologically, keeping a valid order as it is. */
static void test_decode_sorts_nodes(void **state)
{
    (void)state;
    struct dpu_graph g, back;
    struct dpu_diag d;
    build(q8_fixture_lenet, &g);
    /* reverse the node order: still a valid graph, just not sorted */
    for (size_t i = 0; i < g.nnodes / 2; i++) {
        struct dpu_gnode t = g.nodes[i];
        g.nodes[i] = g.nodes[g.nnodes - 1 - i];
        g.nodes[g.nnodes - 1 - i] = t;
    }
    uint8_t *bytes;
    size_t len;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_q8_encode(&g, &bytes, &len, &d), DPU_OK);
    assert_int_equal(dpu_q8_decode("rev.q8", bytes, len, &back, &d), DPU_OK);
    assert_string_equal(back.nodes[0].name, "conv1");
    assert_string_equal(back.nodes[back.nnodes - 1].name, "softmax");
    free(bytes);
    dpu_graph_free(&back);
    dpu_graph_free(&g);
}

static void test_crc32(void **state)
{
    (void)state;
    assert_int_equal(dpu_crc32(0, "123456789", 9), 0xCBF43926u);
    assert_int_equal(dpu_crc32(0, "", 0), 0);
    assert_int_equal(dpu_crc32(dpu_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
    assert_int_equal(dpu_crc32(0, "a", 1), 0xE8B7BE43u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc32),
        cmocka_unit_test(test_lenet),
        cmocka_unit_test(test_int8_all_ops),
        cmocka_unit_test(test_float_all_ops),
        cmocka_unit_test(test_small),
        cmocka_unit_test(test_all_ops_covered),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_every_attribute_type),
        cmocka_unit_test(test_decode_sorts_nodes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
