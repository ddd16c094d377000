/* The conformance test list (tests/conformance/onnx_tests.txt): which ONNX tests we run, how,
 * and which we deliberately skip.
 *
 * One test per line, '#' starts a comment, blank lines are ignored:
 *   float DIR [bind=NAME,...]     float import, float32 reference, float rule
 *   quant DIR [bind=NAME,...]     quantized import, int8 reference, quant rule
 *   skip  DIR reason...           listed but not run, with the reason (required)
 * DIR is relative to the data root (node/test_relu). bind= names the graph inputs that are
 * fixed as constants from the test's input_K.pb; without it a float test binds nothing and a
 * quant test binds every graph input but the first (the activation).
 */
#ifndef CONF_TEST_LIST_H
#define CONF_TEST_LIST_H

#include <stdbool.h>
#include <stddef.h>

enum conf_kind { CONF_FLOAT, CONF_QUANT, CONF_SKIP };

struct conf_entry {
    enum conf_kind kind;
    char *dir;
    bool bind_given; /* a bind= list was written (possibly naming only some inputs) */
    size_t nbind;
    char **bind;
    char *reason; /* skip only */
    int line;
};

struct conf_list {
    size_t n;
    struct conf_entry *e;
};

/* Reads the list; on error returns -1 with "file:line: what" in err. Free with
 * conf_list_free (also after a failure). */
int conf_list_read(const char *path, struct conf_list *list, char *err, size_t cap);
/* Parses the text of a list (name is used in messages). */
int conf_list_parse(const char *name, const char *text, struct conf_list *list, char *err,
                    size_t cap);
void conf_list_free(struct conf_list *list);

/* The entry for dir, or NULL. */
const struct conf_entry *conf_list_find(const struct conf_list *list, const char *dir);

const char *conf_kind_name(enum conf_kind k);

#endif
