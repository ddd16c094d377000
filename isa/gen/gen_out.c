/* Output helpers shared by the table generators (see gen_out.h). */
#include "gen_out.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- Generated files ---- */

bool gen_out_open(struct gen_out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    size_t n = strlen(path), tn = n + 32;
    o->path = malloc(n + 1);
    o->tmp = malloc(tn);
    if (!o->path || !o->tmp) {
        fprintf(stderr, "%s: error: out of memory\n", path);
        free(o->path);
        free(o->tmp);
        return false;
    }
    memcpy(o->path, path, n + 1);
    snprintf(o->tmp, tn, "%s.tmp.%ld", path, (long)getpid());
    o->fp = fopen(o->tmp, "wb");
    if (!o->fp) {
        fprintf(stderr, "%s: error: cannot write: %s\n", path, strerror(errno));
        free(o->path);
        free(o->tmp);
        return false;
    }
    return true;
}

bool gen_out_open_in(struct gen_out *o, const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *path = malloc(a + 1 + b + 1);
    if (!path) {
        fprintf(stderr, "%s: error: out of memory\n", dir);
        return false;
    }
    memcpy(path, dir, a);
    path[a] = '/';
    memcpy(path + a + 1, name, b + 1);
    bool ok = gen_out_open(o, path);
    free(path);
    return ok;
}

void gen_out_printf(struct gen_out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(o->fp, fmt, ap);
    va_end(ap);
}

bool gen_out_close(struct gen_out *o)
{
    bool ok = !ferror(o->fp);
    int err = errno;
    if (fclose(o->fp) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (ok && rename(o->tmp, o->path) != 0) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        fprintf(stderr, "%s: error: cannot write: %s\n", o->path, strerror(err));
        remove(o->tmp);
    }
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
    return ok;
}

const char *gen_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* ---- Text from a table ---- */

void gen_put_c_string(FILE *fp, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(fp, "\\%c", *p);
        else if (*p == '?' && p[1] == '?')
            fputs("?\\", fp); /* ?? becomes ?\? */
        else if (*p < 0x20 || *p >= 0x7f)
            fprintf(fp, "\\%03o", *p); /* three digits: a following digit cannot join it */
        else
            fputc(*p, fp);
    }
}

/* The first n bytes of s as comment text. */
static void put_comment_n(FILE *fp, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n; i++) {
        unsigned char next = i + 1 < n ? p[i + 1] : '\0';
        if ((p[i] == '*' && next == '/') || (p[i] == '/' && next == '*'))
            fprintf(fp, "%c ", p[i]);
        else if (p[i] < 0x20 || p[i] == 0x7f)
            fputc(' ', fp);
        else
            fputc(p[i], fp);
    }
}

void gen_put_comment(FILE *fp, const char *s)
{
    put_comment_n(fp, s, strlen(s));
}

void gen_put_comment_wrapped(FILE *fp, const char *s, size_t col, const char *cont)
{
    size_t cont_len = strlen(cont);
    bool first = true;
    for (;;) {
        s += strspn(s, " ");
        size_t len = strcspn(s, " ");
        if (!len)
            break;
        if (!first && col + 1 + len > GEN_WRAP_COLUMNS && col > cont_len) {
            fprintf(fp, "\n%s", cont);
            col = cont_len;
        } else if (!first) {
            fputc(' ', fp);
            col++;
        }
        put_comment_n(fp, s, len);
        col += len;
        s += len;
        first = false;
    }
}

void gen_put_md(FILE *fp, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '|' || *p == '\\')
            fprintf(fp, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            fputc(' ', fp);
        else
            fputc(*p, fp);
    }
}

void gen_put_upper(FILE *fp, const char *s)
{
    for (; *s; s++)
        fputc((*s >= 'a' && *s <= 'z') ? *s - 'a' + 'A' : *s, fp);
}

void gen_put_camel(FILE *fp, const char *s)
{
    bool up = true;
    for (; *s; s++) {
        char c = *s;
        if (c == '_') {
            up = true;
            continue;
        }
        if (up && c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        else if (!up && c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        fputc(c, fp);
        up = false;
    }
}

/* ---- The command line ---- */

static bool parse_args(struct gen_cmdline *c, int argc, char **argv)
{
    for (size_t k = 0; k < c->nopts; k++)
        c->paths[k] = NULL;
    c->nargs = 0;
    for (int i = 1; i < argc; i++) {
        const char **dst = NULL;
        for (size_t k = 0; k < c->nopts && !dst; k++)
            if (strcmp(argv[i], c->options[k]) == 0)
                dst = &c->paths[k];
        if (dst) {
            if (i + 1 >= argc) {
                fprintf(stderr, "%s: error: %s needs an argument\n", c->prog, argv[i]);
                return false;
            }
            *dst = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1] == '-') {
            fprintf(stderr, "%s: error: unknown option '%s'\n", c->prog, argv[i]);
            return false;
        } else if (c->nargs == c->max_args) {
            fprintf(stderr, "%s: error: %s ('%s')\n", c->prog, c->too_many, argv[i]);
            return false;
        } else {
            c->args[c->nargs++] = argv[i];
        }
    }
    if (!c->nargs) {
        fprintf(stderr, "%s: error: %s\n", c->prog, c->none);
        return false;
    }
    return true;
}

bool gen_parse_args(struct gen_cmdline *c, int argc, char **argv)
{
    if (parse_args(c, argc, argv))
        return true;
    fprintf(stderr, "usage: %s\n", c->usage);
    return false;
}
