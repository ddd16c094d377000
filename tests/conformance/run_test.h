/* Runs one listed ONNX test through our importer and reference interpreter and judges it. */
#ifndef CONF_RUN_TEST_H
#define CONF_RUN_TEST_H

#include "compare.h"
#include "test_list.h"

enum conf_status {
    CONF_PASS,
    CONF_FAIL, /* ran, and an output broke the comparison rule (or had the wrong shape) */
    CONF_SKIPPED,
    CONF_ERROR, /* could not run: data unreadable, import refused, interpreter refused */
};

struct conf_result {
    const struct conf_entry *entry;
    enum conf_status status;
    int datasets;        /* test_data_set_N directories run */
    struct conf_cmp cmp; /* over every output of every data set */
    char msg[600];
};

/* Runs e (every test_data_set_N under root/e->dir) and fills res. A skip entry gives
 * CONF_SKIPPED with its reason. */
void conf_run_entry(const char *root, const struct conf_entry *e, struct conf_result *res);

const char *conf_status_name(enum conf_status s);

#endif
