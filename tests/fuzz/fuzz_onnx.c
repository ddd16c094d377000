/* libFuzzer target for the ONNX importer: any bytes must be refused cleanly (a negative
 * code other than an internal error, with a message) or imported into a graph that passes
 * the verifier again. Each input is tried in automatic and float mode, which take
 * different paths through the planner.
 *
 * Built with libFuzzer (DPU_FUZZ), the target also has a structure-aware mutator: half of
 * the mutations unpack the model and change one number that matters (a dimension, an
 * attribute, an initializer byte, an element type, an opset, a node input), so the fuzzer
 * reaches shape inference and the emitters instead of mostly breaking the protobuf. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/onnx_import.h"
#include "fuzz_target.h"

static void try_mode(const uint8_t *data, size_t size, enum dpu_onnx_mode mode)
{
    struct dpu_onnx_options opts = {.mode = mode};
    struct dpu_onnx_report report;
    struct dpu_graph g;
    struct dpu_diag d;
    dpu_graph_init(&g);
    dpu_diag_clear(&d);
    int err = dpu_onnx_import_bytes("fuzz.onnx", data, size, &opts, &g, &report, &d);
    if (err) {
        FUZZ_CHECK(err < 0 && err != DPU_E_INTERNAL);
        FUZZ_CHECK(d.err == err && d.msg[0] != '\0');
    } else {
        FUZZ_CHECK(g.noutputs > 0);
        FUZZ_CHECK(report.nuint8_inputs <= g.ninputs && report.nuint8_outputs <= g.noutputs);
        FUZZ_CHECK(dpu_graph_verify(&g, &d) == DPU_OK);
        for (size_t i = 0; i < g.ntensors; i++)
            FUZZ_CHECK(g.tensors[i].name && g.tensors[i].name[0] != '\0');
    }
    dpu_graph_free(&g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    try_mode(data, size, DPU_ONNX_AUTO);
    try_mode(data, size, DPU_ONNX_FLOAT);
    return 0;
}

#ifdef FUZZ_ONNX_MUTATOR
#include "onnx.pb-c.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

static uint64_t rng;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Small values mostly, and now and then one from the edges of every range. */
static int64_t pick(void)
{
    static const int64_t edges[] = {
        -1,        0,         1,        2, 3, -128, 127, 255, 256, 1 << 20, (int64_t)1 << 40,
        INT32_MAX, INT64_MAX, INT64_MIN};
    if (next() % 3)
        return (int64_t)(next() % 9) - 2;
    return edges[next() % (sizeof edges / sizeof edges[0])];
}

static void mutate_tensor(Onnx__TensorProto *t)
{
    switch (next() % 3) {
    case 0:
        if (t->n_dims)
            t->dims[next() % t->n_dims] = pick();
        break;
    case 1:
        if (t->has_raw_data && t->raw_data.len)
            t->raw_data.data[next() % t->raw_data.len] ^= (uint8_t)(1u << (next() % 8));
        break;
    default:
        t->data_type = (int32_t)(next() % 17);
    }
}

static void mutate_node(Onnx__GraphProto *g)
{
    Onnx__NodeProto *n = g->node[next() % g->n_node];
    if (n->n_attribute && next() % 2) {
        Onnx__AttributeProto *a = n->attribute[next() % n->n_attribute];
        if (a->n_ints)
            a->ints[next() % a->n_ints] = pick();
        else if (a->has_i)
            a->i = pick();
        else if (a->has_f)
            a->f = (float)pick() / 3;
        else if (a->t)
            mutate_tensor(a->t);
        return;
    }
    /* Rewire one input to another node's output. */
    Onnx__NodeProto *from = g->node[next() % g->n_node];
    if (n->n_input && from->n_output) {
        size_t k = next() % n->n_input;
        char *name = strdup(from->output[next() % from->n_output]);
        if (name) {
            free(n->input[k]);
            n->input[k] = name;
        }
    }
}

static void mutate_model(Onnx__ModelProto *m)
{
    Onnx__GraphProto *g = m->graph;
    switch (next() % 4) {
    case 0:
        if (g->n_node)
            mutate_node(g);
        break;
    case 1:
        if (g->n_initializer)
            mutate_tensor(g->initializer[next() % g->n_initializer]);
        break;
    case 2:
        if (g->n_input) {
            Onnx__ValueInfoProto *vi = g->input[next() % g->n_input];
            Onnx__TypeProto *tp = vi->type;
            if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE)
                break;
            Onnx__TensorShapeProto *sh = tp->tensor_type->shape;
            if (sh && sh->n_dim && next() % 2) {
                Onnx__TensorShapeProto__Dimension *d = sh->dim[next() % sh->n_dim];
                if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE)
                    d->dim_value = pick();
            } else {
                tp->tensor_type->elem_type = (int32_t)(next() % 12);
            }
        }
        break;
    default:
        if (m->n_opset_import)
            m->opset_import[next() % m->n_opset_import]->version = 6 + (int64_t)(next() % 13);
    }
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    rng = seed * 2654435761u + 1;
    Onnx__ModelProto *m = next() % 2 ? onnx__model_proto__unpack(NULL, size, data) : NULL;
    if (!m || !m->graph) {
        if (m)
            onnx__model_proto__free_unpacked(m, NULL);
        return LLVMFuzzerMutate(data, size, max_size);
    }
    int changes = 1 + (int)(next() % 3);
    for (int i = 0; i < changes; i++)
        mutate_model(m);
    size_t len = onnx__model_proto__get_packed_size(m);
    if (len <= max_size)
        onnx__model_proto__pack(m, data);
    onnx__model_proto__free_unpacked(m, NULL);
    return len <= max_size ? len : LLVMFuzzerMutate(data, size, max_size);
}
#endif
