/* dpu_quantize_graph: the pass list. Each pass is one function in a file of its own; after
 * each, the graph it produced goes through the verifier and, on request, is dumped.
 * docs/quantization.md describes every pass. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quant_internal.h"

static const char *const pass_names[] = {
    "gemm-to-fc",       /* Gemm -> FullyConnected */
    "fold-bn",          /* BatchNorm into the preceding layer (or Mul + Add) */
    "fold-constants",   /* nodes of constants -> constants */
    "remove-reshapes",  /* no-op and chained Reshape/Flatten */
    "cle",              /* cross-layer equalization (--cle) */
    "fuse-activations", /* Relu/Relu6/Clip into their producer's clamp */
    "calibrate",        /* float runs on the calibration set: histograms */
    "ranges",           /* ranges, scales and zero points of every activation */
    "emit",             /* the quantized graph: weights, biases, tables, boundaries */
    "adaround",         /* weight rounding by layer output error (--adaround) */
    "bias-correct",     /* empirical bias correction (--bias-correct) */
};

#define NPASSES (sizeof pass_names / sizeof pass_names[0])

size_t dpu_quant_pass_count(void)
{
    return NPASSES;
}

const char *dpu_quant_pass_name(size_t i)
{
    return i < NPASSES ? pass_names[i] : NULL;
}

static const char *const method_names[] = {"minmax", "percentile", "mse", "entropy"};

const char *dpu_calib_method_name(enum dpu_calib_method m)
{
    return (unsigned)m < 4 ? method_names[m] : NULL;
}

int dpu_calib_method_from_name(const char *name, enum dpu_calib_method *m)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, method_names[i]) == 0) {
            *m = (enum dpu_calib_method)i;
            return DPU_OK;
        }
    return DPU_E_INVALID;
}

void dpu_quant_options_init(struct dpu_quant_options *o)
{
    memset(o, 0, sizeof *o);
    o->method = DPU_CALIB_MINMAX;
    o->percentile = 99.99;
    o->progress = -1;
}

static int check_options(const struct dpu_graph *fg, const struct dpu_calib_set *calib,
                         const struct dpu_quant_options *o, struct dpu_diag *d)
{
    if (fg->quantized)
        return dpu_diag_set(d, DPU_E_INVALID, "graph '%s' is already quantized", fg->name);
    if (!calib || calib->count == 0)
        return dpu_diag_set(d, DPU_E_INVALID, "quantization needs calibration samples");
    if (!dpu_calib_method_name(o->method))
        return dpu_diag_set(d, DPU_E_INVALID, "unknown calibration method %d", (int)o->method);
    if (!(o->percentile > 0 && o->percentile <= 100))
        return dpu_diag_set(d, DPU_E_RANGE, "percentile %g is not in (0, 100]", o->percentile);
    if (o->dump_after && strcmp(o->dump_after, "all") != 0) {
        for (size_t i = 0; i < NPASSES; i++)
            if (strcmp(o->dump_after, pass_names[i]) == 0)
                return DPU_OK;
        char list[512] = "";
        for (size_t i = 0; i < NPASSES; i++) {
            strcat(list, pass_names[i]);
            strcat(list, ", ");
        }
        return dpu_diag_set(d, DPU_E_INVALID, "unknown pass '%s' (passes: %sall)", o->dump_after,
                            list);
    }
    return DPU_OK;
}

/* After a pass: its result went wrong (rc), or it is verified and dumped on request. */
static int step(struct qctx *c, const char *pass, int rc, struct dpu_graph *qg, struct dpu_diag *d)
{
    if (rc)
        return rc;
    int err = q_verify(qg ? qg : &c->fg, pass, d);
    const char *want = c->opt->dump_after;
    if (!err && want && (!strcmp(want, "all") || !strcmp(want, pass)))
        err = q_dump(c, c->opt->dump ? c->opt->dump : stdout, pass, qg, d);
    return err;
}

/* A pass switched off by an option still answers --dump-after, with the unchanged graph. */
static int skipped(struct qctx *c, const char *pass, struct dpu_graph *qg, struct dpu_diag *d)
{
    return step(c, pass, DPU_OK, qg, d);
}

static void ctx_free(struct qctx *c)
{
    if (c->tensors)
        for (size_t t = 0; t < c->fg.ntensors; t++)
            free(c->tensors[t].hist);
    free(c->tensors);
    free(c->nodes);
    dpu_graph_free(&c->fg);
}

int dpu_quantize_graph(const struct dpu_graph *fg, const struct dpu_calib_set *calib,
                       const struct dpu_quant_options *opt, struct dpu_graph *qg,
                       struct dpu_diag *d)
{
    struct dpu_quant_options defaults;
    if (!opt) {
        dpu_quant_options_init(&defaults);
        opt = &defaults;
    }
    dpu_graph_init(qg);
    int err = check_options(fg, calib, opt, d);
    if (err)
        return err;
    struct qctx c = {.opt = opt, .calib = calib};
    err = q_clone(fg, &c.fg, d);

    /* 1. The float graph, prepared: every node left has an int8 form. */
    if (!err)
        err = step(&c, "gemm-to-fc", dpu_qprep_gemm_to_fc(&c.fg, d), NULL, d);
    if (!err)
        err = step(&c, "fold-bn", dpu_qprep_fold_batchnorm(&c.fg, d), NULL, d);
    if (!err)
        err = step(&c, "fold-constants", dpu_qprep_fold_constants(&c.fg, d), NULL, d);
    if (!err)
        err = step(&c, "remove-reshapes", dpu_qprep_remove_reshapes(&c.fg, d), NULL, d);
    if (!err && opt->cle)
        err = step(&c, "cle",
                   dpu_qpass_cle_data(&c.fg, opt->cle_relu6, calib, opt->calib_count, 20, NULL, d),
                   NULL, d);
    else if (!err)
        err = skipped(&c, "cle", NULL, d);
    if (!err)
        err = step(&c, "fuse-activations", q_fuse_activations(&c, d), NULL, d);

    /* 2. Statistics and ranges. */
    if (!err)
        err = step(&c, "calibrate", q_calibrate(&c, d), NULL, d);
    if (!err)
        err = step(&c, "ranges", q_ranges(&c, d), NULL, d);

    /* 3. The quantized graph. */
    if (!err)
        err = step(&c, "emit", q_emit(&c, qg, d), qg, d);
    if (!err && opt->adaround)
        err = step(&c, "adaround", q_adaround(&c, qg, d), qg, d);
    else if (!err)
        err = skipped(&c, "adaround", qg, d);
    if (!err && opt->bias_correct)
        err = step(&c, "bias-correct", q_bias_correct(&c, qg, d), qg, d);
    else if (!err)
        err = skipped(&c, "bias-correct", qg, d);

    ctx_free(&c);
    if (err)
        dpu_graph_free(qg);
    return err;
}
