/* dpusim --timing / --timing-only (timing_cli.h). */
#include <stdlib.h>
#include <string.h>

#include "dpu/sim.h"

#include "timing_cli.h"

static int emit(const struct timing_report *rep, const struct timing_opts *o, struct dpu_diag *d)
{
    int err = tr_print_table(rep, stdout);
    if (err)
        return dpu_diag_set(d, err, "cannot write the table to stdout");
    if (!err && o->report)
        err = tr_write_json(rep, o->report, d);
    if (!err && o->trace)
        err = tr_write_trace(rep, o->trace, d);
    if (!err && o->plot)
        err = tr_write_svg(rep, o->plot, d);
    return err;
}

/* After each accelerator step the model holds that segment's schedule. */
static int hook(void *user, const struct dpu_rt *rt, const struct dpu_rt_event *ev)
{
    struct timing_run *tr = user;
    if (ev->phase == DPU_RT_STEP_END && ev->info->kind == DPU_PROG_STEP_ACCEL)
        tr_segment(&tr->rep, ev->step, tr->t);
    return tr->chain ? tr->chain(tr->chain_user, rt, ev) : 0;
}

int timing_run_attach(struct timing_run *tr, struct dpu_rt *rt, const char *prog_path,
                      struct dpu_diag *d)
{
    memset(tr, 0, sizeof *tr);
    struct dpu_sim *sim = dpu_rt_sim_backend_sim(&rt->backend);
    if (!sim)
        return dpu_diag_set(d, DPU_E_INTERNAL, "--timing needs the simulator backend");
    int err = dpu_timing_create(rt->preset, &tr->t, d);
    if (!err)
        err = tr_init(&tr->rep, rt->program, prog_path, rt->preset, false, d);
    if (err) {
        dpu_timing_destroy(tr->t);
        tr->t = NULL;
        return err;
    }
    dpu_sim_set_timing(sim, tr->t);
    tr->chain = rt->trace;
    tr->chain_user = rt->trace_user;
    rt->trace = hook;
    rt->trace_user = tr;
    return DPU_OK;
}

int timing_run_finish(struct timing_run *tr, const struct timing_opts *o, struct dpu_diag *d)
{
    int err = tr_finish(&tr->rep, o->model, d);
    return err ? err : emit(&tr->rep, o, d);
}

void timing_run_free(struct timing_run *tr, struct dpu_rt *rt)
{
    if (rt) {
        dpu_sim_set_timing(dpu_rt_sim_backend_sim(&rt->backend), NULL);
        if (rt->trace == hook) {
            rt->trace = tr->chain;
            rt->trace_user = tr->chain_user;
        }
    }
    tr_free(&tr->rep);
    dpu_timing_destroy(tr->t);
    tr->t = NULL;
}

int timing_only_run(const struct dpu_program *p, const struct dpu_preset *preset,
                    const struct timing_opts *o, struct dpu_diag *d)
{
    int err = dpu_program_validate(p, preset, d);
    if (err)
        return err;
    struct dpu_sim *sim = NULL;
    struct dpu_timing *t = NULL;
    struct timing_report rep;
    memset(&rep, 0, sizeof rep);
    uint8_t *region[DPU_REGION_COUNT] = {NULL};
    err = dpu_sim_create(preset, &sim, d);
    if (!err)
        err = dpu_timing_create(preset, &t, d);
    if (!err)
        err = tr_init(&rep, p, o->prog, preset, true, d);
    /* The regions are lent only for their sizes (the range checks): with data off nothing
     * reads or writes them, so calloc's untouched pages cost nothing. */
    for (int r = 0; !err && r < DPU_REGION_COUNT; r++) {
        if (!p->region_size[r])
            continue;
        region[r] = calloc((size_t)p->region_size[r], 1);
        if (!region[r])
            err = dpu_diag_set(d, DPU_E_NOMEM, "out of memory for region %d (%llu bytes)", r,
                               (unsigned long long)p->region_size[r]);
        else
            err = dpu_sim_set_region(sim, r, region[r], p->region_size[r]);
    }
    if (!err) {
        dpu_sim_set_data(sim, false);
        dpu_sim_set_timing(sim, t);
    }
    for (size_t s = 0; !err && s < p->nsteps; s++) {
        const struct dpu_prog_step *ps = &p->steps[s];
        if (ps->kind != DPU_PROG_STEP_ACCEL)
            continue;
        struct dpu_sim_status st;
        err = dpu_sim_run(sim, p->insns + ps->first, (size_t)ps->count, &st, d);
        if (err) {
            char msg[sizeof d->msg];
            snprintf(msg, sizeof msg, "%s", dpu_diag_message(d));
            err = dpu_diag_set(d, err, "plan step %zu (accel '%s'): %s", s,
                               ps->name ? ps->name : "", msg);
            break;
        }
        tr_segment(&rep, s, t);
    }
    if (!err)
        err = tr_finish(&rep, o->model, d);
    if (!err)
        err = emit(&rep, o, d);
    tr_free(&rep);
    dpu_timing_destroy(t);
    dpu_sim_destroy(sim);
    for (int r = 0; r < DPU_REGION_COUNT; r++)
        free(region[r]);
    return err;
}
