/* presetgen: hardware presets (isa/presets/NAME.preset) to C, SystemVerilog and Markdown.
 *
 *   presetgen [--c-header H] [--c-source C] [--sv-dir DIR] [--doc-dir DIR] PRESET_FILES...
 *
 * Every file is read and checked before anything is written; with no output options it only
 * checks. Exit status: 0 done, 1 a preset (or the command line) was refused, with
 * "file:line:col: error: ..." on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_out.h"
#include "preset_emit.h"
#include "preset_read.h"
#include "tbl_lex.h"

/* The outputs: out_emitters[k] writes the file (or directory) named after out_options[k]. */
static const char *const out_options[] = {"--c-header", "--c-source", "--sv-dir", "--doc-dir"};
static bool (*const out_emitters[])(const char *, const struct preset_src *, size_t) = {
    preset_emit_c_header, preset_emit_c_source, preset_emit_sv, preset_emit_md};

#define NOUTS (sizeof out_options / sizeof out_options[0])
_Static_assert(sizeof out_emitters / sizeof out_emitters[0] == NOUTS, "an emitter per option");

/* Two files may not define the same preset (they can, from two directories). */
static bool check_unique_names(const struct preset_src *ps, size_t n)
{
    bool ok = true;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(ps[i].p.name, ps[j].p.name) == 0) {
                const struct preset_pos *a = &ps[i].at[PRESET_AT_NAME];
                const struct preset_pos *b = &ps[j].at[PRESET_AT_NAME];
                fprintf(stderr,
                        "%s:%d:%d: error: duplicate preset name '%s' (also defined at "
                        "%s:%d:%d)\n",
                        ps[i].path, a->line, a->col, ps[i].p.name, ps[j].path, b->line, b->col);
                ok = false;
                break;
            }
    return ok;
}

/* Smallest array first, so tables read from test size to the biggest; name breaks ties.
 * The order does not depend on the order of the command line. */
static int by_size(const void *a, const void *b)
{
    const struct dpu_preset *p = &((const struct preset_src *)a)->p;
    const struct dpu_preset *q = &((const struct preset_src *)b)->p;
    uint64_t mp = dpu_preset_macs_per_cycle(p), mq = dpu_preset_macs_per_cycle(q);
    if (mp != mq)
        return mp < mq ? -1 : 1;
    return strcmp(p->name, q->name);
}

int main(int argc, char **argv)
{
    const char *paths[NOUTS];
    const char **files = calloc((size_t)argc, sizeof *files);
    if (!files) {
        fputs("presetgen: error: out of memory\n", stderr);
        return 2;
    }
    struct gen_cmdline cl = {.prog = "presetgen",
                             .usage = "presetgen [--c-header H] [--c-source C] [--sv-dir DIR] "
                                      "[--doc-dir DIR] PRESET_FILES...",
                             .options = out_options,
                             .paths = paths,
                             .nopts = NOUTS,
                             .args = files,
                             .max_args = (size_t)argc,
                             .none = "no preset files"};
    if (!gen_parse_args(&cl, argc, argv)) {
        free(files);
        return 1;
    }
    struct preset_src *ps = calloc(cl.nargs, sizeof *ps);
    if (!ps) {
        fputs("presetgen: error: out of memory\n", stderr);
        free(files);
        return 2;
    }
    bool ok = true;
    for (size_t i = 0; i < cl.nargs; i++)
        if (!preset_read(files[i], &ps[i]))
            ok = false;
    if (ok)
        ok = check_unique_names(ps, cl.nargs);
    if (ok) {
        qsort(ps, cl.nargs, sizeof *ps, by_size);
        /* Every output asked for is attempted, so one bad path does not hide another. */
        for (size_t k = 0; k < NOUTS; k++)
            if (paths[k] && !out_emitters[k](paths[k], ps, cl.nargs))
                ok = false;
    }
    for (size_t i = 0; i < cl.nargs; i++)
        preset_src_free(&ps[i]);
    free(ps);
    free(files);
    return ok ? 0 : 1;
}
