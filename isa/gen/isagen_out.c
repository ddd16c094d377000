/* isagen: writing one generated file (see isagen_out.h). */
#include "isagen_out.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool ig_out_open(struct ig_out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    /* PATH.tmp.PID: two runs at once (e.g. a parallel build) never share a temporary. */
    size_t n = strlen(path), tn = n + 32;
    o->path = malloc(n + 1);
    o->tmp = malloc(tn);
    if (!o->path || !o->tmp) {
        fprintf(stderr, "isagen: %s: out of memory\n", path);
        free(o->path);
        free(o->tmp);
        return false;
    }
    memcpy(o->path, path, n + 1);
    snprintf(o->tmp, tn, "%s.tmp.%ld", path, (long)getpid());
    o->f = fopen(o->tmp, "wb");
    if (!o->f) {
        fprintf(stderr, "isagen: cannot write %s: %s\n", path, strerror(errno));
        free(o->path);
        free(o->tmp);
        return false;
    }
    return true;
}

void ig_out_printf(struct ig_out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(o->f, fmt, ap); /* errors stick in ferror(), checked once by ig_out_close */
    va_end(ap);
}

bool ig_out_close(struct ig_out *o)
{
    bool ok = !ferror(o->f);
    int err = errno;
    if (fclose(o->f) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (ok && rename(o->tmp, o->path) != 0) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        fprintf(stderr, "isagen: cannot write %s: %s\n", o->path, strerror(err));
        remove(o->tmp);
    }
    free(o->path);
    free(o->tmp);
    return ok;
}

void ig_out_c_string(struct ig_out *o, const char *s)
{
    fputc('"', o->f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(o->f, "\\%c", *p);
        else if (*p == '?' && p[1] == '?')
            fputs("?\\", o->f); /* no trigraphs: ?? becomes ?\? */
        else if (*p < 0x20 || *p >= 0x7f)
            fprintf(o->f, "\\%03o", *p); /* three digits: a following digit stays itself */
        else
            fputc(*p, o->f);
    }
    fputc('"', o->f);
}

void ig_out_comment(struct ig_out *o, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p == '*' && p[1] == '/') || (*p == '/' && p[1] == '*'))
            fprintf(o->f, "%c ", *p); /* would close or nest a C comment (-Wcomment) */
        else if (*p < 0x20 || *p == 0x7f)
            fputc(' ', o->f);
        else
            fputc(*p, o->f);
    }
}

void ig_out_md(struct ig_out *o, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '|')
            fputs("\\|", o->f);
        else if (*p < 0x20 || *p == 0x7f)
            fputc(' ', o->f);
        else
            fputc(*p, o->f);
    }
}

void ig_out_comment_wrapped(struct ig_out *o, const char *s, size_t col, const char *cont)
{
    size_t cont_len = strlen(cont);
    bool first = true;
    while (*s) {
        while (*s == ' ')
            s++;
        size_t len = strcspn(s, " ");
        if (!len)
            break;
        if (!first && col + 1 + len > IG_OUT_WRAP && col > cont_len) {
            ig_out_printf(o, "\n%s", cont);
            col = cont_len;
        } else if (!first) {
            fputc(' ', o->f);
            col++;
        }
        char word[1024];
        size_t n = len < sizeof word - 1 ? len : sizeof word - 1;
        memcpy(word, s, n);
        word[n] = '\0';
        ig_out_comment(o, word);
        col += len;
        s += len;
        first = false;
    }
}
