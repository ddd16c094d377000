/* Output helpers for the table generators (presetgen, reggen): files that appear whole or
 * not at all, and the escaping each target language needs.
 *
 * Named preset_out because presetgen was its first user; reggen links it too. Nothing in it
 * knows about presets.
 */
#ifndef DPU_PRESET_OUT_H
#define DPU_PRESET_OUT_H

#include <stdbool.h>
#include <stdio.h>

/* A generated file being written: text goes to path.tmp.PID and is renamed over path only when
 * complete, so a failed run never leaves a half-written file for the build to trust. */
struct gen_out {
    FILE *fp;
    char *path, *tmp;
};

/* Opens path for generation. Prints "path: error: ..." and returns false on failure. */
bool gen_out_open(struct gen_out *o, const char *path);
/* Finishes the file (flush, close, rename). Returns false (after printing) if any write
 * failed. Always releases o. */
bool gen_out_close(struct gen_out *o);

/* "dir/name" in a malloc'd string (caller frees), or NULL when out of memory. */
char *gen_path_join(const char *dir, const char *name);
/* The part of path after the last '/'. Points into path. */
const char *gen_basename(const char *path);

/* Writes s as the contents of a C string literal (without the quotes): \" \\ and every
 * byte outside printable ASCII as a three-digit octal escape. */
void gen_put_c_string(FILE *fp, const char *s);
/* Writes s for a C or SystemVerilog comment: control bytes become spaces and "*" "/" pairs
 * are split so the comment cannot end early. */
void gen_put_comment(FILE *fp, const char *s);
/* Writes s for a Markdown table cell: '|' and '\' are escaped, control bytes become
 * spaces. */
void gen_put_md(FILE *fp, const char *s);
/* Writes an identifier upper-cased (err_code -> ERR_CODE), for C macro names. */
void gen_put_upper(FILE *fp, const char *s);
/* Writes an identifier in CamelCase (err_code -> ErrCode, PRESET_HASH_LO -> PresetHashLo),
 * the lowRISC style for SystemVerilog parameters. */
void gen_put_camel(FILE *fp, const char *s);

#endif
