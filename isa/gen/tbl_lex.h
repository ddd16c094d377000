/* Line tokenizer shared by the table generators (isa.tbl, regs.tbl, *.preset).
 *
 * A table is a sequence of lines; '#' starts a comment (outside quotes). Each line splits
 * into tokens: bare words (letters, digits, '_', '.', ':', '-', '|', '+'), quoted strings
 * ("..." with \" and \\ escapes) and key=value pairs, which are returned as three tokens
 * (word, '=' and word/string). Every token remembers its line and column so that a
 * generator can refuse input with "file:line:col: message".
 */
#ifndef DPU_TBL_LEX_H
#define DPU_TBL_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tbl_tok_kind { TBL_WORD, TBL_STRING, TBL_EQUALS };

struct tbl_tok {
    enum tbl_tok_kind kind;
    char *text; /* NUL-terminated; for strings, the unescaped contents */
    int line, col;
};

struct tbl_line {
    int line;
    size_t ntok;
    struct tbl_tok *tok;
};

struct tbl_file {
    const char *path;
    size_t nlines; /* non-empty lines only */
    struct tbl_line *lines;
};

/* Reads and tokenizes path. On failure prints "path:line:col: message" to stderr and
 * returns false. The caller frees the result with tbl_free(). */
bool tbl_load(const char *path, struct tbl_file *out);
/* Tokenizes an in-memory text (path is used in messages only). */
bool tbl_parse(const char *path, const char *text, size_t len, struct tbl_file *out);
void tbl_free(struct tbl_file *f);

/* Prints "path:line:col: error: message\n" to stderr. Always returns false. */
bool tbl_error(const struct tbl_file *f, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Parses a decimal, 0x hexadecimal or 0b binary integer with optional leading '-'. Returns
 * false (without printing) when the token is not such a number or does not fit int64. */
bool tbl_parse_int(const char *text, int64_t *value);

#endif
