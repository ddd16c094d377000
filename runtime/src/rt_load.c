/* dpu_rt_load / dpu_rt_unload: check the program, allocate its regions, decode its CPU
 * steps, and hand the regions to the device. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/q8.h"
#include "dpu/runtime.h"

static void backend_release(struct dpu_rt_backend *b)
{
    if (b->ops && b->ops->destroy)
        b->ops->destroy(b->dev);
    b->ops = NULL;
    b->dev = NULL;
}

void dpu_rt_unload(struct dpu_rt *rt)
{
    if (!rt)
        return;
    for (int r = 0; r < DPU_REGION_COUNT; r++)
        free(rt->region[r]);
    if (rt->cpu && rt->program) {
        for (size_t i = 0; i < rt->program->nsteps; i++)
            dpu_graph_free(&rt->cpu[i].graph);
    }
    free(rt->cpu);
    backend_release(&rt->backend);
    memset(rt, 0, sizeof *rt);
}

/* The preset the program will run on: the caller's, or the one it names (validated). */
static const struct dpu_preset *pick_preset(const struct dpu_program *p,
                                            const struct dpu_preset *preset)
{
    return preset ? preset : dpu_preset_find(p->preset_name);
}

static int alloc_regions(struct dpu_rt *rt, struct dpu_diag *d)
{
    const struct dpu_program *p = rt->program;
    for (int r = 0; r < DPU_REGION_COUNT; r++) {
        uint64_t size = p->region_size[r];
        if (size == 0)
            continue;
        if (size > (uint64_t)SIZE_MAX)
            return dpu_diag_set(d, DPU_E_RANGE, "region %s: %llu bytes do not fit in memory",
                                dpu_prog_region_name(r), (unsigned long long)size);
        rt->region[r] = calloc(1, (size_t)size);
        if (!rt->region[r])
            return dpu_diag_set(d, DPU_E_NOMEM, "region %s: cannot allocate %llu bytes",
                                dpu_prog_region_name(r), (unsigned long long)size);
    }
    if (p->region_size[DPU_REGION_CONST])
        memcpy(rt->region[DPU_REGION_CONST], p->const_data,
               (size_t)p->region_size[DPU_REGION_CONST]);
    return DPU_OK;
}

/* Decodes a CPU step's model.q8 and checks that its inputs and outputs match the bound
 * program tensors (dtype and logical shape). */
static int prepare_cpu_step(struct dpu_rt *rt, size_t i, struct dpu_diag *d)
{
    const struct dpu_program *p = rt->program;
    const struct dpu_prog_step *s = &p->steps[i];
    struct dpu_graph *g = &rt->cpu[i].graph;
    char what[64];
    snprintf(what, sizeof what, "plan step %zu", i);
    struct dpu_diag inner;
    dpu_diag_clear(&inner);
    int err = dpu_q8_decode(what, s->q8, s->q8_len, g, &inner);
    if (err)
        return dpu_diag_set(d, err, "plan step %zu (cpu '%s'): its model.q8: %s", i,
                            s->name ? s->name : "", dpu_diag_message(&inner));
    if (g->ninputs != s->n_inputs || g->noutputs != s->n_outputs)
        return dpu_diag_set(d, DPU_E_INVALID,
                            "plan step %zu (cpu '%s'): the subgraph has %zu inputs and %zu "
                            "outputs, the step binds %zu and %zu",
                            i, s->name ? s->name : "", g->ninputs, g->noutputs, s->n_inputs,
                            s->n_outputs);
    for (size_t k = 0; k < s->n_inputs + s->n_outputs; k++) {
        bool in = k < s->n_inputs;
        size_t j = in ? k : k - s->n_inputs;
        const struct dpu_gtensor *gt = &g->tensors[in ? g->inputs[j] : g->outputs[j]];
        const struct dpu_prog_tensor *pt = &p->tensors[in ? s->inputs[j] : s->outputs[j]];
        bool same = gt->dtype == pt->dtype && gt->rank == pt->rank &&
                    memcmp(gt->dims, pt->dims, sizeof(int64_t) * (size_t)gt->rank) == 0;
        if (!same) {
            char a[DPU_SHAPE_STR_MAX], b[DPU_SHAPE_STR_MAX];
            return dpu_diag_set(d, DPU_E_INVALID,
                                "plan step %zu (cpu '%s'): %s %zu '%s' is %s %s, but the bound "
                                "program tensor '%s' is %s %s",
                                i, s->name ? s->name : "", in ? "input" : "output", j, gt->name,
                                dpu_dtype_name(gt->dtype),
                                dpu_shape_format(gt->rank, gt->dims, a, sizeof a), pt->name,
                                dpu_dtype_name(pt->dtype),
                                dpu_shape_format(pt->rank, pt->dims, b, sizeof b));
        }
    }
    return DPU_OK;
}

int dpu_rt_load(struct dpu_rt *rt, const struct dpu_program *p, const struct dpu_preset *preset,
                const struct dpu_rt_backend *backend, struct dpu_diag *d)
{
    memset(rt, 0, sizeof *rt);
    if (backend)
        rt->backend = *backend;
    rt->program = p;
    int err = dpu_program_validate(p, preset, d);
    if (!err) {
        rt->preset = pick_preset(p, preset);
        if (!rt->preset)
            err = dpu_diag_set(d, DPU_E_INTERNAL, "validated program names no known preset");
    }
    if (!err && !rt->backend.ops)
        err = dpu_rt_sim_backend(rt->preset, false, &rt->backend, d);
    if (!err)
        err = alloc_regions(rt, d);
    if (!err && p->nsteps) {
        rt->cpu = calloc(p->nsteps, sizeof *rt->cpu);
        if (!rt->cpu)
            err = dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; !err && i < p->nsteps; i++) {
        if (p->steps[i].kind == DPU_PROG_STEP_CPU)
            err = prepare_cpu_step(rt, i, d);
    }
    for (int r = 0; !err && r < DPU_REGION_COUNT; r++)
        err = rt->backend.ops->set_region(rt->backend.dev, r, rt->region[r], p->region_size[r], d);
    if (err)
        dpu_rt_unload(rt);
    return err;
}

static int64_t nth_with_role(const struct dpu_rt *rt, enum dpu_prog_role role, size_t i)
{
    const struct dpu_program *p = rt->program;
    for (size_t k = 0; p && k < p->ntensors; k++) {
        if (p->tensors[k].role == role && i-- == 0)
            return (int64_t)k;
    }
    return -1;
}

static size_t count_role(const struct dpu_rt *rt, enum dpu_prog_role role)
{
    size_t n = 0;
    for (size_t k = 0; rt->program && k < rt->program->ntensors; k++)
        n += rt->program->tensors[k].role == role;
    return n;
}

size_t dpu_rt_ninputs(const struct dpu_rt *rt)
{
    return count_role(rt, DPU_PROG_ROLE_INPUT);
}

size_t dpu_rt_noutputs(const struct dpu_rt *rt)
{
    return count_role(rt, DPU_PROG_ROLE_OUTPUT);
}

int64_t dpu_rt_input_tensor(const struct dpu_rt *rt, size_t i)
{
    return nth_with_role(rt, DPU_PROG_ROLE_INPUT, i);
}

int64_t dpu_rt_output_tensor(const struct dpu_rt *rt, size_t i)
{
    return nth_with_role(rt, DPU_PROG_ROLE_OUTPUT, i);
}
