/* --audit: compares the test list with what is under the data root (see audit.h). */
#include "audit.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model_info.h"

/* The ONNX op types that compiler/onnx maps onto the graph IR (its emitter table in
 * onnx_emit_graph.c, less the ops it always refuses, plus the ops it turns into aliases or
 * constants), float and quantized, ConvInteger and MatMulInteger included (raw int32
 * results). Constant only feeds other nodes: a test made of Constant nodes alone is not
 * counted. Keep in step with the importer: an op added there and not here hides its tests
 * from the audit. */
static const char *const supported_ops[] = {
    "Add",
    "AveragePool",
    "BatchNormalization",
    "Clip",
    "Concat",
    "Constant",
    "Conv",
    "ConvInteger",
    "DequantizeLinear",
    "Div",
    "Dropout",
    "Flatten",
    "Gelu",
    "Gemm",
    "GlobalAveragePool",
    "HardSigmoid",
    "HardSwish",
    "Identity",
    "LeakyRelu",
    "MatMul",
    "MatMulInteger",
    "MaxPool",
    "Mul",
    "Pad",
    "QLinearConv",
    "QLinearMatMul",
    "QuantizeLinear",
    "Relu",
    "Reshape",
    "Resize",
    "Sigmoid",
    "Softmax",
    "Squeeze",
    "Sub",
    "Tanh",
    "Transpose",
    "Unsqueeze",
    "Upsample",
    "com.microsoft:Gelu",
    "com.microsoft:QLinearAdd",
    "com.microsoft:QLinearGlobalAveragePool",
};

bool conf_op_supported(const char *op)
{
    for (size_t i = 0; i < sizeof(supported_ops) / sizeof(supported_ops[0]); i++)
        if (strcmp(supported_ops[i], op) == 0)
            return true;
    return false;
}

/* Every node supported, and at least one that computes something. */
static bool runnable(const struct conf_model_info *mi)
{
    bool computes = false;
    for (size_t i = 0; i < mi->nops; i++) {
        if (!conf_op_supported(mi->ops[i]))
            return false;
        if (strcmp(mi->ops[i], "Constant") != 0)
            computes = true;
    }
    return computes;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int no_dots(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

/* Audits the tests of one group (root/group/TEST); returns the number of gaps. */
static int audit_group(const char *root, const char *group, const struct conf_list *list, FILE *f)
{
    char gdir[4096];
    snprintf(gdir, sizeof(gdir), "%s/%s", root, group);
    struct dirent **tests;
    int n = scandir(gdir, &tests, no_dots, alphasort);
    if (n < 0)
        return 0;
    int gaps = 0;
    for (int i = 0; i < n; i++) {
        char rel[1024], model[8192], err[512];
        snprintf(rel, sizeof(rel), "%s/%s", group, tests[i]->d_name);
        snprintf(model, sizeof(model), "%s/%s/model.onnx", root, rel);
        struct conf_model_info mi;
        /* Tests without a model.onnx (the real/ models are downloaded on demand) cannot run. */
        if (conf_model_info_read(model, &mi, err, sizeof(err)) == 0 && runnable(&mi) &&
            !conf_list_find(list, rel)) {
            fprintf(f, "gap: %s (", rel);
            for (size_t k = 0; k < mi.nops; k++)
                fprintf(f, "%s%s", k ? " " : "", mi.ops[k]);
            fprintf(f, ", opset %ld) is not in the list\n", mi.opset);
            gaps++;
        }
        conf_model_info_free(&mi);
        free(tests[i]);
    }
    free(tests);
    return gaps;
}

int conf_audit(const char *root, const struct conf_list *list, FILE *f)
{
    struct dirent **groups;
    int n = scandir(root, &groups, no_dots, alphasort);
    if (n < 0)
        return -1;
    int gaps = 0, missing = 0;
    for (int i = 0; i < n; i++) {
        gaps += audit_group(root, groups[i]->d_name, list, f);
        free(groups[i]);
    }
    free(groups);
    for (size_t i = 0; i < list->n; i++) {
        char dir[4096];
        snprintf(dir, sizeof(dir), "%s/%s", root, list->e[i].dir);
        if (!is_dir(dir)) {
            fprintf(f, "missing: %s (line %d) is not under %s\n", list->e[i].dir, list->e[i].line,
                    root);
            missing++;
        }
    }
    fprintf(f, "audit: %zu listed, %d gaps, %d missing\n", list->n, gaps, missing);
    return gaps + missing;
}
