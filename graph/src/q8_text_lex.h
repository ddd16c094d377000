/* The tokenizer of the text form of model.q8: words, quoted strings, <hex> data, [ ] , =,
 * end of line and end of file, with '#' comments and blanks skipped. Every token carries its
 * line and column so that errors read "path:line:col: ...". */
#ifndef DPU_Q8_TEXT_LEX_H
#define DPU_Q8_TEXT_LEX_H

#include <stddef.h>

#include "dpu/err.h"

enum q8_tok {
    TK_EOF,
    TK_NEWLINE,
    TK_WORD,   /* bare word: q8_text_word_char() characters */
    TK_STRING, /* "..." with its escapes decoded into lx->str */
    TK_HEX,    /* <...>: the digits between the brackets, an even number of them */
    TK_LBRACK,
    TK_RBRACK,
    TK_COMMA,
    TK_EQ,
};

struct q8_lexer {
    const char *path;
    const char *s;
    size_t len, pos;
    int line, col; /* of s[pos], 1-based */
    struct dpu_diag *d;
    /* the current token */
    enum q8_tok tok;
    const char *text; /* its characters in s (for TK_HEX: the digits only) */
    size_t n;
    int tline, tcol;
    char *str; /* TK_STRING: decoded, NUL-terminated, never holding a NUL itself */
    size_t str_len, str_cap;
};

void q8_lex_init(struct q8_lexer *lx, const char *path, const char *text, size_t len,
                 struct dpu_diag *d);
void q8_lex_free(struct q8_lexer *lx);

/* Advances to the next token; 0 or DPU_E_PARSE (reported in lx->d). */
int q8_lex_next(struct q8_lexer *lx);

/* Records "path:line:col: message" at the current token and returns err. */
int q8_lex_fail(struct q8_lexer *lx, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The current token for a message: "'conv1'", "'['", "end of line", "end of file". */
#define Q8_TOKDESC_MAX 64
const char *q8_lex_describe(const struct q8_lexer *lx, char buf[Q8_TOKDESC_MAX]);

/* True when the current token is the word w. */
int q8_lex_is_word(const struct q8_lexer *lx, const char *w);

#endif
