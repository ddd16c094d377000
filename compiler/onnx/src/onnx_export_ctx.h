/* The ONNX exporter's working state (private to onnx_export*.c).
 *
 *   onnx_export.c      the driver, the memory arena, unique names, protobuf building blocks
 *                      (nodes, attributes, initializers, value infos) and the Q/DQ helpers
 *   onnx_export_ops.c  one emitter per IR op
 *
 * Every protobuf-c structure and string is allocated from one arena (xp->mem) and freed at
 * once after packing; tensor contents point into the graph, which outlives the packing.
 */
#ifndef DPU_ONNX_EXPORT_CTX_H
#define DPU_ONNX_EXPORT_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpu/err.h"
#include "dpu/graph.h"
#include "onnx.pb-c.h"

/* ONNX TensorProto.DataType codes. */
enum { XP_FLOAT = 1, XP_UINT8 = 2, XP_INT8 = 3, XP_INT32 = 6, XP_INT64 = 7 };

struct xp_list {
    void **items;
    size_t n, cap;
};

struct xp {
    const struct dpu_graph *g;
    struct dpu_diag *d;
    struct xp_list mem;   /* every allocation */
    struct xp_list nodes; /* Onnx__NodeProto *, in order */
    struct xp_list inits; /* Onnx__TensorProto * */
    /* Names in use (ONNX values and nodes share one set, so no generated name can shadow
     * any name of the graph): open addressing, a power-of-two table. */
    const char **names;
    size_t nnames, names_cap;
    /* Per IR tensor: the float view (DequantizeLinear output) and the scale and zero-point
     * initializers, made on first use. */
    const char **view, **scale, **zp;
    int opset;      /* 13, or 14 when an op needs it */
    bool ms_domain; /* com.microsoft ops used (Gelu) */
};

/* --- onnx_export.c ---------------------------------------------------------------------- */
void *xp_alloc(struct xp *x, size_t size); /* zeroed; NULL (diag set) when out of memory */
char *xp_strdup(struct xp *x, const char *s);
/* A name no graph tensor or node and no earlier generated name uses: base + suffix, then
 * base + suffix + "_2", "_3", ...; NULL when out of memory. */
const char *xp_unique(struct xp *x, const char *base, const char *suffix);

/* Appends a node (op in the default domain unless domain is given); node names come from
 * xp_unique unless the caller passes an IR node's name. ins may hold "" (absent input). */
Onnx__NodeProto *xp_node(struct xp *x, const char *op, const char *domain, const char *name,
                         size_t nin, const char *const *ins, const char *out);
int xp_attr_int(struct xp *x, Onnx__NodeProto *n, const char *name, int64_t v);
int xp_attr_float(struct xp *x, Onnx__NodeProto *n, const char *name, float v);
int xp_attr_ints(struct xp *x, Onnx__NodeProto *n, const char *name, size_t count,
                 const int64_t *v);
int xp_attr_string(struct xp *x, Onnx__NodeProto *n, const char *name, const char *v);
/* Copies IR attribute `name` of node gn to n as ints when present (onto name `as`). */
int xp_copy_ints(struct xp *x, Onnx__NodeProto *n, const struct dpu_gnode *gn, const char *name);
int xp_copy_int(struct xp *x, Onnx__NodeProto *n, const struct dpu_gnode *gn, const char *name);

/* An initializer named name (used as is) with raw little-endian contents; data is copied. */
int xp_init(struct xp *x, const char *name, int dtype, int rank, const int64_t *dims,
            const void *data, size_t bytes);
/* A fresh initializer named base + suffix (unique): one float, a float vector, int64s. */
const char *xp_const_float(struct xp *x, const char *base, const char *suffix, float v);
const char *xp_const_floats(struct xp *x, const char *base, const char *suffix, size_t n,
                            const float *v);
const char *xp_const_int64s(struct xp *x, const char *base, const char *suffix, size_t n,
                            const int64_t *v);

/* The float view of IR tensor t: a DequantizeLinear of t (made once, shared by every
 * reader; per-channel along the tensor's axis). Graph inputs and constants included. */
const char *xp_view(struct xp *x, int t);
/* QuantizeLinear of the float value `from` into IR tensor t (whose name it writes). */
int xp_quantize_into(struct xp *x, const char *from, int t, const char *node_name);
/* The name of a float intermediate that will be quantized into IR tensor t. */
const char *xp_float_result(struct xp *x, int t);
/* The node's clamp as a float op between `from` and the QuantizeLinear into its output t
 * (none, Relu or Clip, written so ONNX Runtime folds it into the QuantizeLinear where it can
 * and `dpuc import` gives back the same clamp); returns the float name to quantize, NULL on
 * error. node_name names the Relu/Clip node (NULL: a generated name); relu_ok false asks
 * for a Clip even where a Relu would do. */
const char *xp_clamp(struct xp *x, const struct dpu_gnode *gn, const char *from, int t,
                     const char *node_name, bool relu_ok);

/* Fails naming the IR node. */
int xp_fail(struct xp *x, const struct dpu_gnode *gn, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* --- onnx_export_ops.c ------------------------------------------------------------------ */
/* Emits IR node gn (every op of a quantized graph; what QDQ cannot express is refused). */
int xp_emit_node(struct xp *x, const struct dpu_gnode *gn);

#endif
