/* Reads the few facts the driver needs from model.onnx (see model_info.h). */
#include "model_info.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/fileio.h"
#include "onnx.pb-c.h"

void conf_model_info_free(struct conf_model_info *mi)
{
    for (size_t i = 0; i < mi->ninputs; i++)
        free(mi->inputs[i]);
    for (size_t i = 0; i < mi->noutputs; i++)
        free(mi->outputs[i]);
    for (size_t i = 0; i < mi->nops; i++)
        free(mi->ops[i]);
    free(mi->inputs);
    free(mi->outputs);
    free(mi->ops);
    memset(mi, 0, sizeof(*mi));
}

static int index_of(char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return (int)i;
    return -1;
}

int conf_model_input_index(const struct conf_model_info *mi, const char *name)
{
    return index_of(mi->inputs, mi->ninputs, name);
}

int conf_model_output_index(const struct conf_model_info *mi, const char *name)
{
    return index_of(mi->outputs, mi->noutputs, name);
}

static bool is_initializer(const Onnx__GraphProto *g, const char *name)
{
    for (size_t i = 0; i < g->n_initializer; i++)
        if (g->initializer[i]->name && strcmp(g->initializer[i]->name, name) == 0)
            return true;
    return false;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s ? s : "");
    char *p = malloc(n + 1);
    if (p)
        memcpy(p, s ? s : "", n + 1);
    return p;
}

/* "Op" in ONNX's default domain, "domain:Op" elsewhere (com.microsoft:QLinearAdd). */
static char *op_name(const Onnx__NodeProto *n)
{
    const char *op = n->op_type ? n->op_type : "";
    const char *dom = n->domain ? n->domain : "";
    if (dom[0] == '\0' || strcmp(dom, "ai.onnx") == 0)
        return dup_str(op);
    size_t len = strlen(dom) + 1 + strlen(op) + 1;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s:%s", dom, op);
    return p;
}

static int fill(const Onnx__ModelProto *m, struct conf_model_info *mi)
{
    const Onnx__GraphProto *g = m->graph;
    for (size_t i = 0; i < m->n_opset_import; i++) {
        const char *dom = m->opset_import[i]->domain;
        if (!dom || dom[0] == '\0' || strcmp(dom, "ai.onnx") == 0)
            mi->opset = (long)m->opset_import[i]->version;
    }
    mi->inputs = calloc(g->n_input + 1, sizeof(char *));
    mi->outputs = calloc(g->n_output + 1, sizeof(char *));
    mi->ops = calloc(g->n_node + 1, sizeof(char *));
    if (!mi->inputs || !mi->outputs || !mi->ops)
        return -1;
    for (size_t i = 0; i < g->n_input; i++) {
        const char *name = g->input[i]->name ? g->input[i]->name : "";
        if (is_initializer(g, name))
            continue; /* opset < 9 models also list their initializers as inputs */
        if (!(mi->inputs[mi->ninputs] = dup_str(name)))
            return -1;
        mi->ninputs++;
    }
    for (size_t i = 0; i < g->n_output; i++) {
        if (!(mi->outputs[mi->noutputs] = dup_str(g->output[i]->name)))
            return -1;
        mi->noutputs++;
    }
    for (size_t i = 0; i < g->n_node; i++) {
        if (!(mi->ops[mi->nops] = op_name(g->node[i])))
            return -1;
        mi->nops++;
    }
    return 0;
}

int conf_model_info_read(const char *path, struct conf_model_info *mi, char *err, size_t cap)
{
    memset(mi, 0, sizeof(*mi));
    uint8_t *data;
    size_t len;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_read_file(path, (size_t)1 << 31, &data, &len, &d) != 0) {
        snprintf(err, cap, "%s", dpu_diag_message(&d));
        return -1;
    }
    Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, data);
    free(data);
    if (!m || !m->graph) {
        snprintf(err, cap, "%s: not an ONNX model (protobuf parse failed)", path);
        if (m)
            onnx__model_proto__free_unpacked(m, NULL);
        return -1;
    }
    int rc = fill(m, mi);
    onnx__model_proto__free_unpacked(m, NULL);
    if (rc != 0)
        snprintf(err, cap, "%s: out of memory", path);
    return rc;
}
