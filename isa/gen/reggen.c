/* reggen: the AXI-Lite register table (isa/regs.tbl) to C, SystemVerilog and Markdown.
 *
 *   reggen TABLE [--c-header H] [--c-source C] [--sv-package SV] [--doc-dir DIR]
 *
 * The table is read and checked before anything is written; with no output options reggen
 * only checks. Exit status: 0 done, 1 the table (or the command line) was refused, with
 * "file:line:col: error: ..." naming the registers and fields at fault on stderr.
 */
#include <stdio.h>
#include <string.h>

#include "reggen_emit.h"
#include "reggen_model.h"

struct options {
    const char *table, *c_header, *c_source, *sv_package, *doc_dir;
};

static int usage(void)
{
    fputs("usage: reggen TABLE [--c-header H] [--c-source C] [--sv-package SV] "
          "[--doc-dir DIR]\n",
          stderr);
    return 1;
}

static bool parse_args(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char **dst = NULL;
        if (strcmp(argv[i], "--c-header") == 0)
            dst = &o->c_header;
        else if (strcmp(argv[i], "--c-source") == 0)
            dst = &o->c_source;
        else if (strcmp(argv[i], "--sv-package") == 0)
            dst = &o->sv_package;
        else if (strcmp(argv[i], "--doc-dir") == 0)
            dst = &o->doc_dir;
        else if (argv[i][0] == '-' && argv[i][1] == '-') {
            fprintf(stderr, "reggen: error: unknown option '%s'\n", argv[i]);
            return false;
        } else if (o->table) {
            fprintf(stderr, "reggen: error: more than one table ('%s')\n", argv[i]);
            return false;
        } else {
            o->table = argv[i];
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "reggen: error: %s needs an argument\n", argv[i]);
            return false;
        }
        *dst = argv[++i];
    }
    if (!o->table) {
        fputs("reggen: error: no table\n", stderr);
        return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    struct options o;
    if (!parse_args(argc, argv, &o))
        return usage();
    struct rg_table t;
    bool ok = rg_parse(o.table, &t) && rg_check(&t);
    if (ok) {
        rg_sort(&t);
        if (o.c_header && !rg_emit_c_header(o.c_header, &t))
            ok = false;
        if (o.c_source && !rg_emit_c_source(o.c_source, &t))
            ok = false;
        if (o.sv_package && !rg_emit_sv(o.sv_package, &t))
            ok = false;
        if (o.doc_dir && !rg_emit_md(o.doc_dir, &t))
            ok = false;
    }
    rg_free(&t);
    return ok ? 0 : 1;
}
