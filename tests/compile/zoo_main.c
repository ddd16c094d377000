/* test_compile_zoo: a zoo model (models/NAME.onnx) quantized as `dpuc quantize` does it
 * (models/data/calib_100.npy, mean 0.2860, std 0.3530, default options), compiled for each
 * preset given, and run through the runtime on the simulator backend (race checker on) on
 * the first N images of models/data/test_20.npy, one at a time (the models take batch 1):
 * every output byte equal to the reference interpreter's. The program may leave only the
 * float boundary and the final Softmax to the CPU.
 *
 *   test_compile_zoo MODEL [--images N] PRESET...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compile_test_util.h"
#include "dpu/compile.h"
#include "dpu/onnx_import.h"
#include "dpu/quant.h"
#include "dpu/ref.h"
#include "dpu/runtime.h"

static const char cpu_ok[] = "Quantize\0Dequantize\0Softmax\0";

static const char *model;
static const char *presets[8];
static size_t npresets, nimages = 20;

static void load(const char *path, struct dpu_calib_set *cs)
{
    struct dpu_data_options o;
    dpu_data_options_init(&o);
    o.nmean = o.nstd = 1;
    o.mean[0] = 0.2860;
    o.std[0] = 0.3530;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    dpu_calib_init(cs);
    if (dpu_calib_load(path, &o, cs, &d))
        fail_msg("%s", dpu_diag_message(&d));
}

static void test_zoo(void **state)
{
    (void)state;
    char path[512];
    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct dpu_graph fg, qg;
    dpu_graph_init(&fg);
    dpu_graph_init(&qg);
    snprintf(path, sizeof path, "%s/%s.onnx", MODELS_DIR, model);
    struct dpu_onnx_options io = {DPU_ONNX_FLOAT, 0, NULL};
    if (dpu_onnx_import(path, &io, &fg, NULL, &d))
        fail_msg("%s", dpu_diag_message(&d));
    struct dpu_calib_set calib, test;
    load(MODELS_DIR "/data/calib_100.npy", &calib);
    load(MODELS_DIR "/data/test_20.npy", &test);
    assert_true(test.count >= nimages);
    struct dpu_quant_options qo;
    dpu_quant_options_init(&qo);
    qo.progress = 0;
    if (dpu_quantize_graph(&fg, &calib, &qo, &qg, &d))
        fail_msg("%s", dpu_diag_message(&d));
    assert_int_equal(qg.ninputs, 1);
    const struct dpu_gtensor *xt = &qg.tensors[qg.inputs[0]];
    assert_int_equal(xt->dtype, DPU_DT_FLOAT32);
    assert_int_equal(xt->dims[0], 1);

    /* The reference's outputs do not depend on the preset: once per image. */
    struct dpu_tensor *in = calloc(nimages, sizeof *in), (*want)[8] = calloc(nimages, sizeof *want);
    assert_true(in && want && qg.noutputs <= 8);
    for (size_t i = 0; i < nimages; i++) {
        assert_int_equal(dpu_tensor_alloc(&in[i], DPU_DT_FLOAT32, xt->rank, xt->dims, &d), 0);
        assert_int_equal((size_t)dpu_tensor_count(&in[i]), test.sample_elems);
        memcpy(in[i].data, (const float *)test.data.data + i * test.sample_elems,
               test.sample_elems * sizeof(float));
        if (dpu_ref_run(&qg, &in[i], 1, want[i], &d))
            fail_msg("%s: reference: %s", model, dpu_diag_message(&d));
    }
    for (size_t pi = 0; pi < npresets; pi++) {
        clock_t t0 = clock();
        struct dpu_compile_opts o = {0};
        o.preset = dpu_preset_find(presets[pi]);
        assert_non_null(o.preset);
        struct dpu_program p;
        if (dpu_compile(&qg, &o, &p, &d))
            fail_msg("%s on %s: compile: %s", model, presets[pi], dpu_diag_message(&d));
        char msg[1024];
        struct dpu_rt rt;
        if (ct_rt_open(&rt, &p, msg, sizeof msg) || ct_rt_cpu_ops(&rt, cpu_ok, msg, sizeof msg))
            fail_msg("%s on %s: %s", model, presets[pi], msg);
        for (size_t i = 0; i < nimages; i++)
            if (ct_rt_check(&rt, &qg, &in[i], 1, want[i], msg, sizeof msg))
                fail_msg("%s on %s, test image %zu: %s", model, presets[pi], i, msg);
        print_message("%s on %s: %zu images bytewise equal (%zu instructions, %zu plan steps, "
                      "%.1f s CPU)\n",
                      model, presets[pi], nimages, (size_t)p.ninsns, (size_t)p.nsteps,
                      (double)(clock() - t0) / CLOCKS_PER_SEC);
        dpu_rt_unload(&rt);
        dpu_program_free(&p);
    }
    for (size_t i = 0; i < nimages; i++) {
        dpu_tensor_free(&in[i]);
        for (size_t k = 0; k < qg.noutputs; k++)
            dpu_tensor_free(&want[i][k]);
    }
    free(in);
    free(want);
    dpu_calib_free(&calib);
    dpu_calib_free(&test);
    dpu_graph_free(&fg);
    dpu_graph_free(&qg);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--images") == 0 && i + 1 < argc)
            nimages = (size_t)strtoul(argv[++i], NULL, 10);
        else if (!model)
            model = argv[i];
        else if (npresets < 8)
            presets[npresets++] = argv[i];
    }
    if (!model || npresets == 0 || nimages == 0) {
        fprintf(stderr, "usage: %s MODEL [--images N] PRESET...\n", argv[0]);
        return 1;
    }
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_zoo)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
