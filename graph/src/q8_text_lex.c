/* Tokenizer of the text model.q8 (see q8_text_lex.h). It never reads past len: the text
 * need not be NUL-terminated, and a NUL byte inside it is an error. */
#include "q8_text_lex.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "q8_text.h"

void q8_lex_init(struct q8_lexer *lx, const char *path, const char *text, size_t len,
                 struct dpu_diag *d)
{
    memset(lx, 0, sizeof *lx);
    lx->path = path;
    lx->s = text;
    lx->len = len;
    lx->line = lx->col = 1;
    lx->d = d;
}

void q8_lex_free(struct q8_lexer *lx)
{
    free(lx->str);
    lx->str = NULL;
}

int q8_lex_fail(struct q8_lexer *lx, int err, const char *fmt, ...)
{
    char msg[sizeof lx->d->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return dpu_diag_set(lx->d, err, "%s:%d:%d: %s", lx->path, lx->tline, lx->tcol, msg);
}

static void printable(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0, max = cap - 4;
    for (size_t i = 0; i < n && k < max; i++)
        out[k++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    if (n > max) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k] = '\0';
}

const char *q8_lex_describe(const struct q8_lexer *lx, char buf[Q8_TOKDESC_MAX])
{
    char inner[Q8_TOKDESC_MAX - 12]; /* room for the quoting around it */
    switch (lx->tok) {
    case TK_EOF:
        return strcpy(buf, "end of file");
    case TK_NEWLINE:
        return strcpy(buf, "end of line");
    case TK_STRING:
        printable(lx->str, lx->str_len, inner, sizeof inner);
        snprintf(buf, Q8_TOKDESC_MAX, "string \"%s\"", inner);
        return buf;
    case TK_HEX:
        return strcpy(buf, "<data>");
    default:
        printable(lx->text, lx->n, inner, sizeof inner);
        snprintf(buf, Q8_TOKDESC_MAX, "'%s'", inner);
        return buf;
    }
}

int q8_lex_is_word(const struct q8_lexer *lx, const char *w)
{
    size_t n = strlen(w);
    return lx->tok == TK_WORD && lx->n == n && memcmp(lx->text, w, n) == 0;
}

static void advance(struct q8_lexer *lx)
{
    if (lx->s[lx->pos] == '\n') {
        lx->line++;
        lx->col = 1;
    } else {
        lx->col++;
    }
    lx->pos++;
}

static int str_push(struct q8_lexer *lx, char c)
{
    if (lx->str_len + 1 >= lx->str_cap) {
        size_t cap = lx->str_cap ? lx->str_cap * 2 : 64;
        char *ns = realloc(lx->str, cap);
        if (!ns)
            return q8_lex_fail(lx, DPU_E_NOMEM, "out of memory");
        lx->str = ns;
        lx->str_cap = cap;
    }
    lx->str[lx->str_len++] = c;
    lx->str[lx->str_len] = '\0';
    return DPU_OK;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* At the opening quote. */
static int lex_string(struct q8_lexer *lx)
{
    lx->str_len = 0;
    int err = str_push(lx, 'x'); /* make sure lx->str exists, then empty it */
    if (err)
        return err;
    lx->str_len = 0;
    lx->str[0] = '\0';
    advance(lx);
    for (;;) {
        if (lx->pos >= lx->len || lx->s[lx->pos] == '\n')
            return q8_lex_fail(lx, DPU_E_PARSE, "string is not closed before the end of the %s",
                               lx->pos >= lx->len ? "file" : "line");
        unsigned char c = (unsigned char)lx->s[lx->pos];
        if (c == '"') {
            advance(lx);
            return DPU_OK;
        }
        if (c < 0x20 && c != '\t')
            return q8_lex_fail(lx, DPU_E_PARSE,
                               "control byte 0x%02x inside a string at column %d (write it as "
                               "\\x%02x)",
                               c, lx->col, c);
        if (c != '\\') {
            if ((err = str_push(lx, (char)c)))
                return err;
            advance(lx);
            continue;
        }
        int col = lx->col;
        char e = lx->pos + 1 < lx->len ? lx->s[lx->pos + 1] : '\0';
        char out;
        size_t used = 2;
        if (e == '"' || e == '\\')
            out = e;
        else if (e == 'n')
            out = '\n';
        else if (e == 't')
            out = '\t';
        else if (e == 'x' && lx->pos + 3 < lx->len && hexval(lx->s[lx->pos + 2]) >= 0 &&
                 hexval(lx->s[lx->pos + 3]) >= 0) {
            out = (char)(hexval(lx->s[lx->pos + 2]) * 16 + hexval(lx->s[lx->pos + 3]));
            used = 4;
            if (out == '\0')
                return q8_lex_fail(lx, DPU_E_PARSE, "\\x00 at column %d: strings cannot hold NUL",
                                   col);
        } else
            return q8_lex_fail(lx, DPU_E_PARSE,
                               "unknown escape at column %d (use \\\" \\\\ \\n \\t or \\xHH)", col);
        if ((err = str_push(lx, out)))
            return err;
        for (size_t i = 0; i < used; i++)
            advance(lx);
    }
}

/* At '<'. */
static int lex_hex(struct q8_lexer *lx)
{
    advance(lx);
    lx->text = lx->s + lx->pos;
    while (lx->pos < lx->len && hexval(lx->s[lx->pos]) >= 0)
        advance(lx);
    lx->n = (size_t)(lx->s + lx->pos - lx->text);
    if (lx->pos >= lx->len || lx->s[lx->pos] != '>') {
        char c = lx->pos < lx->len ? lx->s[lx->pos] : '\0';
        if (lx->pos >= lx->len || c == '\n')
            return q8_lex_fail(lx, DPU_E_PARSE,
                               "data is not closed with '>' before the end of "
                               "the %s",
                               lx->pos >= lx->len ? "file" : "line");
        return q8_lex_fail(lx, DPU_E_PARSE, "byte 0x%02x at column %d is not a hex digit in data",
                           (unsigned char)c, lx->col);
    }
    advance(lx);
    if (lx->n % 2)
        return q8_lex_fail(lx, DPU_E_PARSE, "data has an odd number (%zu) of hex digits", lx->n);
    return DPU_OK;
}

int q8_lex_next(struct q8_lexer *lx)
{
    for (;;) {
        if (lx->pos >= lx->len)
            break;
        char c = lx->s[lx->pos];
        if (c == ' ' || c == '\t' || c == '\r') {
            advance(lx);
        } else if (c == '#') {
            while (lx->pos < lx->len && lx->s[lx->pos] != '\n')
                advance(lx);
        } else {
            break;
        }
    }
    lx->tline = lx->line;
    lx->tcol = lx->col;
    lx->text = lx->s + lx->pos;
    lx->n = 1;
    if (lx->pos >= lx->len) {
        lx->tok = TK_EOF;
        lx->n = 0;
        return DPU_OK;
    }
    unsigned char c = (unsigned char)lx->s[lx->pos];
    switch (c) {
    case '\n':
        lx->tok = TK_NEWLINE;
        advance(lx);
        return DPU_OK;
    case '[':
        lx->tok = TK_LBRACK;
        advance(lx);
        return DPU_OK;
    case ']':
        lx->tok = TK_RBRACK;
        advance(lx);
        return DPU_OK;
    case ',':
        lx->tok = TK_COMMA;
        advance(lx);
        return DPU_OK;
    case '=':
        lx->tok = TK_EQ;
        advance(lx);
        return DPU_OK;
    case '"':
        lx->tok = TK_STRING;
        return lex_string(lx);
    case '<':
        lx->tok = TK_HEX;
        return lex_hex(lx);
    default:
        break;
    }
    if (q8_text_word_char(c)) {
        lx->tok = TK_WORD;
        while (lx->pos < lx->len && q8_text_word_char((unsigned char)lx->s[lx->pos]))
            advance(lx);
        lx->n = (size_t)(lx->s + lx->pos - lx->text);
        return DPU_OK;
    }
    lx->tok = TK_EOF; /* not a token: describe nothing */
    if (c >= 0x21 && c < 0x7f)
        return q8_lex_fail(lx, DPU_E_PARSE, "unexpected character '%c'", c);
    return q8_lex_fail(lx, DPU_E_PARSE, "unexpected byte 0x%02x", c);
}
