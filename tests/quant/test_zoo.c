/* The zoo's LeNet-5, end to end: import models/lenet5.onnx, quantize it with the 100
 * calibration images (models/data/calib_100.npy), and measure top-1 on the 1000 test images
 * (test_1000.npy): the float model must give the figure recorded in models/zoo.json, and the
 * quantized model must stay within 1 point of it. (The 0.3-point target on the full
 * 10,000-image test set is models/bench_quant.sh's.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/fileio.h"
#include "dpu/onnx_import.h"
#include "quant_test_util.h"

/* "float_top1_test_1000" of the model named `name` in zoo.json, or -1. */
static double zoo_value(const char *name, const char *key)
{
    uint8_t *text;
    size_t len;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_read_file(MODELS_DIR "/zoo.json", 1 << 20, &text, &len, &d))
        fail_msg("%s", dpu_diag_message(&d));
    char pattern[128];
    snprintf(pattern, sizeof pattern, "\"name\": \"%s\"", name);
    const char *entry = strstr((const char *)text, pattern);
    const char *field = entry ? strstr(entry, key) : NULL;
    double v = field ? strtod(field + strlen(key) + 3, NULL) : -1; /* skip `": ` */
    free(text);
    return v;
}

static void load_data(struct dpu_calib_set *cs, const char *images, const char *labels)
{
    struct dpu_data_options o;
    dpu_data_options_init(&o);
    o.nmean = o.nstd = 1;
    o.mean[0] = 0.2860;
    o.std[0] = 0.3530;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_calib_load(images, &o, cs, &d) || (labels && dpu_calib_load_labels(labels, cs, &d)))
        fail_msg("%s", dpu_diag_message(&d));
}

static void test_lenet5_within_one_point(void **state)
{
    (void)state;
    double want = zoo_value("lenet5", "float_top1_test_1000");
    assert_true(want > 0.5 && want <= 1.0);
    struct dpu_graph fg, qg;
    dpu_graph_init(&fg);
    struct dpu_onnx_options io = {DPU_ONNX_FLOAT, 0, NULL};
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_onnx_import(MODELS_DIR "/lenet5.onnx", &io, &fg, NULL, &d))
        fail_msg("%s", dpu_diag_message(&d));
    struct dpu_calib_set calib, test;
    load_data(&calib, MODELS_DIR "/data/calib_100.npy", NULL);
    load_data(&test, MODELS_DIR "/data/test_1000.npy", MODELS_DIR "/data/test_1000_labels.npy");
    struct dpu_quant_options o;
    dpu_quant_options_init(&o);
    o.progress = 0;
    if (dpu_quantize_graph(&fg, &calib, &o, &qg, &d))
        fail_msg("%s", dpu_diag_message(&d));
    struct dpu_eval_result rf, rq;
    assert_int_equal(dpu_eval_topk(&fg, &test, 0, &rf, &d), 0);
    assert_int_equal(dpu_eval_topk(&qg, &test, 0, &rq, &d), 0);
    print_message("lenet5 top-1 on test_1000: float %.4f (zoo.json %.4f), int8 %.4f\n",
                  rf.top1_rate, want, rq.top1_rate);
    assert_int_equal(rf.count, 1000);
    assert_true(rf.top1 == (size_t)(want * 1000 + 0.5)); /* the float path reproduces zoo.json */
    assert_true(rq.top1_rate >= want - 0.01 && rq.top1_rate <= want + 0.01);
    assert_true(rq.top5_rate >= rf.top5_rate - 0.01);
    /* The per-layer table lines the int8 tensors up with the float ones. */
    struct dpu_sqnr_report rep;
    assert_int_equal(dpu_eval_sqnr(&fg, &qg, &test, 20, 0, &rep, &d), 0);
    assert_true(rep.nrows >= 8);
    for (size_t r = 0; r < rep.nrows; r++)
        assert_true(rep.rows[r].sqnr_db > 25); /* measured: 37 to 62 dB */
    dpu_sqnr_report_free(&rep);
    dpu_calib_free(&calib);
    dpu_calib_free(&test);
    dpu_graph_free(&fg);
    dpu_graph_free(&qg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lenet5_within_one_point),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
