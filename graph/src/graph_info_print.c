/* The two renderings of a graph summary: an aligned table for people and a JSON object for
 * scripts. Names are printed safely: control and non-ASCII bytes become '?' in the table
 * and \u00XX escapes in JSON (each byte on its own, so non-ASCII names read as Latin-1). */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "dpu/graph_info.h"
#include "q8_text.h"

#define NAME_COL_MAX 40

static void put_safe(FILE *f, const char *s)
{
    for (; s && *s; s++)
        fputc((*s >= 0x20 && *s < 0x7f) ? *s : '?', f);
}

static void put_dims(FILE *f, const struct dpu_gtensor *t)
{
    fputc('[', f);
    for (int i = 0; i < t->rank; i++)
        fprintf(f, "%s%" PRId64, i ? "," : "", t->dims[i]);
    fputc(']', f);
}

static int dims_width(const struct dpu_gtensor *t)
{
    char buf[DPU_TENSOR_MAX_RANK * 21 + 3];
    size_t n = 1;
    buf[0] = '[';
    for (int i = 0; i < t->rank; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%" PRId64, i ? "," : "", t->dims[i]);
    return (int)n + 1;
}

static void put_padded(FILE *f, const char *s, int width)
{
    int n = 0;
    for (; s[n] && n < NAME_COL_MAX; n++)
        fputc((s[n] >= 0x20 && s[n] < 0x7f) ? s[n] : '?', f);
    if (s[n]) {
        fputs("...", f);
        n += 3;
    }
    for (; n < width; n++)
        fputc(' ', f);
}

static int name_width(const char *s)
{
    size_t n = strlen(s);
    return n > NAME_COL_MAX ? NAME_COL_MAX + 3 : (int)n;
}

static void put_quant_text(FILE *f, const struct dpu_quant *q)
{
    char num[Q8_NUM_MAX];
    if (q->count == 0)
        return;
    if (q->axis == -1) {
        q8_format_f32(q->scale[0], num);
        fprintf(f, "  scale=%s zp=%" PRId32, num, q->zero_point[0]);
    } else {
        fprintf(f, "  per-channel axis %d (%zu scales)", q->axis, q->count);
    }
}

static void put_io_text(FILE *f, const struct dpu_graph *g, const char *title, const int32_t *idx,
                        size_t n)
{
    fprintf(f, "%s:\n", title);
    int w = 0;
    for (size_t k = 0; k < n; k++)
        if (name_width(g->tensors[idx[k]].name) > w)
            w = name_width(g->tensors[idx[k]].name);
    for (size_t k = 0; k < n; k++) {
        const struct dpu_gtensor *t = &g->tensors[idx[k]];
        fputs("  ", f);
        put_padded(f, t->name, w);
        fprintf(f, "  %-7s ", dpu_dtype_name(t->dtype));
        put_dims(f, t);
        put_quant_text(f, &t->quant);
        fputc('\n', f);
    }
}

int dpu_graph_info_print_text(FILE *f, const struct dpu_graph *g, const struct dpu_graph_info *info,
                              struct dpu_diag *d)
{
    fputs("graph: ", f);
    put_safe(f, g->name);
    fprintf(f, "\nkind:  %s\n", g->quantized ? "quantized (int8)" : "float (float32)");
    put_io_text(f, g, "inputs", g->inputs, g->ninputs);
    put_io_text(f, g, "outputs", g->outputs, g->noutputs);
    int wn = 4, wo = 2, ws = 5;
    for (size_t i = 0; i < info->nnodes; i++) {
        const struct dpu_node_info *ni = &info->nodes[i];
        int a = name_width(ni->node->name), b = (int)strlen(dpu_node_op_name(ni->node->op));
        int c = dims_width(ni->output);
        wn = a > wn ? a : wn;
        wo = b > wo ? b : wo;
        ws = c > ws ? c : ws;
    }
    fprintf(f, "nodes:\n  %-5s ", "#");
    put_padded(f, "name", wn);
    fprintf(f, "  %-*s  %-*s  %12s  %14s\n", wo, "op", ws, "shape", "params", "MACs");
    for (size_t i = 0; i < info->nnodes; i++) {
        const struct dpu_node_info *ni = &info->nodes[i];
        fprintf(f, "  %-5zu ", i);
        put_padded(f, ni->node->name, wn);
        fprintf(f, "  %-*s  ", wo, dpu_node_op_name(ni->node->op));
        put_dims(f, ni->output);
        fprintf(f, "%*s  %12" PRId64 "  %14" PRId64 "\n", ws - dims_width(ni->output), "",
                ni->params, ni->macs);
    }
    fprintf(f,
            "totals: %zu nodes, %zu constants, %" PRId64 " parameters (%" PRId64 " bytes), %" PRId64
            " MACs\n",
            info->nnodes, info->nconstants, info->params, info->param_bytes, info->macs);
    if (fflush(f) != 0 || ferror(f))
        return dpu_diag_set(d, DPU_E_IO, "write error printing the graph summary");
    return DPU_OK;
}

static void put_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* JSON has no NaN or infinity: those become null. */
static void put_json_f32(FILE *f, float v)
{
    char num[Q8_NUM_MAX];
    if (!isfinite(v)) {
        fputs("null", f);
        return;
    }
    q8_format_f32(v, num);
    fputs(num, f);
}

static void put_json_dims(FILE *f, const struct dpu_gtensor *t)
{
    fputc('[', f);
    for (int i = 0; i < t->rank; i++)
        fprintf(f, "%s%" PRId64, i ? ", " : "", t->dims[i]);
    fputc(']', f);
}

static void put_json_tensor(FILE *f, const struct dpu_gtensor *t)
{
    fputs("{\"name\": ", f);
    put_json_string(f, t->name);
    fprintf(f, ", \"dtype\": \"%s\", \"shape\": ", dpu_dtype_name(t->dtype));
    put_json_dims(f, t);
    if (t->quant.count) {
        fprintf(f, ", \"quant\": {\"axis\": %d, \"scale\": [", t->quant.axis);
        for (size_t c = 0; c < t->quant.count; c++) {
            if (c)
                fputs(", ", f);
            put_json_f32(f, t->quant.scale[c]);
        }
        fputs("], \"zero_point\": [", f);
        for (size_t c = 0; c < t->quant.count; c++)
            fprintf(f, "%s%" PRId32, c ? ", " : "", t->quant.zero_point[c]);
        fputs("]}", f);
    }
    fputc('}', f);
}

static void put_json_io(FILE *f, const struct dpu_graph *g, const char *key, const int32_t *idx,
                        size_t n)
{
    fprintf(f, "  \"%s\": [", key);
    for (size_t k = 0; k < n; k++) {
        fputs(k ? ",\n    " : "\n    ", f);
        put_json_tensor(f, &g->tensors[idx[k]]);
    }
    fputs(n ? "\n  ],\n" : "],\n", f);
}

int dpu_graph_info_print_json(FILE *f, const struct dpu_graph *g, const struct dpu_graph_info *info,
                              struct dpu_diag *d)
{
    fputs("{\n  \"graph\": ", f);
    put_json_string(f, g->name);
    fprintf(f, ",\n  \"kind\": \"%s\",\n", g->quantized ? "quantized" : "float");
    put_json_io(f, g, "inputs", g->inputs, g->ninputs);
    put_json_io(f, g, "outputs", g->outputs, g->noutputs);
    fputs("  \"nodes\": [", f);
    for (size_t i = 0; i < info->nnodes; i++) {
        const struct dpu_node_info *ni = &info->nodes[i];
        fputs(i ? ",\n    {\"name\": " : "\n    {\"name\": ", f);
        put_json_string(f, ni->node->name);
        fprintf(f, ", \"op\": \"%s\", \"output\": ", dpu_node_op_name(ni->node->op));
        put_json_string(f, ni->output->name);
        fputs(", \"shape\": ", f);
        put_json_dims(f, ni->output);
        fprintf(f,
                ", \"params\": %" PRId64 ", \"param_bytes\": %" PRId64 ", \"macs\": %" PRId64 "}",
                ni->params, ni->param_bytes, ni->macs);
    }
    fputs(info->nnodes ? "\n  ],\n" : "],\n", f);
    fprintf(f,
            "  \"totals\": {\"nodes\": %zu, \"constants\": %zu, \"params\": %" PRId64
            ", \"param_bytes\": %" PRId64 ", \"macs\": %" PRId64 "}\n}\n",
            info->nnodes, info->nconstants, info->params, info->param_bytes, info->macs);
    if (fflush(f) != 0 || ferror(f))
        return dpu_diag_set(d, DPU_E_IO, "write error printing the graph summary");
    return DPU_OK;
}
