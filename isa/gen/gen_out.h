/* Output helpers shared by the table generators (isagen, presetgen, reggen): generated files
 * that appear whole or not at all, the escaping each target language needs, and the command
 * line that names the outputs. Nothing in here knows about any one table.
 *
 * Naming: gen_out_* work on a file being generated (struct gen_out), gen_put_* write text to
 * any stream (a generated file's fp, or a memory stream).
 */
#ifndef DPU_GEN_OUT_H
#define DPU_GEN_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* ---- Generated files ---- */

/* A generated file being written: text goes to path.tmp.PID and is renamed over path only
 * when complete, so a failed run never leaves a half-written file for the build to trust
 * (and two runs at once, as a parallel build may start, never share a temporary). */
struct gen_out {
    FILE *fp;
    char *path, *tmp;
};

/* Opens path for generation. Prints "path: error: ..." and returns false on failure. */
bool gen_out_open(struct gen_out *o, const char *path);
/* The same for the file name in directory dir ("dir/name"). */
bool gen_out_open_in(struct gen_out *o, const char *dir, const char *name);
/* printf to the file. Write errors stick to the stream and are reported by gen_out_close. */
void gen_out_printf(struct gen_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Finishes the file (flush, close, rename over path). Returns false (after printing
 * "path: error: cannot write: ...") if any write failed. Always releases o. */
bool gen_out_close(struct gen_out *o);

/* The part of path after the last '/'. Points into path. */
const char *gen_basename(const char *path);

/* ---- Text from a table, made safe for where it lands ---- */

/* Writes s as the contents of a C string literal (without the quotes): \" \\, "??" as "?\?"
 * (no trigraphs) and every byte outside printable ASCII as a three-digit octal escape. */
void gen_put_c_string(FILE *fp, const char *s);
/* Writes s for a C or SystemVerilog comment: control bytes become spaces and "*" "/" pairs
 * are split so the comment cannot end early (or nest, for -Wcomment). */
void gen_put_comment(FILE *fp, const char *s);
/* Writes s as comment text word-wrapped at GEN_WRAP_COLUMNS: the cursor is at column col,
 * and each new line starts with cont (e.g. " * "). Runs of spaces become one. */
#define GEN_WRAP_COLUMNS 96
void gen_put_comment_wrapped(FILE *fp, const char *s, size_t col, const char *cont);
/* Writes s for a Markdown table cell: '|' and '\' are escaped, control bytes become
 * spaces. */
void gen_put_md(FILE *fp, const char *s);
/* Writes an identifier upper-cased (err_code -> ERR_CODE), for C macro names. */
void gen_put_upper(FILE *fp, const char *s);
/* Writes an identifier in CamelCase (err_code -> ErrCode, PRESET_HASH_LO -> PresetHashLo),
 * the lowRISC style for SystemVerilog parameters. */
void gen_put_camel(FILE *fp, const char *s);

/* ---- The command line ---- */

/* A generator's command line: "PROG [OPTION PATH]... ARG...", where each option names an
 * output to write and the positional arguments name the input(s). The caller fills in
 * everything but the fields marked "out". */
struct gen_cmdline {
    const char *prog;           /* for messages: "reggen" */
    const char *usage;          /* shown after a mistake: "reggen TABLE [--c-header H] ..." */
    const char *const *options; /* the output options: "--c-header", ... */
    const char **paths;         /* out: paths[k] is the path after options[k], or NULL */
    size_t nopts;
    const char **args; /* out: the positional arguments, in order */
    size_t max_args;   /* room in args */
    size_t nargs;      /* out */
    /* The errors when there is no positional argument, and when there are more than
     * max_args (not needed when there is room for argc). */
    const char *none, *too_many;
};

/* Fills c's outputs from argv. A repeated option keeps its last path; any other argument
 * that starts with "--" is refused. On a mistake prints "prog: error: ..." and the usage,
 * and returns false. */
bool gen_parse_args(struct gen_cmdline *c, int argc, char **argv);

#endif
