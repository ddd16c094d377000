/* Program -> the bytes of the metadata sections (.dpu.tensors, .dpu.plan, .dpu.bind,
 * .dpu.layers, .dpu.ranges, .dpu.cpu, .dpu.strtab) and the note descriptor. Pure byte work;
 * prog_encode.c puts the results into an ELF file. */
#include <stdio.h>
#include <string.h>

#include "prog_internal.h"

/* Adds a name to .dpu.strtab, refusing what the reader would refuse. */
static int add_name(struct pf_records *r, const char *what, const char *s, uint32_t *off,
                    struct dpu_diag *d)
{
    if (s && strlen(s) > DPU_PROG_NAME_MAX)
        return dpu_diag_set(d, DPU_E_RANGE, "%s: name longer than %d bytes", what,
                            DPU_PROG_NAME_MAX);
    int err = pf_buf_add_string(&r->strtab, s, off);
    if (err)
        return dpu_diag_set(d, err, "%s: %s", what,
                            err == DPU_E_NOMEM ? "out of memory" : "string table over 4 GiB");
    return DPU_OK;
}

static int put_tensor(struct pf_records *r, size_t index, const struct dpu_prog_tensor *t,
                      struct dpu_diag *d)
{
    char what[64];
    snprintf(what, sizeof what, "tensor %zu", index);
    if ((unsigned)t->role >= DPU_PROG_ROLE_COUNT || (unsigned)t->region >= DPU_REGION_COUNT ||
        (unsigned)t->dtype > DPU_DT_FLOAT32 || (unsigned)t->layout >= DPU_PROG_LAYOUT_COUNT ||
        t->rank < 0 || t->rank > DPU_TENSOR_MAX_RANK)
        return dpu_diag_set(d, DPU_E_INVALID,
                            "%s '%s': role, region, dtype, layout or rank outside its range", what,
                            t->name ? t->name : "");
    uint32_t name;
    int err = add_name(r, what, t->name, &name, d);
    if (err)
        return err;
    uint8_t *rec = pf_buf_grow(&r->tensors, PF_TENSOR_SIZE);
    if (!rec)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    pf_put_u32(rec + PF_T_NAME, name);
    rec[PF_T_ROLE] = (uint8_t)t->role;
    rec[PF_T_REGION] = (uint8_t)t->region;
    rec[PF_T_DTYPE] = (uint8_t)t->dtype;
    rec[PF_T_LAYOUT] = (uint8_t)t->layout;
    rec[PF_T_RANK] = (uint8_t)t->rank;
    rec[PF_T_FLAGS] = t->quantized ? PF_T_FLAG_QUANTIZED : 0;
    pf_put_u32(rec + PF_T_CPAD, t->cpad);
    pf_put_u64(rec + PF_T_OFFSET, t->offset);
    pf_put_u64(rec + PF_T_BYTES, t->size);
    pf_put_u32(rec + PF_T_SCALE, pf_float_bits(t->scale));
    pf_put_u32(rec + PF_T_ZERO_POINT, (uint32_t)t->zero_point);
    /* Only the dimensions in use: the rest are zero in the file whatever memory held. */
    for (int i = 0; i < t->rank; i++)
        pf_put_u64(rec + PF_T_DIMS + 8 * i, (uint64_t)t->dims[i]);
    return DPU_OK;
}

/* A CPU step's payload goes to .dpu.cpu, 16-byte aligned; its bindings to .dpu.bind. */
static int put_cpu_payload(struct pf_records *r, size_t index, const struct dpu_prog_step *s,
                           uint8_t *rec, struct dpu_diag *d)
{
    if (s->n_inputs > UINT16_MAX || s->n_outputs > UINT16_MAX)
        return dpu_diag_set(d, DPU_E_RANGE, "plan step %zu: more than 65535 bindings", index);
    if ((s->q8_len && !s->q8) || (s->n_inputs && !s->inputs) || (s->n_outputs && !s->outputs))
        return dpu_diag_set(d, DPU_E_INVALID, "plan step %zu: a count without its array", index);
    size_t pad = (PF_ALIGN_CPU - r->cpu.len % PF_ALIGN_CPU) % PF_ALIGN_CPU;
    if (pad && !pf_buf_grow(&r->cpu, pad))
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    uint64_t at = r->cpu.len;
    uint8_t *dst = s->q8_len ? pf_buf_grow(&r->cpu, s->q8_len) : NULL;
    if (s->q8_len && !dst)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for the model.q8 of step %zu", index);
    if (dst)
        memcpy(dst, s->q8, s->q8_len);
    size_t first = r->bind.len / PF_BIND_SIZE;
    if (first > UINT32_MAX)
        return dpu_diag_set(d, DPU_E_RANGE, "more than 2^32 bindings");
    size_t nb = s->n_inputs + s->n_outputs;
    uint8_t *b = nb ? pf_buf_grow(&r->bind, nb * PF_BIND_SIZE) : NULL;
    if (nb && !b)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    for (size_t i = 0; i < s->n_inputs; i++)
        pf_put_u32(b + PF_BIND_SIZE * i, s->inputs[i]);
    for (size_t i = 0; i < s->n_outputs; i++)
        pf_put_u32(b + PF_BIND_SIZE * (s->n_inputs + i), s->outputs[i]);
    pf_put_u64(rec + PF_S_A, at);
    pf_put_u64(rec + PF_S_B, s->q8_len);
    pf_put_u32(rec + PF_S_BIND_FIRST, (uint32_t)first);
    pf_put_u16(rec + PF_S_N_INPUTS, (uint16_t)s->n_inputs);
    pf_put_u16(rec + PF_S_N_OUTPUTS, (uint16_t)s->n_outputs);
    return DPU_OK;
}

static int put_step(struct pf_records *r, size_t index, const struct dpu_prog_step *s,
                    struct dpu_diag *d)
{
    if ((unsigned)s->kind >= DPU_PROG_STEP_KIND_COUNT)
        return dpu_diag_set(d, DPU_E_INVALID, "plan step %zu: kind %d is not accel or cpu", index,
                            (int)s->kind);
    char what[64];
    snprintf(what, sizeof what, "plan step %zu", index);
    uint32_t name;
    int err = add_name(r, what, s->name, &name, d);
    if (err)
        return err;
    uint8_t *rec = pf_buf_grow(&r->plan, PF_STEP_SIZE);
    if (!rec)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    rec[PF_S_KIND] = (uint8_t)s->kind;
    pf_put_u32(rec + PF_S_NAME, name);
    if (s->kind == DPU_PROG_STEP_CPU)
        return put_cpu_payload(r, index, s, rec, d);
    pf_put_u64(rec + PF_S_A, s->first);
    pf_put_u64(rec + PF_S_B, s->count);
    return DPU_OK;
}

static int put_layer(struct pf_records *r, size_t index, const struct dpu_prog_layer *l,
                     struct dpu_diag *d)
{
    char what[64];
    snprintf(what, sizeof what, "layer %zu", index);
    if (l->nranges && !l->ranges)
        return dpu_diag_set(d, DPU_E_INVALID, "%s: a range count without ranges", what);
    uint32_t name, op;
    int err = add_name(r, what, l->name, &name, d);
    if (!err)
        err = add_name(r, what, l->op, &op, d);
    if (err)
        return err;
    size_t first = r->ranges.len / PF_RANGE_SIZE;
    if (first > UINT32_MAX || l->nranges > UINT32_MAX - first)
        return dpu_diag_set(d, DPU_E_RANGE, "%s: more than 2^32 layer ranges", what);
    uint8_t *rec = pf_buf_grow(&r->layers, PF_LAYER_SIZE);
    uint8_t *rr = l->nranges ? pf_buf_grow(&r->ranges, l->nranges * PF_RANGE_SIZE) : NULL;
    if (!rec || (l->nranges && !rr))
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    pf_put_u32(rec + PF_L_NAME, name);
    pf_put_u32(rec + PF_L_OP, op);
    pf_put_u32(rec + PF_L_RANGE_FIRST, (uint32_t)first);
    pf_put_u32(rec + PF_L_RANGE_COUNT, (uint32_t)l->nranges);
    for (size_t i = 0; i < l->nranges; i++) {
        pf_put_u64(rr + PF_RANGE_SIZE * i + PF_R_FIRST, l->ranges[i].first);
        pf_put_u64(rr + PF_RANGE_SIZE * i + PF_R_COUNT, l->ranges[i].count);
    }
    return DPU_OK;
}

static int put_note(struct pf_records *r, const struct dpu_program *p, struct dpu_diag *d)
{
    const char *preset = p->preset_name ? p->preset_name : "";
    size_t n = strlen(preset);
    if (n > DPU_PROG_PRESET_NAME_MAX)
        return dpu_diag_set(d, DPU_E_RANGE, "preset name '%s' longer than %d bytes", preset,
                            DPU_PROG_PRESET_NAME_MAX);
    uint8_t *desc = r->note_desc;
    memset(desc, 0, PF_NOTE_DESC_SIZE);
    pf_put_u16(desc + PF_NOTE_FORMAT_MAJOR, DPU_PROG_FORMAT_MAJOR);
    pf_put_u16(desc + PF_NOTE_FORMAT_MINOR, DPU_PROG_FORMAT_MINOR);
    pf_put_u16(desc + PF_NOTE_ISA_MAJOR, p->isa_major);
    pf_put_u16(desc + PF_NOTE_ISA_MINOR, p->isa_minor);
    pf_put_u64(desc + PF_NOTE_PRESET_HASH, p->preset_hash);
    memcpy(desc + PF_NOTE_PRESET_NAME, preset, n);
    return DPU_OK;
}

int pf_records_build(const struct dpu_program *p, struct pf_records *r, struct dpu_diag *d)
{
    memset(r, 0, sizeof *r);
    if ((p->ntensors && !p->tensors) || (p->nsteps && !p->steps) || (p->nlayers && !p->layers))
        return dpu_diag_set(d, DPU_E_INVALID, "program has a count without its array");
    if (p->ntensors > UINT32_MAX)
        return dpu_diag_set(d, DPU_E_RANGE, "more than 2^32 tensors");
    int err = put_note(r, p, d);
    if (!err && !pf_buf_grow(&r->strtab, 1)) /* the empty string at offset 0 */
        err = dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    for (size_t i = 0; !err && i < p->ntensors; i++)
        err = put_tensor(r, i, &p->tensors[i], d);
    for (size_t i = 0; !err && i < p->nsteps; i++)
        err = put_step(r, i, &p->steps[i], d);
    for (size_t i = 0; !err && i < p->nlayers; i++)
        err = put_layer(r, i, &p->layers[i], d);
    if (err)
        pf_records_free(r);
    return err;
}

void pf_records_free(struct pf_records *r)
{
    pf_buf_free(&r->strtab);
    pf_buf_free(&r->tensors);
    pf_buf_free(&r->plan);
    pf_buf_free(&r->bind);
    pf_buf_free(&r->layers);
    pf_buf_free(&r->ranges);
    pf_buf_free(&r->cpu);
}
