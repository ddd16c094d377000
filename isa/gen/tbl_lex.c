#include "tbl_lex.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool tbl_error(const struct tbl_file *f, int line, int col, const char *fmt, ...)
{
    va_list ap;
    if (line > 0)
        fprintf(stderr, "%s:%d:%d: error: ", f->path, line, col);
    else /* about the whole file (cannot open it, too large) */
        fprintf(stderr, "%s: error: ", f->path);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return false;
}

static bool is_word_char(int c)
{
    return isalnum(c) || c == '_' || c == '.' || c == ':' || c == '-' || c == '|' || c == '+';
}

static bool push_tok(struct tbl_line *ln, enum tbl_tok_kind kind, const char *text, size_t len,
                     int line, int col)
{
    struct tbl_tok *nt = realloc(ln->tok, (ln->ntok + 1) * sizeof *nt);
    if (!nt)
        return false;
    ln->tok = nt;
    char *copy = malloc(len + 1);
    if (!copy)
        return false;
    memcpy(copy, text, len);
    copy[len] = '\0';
    nt[ln->ntok++] = (struct tbl_tok){kind, copy, line, col};
    return true;
}

static void free_line(struct tbl_line *ln)
{
    for (size_t i = 0; i < ln->ntok; i++)
        free(ln->tok[i].text);
    free(ln->tok);
}

/* Tokenizes one line [s, s+n). Returns false after printing an error. */
static bool lex_line(struct tbl_file *f, const char *s, size_t n, int line, struct tbl_line *ln)
{
    size_t i = 0;
    while (i < n) {
        int c = (unsigned char)s[i];
        int col = (int)i + 1;
        if (c == '#')
            break;
        if (c == ' ' || c == '\t' || c == '\r') {
            i++;
        } else if (c == '=') {
            if (!push_tok(ln, TBL_EQUALS, "=", 1, line, col))
                return tbl_error(f, line, col, "out of memory");
            i++;
        } else if (c == '"') {
            char *buf = malloc(n - i + 1);
            size_t len = 0;
            if (!buf)
                return tbl_error(f, line, col, "out of memory");
            i++;
            for (;;) {
                if (i >= n) {
                    free(buf);
                    return tbl_error(f, line, col, "unterminated string");
                }
                if (s[i] == '"') {
                    i++;
                    break;
                }
                if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '"' || s[i + 1] == '\\'))
                    i++;
                buf[len++] = s[i++];
            }
            bool ok = push_tok(ln, TBL_STRING, buf, len, line, col);
            free(buf);
            if (!ok)
                return tbl_error(f, line, col, "out of memory");
        } else if (is_word_char(c)) {
            size_t start = i;
            while (i < n && is_word_char((unsigned char)s[i]))
                i++;
            if (!push_tok(ln, TBL_WORD, s + start, i - start, line, col))
                return tbl_error(f, line, col, "out of memory");
        } else if (isprint(c)) {
            return tbl_error(f, line, col, "unexpected character '%c'", c);
        } else {
            return tbl_error(f, line, col, "unexpected byte 0x%02x", c);
        }
    }
    return true;
}

bool tbl_parse(const char *path, const char *text, size_t len, struct tbl_file *out)
{
    memset(out, 0, sizeof *out);
    out->path = path;
    size_t pos = 0;
    int line = 1;
    while (pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        struct tbl_line ln = {line, 0, NULL};
        if (memchr(text + pos, '\0', end - pos)) {
            tbl_free(out);
            out->path = path;
            return tbl_error(out, line, 1, "NUL byte in text");
        }
        if (!lex_line(out, text + pos, end - pos, line, &ln)) {
            free_line(&ln);
            tbl_free(out);
            return false;
        }
        if (ln.ntok) {
            struct tbl_line *nl = realloc(out->lines, (out->nlines + 1) * sizeof *nl);
            if (!nl) {
                free_line(&ln);
                tbl_free(out);
                return tbl_error(out, line, 1, "out of memory");
            }
            out->lines = nl;
            out->lines[out->nlines++] = ln;
        }
        pos = end + 1;
        line++;
    }
    return true;
}

bool tbl_load(const char *path, struct tbl_file *out)
{
    memset(out, 0, sizeof *out);
    out->path = path;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return tbl_error(out, 0, 0, "cannot open: %s", strerror(errno));
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (len < cap)
            break;
        if (cap >= (1u << 26)) { /* no table is anywhere near 64 MiB */
            free(buf);
            fclose(fp);
            return tbl_error(out, 0, 0, "file too large");
        }
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    fclose(fp);
    if (!buf)
        return tbl_error(out, 0, 0, "out of memory");
    bool ok = tbl_parse(path, buf, len, out);
    free(buf);
    return ok;
}

void tbl_free(struct tbl_file *f)
{
    for (size_t i = 0; i < f->nlines; i++)
        free_line(&f->lines[i]);
    free(f->lines);
    f->lines = NULL;
    f->nlines = 0;
}

bool tbl_parse_int(const char *text, int64_t *value)
{
    const char *p = text;
    bool neg = false;
    if (*p == '-') {
        neg = true;
        p++;
    }
    int base = 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    } else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
        base = 2;
        p += 2;
    }
    if (!*p)
        return false;
    uint64_t v = 0;
    for (; *p; p++) {
        int digit;
        if (*p >= '0' && *p <= '9')
            digit = *p - '0';
        else if (*p >= 'a' && *p <= 'f')
            digit = *p - 'a' + 10;
        else if (*p >= 'A' && *p <= 'F')
            digit = *p - 'A' + 10;
        else
            return false;
        if (digit >= base)
            return false;
        if (v > (UINT64_MAX - (uint64_t)digit) / (uint64_t)base)
            return false;
        v = v * (uint64_t)base + (uint64_t)digit;
    }
    /* Hex/binary literals may spell any 64-bit pattern (e.g. 0xFFFF...); decimals must fit. */
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1)
            return false;
        *value = (int64_t)(0 - v);
    } else {
        if (base == 10 && v > (uint64_t)INT64_MAX)
            return false;
        *value = (int64_t)v;
    }
    return true;
}
