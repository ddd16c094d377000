/* isagen: generates the C, SystemVerilog and Markdown views of the instruction set from
 * isa/isa.tbl, its single source of truth.
 *
 *   isagen TABLE [--c-header H] [--c-source C] [--sv-package SV] [--doc-dir DIR]
 *
 * Any subset of the outputs may be asked for; with none, the table is only checked.
 * Exit status: 0 success, 1 the table is wrong (each problem printed as
 * "file:line:col: error: ..."), 2 a usage or output error (ours, not the table's).
 *
 * The work is three steps, one file each: isagen_parse.c builds the model,
 * isagen_check.c proves it consistent, and isagen_emit_*.c print it.
 */
#include <stdio.h>
#include <string.h>

#include "isagen_emit.h"
#include "isagen_model.h"

static int usage(void)
{
    fprintf(stderr, "usage: isagen TABLE [--c-header H] [--c-source C] [--sv-package SV] "
                    "[--doc-dir DIR]\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *table = NULL, *c_header = NULL, *c_source = NULL, *sv = NULL, *doc_dir = NULL;
    for (int i = 1; i < argc; i++) {
        const char **slot = NULL;
        if (!strcmp(argv[i], "--c-header"))
            slot = &c_header;
        else if (!strcmp(argv[i], "--c-source"))
            slot = &c_source;
        else if (!strcmp(argv[i], "--sv-package"))
            slot = &sv;
        else if (!strcmp(argv[i], "--doc-dir"))
            slot = &doc_dir;
        if (slot) {
            if (i + 1 >= argc) {
                fprintf(stderr, "isagen: %s needs an argument\n", argv[i]);
                return usage();
            }
            *slot = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "isagen: unknown option %s\n", argv[i]);
            return usage();
        } else if (table) {
            fprintf(stderr, "isagen: more than one table given (%s and %s)\n", table, argv[i]);
            return usage();
        } else {
            table = argv[i];
        }
    }
    if (!table)
        return usage();

    struct tbl_file f;
    if (!tbl_load(table, &f))
        return 1;
    struct ig_model m;
    bool ok = ig_parse(&f, &m);
    int rc = ok ? 0 : 1;
    if (ok) {
        /* Every requested output is attempted, so one bad path does not hide another. */
        if (c_header && !ig_emit_c_header(&m, c_header))
            rc = 2;
        if (c_source && !ig_emit_c_source(&m, c_source))
            rc = 2;
        if (sv && !ig_emit_sv(&m, sv))
            rc = 2;
        if (doc_dir && !ig_emit_md(&m, doc_dir))
            rc = 2;
    }
    ig_model_free(&m);
    tbl_free(&f);
    return rc;
}
