/* dpuc info PROG.bin: what a compiled program holds and whether a loader would take it. */
#include "cmd_info_prog.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/program.h"
#include "dpuc.h"
#include "prog_input.h"

/* Instruction counts: the four engines, then SYNC and END (which belong to none). */
enum { CNT_SYNC = DPU_ENGINE_COUNT, CNT_END, CNT_COUNT };
static const char *const count_names[CNT_COUNT] = {"LOAD", "CONV", "MISC", "SAVE", "SYNC", "END"};

struct summary {
    uint64_t counts[CNT_COUNT];
    uint64_t ddr_bytes; /* the four regions plus the instruction stream */
    uint64_t insn_bytes;
    /* Bytes of the tensors the table places in SCRATCH, summed: more than the region when
     * tensors with disjoint lifetimes share bytes (the compiler's memory planning). */
    uint64_t scratch_tensor_bytes;
    int check; /* dpu_program_validate's verdict */
    struct dpu_diag why;
};

static void summarize(const struct dpu_program *p, struct summary *s)
{
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < p->ninsns; i++) {
        unsigned op = (unsigned)dpu_insn_get_opcode(&p->insns[i]);
        const struct dpu_insn_desc *desc = dpu_insn_desc_by_opcode(op);
        if (op == DPU_OP_SYNC)
            s->counts[CNT_SYNC]++;
        else if (op == DPU_OP_END)
            s->counts[CNT_END]++;
        else if (desc && desc->engine >= 0 && desc->engine < DPU_ENGINE_COUNT)
            s->counts[desc->engine]++;
    }
    s->insn_bytes = (uint64_t)p->ninsns * DPU_INSN_BYTES;
    s->ddr_bytes = s->insn_bytes;
    for (size_t t = 0; t < p->ntensors; t++)
        if (p->tensors[t].region == DPU_REGION_SCRATCH)
            s->scratch_tensor_bytes += p->tensors[t].size;
    for (int r = 0; r < DPU_REGION_COUNT; r++)
        s->ddr_bytes += p->region_size[r];
    dpu_diag_clear(&s->why);
    s->check = dpu_program_validate(p, NULL, &s->why);
}

static void shape_text(const struct dpu_prog_tensor *t, char *buf, size_t cap)
{
    dpu_shape_format(t->rank, t->dims, buf, cap);
}

static const char *name_or(const char *s, const char *dflt)
{
    return s && *s ? s : dflt;
}

/* --- text --- */

static void print_tensors_text(const struct dpu_program *p)
{
    printf("\ntensors (%zu)\n", p->ntensors);
    if (p->ntensors)
        printf("  %3s  %-8s  %-7s  %10s  %10s  %-7s  %-16s  %-10s  %-24s  %s\n", "#", "role",
               "region", "offset", "bytes", "dtype", "shape", "layout", "quantization", "name");
    for (size_t i = 0; i < p->ntensors; i++) {
        const struct dpu_prog_tensor *t = &p->tensors[i];
        char shape[DPU_SHAPE_STR_MAX], layout[32];
        shape_text(t, shape, sizeof shape);
        if (t->layout == DPU_PROG_LAYOUT_NHWC)
            snprintf(layout, sizeof layout, "NHWC/%" PRIu32, t->cpad);
        else
            snprintf(layout, sizeof layout, "%s", dpu_prog_layout_name(t->layout));
        printf("  %3zu  %-8s  %-7s  %10" PRIu64 "  %10" PRIu64 "  %-7s  %-16s  %-10s  ", i,
               dpu_prog_role_name(t->role), dpu_prog_region_name(t->region), t->offset, t->size,
               dpu_dtype_name(t->dtype), shape, layout);
        char quant[64] = "-";
        if (t->quantized) /* 7 digits: what a float holds, without its binary noise */
            snprintf(quant, sizeof quant, "scale %.7g zp %" PRId32, (double)t->scale,
                     t->zero_point);
        printf("%-24s  %s\n", quant, t->name);
    }
}

static void print_bindings_text(const struct dpu_program *p, const uint32_t *idx, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        const char *name = idx[k] < p->ntensors ? p->tensors[idx[k]].name : "?";
        printf("%s%s", k ? ", " : "", name);
    }
    if (n == 0)
        printf("-");
}

static void print_plan_text(const struct dpu_program *p)
{
    printf("\nplan (%zu steps)\n", p->nsteps);
    for (size_t i = 0; i < p->nsteps; i++) {
        const struct dpu_prog_step *s = &p->steps[i];
        printf("  %3zu  %-5s  %-20s  ", i, dpu_prog_step_kind_name(s->kind), name_or(s->name, "-"));
        if (s->kind == DPU_PROG_STEP_ACCEL) {
            printf("instructions %" PRIu64 "..%" PRIu64 " (%" PRIu64 ")\n", s->first,
                   s->first + s->count - (s->count ? 1 : 0), s->count);
            continue;
        }
        printf("model.q8 %zu bytes; in: ", s->q8_len);
        print_bindings_text(p, s->inputs, s->n_inputs);
        printf("; out: ");
        print_bindings_text(p, s->outputs, s->n_outputs);
        printf("\n");
    }
}

static void print_layers_text(const struct dpu_program *p)
{
    printf("\nlayers (%zu)\n", p->nlayers);
    for (size_t i = 0; i < p->nlayers; i++) {
        const struct dpu_prog_layer *l = &p->layers[i];
        printf("  %3zu  %-16s  %-20s ", i, name_or(l->op, "?"), name_or(l->name, "?"));
        uint64_t total = 0;
        for (size_t r = 0; r < l->nranges; r++) {
            printf(" %" PRIu64 "..%" PRIu64, l->ranges[r].first,
                   l->ranges[r].first + l->ranges[r].count - (l->ranges[r].count ? 1 : 0));
            total += l->ranges[r].count;
        }
        printf(l->nranges ? " (%" PRIu64 " instructions)\n" : " (no instructions)\n", total);
    }
}

static void print_text(const char *name, const struct dpu_program *p, const struct summary *s)
{
    printf("program        %s\n", name);
    printf("format         prog.bin (ELF) %d.%d\n", DPU_PROG_FORMAT_MAJOR, DPU_PROG_FORMAT_MINOR);
    printf("isa            %u.%u\n", p->isa_major, p->isa_minor);
    printf("preset         %s (hash 0x%016" PRIx64 ")\n", name_or(p->preset_name, "?"),
           p->preset_hash);
    if (s->check)
        printf("check          FAILED: %s\n", dpu_diag_message(&s->why));
    else
        printf("check          ok\n");
    printf("instructions   %zu (%" PRIu64 " bytes):", p->ninsns,
           (uint64_t)p->ninsns * DPU_INSN_BYTES);
    for (int c = 0; c < CNT_COUNT; c++)
        printf("%s %s %" PRIu64, c ? "," : "", count_names[c], s->counts[c]);
    printf("\nweights        %" PRIu64 " bytes (region CONST)\n", p->region_size[DPU_REGION_CONST]);
    printf("regions        ");
    for (int r = 0; r < DPU_REGION_COUNT; r++)
        printf("%s%s %" PRIu64, r ? ", " : "", dpu_prog_region_name(r), p->region_size[r]);
    printf(" bytes\nddr footprint  %" PRIu64 " bytes (regions + instructions)\n", s->ddr_bytes);
    uint64_t w = p->region_size[DPU_REGION_CONST];
    printf("code/weights   %" PRIu64 " instruction bytes, %" PRIu64 " weight bytes", s->insn_bytes,
           w);
    if (w)
        printf(" (%.3g instruction bytes per weight byte)", (double)s->insn_bytes / (double)w);
    printf("\nscratch        %" PRIu64 " bytes hold %" PRIu64 " bytes of tensors%s\n",
           p->region_size[DPU_REGION_SCRATCH], s->scratch_tensor_bytes,
           s->scratch_tensor_bytes > p->region_size[DPU_REGION_SCRATCH] ? " (shared by lifetime)"
                                                                        : "");
    print_tensors_text(p);
    print_plan_text(p);
    print_layers_text(p);
}

/* --- JSON --- */

static void json_str(const char *s)
{
    putchar('"');
    for (const unsigned char *c = (const unsigned char *)(s ? s : ""); *c; c++) {
        if (*c == '"' || *c == '\\')
            printf("\\%c", *c);
        else if (*c < 0x20 || *c == 0x7f)
            printf("\\u%04x", *c);
        else
            putchar(*c);
    }
    putchar('"');
}

static void json_indices(const uint32_t *idx, size_t n)
{
    putchar('[');
    for (size_t k = 0; k < n; k++)
        printf("%s%" PRIu32, k ? ", " : "", idx[k]);
    putchar(']');
}

static void print_tensors_json(const struct dpu_program *p)
{
    printf("  \"tensors\": [");
    for (size_t i = 0; i < p->ntensors; i++) {
        const struct dpu_prog_tensor *t = &p->tensors[i];
        printf("%s\n    {\"name\": ", i ? "," : "");
        json_str(t->name);
        printf(", \"role\": \"%s\", \"region\": \"%s\", \"offset\": %" PRIu64
               ", \"bytes\": %" PRIu64 ", \"dtype\": \"%s\", \"shape\": [",
               dpu_prog_role_name(t->role), dpu_prog_region_name(t->region), t->offset, t->size,
               dpu_dtype_name(t->dtype));
        for (int k = 0; k < t->rank && k < DPU_TENSOR_MAX_RANK; k++)
            printf("%s%" PRId64, k ? ", " : "", t->dims[k]);
        printf("], \"layout\": \"%s\", \"cpad\": %" PRIu32, dpu_prog_layout_name(t->layout),
               t->cpad);
        if (t->quantized && isfinite(t->scale))
            printf(", \"scale\": %.9g, \"zero_point\": %" PRId32 "}", (double)t->scale,
                   t->zero_point);
        else if (t->quantized) /* JSON has no NaN or infinity: such a scale is invalid anyway */
            printf(", \"scale\": null, \"zero_point\": %" PRId32 "}", t->zero_point);
        else
            printf(", \"scale\": null, \"zero_point\": null}");
    }
    printf("%s],\n", p->ntensors ? "\n  " : "");
}

static void print_plan_json(const struct dpu_program *p)
{
    printf("  \"plan\": [");
    for (size_t i = 0; i < p->nsteps; i++) {
        const struct dpu_prog_step *s = &p->steps[i];
        printf("%s\n    {\"kind\": \"%s\", \"name\": ", i ? "," : "",
               dpu_prog_step_kind_name(s->kind));
        if (s->name)
            json_str(s->name);
        else
            printf("null");
        if (s->kind == DPU_PROG_STEP_ACCEL) {
            printf(", \"first\": %" PRIu64 ", \"count\": %" PRIu64 "}", s->first, s->count);
            continue;
        }
        printf(", \"q8_bytes\": %zu, \"inputs\": ", s->q8_len);
        json_indices(s->inputs, s->n_inputs);
        printf(", \"outputs\": ");
        json_indices(s->outputs, s->n_outputs);
        printf("}");
    }
    printf("%s],\n", p->nsteps ? "\n  " : "");
}

static void print_layers_json(const struct dpu_program *p)
{
    printf("  \"layers\": [");
    for (size_t i = 0; i < p->nlayers; i++) {
        const struct dpu_prog_layer *l = &p->layers[i];
        printf("%s\n    {\"name\": ", i ? "," : "");
        json_str(l->name);
        printf(", \"op\": ");
        json_str(l->op);
        printf(", \"ranges\": [");
        for (size_t r = 0; r < l->nranges; r++)
            printf("%s[%" PRIu64 ", %" PRIu64 "]", r ? ", " : "", l->ranges[r].first,
                   l->ranges[r].count);
        printf("]}");
    }
    printf("%s]\n", p->nlayers ? "\n  " : "");
}

static void print_json(const char *name, const struct dpu_program *p, const struct summary *s)
{
    printf("{\n  \"program\": ");
    json_str(name);
    printf(",\n  \"format\": \"%d.%d\",\n", DPU_PROG_FORMAT_MAJOR, DPU_PROG_FORMAT_MINOR);
    printf("  \"isa\": {\"major\": %u, \"minor\": %u},\n", p->isa_major, p->isa_minor);
    printf("  \"preset\": {\"name\": ");
    json_str(p->preset_name);
    printf(", \"hash\": \"0x%016" PRIx64 "\"},\n", p->preset_hash);
    printf("  \"valid\": %s,\n  \"problem\": ", s->check ? "false" : "true");
    if (s->check)
        json_str(dpu_diag_message(&s->why));
    else
        printf("null");
    printf(",\n  \"instructions\": {\"total\": %zu, \"bytes\": %" PRIu64, p->ninsns,
           (uint64_t)p->ninsns * DPU_INSN_BYTES);
    for (int c = 0; c < CNT_COUNT; c++)
        printf(", \"%s\": %" PRIu64, count_names[c], s->counts[c]);
    printf("},\n  \"weight_bytes\": %" PRIu64 ",\n  \"regions\": {",
           p->region_size[DPU_REGION_CONST]);
    for (int r = 0; r < DPU_REGION_COUNT; r++)
        printf("%s\"%s\": %" PRIu64, r ? ", " : "", dpu_prog_region_name(r), p->region_size[r]);
    printf("},\n  \"ddr_bytes\": %" PRIu64 ",\n", s->ddr_bytes);
    printf("  \"instruction_bytes\": %" PRIu64 ",\n  \"scratch_tensor_bytes\": %" PRIu64 ",\n",
           s->insn_bytes, s->scratch_tensor_bytes);
    print_tensors_json(p);
    print_plan_json(p);
    print_layers_json(p);
    printf("}\n");
}

int dpuc_info_program_bytes(const char *name, const uint8_t *bytes, size_t len, bool json)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct dpu_program p;
    if (dpu_program_decode(name, bytes, len, &p, &d))
        return dpuc_report(&d);
    struct summary s;
    summarize(&p, &s);
    if (json)
        print_json(name, &p, &s);
    else
        print_text(name, &p, &s);
    dpu_program_free(&p);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        dpu_diag_set(&d, DPU_E_IO, "writing to standard output failed");
        return dpuc_report(&d);
    }
    return 0;
}

int dpuc_info_program(const char *path, bool json)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    uint8_t *bytes;
    size_t len;
    if (dpuc_read_input(path, DPUC_MAX_PROGRAM_BYTES, &bytes, &len, &d))
        return dpuc_report(&d);
    int rc = dpuc_info_program_bytes(dpuc_display_name(path), bytes, len, json);
    free(bytes);
    return rc;
}
