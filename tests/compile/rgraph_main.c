/* test_compile_rgraph: randomized whole-compiler tests (rgraph.h). Each seed is one case:
 * a random quantized DAG on a random preset, compiled, run through the runtime on the
 * simulator backend (race checker on) and compared byte for byte with the reference
 * interpreter; the program may hold CPU steps only for ops the accelerator does not run.
 *
 *   test_compile_rgraph --first S --count N   cases S .. S+N-1 (the ctest entries)
 *   test_compile_rgraph --seed S [-v]         one case, with its description
 *   test_compile_rgraph --random N            N cases with seeds from /dev/urandom (for
 *                                             scripts/compile_fuzz.sh); stops at the first
 *                                             failure, printing its seed
 * Any failure prints the seed, the case and the one-line command that reproduces it. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <time.h>

#include "compile_test_util.h"
#include "dpu/compile.h"
#include "dpu/runtime.h"
#include "rgraph.h"

/* Ops a CPU step may hold: none, since every op the generator makes has an accelerator
 * lowering (docs/compiler.md), Concat and the Flatten before an FC included. */
static const char cpu_ok[] = "";

static uint64_t first = 1, count = 1;
static bool rand_seeds, verbose;
static const char *argv0;
static const struct rg_case *current; /* the case running, for the teardown's message */
static size_t op_count[DPU_NODE_COUNT], cpu_steps, accel_steps, preset_count[4];

/* The line an abort (an internal compiler error) prints, formatted before each case because
 * a signal handler may only write(). */
static char abort_line[2600];

static void on_abort(int sig)
{
    ssize_t rc = write(2, abort_line, strlen(abort_line));
    (void)rc;
    signal(sig, SIG_DFL);
    raise(sig);
}

static uint64_t urandom64(void)
{
    uint64_t v = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f || fread(&v, sizeof v, 1, f) != 1)
        v = (uint64_t)time(NULL) * UINT64_C(0x9e3779b97f4a7c15);
    if (f)
        fclose(f);
    return v >> 16; /* short enough to type */
}

static void bad(const struct rg_case *cs, const char *msg)
{
    print_error("FAIL seed %llu on %s: %s\n  case: %s\n  reproduce: %s --seed %llu -v\n",
                (unsigned long long)cs->seed, cs->preset, msg, cs->desc, argv0,
                (unsigned long long)cs->seed);
    current = NULL;
    fail();
}

static void one(uint64_t seed)
{
    static struct rg_case cs;
    struct dpu_graph g;
    dpu_graph_init(&g);
    current = &cs;
    cs.seed = seed, cs.preset = "?", cs.desc[0] = 0;
    rg_build(&g, seed, &cs);
    snprintf(abort_line, sizeof abort_line,
             "FAIL seed %llu on %s: the process died\n  case: %.2048s\n  reproduce: %s --seed "
             "%llu -v\n",
             (unsigned long long)seed, cs.preset, cs.desc, argv0, (unsigned long long)seed);
    if (verbose)
        print_message("seed %llu: %s\n", (unsigned long long)seed, cs.desc);
    char msg[1024];
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_graph_verify(&g, &d)) {
        snprintf(msg, sizeof msg, "the generated graph does not verify: %.900s", d.msg);
        bad(&cs, msg);
    }
    struct dpu_compile_opts o = {0};
    o.preset = dpu_preset_find(cs.preset);
    char *log = NULL; /* the compiler's fallback reasons, for the message */
    size_t loglen = 0;
    o.log = open_memstream(&log, &loglen);
    struct dpu_program p;
    int cerr = dpu_compile(&g, &o, &p, &d);
    fclose(o.log);
    if (cerr) {
        snprintf(msg, sizeof msg, "compile: %.1000s", d.msg);
        bad(&cs, msg);
    }
    struct dpu_rt rt;
    if (ct_rt_open(&rt, &p, msg, sizeof msg))
        bad(&cs, msg);
    if (ct_rt_cpu_ops(&rt, cpu_ok, msg, sizeof msg)) {
        size_t k = strlen(msg);
        snprintf(msg + k, sizeof msg - k, "\n  compiler: %.600s", log ? log : "");
        bad(&cs, msg);
    }
    free(log);
    for (size_t i = 0; i < g.nnodes; i++)
        op_count[g.nodes[i].op]++;
    for (size_t i = 0; i < p.nsteps; i++)
        *(p.steps[i].kind == DPU_PROG_STEP_CPU ? &cpu_steps : &accel_steps) += 1;
    preset_count[cs.preset[0] == 't'               ? 0
                 : strcmp(cs.preset, "b512") == 0  ? 1
                 : strcmp(cs.preset, "b1024") == 0 ? 2
                                                   : 3]++;
    /* Two runs on different random inputs: the second also sees the regions the first left. */
    for (int run = 0; run < 2; run++) {
        struct dpu_tensor in[2];
        assert_true(g.ninputs <= 2);
        for (size_t i = 0; i < g.ninputs; i++) {
            const struct dpu_gtensor *gt = &g.tensors[g.inputs[i]];
            assert_int_equal(dpu_tensor_alloc(&in[i], DPU_DT_INT8, gt->rank, gt->dims, &d), 0);
            for (int64_t e = 0; e < dpu_tensor_count(&in[i]); e++)
                ((int8_t *)in[i].data)[e] = (int8_t)ct_int(-128, 127);
        }
        int rc = ct_rt_compare(&rt, &g, in, g.ninputs, msg, sizeof msg);
        for (size_t i = 0; i < g.ninputs; i++)
            dpu_tensor_free(&in[i]);
        if (rc)
            bad(&cs, msg);
    }
    dpu_rt_unload(&rt);
    dpu_program_free(&p);
    dpu_graph_free(&g);
    current = NULL;
}

static void test_range(void **state)
{
    (void)state;
    clock_t t0 = clock();
    for (uint64_t i = 0; i < count; i++)
        one(rand_seeds ? urandom64() : first + i);
    print_message("%llu cases passed in %.1f s CPU (tiny %zu, b512 %zu, b1024 %zu, b4096 %zu; "
                  "%zu accelerator and %zu CPU steps)\n  nodes:",
                  (unsigned long long)count, (double)(clock() - t0) / CLOCKS_PER_SEC,
                  preset_count[0], preset_count[1], preset_count[2], preset_count[3], accel_steps,
                  cpu_steps);
    for (int op = 0; op < DPU_NODE_COUNT; op++)
        if (op_count[op])
            print_message(" %s %zu", dpu_node_op_name(op), op_count[op]);
    print_message("\n");
}

/* A failed assertion inside the generator or the helpers lands here: name the case. */
static int teardown(void **state)
{
    (void)state;
    if (current)
        print_error("FAIL seed %llu on %s\n  case: %s\n  reproduce: %s --seed %llu -v\n",
                    (unsigned long long)current->seed, current->preset, current->desc, argv0,
                    (unsigned long long)current->seed);
    current = NULL;
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: %s [--first S --count N | --seed S | --random N] [-v]\n", argv0);
    return 1;
}

int main(int argc, char **argv)
{
    argv0 = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        char *end = NULL;
        if (strcmp(a, "-v") == 0) {
            verbose = true;
            continue;
        }
        if (i + 1 >= argc)
            return usage();
        unsigned long long v = strtoull(argv[++i], &end, 10);
        if (!end || *end)
            return usage();
        if (strcmp(a, "--first") == 0)
            first = v;
        else if (strcmp(a, "--count") == 0)
            count = v;
        else if (strcmp(a, "--seed") == 0)
            first = v, count = 1;
        else if (strcmp(a, "--random") == 0)
            rand_seeds = true, count = v;
        else
            return usage();
    }
    signal(SIGABRT, on_abort);
    signal(SIGSEGV, on_abort);
    const struct CMUnitTest tests[] = {cmocka_unit_test_teardown(test_range, teardown)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
