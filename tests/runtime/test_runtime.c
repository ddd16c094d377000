/* dpurt: hand-built programs (rt_case.h) run through dpu_rt_run must give the bytes the
 * reference interpreter gives for the whole graph; layout conversion with odd channel counts;
 * refusals (wrong preset, missing input, wrong shape or dtype). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dpu/ref.h"
#include "dpu/runtime.h"
#include "rt_case.h"

static void expect_same(const struct dpu_tensor *got, const struct dpu_tensor *want)
{
    assert_int_equal(got->dtype, want->dtype);
    assert_int_equal(got->rank, want->rank);
    assert_memory_equal(got->dims, want->dims, sizeof(int64_t) * (size_t)got->rank);
    assert_memory_equal(got->data, want->data, (size_t)dpu_tensor_nbytes(got));
}

/* Most elements must lie strictly between the tensor's minimum and maximum, or the
 * comparison proves little (a saturated layer). */
static void expect_live(const struct dpu_tensor *t)
{
    int64_t n = dpu_tensor_count(t), inside = 0;
    double lo = 0, hi = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int64_t i = 0; i < n; i++) {
            double v = t->dtype == DPU_DT_INT8 ? ((const int8_t *)t->data)[i]
                                               : ((const float *)t->data)[i];
            if (pass == 0) {
                lo = i == 0 || v < lo ? v : lo;
                hi = i == 0 || v > hi ? v : hi;
            } else {
                inside += v > lo && v < hi;
            }
        }
    assert_true(2 * inside > n);
}

/* Runs c's program on input and checks it against dpu_ref_run on the whole model. */
static void run_and_compare(struct rt_case *c, const struct dpu_tensor *input)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct dpu_rt rt;
    int err = dpu_rt_load(&rt, &c->prog, NULL, NULL, &d);
    if (err)
        print_error("%s\n", d.msg);
    assert_int_equal(err, DPU_OK);
    struct dpu_tensor got, want;
    err = dpu_rt_run(&rt, input, 1, &got, 1, &d);
    if (err)
        print_error("%s\n", d.msg);
    assert_int_equal(err, DPU_OK);
    err = dpu_ref_run(&c->model, input, 1, &want, &d);
    assert_int_equal(err, DPU_OK);
    expect_same(&got, &want);
    expect_live(&want);
    /* A second run on the same runtime gives the same bytes. */
    struct dpu_tensor again;
    assert_int_equal(dpu_rt_run(&rt, input, 1, &again, 1, &d), DPU_OK);
    expect_same(&again, &want);
    dpu_tensor_free(&again);
    dpu_tensor_free(&got);
    dpu_tensor_free(&want);
    dpu_rt_unload(&rt);
}

static void test_float_boundary_steps(void **state)
{
    (void)state;
    /* cpu Quantize -> accel conv -> cpu Dequantize, odd channels and odd strides. */
    const struct rt_case_spec specs[] = {
        {"tiny", 1, 5, 11, 5, 7, 13, 11, true},
        {"tiny", 2, 3, 3, 4, 3, 3, 7, true},
        {"tiny", 3, 17, 9, 3, 5, 19, 9, true},
        {"b1024", 4, 21, 37, 3, 3, 21, 41, true},
    };
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        struct rt_case c;
        rt_case_build(&specs[i], &c);
        run_and_compare(&c, &c.input);
        rt_case_free(&c);
    }
}

static void test_int8_io_and_float_admission(void **state)
{
    (void)state;
    const struct rt_case_spec s = {"tiny", 7, 3, 9, 5, 5, 5, 17, false};
    struct rt_case c;
    rt_case_build(&s, &c);
    run_and_compare(&c, &c.input);
    /* The same program takes float32 for its int8 input, as dpuc run does. */
    struct dpu_tensor f;
    struct dpu_diag d;
    assert_int_equal(dpu_tensor_alloc(&f, DPU_DT_FLOAT32, c.input.rank, c.input.dims, &d), 0);
    for (int64_t i = 0; i < dpu_tensor_count(&f); i++)
        ((float *)f.data)[i] = (float)((i * 37) % 200 - 100) * 0.031f;
    run_and_compare(&c, &f);
    dpu_tensor_free(&f);
    rt_case_free(&c);
}

static void test_program_roundtrip(void **state)
{
    (void)state;
    const struct rt_case_spec s = {"tiny", 9, 6, 5, 3, 3, 7, 5, true};
    struct rt_case c;
    rt_case_build(&s, &c);
    uint8_t *bytes;
    size_t len;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_program_encode(&c.prog, &bytes, &len, &d), 0);
    struct dpu_program back;
    int err = dpu_program_decode("mem", bytes, len, &back, &d);
    if (err)
        print_error("%s\n", d.msg);
    assert_int_equal(err, 0);
    dpu_program_free(&c.prog);
    c.prog = back;
    run_and_compare(&c, &c.input);
    free(bytes);
    rt_case_free(&c);
}

static void test_layout_odd_channels(void **state)
{
    (void)state;
    struct dpu_prog_tensor t;
    memset(&t, 0, sizeof t);
    t.dtype = DPU_DT_INT8;
    t.rank = 4;
    int64_t dims[4] = {2, 3, 3, 5};
    memcpy(t.dims, dims, sizeof dims);
    t.layout = DPU_PROG_LAYOUT_NHWC;
    t.cpad = 7;
    t.size = (uint64_t)dpu_prog_tensor_footprint(&t);
    assert_int_equal(t.size, 2 * 3 * 5 * 7);
    int8_t src[90], back[90];
    uint8_t reg[210];
    for (int i = 0; i < 90; i++)
        src[i] = (int8_t)(i - 45);
    memset(reg, 0xee, sizeof reg);
    dpu_rt_pack(&t, src, reg);
    for (int n = 0; n < 2; n++)
        for (int c = 0; c < 7; c++)
            for (int h = 0; h < 3; h++)
                for (int w = 0; w < 5; w++) {
                    uint8_t r = reg[((n * 3 + h) * 5 + w) * 7 + c];
                    if (c < 3)
                        assert_int_equal((int8_t)r, src[((n * 3 + c) * 3 + h) * 5 + w]);
                    else
                        assert_int_equal(r, 0xee); /* padding channels untouched */
                }
    dpu_rt_unpack(&t, reg, back);
    assert_memory_equal(src, back, sizeof src);

    /* float32, cpad == C + 2 */
    t.dtype = DPU_DT_FLOAT32;
    t.cpad = 5;
    t.size = (uint64_t)dpu_prog_tensor_footprint(&t);
    float fs[90], fb[90], fr[150];
    for (int i = 0; i < 90; i++)
        fs[i] = (float)i * 0.5f;
    dpu_rt_pack(&t, fs, (uint8_t *)fr);
    assert_true(fr[((1 * 3 + 2) * 5 + 4) * 5 + 2] == fs[((1 * 3 + 2) * 3 + 2) * 5 + 4]);
    dpu_rt_unpack(&t, (uint8_t *)fr, fb);
    assert_memory_equal(fs, fb, sizeof fs);
}

static void test_refusals(void **state)
{
    (void)state;
    const struct rt_case_spec s = {"tiny", 11, 3, 4, 3, 3, 3, 5, false};
    struct rt_case c;
    rt_case_build(&s, &c);
    struct dpu_diag d;
    struct dpu_rt rt;

    /* Wrong preset: both named. */
    dpu_diag_clear(&d);
    assert_int_equal(dpu_rt_load(&rt, &c.prog, dpu_preset_find("b1024"), NULL, &d), DPU_E_MISMATCH);
    assert_non_null(strstr(d.msg, "tiny"));
    assert_non_null(strstr(d.msg, "b1024"));
    assert_null(rt.program);

    dpu_diag_clear(&d);
    assert_int_equal(dpu_rt_load(&rt, &c.prog, dpu_preset_find("tiny"), NULL, &d), DPU_OK);
    struct dpu_tensor out;
    /* Missing input. */
    dpu_diag_clear(&d);
    assert_int_equal(dpu_rt_run(&rt, NULL, 0, &out, 1, &d), DPU_E_MISMATCH);
    assert_non_null(strstr(d.msg, "1 inputs, 0 given"));
    assert_null(out.data);
    /* Wrong shape. */
    struct dpu_tensor bad;
    int64_t dims[4] = {1, 3, 3, 4};
    assert_int_equal(dpu_tensor_alloc(&bad, DPU_DT_INT8, 4, dims, &d), 0);
    dpu_diag_clear(&d);
    assert_int_equal(dpu_rt_run(&rt, &bad, 1, &out, 1, &d), DPU_E_MISMATCH);
    assert_non_null(strstr(d.msg, "input 0 'xq'"));
    assert_non_null(strstr(d.msg, "(1, 3, 3, 3)"));
    dpu_tensor_free(&bad);
    /* Wrong dtype. */
    dims[3] = 3;
    assert_int_equal(dpu_tensor_alloc(&bad, DPU_DT_INT32, 4, dims, &d), 0);
    dpu_diag_clear(&d);
    assert_int_equal(dpu_rt_run(&rt, &bad, 1, &out, 1, &d), DPU_E_MISMATCH);
    assert_non_null(strstr(d.msg, "got int32"));
    dpu_tensor_free(&bad);
    /* No room for the outputs. */
    dpu_diag_clear(&d);
    assert_int_equal(dpu_rt_run(&rt, &c.input, 1, &out, 0, &d), DPU_E_MISMATCH);
    dpu_rt_unload(&rt);

    /* The float form's float32 input does not take int8. */
    const struct rt_case_spec f = {"tiny", 12, 3, 4, 3, 3, 3, 5, true};
    struct rt_case cf;
    rt_case_build(&f, &cf);
    assert_int_equal(dpu_rt_load(&rt, &cf.prog, NULL, NULL, &d), DPU_OK);
    assert_int_equal(dpu_tensor_alloc(&bad, DPU_DT_INT8, 4, dims, &d), 0);
    dpu_diag_clear(&d);
    assert_int_equal(dpu_rt_run(&rt, &bad, 1, &out, 1, &d), DPU_E_MISMATCH);
    assert_non_null(strstr(d.msg, "expected float32"));
    dpu_tensor_free(&bad);
    dpu_rt_unload(&rt);
    rt_case_free(&cf);
    rt_case_free(&c);
}

/* A device fault is reported with the stream index and the layer. */
static void test_fault_names_instruction(void **state)
{
    (void)state;
    const struct rt_case_spec s = {"tiny", 13, 3, 4, 3, 3, 3, 5, true};
    struct rt_case c;
    rt_case_build(&s, &c);
    /* A PARAM record with an invalid shift (BAD_PARAM at the CONV that uses it). */
    size_t wbytes = (size_t)1 * 1 * 9 * 8 * 8;
    c.prog.const_data[wbytes + 8] = 0x7f;
    struct dpu_rt rt;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_rt_load(&rt, &c.prog, NULL, NULL, &d), DPU_OK);
    struct dpu_tensor out;
    int err = dpu_rt_run(&rt, &c.input, 1, &out, 1, &d);
    print_message("%s\n", d.msg);
    assert_int_equal(err, DPU_E_INVALID);
    assert_non_null(strstr(d.msg, "plan step 1 (accel 'conv')"));
    assert_non_null(strstr(d.msg, "instruction 3 of the stream"));
    assert_non_null(strstr(d.msg, "layer 'conv' (Conv2D)"));
    dpu_rt_unload(&rt);
    rt_case_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_float_boundary_steps),
        cmocka_unit_test(test_int8_io_and_float_admission),
        cmocka_unit_test(test_program_roundtrip),
        cmocka_unit_test(test_layout_odd_channels),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_fault_names_instruction),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
