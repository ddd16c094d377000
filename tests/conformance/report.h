/* The conformance report: a table on a stream, the closing summary line, and a JSON file. */
#ifndef CONF_REPORT_H
#define CONF_REPORT_H

#include <stdio.h>

#include "run_test.h"

struct conf_totals {
    int passed, failed, skipped; /* failed counts FAIL and ERROR */
    int errors;                  /* the ERROR part of failed */
    int with_ties;               /* passed tests that had 1-LSB differences */
};

void conf_totals_add(struct conf_totals *t, const struct conf_result *r);

void conf_report_header(FILE *f);
void conf_report_row(FILE *f, const struct conf_result *r);
/* "N passed, N failed, N skipped" alone on its line, after a line of details. */
void conf_report_summary(FILE *f, const struct conf_totals *t);

/* Writes every result as JSON to path; returns 0 or -1 (errno set). */
int conf_report_json(const char *path, const char *root, const char *list,
                     const struct conf_result *r, size_t n, const struct conf_totals *t);

/* Writes the table as Markdown (for docs/conformance.md); returns 0 or -1 (errno set). */
int conf_report_markdown(const char *path, const struct conf_result *r, size_t n,
                         const struct conf_totals *t);

#endif
