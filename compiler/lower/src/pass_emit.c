/* Pass emit: the dpu_program. Target preset, the instruction stream, the CONST image, region
 * sizes, the tensor table (graph inputs and outputs with their names, and every tensor
 * crossing a step), the plan (accelerator segments and CPU steps in order) and one layer per
 * accelerator node; then dpu_program_validate, whose refusal is a compiler bug. */
#include <stdlib.h>
#include <string.h>

#include "lower.h"

static int add_tensors(struct lw_ctx *c)
{
    const struct dpu_graph *g = c->g;
    for (size_t t = 0; t < g->ntensors; t++) {
        struct lw_tensor *lt = &c->tensors[t];
        if (!lt->in_prog)
            continue;
        const struct dpu_gtensor *gt = &g->tensors[t];
        struct dpu_prog_tensor pt;
        memset(&pt, 0, sizeof pt);
        pt.name = gt->name;
        pt.role = lt->graph_in    ? DPU_PROG_ROLE_INPUT
                  : lt->graph_out ? DPU_PROG_ROLE_OUTPUT
                                  : DPU_PROG_ROLE_INTERNAL;
        pt.region = (enum dpu_region)lt->region;
        pt.offset = lt->off;
        pt.size = lt->size;
        lw_prog_tensor_shape(c, t, &pt);
        if (gt->quant.count == 1) {
            pt.quantized = true;
            pt.scale = gt->quant.scale[0];
            pt.zero_point = gt->quant.zero_point ? gt->quant.zero_point[0] : 0;
        }
        int err = dpu_program_add_tensor(c->prog, &pt, &lt->prog_index, c->d);
        if (err)
            return err;
    }
    return 0;
}

static int add_steps(struct lw_ctx *c)
{
    const struct dpu_graph *g = c->g;
    char name[DPU_PROG_NAME_MAX / 2];
    for (size_t s = 0; s < c->nsteps; s++) {
        const struct lw_step *st = &c->steps[s];
        const char *a = g->nodes[st->first].name, *b = g->nodes[st->last].name;
        if (st->first == st->last)
            snprintf(name, sizeof name, "%s %s", st->accel ? "accel" : "cpu", a);
        else
            snprintf(name, sizeof name, "%s %s .. %s", st->accel ? "accel" : "cpu", a, b);
        int err;
        if (st->accel) {
            err = dpu_program_add_accel_step(c->prog, name, st->insn_first, st->insn_count, c->d);
        } else {
            uint8_t *q8 = NULL;
            uint32_t *ins = NULL, *outs = NULL;
            size_t len = 0, nin = 0, nout = 0;
            err = lw_cpu_subgraph(c, st->first, st->last, &q8, &len, &ins, &nin, &outs, &nout);
            if (!err)
                err = dpu_program_add_cpu_step(c->prog, name, q8, len, ins, nin, outs, nout, c->d);
            free(q8);
            free(ins);
            free(outs);
        }
        if (err)
            return err;
    }
    /* A layer's instructions are the runs of instructions tagged with its node: pass isel
     * may interleave consecutive layers (lw_order.c). */
    size_t nruns = 0;
    for (size_t i = 0; i < c->ninsns; i++)
        if (c->insns[i].node >= 0 && (i == 0 || c->insns[i - 1].node != c->insns[i].node))
            nruns++;
    struct dpu_prog_range *runs = malloc((nruns ? nruns : 1) * sizeof *runs);
    size_t *first = calloc(g->nnodes + 1, sizeof *first), *fill = NULL;
    if (!runs || !first || !(fill = malloc((g->nnodes + 1) * sizeof *fill))) {
        free(runs);
        free(first);
        return dpu_diag_set(c->d, DPU_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < c->ninsns; i++) /* runs per node, then their start in runs[] */
        if (c->insns[i].node >= 0 && (i == 0 || c->insns[i - 1].node != c->insns[i].node))
            first[c->insns[i].node + 1]++;
    for (size_t n = 0; n < g->nnodes; n++)
        first[n + 1] += first[n];
    memcpy(fill, first, (g->nnodes + 1) * sizeof *fill);
    for (size_t i = 0; i < c->ninsns; i++) {
        int n = c->insns[i].node;
        if (n < 0)
            continue;
        if (i == 0 || c->insns[i - 1].node != n)
            runs[fill[n]++] = (struct dpu_prog_range){i, 0};
        runs[fill[n] - 1].count++;
    }
    int err = 0;
    for (size_t n = 0; n < g->nnodes && !err; n++) {
        const struct lw_node *ln = &c->nodes[n];
        if (ln->kind == LW_CPU || first[n + 1] == first[n]) /* views, in-place concats */
            continue;
        err = dpu_program_add_layer(c->prog, g->nodes[n].name, dpu_node_op_name(g->nodes[n].op),
                                    runs + first[n], first[n + 1] - first[n], c->d);
    }
    free(runs);
    free(first);
    free(fill);
    return err;
}

int lw_pass_emit(struct lw_ctx *c)
{
    struct dpu_program *p = c->prog;
    int err = dpu_program_set_target(p, c->p, c->d);
    if (err)
        return err;
    dpu_insn *insns = malloc(sizeof *insns * (c->ninsns ? c->ninsns : 1));
    if (!insns)
        return dpu_diag_set(c->d, DPU_E_NOMEM, "out of memory");
    for (size_t i = 0; i < c->ninsns; i++)
        insns[i] = c->insns[i].in;
    err = dpu_program_set_insns(p, insns, c->ninsns, c->d);
    free(insns);
    if (!err && c->ncst)
        err = dpu_program_set_const(p, c->cst, c->ncst, c->d);
    if (err)
        return err;
    for (int r = DPU_REGION_INPUT; r < DPU_REGION_COUNT; r++)
        p->region_size[r] = c->region_size[r];
    if ((err = add_tensors(c)) || (err = add_steps(c)))
        return err;
    struct dpu_diag vd;
    dpu_diag_clear(&vd);
    if (dpu_program_validate(p, c->p, &vd))
        lw_ice(c, "the program does not validate: %s", vd.msg);
    return 0;
}
