/* The zoo end to end, CI-sized: each model (LeNet-5, the small ResNet, the MobileNetV2-style
 * network) imported from models/, quantized with default options on a few calibration images
 * (models/data/calib_100.npy), and measured on the 1000 test images (test_1000.npy): the
 * float model must give the figure recorded in models/zoo.json, and the quantized model must
 * stay within 1 point of it, with every layer's SQNR above a floor. (The 0.3-point target on
 * the full 10,000-image test set is models/bench_quant.sh's.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/fileio.h"
#include "dpu/onnx_import.h"
#include "dpu/qplan.h"
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

static void load_data(struct dpu_calib_set *cs, const char *images, const char *labels,
                      size_t count)
{
    struct dpu_data_options o;
    dpu_data_options_init(&o);
    o.limit = count;
    o.nmean = o.nstd = 1;
    o.mean[0] = 0.2860;
    o.std[0] = 0.3530;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_calib_load(images, &o, cs, &d) || (labels && dpu_calib_load_labels(labels, cs, &d)))
        fail_msg("%s", dpu_diag_message(&d));
}

/* Every requantization of the quantized model has its int32 multiplier and shift in the
 * accelerator's form: each Conv2D/FullyConnected plans with symmetric weights, each Add its
 * multiplier pair (the quantizer refuses a model otherwise; test_quantize.c checks that). */
static void check_plans(const struct dpu_graph *qg)
{
    size_t convs = 0;
    for (size_t i = 0; i < qg->nnodes; i++) {
        const struct dpu_gnode *n = &qg->nodes[i];
        struct dpu_diag d;
        dpu_diag_clear(&d);
        if (n->op == DPU_NODE_CONV2D || n->op == DPU_NODE_FULLY_CONNECTED) {
            struct dpu_qp_conv p;
            if (dpu_qplan_conv(qg, n, &p, &d))
                fail_msg("%s", dpu_diag_message(&d));
            for (size_t c = 0; c < p.nch; c++)
                assert_true(p.ch[c].s >= 0 && p.ch[c].s <= 62);
            dpu_qp_conv_free(&p);
            convs++;
        } else if (n->op == DPU_NODE_ADD) {
            struct dpu_qp_add p;
            if (dpu_qplan_add(qg, n, &p, &d))
                fail_msg("%s", dpu_diag_message(&d));
        }
    }
    assert_true(convs >= 4);
}

/* The kept scores agree with the counts: a sample is a top-1 hit when its label has the best
 * score, ties going to the lower class index (the first maximum). */
static void check_scores(const float *scores, size_t classes, const struct dpu_calib_set *test,
                         const struct dpu_eval_result *r)
{
    assert_int_equal(classes, 10);
    size_t hits = 0;
    for (size_t s = 0; s < r->count; s++) {
        const float *row = scores + s * classes;
        size_t best = 0;
        for (size_t k = 1; k < classes; k++)
            best = row[k] > row[best] ? k : best;
        hits += (int32_t)best == test->labels[s];
    }
    assert_int_equal(hits, r->top1);
}

/* Quantizes zoo model `name` with the default options on the first `ncalib` images of
 * calib_100.npy and measures both forms on the first `ntest` test images: the float top-1 must
 * be zoo.json's (when ntest is 1000) and the int8 top-1 within `bound` of it. */
static void zoo_case(const char *name, size_t ncalib, size_t ntest, double bound, double min_db)
{
    char path[512];
    snprintf(path, sizeof path, MODELS_DIR "/%s.onnx", name);
    double want = zoo_value(name, "float_top1_test_1000");
    assert_true(want > 0.5 && want <= 1.0);
    struct dpu_graph fg, qg;
    dpu_graph_init(&fg);
    struct dpu_onnx_options io = {DPU_ONNX_FLOAT, 0, NULL};
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_onnx_import(path, &io, &fg, NULL, &d))
        fail_msg("%s", dpu_diag_message(&d));
    struct dpu_calib_set calib, test;
    load_data(&calib, MODELS_DIR "/data/calib_100.npy", NULL, ncalib);
    load_data(&test, MODELS_DIR "/data/test_1000.npy", MODELS_DIR "/data/test_1000_labels.npy",
              ntest);
    struct dpu_quant_options o;
    dpu_quant_options_init(&o);
    o.progress = 0;
    if (dpu_quantize_graph(&fg, &calib, &o, &qg, &d))
        fail_msg("%s", dpu_diag_message(&d));
    check_plans(&qg);
    struct dpu_eval_result rf, rq;
    assert_int_equal(dpu_eval_topk(&fg, &test, 0, &rf, &d), 0);
    float *scores;
    size_t classes;
    assert_int_equal(dpu_eval_topk_scores(&qg, &test, 0, &rq, &scores, &classes, &d), 0);
    check_scores(scores, classes, &test, &rq);
    free(scores);
    print_message("%s top-1 on %zu test images: float %.4f (zoo.json, 1000 images: %.4f), "
                  "int8 %.4f (calibration: %zu images)\n",
                  name, rf.count, rf.top1_rate, want, rq.top1_rate, ncalib);
    assert_int_equal(rf.count, ntest);
    if (ntest == 1000) /* the float path reproduces zoo.json */
        assert_true(rf.top1 == (size_t)(want * 1000 + 0.5));
    assert_true(rq.top1_rate >= rf.top1_rate - bound);
    assert_true(rq.top5_rate >= rf.top5_rate - bound);
    /* The per-layer table lines the int8 tensors up with the float ones. */
    struct dpu_sqnr_report rep;
    assert_int_equal(dpu_eval_sqnr(&fg, &qg, &test, 10, 0, &rep, &d), 0);
    assert_true(rep.nrows >= 8);
    for (size_t r = 0; r < rep.nrows; r++)
        if (!(rep.rows[r].sqnr_db > min_db))
            fail_msg("%s: tensor '%s' has an SQNR of %.2f dB, expected > %.0f", name,
                     rep.rows[r].tensor, rep.rows[r].sqnr_db, min_db);
    dpu_sqnr_report_free(&rep);
    dpu_calib_free(&calib);
    dpu_calib_free(&test);
    dpu_graph_free(&fg);
    dpu_graph_free(&qg);
}

/* Sizes keep the test under a minute of CPU under ASan at -O0 (the ResNet and the MobileNetV2
 * cost 20 and 9 MMAC per image): LeNet-5 on all 1000 test images (one image is 0.1 point, and
 * 1 point leaves room for the small calibration set), the others on the first 100 with 10
 * calibration images (one image is a point; 2 allowed; the SQNR floors are the finer check). The
 * 0.3-point target on 10,000 images with 1000 calibration images is models/bench_quant.sh's. SQNR
 * floors sit well below what was measured (LeNet-5: 37 to 62 dB; ResNet: 26 to 62 dB; MobileNetV2:
 * 20 to 62 dB, its depthwise layers lowest). */
static void test_lenet5(void **state)
{
    (void)state;
    zoo_case("lenet5", 100, 1000, 0.01, 25);
}

static void test_resnet_small(void **state)
{
    (void)state;
    zoo_case("resnet_small", 10, 100, 0.02, 18);
}

static void test_mobilenetv2_small(void **state)
{
    (void)state;
    zoo_case("mobilenetv2_small", 10, 100, 0.02, 14);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lenet5),
        cmocka_unit_test(test_resnet_small),
        cmocka_unit_test(test_mobilenetv2_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
