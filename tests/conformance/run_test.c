/* One conformance test: for each test_data_set_N, read the .pb tensors, import model.onnx with
 * the bound inputs fixed as constants, run the reference interpreter on the remaining inputs
 * and compare every output with output_K.pb under the entry's rule (compare.h). */
#include "run_test.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dpu/graph.h"
#include "dpu/onnx_import.h"
#include "dpu/ref.h"
#include "model_info.h"

#define MAX_TENSORS 64

const char *conf_status_name(enum conf_status s)
{
    switch (s) {
    case CONF_PASS:
        return "PASS";
    case CONF_FAIL:
        return "FAIL";
    case CONF_SKIPPED:
        return "SKIP";
    case CONF_ERROR:
        return "ERROR";
    }
    return "?";
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int severity(enum conf_status s)
{
    return s == CONF_ERROR ? 2 : s == CONF_FAIL ? 1 : 0;
}

/* Records a problem: the most severe status wins, and with it the first message of that
 * severity, so that the message always explains the status shown. */
static void verdict(struct conf_result *res, enum conf_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void verdict(struct conf_result *res, enum conf_status st, const char *fmt, ...)
{
    int now = severity(res->status), next = severity(st);
    if (next < now || (next == now && res->msg[0] != '\0'))
        return;
    res->status = st;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->msg, sizeof(res->msg), fmt, ap);
    va_end(ap);
}

/* The tensors of one data set: input_K.pb for every fed graph input, output_K.pb for every
 * graph output. */
struct dataset {
    size_t nin, nout;
    struct dpu_tensor in[MAX_TENSORS], out[MAX_TENSORS];
};

static void dataset_free(struct dataset *ds)
{
    for (size_t i = 0; i < ds->nin; i++)
        dpu_tensor_free(&ds->in[i]);
    for (size_t i = 0; i < ds->nout; i++)
        dpu_tensor_free(&ds->out[i]);
    ds->nin = ds->nout = 0;
}

static int read_pbs(const char *setdir, const char *stem, size_t n, struct dpu_tensor *t,
                    size_t *nread, struct conf_result *res)
{
    for (size_t k = 0; k < n; k++) {
        char path[4096], name[256];
        int len = snprintf(path, sizeof(path), "%s/%s_%zu.pb", setdir, stem, k);
        if (len < 0 || (size_t)len >= sizeof(path)) {
            verdict(res, CONF_ERROR, "path of %s_%zu.pb too long", stem, k);
            return -1;
        }
        struct dpu_diag d;
        dpu_diag_clear(&d);
        if (dpu_onnx_read_tensor_pb(path, &t[k], name, sizeof(name), &d) != 0) {
            verdict(res, CONF_ERROR, "reading %s_%zu.pb: %s", stem, k, dpu_diag_message(&d));
            return -1;
        }
        *nread = k + 1;
    }
    return 0;
}

static int load_dataset(const char *setdir, const struct conf_model_info *mi, struct dataset *ds,
                        struct conf_result *res)
{
    memset(ds, 0, sizeof(*ds));
    if (mi->ninputs > MAX_TENSORS || mi->noutputs > MAX_TENSORS) {
        verdict(res, CONF_ERROR, "more than %d graph inputs or outputs", MAX_TENSORS);
        return -1;
    }
    if (read_pbs(setdir, "input", mi->ninputs, ds->in, &ds->nin, res) != 0 ||
        read_pbs(setdir, "output", mi->noutputs, ds->out, &ds->nout, res) != 0)
        return -1;
    return 0;
}

/* The graph inputs to fix as constants: the entry's bind= list, else (quant) every fed input
 * but the first, else (float) none. Fills b[] and returns the count, or -1. */
static int collect_bindings(const struct conf_entry *e, const struct conf_model_info *mi,
                            const struct dataset *ds, struct dpu_onnx_binding *b,
                            struct conf_result *res)
{
    size_t n = 0;
    if (e->bind_given) {
        for (size_t i = 0; i < e->nbind; i++) {
            int k = conf_model_input_index(mi, e->bind[i]);
            if (k < 0) {
                verdict(res, CONF_ERROR, "bind=%s: the model has no graph input of that name",
                        e->bind[i]);
                return -1;
            }
            b[n++] = (struct dpu_onnx_binding){mi->inputs[k], &ds->in[k]};
        }
    } else if (e->kind == CONF_QUANT) {
        for (size_t k = 1; k < mi->ninputs; k++)
            b[n++] = (struct dpu_onnx_binding){mi->inputs[k], &ds->in[k]};
    }
    return (int)n;
}

static bool is_bound(const struct dpu_onnx_binding *b, size_t nb, const char *name)
{
    for (size_t i = 0; i < nb; i++)
        if (strcmp(b[i].name, name) == 0)
            return true;
    return false;
}

static bool listed(const int *pos, size_t n, size_t i)
{
    for (size_t k = 0; k < n; k++)
        if (pos[k] == (int)i)
            return true;
    return false;
}

/* The ref's inputs, in graph-input order, each a shallow copy of the data set's tensor (the
 * data set owns the data); uint8 inputs the importer turned into int8 are converted in place,
 * which is fine because a data set's tensor feeds at most one graph input. */
static int prepare_inputs(const struct dpu_graph *g, const struct conf_model_info *mi,
                          struct dataset *ds, const struct dpu_onnx_binding *b, size_t nb,
                          const struct dpu_onnx_report *rep, struct dpu_tensor *in,
                          struct conf_result *res)
{
    if (g->ninputs > MAX_TENSORS) {
        verdict(res, CONF_ERROR, "the imported graph has %zu inputs", g->ninputs);
        return -1;
    }
    for (size_t i = 0; i < g->ninputs; i++) {
        const char *name = g->tensors[g->inputs[i]].name;
        int k = conf_model_input_index(mi, name);
        if (k < 0 || is_bound(b, nb, name)) {
            verdict(res, CONF_ERROR, "imported graph input '%s' is %s", name,
                    k < 0 ? "not an input of the ONNX model" : "one that was bound");
            return -1;
        }
        if (listed(rep->uint8_inputs, rep->nuint8_inputs, i) &&
            conf_uint8_to_int8(&ds->in[k]) != 0) {
            verdict(res, CONF_ERROR, "input '%s' is reported uint8 but its data is %s", name,
                    dpu_dtype_name(ds->in[k].dtype));
            return -1;
        }
        in[i] = ds->in[k];
    }
    return 0;
}

/* Compares graph output i (got) with the expected tensor, adding to res. */
static void check_output(const struct conf_entry *e, const struct dpu_graph *g, size_t i,
                         struct dpu_tensor *got, const struct dpu_tensor *exp,
                         const struct dpu_onnx_report *rep, int set, struct conf_result *res)
{
    const struct dpu_gtensor *gt = &g->tensors[g->outputs[i]];
    if (listed(rep->uint8_outputs, rep->nuint8_outputs, i) && conf_int8_to_uint8(got) != 0) {
        verdict(res, CONF_ERROR, "output '%s' is reported uint8 but ours is %s", gt->name,
                dpu_dtype_name(got->dtype));
        return;
    }
    struct conf_cmp c;
    char why[256];
    int rc;
    if (e->kind == CONF_FLOAT) {
        rc = conf_compare_float(got, exp, CONF_FLOAT_RTOL, &c, why, sizeof(why));
    } else {
        struct conf_zero_points zp = {gt->quant.axis, gt->quant.count, gt->quant.zero_point};
        rc = conf_compare_quant(got, exp, &zp, &c, why, sizeof(why));
    }
    if (rc != 0) {
        verdict(res, CONF_FAIL, "set %d output '%s': %s", set, gt->name, why);
        return;
    }
    if (c.mismatches > 0)
        verdict(res, CONF_FAIL, "set %d output '%s'[%lld]: got %.9g, expected %.9g (%lld of %lld)",
                set, gt->name, (long long)c.first_bad, c.first_got, c.first_exp,
                (long long)c.mismatches, (long long)c.count);
    conf_cmp_merge(&res->cmp, &c);
}

static void run_dataset(const struct conf_entry *e, const char *model,
                        const struct conf_model_info *mi, struct dataset *ds, int set,
                        struct conf_result *res)
{
    struct dpu_onnx_binding b[MAX_TENSORS];
    int nb = collect_bindings(e, mi, ds, b, res);
    if (nb < 0)
        return;
    struct dpu_onnx_options opts = {
        .mode = e->kind == CONF_QUANT ? DPU_ONNX_QUANTIZED : DPU_ONNX_FLOAT,
        .nbindings = (size_t)nb,
        .bindings = b,
    };
    struct dpu_onnx_report rep;
    memset(&rep, 0, sizeof(rep));
    struct dpu_graph g;
    dpu_graph_init(&g);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct dpu_tensor in[MAX_TENSORS], out[MAX_TENSORS];
    memset(out, 0, sizeof(out));
    if (dpu_onnx_import(model, &opts, &g, &rep, &d) != 0) {
        verdict(res, CONF_ERROR, "import: %s", dpu_diag_message(&d));
        goto done;
    }
    if (g.noutputs != mi->noutputs || g.noutputs > MAX_TENSORS) {
        verdict(res, CONF_ERROR, "the imported graph has %zu outputs, the model %zu", g.noutputs,
                mi->noutputs);
        goto done;
    }
    if (prepare_inputs(&g, mi, ds, b, (size_t)nb, &rep, in, res) != 0)
        goto done;
    if (dpu_ref_run(&g, in, g.ninputs, out, &d) != 0) {
        verdict(res, CONF_ERROR, "reference run: %s", dpu_diag_message(&d));
        goto done;
    }
    for (size_t i = 0; i < g.noutputs; i++) {
        int k = conf_model_output_index(mi, g.tensors[g.outputs[i]].name);
        if (k < 0) {
            verdict(res, CONF_ERROR, "imported graph output '%s' is not an output of the model",
                    g.tensors[g.outputs[i]].name);
            continue;
        }
        check_output(e, &g, i, &out[i], &ds->out[k], &rep, set, res);
    }
done:
    for (size_t i = 0; i < MAX_TENSORS; i++)
        dpu_tensor_free(&out[i]);
    dpu_graph_free(&g);
}

void conf_run_entry(const char *root, const struct conf_entry *e, struct conf_result *res)
{
    memset(res, 0, sizeof(*res));
    res->entry = e;
    conf_cmp_init(&res->cmp);
    res->status = CONF_PASS;
    if (e->kind == CONF_SKIP) {
        res->status = CONF_SKIPPED;
        snprintf(res->msg, sizeof(res->msg), "%s", e->reason);
        return;
    }
    char dir[4096], model[4200], err[512];
    snprintf(dir, sizeof(dir), "%s/%s", root, e->dir);
    snprintf(model, sizeof(model), "%s/model.onnx", dir);
    struct conf_model_info mi;
    if (conf_model_info_read(model, &mi, err, sizeof(err)) != 0) {
        verdict(res, CONF_ERROR, "%s", err);
        conf_model_info_free(&mi);
        return;
    }
    for (int set = 0;; set++) {
        char setdir[4300];
        snprintf(setdir, sizeof(setdir), "%s/test_data_set_%d", dir, set);
        if (!is_dir(setdir))
            break;
        struct dataset ds;
        if (load_dataset(setdir, &mi, &ds, res) == 0)
            run_dataset(e, model, &mi, &ds, set, res);
        dataset_free(&ds);
        res->datasets++;
    }
    if (res->datasets == 0)
        verdict(res, CONF_ERROR, "no test_data_set_0 under %s", dir);
    if (res->status == CONF_PASS && res->cmp.ties > 0)
        snprintf(res->msg, sizeof(res->msg),
                 "tie: %lld of %lld elements 1 LSB from ONNX (ties-to-even vs ties-up; %lld "
                 "not at an exact tie)",
                 (long long)res->cmp.ties, (long long)res->cmp.count,
                 (long long)res->cmp.ties_off_pattern);
    conf_model_info_free(&mi);
}
