/* dpu_program_validate: what a loader refuses, each case a small change to the valid sample
 * program (prog_sample.h), each refusal checked for its error code and for the words that
 * tell the user what and where (preset names and hashes, instruction index, layer, tensor). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/presets_gen.h"
#include "prog_sample.h"

/* Validates p against expected (may be NULL) and checks the error and each keyword (a
 * NULL-terminated list). */
static void expect(const struct dpu_program *p, const char *expected, int err, ...)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    const struct dpu_preset *pre = expected ? dpu_preset_find(expected) : NULL;
    int got = dpu_program_validate(p, pre, &d);
    if (got != err)
        fail_msg("expected error %d, got %d: %s", err, got, dpu_diag_message(&d));
    if (err != DPU_OK) {
        assert_int_equal(d.err, err);
        va_list ap;
        va_start(ap, err);
        for (const char *k = va_arg(ap, const char *); k; k = va_arg(ap, const char *)) {
            if (!strstr(d.msg, k))
                fail_msg("message lacks '%s': %s", k, d.msg);
        }
        va_end(ap);
    }
}

/* Replaces the sample's stream with text, as one segment (or several, see below). */
static void set_stream(struct dpu_program *p, const char *text)
{
    dpu_insn *insns;
    size_t n;
    prog_sample_assemble(text, &insns, &n);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_program_set_insns(p, insns, n, &d), DPU_OK);
    free(insns);
    p->steps[1].first = 0;
    p->steps[1].count = n;
    /* The conv1 layer's ranges no longer mean anything. */
    p->layers[1].nranges = 0;
}

static void test_preset_and_version(void **state)
{
    (void)state;
    struct dpu_program p;
    prog_sample_build(&p);
    expect(&p, NULL, DPU_OK);
    expect(&p, "tiny", DPU_OK);

    /* Built for tiny, run on b4096: both presets and both hashes in the message. */
    expect(&p, "b4096", DPU_E_MISMATCH, "built for preset tiny (hash 0x0b7bb62dc12d62ec)",
           "this device is b4096 (hash 0x969f22c2ab297f40)", NULL);

    p.preset_hash ^= 1; /* a stale program: tiny's values changed since */
    expect(&p, NULL, DPU_E_MISMATCH, "tiny", "0x0b7bb62dc12d62ed", "0x0b7bb62dc12d62ec",
           "recompile", NULL);
    expect(&p, "tiny", DPU_E_MISMATCH, "built for preset tiny", NULL);
    p.preset_hash ^= 1;

    free(p.preset_name);
    p.preset_name = strdup("huge");
    expect(&p, NULL, DPU_E_MISMATCH, "unknown preset 'huge'", "whose hash is that of preset tiny",
           NULL);
    expect(&p, "tiny", DPU_E_MISMATCH, "names preset 'huge'", NULL);
    free(p.preset_name);
    p.preset_name = strdup("tiny");

    p.isa_minor = DPU_ISA_VERSION_MINOR + 1;
    expect(&p, NULL, DPU_E_MISMATCH, "ISA version", NULL);
    p.isa_minor = DPU_ISA_VERSION_MINOR;
    p.isa_major = DPU_ISA_VERSION_MAJOR + 1;
    expect(&p, NULL, DPU_E_MISMATCH, "ISA version", NULL);
    dpu_program_free(&p);
}

static void test_segments(void **state)
{
    (void)state;
    struct dpu_program p;

    prog_sample_build(&p); /* the last instruction (END) left out of the segment */
    p.steps[1].count = 5;
    expect(&p, NULL, DPU_E_INVALID, "plan step 1", "does not end with END", "instruction 4 (SAVE",
           NULL);
    dpu_program_free(&p);

    prog_sample_build(&p);
    p.steps[1].first = 1;
    p.steps[1].count = 5;
    expect(&p, NULL, DPU_E_INVALID, "tile", NULL);
    dpu_program_free(&p);

    prog_sample_build(&p);
    set_stream(&p, "END\nEND\n");
    expect(&p, NULL, DPU_E_INVALID, "END before the end of the segment", "instruction 0", NULL);
    p.steps[1].count = 1; /* now instruction 1 belongs to no step */
    expect(&p, NULL, DPU_E_INVALID, "instructions 1..1 belong to no accelerator step", NULL);
    /* Two segments, one END each: valid. */
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_program_add_accel_step(&p, "second", 1, 1, &d), DPU_OK);
    expect(&p, NULL, DPU_OK);
    p.steps[3].count = 2;
    expect(&p, NULL, DPU_E_RANGE, "plan step 3", "outside", NULL);
    dpu_program_free(&p);

    prog_sample_build(&p); /* a plan of CPU steps only, no instructions at all */
    free(p.insns);
    p.insns = NULL;
    p.ninsns = 0;
    p.layers[1].nranges = 0;
    p.steps[1].kind = DPU_PROG_STEP_CPU;
    expect(&p, NULL, DPU_E_INVALID, "plan step 1 (cpu): no model.q8", NULL);
    free(p.steps[1].name);
    p.steps[1] = p.steps[2];
    p.nsteps = 2; /* steps[1] and [2] share arrays now: free only one of them */
    expect(&p, NULL, DPU_OK);
    dpu_program_free(&p);
}

static void test_tokens(void **state)
{
    (void)state;
    struct dpu_program p;
    prog_sample_build(&p);

    set_stream(&p, "SYNC engine=CONV wait=LOAD\nEND\n");
    expect(&p, NULL, DPU_E_INVALID, "instruction 0 (SYNC)", "token underflow", "LOAD", NULL);

    set_stream(&p, "SYNC engine=LOAD signal=CONV\nEND\n");
    expect(&p, NULL, DPU_E_INVALID, "instruction 1 (END)", "left over", "LOAD -> CONV", NULL);

    /* token_queue_depth of tiny is 8: the ninth signal overflows. */
    char text[1024] = "";
    for (int i = 0; i < 9; i++)
        strcat(text, "SYNC engine=LOAD signal=CONV\n");
    for (int i = 0; i < 9; i++)
        strcat(text, "SYNC engine=CONV wait=LOAD\n");
    strcat(text, "END\n");
    set_stream(&p, text);
    expect(&p, NULL, DPU_E_INVALID, "instruction 8 (SYNC)", "token overflow", "token_queue_depth",
           NULL);
    /* Eight in flight is fine. */
    memmove(text, text + strlen("SYNC engine=LOAD signal=CONV\n"),
            strlen(text) - strlen("SYNC engine=LOAD signal=CONV\n") + 1);
    char *last_wait = strstr(text, "SYNC engine=CONV wait=LOAD\nEND");
    memmove(last_wait, last_wait + strlen("SYNC engine=CONV wait=LOAD\n"),
            strlen(last_wait) - strlen("SYNC engine=CONV wait=LOAD\n") + 1);
    set_stream(&p, text);
    expect(&p, NULL, DPU_OK);

    /* Tokens do not cross segments: each segment balances on its own. */
    set_stream(&p, "SYNC engine=LOAD signal=CONV\nEND\nSYNC engine=CONV wait=LOAD\nEND\n");
    p.steps[1].count = 2;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_program_add_accel_step(&p, "second", 2, 2, &d), DPU_OK);
    expect(&p, NULL, DPU_E_INVALID, "left over", NULL);

    /* An engine cannot signal itself; END cannot wait. (With the simulator linked in, its
     * own message comes first; both name the instruction.) */
    dpu_program_free(&p);
    prog_sample_build(&p);
    set_stream(&p, "SYNC engine=LOAD signal=LOAD\nEND\n");
    expect(&p, NULL, DPU_E_INVALID, "LOAD", NULL);
    set_stream(&p, "END wait=CONV\n");
    expect(&p, NULL, DPU_E_INVALID, "END", NULL);
    dpu_program_free(&p);
}

/* Token errors inside a layer name the layer. */
static void test_messages_name_the_layer(void **state)
{
    (void)state;
    struct dpu_program p;
    prog_sample_build(&p);
    /* The CONV (instruction 3) no longer waits for LOAD: LOAD's token is left over. Then
     * the SAVE (4) waits for CONV, which no longer signals: underflow, inside conv1. */
    dpu_insn_set_wait(&p.insns[3], 0);
    dpu_insn_set_signal(&p.insns[3], 0);
    expect(&p, NULL, DPU_E_INVALID, "instruction 4 (SAVE, layer 'conv1')", "token underflow", NULL);
    /* A reserved bit in instruction 2: the message names the layer too. */
    dpu_program_free(&p);
    prog_sample_build(&p);
    p.insns[2].w[3] |= (uint64_t)1 << 63;
    expect(&p, NULL, DPU_E_INVALID, "layer 'conv1' (Conv)", "instruction 2", "reserved bit", NULL);
    dpu_program_free(&p);
}

static void test_tensors(void **state)
{
    (void)state;
    struct dpu_program p;
    prog_sample_build(&p);

    p.tensors[0].offset = 1; /* 300 bytes at 1 in the 300-byte INPUT region */
    expect(&p, NULL, DPU_E_RANGE, "tensor 0 'x'", "outside region INPUT", NULL);
    p.tensors[0].offset = UINT64_MAX; /* no wrap-around */
    expect(&p, NULL, DPU_E_RANGE, "outside region INPUT", NULL);
    p.tensors[0].offset = 0;

    p.tensors[3].size = 401;
    expect(&p, NULL, DPU_E_INVALID, "tensor 3 'probs'", "401 bytes", "(1, 4, 5, 5)", NULL);
    p.tensors[3].size = 400;

    p.tensors[1].cpad = 2; /* NHWC with cpad < C */
    expect(&p, NULL, DPU_E_INVALID, "tensor 1 'x_q'", "not a valid shape and layout", NULL);
    p.tensors[1].cpad = 3;
    p.tensors[3].cpad = 4; /* cpad on an NCHW tensor */
    expect(&p, NULL, DPU_E_INVALID, "cpad 4 on an NCHW tensor", NULL);
    p.tensors[3].cpad = 0;

    p.tensors[0].region = DPU_REGION_SCRATCH;
    expect(&p, NULL, DPU_E_INVALID, "graph input must live in region INPUT", NULL);
    p.tensors[0].region = DPU_REGION_INPUT;

    free(p.tensors[3].name);
    p.tensors[3].name = strdup("x");
    expect(&p, NULL, DPU_E_INVALID, "two tensors are named 'x'", NULL);
    p.tensors[3].name[0] = '\0';
    expect(&p, NULL, DPU_E_INVALID, "tensor 3 has no name", NULL);
    free(p.tensors[3].name);
    p.tensors[3].name = strdup("probs");

    p.tensors[1].zero_point = 128;
    expect(&p, NULL, DPU_E_RANGE, "zero point 128 outside int8", NULL);
    p.tensors[1].zero_point = -3;
    p.tensors[1].scale = 0.0f;
    expect(&p, NULL, DPU_E_RANGE, "scale", NULL);
    p.tensors[1].scale = 1.0f;
    p.tensors[0].quantized = true;
    expect(&p, NULL, DPU_E_INVALID, "float32 tensor is not quantized", NULL);
    p.tensors[0].quantized = false;
    expect(&p, NULL, DPU_OK);
    dpu_program_free(&p);
}

static void test_steps_and_layers(void **state)
{
    (void)state;
    struct dpu_program p;
    prog_sample_build(&p);

    p.steps[2].outputs[0] = 9;
    expect(&p, NULL, DPU_E_RANGE, "plan step 2 (cpu)", "output binding 0", "tensor 9", NULL);
    p.steps[2].outputs[0] = 3;
    p.steps[0].n_outputs = 0;
    expect(&p, NULL, DPU_E_INVALID, "plan step 0 (cpu): binds no output", NULL);
    p.steps[0].n_outputs = 1;

    /* A CPU step writing into CONST (read-only at run time: the runtime loads it once). */
    struct dpu_prog_tensor *t0 = &p.tensors[p.steps[0].outputs[0]];
    int region0 = t0->region;
    uint64_t off0 = t0->offset;
    t0->region = DPU_REGION_CONST;
    t0->offset = 0;
    expect(&p, NULL, DPU_E_INVALID, "plan step 0 (cpu): output binding 0", "region CONST",
           "read-only", NULL);
    t0->region = region0;
    t0->offset = off0;

    p.layers[1].ranges[1].count = 10;
    expect(&p, NULL, DPU_E_RANGE, "layer 1 'conv1' (Conv): range 1", "outside the 6-instruction",
           NULL);
    p.layers[1].ranges[1].count = 0;
    expect(&p, NULL, DPU_E_RANGE, "is empty", NULL);
    p.layers[1].ranges[1].count = 3;

    struct dpu_prog_range r = {4, 2};
    p.layers[2].ranges = malloc(sizeof r);
    p.layers[2].ranges[0] = r;
    p.layers[2].nranges = 1;
    expect(&p, NULL, DPU_E_INVALID, "instruction 4 is claimed by two layer ranges",
           "layer 1 'conv1'", "layer 2 'softmax'", NULL);
    p.layers[2].ranges[0].first = 5; /* END only: fine */
    p.layers[2].ranges[0].count = 1;
    expect(&p, NULL, DPU_OK);

    free(p.layers[0].op);
    p.layers[0].op = NULL;
    expect(&p, NULL, DPU_E_INVALID, "layer 0 has no name or no op", NULL);

    p.nsteps = 0; /* steps still owned: restored before free */
    expect(&p, NULL, DPU_E_INVALID, "empty plan", NULL);
    p.nsteps = 3;
    dpu_program_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_preset_and_version),
        cmocka_unit_test(test_segments),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_messages_name_the_layer),
        cmocka_unit_test(test_tensors),
        cmocka_unit_test(test_steps_and_layers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
