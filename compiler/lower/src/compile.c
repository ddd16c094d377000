/* dpu_compile: the pass pipeline, in one place. Each pass annotates the IR (lower.h); the
 * verifier checks the annotations after every pass, and --dump-after prints them. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

static const struct {
    const char *name;
    int (*run)(struct lw_ctx *c);
} passes[] = {
    {"check", lw_pass_check},         /* a verified quantized graph */
    {"partition", lw_pass_partition}, /* accelerator or CPU, per node; steps */
    {"layout", lw_pass_layout},       /* NHWC with padded channels between accel ops */
    {"tile", lw_pass_tile},           /* output row bands that fit the buffers */
    {"resident", lw_pass_resident},   /* activation tensors kept whole in ACT */
    {"ddr", lw_pass_ddr},             /* regions and offsets of every program tensor */
    {"isel", lw_pass_isel},           /* instructions, packed weights and records */
    {"schedule", lw_pass_schedule},   /* dependency tokens */
    {"emit", lw_pass_emit},           /* the dpu_program, validated */
};
#define NPASSES (sizeof passes / sizeof passes[0])

const char *const dpu_compile_pass_names[] = {"check", "partition", "layout",   "tile", "resident",
                                              "ddr",   "isel",      "schedule", "emit", NULL};

bool dpu_compile_pass_known(const char *name)
{
    for (size_t i = 0; name && dpu_compile_pass_names[i]; i++)
        if (strcmp(name, dpu_compile_pass_names[i]) == 0)
            return true;
    return false;
}

_Noreturn void lw_ice(const struct lw_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "dpucompile: internal error in pass %s: ", c->pass ? c->pass : "?");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

int lw_node_error(struct lw_ctx *c, size_t n, int err, const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const struct dpu_gnode *gn = &c->g->nodes[n];
    return dpu_diag_set(c->d, err, "node '%s' (%s): %s", gn->name, dpu_node_op_name(gn->op), msg);
}

static void ctx_free(struct lw_ctx *c)
{
    free(c->nodes);
    free(c->tensors);
    free(c->steps);
    free(c->insns);
    free(c->cst);
}

int dpu_compile(struct dpu_graph *g, const struct dpu_compile_opts *opts, struct dpu_program *out,
                struct dpu_diag *d)
{
    struct dpu_diag local;
    if (!d)
        d = &local;
    dpu_diag_clear(d);
    dpu_program_init(out);
    if (!g || !opts || !opts->preset)
        return dpu_diag_set(d, DPU_E_INVALID, "dpu_compile: graph and preset are required");
    if (opts->dump_after && !dpu_compile_pass_known(opts->dump_after))
        return dpu_diag_set(d, DPU_E_INVALID, "unknown pass '%s' for --dump-after",
                            opts->dump_after);
    struct lw_ctx c;
    memset(&c, 0, sizeof c);
    c.g = g, c.p = opts->preset, c.o = opts, c.d = d, c.prog = out;
    c.R = opts->preset->array_rows, c.C = opts->preset->array_cols;
    dpu_timing_consts_of(opts->preset, &c.tk);
    int err = 0;
    for (size_t i = 0; i < NPASSES && !err; i++) {
        c.pass = passes[i].name;
        err = passes[i].run(&c);
        if (err)
            break;
        c.stage = (enum lw_stage)(i + 1);
        lw_verify(&c);
        if (opts->dump_after && strcmp(opts->dump_after, passes[i].name) == 0) {
            FILE *f = opts->dump ? opts->dump : stdout;
            fprintf(f, "; IR after pass %s\n", passes[i].name);
            lw_dump(&c, f);
        }
    }
    ctx_free(&c);
    if (err)
        dpu_program_free(out);
    return err;
}
