/* --audit: finds the ONNX tests under the data root that exercise only ops we support but that
 * the list does not mention (gaps), and the listed tests that are not under the root. */
#ifndef CONF_AUDIT_H
#define CONF_AUDIT_H

#include <stdbool.h>
#include <stdio.h>

#include "test_list.h"

/* True when op (as conf_model_info names it) is an ONNX op our importer maps. */
bool conf_op_supported(const char *op);

/* Prints one line per gap and per missing test to f and a closing count; returns the number
 * of problems found (0: the list covers every runnable test), or -1 if root is unreadable. */
int conf_audit(const char *root, const struct conf_list *list, FILE *f);

#endif
