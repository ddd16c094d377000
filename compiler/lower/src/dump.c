/* --dump-after: the IR as far as it is filled in, as text. */
#include "dpu/asm.h"
#include "lower.h"

static const char *kind_name(enum lw_kind k)
{
    static const char *const names[] = {
        [LW_CPU] = "cpu",       [LW_CONV] = "conv",       [LW_DW] = "dwconv", [LW_POOL] = "pool",
        [LW_ELTW] = "eltw",     [LW_RESCALE] = "rescale", [LW_LUT] = "lut",   [LW_VIEW] = "view",
        [LW_CONCAT] = "concat", [LW_GROUP] = "group"};
    return (unsigned)k < sizeof names / sizeof names[0] && names[k] ? names[k] : "?";
}

void lw_dump(struct lw_ctx *c, FILE *f)
{
    const struct dpu_graph *g = c->g;
    fprintf(f, "; preset %s (R %u, C %u), %zu nodes, %zu steps\n", c->p->name, c->R, c->C,
            g->nnodes, c->nsteps);
    for (size_t n = 0; n < g->nnodes && c->stage >= LW_PARTITION; n++) {
        const struct lw_node *ln = &c->nodes[n];
        fprintf(f, "node %zu '%s' (%s): %s step %d", n, g->nodes[n].name,
                dpu_node_op_name(g->nodes[n].op), kind_name(ln->kind), ln->step);
        if (ln->kind == LW_CPU)
            fprintf(f, " (%s)", ln->why);
        if (c->stage >= LW_TILE && ln->band > 0)
            fprintf(f, " band %d rows%s%s%s%s", ln->band, ln->wgt_all ? " wgt-all" : "",
                    ln->param_all ? " param-all" : "", ln->flat ? " flat" : "",
                    ln->pack ? " packed" : "");
        if (c->stage >= LW_TILE && ln->band > 0 && ln->pack)
            fprintf(f, " (%d kernel rows%s%s)", ln->pack_kr, ln->pack_piece ? ", pieces" : "",
                    ln->pair ? ", pairs" : "");
        if (c->stage >= LW_ISEL && ln->kind != LW_CPU)
            fprintf(f, " insns [%zu, +%zu)", ln->insn_first, ln->insn_count);
        fputc('\n', f);
    }
    for (size_t t = 0; t < g->ntensors && c->stage >= LW_LAYOUT; t++) {
        const struct lw_tensor *lt = &c->tensors[t];
        if (lt->resident && c->stage >= LW_RESIDENT)
            fprintf(f, "tensor '%s': resident in ACT at %llu, pixel stride %llu, nodes %d..%d\n",
                    g->tensors[t].name, (unsigned long long)lt->act_off,
                    (unsigned long long)lt->act_ps, lt->live_first, lt->live_last);
        if (!lt->in_prog)
            continue;
        fprintf(f, "tensor '%s': %s", g->tensors[t].name, dpu_prog_layout_name(lt->layout));
        if (lt->layout == DPU_PROG_LAYOUT_NHWC)
            fprintf(f, " cpad %u", lt->cpad);
        if (c->stage >= LW_DDR)
            fprintf(f, " %s+%llu size %llu", dpu_prog_region_name(lt->region),
                    (unsigned long long)lt->off, (unsigned long long)lt->size);
        fputc('\n', f);
    }
    for (size_t i = 0; i < c->ninsns && c->stage >= LW_ISEL; i++) {
        char line[DPU_DISASM_LINE_MAX];
        struct dpu_diag d;
        if (dpu_disasm_insn(&c->insns[i].in, line, sizeof line, &d))
            snprintf(line, sizeof line, "<invalid instruction>");
        int n = c->insns[i].node;
        fprintf(f, "%s ; #%zu %s\n", line, i, n >= 0 ? g->nodes[n].name : "");
    }
}
