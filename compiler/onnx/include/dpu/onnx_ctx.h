/* The importer's working state, shared by the files of compiler/onnx/src (private).
 *
 * The import runs as a short pipeline (onnx_import.c, dpu_onnx_import_bytes):
 *
 *   onnx_load            bytes -> ModelProto (size and nesting limits, opset imports)
 *   onnx_build           values (one per ONNX name) and nodes; initializers, bindings and
 *                        graph inputs become values with shapes; nodes in topological order
 *   onnx_check_opset_ops models older than opset 11, op by op
 *   onnx_infer           one forward pass: shape inference for every node, constant folding
 *                        of shape subgraphs and constant inputs, Identity/Dropout removal
 *   onnx_prune           drops nodes no graph output depends on
 *   onnx_qplan           quantized models: which Q/DQ nodes fold into which op, and the
 *                        scale and zero point of every int8 value
 *   onnx_emit            every live node -> graph IR, then the graph inputs and outputs
 *   dpu_graph_verify
 *
 * Every ONNX name (graph input, initializer, node output) is a value; nodes refer to values
 * by index. Values and nodes are never removed, only marked: a folded node is `dead`, an
 * Identity's output becomes an `alias` of its input.
 */
#ifndef DPU_ONNX_CTX_H
#define DPU_ONNX_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpu/err.h"
#include "dpu/graph.h"
#include "dpu/onnx_import.h"
#include "dpu/onnx_tensor.h"
#include "onnx.pb-c.h"

/* Limits on what a model may ask of us, checked before anything is allocated for it. */
#define ONNX_MAX_FILE_BYTES ((size_t)2 << 30) /* protobuf's own 2 GiB message limit */
#define ONNX_MAX_DEPTH      32                /* nested messages (subgraphs nest deepest) */
#define ONNX_MAX_NODES      (1 << 20)
#define ONNX_MAX_NODE_IO    1024 /* inputs or outputs of one node */

enum onnx_domain { ONNX_DOMAIN_DEFAULT, ONNX_DOMAIN_MS, ONNX_DOMAIN_OTHER };

/* Quantization of a value: per-tensor (axis -1, count 1) or per-axis. Scales and zero
 * points are stored in the int8 domain: a uint8 zero point is already shifted by -128. */
struct onnx_qparams {
    int axis;
    size_t count;
    float *scale;
    int32_t *zp;
};

struct onnx_value {
    char *name;
    int elem; /* enum onnx_elem; ONNX_UNDEFINED until inferred */
    bool shape_known;
    int rank;
    int64_t dims[DPU_TENSOR_MAX_RANK];
    bool is_const; /* konst holds the value */
    struct onnx_tensor konst;
    bool unsupported_const; /* an initializer of a type we cannot hold */
    int producer;           /* node index, or -1 (graph input, initializer) */
    int nuses;              /* node inputs reading it (live nodes) + outputs */
    int alias;              /* -1, or the value this one is another name for */
    bool graph_input, graph_output;
    bool was_uint8; /* a uint8 tensor that became int8 */
    int ir;         /* IR tensor index once emitted, else -1 */

    /* Quantized import. */
    bool has_q; /* an int8 tensor's scale/zero point are known */
    struct onnx_qparams q;
    int dq_of; /* a DequantizeLinear output: the int8 value, else -1 */
};

struct onnx_node {
    const Onnx__NodeProto *pb;
    char *name;     /* unique display name (the ONNX name, or OpType_N) */
    const char *op; /* op_type */
    enum onnx_domain domain;
    int index; /* position in the ONNX graph */
    int nin, nout;
    int *in, *out; /* value indices; -1 for an absent optional input */
    bool dead;     /* folded away or absorbed into another node */

    /* Quantized import (onnx_qplan.c): the int8 value that carries this node's result (the
     * output of the QuantizeLinear that follows it, or the node's own int8 output), and a
     * Relu/Clip node fused into it as a clamp (-1 when none). Data movement followed by a
     * requantization does the rescale first: qin is the int8 value its input is rescaled
     * into and fused that QuantizeLinear (qin -1 when none). */
    int qout;
    int fused;
    int qin;
};

struct onnx_ctx {
    const char *model_name;  /* for messages */
    Onnx__ModelProto *model; /* owned: protobuf_c free_unpacked */
    const Onnx__GraphProto *graph;
    int opset, ms_opset; /* 0 when the domain is not imported */
    const struct dpu_onnx_options *opts;
    bool quantized; /* the graph being built */

    struct onnx_value *values;
    size_t nvalues, values_cap;
    /* Set during emission: values may be added but never moved, so that the emitters can
     * hold pointers to values while they create IR tensors (onnx_emit reserves room). */
    bool values_frozen;
    struct onnx_node *nodes;
    size_t nnodes;
    int *order;              /* node indices in topological order */
    int *ginputs, *goutputs; /* value indices of the graph's inputs and outputs */
    size_t nginputs, ngoutputs;

    /* Name -> value index, open addressing. */
    int *slots;
    size_t nslots;

    struct dpu_graph *g;
    struct dpu_onnx_report *report;
    struct dpu_diag *d;
};

/* --- onnx_load.c --------------------------------------------------------------------- */
/* Unpacks bytes into ctx->model after checking size and nesting; checks the opset imports. */
int onnx_load(struct onnx_ctx *ctx, const uint8_t *bytes, size_t len);
/* Checks the wire format of a message of type desc: every field well formed, messages
 * nested at most ONNX_MAX_DEPTH deep, and the unpacked structures' total size bounded.
 * (onnx_wire.c) */
int onnx_wire_check(const ProtobufCMessageDescriptor *desc, const uint8_t *bytes, size_t len,
                    const char *name, struct dpu_diag *d);
/* Checks that every node's op is defined at the model's opset (onnx_opset.c). */
int onnx_check_opset_ops(struct onnx_ctx *ctx);

/* --- tensor_pb.c --------------------------------------------------------------------- */
/* TensorProto -> onnx_tensor. what names the tensor in messages ("initializer 'w'").
 * DPU_E_UNSUPPORTED for element types other than float, uint8, int8, int32, int64, bool. */
int onnx_tensor_from_pb(const Onnx__TensorProto *pb, const char *what, struct onnx_tensor *t,
                        struct dpu_diag *d);

/* --- onnx_values.c ------------------------------------------------------------------- */
/* Finds or creates the value called name; returns its index or a negative error. */
int onnx_value_get(struct onnx_ctx *ctx, const char *name);
/* The index of name, or -1. */
int onnx_value_find(const struct onnx_ctx *ctx, const char *name);
/* A fresh value with a name derived from base that no ONNX value uses. */
int onnx_value_new(struct onnx_ctx *ctx, const char *base, const char *suffix);
/* Makes room for extra more values without moving the array. */
int onnx_values_reserve(struct onnx_ctx *ctx, size_t extra);
/* Follows aliases to the value that really holds the data. */
int onnx_value_resolve(const struct onnx_ctx *ctx, int v);
/* Values, nodes and the topological order from ctx->graph (onnx_build.c). */
int onnx_build(struct onnx_ctx *ctx);
void onnx_ctx_free(struct onnx_ctx *ctx);

/* --- onnx_attr.c --------------------------------------------------------------------- */
const Onnx__AttributeProto *onnx_attr(const struct onnx_node *n, const char *name);
/* Typed getters: 0 (with *out = def when absent) or an error naming node and attribute. */
int onnx_attr_int(struct onnx_ctx *ctx, const struct onnx_node *n, const char *name, int64_t def,
                  int64_t *out);
int onnx_attr_float(struct onnx_ctx *ctx, const struct onnx_node *n, const char *name, double def,
                    double *out);
/* *out NULL / *n 0 when absent; the array is the protobuf's (borrowed). */
int onnx_attr_ints(struct onnx_ctx *ctx, const struct onnx_node *n, const char *name,
                   const int64_t **out, size_t *count);
int onnx_attr_floats(struct onnx_ctx *ctx, const struct onnx_node *n, const char *name,
                     const float **out, size_t *count);
/* The string value (NUL-terminated copy into buf), or def when absent. */
int onnx_attr_string(struct onnx_ctx *ctx, const struct onnx_node *n, const char *name,
                     const char *def, char *buf, size_t cap);
/* Refuses any attribute not in the NULL-terminated list allowed. */
int onnx_attr_only(struct onnx_ctx *ctx, const struct onnx_node *n, const char *const *allowed);

/* --- messages (onnx_diag.c) ---------------------------------------------------------- */
/* "node 'NAME' (OP): <message>" into ctx->d; returns err. */
int onnx_fail(struct onnx_ctx *ctx, const struct onnx_node *n, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* "node 'NAME' (OP): attribute 'ATTR' <message>". */
int onnx_fail_attr(struct onnx_ctx *ctx, const struct onnx_node *n, const char *attr, int err,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A name fit for a message: control bytes as '?', long names cut with "...". */
#define ONNX_NAME_MAX 96
const char *onnx_safe_name(const char *s, char buf[ONNX_NAME_MAX]);
/* "MODEL: node 'NAME' (OP)", the prefix of node messages, for messages made elsewhere. */
#define ONNX_LABEL_MAX (2 * ONNX_NAME_MAX + 256)
const char *onnx_node_label(const struct onnx_ctx *ctx, const struct onnx_node *n,
                            char buf[ONNX_LABEL_MAX]);
/* "(1, 3, 28, 28)" into buf (DPU_SHAPE_STR_MAX bytes). */
const char *onnx_shape_str(int rank, const int64_t *dims, char *buf);

/* --- inputs of a node ---------------------------------------------------------------- */
/* The value of input i (aliases resolved), or NULL when absent. */
struct onnx_value *onnx_in(struct onnx_ctx *ctx, const struct onnx_node *n, int i);
struct onnx_value *onnx_out(struct onnx_ctx *ctx, const struct onnx_node *n, int i);
/* Input i must be present and constant: an error naming the node and input otherwise. */
int onnx_const_in(struct onnx_ctx *ctx, const struct onnx_node *n, int i, const char *role,
                  const struct onnx_tensor **t);

/* --- onnx_infer.c (per-op rules in onnx_infer_*.c and onnx_fold.c) ------------------- */
int onnx_infer(struct onnx_ctx *ctx);
/* One node: sets the output values' types and shapes, and their constants when folded. */
int onnx_infer_node(struct onnx_ctx *ctx, struct onnx_node *n);

/* --- emission ------------------------------------------------------------------------ */
/* Decides how a quantized model maps: which QuantizeLinear/DequantizeLinear pairs fold
 * into which ops, the scales and zero points of every int8 value (onnx_qplan.c). */
int onnx_qplan(struct onnx_ctx *ctx);
/* Emits every live node into ctx->g, then the graph inputs and outputs (onnx_emit_graph.c). */
int onnx_emit(struct onnx_ctx *ctx);

#endif
