/* docs/q8-format.md documents every op and attribute: its op table has a row for each op of
 * ops.def, and that row names each of the op's attributes from op_attrs.def. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/fileio.h"
#include "dpu/graph.h"

static const char *const op_names[] = {
#define X(e, name, mi, ma, no, f, q, doc) name,
#include "dpu/ops.def"
#undef X
};

static const struct {
    enum dpu_node_op op;
    const char *name;
} attrs[] = {
#define A(op, name, type, req, doc) {DPU_NODE_##op, name},
#include "dpu/op_attrs.def"
#undef A
};

/* The table row of op in doc (a NUL-terminated copy in row), or fails. */
static void find_row(const char *doc, const char *op, char *row, size_t cap)
{
    char head[64];
    snprintf(head, sizeof head, "\n| `%s` |", op);
    const char *p = strstr(doc, head);
    if (!p)
        fail_msg("docs/q8-format.md has no table row for op %s", op);
    p++;
    const char *e = strchr(p, '\n');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    assert_true(n < cap);
    memcpy(row, p, n);
    row[n] = '\0';
}

static void test_doc_covers_schema(void **state)
{
    (void)state;
    uint8_t *doc;
    size_t len;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_read_file(DOC_PATH, 1 << 20, &doc, &len, &d) != DPU_OK)
        fail_msg("%s", dpu_diag_message(&d));
    char row[2048];
    for (size_t i = 0; i < sizeof op_names / sizeof op_names[0]; i++) {
        find_row((const char *)doc, op_names[i], row, sizeof row);
        for (size_t k = 0; k < sizeof attrs / sizeof attrs[0]; k++) {
            if ((size_t)attrs[k].op != i)
                continue;
            char quoted[64];
            snprintf(quoted, sizeof quoted, "`%s`", attrs[k].name);
            if (!strstr(row, quoted))
                fail_msg("docs/q8-format.md: the row of %s does not name attribute %s", op_names[i],
                         attrs[k].name);
        }
    }
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doc_covers_schema),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
