/* Filling a program piece by piece: each helper copies what it is given, so the program owns
 * every pointer it holds, and leaves the program unchanged when it fails. */
#include "dpu/program.h"

#include <stdlib.h>
#include <string.h>

#include "prog_internal.h"

char *prog_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c)
        memcpy(c, s, n);
    return c;
}

void *prog_memdup(const void *src, size_t n)
{
    if (n == 0)
        return NULL;
    void *c = malloc(n);
    if (c)
        memcpy(c, src, n);
    return c;
}

/* Grows *arr (of *count elements of size elem) by one zeroed element. */
static void *grow(void **arr, size_t count, size_t elem)
{
    if (count >= SIZE_MAX / elem - 1)
        return NULL;
    void *n = realloc(*arr, (count + 1) * elem);
    if (!n)
        return NULL;
    *arr = n;
    memset((char *)n + count * elem, 0, elem);
    return (char *)n + count * elem;
}

int dpu_program_set_target(struct dpu_program *p, const struct dpu_preset *preset,
                           struct dpu_diag *d)
{
    if (!preset || !preset->name)
        return dpu_diag_set(d, DPU_E_INVALID, "no preset given");
    char *name = prog_strdup(preset->name);
    if (!name)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    free(p->preset_name);
    p->preset_name = name;
    p->preset_hash = preset->hash;
    p->isa_major = DPU_ISA_VERSION_MAJOR;
    p->isa_minor = DPU_ISA_VERSION_MINOR;
    return DPU_OK;
}

int dpu_program_set_insns(struct dpu_program *p, const dpu_insn *insns, size_t count,
                          struct dpu_diag *d)
{
    if (count > SIZE_MAX / sizeof *insns)
        return dpu_diag_set(d, DPU_E_RANGE, "too many instructions (%zu)", count);
    dpu_insn *copy = prog_memdup(insns, count * sizeof *insns);
    if (count && !copy)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for %zu instructions", count);
    free(p->insns);
    p->insns = copy;
    p->ninsns = count;
    return DPU_OK;
}

int dpu_program_set_const(struct dpu_program *p, const uint8_t *data, uint64_t size,
                          struct dpu_diag *d)
{
    if (size > SIZE_MAX)
        return dpu_diag_set(d, DPU_E_RANGE, "CONST image of %llu bytes is too large",
                            (unsigned long long)size);
    uint8_t *copy = prog_memdup(data, (size_t)size);
    if (size && !copy)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for the CONST image");
    free(p->const_data);
    p->const_data = copy;
    p->region_size[DPU_REGION_CONST] = size;
    return DPU_OK;
}

int dpu_program_add_tensor(struct dpu_program *p, const struct dpu_prog_tensor *t, uint32_t *index,
                           struct dpu_diag *d)
{
    if (p->ntensors >= UINT32_MAX)
        return dpu_diag_set(d, DPU_E_RANGE, "too many tensors");
    char *name = prog_strdup(t->name ? t->name : "");
    if (!name)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    struct dpu_prog_tensor *slot = grow((void **)&p->tensors, p->ntensors, sizeof *slot);
    if (!slot) {
        free(name);
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for a tensor");
    }
    *slot = *t;
    slot->name = name;
    if (index)
        *index = (uint32_t)p->ntensors;
    p->ntensors++;
    return DPU_OK;
}

int dpu_program_add_accel_step(struct dpu_program *p, const char *name, uint64_t first,
                               uint64_t count, struct dpu_diag *d)
{
    char *n = prog_strdup(name);
    if (name && !n)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    struct dpu_prog_step *s = grow((void **)&p->steps, p->nsteps, sizeof *s);
    if (!s) {
        free(n);
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for a plan step");
    }
    s->kind = DPU_PROG_STEP_ACCEL;
    s->name = n;
    s->first = first;
    s->count = count;
    p->nsteps++;
    return DPU_OK;
}

int dpu_program_add_cpu_step(struct dpu_program *p, const char *name, const uint8_t *q8,
                             size_t q8_len, const uint32_t *inputs, size_t n_inputs,
                             const uint32_t *outputs, size_t n_outputs, struct dpu_diag *d)
{
    if (n_inputs > UINT16_MAX || n_outputs > UINT16_MAX)
        return dpu_diag_set(d, DPU_E_RANGE, "CPU step '%s': more than 65535 bindings",
                            name ? name : "");
    char *n = prog_strdup(name);
    uint8_t *bytes = prog_memdup(q8, q8_len);
    uint32_t *in = prog_memdup(inputs, n_inputs * sizeof *inputs);
    uint32_t *out = prog_memdup(outputs, n_outputs * sizeof *outputs);
    struct dpu_prog_step *s = NULL;
    if ((!name || n) && (!q8_len || bytes) && (!n_inputs || in) && (!n_outputs || out))
        s = grow((void **)&p->steps, p->nsteps, sizeof *s);
    if (!s) {
        free(n);
        free(bytes);
        free(in);
        free(out);
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for a CPU step");
    }
    s->kind = DPU_PROG_STEP_CPU;
    s->name = n;
    s->q8 = bytes;
    s->q8_len = q8_len;
    s->inputs = in;
    s->n_inputs = n_inputs;
    s->outputs = out;
    s->n_outputs = n_outputs;
    p->nsteps++;
    return DPU_OK;
}

int dpu_program_add_layer(struct dpu_program *p, const char *name, const char *op,
                          const struct dpu_prog_range *ranges, size_t nranges, struct dpu_diag *d)
{
    if (nranges > SIZE_MAX / sizeof *ranges)
        return dpu_diag_set(d, DPU_E_RANGE, "layer '%s': too many ranges", name ? name : "");
    char *n = prog_strdup(name ? name : "");
    char *o = prog_strdup(op ? op : "");
    struct dpu_prog_range *r = prog_memdup(ranges, nranges * sizeof *ranges);
    struct dpu_prog_layer *l = NULL;
    if (n && o && (!nranges || r))
        l = grow((void **)&p->layers, p->nlayers, sizeof *l);
    if (!l) {
        free(n);
        free(o);
        free(r);
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for a layer");
    }
    l->name = n;
    l->op = o;
    l->ranges = r;
    l->nranges = nranges;
    p->nlayers++;
    return DPU_OK;
}
