/* dpusim --timing and --timing-only: the glue between the command line, the timing model
 * attached to the simulator and the report (timing_report.h). */
#ifndef DPUSIM_TIMING_CLI_H
#define DPUSIM_TIMING_CLI_H

#include <stdbool.h>

#include "dpu/graph.h"
#include "dpu/runtime.h"
#include "dpu/sim_timing.h"

#include "timing_report.h"

struct timing_opts {
    const char *prog;                  /* the program's path, for the report */
    const char *report, *trace, *plot; /* NULL: not asked for */
    const struct dpu_graph *model;     /* gives per-layer MACs; NULL: issued MACs */
};

/* The state of a --timing run through the runtime: the model attached to the simulator of
 * the backend and the report it fills, step by step, from the runtime's trace hook. */
struct timing_run {
    struct dpu_timing *t;
    struct timing_report rep;
    dpu_rt_trace_fn chain; /* the hook that was there before (progress), or NULL */
    void *chain_user;
};

/* Attaches a new model to the simulator of rt's backend and installs the trace hook. */
int timing_run_attach(struct timing_run *tr, struct dpu_rt *rt, const char *prog_path,
                      struct dpu_diag *d);
/* Finishes the report after dpu_rt_run, prints it and writes the files asked for. */
int timing_run_finish(struct timing_run *tr, const struct timing_opts *o, struct dpu_diag *d);
void timing_run_free(struct timing_run *tr, struct dpu_rt *rt);

/* --timing-only: every accelerator segment of p through a data-less simulator with the model
 * attached, then the report. preset: the device (already chosen by the caller). */
int timing_only_run(const struct dpu_program *p, const struct dpu_preset *preset,
                    const struct timing_opts *o, struct dpu_diag *d);

#endif
