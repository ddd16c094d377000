/* struct dpu_program: lifetime, the names of its enums and the sizes of its tensors. */
#include "dpu/program.h"

#include <stdlib.h>
#include <string.h>

void dpu_program_init(struct dpu_program *p)
{
    memset(p, 0, sizeof *p);
}

static void free_step(struct dpu_prog_step *s)
{
    free(s->name);
    free(s->q8);
    free(s->inputs);
    free(s->outputs);
}

void dpu_program_free(struct dpu_program *p)
{
    if (!p)
        return;
    free(p->preset_name);
    free(p->insns);
    free(p->const_data);
    for (size_t i = 0; i < p->ntensors && p->tensors; i++)
        free(p->tensors[i].name);
    free(p->tensors);
    for (size_t i = 0; i < p->nsteps && p->steps; i++)
        free_step(&p->steps[i]);
    free(p->steps);
    for (size_t i = 0; i < p->nlayers && p->layers; i++) {
        free(p->layers[i].name);
        free(p->layers[i].op);
        free(p->layers[i].ranges);
    }
    free(p->layers);
    dpu_program_init(p);
}

const char *dpu_prog_role_name(int role)
{
    static const char *const names[] = {"input", "output", "internal"};
    return role >= 0 && role < DPU_PROG_ROLE_COUNT ? names[role] : "?";
}

const char *dpu_prog_layout_name(int layout)
{
    static const char *const names[] = {"NCHW", "NHWC"};
    return layout >= 0 && layout < DPU_PROG_LAYOUT_COUNT ? names[layout] : "?";
}

const char *dpu_prog_step_kind_name(int kind)
{
    static const char *const names[] = {"accel", "cpu"};
    return kind >= 0 && kind < DPU_PROG_STEP_KIND_COUNT ? names[kind] : "?";
}

const char *dpu_prog_region_name(int region)
{
    static const char *const names[] = {"CONST", "INPUT", "OUTPUT", "SCRATCH"};
    return region >= 0 && region < DPU_REGION_COUNT ? names[region] : "?";
}

int64_t dpu_prog_tensor_footprint(const struct dpu_prog_tensor *t)
{
    size_t esize = dpu_dtype_size(t->dtype);
    int64_t count = dpu_shape_count(t->rank, t->dims);
    if (esize == 0 || count < 0)
        return -1;
    if (t->layout == DPU_PROG_LAYOUT_NCHW)
        return count * (int64_t)esize; /* count <= 2^40, esize <= 4: no overflow */
    if (t->layout != DPU_PROG_LAYOUT_NHWC || t->rank != 4 || (int64_t)t->cpad < t->dims[1])
        return -1;
    /* N*H*W*cpad*esize, each factor checked against the limit before the next multiply. */
    int64_t n = (int64_t)esize;
    const int64_t factors[4] = {t->dims[0], t->dims[2], t->dims[3], (int64_t)t->cpad};
    for (int i = 0; i < 4; i++) {
        if (factors[i] == 0)
            return 0;
        if (n > DPU_TENSOR_MAX_BYTES / factors[i])
            return -1;
        n *= factors[i];
    }
    return n;
}

int dpu_program_layer_map(const struct dpu_program *p, int32_t **layer_of, struct dpu_diag *d)
{
    *layer_of = NULL;
    if (p->ninsns == 0)
        return DPU_OK;
    int32_t *map = malloc(p->ninsns * sizeof *map);
    if (!map)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for %zu instructions", p->ninsns);
    for (size_t i = 0; i < p->ninsns; i++)
        map[i] = -1;
    for (size_t l = 0; l < p->nlayers && l <= INT32_MAX; l++) {
        const struct dpu_prog_layer *layer = &p->layers[l];
        for (size_t r = 0; r < layer->nranges; r++) {
            uint64_t first = layer->ranges[r].first, count = layer->ranges[r].count;
            if (first >= p->ninsns || count > p->ninsns - first)
                continue;
            for (uint64_t i = first; i < first + count; i++)
                map[i] = (int32_t)l;
        }
    }
    *layer_of = map;
    return DPU_OK;
}
