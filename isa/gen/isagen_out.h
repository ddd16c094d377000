/* isagen: writing one generated file.
 *
 * Output goes to a temporary file next to PATH and is renamed over PATH only once complete, so an
 * interrupted or failed run never leaves a half-written file that make would take as up to date.
 */
#ifndef ISAGEN_OUT_H
#define ISAGEN_OUT_H

#include <stdbool.h>
#include <stdio.h>

struct ig_out {
    FILE *f;
    char *path, *tmp;
};

/* Opens a temporary next to PATH for writing; on failure prints "isagen: PATH: reason" and returns
 * false. */
bool ig_out_open(struct ig_out *o, const char *path);
void ig_out_printf(struct ig_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Flushes, closes and renames over PATH; false (after a message) on any I/O error. */
bool ig_out_close(struct ig_out *o);

/* Text from the table, made safe for where it lands: */
void ig_out_c_string(struct ig_out *o, const char *s); /* "..." with escapes */
void ig_out_comment(struct ig_out *o, const char *s);  /* no "*" "/", no control bytes */
void ig_out_md(struct ig_out *o, const char *s);       /* '|' escaped for table cells */

/* Comment text word-wrapped at IG_OUT_WRAP columns: the cursor is at column col, and each
 * new line starts with cont (e.g. " * "). */
#define IG_OUT_WRAP 96
void ig_out_comment_wrapped(struct ig_out *o, const char *s, size_t col, const char *cont);

#endif
