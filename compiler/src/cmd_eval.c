/* dpuc eval: top-1/top-5 accuracy of a model on labelled samples, and with --compare a second
 * model's accuracy, the difference, and a per-layer SQNR table (libdpuquant's dpu_eval_*). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_quant.h"
#include "dpu/npy.h"
#include "dpu/quant.h"

struct eval_args {
    const char *model, *other, *data, *labels;
    const char *scores[2]; /* --scores, --compare-scores: .npy files of each model's scores */
    bool json;
    int progress;
    size_t count, sqnr_count;
    struct dpu_data_options opts;
};

static int parse(const struct dpuc_cmd *self, int argc, char **argv, struct eval_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *v;
        int m;
        if (arg[0] != '-' || arg[1] == '\0') {
            if (a->model)
                return dpuc_usage_error(self,
                                        "unexpected argument '%s' (compare two models with "
                                        "--compare)",
                                        arg);
            a->model = arg;
            continue;
        }
        if ((m = dpuc_data_option(self, argc, argv, &i, &a->opts)) != 0) {
            if (m < 0)
                return 1;
            continue;
        }
        if ((m = dpuc_opt_value(self, argc, argv, &i, NULL, "--data", &v)) != 0) {
            if (m < 0)
                return 1;
            a->data = v;
        } else if ((m = dpuc_opt_value(self, argc, argv, &i, NULL, "--labels", &v)) != 0) {
            if (m < 0)
                return 1;
            a->labels = v;
        } else if ((m = dpuc_opt_value(self, argc, argv, &i, NULL, "--compare", &v)) != 0) {
            if (m < 0)
                return 1;
            a->other = v;
        } else if ((m = dpuc_opt_value(self, argc, argv, &i, NULL, "--scores", &v)) != 0) {
            if (m < 0)
                return 1;
            a->scores[0] = v;
        } else if ((m = dpuc_opt_value(self, argc, argv, &i, NULL, "--compare-scores", &v)) != 0) {
            if (m < 0)
                return 1;
            a->scores[1] = v;
        } else if ((m = dpuc_opt_value(self, argc, argv, &i, NULL, "--count", &v)) != 0) {
            if (m < 0 || dpuc_parse_count(self, "--count", v, &a->count))
                return 1;
        } else if ((m = dpuc_opt_value(self, argc, argv, &i, NULL, "--offset", &v)) != 0) {
            if (m < 0 || dpuc_parse_count(self, "--offset", v, &a->opts.skip))
                return 1;
        } else if ((m = dpuc_opt_value(self, argc, argv, &i, NULL, "--sqnr-count", &v)) != 0) {
            if (m < 0 || dpuc_parse_count(self, "--sqnr-count", v, &a->sqnr_count))
                return 1;
        } else if (strcmp(arg, "--json") == 0) {
            a->json = true;
        } else if (strcmp(arg, "--progress") == 0) {
            a->progress = 1;
        } else if (strcmp(arg, "--quiet") == 0) {
            a->progress = 0;
        } else {
            return dpuc_usage_error(self, "unknown option '%s'", arg);
        }
    }
    if (!a->model)
        return dpuc_usage_error(self, "missing the model file");
    if (!a->data || !a->labels)
        return dpuc_usage_error(self, "missing --data DATA and --labels LABELS");
    if (a->scores[1] && !a->other)
        return dpuc_usage_error(self, "--compare-scores needs --compare OTHER");
    return 0;
}

struct measured {
    const char *file;
    struct dpu_graph g;
    struct dpu_eval_result r;
};

static void print_text(const struct eval_args *a, const struct measured *m, size_t nm,
                       const struct dpu_sqnr_report *rep)
{
    size_t w = 10;
    for (size_t i = 0; i < nm; i++)
        w = strlen(m[i].file) > w ? strlen(m[i].file) : w;
    printf("samples: %zu\n", m[0].r.count);
    printf("%-*s  %-9s  %8s  %8s\n", (int)w, "model", "kind", "top-1", "top-5");
    for (size_t i = 0; i < nm; i++)
        printf("%-*s  %-9s  %7.2f%%  %7.2f%%\n", (int)w, m[i].file,
               m[i].g.quantized ? "quantized" : "float", 100 * m[i].r.top1_rate,
               100 * m[i].r.top5_rate);
    if (nm < 2)
        return;
    printf("%-*s  %-9s  %+8.2f  %+8.2f  (points)\n", (int)w, "difference", "",
           100 * (m[1].r.top1_rate - m[0].r.top1_rate),
           100 * (m[1].r.top5_rate - m[0].r.top5_rate));
    printf("\nper-layer SQNR of %s against %s (%zu samples):\n", m[1].file, m[0].file,
           a->sqnr_count && a->sqnr_count < m[0].r.count ? a->sqnr_count : m[0].r.count);
    int tw = 6;
    for (size_t r = 0; r < rep->nrows; r++)
        tw = (int)strlen(rep->rows[r].tensor) > tw ? (int)strlen(rep->rows[r].tensor) : tw;
    printf("  %-*s  %-14s  %8s\n", tw, "tensor", "op", "SQNR dB");
    for (size_t r = 0; r < rep->nrows; r++) {
        const struct dpu_sqnr_row *row = &rep->rows[r];
        if (isinf(row->sqnr_db))
            printf("  %-*s  %-14s  %8s\n", tw, row->tensor, row->op, "exact");
        else
            printf("  %-*s  %-14s  %8.2f\n", tw, row->tensor, row->op, row->sqnr_db);
    }
}

static void print_json(const struct measured *m, size_t nm, const struct dpu_sqnr_report *rep)
{
    printf("{\"samples\": %zu, \"models\": [", m[0].r.count);
    for (size_t i = 0; i < nm; i++) {
        printf("%s{\"file\": ", i ? ", " : "");
        dpuc_json_string(stdout, m[i].file);
        printf(", \"kind\": \"%s\", \"top1\": %.6f, \"top5\": %.6f, \"top1_hits\": %zu, "
               "\"top5_hits\": %zu}",
               m[i].g.quantized ? "quantized" : "float", m[i].r.top1_rate, m[i].r.top5_rate,
               m[i].r.top1, m[i].r.top5);
    }
    printf("]");
    if (nm == 2) {
        printf(", \"difference\": {\"top1\": %.6f, \"top5\": %.6f}, \"sqnr\": [",
               m[1].r.top1_rate - m[0].r.top1_rate, m[1].r.top5_rate - m[0].r.top5_rate);
        for (size_t r = 0; r < rep->nrows; r++) {
            const struct dpu_sqnr_row *row = &rep->rows[r];
            printf("%s{\"node\": ", r ? ", " : "");
            dpuc_json_string(stdout, row->node);
            printf(", \"op\": \"%s\", \"tensor\": ", row->op);
            dpuc_json_string(stdout, row->tensor);
            if (isinf(row->sqnr_db))
                printf(", \"sqnr_db\": null, \"elems\": %zu}", row->elems);
            else
                printf(", \"sqnr_db\": %.4f, \"elems\": %zu}", row->sqnr_db, row->elems);
        }
        printf("]");
    }
    printf("}\n");
}

/* dpu_eval_topk, and the scores written to `path` as a float32 .npy [samples, classes]. */
static int eval_and_save_scores(struct measured *m, const struct dpu_calib_set *data, int progress,
                                const char *path, struct dpu_diag *d)
{
    float *scores;
    size_t classes;
    int err = dpu_eval_topk_scores(&m->g, data, progress, &m->r, &scores, &classes, d);
    if (err)
        return err;
    struct dpu_tensor t = {.dtype = DPU_DT_FLOAT32, .rank = 2, .data = scores};
    t.dims[0] = (int64_t)m->r.count;
    t.dims[1] = (int64_t)classes;
    err = dpu_npy_write(path, &t, d);
    free(scores);
    return err;
}

int dpuc_cmd_eval(const struct dpuc_cmd *self, int argc, char **argv)
{
    struct eval_args a;
    memset(&a, 0, sizeof a);
    a.progress = -1;
    a.sqnr_count = 100;
    dpu_data_options_init(&a.opts);
    int rc = parse(self, argc, argv, &a);
    if (rc)
        return rc;
    a.opts.limit = a.count;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct measured m[2];
    memset(m, 0, sizeof m);
    dpu_graph_init(&m[0].g);
    dpu_graph_init(&m[1].g);
    size_t nm = a.other ? 2 : 1;
    m[0].file = a.model;
    m[1].file = a.other;
    struct dpu_calib_set data;
    struct dpu_sqnr_report rep = {0, NULL};
    int err = dpu_calib_load(a.data, &a.opts, &data, &d);
    if (!err)
        err = dpu_calib_load_labels(a.labels, &data, &d);
    for (size_t i = 0; i < nm && !err; i++) {
        err = dpuc_load_graph(m[i].file, false, &m[i].g, &d);
        if (!err && a.scores[i])
            err = eval_and_save_scores(&m[i], &data, a.progress, a.scores[i], &d);
        else if (!err)
            err = dpu_eval_topk(&m[i].g, &data, a.progress, &m[i].r, &d);
    }
    if (!err && nm == 2)
        err = dpu_eval_sqnr(&m[0].g, &m[1].g, &data, a.sqnr_count, a.progress, &rep, &d);
    if (!err) {
        if (a.json)
            print_json(m, nm, &rep);
        else
            print_text(&a, m, nm, &rep);
    }
    dpu_sqnr_report_free(&rep);
    dpu_graph_free(&m[0].g);
    dpu_graph_free(&m[1].g);
    dpu_calib_free(&data);
    return err ? dpuc_report(&d) : 0;
}
