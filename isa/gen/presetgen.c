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

#include "preset_emit.h"
#include "preset_read.h"
#include "tbl_lex.h"

struct options {
    const char *c_header, *c_source, *sv_dir, *doc_dir;
    const char **files;
    size_t nfiles;
};

static int usage(void)
{
    fputs("usage: presetgen [--c-header H] [--c-source C] [--sv-dir DIR] [--doc-dir DIR] "
          "PRESET_FILES...\n",
          stderr);
    return 1;
}

static bool parse_args(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof *o);
    o->files = calloc((size_t)argc, sizeof *o->files);
    if (!o->files)
        return false;
    for (int i = 1; i < argc; i++) {
        const char **dst = NULL;
        if (strcmp(argv[i], "--c-header") == 0)
            dst = &o->c_header;
        else if (strcmp(argv[i], "--c-source") == 0)
            dst = &o->c_source;
        else if (strcmp(argv[i], "--sv-dir") == 0)
            dst = &o->sv_dir;
        else if (strcmp(argv[i], "--doc-dir") == 0)
            dst = &o->doc_dir;
        else if (argv[i][0] == '-' && argv[i][1] == '-') {
            fprintf(stderr, "presetgen: error: unknown option '%s'\n", argv[i]);
            return false;
        }
        if (!dst) {
            o->files[o->nfiles++] = argv[i];
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "presetgen: error: %s needs an argument\n", argv[i]);
            return false;
        }
        *dst = argv[++i];
    }
    if (!o->nfiles) {
        fputs("presetgen: error: no preset files\n", stderr);
        return false;
    }
    return true;
}

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
    struct options o;
    if (!parse_args(argc, argv, &o)) {
        free(o.files);
        return usage();
    }
    struct preset_src *ps = calloc(o.nfiles, sizeof *ps);
    if (!ps) {
        fputs("presetgen: error: out of memory\n", stderr);
        free(o.files);
        return 2;
    }
    bool ok = true;
    for (size_t i = 0; i < o.nfiles; i++)
        if (!preset_read(o.files[i], &ps[i]))
            ok = false;
    if (ok)
        ok = check_unique_names(ps, o.nfiles);
    if (ok) {
        qsort(ps, o.nfiles, sizeof *ps, by_size);
        if (o.c_header && !preset_emit_c_header(o.c_header, ps, o.nfiles))
            ok = false;
        if (o.c_source && !preset_emit_c_source(o.c_source, ps, o.nfiles))
            ok = false;
        if (o.sv_dir && !preset_emit_sv(o.sv_dir, ps, o.nfiles))
            ok = false;
        if (o.doc_dir && !preset_emit_md(o.doc_dir, ps, o.nfiles))
            ok = false;
    }
    for (size_t i = 0; i < o.nfiles; i++)
        preset_src_free(&ps[i]);
    free(ps);
    free(o.files);
    return ok ? 0 : 1;
}
