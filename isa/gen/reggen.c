/* reggen: the AXI-Lite register table (isa/regs.tbl) to C, SystemVerilog and Markdown.
 *
 *   reggen TABLE [--c-header H] [--c-source C] [--sv-package SV] [--doc-dir DIR]
 *
 * The table is read and checked before anything is written; with no output options reggen
 * only checks. Exit status: 0 done, 1 the table (or the command line) was refused, with
 * "file:line:col: error: ..." naming the registers and fields at fault on stderr.
 */
#include <stdio.h>

#include "gen_out.h"
#include "reggen_emit.h"
#include "reggen_model.h"

/* The outputs: out_emitters[k] writes the file (or directory) named after out_options[k]. */
static const char *const out_options[] = {"--c-header", "--c-source", "--sv-package", "--doc-dir"};
static bool (*const out_emitters[])(const char *, const struct rg_table *) = {
    rg_emit_c_header, rg_emit_c_source, rg_emit_sv, rg_emit_md};

#define NOUTS (sizeof out_options / sizeof out_options[0])
_Static_assert(sizeof out_emitters / sizeof out_emitters[0] == NOUTS, "an emitter per option");

int main(int argc, char **argv)
{
    const char *paths[NOUTS], *table;
    struct gen_cmdline cl = {.prog = "reggen",
                             .usage = "reggen TABLE [--c-header H] [--c-source C] "
                                      "[--sv-package SV] [--doc-dir DIR]",
                             .options = out_options,
                             .paths = paths,
                             .nopts = NOUTS,
                             .args = &table,
                             .max_args = 1,
                             .none = "no table",
                             .too_many = "more than one table"};
    if (!gen_parse_args(&cl, argc, argv))
        return 1;
    struct rg_table t;
    bool ok = rg_parse(table, &t) && rg_check(&t);
    if (ok) {
        rg_sort(&t);
        /* Every output asked for is attempted, so one bad path does not hide another. */
        for (size_t k = 0; k < NOUTS; k++)
            if (paths[k] && !out_emitters[k](paths[k], &t))
                ok = false;
    }
    rg_free(&t);
    return ok ? 0 : 1;
}
