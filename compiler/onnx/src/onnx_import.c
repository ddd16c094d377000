/* dpu_onnx_import: the importer's pass list, in order. Each pass is in its own file; the
 * shared state is struct onnx_ctx (dpu/onnx_ctx.h). */
#include <stdlib.h>
#include <string.h>

#include "dpu/fileio.h"
#include "dpu/onnx_ctx.h"
#include "dpu/onnx_infer.h"
#include "dpu/onnx_emit.h"

/* Quantized when asked, or (AUTO) when any node is a quantization op. */
static bool wants_quantized(const struct onnx_ctx *ctx)
{
    enum dpu_onnx_mode mode = ctx->opts ? ctx->opts->mode : DPU_ONNX_AUTO;
    if (mode != DPU_ONNX_AUTO)
        return mode == DPU_ONNX_QUANTIZED;
    for (size_t i = 0; i < ctx->nnodes; i++)
        if (onnx_is_quant_op(&ctx->nodes[i]))
            return true;
    return false;
}

static void fill_report(const struct onnx_ctx *ctx, struct dpu_onnx_report *r)
{
    size_t cap = sizeof r->uint8_inputs / sizeof r->uint8_inputs[0];
    r->opset = ctx->opset;
    for (size_t i = 0; i < ctx->nginputs; i++)
        if (ctx->values[ctx->ginputs[i]].elem == ONNX_UINT8 && r->nuint8_inputs < cap)
            r->uint8_inputs[r->nuint8_inputs++] = (int)i;
    for (size_t i = 0; i < ctx->ngoutputs; i++) {
        int v = onnx_value_resolve(ctx, ctx->goutputs[i]);
        if (ctx->values[v].elem == ONNX_UINT8 && r->nuint8_outputs < cap)
            r->uint8_outputs[r->nuint8_outputs++] = (int)i;
    }
}

static int run(struct onnx_ctx *ctx, const uint8_t *bytes, size_t len)
{
    int err = onnx_load(ctx, bytes, len);
    if (!err)
        err = onnx_build(ctx);
    if (!err)
        err = onnx_check_opset_ops(ctx);
    if (err)
        return err;
    ctx->quantized = wants_quantized(ctx);
    if ((err = onnx_infer(ctx)) || (err = onnx_prune(ctx)))
        return err;
    if (ctx->quantized && (err = onnx_qplan(ctx)))
        return err;
    if ((err = onnx_emit(ctx)))
        return err;
    const char *name = ctx->graph->name && ctx->graph->name[0] ? ctx->graph->name : "model";
    free(ctx->g->name);
    if (!(ctx->g->name = strdup(name)))
        return dpu_diag_set(ctx->d, DPU_E_NOMEM, "out of memory");
    return dpu_graph_verify(ctx->g, ctx->d);
}

int dpu_onnx_import_bytes(const char *name, const uint8_t *bytes, size_t len,
                          const struct dpu_onnx_options *opts, struct dpu_graph *g,
                          struct dpu_onnx_report *report, struct dpu_diag *d)
{
    struct onnx_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.model_name = name ? name : "<memory>";
    ctx.opts = opts;
    ctx.g = g;
    ctx.d = d;
    ctx.report = report;
    if (report)
        memset(report, 0, sizeof *report);
    int err = run(&ctx, bytes, len);
    if (!err && report)
        fill_report(&ctx, report);
    onnx_ctx_free(&ctx);
    return err;
}

int dpu_onnx_import(const char *path, const struct dpu_onnx_options *opts, struct dpu_graph *g,
                    struct dpu_onnx_report *report, struct dpu_diag *d)
{
    uint8_t *bytes;
    size_t len;
    int err = dpu_read_file(path, ONNX_MAX_FILE_BYTES, &bytes, &len, d);
    if (err)
        return err;
    err = dpu_onnx_import_bytes(path, bytes, len, opts, g, report, d);
    free(bytes);
    return err;
}
