/* examples/conv3x3_relu.s end to end (the worked example of isa.md section 7): the input in
 * INPUT, weights and records in CONST, the program run by the simulator, and its OUTPUT
 * compared with the convolution computed here by plain loops on the model's own numbers
 * (unpacked weights, the unfolded bias, the input zero point subtracted, borders skipped):
 * nothing shared with the simulator but the arithmetic contract, qmath.h. */
#include "sim_test_util.h"
#include "example_data.h"

#include <stdlib.h>
#include <string.h>

#include "dpu/qmath.h"

#define Z_IN  (-3)
#define Z_OUT (-10)

/* y[oy][ox][co] = clamp(rq(sum (x - z_in) * w + bias, M, s) + z_out, z_out, 127) over the
 * taps that fall inside the 5x5 input ("same" padding: outside taps see the real value 0). */
static void reference(const struct ex_conv3x3 *m, int8_t y[5][5][4])
{
    for (int oy = 0; oy < 5; oy++) {
        for (int ox = 0; ox < 5; ox++) {
            for (int co = 0; co < 4; co++) {
                int32_t acc = 0;
                for (int ky = 0; ky < 3; ky++) {
                    for (int kx = 0; kx < 3; kx++) {
                        int iy = oy + ky - 1, ix = ox + kx - 1;
                        if (iy < 0 || iy >= 5 || ix < 0 || ix >= 5)
                            continue;
                        for (int ci = 0; ci < 3; ci++)
                            acc += (m->x[iy][ix][ci] - Z_IN) * m->w[co][ci][ky][kx];
                    }
                }
                y[oy][ox][co] =
                    dpu_requant_out(acc, m->bias[co], m->M[co], m->s[co], Z_OUT, Z_OUT, 127);
            }
        }
    }
}

static void test_conv3x3_relu_example(void **state)
{
    (void)state;
    struct ex_conv3x3 m;
    ex_conv3x3_model(&m);
    uint8_t input[75], cst[704], output[100];
    ex_conv3x3_input(&m, input);
    ex_conv3x3_const(&m, cst);
    memset(output, 0x5a, sizeof output);

    struct dpu_sim *s = tu_sim("tiny");
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_INPUT, input, sizeof input), DPU_OK);
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_CONST, cst, sizeof cst), DPU_OK);
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_OUTPUT, output, sizeof output), DPU_OK);
    dpu_sim_set_check_races(s, true);
    size_t n;
    dpu_insn *prog = ex_load_program("conv3x3_relu.s", &n);
    assert_int_equal(n, 6);
    struct dpu_sim_status st;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_sim_run(s, prog, n, &st, &d);
    if (err)
        print_error("%s\n", d.msg);
    assert_int_equal(err, DPU_OK);
    assert_true(st.done);
    assert_false(st.race.found);
    assert_int_equal(st.engine_insns[DPU_ENGINE_LOAD], 3);
    assert_int_equal(st.engine_insns[DPU_ENGINE_CONV], 1);
    assert_int_equal(st.engine_insns[DPU_ENGINE_SAVE], 1);

    int8_t want[5][5][4];
    reference(&m, want);
    tu_expect_bytes(output, want, sizeof want, "OUTPUT");

    /* The numbers exercise the clamp and the range: some outputs are the ReLU floor, some
     * well above it. */
    int floor = 0, high = 0;
    for (int i = 0; i < 100; i++) {
        floor += (int8_t)output[i] == Z_OUT;
        high += (int8_t)output[i] > 20;
    }
    assert_true(floor >= 10);
    assert_true(high >= 10);

    /* On chip, as section 7 says: the padded input at ACT 0 (borders and unused lanes -3). */
    const uint8_t *act = tu_buf(s, DPU_BUF_ACT);
    assert_int_equal((int8_t)act[0], -3);
    assert_int_equal((int8_t)act[6 * 56 + 6 * 8 + 7], -3);
    /* inner cell (3, 5) is input pixel (2, 4), from INPUT 42..44, then 5 pad lanes */
    tu_expect_bytes(act + 3 * 56 + 5 * 8, input + 42, 3, "ACT cell (3,5)");
    assert_int_equal((int8_t)act[3 * 56 + 5 * 8 + 3], -3);
    free(prog);
    dpu_sim_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv3x3_relu_example),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
