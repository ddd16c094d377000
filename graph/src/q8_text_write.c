/* Text model.q8 writer: one line per tensor and node, names bare when they can be, floats in
 * their shortest exact decimal, constant data as hex bytes. The reader (q8_text_read.c)
 * turns this output back into the identical graph. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/q8.h"
#include "q8_text.h"
#include "strmap.h"

/* A name or string: bare if possible, else quoted with \" \\ \n \t and \xHH escapes. */
static void put_name(FILE *f, const char *s, bool force_quotes)
{
    s = s ? s : "";
    if (!force_quotes && q8_text_bare(s)) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p < 0x20 || *p >= 0x7f)
            fprintf(f, "\\x%02x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void put_ints(FILE *f, const int64_t *v, size_t n)
{
    fputc('[', f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%" PRId64, i ? "," : "", v[i]);
    fputc(']', f);
}

static void put_hex(FILE *f, const uint8_t *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char buf[1024];
    size_t k = 0;
    fputc('<', f);
    for (size_t i = 0; i < n; i++) {
        buf[k++] = hex[p[i] >> 4];
        buf[k++] = hex[p[i] & 15];
        if (k == sizeof buf) {
            fwrite(buf, 1, k, f);
            k = 0;
        }
    }
    fwrite(buf, 1, k, f);
    fputc('>', f);
}

static void put_tensor(FILE *f, const struct dpu_gtensor *t)
{
    char num[Q8_NUM_MAX];
    fputs("tensor ", f);
    put_name(f, t->name, false);
    fprintf(f, " %s ", dpu_dtype_name(t->dtype));
    put_ints(f, t->dims, (size_t)t->rank);
    const struct dpu_quant *q = &t->quant;
    if (q->count || q->axis != -1) {
        fprintf(f, " quant=%d scale=[", q->axis);
        for (size_t c = 0; c < q->count; c++) {
            q8_format_f32(q->scale[c], num);
            fprintf(f, "%s%s", c ? "," : "", num);
        }
        fputs("] zp=[", f);
        for (size_t c = 0; c < q->count; c++)
            fprintf(f, "%s%" PRId32, c ? "," : "", q->zero_point[c]);
        fputc(']', f);
    }
    if (t->data) {
        fputs(" data=", f);
        put_hex(f, t->data, (size_t)dpu_shape_count(t->rank, t->dims) * dpu_dtype_size(t->dtype));
    }
    fputc('\n', f);
}

static void put_attr(FILE *f, const struct dpu_attr *a)
{
    char num[Q8_NUM_MAX];
    fputc(' ', f);
    /* "in" and "out" are the node's tensor lists: an attribute so named needs quotes. */
    bool reserved = a->name && (strcmp(a->name, "in") == 0 || strcmp(a->name, "out") == 0);
    put_name(f, a->name, reserved);
    fputc('=', f);
    switch (a->type) {
    case DPU_ATTR_INT:
        fprintf(f, "%" PRId64, a->i);
        break;
    case DPU_ATTR_FLOAT:
        q8_format_f64(a->f, num);
        fputs(num, f);
        break;
    case DPU_ATTR_INTS:
        put_ints(f, a->ints, a->n);
        break;
    case DPU_ATTR_FLOATS:
        /* An empty list would read back as ints: say which. */
        fputs(a->n ? "[" : "floats[", f);
        for (size_t j = 0; j < a->n; j++) {
            q8_format_f64(a->floats[j], num);
            fprintf(f, "%s%s", j ? "," : "", num);
        }
        fputc(']', f);
        break;
    case DPU_ATTR_STRING:
        put_name(f, a->s, true);
        break;
    }
}

static void put_refs(FILE *f, const struct dpu_graph *g, const int32_t *refs, size_t n)
{
    fputc('[', f);
    for (size_t k = 0; k < n; k++) {
        if (k)
            fputc(',', f);
        if (refs[k] < 0)
            fputc('-', f);
        else
            put_name(f, g->tensors[refs[k]].name, false);
    }
    fputc(']', f);
}

/* The text form names tensors, so it needs in-range references, unique names and the
 * arrays behind every count. */
static int check_writable(const struct dpu_graph *g, struct dpu_diag *d)
{
    if ((g->ntensors && !g->tensors) || (g->nnodes && !g->nodes) || (g->ninputs && !g->inputs) ||
        (g->noutputs && !g->outputs))
        return dpu_diag_set(d, DPU_E_INVALID, "graph has a count without its array");
    struct dpu_strmap names;
    dpu_strmap_init(&names);
    int err = DPU_OK;
    for (size_t i = 0; i < g->ntensors && !err; i++) {
        const struct dpu_gtensor *t = &g->tensors[i];
        const char *nm = t->name ? t->name : "";
        int r = dpu_strmap_put(&names, nm, strlen(nm), (int64_t)i, NULL);
        if (r < 0)
            err = dpu_diag_set(d, r, "out of memory");
        else if (r == 1)
            err = dpu_diag_set(d, DPU_E_INVALID,
                               "tensor %zu: its name is used twice, which the text form cannot "
                               "express",
                               i);
        else if (dpu_dtype_size(t->dtype) == 0 || dpu_shape_count(t->rank, t->dims) < 0 ||
                 (t->quant.count && (!t->quant.scale || !t->quant.zero_point)))
            err = dpu_diag_set(d, DPU_E_INVALID, "tensor %zu: bad dtype, shape or quantization", i);
    }
    dpu_strmap_free(&names);
    for (size_t i = 0; i < g->nnodes && !err; i++) {
        const struct dpu_gnode *n = &g->nodes[i];
        bool ok = dpu_node_op_name(n->op) && (!n->ninputs || n->inputs) &&
                  (!n->noutputs || n->outputs) && (!n->nattrs || n->attrs);
        for (size_t k = 0; ok && k < n->ninputs; k++)
            ok = n->inputs[k] >= -1 && n->inputs[k] < (int64_t)g->ntensors;
        for (size_t k = 0; ok && k < n->noutputs; k++)
            ok = n->outputs[k] >= -1 && n->outputs[k] < (int64_t)g->ntensors;
        for (size_t k = 0; ok && k < n->nattrs; k++) {
            const struct dpu_attr *a = &n->attrs[k];
            ok = a->type == DPU_ATTR_INT || a->type == DPU_ATTR_FLOAT ||
                 (a->type == DPU_ATTR_INTS && (!a->n || a->ints)) ||
                 (a->type == DPU_ATTR_FLOATS && (!a->n || a->floats)) ||
                 (a->type == DPU_ATTR_STRING && a->s);
        }
        if (!ok)
            err = dpu_diag_set(d, DPU_E_INVALID,
                               "node %zu: unknown op, a tensor reference out of range or a "
                               "malformed attribute",
                               i);
    }
    for (size_t k = 0; k < g->ninputs + g->noutputs && !err; k++) {
        int32_t t = k < g->ninputs ? g->inputs[k] : g->outputs[k - g->ninputs];
        if (t < -1 || t >= (int64_t)g->ntensors)
            err = dpu_diag_set(d, DPU_E_INVALID, "graph input or output refers to tensor %" PRId32,
                               t);
    }
    return err;
}

int dpu_q8_text_write(FILE *f, const struct dpu_graph *g, struct dpu_diag *d)
{
    int err = check_writable(g, d);
    if (err)
        return err;
    fprintf(f, "q8 %d.%d %s name=", DPU_Q8_VERSION_MAJOR, DPU_Q8_VERSION_MINOR,
            g->quantized ? "quantized" : "float");
    put_name(f, g->name, true);
    fputc('\n', f);
    for (size_t i = 0; i < g->ntensors; i++)
        put_tensor(f, &g->tensors[i]);
    for (size_t i = 0; i < g->nnodes; i++) {
        const struct dpu_gnode *n = &g->nodes[i];
        fputs("node ", f);
        put_name(f, n->name, false);
        fprintf(f, " %s in=", dpu_node_op_name(n->op));
        put_refs(f, g, n->inputs, n->ninputs);
        fputs(" out=", f);
        put_refs(f, g, n->outputs, n->noutputs);
        for (size_t k = 0; k < n->nattrs; k++)
            put_attr(f, &n->attrs[k]);
        fputc('\n', f);
    }
    fputs("inputs ", f);
    put_refs(f, g, g->inputs, g->ninputs);
    fputs("\noutputs ", f);
    put_refs(f, g, g->outputs, g->noutputs);
    fputc('\n', f);
    if (fflush(f) != 0 || ferror(f))
        return dpu_diag_set(d, DPU_E_IO, "write error in the text model.q8");
    return DPU_OK;
}
