/* The metadata sections' bytes -> program: tensors, plan steps with their CPU payloads and
 * bindings, layers with their ranges. Every reference is checked before it is followed;
 * messages name the section, the record and its byte offset in the file.
 *
 * Payloads, bindings and ranges are copied per step or layer, so the reader insists that
 * each is used once, in record order: a hostile file cannot make a small file expand into a
 * large program by pointing many records at the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "prog_internal.h"

struct parser {
    const char *name;
    const struct pf_image *img;
    struct dpu_diag *d;
};

/* Byte offset in the file of byte `at` of section id, for messages. */
static unsigned long long file_at(const struct parser *ps, enum pf_sec id, uint64_t at)
{
    return (unsigned long long)(ps->img->file_offset[id] + at);
}

static int bad(const struct parser *ps, enum pf_sec id, size_t rec, uint64_t at, const char *what)
{
    return dpu_diag_set(ps->d, DPU_E_PARSE, "%s: section %s, record %zu (byte %llu): %s", ps->name,
                        pf_sections[id].name, rec, file_at(ps, id, at), what);
}

/* .dpu.strtab must start and end with a NUL, so every offset inside it names a terminated
 * string. */
static int check_strtab(const struct parser *ps)
{
    uint64_t n = ps->img->size[PF_STRTAB];
    const uint8_t *s = ps->img->data[PF_STRTAB];
    if (n == 0 || s[0] != 0 || s[n - 1] != 0)
        return dpu_diag_set(ps->d, DPU_E_PARSE,
                            "%s: section %s does not start and end with a NUL byte", ps->name,
                            PF_SEC_STRTAB);
    return DPU_OK;
}

/* Copies string `off` of .dpu.strtab into *out (NULL for offset 0 when allow_null). */
static int get_string(const struct parser *ps, enum pf_sec id, size_t rec, uint64_t at,
                      uint32_t off, bool allow_null, char **out)
{
    *out = NULL;
    if (off == 0 && allow_null)
        return DPU_OK;
    if (off >= ps->img->size[PF_STRTAB])
        return bad(ps, id, rec, at, "string offset outside " PF_SEC_STRTAB);
    const char *s = (const char *)ps->img->data[PF_STRTAB] + off;
    if (strlen(s) > DPU_PROG_NAME_MAX)
        return bad(ps, id, rec, at, "name longer than the limit (DPU_PROG_NAME_MAX)");
    *out = prog_strdup(s);
    if (!*out)
        return dpu_diag_set(ps->d, DPU_E_NOMEM, "%s: out of memory", ps->name);
    return DPU_OK;
}

static int parse_tensor(const struct parser *ps, size_t i, const uint8_t *r,
                        struct dpu_prog_tensor *t)
{
    uint64_t at = (uint64_t)i * PF_TENSOR_SIZE;
    if (r[PF_T_ROLE] >= DPU_PROG_ROLE_COUNT)
        return bad(ps, PF_TENSORS, i, at + PF_T_ROLE, "role is not input, output or internal");
    if (r[PF_T_REGION] >= DPU_REGION_COUNT)
        return bad(ps, PF_TENSORS, i, at + PF_T_REGION, "region is not 0..3");
    if (r[PF_T_DTYPE] > DPU_DT_FLOAT32)
        return bad(ps, PF_TENSORS, i, at + PF_T_DTYPE, "unknown dtype");
    if (r[PF_T_LAYOUT] >= DPU_PROG_LAYOUT_COUNT)
        return bad(ps, PF_TENSORS, i, at + PF_T_LAYOUT, "layout is not NCHW or NHWC");
    if (r[PF_T_RANK] > DPU_TENSOR_MAX_RANK)
        return bad(ps, PF_TENSORS, i, at + PF_T_RANK, "rank above 8");
    if ((r[PF_T_FLAGS] & ~PF_T_FLAG_QUANTIZED) || pf_get_u16(r + PF_T_RESERVED))
        return bad(ps, PF_TENSORS, i, at + PF_T_FLAGS, "unknown flags or reserved bits set");
    t->role = (enum dpu_prog_role)r[PF_T_ROLE];
    t->region = (enum dpu_region)r[PF_T_REGION];
    t->dtype = (enum dpu_dtype)r[PF_T_DTYPE];
    t->layout = (enum dpu_prog_layout)r[PF_T_LAYOUT];
    t->rank = r[PF_T_RANK];
    t->quantized = r[PF_T_FLAGS] & PF_T_FLAG_QUANTIZED;
    t->cpad = pf_get_u32(r + PF_T_CPAD);
    t->offset = pf_get_u64(r + PF_T_OFFSET);
    t->size = pf_get_u64(r + PF_T_BYTES);
    t->scale = pf_bits_float(pf_get_u32(r + PF_T_SCALE));
    t->zero_point = (int32_t)pf_get_u32(r + PF_T_ZERO_POINT);
    for (int k = 0; k < DPU_TENSOR_MAX_RANK; k++) {
        uint64_t v = pf_get_u64(r + PF_T_DIMS + 8 * k);
        if (k >= t->rank && v)
            return bad(ps, PF_TENSORS, i, at + PF_T_DIMS + 8 * k,
                       "a dimension beyond the rank is not zero");
        t->dims[k] = (int64_t)v;
    }
    return get_string(ps, PF_TENSORS, i, at + PF_T_NAME, pf_get_u32(r + PF_T_NAME), false,
                      &t->name);
}

static int parse_tensors(const struct parser *ps, struct dpu_program *p)
{
    uint64_t n = ps->img->size[PF_TENSORS] / PF_TENSOR_SIZE;
    if (n > UINT32_MAX)
        return dpu_diag_set(ps->d, DPU_E_PARSE, "%s: more than 2^32 tensors", ps->name);
    if (n == 0)
        return DPU_OK;
    p->tensors = calloc((size_t)n, sizeof *p->tensors);
    if (!p->tensors)
        return dpu_diag_set(ps->d, DPU_E_NOMEM, "%s: out of memory", ps->name);
    p->ntensors = (size_t)n;
    for (size_t i = 0; i < n; i++) {
        int err =
            parse_tensor(ps, i, ps->img->data[PF_TENSORS] + i * PF_TENSOR_SIZE, &p->tensors[i]);
        if (err)
            return err;
    }
    return DPU_OK;
}

/* Cursors over the pieces steps and layers use up in order. */
struct cursors {
    uint64_t cpu_end; /* end of the last payload in .dpu.cpu */
    uint64_t bind;    /* next unused binding */
    uint64_t range;   /* next unused layer range */
};

static int copy_bindings(const struct parser *ps, const uint8_t *b, size_t n, uint32_t **out)
{
    *out = NULL;
    if (n == 0)
        return DPU_OK;
    *out = malloc(n * sizeof **out);
    if (!*out)
        return dpu_diag_set(ps->d, DPU_E_NOMEM, "%s: out of memory", ps->name);
    for (size_t i = 0; i < n; i++)
        (*out)[i] = pf_get_u32(b + PF_BIND_SIZE * i);
    return DPU_OK;
}

static int parse_cpu_step(const struct parser *ps, size_t i, const uint8_t *r,
                          struct dpu_prog_step *s, struct cursors *c)
{
    uint64_t at = (uint64_t)i * PF_STEP_SIZE;
    uint64_t off = pf_get_u64(r + PF_S_A), len = pf_get_u64(r + PF_S_B);
    uint64_t cpu_size = ps->img->size[PF_CPU];
    if (off > cpu_size || len > cpu_size - off)
        return bad(ps, PF_PLAN, i, at + PF_S_A, "CPU payload outside " PF_SEC_CPU);
    if (off < c->cpu_end)
        return bad(ps, PF_PLAN, i, at + PF_S_A,
                   "CPU payload overlaps or precedes the previous step's payload");
    c->cpu_end = off + len;
    uint64_t first = pf_get_u32(r + PF_S_BIND_FIRST);
    size_t nin = pf_get_u16(r + PF_S_N_INPUTS), nout = pf_get_u16(r + PF_S_N_OUTPUTS);
    uint64_t nbind = ps->img->size[PF_BIND] / PF_BIND_SIZE;
    if (first != c->bind || nin + nout > nbind - first)
        return bad(ps, PF_PLAN, i, at + PF_S_BIND_FIRST,
                   "bindings are not the next unused ones of " PF_SEC_BIND);
    c->bind = first + nin + nout;
    /* An empty section has no data pointer: no arithmetic on it (NULL + 0 is undefined). */
    const uint8_t *b = nin + nout ? ps->img->data[PF_BIND] + first * PF_BIND_SIZE : NULL;
    s->q8 = len ? prog_memdup(ps->img->data[PF_CPU] + off, (size_t)len) : NULL;
    s->q8_len = (size_t)len;
    if (len && !s->q8)
        return dpu_diag_set(ps->d, DPU_E_NOMEM, "%s: out of memory", ps->name);
    s->n_inputs = nin;
    s->n_outputs = nout;
    int err = copy_bindings(ps, b, nin, &s->inputs);
    if (!err)
        err = copy_bindings(ps, nout ? b + nin * PF_BIND_SIZE : NULL, nout, &s->outputs);
    return err;
}

static int parse_step(const struct parser *ps, size_t i, const uint8_t *r, struct dpu_prog_step *s,
                      struct cursors *c)
{
    uint64_t at = (uint64_t)i * PF_STEP_SIZE;
    if (r[PF_S_KIND] >= DPU_PROG_STEP_KIND_COUNT)
        return bad(ps, PF_PLAN, i, at + PF_S_KIND, "step kind is not accel (0) or cpu (1)");
    if (r[PF_S_RESERVED] || r[PF_S_RESERVED + 1] || r[PF_S_RESERVED + 2])
        return bad(ps, PF_PLAN, i, at + PF_S_RESERVED, "reserved bytes are not zero");
    s->kind = (enum dpu_prog_step_kind)r[PF_S_KIND];
    int err = get_string(ps, PF_PLAN, i, at + PF_S_NAME, pf_get_u32(r + PF_S_NAME), true, &s->name);
    if (err)
        return err;
    if (s->kind == DPU_PROG_STEP_CPU)
        return parse_cpu_step(ps, i, r, s, c);
    if (pf_get_u32(r + PF_S_BIND_FIRST) || pf_get_u16(r + PF_S_N_INPUTS) ||
        pf_get_u16(r + PF_S_N_OUTPUTS))
        return bad(ps, PF_PLAN, i, at + PF_S_BIND_FIRST, "an accel step has bindings");
    s->first = pf_get_u64(r + PF_S_A);
    s->count = pf_get_u64(r + PF_S_B);
    return DPU_OK;
}

static int parse_layer(const struct parser *ps, size_t i, const uint8_t *r,
                       struct dpu_prog_layer *l, struct cursors *c)
{
    uint64_t at = (uint64_t)i * PF_LAYER_SIZE;
    int err =
        get_string(ps, PF_LAYERS, i, at + PF_L_NAME, pf_get_u32(r + PF_L_NAME), false, &l->name);
    if (!err)
        err = get_string(ps, PF_LAYERS, i, at + PF_L_OP, pf_get_u32(r + PF_L_OP), false, &l->op);
    if (err)
        return err;
    uint64_t first = pf_get_u32(r + PF_L_RANGE_FIRST), n = pf_get_u32(r + PF_L_RANGE_COUNT);
    uint64_t nranges = ps->img->size[PF_RANGES] / PF_RANGE_SIZE;
    if (first != c->range || n > nranges - first)
        return bad(ps, PF_LAYERS, i, at + PF_L_RANGE_FIRST,
                   "ranges are not the next unused ones of " PF_SEC_RANGES);
    c->range = first + n;
    if (n == 0)
        return DPU_OK;
    l->ranges = malloc((size_t)n * sizeof *l->ranges);
    if (!l->ranges)
        return dpu_diag_set(ps->d, DPU_E_NOMEM, "%s: out of memory", ps->name);
    l->nranges = (size_t)n;
    for (uint64_t k = 0; k < n; k++) {
        const uint8_t *rr = ps->img->data[PF_RANGES] + (first + k) * PF_RANGE_SIZE;
        l->ranges[k].first = pf_get_u64(rr + PF_R_FIRST);
        l->ranges[k].count = pf_get_u64(rr + PF_R_COUNT);
    }
    return DPU_OK;
}

/* The plan, then the layers; each must use up its bindings or ranges exactly. */
static int parse_plan_and_layers(const struct parser *ps, struct dpu_program *p)
{
    struct cursors c = {0, 0, 0};
    uint64_t nsteps = ps->img->size[PF_PLAN] / PF_STEP_SIZE;
    uint64_t nlayers = ps->img->size[PF_LAYERS] / PF_LAYER_SIZE;
    if (nsteps) {
        p->steps = calloc((size_t)nsteps, sizeof *p->steps);
        if (!p->steps)
            return dpu_diag_set(ps->d, DPU_E_NOMEM, "%s: out of memory", ps->name);
        p->nsteps = (size_t)nsteps;
    }
    for (size_t i = 0; i < nsteps; i++) {
        int err = parse_step(ps, i, ps->img->data[PF_PLAN] + i * PF_STEP_SIZE, &p->steps[i], &c);
        if (err)
            return err;
    }
    if (c.bind != ps->img->size[PF_BIND] / PF_BIND_SIZE)
        return dpu_diag_set(ps->d, DPU_E_PARSE, "%s: section %s has bindings no step uses",
                            ps->name, PF_SEC_BIND);
    if (nlayers) {
        p->layers = calloc((size_t)nlayers, sizeof *p->layers);
        if (!p->layers)
            return dpu_diag_set(ps->d, DPU_E_NOMEM, "%s: out of memory", ps->name);
        p->nlayers = (size_t)nlayers;
    }
    for (size_t i = 0; i < nlayers; i++) {
        int err =
            parse_layer(ps, i, ps->img->data[PF_LAYERS] + i * PF_LAYER_SIZE, &p->layers[i], &c);
        if (err)
            return err;
    }
    if (c.range != ps->img->size[PF_RANGES] / PF_RANGE_SIZE)
        return dpu_diag_set(ps->d, DPU_E_PARSE, "%s: section %s has ranges no layer uses", ps->name,
                            PF_SEC_RANGES);
    return DPU_OK;
}

int pf_records_parse(const char *name, const struct pf_image *img, struct dpu_program *p,
                     struct dpu_diag *d)
{
    struct parser ps = {name, img, d};
    int err = check_strtab(&ps);
    if (!err)
        err = parse_tensors(&ps, p);
    if (!err)
        err = parse_plan_and_layers(&ps, p);
    return err;
}
