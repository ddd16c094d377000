/* Loading: bytes -> ModelProto, with the limits checked first, then the opset imports.
 *
 * We import the default ONNX domain at opsets 11 to 17, the span whose operator semantics
 * the mapping is written against. Older models are accepted only when every op they use
 * means the same at their opset as at 11 (onnx_opset.c checks each node). The
 * com.microsoft domain is accepted for its quantized operators (QLinearAdd,
 * QLinearGlobalAveragePool) and Gelu.
 */
#include <inttypes.h>
#include <string.h>

#include "dpu/onnx_ctx.h"

#define OPSET_MIN_SUPPORTED 11
#define OPSET_MAX_SUPPORTED 17

static bool is_default_domain(const char *domain)
{
    return !domain || domain[0] == '\0' || strcmp(domain, "ai.onnx") == 0;
}

static int read_opsets(struct onnx_ctx *ctx)
{
    const Onnx__ModelProto *m = ctx->model;
    for (size_t i = 0; i < m->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *os = m->opset_import[i];
        int64_t v = os->has_version ? os->version : 0;
        if (v < 1 || v > 1000)
            return dpu_diag_set(ctx->d, DPU_E_PARSE, "%s: opset import %zu has version %" PRId64,
                                ctx->model_name, i, v);
        if (is_default_domain(os->domain))
            ctx->opset = (int)v;
        else if (strcmp(os->domain, "com.microsoft") == 0)
            ctx->ms_opset = (int)v;
    }
    if (ctx->opset == 0)
        return dpu_diag_set(ctx->d, DPU_E_UNSUPPORTED,
                            "%s: the model imports no opset of the default ONNX domain",
                            ctx->model_name);
    if (ctx->opset > OPSET_MAX_SUPPORTED)
        return dpu_diag_set(ctx->d, DPU_E_UNSUPPORTED,
                            "%s: the model uses ONNX opset %d; opendpu imports opsets %d to %d "
                            "(convert it, e.g. with onnx.version_converter)",
                            ctx->model_name, ctx->opset, OPSET_MIN_SUPPORTED, OPSET_MAX_SUPPORTED);
    return DPU_OK;
}

int onnx_load(struct onnx_ctx *ctx, const uint8_t *bytes, size_t len)
{
    if (len > ONNX_MAX_FILE_BYTES)
        return dpu_diag_set(ctx->d, DPU_E_RANGE,
                            "%s: %zu bytes is more than protobuf's 2 GiB limit for one message",
                            ctx->model_name, len);
    int err = onnx_wire_check(&onnx__model_proto__descriptor, bytes, len, ctx->model_name, ctx->d);
    if (err)
        return err;
    static const uint8_t empty[1];
    ctx->model = onnx__model_proto__unpack(NULL, len, len ? bytes : empty);
    if (!ctx->model)
        return dpu_diag_set(ctx->d, DPU_E_PARSE, "%s: not a valid ONNX protobuf", ctx->model_name);
    if (!ctx->model->graph)
        return dpu_diag_set(ctx->d, DPU_E_PARSE, "%s: not an ONNX model (no graph)",
                            ctx->model_name);
    ctx->graph = ctx->model->graph;
    err = read_opsets(ctx);
    if (err)
        return err;
    if (ctx->report)
        ctx->report->opset = ctx->opset;
    return DPU_OK;
}
