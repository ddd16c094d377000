/* dpu_program_validate: what a loader checks before it runs a program, in the order a user
 * wants to hear about it: the wrong ISA or preset first (nothing else matters then), then the
 * layers (so later messages can name them), the instructions, the plan and its tokens, the
 * tensors and the CPU steps' bindings. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "prog_validate.h"

static int check_isa_version(const struct dpu_program *p, struct dpu_diag *d)
{
    bool ok = p->isa_major == DPU_ISA_VERSION_MAJOR &&
              (DPU_ISA_VERSION_MAJOR == 0 ? p->isa_minor == DPU_ISA_VERSION_MINOR
                                          : p->isa_minor <= DPU_ISA_VERSION_MINOR);
    if (!ok)
        return dpu_diag_set(d, DPU_E_MISMATCH,
                            "program built for ISA version %u.%u, but this toolchain implements "
                            "ISA version %d.%d; recompile the model",
                            p->isa_major, p->isa_minor, DPU_ISA_VERSION_MAJOR,
                            DPU_ISA_VERSION_MINOR);
    return DPU_OK;
}

/* The name of the generated preset with this hash, or NULL. */
static const char *preset_with_hash(uint64_t hash)
{
    for (size_t i = 0; i < dpu_preset_count; i++) {
        if (dpu_presets[i].hash == hash)
            return dpu_presets[i].name;
    }
    return NULL;
}

static int resolve_preset(const struct dpu_program *p, const struct dpu_preset *expected,
                          const struct dpu_preset **out, struct dpu_diag *d)
{
    const char *name = p->preset_name ? p->preset_name : "";
    if (expected) {
        if (p->preset_hash != expected->hash)
            return dpu_diag_set(d, DPU_E_MISMATCH,
                                "program built for preset %s (hash 0x%016" PRIx64 ") but this "
                                "device is %s (hash 0x%016" PRIx64 "); recompile with --preset %s",
                                name, p->preset_hash, expected->name, expected->hash,
                                expected->name);
        if (strcmp(name, expected->name) != 0)
            return dpu_diag_set(d, DPU_E_MISMATCH,
                                "program names preset '%s' but carries the hash of preset %s "
                                "(0x%016" PRIx64 ")",
                                name, expected->name, expected->hash);
        *out = expected;
        return DPU_OK;
    }
    const struct dpu_preset *known = dpu_preset_find(name);
    if (!known) {
        const char *other = preset_with_hash(p->preset_hash);
        return dpu_diag_set(d, DPU_E_MISMATCH,
                            "program built for unknown preset '%s' (hash 0x%016" PRIx64 ")%s%s",
                            name, p->preset_hash, other ? ", whose hash is that of preset " : "",
                            other ? other : "");
    }
    if (known->hash != p->preset_hash)
        return dpu_diag_set(d, DPU_E_MISMATCH,
                            "program built for preset %s with hash 0x%016" PRIx64 ", but preset "
                            "%s here has hash 0x%016" PRIx64 " (the preset changed since the "
                            "program was compiled); recompile the model",
                            name, p->preset_hash, known->name, known->hash);
    *out = known;
    return DPU_OK;
}

/* Pointers that counts promise must be there: checked before anything is read. */
static int check_arrays(const struct dpu_program *p, struct dpu_diag *d)
{
    bool ok = (!p->ninsns || p->insns) && (!p->ntensors || p->tensors) &&
              (!p->nsteps || p->steps) && (!p->nlayers || p->layers) &&
              (!p->region_size[DPU_REGION_CONST] || p->const_data);
    for (size_t i = 0; ok && i < p->nlayers; i++)
        ok = (!p->layers[i].nranges || p->layers[i].ranges);
    for (size_t i = 0; ok && i < p->nsteps; i++) {
        const struct dpu_prog_step *s = &p->steps[i];
        ok = (!s->n_inputs || s->inputs) && (!s->n_outputs || s->outputs) && (!s->q8_len || s->q8);
    }
    if (!ok)
        return dpu_diag_set(d, DPU_E_INVALID, "program has a count without its array");
    if (p->nsteps == 0)
        return dpu_diag_set(d, DPU_E_INVALID, "program has an empty plan (no steps to run)");
    return DPU_OK;
}

static int check_layer_names(const struct dpu_program *p, struct dpu_diag *d)
{
    for (size_t i = 0; i < p->nlayers; i++) {
        const struct dpu_prog_layer *l = &p->layers[i];
        if (!l->name || !*l->name || !l->op || !*l->op)
            return dpu_diag_set(d, DPU_E_INVALID, "layer %zu has no name or no op", i);
    }
    return DPU_OK;
}

static int check_quant(const struct dpu_prog_tensor *t, size_t i, struct dpu_diag *d)
{
    if (!t->quantized)
        return DPU_OK;
    if (t->dtype == DPU_DT_FLOAT32)
        return dpu_diag_set(d, DPU_E_INVALID, "tensor %zu '%s': a float32 tensor is not quantized",
                            i, t->name);
    if (!isfinite(t->scale) || !(t->scale > 0))
        return dpu_diag_set(d, DPU_E_RANGE, "tensor %zu '%s': scale %g is not finite and positive",
                            i, t->name, (double)t->scale);
    int32_t lo = t->dtype == DPU_DT_INT8 ? -128 : t->dtype == DPU_DT_UINT8 ? 0 : INT32_MIN;
    int32_t hi = t->dtype == DPU_DT_INT8 ? 127 : t->dtype == DPU_DT_UINT8 ? 255 : INT32_MAX;
    if (t->zero_point < lo || t->zero_point > hi)
        return dpu_diag_set(d, DPU_E_RANGE, "tensor %zu '%s': zero point %" PRId32 " outside %s", i,
                            t->name, t->zero_point, dpu_dtype_name(t->dtype));
    return DPU_OK;
}

static int check_tensor(const struct dpu_program *p, size_t i, struct dpu_diag *d)
{
    const struct dpu_prog_tensor *t = &p->tensors[i];
    if (!t->name || !*t->name)
        return dpu_diag_set(d, DPU_E_INVALID, "tensor %zu has no name", i);
    if ((unsigned)t->role >= DPU_PROG_ROLE_COUNT || (unsigned)t->region >= DPU_REGION_COUNT ||
        (unsigned)t->layout >= DPU_PROG_LAYOUT_COUNT)
        return dpu_diag_set(d, DPU_E_INVALID, "tensor %zu '%s': role, region or layout invalid", i,
                            t->name);
    if ((t->role == DPU_PROG_ROLE_INPUT && t->region != DPU_REGION_INPUT) ||
        (t->role == DPU_PROG_ROLE_OUTPUT && t->region != DPU_REGION_OUTPUT))
        return dpu_diag_set(
            d, DPU_E_INVALID, "tensor %zu '%s': a graph %s must live in region %s, not %s", i,
            t->name, dpu_prog_role_name(t->role),
            t->role == DPU_PROG_ROLE_INPUT ? "INPUT" : "OUTPUT", dpu_prog_region_name(t->region));
    if (t->layout == DPU_PROG_LAYOUT_NCHW && t->cpad != 0)
        return dpu_diag_set(d, DPU_E_INVALID, "tensor %zu '%s': cpad %" PRIu32 " on an NCHW tensor",
                            i, t->name, t->cpad);
    int64_t need = dpu_prog_tensor_footprint(t);
    char shape[DPU_SHAPE_STR_MAX];
    if (need < 0 || (uint64_t)need != t->size)
        return dpu_diag_set(
            d, DPU_E_INVALID,
            "tensor %zu '%s': %" PRIu64 " bytes, but %s %s %s (cpad %" PRIu32 ") %s", i, t->name,
            t->size, dpu_dtype_name(t->dtype),
            dpu_shape_format(t->rank < 0 || t->rank > DPU_TENSOR_MAX_RANK ? 0 : t->rank, t->dims,
                             shape, sizeof shape),
            dpu_prog_layout_name(t->layout), t->cpad,
            need < 0 ? "is not a valid shape and layout" : "needs another size");
    uint64_t region = p->region_size[t->region];
    if (t->offset > region || t->size > region - t->offset)
        return dpu_diag_set(d, DPU_E_RANGE,
                            "tensor %zu '%s': bytes %" PRIu64 "..+%" PRIu64 " lie outside region "
                            "%s (%" PRIu64 " bytes)",
                            i, t->name, t->offset, t->size, dpu_prog_region_name(t->region),
                            region);
    return check_quant(t, i, d);
}

static int by_name(const void *a, const void *b)
{
    return strcmp((*(const struct dpu_prog_tensor *const *)a)->name,
                  (*(const struct dpu_prog_tensor *const *)b)->name);
}

static int check_tensors(const struct dpu_program *p, struct dpu_diag *d)
{
    for (size_t i = 0; i < p->ntensors; i++) {
        int err = check_tensor(p, i, d);
        if (err)
            return err;
    }
    if (p->ntensors < 2)
        return DPU_OK;
    const struct dpu_prog_tensor **sorted = malloc(p->ntensors * sizeof *sorted);
    if (!sorted)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    for (size_t i = 0; i < p->ntensors; i++)
        sorted[i] = &p->tensors[i];
    qsort(sorted, p->ntensors, sizeof *sorted, by_name);
    int err = DPU_OK;
    for (size_t i = 1; i < p->ntensors && !err; i++) {
        if (strcmp(sorted[i - 1]->name, sorted[i]->name) == 0)
            err = dpu_diag_set(d, DPU_E_INVALID, "two tensors are named '%s' (tensors %zu and %zu)",
                               sorted[i]->name, (size_t)(sorted[i - 1] - p->tensors),
                               (size_t)(sorted[i] - p->tensors));
    }
    free(sorted);
    return err;
}

static int check_bindings(const struct dpu_program *p, size_t step, const char *dir,
                          const uint32_t *idx, size_t n, struct dpu_diag *d)
{
    for (size_t k = 0; k < n; k++) {
        if (idx[k] >= p->ntensors)
            return dpu_diag_set(d, DPU_E_RANGE,
                                "plan step %zu (cpu): %s binding %zu names tensor %" PRIu32
                                ", but the program has %zu tensors",
                                step, dir, k, idx[k], p->ntensors);
        /* CONST is read-only at run time (the runtime loads it once; the accelerator refuses
         * to SAVE there): a CPU step must not write into it. */
        if (dir[0] == 'o' && p->tensors[idx[k]].region == DPU_REGION_CONST)
            return dpu_diag_set(d, DPU_E_INVALID,
                                "plan step %zu (cpu): output binding %zu writes tensor %" PRIu32
                                " '%s' in region CONST, which is read-only at run time",
                                step, k, idx[k], p->tensors[idx[k]].name);
    }
    return DPU_OK;
}

static int check_cpu_steps(const struct dpu_program *p, struct dpu_diag *d)
{
    for (size_t i = 0; i < p->nsteps; i++) {
        const struct dpu_prog_step *s = &p->steps[i];
        if ((unsigned)s->kind >= DPU_PROG_STEP_KIND_COUNT)
            return dpu_diag_set(d, DPU_E_INVALID, "plan step %zu: unknown kind %d", i,
                                (int)s->kind);
        if (s->kind != DPU_PROG_STEP_CPU)
            continue;
        if (s->q8_len == 0)
            return dpu_diag_set(d, DPU_E_INVALID, "plan step %zu (cpu): no model.q8 payload", i);
        if (s->n_outputs == 0)
            return dpu_diag_set(d, DPU_E_INVALID, "plan step %zu (cpu): binds no output tensor", i);
        if (s->n_inputs > UINT16_MAX || s->n_outputs > UINT16_MAX)
            return dpu_diag_set(d, DPU_E_RANGE, "plan step %zu (cpu): more than 65535 bindings", i);
        int err = check_bindings(p, i, "input", s->inputs, s->n_inputs, d);
        if (!err)
            err = check_bindings(p, i, "output", s->outputs, s->n_outputs, d);
        if (err)
            return err;
    }
    return DPU_OK;
}

int dpu_program_validate(const struct dpu_program *p, const struct dpu_preset *expected_preset,
                         struct dpu_diag *d)
{
    struct pv_ctx c = {p, NULL, NULL, d};
    int err = check_isa_version(p, d);
    if (!err)
        err = resolve_preset(p, expected_preset, &c.preset, d);
    if (!err)
        err = check_arrays(p, d);
    if (!err)
        err = check_layer_names(p, d);
    if (!err)
        err = prog_check_layer_ranges(NULL, p, d);
    int32_t *layer_of = NULL;
    if (!err)
        err = dpu_program_layer_map(p, &layer_of, d);
    c.layer_of = layer_of;
    if (!err)
        err = check_cpu_steps(p, d);
    if (!err)
        err = pv_check_insns(&c);
    if (!err)
        err = pv_check_segments(&c);
    if (!err)
        err = check_tensors(p, d);
    free(layer_of);
    return err;
}
