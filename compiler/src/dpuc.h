/* dpuc: the command-line driver. One row per subcommand in dpuc_commands[] (commands.c),
 * one file per subcommand (cmd_*.c), shared argument and I/O helpers in cli.c.
 *
 * Exit codes: 0 success, 1 the user's input or command line is at fault, 2 an internal
 * error (dpu_exit_code()). Every message goes to stderr prefixed "dpuc: ".
 */
#ifndef DPUC_H
#define DPUC_H

#include <stddef.h>
#include <stdint.h>

#include "dpu/err.h"

struct dpuc_cmd {
    const char *name;
    const char *summary; /* one line for `dpuc --help` */
    const char *usage;   /* full text for `dpuc help NAME` and `dpuc NAME --help` */
    /* argv[0] is the command name; returns the process exit code. */
    int (*run)(const struct dpuc_cmd *self, int argc, char **argv);
};

extern const struct dpuc_cmd dpuc_commands[];
extern const size_t dpuc_command_count;

int dpuc_cmd_asm(const struct dpuc_cmd *self, int argc, char **argv);
int dpuc_cmd_disasm(const struct dpuc_cmd *self, int argc, char **argv);
int dpuc_cmd_info(const struct dpuc_cmd *self, int argc, char **argv);
int dpuc_cmd_compile(const struct dpuc_cmd *self, int argc, char **argv);
int dpuc_cmd_import(const struct dpuc_cmd *self, int argc, char **argv);
int dpuc_cmd_run(const struct dpuc_cmd *self, int argc, char **argv);
int dpuc_cmd_export(const struct dpuc_cmd *self, int argc, char **argv);

/* Prints "dpuc: NAME: message" and the command's usage to stderr; returns exit code 1. */
int dpuc_usage_error(const struct dpuc_cmd *self, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints "dpuc: message" for a failed library call and returns its exit code (1 or 2). */
int dpuc_report(const struct dpu_diag *d);

/* Recognises a value option at argv[*i] written as `SHORT VALUE`, `LONG VALUE` or
 * `LONG=VALUE` (short may be NULL). Returns 1 and sets *value (advancing *i past a separate
 * value) when it matches, 0 when argv[*i] is another option, and -1 when the value is
 * missing (after printing a usage error). */
int dpuc_opt_value(const struct dpuc_cmd *self, int argc, char **argv, int *i, const char *shrt,
                   const char *lng, const char **value);

/* Parses the command line of a command taking one input and `-o FILE` / `--output FILE`;
 * `--` ends the options. Any other option is offered to flag (when not NULL), which returns
 * true when it took it. what names the input in messages ("model.q8"). Returns 0 with *input
 * set (*output NULL when absent), or the exit code after a usage error. */
int dpuc_parse_in_out(const struct dpuc_cmd *self, int argc, char **argv, const char *what,
                      int (*flag)(const char *arg, void *ctx), void *ctx, const char **input,
                      const char **output);

/* path with the first of old_exts it ends in replaced by new_ext (appended when none
 * matches); NULL when out of memory. The caller frees it. */
char *dpuc_swap_ext(const char *path, const char *const *old_exts, const char *new_ext);

/* Reads a whole input file, or standard input for "-". The caller frees *data; it is
 * NUL-terminated one past *len. */
int dpuc_read_input(const char *path, size_t max_bytes, uint8_t **data, size_t *len,
                    struct dpu_diag *d);

/* Writes data to path, or to standard output for "-". */
int dpuc_write_output(const char *path, const void *data, size_t len, struct dpu_diag *d);

/* The name to use for path in messages ("<stdin>" for "-"). */
const char *dpuc_display_name(const char *path);

#endif
