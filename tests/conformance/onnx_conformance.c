/* onnx_conformance: runs ONNX's own operator tests (Debian's libonnx-testdata) through our
 * ONNX importer and reference interpreters, and prints a table and a summary line.
 *
 *   onnx_conformance [--root DIR] [--list FILE] [--json FILE] [--markdown FILE]
 *                    [--filter TEXT] [--audit]
 *
 * Exit status: 0 when nothing failed (or, with --audit, the list has no gap), 1 otherwise,
 * 2 for a usage error or an unreadable list. docs/conformance.md explains the rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "report.h"
#include "run_test.h"
#include "test_list.h"

#ifndef CONF_DEFAULT_ROOT
#define CONF_DEFAULT_ROOT "/usr/share/libonnx-testdata/data"
#endif
#ifndef CONF_DEFAULT_LIST
#define CONF_DEFAULT_LIST "tests/conformance/onnx_tests.txt"
#endif

struct options {
    const char *root, *list, *json, *markdown, *filter;
    int audit;
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: onnx_conformance [--root DIR] [--list FILE] [--json FILE] [--markdown FILE]\n"
            "                        [--filter TEXT] [--audit]\n"
            "  --root DIR        ONNX test data (default %s)\n"
            "  --list FILE       tests to run (default %s)\n"
            "  --json FILE       also write the results as JSON\n"
            "  --markdown FILE   also write the table as Markdown (docs/conformance.md)\n"
            "  --filter TEXT     run only the listed tests whose directory contains TEXT\n"
            "  --audit           list runnable tests that the list does not mention, and\n"
            "                    listed tests that are not under the root; run nothing\n",
            CONF_DEFAULT_ROOT, CONF_DEFAULT_LIST);
}

static int parse_args(int argc, char **argv, struct options *o)
{
    *o = (struct options){CONF_DEFAULT_ROOT, CONF_DEFAULT_LIST, NULL, NULL, NULL, 0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **value = NULL;
        if (strcmp(a, "--root") == 0)
            value = &o->root;
        else if (strcmp(a, "--list") == 0)
            value = &o->list;
        else if (strcmp(a, "--json") == 0)
            value = &o->json;
        else if (strcmp(a, "--markdown") == 0)
            value = &o->markdown;
        else if (strcmp(a, "--filter") == 0)
            value = &o->filter;
        else if (strcmp(a, "--audit") == 0) {
            o->audit = 1;
            continue;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        } else {
            fprintf(stderr, "onnx_conformance: unknown argument '%s'\n", a);
            return -1;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "onnx_conformance: %s needs a value\n", a);
            return -1;
        }
        *value = argv[++i];
    }
    return 0;
}

static int run_all(const struct options *o, const struct conf_list *list)
{
    struct conf_result *res = calloc(list->n ? list->n : 1, sizeof(*res));
    if (!res) {
        fprintf(stderr, "onnx_conformance: out of memory\n");
        return 2;
    }
    struct conf_totals tot = {0};
    size_t n = 0;
    conf_report_header(stdout);
    for (size_t i = 0; i < list->n; i++) {
        if (o->filter && !strstr(list->e[i].dir, o->filter))
            continue;
        conf_run_entry(o->root, &list->e[i], &res[n]);
        conf_report_row(stdout, &res[n]);
        fflush(stdout); /* one row at a time, so a crash still shows how far it got */
        conf_totals_add(&tot, &res[n]);
        n++;
    }
    conf_report_summary(stdout, &tot);
    int rc = tot.failed ? 1 : 0;
    if (o->json && conf_report_json(o->json, o->root, o->list, res, n, &tot) != 0) {
        perror(o->json);
        rc = 2;
    }
    if (o->markdown && conf_report_markdown(o->markdown, res, n, &tot) != 0) {
        perror(o->markdown);
        rc = 2;
    }
    free(res);
    return rc;
}

int main(int argc, char **argv)
{
    struct options o;
    if (parse_args(argc, argv, &o) != 0) {
        usage(stderr);
        return 2;
    }
    struct conf_list list;
    char err[512];
    if (conf_list_read(o.list, &list, err, sizeof(err)) != 0) {
        fprintf(stderr, "onnx_conformance: %s\n", err);
        conf_list_free(&list);
        return 2;
    }
    int rc;
    if (o.audit) {
        int problems = conf_audit(o.root, &list, stdout);
        if (problems < 0)
            fprintf(stderr, "onnx_conformance: cannot read %s\n", o.root);
        rc = problems < 0 ? 2 : problems > 0 ? 1 : 0;
    } else {
        rc = run_all(&o, &list);
    }
    conf_list_free(&list);
    return rc;
}
