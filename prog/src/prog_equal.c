/* Program equality for round-trip tests and the fuzz target: every field the file holds,
 * floats bit for bit, NULL strings equal to "". */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "prog_internal.h"

struct cmp {
    char *why;
    size_t cap;
};

static bool differ(struct cmp *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool differ(struct cmp *c, const char *fmt, ...)
{
    if (c->why && c->cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->why, c->cap, fmt, ap);
        va_end(ap);
    }
    return false;
}

static const char *nz(const char *s)
{
    return s ? s : "";
}

static bool same_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

static bool same_bytes(const void *a, const void *b, size_t n)
{
    return n == 0 || memcmp(a, b, n) == 0;
}

static bool same_tensor(struct cmp *c, size_t i, const struct dpu_prog_tensor *a,
                        const struct dpu_prog_tensor *b)
{
    if (!same_str(a->name, b->name))
        return differ(c, "tensor %zu: name '%s' vs '%s'", i, nz(a->name), nz(b->name));
    if (a->role != b->role || a->region != b->region || a->dtype != b->dtype ||
        a->layout != b->layout || a->rank != b->rank || a->cpad != b->cpad)
        return differ(c, "tensor %zu '%s': role, region, dtype, layout, rank or cpad", i,
                      nz(a->name));
    if (a->offset != b->offset || a->size != b->size)
        return differ(c, "tensor %zu '%s': offset or size", i, nz(a->name));
    for (int k = 0; k < a->rank && k < DPU_TENSOR_MAX_RANK; k++) {
        if (a->dims[k] != b->dims[k])
            return differ(c, "tensor %zu '%s': dimension %d", i, nz(a->name), k);
    }
    if (a->quantized != b->quantized || pf_float_bits(a->scale) != pf_float_bits(b->scale) ||
        a->zero_point != b->zero_point)
        return differ(c, "tensor %zu '%s': quantization", i, nz(a->name));
    return true;
}

static bool same_step(struct cmp *c, size_t i, const struct dpu_prog_step *a,
                      const struct dpu_prog_step *b)
{
    if (a->kind != b->kind || !same_str(a->name, b->name))
        return differ(c, "plan step %zu: kind or name", i);
    if (a->kind != DPU_PROG_STEP_CPU) {
        if (a->first != b->first || a->count != b->count)
            return differ(c, "plan step %zu: instruction range", i);
        return true;
    }
    if (a->q8_len != b->q8_len || !same_bytes(a->q8, b->q8, a->q8_len))
        return differ(c, "plan step %zu: model.q8 payload", i);
    if (a->n_inputs != b->n_inputs || a->n_outputs != b->n_outputs ||
        !same_bytes(a->inputs, b->inputs, a->n_inputs * sizeof *a->inputs) ||
        !same_bytes(a->outputs, b->outputs, a->n_outputs * sizeof *a->outputs))
        return differ(c, "plan step %zu: bindings", i);
    return true;
}

static bool same_layer(struct cmp *c, size_t i, const struct dpu_prog_layer *a,
                       const struct dpu_prog_layer *b)
{
    if (!same_str(a->name, b->name) || !same_str(a->op, b->op))
        return differ(c, "layer %zu: name or op", i);
    if (a->nranges != b->nranges)
        return differ(c, "layer %zu '%s': number of ranges", i, nz(a->name));
    for (size_t r = 0; r < a->nranges; r++) {
        if (a->ranges[r].first != b->ranges[r].first || a->ranges[r].count != b->ranges[r].count)
            return differ(c, "layer %zu '%s': range %zu", i, nz(a->name), r);
    }
    return true;
}

bool dpu_program_equal(const struct dpu_program *a, const struct dpu_program *b, char *why,
                       size_t cap)
{
    struct cmp c = {why, cap};
    if (why && cap)
        why[0] = '\0';
    if (!same_str(a->preset_name, b->preset_name) || a->preset_hash != b->preset_hash)
        return differ(&c, "preset");
    if (a->isa_major != b->isa_major || a->isa_minor != b->isa_minor)
        return differ(&c, "ISA version");
    if (a->ninsns != b->ninsns || !same_bytes(a->insns, b->insns, a->ninsns * sizeof *a->insns))
        return differ(&c, "instructions");
    for (int r = 0; r < DPU_REGION_COUNT; r++) {
        if (a->region_size[r] != b->region_size[r])
            return differ(&c, "size of region %s", dpu_prog_region_name(r));
    }
    if (!same_bytes(a->const_data, b->const_data, (size_t)a->region_size[DPU_REGION_CONST]))
        return differ(&c, "CONST image");
    if (a->ntensors != b->ntensors || a->nsteps != b->nsteps || a->nlayers != b->nlayers)
        return differ(&c, "number of tensors, steps or layers");
    for (size_t i = 0; i < a->ntensors; i++) {
        if (!same_tensor(&c, i, &a->tensors[i], &b->tensors[i]))
            return false;
    }
    for (size_t i = 0; i < a->nsteps; i++) {
        if (!same_step(&c, i, &a->steps[i], &b->steps[i]))
            return false;
    }
    for (size_t i = 0; i < a->nlayers; i++) {
        if (!same_layer(&c, i, &a->layers[i], &b->layers[i]))
            return false;
    }
    return true;
}
