/* Node attributes, typed, with errors naming node, op and attribute. Old exporters leave
 * AttributeProto.type unset; the field that is present then says the type. */
#include <string.h>

#include "dpu/onnx_ctx.h"

const Onnx__AttributeProto *onnx_attr(const struct onnx_node *n, const char *name)
{
    for (size_t i = 0; i < n->pb->n_attribute; i++) {
        const Onnx__AttributeProto *a = n->pb->attribute[i];
        if (a->name && strcmp(a->name, name) == 0)
            return a;
    }
    return NULL;
}

static bool is_type(const Onnx__AttributeProto *a, Onnx__AttributeProto__AttributeType want,
                    bool present)
{
    if (a->has_type && a->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED)
        return a->type == want;
    return present;
}

static int wrong_type(struct onnx_ctx *ctx, const struct onnx_node *n, const char *name,
                      const char *want)
{
    return onnx_fail_attr(ctx, n, name, DPU_E_PARSE, "must be %s", want);
}

int onnx_attr_int(struct onnx_ctx *ctx, const struct onnx_node *n, const char *name, int64_t def,
                  int64_t *out)
{
    const Onnx__AttributeProto *a = onnx_attr(n, name);
    *out = def;
    if (!a)
        return DPU_OK;
    if (!is_type(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT, a->has_i))
        return wrong_type(ctx, n, name, "an int");
    *out = a->i;
    return DPU_OK;
}

int onnx_attr_float(struct onnx_ctx *ctx, const struct onnx_node *n, const char *name, double def,
                    double *out)
{
    const Onnx__AttributeProto *a = onnx_attr(n, name);
    *out = def;
    if (!a)
        return DPU_OK;
    if (!is_type(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT, a->has_f))
        return wrong_type(ctx, n, name, "a float");
    *out = a->f;
    return DPU_OK;
}

int onnx_attr_ints(struct onnx_ctx *ctx, const struct onnx_node *n, const char *name,
                   const int64_t **out, size_t *count)
{
    const Onnx__AttributeProto *a = onnx_attr(n, name);
    *out = NULL;
    *count = 0;
    if (!a)
        return DPU_OK;
    if (!is_type(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS, true))
        return wrong_type(ctx, n, name, "a list of ints");
    *out = a->ints;
    *count = a->n_ints;
    return DPU_OK;
}

int onnx_attr_floats(struct onnx_ctx *ctx, const struct onnx_node *n, const char *name,
                     const float **out, size_t *count)
{
    const Onnx__AttributeProto *a = onnx_attr(n, name);
    *out = NULL;
    *count = 0;
    if (!a)
        return DPU_OK;
    if (!is_type(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS, true))
        return wrong_type(ctx, n, name, "a list of floats");
    *out = a->floats;
    *count = a->n_floats;
    return DPU_OK;
}

int onnx_attr_string(struct onnx_ctx *ctx, const struct onnx_node *n, const char *name,
                     const char *def, char *buf, size_t cap)
{
    const Onnx__AttributeProto *a = onnx_attr(n, name);
    if (!a) {
        size_t len = strlen(def);
        if (len >= cap)
            len = cap - 1;
        memcpy(buf, def, len);
        buf[len] = '\0';
        return DPU_OK;
    }
    if (!is_type(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING, a->has_s))
        return wrong_type(ctx, n, name, "a string");
    size_t len = a->s.len;
    if (len >= cap)
        len = cap - 1;
    if (len)
        memcpy(buf, a->s.data, len);
    buf[len] = '\0';
    /* An embedded NUL would make the value compare equal to a shorter one. */
    if (memchr(buf, '\0', len) != NULL)
        return onnx_fail_attr(ctx, n, name, DPU_E_PARSE, "contains a NUL byte");
    return DPU_OK;
}

int onnx_attr_only(struct onnx_ctx *ctx, const struct onnx_node *n, const char *const *allowed)
{
    for (size_t i = 0; i < n->pb->n_attribute; i++) {
        const char *name = n->pb->attribute[i]->name ? n->pb->attribute[i]->name : "";
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, name) == 0;
        if (!ok)
            return onnx_fail_attr(ctx, n, name, DPU_E_UNSUPPORTED, "is not supported");
    }
    return DPU_OK;
}
