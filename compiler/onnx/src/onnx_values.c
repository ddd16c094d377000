/* Values: one per ONNX name, found through an open-addressing hash table so that models
 * with a hundred thousand tensors import in linear time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/onnx_ctx.h"

static uint64_t hash_name(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Doubles the table when it is half full (rehashing every value). */
static int grow_slots(struct onnx_ctx *ctx)
{
    size_t n = ctx->nslots ? ctx->nslots * 2 : 256;
    int *slots = malloc(n * sizeof *slots);
    if (!slots)
        return DPU_E_NOMEM;
    for (size_t i = 0; i < n; i++)
        slots[i] = -1;
    for (size_t v = 0; v < ctx->nvalues; v++) {
        size_t i = hash_name(ctx->values[v].name) & (n - 1);
        while (slots[i] >= 0)
            i = (i + 1) & (n - 1);
        slots[i] = (int)v;
    }
    free(ctx->slots);
    ctx->slots = slots;
    ctx->nslots = n;
    return DPU_OK;
}

int onnx_value_find(const struct onnx_ctx *ctx, const char *name)
{
    if (!ctx->nslots)
        return -1;
    for (size_t i = hash_name(name) & (ctx->nslots - 1);; i = (i + 1) & (ctx->nslots - 1)) {
        int v = ctx->slots[i];
        if (v < 0)
            return -1;
        if (strcmp(ctx->values[v].name, name) == 0)
            return v;
    }
}

/* Appends a value named name (not yet in the table). */
static int add_value(struct onnx_ctx *ctx, const char *name)
{
    if (ctx->nvalues >= (size_t)INT32_MAX / 2)
        return dpu_diag_set(ctx->d, DPU_E_RANGE, "%s: too many tensors", ctx->model_name);
    if ((ctx->nvalues + 1) * 2 > ctx->nslots && grow_slots(ctx))
        return dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
    if (ctx->nvalues == ctx->values_cap) {
        if (ctx->values_frozen)
            return dpu_diag_set(ctx->d, DPU_E_INTERNAL,
                                "%s: the importer ran out of reserved tensor names",
                                ctx->model_name);
        size_t cap = ctx->values_cap ? ctx->values_cap * 2 : 64;
        struct onnx_value *nv = realloc(ctx->values, cap * sizeof *nv);
        if (!nv)
            return dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
        ctx->values = nv;
        ctx->values_cap = cap;
    }
    char *copy = strdup(name);
    if (!copy)
        return dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
    struct onnx_value *v = &ctx->values[ctx->nvalues];
    memset(v, 0, sizeof *v);
    v->name = copy;
    v->producer = -1;
    v->alias = -1;
    v->ir = -1;
    v->dq_of = -1;
    v->q.axis = -1;
    size_t i = hash_name(name) & (ctx->nslots - 1);
    while (ctx->slots[i] >= 0)
        i = (i + 1) & (ctx->nslots - 1);
    ctx->slots[i] = (int)ctx->nvalues;
    return (int)ctx->nvalues++;
}

int onnx_value_get(struct onnx_ctx *ctx, const char *name)
{
    int v = onnx_value_find(ctx, name);
    return v >= 0 ? v : add_value(ctx, name);
}

int onnx_value_new(struct onnx_ctx *ctx, const char *base, const char *suffix)
{
    size_t len = strlen(base) + strlen(suffix) + 24;
    char *name = malloc(len);
    if (!name)
        return dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
    snprintf(name, len, "%s%s", base, suffix);
    for (unsigned k = 2; onnx_value_find(ctx, name) >= 0; k++)
        snprintf(name, len, "%s%s_%u", base, suffix, k);
    int v = add_value(ctx, name);
    free(name);
    return v;
}

int onnx_value_resolve(const struct onnx_ctx *ctx, int v)
{
    /* Aliases always point at an older value, so the chain ends. */
    while (v >= 0 && ctx->values[v].alias >= 0)
        v = ctx->values[v].alias;
    return v;
}

struct onnx_value *onnx_in(struct onnx_ctx *ctx, const struct onnx_node *n, int i)
{
    if (i < 0 || i >= n->nin || n->in[i] < 0)
        return NULL;
    return &ctx->values[onnx_value_resolve(ctx, n->in[i])];
}

struct onnx_value *onnx_out(struct onnx_ctx *ctx, const struct onnx_node *n, int i)
{
    if (i < 0 || i >= n->nout || n->out[i] < 0)
        return NULL;
    return &ctx->values[n->out[i]];
}

int onnx_const_in(struct onnx_ctx *ctx, const struct onnx_node *n, int i, const char *role,
                  const struct onnx_tensor **t)
{
    const struct onnx_value *v = onnx_in(ctx, n, i);
    char nb[ONNX_NAME_MAX];
    if (!v)
        return onnx_fail(ctx, n, DPU_E_INVALID, "input %d (%s) is missing", i, role);
    if (v->unsupported_const)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED, "input %d (%s) '%s' has element type %s", i,
                         role, onnx_safe_name(v->name, nb), onnx_elem_name(v->elem));
    if (!v->is_const)
        return onnx_fail(ctx, n, DPU_E_UNSUPPORTED,
                         "input %d (%s) '%s' must be a constant (an initializer or computable "
                         "from constants and shapes)",
                         i, role, onnx_safe_name(v->name, nb));
    *t = &v->konst;
    return DPU_OK;
}

int onnx_values_reserve(struct onnx_ctx *ctx, size_t extra)
{
    if (ctx->values_cap - ctx->nvalues >= extra)
        return DPU_OK;
    if (extra > (size_t)INT32_MAX / 2 - ctx->nvalues)
        return dpu_diag_set(ctx->d, DPU_E_RANGE, "%s: too many tensors", ctx->model_name);
    size_t cap = ctx->nvalues + extra;
    struct onnx_value *nv = realloc(ctx->values, cap * sizeof *nv);
    if (!nv)
        return dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
    ctx->values = nv;
    ctx->values_cap = cap;
    return DPU_OK;
}

void onnx_ctx_free(struct onnx_ctx *ctx)
{
    for (size_t i = 0; i < ctx->nvalues; i++) {
        struct onnx_value *v = &ctx->values[i];
        free(v->name);
        onnx_tensor_free(&v->konst);
        free(v->q.scale);
        free(v->q.zp);
    }
    for (size_t i = 0; i < ctx->nnodes; i++) {
        free(ctx->nodes[i].name);
        free(ctx->nodes[i].in);
        free(ctx->nodes[i].out);
    }
    free(ctx->values);
    free(ctx->nodes);
    free(ctx->order);
    free(ctx->ginputs);
    free(ctx->goutputs);
    free(ctx->slots);
    if (ctx->model)
        onnx__model_proto__free_unpacked(ctx->model, NULL);
    memset(ctx, 0, sizeof *ctx);
}
