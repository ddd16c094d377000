#include "preset_out.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *gen_path_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *s = malloc(a + 1 + b + 1);
    if (!s)
        return NULL;
    memcpy(s, dir, a);
    s[a] = '/';
    memcpy(s + a + 1, name, b + 1);
    return s;
}

const char *gen_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

bool gen_out_open(struct gen_out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    size_t n = strlen(path);
    o->path = malloc(n + 1);
    o->tmp = malloc(n + 32);
    if (!o->path || !o->tmp) {
        free(o->path);
        free(o->tmp);
        fprintf(stderr, "%s: error: out of memory\n", path);
        return false;
    }
    memcpy(o->path, path, n + 1);
    /* The pid keeps two runs of the same command (make may start one per target that
     * depends on its outputs) from writing into one temporary file. */
    snprintf(o->tmp, n + 32, "%s.tmp.%ld", path, (long)getpid());
    o->fp = fopen(o->tmp, "w");
    if (!o->fp) {
        fprintf(stderr, "%s: error: cannot create: %s\n", o->tmp, strerror(errno));
        free(o->path);
        free(o->tmp);
        return false;
    }
    return true;
}

bool gen_out_close(struct gen_out *o)
{
    bool ok = !ferror(o->fp);
    if (fclose(o->fp) != 0)
        ok = false;
    if (!ok)
        fprintf(stderr, "%s: error: write failed\n", o->tmp);
    if (ok && rename(o->tmp, o->path) != 0) {
        fprintf(stderr, "%s: error: cannot rename to %s: %s\n", o->tmp, o->path, strerror(errno));
        ok = false;
    }
    if (!ok)
        remove(o->tmp);
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
    return ok;
}

void gen_put_c_string(FILE *fp, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(fp, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            fprintf(fp, "\\%03o", c); /* three digits: a following digit cannot join it */
        else
            fputc(c, fp);
    }
}

void gen_put_comment(FILE *fp, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            fputc(' ', fp);
        else if (c == '*' && s[1] == '/')
            fputs("* ", fp);
        else if (c == '/' && s[1] == '*')
            fputs("/ ", fp);
        else
            fputc(c, fp);
    }
}

void gen_put_md(FILE *fp, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '|' || c == '\\')
            fprintf(fp, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            fputc(' ', fp);
        else
            fputc(c, fp);
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
