/* Graph summaries (dpu/graph_info.h) and `dpuc info` (compiler/src/cmd_info.c, linked in
 * directly): parameter and MAC counts worked out by hand, the table and the JSON pinned by
 * golden files, and the command's options and errors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dpu/fileio.h"
#include "dpu/graph_info.h"
#include "dpu/q8.h"
#include "dpuc.h"
#include "q8_fixtures.h"

int dpuc_cmd_info(const struct dpuc_cmd *self, int argc, char **argv);

static void build(int (*fn)(struct dpu_graph *), struct dpu_graph *g)
{
    dpu_graph_init(g);
    assert_int_equal(fn(g), DPU_OK);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_graph_verify(g, &d), DPU_OK);
}

static const struct dpu_node_info *node_info(const struct dpu_graph_info *info, const char *name)
{
    for (size_t i = 0; i < info->nnodes; i++)
        if (strcmp(info->nodes[i].node->name, name) == 0)
            return &info->nodes[i];
    fail_msg("no node %s", name);
    return NULL;
}

/* LeNet by hand: conv1 6x28x28 outputs x 1x5x5 taps = 117600; conv2 16x10x10 x 6x5x5 =
 * 240000; fc1 120 x 400 = 48000; fc2 84 x 120 = 10080; fc3 10 x 84 = 840. Parameters:
 * weights 150 + 2400 + 48000 + 10080 + 840 = 61470 int8 bytes, biases 6 + 16 + 120 + 84 + 10
 * = 236 int32 (944 bytes). */
static void test_lenet_counts(void **state)
{
    (void)state;
    struct dpu_graph g;
    build(q8_fixture_lenet, &g);
    struct dpu_graph_info info;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_graph_info_compute(&g, &info, &d), DPU_OK);
    assert_int_equal(info.nnodes, 9);
    assert_int_equal(info.nconstants, 10);
    assert_int_equal(info.params, 61706);
    assert_int_equal(info.param_bytes, 61470 + 944);
    assert_int_equal(info.macs, 416520);
    assert_int_equal(node_info(&info, "conv1")->macs, 117600);
    assert_int_equal(node_info(&info, "conv1")->params, 156);
    assert_int_equal(node_info(&info, "conv1")->param_bytes, 150 + 24);
    assert_int_equal(node_info(&info, "conv2")->macs, 240000);
    assert_int_equal(node_info(&info, "fc1")->macs, 48000);
    assert_int_equal(node_info(&info, "fc3")->macs, 840);
    assert_int_equal(node_info(&info, "pool1")->macs, 0);
    assert_int_equal(node_info(&info, "softmax")->params, 0);
    assert_string_equal(node_info(&info, "pool2")->output->name, "pool2.out");
    dpu_graph_info_free(&info);
    dpu_graph_free(&g);
}

/* The float fixture: depthwise conv 4x8x8 x 1x3x3 = 2304, Gemm with transB 1x5 x 6 = 30,
 * batched MatMul [1,1,5] x [5,3] = 15. */
static void test_float_counts(void **state)
{
    (void)state;
    struct dpu_graph g;
    build(q8_fixture_float_all_ops, &g);
    struct dpu_graph_info info;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_graph_info_compute(&g, &info, &d), DPU_OK);
    assert_int_equal(node_info(&info, "conv")->macs, 4 * 64 * 27);
    assert_int_equal(node_info(&info, "dw")->macs, 2304);
    assert_int_equal(node_info(&info, "gemm")->macs, 30);
    assert_int_equal(node_info(&info, "gemm")->params, 30 + 5);
    assert_int_equal(node_info(&info, "matmul")->macs, 15);
    assert_int_equal(node_info(&info, "fc")->macs, 48);
    assert_int_equal(node_info(&info, "bn")->params, 16);
    assert_int_equal(info.macs, 6912 + 2304 + 48 + 30 + 15);
    dpu_graph_info_free(&info);
    dpu_graph_free(&g);
}

static void compare_with_file(const char *path, const char *text, size_t len)
{
    uint8_t *want = NULL;
    size_t wlen = 0;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_read_file(path, 1 << 24, &want, &wlen, &d);
    if (err || wlen != len || memcmp(want, text, len) != 0) {
        char out[512];
        snprintf(out, sizeof out, "%s/%s.actual", Q8_TMP_DIR, strrchr(path, '/') + 1);
        dpu_write_file(out, text, len, &d);
        fail_msg("%s differs from the output; see %s", path, out);
    }
    free(want);
}

/* Runs `dpuc info ARGS...` in-process; returns its exit code and its standard output. */
static int run_info(char *out, size_t cap, int argc, char **argv)
{
    static const struct dpuc_cmd self = {"info", "summary", "usage: dpuc info MODEL [--json]\n",
                                         dpuc_cmd_info};
    char path[512];
    snprintf(path, sizeof path, "%s/info_stdout.txt", Q8_TMP_DIR);
    fflush(stdout);
    int saved = dup(1);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    dup2(fileno(f), 1);
    int rc = dpuc_cmd_info(&self, argc, argv);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    fclose(f);
    f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(out, 1, cap - 1, f);
    out[n] = '\0';
    fclose(f);
    return rc;
}

static void test_golden_output(void **state)
{
    (void)state;
    struct dpu_graph g;
    build(q8_fixture_lenet, &g);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    const char *model = Q8_TMP_DIR "/info_lenet.q8";
    assert_int_equal(dpu_q8_write(model, &g, &d), DPU_OK);
    static char out[1 << 16];
    char *argv[] = {"info", (char *)model, NULL};
    assert_int_equal(run_info(out, sizeof out, 2, argv), 0);
    compare_with_file(Q8_TEST_DIR "/golden/lenet.info.txt", out, strlen(out));
    char *argv_json[] = {"info", "--json", (char *)model, NULL};
    assert_int_equal(run_info(out, sizeof out, 3, argv_json), 0);
    compare_with_file(Q8_TEST_DIR "/golden/lenet.info.json", out, strlen(out));
    dpu_graph_free(&g);
}

static void test_command_errors(void **state)
{
    (void)state;
    static char out[4096];
    char *none[] = {"info", NULL};
    assert_int_equal(run_info(out, sizeof out, 1, none), 1);
    char *bad_opt[] = {"info", "--yaml", "x.q8", NULL};
    assert_int_equal(run_info(out, sizeof out, 3, bad_opt), 1);
    char *two[] = {"info", "a.q8", "b.q8", NULL};
    assert_int_equal(run_info(out, sizeof out, 3, two), 1);
    char *missing[] = {"info", Q8_TMP_DIR "/no_such_model.q8", NULL};
    assert_int_equal(run_info(out, sizeof out, 2, missing), 1);
    char *broken[] = {"info", Q8_TEST_DIR "/bad/cycle.q8", NULL};
    assert_int_equal(run_info(out, sizeof out, 2, broken), 1);
    assert_string_equal(out, ""); /* nothing half-printed on stdout */
    /* An ELF file: the place where prog.bin support will go. */
    struct dpu_diag d;
    dpu_diag_clear(&d);
    const char *elf = Q8_TMP_DIR "/fake_prog.bin";
    assert_int_equal(dpu_write_file(elf,
                                    "\x7f"
                                    "ELF\x02\x01\x01",
                                    7, &d),
                     DPU_OK);
    char *prog[] = {"info", (char *)elf, NULL};
    assert_int_equal(run_info(out, sizeof out, 2, prog), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lenet_counts),
        cmocka_unit_test(test_float_counts),
        cmocka_unit_test(test_golden_output),
        cmocka_unit_test(test_command_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
