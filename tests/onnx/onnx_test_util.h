/* Helpers shared by the ONNX importer's unit tests: import a built model, look up IR nodes
 * and attributes, and expect failures whose message names what it must. */
#ifndef ONNX_TEST_UTIL_H
#define ONNX_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/onnx_import.h"
#include "model_builder.h"

/* Imports m (then frees it) into g; returns the error and leaves the message in d. */
static inline int import_mb(struct mb *m, enum dpu_onnx_mode mode, struct dpu_graph *g,
                            struct dpu_onnx_report *r, struct dpu_diag *d)
{
    size_t len;
    uint8_t *bytes = mb_pack(m, &len);
    mb_free(m);
    struct dpu_onnx_options o = {.mode = mode};
    dpu_graph_init(g);
    dpu_diag_clear(d);
    int err = dpu_onnx_import_bytes("test.onnx", bytes, len, &o, g, r, d);
    free(bytes);
    return err;
}

/* Imports m and fails the test with the importer's message if that fails. */
static inline void import_ok(struct mb *m, enum dpu_onnx_mode mode, struct dpu_graph *g,
                             struct dpu_onnx_report *r)
{
    struct dpu_diag d;
    int err = import_mb(m, mode, g, r, &d);
    if (err)
        fail_msg("import failed: %s", dpu_diag_message(&d));
}

/* Imports m, expects error err, and checks that the message contains every given string
 * (NULL-terminated list). */
static inline void import_fails(struct mb *m, int err, ...)
{
    struct dpu_graph g;
    struct dpu_diag d;
    int got = import_mb(m, DPU_ONNX_AUTO, &g, NULL, &d);
    dpu_graph_free(&g);
    if (got != err)
        fail_msg("expected error %d, got %d: %s", err, got, dpu_diag_message(&d));
    va_list ap;
    va_start(ap, err);
    for (const char *s; (s = va_arg(ap, const char *)) != NULL;)
        if (!strstr(d.msg, s))
            fail_msg("message '%s' lacks '%s'", d.msg, s);
    va_end(ap);
}

static inline const struct dpu_gnode *find_node(const struct dpu_graph *g, const char *name)
{
    for (size_t i = 0; i < g->nnodes; i++)
        if (strcmp(g->nodes[i].name, name) == 0)
            return &g->nodes[i];
    fail_msg("no IR node '%s'", name);
    return NULL;
}

/* The number of IR nodes with op. */
static inline int count_op(const struct dpu_graph *g, enum dpu_node_op op)
{
    int n = 0;
    for (size_t i = 0; i < g->nnodes; i++)
        n += g->nodes[i].op == op;
    return n;
}

static inline const struct dpu_gtensor *tensor_of(const struct dpu_graph *g, int32_t t)
{
    assert_true(t >= 0 && (size_t)t < g->ntensors);
    return &g->tensors[t];
}

static inline const struct dpu_gtensor *find_tensor(const struct dpu_graph *g, const char *name)
{
    int t = dpu_graph_find_tensor(g, name);
    if (t < 0)
        fail_msg("no IR tensor '%s'", name);
    return &g->tensors[t];
}

static inline void assert_dims(const struct dpu_gtensor *t, int rank, ...)
{
    assert_int_equal(t->rank, rank);
    va_list ap;
    va_start(ap, rank);
    for (int i = 0; i < rank; i++)
        assert_int_equal(t->dims[i], va_arg(ap, int));
    va_end(ap);
}

/* The INTS attribute name of n, which must have count values equal to the given ones. */
static inline void assert_ints(const struct dpu_gnode *n, const char *name, size_t count, ...)
{
    const struct dpu_attr *a = dpu_node_attr(n, name);
    if (!a)
        fail_msg("node '%s' has no attribute '%s'", n->name, name);
    assert_int_equal(a->type, DPU_ATTR_INTS);
    assert_int_equal(a->n, count);
    va_list ap;
    va_start(ap, count);
    for (size_t i = 0; i < count; i++)
        assert_int_equal(a->ints[i], va_arg(ap, int));
    va_end(ap);
}

#endif
