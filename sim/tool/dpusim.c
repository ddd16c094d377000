/* dpusim: run a compiled program (prog.bin) on the functional simulator.
 *
 *   dpusim prog.bin --input X.npy [--input ...] -o Y.npy [-o ...] [--check MODEL.q8]
 *          [--arch PRESET] [--races] [--timing] [--repeat N]
 *   dpusim prog.bin --timing-only [--model MODEL.q8] [--arch PRESET]
 *   timing files: [--report R.json] [--trace T.json] [--plot R.svg]
 *
 * Inputs are what `dpuc run MODEL.q8` accepts; outputs are written as .npy files in NCHW.
 * --check runs the reference interpreter on MODEL.q8 with the same inputs and compares every
 * output bytewise. --timing adds the cycle-approximate timing model (docs/architecture.md) to
 * the functional run; --timing-only runs the same model without computing data (no inputs
 * needed). --repeat N runs the program N times and prints the median time of a run (dpu_rt_run
 * alone: no loading, no file I/O) on stderr, to compare with other engines. Exit codes: 0 ok, 1
 * user error or mismatch, 2 internal error. Progress goes to stderr when it is a terminal.
 * docs/dpusim.md is the manual. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "timing_cli.h"
#include "dpu/npy.h"
#include "dpu/q8.h"
#include "dpu/runtime.h"

#define MAX_FILES 256

struct args {
    const char *prog, *check, *arch, *model, *report, *trace, *plot;
    const char *inputs[MAX_FILES], *outputs[MAX_FILES];
    int ninputs, noutputs;
    long repeat; /* --repeat: runs to time (0: one run, not timed) */
    bool races, timing, timing_only;
};

static void usage(FILE *f)
{
    fprintf(f, "usage: dpusim prog.bin --input X.npy [--input ...] -o Y.npy [-o ...]\n"
               "              [--check MODEL.q8] [--arch PRESET] [--races] [--timing]\n"
               "       dpusim prog.bin --timing-only [--model MODEL.q8] [--arch PRESET]\n"
               "       timing output: [--report R.json] [--trace T.json] [--plot R.svg]\n"
               "  -i, --input FILE   an input tensor (.npy), in the program's input order\n"
               "  -o, --output FILE  where to write an output tensor (.npy, NCHW)\n"
               "  --check MODEL.q8   also run the reference interpreter and compare bytewise\n"
               "  --arch PRESET      the device's preset (default: the one the program names)\n"
               "  --races            check every accelerator segment for races between engines\n"
               "  --repeat N         run N times; print the median time of a run on stderr\n"
               "  --timing           also run the cycle-approximate timing model (-o optional)\n"
               "  --timing-only      the timing model alone: no data, no inputs\n"
               "  --model MODEL.q8   the model, for per-layer MACs (default: --check's model)\n"
               "  --report FILE      write the timing report as JSON\n"
               "  --trace FILE       write the schedule as a Chrome trace (opens in Perfetto)\n"
               "  --plot FILE        draw utilization per layer and the roofline as SVG\n"
               "  -h, --help         this text\n");
}

/* Returns 0, 1 (usage error, printed) or -1 (--help). */
static int parse(int argc, char **argv, struct args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char **slot = NULL;
        if (!strcmp(s, "-h") || !strcmp(s, "--help"))
            return -1;
        if (!strcmp(s, "--races") || !strcmp(s, "--timing") || !strcmp(s, "--timing-only")) {
            bool *flag = !strcmp(s, "--races")    ? &a->races
                         : !strcmp(s, "--timing") ? &a->timing
                                                  : &a->timing_only;
            *flag = true;
            continue;
        }
        if (!strcmp(s, "-i") || !strcmp(s, "--input")) {
            if (a->ninputs == MAX_FILES)
                return fprintf(stderr, "dpusim: too many --input\n"), 1;
            slot = &a->inputs[a->ninputs++];
        } else if (!strcmp(s, "-o") || !strcmp(s, "--output")) {
            if (a->noutputs == MAX_FILES)
                return fprintf(stderr, "dpusim: too many -o\n"), 1;
            slot = &a->outputs[a->noutputs++];
        } else if (!strcmp(s, "--check")) {
            slot = &a->check;
        } else if (!strcmp(s, "--arch")) {
            slot = &a->arch;
        } else if (!strcmp(s, "--model")) {
            slot = &a->model;
        } else if (!strcmp(s, "--report")) {
            slot = &a->report;
        } else if (!strcmp(s, "--trace")) {
            slot = &a->trace;
        } else if (!strcmp(s, "--plot")) {
            slot = &a->plot;
        } else if (!strcmp(s, "--repeat")) {
            char *end = NULL;
            a->repeat = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : 0;
            if (!end || *end || end == argv[i + 1] || a->repeat < 1 || a->repeat > 100000)
                return fprintf(stderr, "dpusim: --repeat needs a count from 1 to 100000\n"), 1;
            i++;
            continue;
        } else if (s[0] == '-' && s[1]) {
            fprintf(stderr, "dpusim: unknown option '%s'\n", s);
            usage(stderr);
            return 1;
        } else if (!a->prog) {
            a->prog = s;
            continue;
        } else {
            fprintf(stderr, "dpusim: more than one program given ('%s' and '%s')\n", a->prog, s);
            return 1;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "dpusim: %s needs a value\n", s);
            return 1;
        }
        *slot = argv[++i];
    }
    if (!a->prog) {
        fprintf(stderr, "dpusim: no program given\n");
        usage(stderr);
        return 1;
    }
    if (a->timing && a->timing_only) {
        fprintf(stderr, "dpusim: --timing and --timing-only exclude each other\n");
        return 1;
    }
    if (a->timing_only && (a->ninputs || a->noutputs || a->check || a->races || a->repeat)) {
        fprintf(stderr, "dpusim: --timing-only computes no data: it takes no --input, -o, "
                        "--check, --races or --repeat\n");
        return 1;
    }
    if (a->repeat && a->timing) {
        fprintf(stderr, "dpusim: --repeat times the functional run: it excludes --timing\n");
        return 1;
    }
    if (!a->timing && !a->timing_only && (a->report || a->trace || a->plot || a->model)) {
        fprintf(stderr, "dpusim: --report, --trace, --plot and --model need --timing or "
                        "--timing-only\n");
        return 1;
    }
    return 0;
}

static int progress(void *user, const struct dpu_rt *rt, const struct dpu_rt_event *ev)
{
    (void)user;
    if (ev->phase == DPU_RT_STEP_BEGIN)
        fprintf(stderr, "\rdpusim: step %zu/%zu: %s (%s)\033[K", ev->step + 1, rt->program->nsteps,
                ev->name, dpu_prog_step_kind_name(ev->info->kind));
    else if (ev->step + 1 == rt->program->nsteps)
        fprintf(stderr, "\r\033[K");
    return 0;
}

static int fail(struct dpu_diag *d)
{
    fprintf(stderr, "dpusim: %s\n", dpu_diag_message(d));
    return dpu_exit_code(d->err ? d->err : DPU_E_INTERNAL);
}

static void list_tensors(const struct dpu_rt *rt, bool inputs)
{
    size_t n = inputs ? dpu_rt_ninputs(rt) : dpu_rt_noutputs(rt);
    fprintf(stderr, "dpusim: the program has %zu %s:\n", n, inputs ? "inputs" : "outputs");
    for (size_t i = 0; i < n; i++) {
        int64_t t = inputs ? dpu_rt_input_tensor(rt, i) : dpu_rt_output_tensor(rt, i);
        const struct dpu_prog_tensor *pt = &rt->program->tensors[t];
        char shape[DPU_SHAPE_STR_MAX];
        fprintf(stderr, "  %zu: %s %s %s%s\n", i, pt->name, dpu_dtype_name(pt->dtype),
                dpu_shape_format(pt->rank, pt->dims, shape, sizeof shape),
                inputs && pt->dtype == DPU_DT_INT8 && pt->quantized ? " (or float32)" : "");
    }
}

static double now_s(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static double median(double *v, long n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* --repeat: the program run a->repeat times from its loaded state (each dpu_rt_run starts
 * afresh), the median and fastest wall time and the median CPU time of one run printed on
 * stderr; out keeps the last run's outputs. The timed span is dpu_rt_run alone, what an engine's
 * own benchmark (ONNX Runtime's session.run) times: inputs in, every step, outputs out. */
static int run_repeated(struct dpu_rt *rt, const struct args *a, const struct dpu_tensor *in,
                        struct dpu_tensor *out, size_t nout, struct dpu_diag *d)
{
    double *wall = calloc((size_t)a->repeat, sizeof *wall);
    double *cpu = calloc((size_t)a->repeat, sizeof *cpu);
    int err = wall && cpu ? DPU_OK : dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    for (long k = 0; k < a->repeat && !err; k++) {
        for (size_t i = 0; i < nout; i++)
            dpu_tensor_free(&out[i]);
        double w0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
        err = dpu_rt_run(rt, in, (size_t)a->ninputs, out, nout, d);
        cpu[k] = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        wall[k] = now_s(CLOCK_MONOTONIC) - w0;
    }
    if (!err) {
        double mw = median(wall, a->repeat); /* sorts: wall[0] is then the fastest run */
        fprintf(stderr, "dpusim: %ld runs: median_ms=%.3f min_ms=%.3f cpu_median_ms=%.3f\n",
                a->repeat, 1e3 * mw, 1e3 * wall[0], 1e3 * median(cpu, a->repeat));
    }
    free(wall);
    free(cpu);
    return err;
}

/* Runs the loaded program; returns the exit code. */
static int run(struct dpu_rt *rt, const struct args *a, struct dpu_diag *d)
{
    bool outputs_optional = a->timing && a->noutputs == 0;
    if ((size_t)a->ninputs != dpu_rt_ninputs(rt) ||
        ((size_t)a->noutputs != dpu_rt_noutputs(rt) && !outputs_optional)) {
        fprintf(stderr, "dpusim: %d --input and %d -o given\n", a->ninputs, a->noutputs);
        list_tensors(rt, true);
        list_tensors(rt, false);
        return 1;
    }
    struct dpu_tensor in[MAX_FILES], out[MAX_FILES];
    memset(in, 0, sizeof in);
    memset(out, 0, sizeof out);
    struct dpu_graph g, model;
    dpu_graph_init(&g);
    dpu_graph_init(&model);
    int err = a->check ? dpu_q8_load_any(a->check, &g, d) : DPU_OK;
    if (!err && a->model)
        err = dpu_q8_load_any(a->model, &model, d);
    size_t nout = dpu_rt_noutputs(rt);
    if (!err && nout > MAX_FILES)
        err = dpu_diag_set(d, DPU_E_RANGE, "the program has more than %d outputs", MAX_FILES);
    for (int i = 0; i < a->ninputs && !err; i++)
        err = dpu_npy_read(a->inputs[i], &in[i], d);
    if (!err && isatty(fileno(stderr)))
        rt->trace = progress;
    struct timing_run tr;
    memset(&tr, 0, sizeof tr);
    if (!err && a->timing)
        err = timing_run_attach(&tr, rt, a->prog, d);
    if (!err && a->repeat)
        err = run_repeated(rt, a, in, out, nout, d);
    else if (!err)
        err = dpu_rt_run(rt, in, (size_t)a->ninputs, out, nout, d);
    if (!err && a->timing) {
        struct timing_opts o = {a->prog, a->report, a->trace, a->plot,
                                a->model   ? &model
                                : a->check ? &g
                                           : NULL};
        err = timing_run_finish(&tr, &o, d);
    }
    if (a->timing)
        timing_run_free(&tr, rt);
    rt->trace = NULL;
    for (int i = 0; i < a->noutputs && !err; i++)
        err = dpu_npy_write(a->outputs[i], &out[i], d);
    int code = err ? fail(d) : 0;
    if (!err && a->check) {
        int r = dpusim_check(rt, &g, in, (size_t)a->ninputs, out, stdout, d);
        if (r < 0)
            code = fail(d);
        else if (r > 0)
            code = 1;
        else
            printf("dpusim: %d output%s bytewise equal to the reference interpreter (%s)\n",
                   (int)nout, nout == 1 ? "" : "s", a->check);
    }
    for (int i = 0; i < MAX_FILES; i++) {
        dpu_tensor_free(&in[i]);
        dpu_tensor_free(&out[i]);
    }
    dpu_graph_free(&g);
    dpu_graph_free(&model);
    return code;
}

int main(int argc, char **argv)
{
    struct args a;
    memset(&a, 0, sizeof a);
    int r = parse(argc, argv, &a);
    if (r < 0) {
        usage(stdout);
        return 0;
    }
    if (r)
        return 1;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    const struct dpu_preset *preset = NULL;
    if (a.arch) {
        preset = dpu_preset_find(a.arch);
        if (!preset) {
            fprintf(stderr, "dpusim: unknown preset '%s'; known presets:", a.arch);
            for (size_t i = 0; i < dpu_preset_count; i++)
                fprintf(stderr, " %s", dpu_presets[i].name);
            fprintf(stderr, "\n");
            return 1;
        }
    }
    struct dpu_program p;
    dpu_program_init(&p);
    if (dpu_program_read(a.prog, &p, &d))
        return fail(&d);
    /* The backend needs a preset before dpu_rt_load validates: the one asked for, else the
     * one the program names (an unknown one is refused by the validation below). */
    const struct dpu_preset *dev = preset ? preset : dpu_preset_find(p.preset_name);
    if (a.timing_only) {
        int code = 0;
        struct dpu_graph model;
        dpu_graph_init(&model);
        int err = a.model ? dpu_q8_load_any(a.model, &model, &d) : DPU_OK;
        if (!err)
            err = dev ? DPU_OK : dpu_program_validate(&p, NULL, &d);
        if (!err && !dev)
            err =
                dpu_diag_set(&d, DPU_E_INVALID, "program names unknown preset '%s'", p.preset_name);
        struct timing_opts o = {a.prog, a.report, a.trace, a.plot, a.model ? &model : NULL};
        if (!err)
            err = timing_only_run(&p, dev, &o, &d);
        if (err)
            code = fail(&d);
        dpu_graph_free(&model);
        dpu_program_free(&p);
        return code;
    }
    struct dpu_rt_backend b = {NULL, NULL};
    int err = dev ? dpu_rt_sim_backend(dev, a.races, &b, &d) : DPU_OK;
    struct dpu_rt rt;
    if (!err)
        err = dpu_rt_load(&rt, &p, preset, b.ops ? &b : NULL, &d);
    int code = err ? fail(&d) : run(&rt, &a, &d);
    if (!err)
        dpu_rt_unload(&rt);
    dpu_program_free(&p);
    return code;
}
