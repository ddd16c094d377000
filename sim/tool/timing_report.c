/* The timing report: collection of the segments' schedules, per-layer attribution, roofline
 * bounds and the human table (timing_report.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/graph_info.h"

#include "timing_report.h"
#include "timing_share.h"

static uint64_t max64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
    return (a + b - 1) / b;
}

const char *tr_bound_name(enum tr_bound b)
{
    static const char *const names[] = {"compute", "memory", "dependency"};
    return names[b];
}

double tr_latency_ms(const struct timing_report *r, uint64_t cycles)
{
    return (double)cycles / (r->k.clock_mhz * 1e3);
}

double tr_utilization(const struct timing_report *r, uint64_t macs, uint64_t cycles)
{
    return cycles ? (double)macs / ((double)cycles * r->k.R * r->k.C) : 0.0;
}

double tr_peak_gops(const struct timing_report *r)
{
    return 2.0 * r->k.R * r->k.C * r->k.clock_mhz / 1e3;
}

int tr_init(struct timing_report *r, const struct dpu_program *p, const char *prog_path,
            const struct dpu_preset *preset, bool timing_only, struct dpu_diag *d)
{
    memset(r, 0, sizeof *r);
    r->prog = p;
    r->prog_path = prog_path;
    r->preset_name = preset->name;
    r->timing_only = timing_only;
    dpu_timing_consts_of(preset, &r->k);
    r->steps = calloc(p->nsteps ? p->nsteps : 1, sizeof *r->steps);
    r->insns = calloc(p->ninsns ? p->ninsns : 1, sizeof *r->insns);
    if (!r->steps || !r->insns) {
        tr_free(r);
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for the timing report");
    }
    for (size_t i = 0; i < p->nsteps; i++) {
        r->steps[i].accel = p->steps[i].kind == DPU_PROG_STEP_ACCEL;
        r->steps[i].name = p->steps[i].name ? p->steps[i].name : "";
    }
    for (size_t i = 0; i < p->ninsns; i++) {
        r->insns[i].layer = -1;
        r->insns[i].opcode = (unsigned)dpu_insn_get_opcode(&p->insns[i]);
    }
    return DPU_OK;
}

void tr_free(struct timing_report *r)
{
    free(r->steps);
    free(r->insns);
    free(r->layers);
    memset(r, 0, sizeof *r);
}

void tr_segment(struct timing_report *r, size_t step, const struct dpu_timing *t)
{
    struct tr_step *s = &r->steps[step];
    const struct dpu_prog_step *ps = &r->prog->steps[step];
    s->offset = r->cycles;
    s->ran = true;
    dpu_timing_totals(t, &s->tot);
    s->cycles = s->tot.cycles;
    size_t n;
    const struct dpu_timing_rec *rec = dpu_timing_records(t, &n);
    for (size_t i = 0; i < n && i < ps->count; i++) {
        struct tr_insn *x = &r->insns[ps->first + i];
        x->head = s->offset + rec[i].head;
        x->start = s->offset + rec[i].start;
        x->end = s->offset + rec[i].end;
        x->done = s->offset + rec[i].done;
        x->free = s->offset + rec[i].free;
        x->cycles = rec[i].busy; /* DDR waits included */
        x->ddr_wait = rec[i].ddr_wait;
        x->interlock = rec[i].interlock;
        x->engine = rec[i].engine;
        x->timed = true;
    }
    r->cycles += s->cycles;
    for (int e = 0; e < DPU_ENGINE_COUNT; e++) {
        r->busy[e] += s->tot.busy[e];
        r->stall[e] += s->tot.stall[e];
    }
    r->fetch_stall += s->tot.fetch_stall;
    r->ddr_wait += s->tot.ddr_wait;
    r->issued_macs += s->tot.issued_macs;
    r->ddr_read += s->tot.ddr_read;
    r->ddr_write += s->tot.ddr_write;
}

/* The step holding instruction i. */
static size_t step_of(const struct dpu_program *p, uint64_t i)
{
    for (size_t s = 0; s < p->nsteps; s++)
        if (p->steps[s].kind == DPU_PROG_STEP_ACCEL && i >= p->steps[s].first &&
            i < p->steps[s].first + p->steps[s].count)
            return s;
    return 0;
}

static uint64_t model_macs(const struct dpu_graph_info *gi, const char *name, bool *found)
{
    for (size_t i = 0; gi && i < gi->nnodes; i++) {
        if (gi->nodes[i].node->name && !strcmp(gi->nodes[i].node->name, name)) {
            *found = true;
            return gi->nodes[i].macs > 0 ? (uint64_t)gi->nodes[i].macs : 0;
        }
    }
    return 0;
}

/* DDR cycles of n bytes at DDR_BPC: the transfer formula without latency or bursts. */
static uint64_t ddr_ideal(const struct dpu_timing_consts *k, uint64_t n)
{
    return max64(ceil_div(n * k->clock_mhz, k->ddr_mbps), ceil_div(n, k->bus_bytes));
}

uint64_t tr_dw_peak(const struct timing_report *r)
{
    return (uint64_t)r->k.dw_taps * r->k.R;
}

/* The roofline bound of a layer: its MACs at the peak of the engine that performs them (the
 * array's R*C, or the MISC engine's depthwise K_DW*R for a layer whose MACs are all DWCONV
 * work) against its DDR bytes at DDR_BPC. A layer without MACs belongs to the compute engine
 * it keeps busier. */
static void layer_bounds(struct timing_report *r, struct tr_layer *L)
{
    L->misc_compute = L->issued_macs ? L->issued_macs == L->misc_macs /* no MACs: POOL, ELTW.. */
                                     : L->busy[DPU_ENGINE_MISC] > L->busy[DPU_ENGINE_CONV];
    L->peak_macs = L->misc_compute ? tr_dw_peak(r) : (uint64_t)r->k.R * r->k.C;
    L->compute_cycles = ceil_div(L->macs, L->peak_macs);
    L->memory_cycles = ddr_ideal(&r->k, L->ddr_read + L->ddr_write);
    L->roofline = max64(L->compute_cycles, L->memory_cycles);
    uint64_t comp = max64(L->busy[DPU_ENGINE_CONV], L->busy[DPU_ENGINE_MISC]);
    uint64_t mem = max64(L->busy[DPU_ENGINE_LOAD], L->busy[DPU_ENGINE_SAVE]);
    uint64_t top = max64(comp, mem);
    /* On the cycles the layer itself holds an engine, not its share: what runs beside it
     * does not make its own engines wait for one another. */
    L->exposed = L->active > top ? L->active - top : 0;
    L->bound = TR_BOUND_COMPUTE;
    if (mem > comp)
        L->bound = TR_BOUND_MEMORY;
    if (L->exposed > top)
        L->bound = TR_BOUND_DEPENDENCY;
}

/* Each layer's share of the timeline and the cycles it holds an engine (timing_share.h). An
 * instruction holds its engine over its busy cycles, [end - busy, end) as the trace shows
 * them, and a CONV also until its results are complete (done: the array's fill and drain
 * are its work too). */
static int share_timeline(struct timing_report *r)
{
    const struct dpu_program *p = r->prog;
    struct ts_hold *h = malloc((p->ninsns ? p->ninsns : 1) * sizeof *h);
    struct ts_time *t = malloc((r->nlayers + 1) * sizeof *t);
    if (!h || !t) {
        free(h), free(t);
        return DPU_E_NOMEM;
    }
    size_t nh = 0;
    for (uint64_t i = 0; i < p->ninsns; i++) {
        const struct tr_insn *x = &r->insns[i];
        if (!x->timed || x->engine < 0 || x->engine >= DPU_ENGINE_COUNT)
            continue;
        h[nh++] = (struct ts_hold){x->end - x->cycles, max64(x->end, x->done), x->layer};
    }
    uint64_t held = 0;
    int rc = ts_share(h, nh, r->nlayers, t, &held);
    if (!rc) {
        for (size_t l = 0; l < r->nlayers; l++) {
            r->layers[l].cycles = t[l].cycles;
            r->layers[l].active = t[l].active;
        }
        r->idle = r->cycles > held ? r->cycles - held : 0;
        r->unattributed = r->idle + t[r->nlayers].cycles;
    }
    free(h), free(t);
    return rc ? DPU_E_NOMEM : DPU_OK;
}

static int cmp_layer(const void *a, const void *b)
{
    const struct tr_layer *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

int tr_finish(struct timing_report *r, const struct dpu_graph *model, struct dpu_diag *d)
{
    const struct dpu_program *p = r->prog;
    struct dpu_graph_info gi;
    memset(&gi, 0, sizeof gi);
    if (model) {
        int err = dpu_graph_info_compute(model, &gi, d);
        if (err)
            return err;
    }
    r->layers = calloc(p->nlayers ? p->nlayers : 1, sizeof *r->layers);
    if (!r->layers) {
        dpu_graph_info_free(&gi);
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for the timing report");
    }
    /* Layers with instructions, each instruction to one layer (the later one wins, as
     * dpu_program_layer_map says). */
    for (size_t l = 0; l < p->nlayers; l++)
        for (size_t k = 0; k < p->layers[l].nranges; k++)
            for (uint64_t i = p->layers[l].ranges[k].first;
                 i < p->layers[l].ranges[k].first + p->layers[l].ranges[k].count && i < p->ninsns;
                 i++)
                r->insns[i].layer = (int32_t)l;
    uint64_t *first = malloc((p->nlayers ? p->nlayers : 1) * 2 * sizeof *first);
    if (!first) {
        dpu_graph_info_free(&gi);
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for the timing report");
    }
    uint64_t *count = first + (p->nlayers ? p->nlayers : 1);
    for (size_t l = 0; l < p->nlayers; l++) {
        first[l] = UINT64_MAX;
        count[l] = 0;
    }
    for (uint64_t i = 0; i < p->ninsns; i++) {
        int32_t l = r->insns[i].layer;
        if (l < 0)
            continue;
        if (i < first[l])
            first[l] = i;
        count[l]++;
    }
    size_t n = 0;
    for (size_t l = 0; l < p->nlayers; l++) {
        if (!count[l])
            continue;
        struct tr_layer *L = &r->layers[n++];
        memset(L, 0, sizeof *L);
        L->name = p->layers[l].name;
        L->op = p->layers[l].op;
        L->first = first[l];
        L->insns = count[l];
        L->step = step_of(p, L->first);
        bool found = false;
        L->macs = model_macs(model ? &gi : NULL, L->name, &found);
        L->finish = l; /* the program's layer index, until the renumbering below */
    }
    free(first);
    r->model_macs = model != NULL;
    dpu_graph_info_free(&gi);
    r->nlayers = n;
    qsort(r->layers, n, sizeof *r->layers, cmp_layer);
    int32_t *renum = malloc((p->nlayers ? p->nlayers : 1) * sizeof *renum);
    if (!renum)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for the timing report");
    for (size_t l = 0; l < p->nlayers; l++)
        renum[l] = -1;
    for (size_t l = 0; l < n; l++)
        renum[r->layers[l].finish] = (int32_t)l;
    for (uint64_t i = 0; i < p->ninsns; i++)
        if (r->insns[i].layer >= 0)
            r->insns[i].layer = renum[r->insns[i].layer];
    free(renum);

    /* Sums per layer. */
    for (size_t l = 0; l < n; l++) {
        r->layers[l].finish = 0;
        r->layers[l].span_start = UINT64_MAX;
    }
    for (uint64_t i = 0; i < p->ninsns; i++) {
        const struct tr_insn *x = &r->insns[i];
        if (x->layer < 0 || !x->timed || x->engine < 0 || x->engine >= DPU_ENGINE_COUNT)
            continue;
        struct tr_layer *L = &r->layers[x->layer];
        struct dpu_timing_cost c;
        dpu_timing_cost_of(&r->k, &p->insns[i], &c);
        L->finish = max64(L->finish, x->free);
        if (x->start < L->span_start)
            L->span_start = x->start;
        L->span_end = max64(L->span_end, x->done);
        L->busy[x->engine] += x->cycles;
        L->stall += (x->start - x->head) + x->interlock + (x->free - x->done);
        L->issued_macs += c.issued_macs;
        if (x->engine == DPU_ENGINE_MISC)
            L->misc_macs += c.issued_macs;
        L->ddr_read += c.ddr_read;
        L->ddr_write += c.ddr_write;
        if (!r->model_macs)
            L->macs += c.issued_macs;
    }
    int err = share_timeline(r);
    if (err)
        return dpu_diag_set(d, err, "out of memory for the timing report");
    /* The cycles by which each layer moves the end of the work (version 2's attribution). */
    uint64_t F = 0;
    size_t seg = SIZE_MAX;
    for (size_t l = 0; l < n; l++) {
        struct tr_layer *L = &r->layers[l];
        if (L->step != seg) { /* a new segment starts from its own start */
            seg = L->step;
            F = max64(F, r->steps[seg].offset);
        }
        if (L->span_start == UINT64_MAX) /* no instruction ran */
            L->span_start = L->span_end = F;
        L->advance_start = F;
        L->advance = L->finish > F ? L->finish - F : 0;
        F = max64(F, L->finish);
        layer_bounds(r, L);
        r->macs += L->macs;
        r->roofline += L->roofline;
    }
    return DPU_OK;
}

/* ---- the table ------------------------------------------------------------------------ */

static const char *human(uint64_t v, char *buf, size_t n)
{
    if (v >= 10000000000ull)
        snprintf(buf, n, "%.1fG", v / 1e9);
    else if (v >= 10000000ull)
        snprintf(buf, n, "%.1fM", v / 1e6);
    else if (v >= 100000ull)
        snprintf(buf, n, "%.1fk", v / 1e3);
    else
        snprintf(buf, n, "%" PRIu64, v);
    return buf;
}

int tr_print_table(const struct timing_report *r, FILE *f)
{
    const struct dpu_timing_consts *k = &r->k;
    double ms = tr_latency_ms(r, r->cycles);
    fprintf(f, "dpusim %s: %s on preset %s (%ux%u array, %u MHz, DDR %.2f bytes/cycle)\n",
            r->timing_only ? "--timing-only" : "--timing", r->prog_path, r->preset_name, k->R, k->C,
            k->clock_mhz, k->ddr_bytes_cycle);
    fprintf(f, "total        %" PRIu64 " cycles = %.4f ms at %u MHz (accelerator steps only)\n",
            r->cycles, ms, k->clock_mhz);
    if (r->cycles) {
        double gops = 2.0 * r->macs / (ms * 1e6);
        fprintf(f, "throughput   %.1f inferences/s, %.1f GOPS (peak %.1f)\n", 1e3 / ms, gops,
                tr_peak_gops(r));
        fprintf(f,
                "MACs         %" PRIu64 " (%s), MAC-array utilization %.1f%%; issued %" PRIu64
                " (%.1f%%)\n",
                r->macs, r->model_macs ? "model" : "issued: no --model given",
                100 * tr_utilization(r, r->macs, r->cycles), r->issued_macs,
                100 * tr_utilization(r, r->issued_macs, r->cycles));
        fprintf(f,
                "roofline     sum of layer bounds %" PRIu64 " cycles; schedule / roofline = "
                "%.3f (depthwise layers against the MISC engine's %" PRIu64 " MACs/cycle)\n",
                r->roofline, r->roofline ? (double)r->cycles / r->roofline : 0.0, tr_dw_peak(r));
    }
    fprintf(f,
            "DDR          %" PRIu64 " bytes read, %" PRIu64
            " bytes written; LOAD/SAVE waited %" PRIu64 " cycles for the shared channel\n",
            r->ddr_read, r->ddr_write, r->ddr_wait);
    fprintf(f, "engines      ");
    for (int e = 0; e < DPU_ENGINE_COUNT; e++)
        fprintf(f, "%s busy %" PRIu64 " stall %" PRIu64 "%s", dpu_engine_name(e), r->busy[e],
                r->stall[e], e + 1 < DPU_ENGINE_COUNT ? "; " : "\n");
    for (size_t s = 0; s < r->prog->nsteps; s++)
        if (!r->steps[s].accel)
            fprintf(f, "cpu step %zu   '%s': runs on the host, time not modelled\n", s,
                    r->steps[s].name);
    fputs("\ncycles: the layer's share of the timeline (each cycle shared equally among the "
          "layers holding an engine in it; they add up to the total)\nactive: the cycles it "
          "holds an engine; span: its first start to its last completion; LOAD..SAVE: its busy "
          "cycles per engine\nutil, ratio and bound are taken on its active cycles: util = "
          "MACs / (active * R*C), ratio = active / roofline\n",
          f);
    fprintf(f, "\n%4s  %-28s %-14s %9s %9s %9s %7s %7s %7s %7s %9s %6s %9s %9s %9s %6s  %s\n", "#",
            "layer", "op", "cycles", "active", "span", "LOAD", "CONV", "MISC", "SAVE", "MACs",
            "util", "DDR rd", "DDR wr", "roofline", "ratio", "bound");
    for (size_t l = 0; l < r->nlayers; l++) {
        const struct tr_layer *L = &r->layers[l];
        char m[32], rd[32], wr[32], b[DPU_ENGINE_COUNT][32];
        const char *name = L->name;
        size_t len = strlen(name);
        for (int e = 0; e < DPU_ENGINE_COUNT; e++)
            human(L->busy[e], b[e], sizeof b[e]);
        fprintf(f,
                "%4zu  %-28s %-14.14s %9" PRIu64 " %9" PRIu64 " %9" PRIu64
                " %7s %7s %7s %7s %9s %5.1f%% %9s %9s %9" PRIu64 " %6.2f  %s\n",
                l, len > 28 ? name + len - 28 : name, L->op, L->cycles, L->active,
                L->span_end - L->span_start, b[DPU_ENGINE_LOAD], b[DPU_ENGINE_CONV],
                b[DPU_ENGINE_MISC], b[DPU_ENGINE_SAVE], human(L->macs, m, sizeof m),
                100 * tr_utilization(r, L->macs, L->active), human(L->ddr_read, rd, sizeof rd),
                human(L->ddr_write, wr, sizeof wr), L->roofline,
                L->roofline ? (double)L->active / L->roofline : 0.0, tr_bound_name(L->bound));
    }
    if (r->unattributed)
        fprintf(f, "%4s  %-28s %-14s %9" PRIu64 "   (%" PRIu64 " idle)\n", "-",
                "(unattributed: idle, SYNC)", "", r->unattributed, r->idle);
    return ferror(f) ? DPU_E_IO : DPU_OK;
}
