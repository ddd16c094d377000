/* The timing report as JSON (--report) and the schedule as a Chrome trace (--trace); the
 * formats are described in docs/dpusim.md. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "timing_report.h"

void tr_json_str(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
}

static void engines(FILE *f, const char *key, const uint64_t v[DPU_ENGINE_COUNT])
{
    fprintf(f, "\"%s\": {", key);
    for (int e = 0; e < DPU_ENGINE_COUNT; e++)
        fprintf(f, "\"%s\": %" PRIu64 "%s", dpu_engine_name(e), v[e],
                e + 1 < DPU_ENGINE_COUNT ? ", " : "}");
}

static int close_file(FILE *f, const char *path, struct dpu_diag *d)
{
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad)
        return dpu_diag_set(d, DPU_E_IO, "cannot write '%s'", path);
    return DPU_OK;
}

int tr_write_json(const struct timing_report *r, const char *path, struct dpu_diag *d)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return dpu_diag_set(d, DPU_E_IO, "cannot create '%s'", path);
    const struct dpu_timing_consts *k = &r->k;
    double ms = tr_latency_ms(r, r->cycles);
    fprintf(f, "{\n  \"schema\": \"opendpu-timing-report\",\n  \"version\": 3,\n");
    fprintf(f, "  \"program\": \"");
    tr_json_str(f, r->prog_path);
    fprintf(f, "\",\n  \"mode\": \"%s\",\n", r->timing_only ? "timing-only" : "timing");
    fprintf(f, "  \"preset\": {\"name\": \"");
    tr_json_str(f, r->preset_name);
    fprintf(f,
            "\", \"array_rows\": %u, \"array_cols\": %u, \"clock_mhz\": %u, "
            "\"ddr_bytes_per_cycle\": %.4f, \"ddr_latency_cycles\": %u, \"ddr_burst_bytes\": %u, "
            "\"peak_gops\": %.3f, \"dw_peak_macs_per_cycle\": %" PRIu64 "},\n",
            k->R, k->C, k->clock_mhz, k->ddr_bytes_cycle, k->l_ddr, k->burst, tr_peak_gops(r),
            tr_dw_peak(r));
    fprintf(f, "  \"macs_source\": \"%s\",\n", r->model_macs ? "model" : "issued");
    fprintf(f,
            "  \"total\": {\"cycles\": %" PRIu64 ", \"latency_ms\": %.6f, "
            "\"inferences_per_s\": %.3f, \"gops\": %.3f, \"macs\": %" PRIu64
            ", \"issued_macs\": %" PRIu64 ", \"mac_utilization\": %.6f, "
            "\"ddr_read_bytes\": %" PRIu64 ", \"ddr_write_bytes\": %" PRIu64
            ", \"roofline_cycles\": %" PRIu64 ", \"ratio_to_roofline\": %.6f, "
            "\"unattributed_cycles\": %" PRIu64 ", \"idle_cycles\": %" PRIu64
            ", \"fetch_stall_cycles\": %" PRIu64 ", \"ddr_wait_cycles\": %" PRIu64 ", ",
            r->cycles, ms, ms > 0 ? 1e3 / ms : 0.0, ms > 0 ? 2.0 * r->macs / (ms * 1e6) : 0.0,
            r->macs, r->issued_macs, tr_utilization(r, r->macs, r->cycles), r->ddr_read,
            r->ddr_write, r->roofline, r->roofline ? (double)r->cycles / r->roofline : 0.0,
            r->unattributed, r->idle, r->fetch_stall, r->ddr_wait);
    engines(f, "busy", r->busy);
    fprintf(f, ", ");
    engines(f, "stall", r->stall);
    fprintf(f, "},\n  \"steps\": [");
    for (size_t s = 0; s < r->prog->nsteps; s++) {
        const struct tr_step *st = &r->steps[s];
        fprintf(f, "%s\n    {\"index\": %zu, \"kind\": \"%s\", \"name\": \"", s ? "," : "", s,
                st->accel ? "accel" : "cpu");
        tr_json_str(f, st->name);
        if (st->accel)
            fprintf(f,
                    "\", \"modelled\": true, \"first_insn\": %" PRIu64 ", \"insns\": %" PRIu64
                    ", \"start_cycle\": %" PRIu64 ", \"cycles\": %" PRIu64 "}",
                    r->prog->steps[s].first, r->prog->steps[s].count, st->offset, st->cycles);
        else
            fprintf(f, "\", \"modelled\": false, \"cycles\": null}");
    }
    fprintf(f, "\n  ],\n  \"layers\": [");
    for (size_t l = 0; l < r->nlayers; l++) {
        const struct tr_layer *L = &r->layers[l];
        fprintf(f, "%s\n    {\"index\": %zu, \"name\": \"", l ? "," : "", l);
        tr_json_str(f, L->name);
        fprintf(f, "\", \"op\": \"");
        tr_json_str(f, L->op);
        fprintf(
            f,
            "\", \"step\": %zu, \"first_insn\": %" PRIu64 ", \"insns\": %" PRIu64
            ", \"start_cycle\": %" PRIu64 ", \"end_cycle\": %" PRIu64 ", \"span_cycles\": %" PRIu64
            ", \"cycles\": %" PRIu64 ", \"active_cycles\": %" PRIu64
            ", \"advance_start_cycle\": %" PRIu64 ", \"advance_cycles\": %" PRIu64
            ", \"macs\": %" PRIu64 ", \"issued_macs\": %" PRIu64 ", \"mac_utilization\": %.6f, "
            "\"ddr_read_bytes\": %" PRIu64 ", \"ddr_write_bytes\": %" PRIu64
            ", \"compute_engine\": \"%s\", \"peak_macs_per_cycle\": %" PRIu64
            ", \"compute_cycles\": %" PRIu64 ", \"memory_cycles\": %" PRIu64
            ", \"roofline_cycles\": %" PRIu64 ", \"ratio_to_roofline\": %.6f, "
            "\"bound\": \"%s\", \"exposed_cycles\": %" PRIu64 ", \"stall_cycles\": %" PRIu64 ", ",
            L->step, L->first, L->insns, L->span_start, L->span_end, L->span_end - L->span_start,
            L->cycles, L->active, L->advance_start, L->advance, L->macs, L->issued_macs,
            tr_utilization(r, L->macs, L->active), L->ddr_read, L->ddr_write,
            L->misc_compute ? "MISC" : "CONV", L->peak_macs, L->compute_cycles, L->memory_cycles,
            L->roofline, L->roofline ? (double)L->active / L->roofline : 0.0,
            tr_bound_name(L->bound), L->exposed, L->stall);
        engines(f, "busy", L->busy);
        fprintf(f, "}");
    }
    fprintf(f, "\n  ]\n}\n");
    return close_file(f, path, d);
}

/* ---- Chrome trace-event format -------------------------------------------------------- */

/* Timestamps are microseconds; a cycle lasts 1/clock_mhz us. They are printed from integer
 * picoseconds so that ts + dur of a slice is exactly the ts of one that starts when it ends. */
static void us(FILE *f, uint64_t ps)
{
    fprintf(f, "%" PRIu64 ".%06" PRIu64, ps / 1000000, ps % 1000000);
}

static uint64_t ps_of(const struct timing_report *r, uint64_t cycle)
{
    return cycle * 1000000 / r->k.clock_mhz;
}

#define TID_LAYERS 4
#define TID_HOST   5

static void slice(FILE *f, const struct timing_report *r, int tid, const char *name,
                  const char *cat, uint64_t from, uint64_t to, bool *first)
{
    uint64_t a = ps_of(r, from), b = ps_of(r, to);
    fprintf(f, "%s\n{\"ph\": \"X\", \"pid\": 1, \"tid\": %d, \"name\": \"", *first ? "" : ",", tid);
    tr_json_str(f, name);
    fprintf(f, "\", \"cat\": \"%s\", \"ts\": ", cat);
    us(f, a);
    fprintf(f, ", \"dur\": ");
    us(f, b - a);
    *first = false;
}

int tr_write_trace(const struct timing_report *r, const char *path, struct dpu_diag *d)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return dpu_diag_set(d, DPU_E_IO, "cannot create '%s'", path);
    fprintf(f, "{\"displayTimeUnit\": \"ns\", \"traceEvents\": [");
    bool first = true;
    fprintf(f, "\n{\"ph\": \"M\", \"pid\": 1, \"tid\": 0, \"name\": \"process_name\", "
               "\"args\": {\"name\": \"dpusim ");
    tr_json_str(f, r->prog_path);
    fprintf(f, " (%s)\"}}", r->preset_name);
    first = false;
    static const char *const tracks[] = {"LOAD", "CONV", "MISC", "SAVE", "layers", "host"};
    for (int t = 0; t < 6; t++)
        fprintf(f,
                ",\n{\"ph\": \"M\", \"pid\": 1, \"tid\": %d, \"name\": \"thread_name\", "
                "\"args\": {\"name\": \"%s\"}},\n{\"ph\": \"M\", \"pid\": 1, \"tid\": %d, "
                "\"name\": \"thread_sort_index\", \"args\": {\"sort_index\": %d}}",
                t, tracks[t], t, t);
    const struct dpu_program *p = r->prog;
    /* Slices of one track must not overlap: a CONV's preload that ran under the previous
     * CONV's streaming is left out of its slice (the slice shows its busy cycles), and so
     * is the part of a token wait spent under the previous slice. */
    uint64_t track_end[DPU_ENGINE_COUNT] = {0};
    for (uint64_t i = 0; i < p->ninsns; i++) {
        const struct tr_insn *x = &r->insns[i];
        if (!x->timed || x->engine < 0 || x->engine >= DPU_ENGINE_COUNT)
            continue;
        const char *layer = x->layer >= 0 ? r->layers[x->layer].name : "";
        uint64_t from = x->end - x->cycles, wait_from = x->head;
        if (wait_from < track_end[x->engine])
            wait_from = track_end[x->engine];
        if (x->start > wait_from)
            slice(f, r, x->engine, "wait for token", "stall", wait_from, x->start, &first),
                fprintf(f, ", \"args\": {\"insn\": %" PRIu64 "}}", i);
        if (x->interlock)
            slice(f, r, x->engine, "wait for ACT (interlock)", "stall", from - x->interlock, from,
                  &first),
                fprintf(f, ", \"args\": {\"insn\": %" PRIu64 "}}", i);
        const struct dpu_insn_desc *desc = dpu_insn_desc_by_opcode(x->opcode);
        slice(f, r, x->engine, desc ? desc->mnemonic : "?", "insn", from, x->end, &first);
        fprintf(f,
                ", \"args\": {\"insn\": %" PRIu64 ", \"cycles\": %" PRIu64
                ", \"start_cycle\": %" PRIu64 ", \"done_cycle\": %" PRIu64 ", ",
                i, x->cycles, x->start, x->done);
        if (x->engine == DPU_ENGINE_LOAD || x->engine == DPU_ENGINE_SAVE)
            fprintf(f, "\"ddr_wait\": %" PRIu64 ", ", x->ddr_wait);
        fprintf(f, "\"layer\": \"");
        tr_json_str(f, layer);
        fprintf(f, "\"}}");
        track_end[x->engine] = x->end;
        if (x->free > x->done) {
            slice(f, r, x->engine, "signal held (token queue full)", "stall", x->done, x->free,
                  &first),
                fprintf(f, ", \"args\": {\"insn\": %" PRIu64 "}}", i);
            track_end[x->engine] = x->free;
        }
    }
    for (size_t l = 0; l < r->nlayers; l++) {
        const struct tr_layer *L = &r->layers[l];
        if (!L->advance) /* the layers track: where each layer moves the end of the work */
            continue;
        slice(f, r, TID_LAYERS, L->name, "layer", L->advance_start, L->advance_start + L->advance,
              &first);
        fprintf(f, ", \"args\": {\"op\": \"");
        tr_json_str(f, L->op);
        fprintf(
            f,
            "\", \"advance_cycles\": %" PRIu64 ", \"cycles\": %" PRIu64
            ", \"active_cycles\": %" PRIu64 ", \"span_cycles\": %" PRIu64 ", \"bound\": \"%s\"}}",
            L->advance, L->cycles, L->active, L->span_end - L->span_start, tr_bound_name(L->bound));
    }
    uint64_t at = 0; /* a CPU step takes no modelled time: an instant event where it runs */
    for (size_t s = 0; s < p->nsteps; s++) {
        if (r->steps[s].accel) {
            at += r->steps[s].cycles;
            continue;
        }
        fprintf(f, ",\n{\"ph\": \"i\", \"s\": \"t\", \"pid\": 1, \"tid\": %d, \"name\": \"cpu: ",
                TID_HOST);
        tr_json_str(f, r->steps[s].name);
        fprintf(f, " (not modelled)\", \"cat\": \"cpu\", \"ts\": ");
        us(f, ps_of(r, at));
        fprintf(f, "}");
    }
    fprintf(f, "\n]}\n");
    return close_file(f, path, d);
}
