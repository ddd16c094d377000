/* The same program on the same inputs gives the same bytes: on separate simulators, on one
 * simulator run twice, and with the race checker on or off. */
#include "sim_test_util.h"
#include "example_data.h"

#include <stdlib.h>
#include <string.h>

struct images {
    uint8_t cst[704], input[128], output[100];
};

static void conv3x3_images(struct images *im)
{
    struct ex_conv3x3 m;
    ex_conv3x3_model(&m);
    ex_conv3x3_input(&m, im->input);
    ex_conv3x3_const(&m, im->cst);
    memset(im->output, 0, sizeof im->output);
}

static void put_le32(uint8_t *p, int32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)((uint32_t)v >> (8 * i));
}

/* examples/all_opcodes.s: weights at 0 (CONV) and 64 (DWCONV), 19 PARAM records at 144, the
 * table at 448; 4x4x8 input; 2x2x8 output. */
static void all_opcodes_images(struct images *im)
{
    for (int i = 0; i < 144; i++)
        im->cst[i] = (uint8_t)((i * 29 + 3) % 255 - 127);
    for (int q = 0; q < 19; q++) {
        uint8_t *rec = im->cst + 144 + 16 * q;
        memset(rec, 0, 16);
        put_le32(rec, 37 * q - 300);
        put_le32(rec + 4, 1000000 + 77777 * q);
        rec[8] = (uint8_t)(q == 18 ? 22 : q >= 16 ? 21 : 26);
    }
    for (int i = 0; i < 256; i++)
        im->cst[448 + i] = (uint8_t)(255 - i);
    for (int i = 0; i < 128; i++)
        im->input[i] = (uint8_t)(i * 71 + 5);
    memset(im->output, 0, sizeof im->output);
}

/* Runs examples/<name> on a fresh simulator (or on s), returns OUTPUT and ACT. */
static void run(struct dpu_sim *s, const char *name, struct images *im, size_t out_size, bool races,
                uint8_t *act_copy)
{
    bool own = !s;
    if (own)
        s = tu_sim("tiny");
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_CONST, im->cst, sizeof im->cst), DPU_OK);
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_INPUT, im->input, sizeof im->input), DPU_OK);
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_OUTPUT, im->output, out_size), DPU_OK);
    dpu_sim_set_check_races(s, races);
    size_t n;
    dpu_insn *prog = ex_load_program(name, &n);
    struct dpu_sim_status st;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_sim_run(s, prog, n, &st, &d);
    if (err)
        print_error("%s\n", d.msg);
    assert_int_equal(err, DPU_OK);
    assert_true(st.done);
    free(prog);
    memcpy(act_copy, tu_buf(s, DPU_BUF_ACT), 4096);
    if (own)
        dpu_sim_destroy(s);
}

static void check_program(const char *name, void (*images)(struct images *), size_t out_size)
{
    static struct images a, b, c, e;
    static uint8_t act_a[4096], act_b[4096], act_c[4096];
    images(&a);
    images(&b);
    images(&c);
    images(&e);
    run(NULL, name, &a, out_size, false, act_a);
    run(NULL, name, &b, out_size, true, act_b);
    struct dpu_sim *s = tu_sim("tiny");
    run(s, name, &c, out_size, false, act_c);
    memset(c.output, 0, sizeof c.output);
    run(s, name, &c, out_size, true, act_c);
    dpu_sim_destroy(s);
    tu_expect_bytes(b.output, a.output, out_size, "OUTPUT, races on");
    tu_expect_bytes(c.output, a.output, out_size, "OUTPUT, second run");
    tu_expect_bytes(act_b, act_a, sizeof act_a, "ACT, races on");
    tu_expect_bytes(act_c, act_a, sizeof act_a, "ACT, second run");
    /* The output is not trivially constant, and the inputs were only read. */
    int distinct = 0;
    for (size_t i = 1; i < out_size; i++)
        distinct += a.output[i] != a.output[0];
    assert_true(distinct > 0);
    tu_expect_bytes(a.cst, e.cst, sizeof e.cst, "CONST");
    tu_expect_bytes(a.input, e.input, sizeof e.input, "INPUT");
}

static void test_conv3x3_is_deterministic(void **state)
{
    (void)state;
    check_program("conv3x3_relu.s", conv3x3_images, 100);
}

static void test_all_opcodes_is_deterministic(void **state)
{
    (void)state;
    check_program("all_opcodes.s", all_opcodes_images, 32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv3x3_is_deterministic),
        cmocka_unit_test(test_all_opcodes_is_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
