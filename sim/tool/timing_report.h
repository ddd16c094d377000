/* dpusim --timing / --timing-only: the report built from the timing model's schedule of every
 * accelerator segment of a program (dpu/sim_timing.h), and its four renderings: the table on
 * stdout, the JSON report, the Chrome trace and the SVG plot. docs/dpusim.md defines the
 * fields; docs/architecture.md the model.
 *
 * Segments run one after the other on one global timeline (CPU steps take no modelled time).
 * A layer's cycles are its share of that timeline: each cycle is shared equally among the
 * layers that have an instruction holding an engine in it (timing_share.h), so the layers'
 * cycles plus the unattributed ones (idle cycles, instructions of no layer) add up to the
 * total however much the layers overlap. Its span (first start to last completion), the
 * cycles it holds any engine, its busy cycles per engine and the cycles by which it moves
 * the end of the work (the attribution of version 2 of the JSON report) come with it.
 */
#ifndef DPUSIM_TIMING_REPORT_H
#define DPUSIM_TIMING_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dpu/graph.h"
#include "dpu/program.h"
#include "dpu/sim_timing.h"

/* One instruction on the global timeline. */
struct tr_insn {
    uint64_t head, start, end, done, free; /* cycles, as struct dpu_timing_rec plus the offset */
    uint64_t cycles;    /* its busy cycles (end - start, less a CONV's preload overlapping the
                         * previous CONV's streaming and its interlock) */
    uint64_t ddr_wait;  /* of which waiting for the DDR channel (LOAD, SAVE) */
    uint64_t interlock; /* CONV: stalled for an in-flight CONV's output (not in cycles) */
    int engine;         /* enum dpu_engine, DPU_ENGINE_CTRL for END */
    int32_t layer;      /* index into layers, -1 */
    unsigned opcode;
    bool timed; /* part of a segment that ran */
};

enum tr_bound { TR_BOUND_COMPUTE, TR_BOUND_MEMORY, TR_BOUND_DEPENDENCY };

struct tr_layer {
    const char *name, *op;           /* borrowed from the program */
    size_t step;                     /* plan step holding its first instruction */
    uint64_t first, insns;           /* first instruction, instruction count */
    uint64_t cycles;                 /* its share of the timeline */
    uint64_t active;                 /* cycles in which it holds at least one engine */
    uint64_t span_start, span_end;   /* its first instruction's start, its last one's done */
    uint64_t advance_start, advance; /* with finish(k) the last `free` of its instructions and
                                      * F the largest finish of the layers before it in
                                      * stream order: F and max(finish(k), F) - F */
    uint64_t finish;
    uint64_t macs;        /* model MACs (or issued MACs without a model) */
    uint64_t issued_macs; /* what the hardware performs, padding included */
    uint64_t misc_macs;   /* of which on the MISC engine (DWCONV) */
    bool misc_compute;    /* all its MACs are MISC work: its roofline uses the MISC peak */
    uint64_t peak_macs;   /* MACs/cycle of the engine its roofline uses: R*C or K_DW*R */
    uint64_t ddr_read, ddr_write;
    uint64_t busy[DPU_ENGINE_COUNT], stall;
    uint64_t compute_cycles, memory_cycles, roofline; /* the roofline bound */
    uint64_t exposed;                                 /* active - max(compute busy, memory busy) */
    enum tr_bound bound;
};

struct tr_step {
    bool accel;
    const char *name;
    uint64_t offset; /* global cycle at which it starts */
    uint64_t cycles; /* accel: CYCLES of its segment */
    struct dpu_timing_totals tot;
    bool ran;
};

struct timing_report {
    const struct dpu_program *prog;
    const char *prog_path;
    struct dpu_timing_consts k;
    const char *preset_name;
    bool timing_only;
    bool model_macs; /* MACs come from the model (else: issued MACs) */
    struct tr_step *steps;
    struct tr_insn *insns;
    struct tr_layer *layers; /* only layers with instructions, in stream order */
    size_t nlayers;
    /* totals */
    uint64_t cycles, macs, issued_macs, ddr_read, ddr_write, roofline;
    uint64_t unattributed; /* idle cycles plus the share of instructions of no layer */
    uint64_t idle;         /* cycles in which no instruction holds an engine */
    uint64_t busy[DPU_ENGINE_COUNT], stall[DPU_ENGINE_COUNT], fetch_stall, ddr_wait;
};

int tr_init(struct timing_report *r, const struct dpu_program *p, const char *prog_path,
            const struct dpu_preset *preset, bool timing_only, struct dpu_diag *d);
/* Records accelerator step `step`, just run with model t attached. */
void tr_segment(struct timing_report *r, size_t step, const struct dpu_timing *t);
/* Builds layers and totals; model (NULL: none) gives the MACs of each layer's node. */
int tr_finish(struct timing_report *r, const struct dpu_graph *model, struct dpu_diag *d);
void tr_free(struct timing_report *r);

const char *tr_bound_name(enum tr_bound b);
double tr_latency_ms(const struct timing_report *r, uint64_t cycles);
double tr_utilization(const struct timing_report *r, uint64_t macs, uint64_t cycles);
double tr_peak_gops(const struct timing_report *r);
/* The MISC engine's depthwise peak in MACs/cycle: K_DW * R. */
uint64_t tr_dw_peak(const struct timing_report *r);

int tr_print_table(const struct timing_report *r, FILE *f);
int tr_write_json(const struct timing_report *r, const char *path, struct dpu_diag *d);
int tr_write_trace(const struct timing_report *r, const char *path, struct dpu_diag *d);
int tr_write_svg(const struct timing_report *r, const char *path, struct dpu_diag *d);

/* Writes s as a JSON string body (without quotes), escaping what JSON requires. */
void tr_json_str(FILE *f, const char *s);

#endif
