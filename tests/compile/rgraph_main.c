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
 *   --big                                     residency chains up to the whole ACT of
 *                                             every preset (slower; rgraph.h)
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
#include "dpu/sim.h"
#include "dpu/sim_timing.h"
#include "rgraph.h"

/* Ops a CPU step may hold: none, since every op the generator makes has an accelerator
 * lowering (docs/compiler.md), Concat and the Flatten before an FC included. */
static const char cpu_ok[] = "";

static uint64_t first = 1, count = 1;
static bool rand_seeds, verbose;
static const char *argv0;
static const struct rg_case *current; /* the case running, for the teardown's message */
static size_t op_count[DPU_NODE_COUNT], cpu_steps, accel_steps, preset_count[4];
static size_t res_cases, res_tensors; /* cases with a tensor resident in ACT, and tensors */

/* The timing model's totals of each accelerator step, from the functional run (--timing)
 * and from the data-free run (--timing-only): the two must agree exactly. */
#define MAXSTEPS 64
struct timed {
    struct dpu_timing *t;
    struct dpu_timing_totals tot[MAXSTEPS];
    bool seen[MAXSTEPS];
};

static int timing_hook(void *user, const struct dpu_rt *rt, const struct dpu_rt_event *ev)
{
    (void)rt;
    struct timed *tm = user;
    if (ev->phase == DPU_RT_STEP_END && ev->info->kind == DPU_PROG_STEP_ACCEL &&
        ev->step < MAXSTEPS) {
        dpu_timing_totals(tm->t, &tm->tot[ev->step]);
        tm->seen[ev->step] = true;
    }
    return 0;
}

static bool same_totals(const struct dpu_timing_totals *a, const struct dpu_timing_totals *b)
{
    bool eq = a->cycles == b->cycles && a->ddr_wait == b->ddr_wait &&
              a->fetch_stall == b->fetch_stall && a->issued_macs == b->issued_macs &&
              a->ddr_read == b->ddr_read && a->ddr_write == b->ddr_write && a->insns == b->insns;
    for (int e = 0; e < DPU_ENGINE_COUNT; e++)
        eq = eq && a->busy[e] == b->busy[e] && a->stall[e] == b->stall[e];
    return eq;
}

/* dpusim --timing-only on p: each accelerator step's totals equal those of the functional
 * run (tm); 0, or -1 with msg set. */
static int timing_only_check(const struct dpu_program *p, const struct timed *tm, char *msg,
                             size_t cap)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    const struct dpu_preset *pre = dpu_preset_find(p->preset_name);
    struct dpu_sim *sim = NULL;
    struct dpu_timing *t = NULL;
    uint8_t *region[DPU_REGION_COUNT] = {NULL};
    int rc = dpu_sim_create(pre, &sim, &d) || dpu_timing_create(pre, &t, &d) ? -1 : 0;
    if (rc)
        snprintf(msg, cap, "timing-only: %.900s", d.msg);
    for (int r = 0; !rc && r < DPU_REGION_COUNT; r++) {
        region[r] = calloc(p->region_size[r] ? (size_t)p->region_size[r] : 1, 1);
        assert_non_null(region[r]);
        assert_int_equal(dpu_sim_set_region(sim, r, region[r], p->region_size[r]), 0);
    }
    if (!rc) {
        dpu_sim_set_data(sim, false);
        dpu_sim_set_timing(sim, t);
    }
    for (size_t s = 0; !rc && s < p->nsteps && s < MAXSTEPS; s++) {
        const struct dpu_prog_step *ps = &p->steps[s];
        if (ps->kind != DPU_PROG_STEP_ACCEL)
            continue;
        struct dpu_sim_status st;
        struct dpu_timing_totals tot;
        if (dpu_sim_run(sim, p->insns + ps->first, (size_t)ps->count, &st, &d)) {
            snprintf(msg, cap, "timing-only, step %zu: %.900s", s, d.msg);
            rc = -1;
            break;
        }
        dpu_timing_totals(t, &tot);
        if (!tm->seen[s] || !same_totals(&tot, &tm->tot[s])) {
            snprintf(msg, cap,
                     "step %zu: --timing gives %llu cycles, --timing-only %llu (or other "
                     "totals differ)",
                     s, (unsigned long long)tm->tot[s].cycles, (unsigned long long)tot.cycles);
            rc = -1;
        }
    }
    dpu_timing_destroy(t);
    dpu_sim_destroy(sim);
    for (int r = 0; r < DPU_REGION_COUNT; r++)
        free(region[r]);
    return rc;
}

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
    print_error("FAIL seed %llu on %s: %s\n  case: %s\n  reproduce: %s --seed %llu%s -v\n",
                (unsigned long long)cs->seed, cs->preset, msg, cs->desc, argv0,
                (unsigned long long)cs->seed, rg_big ? " --big" : "");
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
             "%llu%s -v\n",
             (unsigned long long)seed, cs.preset, cs.desc, argv0, (unsigned long long)seed,
             rg_big ? " --big" : "");
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
    char *dump = NULL; /* the IR after pass resident: which tensors live in ACT */
    size_t dumplen = 0;
    o.dump_after = "resident";
    o.dump = open_memstream(&dump, &dumplen);
    struct dpu_program p;
    int cerr = dpu_compile(&g, &o, &p, &d);
    fclose(o.log);
    fclose(o.dump);
    size_t nres = 0;
    for (const char *q = dump; q && (q = strstr(q, "': resident in ACT")); q++) {
        nres++;
        if (verbose) { /* the dump's line: tensor 'x': resident in ACT at ... */
            const char *b = q, *e = strchr(q, '\n');
            while (b > dump && b[-1] != '\n')
                b--;
            print_message("  %.*s\n", (int)(e ? e - b : (ptrdiff_t)strlen(b)), b);
        }
    }
    free(dump);
    res_cases += nres > 0, res_tensors += nres;
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
    /* Two runs on different random inputs: the second also sees the regions the first left.
     * The first runs the timing model too (dpusim --timing). */
    struct timed tm;
    memset(&tm, 0, sizeof tm);
    assert_int_equal(dpu_timing_create(o.preset, &tm.t, &d), 0);
    for (int run = 0; run < 2; run++) {
        struct dpu_sim *sim = dpu_rt_sim_backend_sim(&rt.backend);
        dpu_sim_set_timing(sim, run == 0 ? tm.t : NULL);
        rt.trace = run == 0 ? timing_hook : NULL;
        rt.trace_user = &tm;
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
    if (timing_only_check(&p, &tm, msg, sizeof msg))
        bad(&cs, msg);
    dpu_timing_destroy(tm.t);
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
                  "%zu accelerator and %zu CPU steps; %zu cases with %zu tensors resident in "
                  "ACT)\n  nodes:",
                  (unsigned long long)count, (double)(clock() - t0) / CLOCKS_PER_SEC,
                  preset_count[0], preset_count[1], preset_count[2], preset_count[3], accel_steps,
                  cpu_steps, res_cases, res_tensors);
    for (int op = 0; op < DPU_NODE_COUNT; op++)
        if (op_count[op])
            print_message(" %s %zu", dpu_node_op_name(op), op_count[op]);
    print_message("\n");
    /* The generator's residency chains must keep reaching pass resident: a quarter of the
     * cases of a ctest range at least (about 40% keep a tensor in ACT; the fixed seeds make
     * this exact, random ones only vary around it). */
    if (!rand_seeds && count >= 50 && res_cases * 4 < count) {
        print_error("only %zu of %llu cases have a tensor resident in ACT\n", res_cases,
                    (unsigned long long)count);
        fail();
    }
}

/* A failed assertion inside the generator or the helpers lands here: name the case. */
static int teardown(void **state)
{
    (void)state;
    if (current)
        print_error("FAIL seed %llu on %s\n  case: %s\n  reproduce: %s --seed %llu%s -v\n",
                    (unsigned long long)current->seed, current->preset, current->desc, argv0,
                    (unsigned long long)current->seed, rg_big ? " --big" : "");
    current = NULL;
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: %s [--first S --count N | --seed S | --random N] [--big] [-v]\n",
            argv0);
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
        if (strcmp(a, "--big") == 0) {
            rg_big = true;
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
