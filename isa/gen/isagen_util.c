/* isagen: small helpers shared by the parser, the checks and the emitters. */
#include "isagen_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ig_report(const struct tbl_file *f, int *errors, struct ig_pos pos, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tbl_error(f, pos.line, pos.col, "%s", msg);
    (*errors)++;
}

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int ascii_upper(int c)
{
    return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

bool ig_same_name(const char *a, const char *b)
{
    for (; *a && ascii_lower((unsigned char)*a) == ascii_lower((unsigned char)*b); a++, b++)
        ;
    return ascii_lower((unsigned char)*a) == ascii_lower((unsigned char)*b);
}

int ig_find_enum(const struct ig_model *m, const char *name)
{
    for (size_t i = 0; i < m->nenums; i++)
        if (ig_same_name(m->enums[i].name, name))
            return (int)i;
    return -1;
}

const char *ig_type_text(const struct ig_field *fd, char *buf)
{
    switch (fd->kind) {
    case IG_U:
        return strcpy(buf, "u");
    case IG_S:
        return strcpy(buf, "s");
    case IG_ENUM:
        snprintf(buf, IG_IDENT_BUF, "enum:%s", fd->type_name);
        return buf;
    case IG_FLAGS:
        snprintf(buf, IG_IDENT_BUF, "flags:%s", fd->type_name);
        return buf;
    }
    return strcpy(buf, "?");
}

/* Names are checked to be at most IG_NAME_MAX bytes long, far below IG_IDENT_BUF. */
const char *ig_upper(const char *s, char *buf)
{
    size_t i = 0;
    for (; s[i] && i + 1 < IG_IDENT_BUF; i++)
        buf[i] = (char)ascii_upper((unsigned char)s[i]);
    buf[i] = '\0';
    return buf;
}

const char *ig_lower(const char *s, char *buf)
{
    size_t i = 0;
    for (; s[i] && i + 1 < IG_IDENT_BUF; i++)
        buf[i] = (char)ascii_lower((unsigned char)s[i]);
    buf[i] = '\0';
    return buf;
}

/* "act_row_stride" -> "ActRowStride", "DWCONV" -> "Dwconv": each '_'-separated part starts
 * upper-case, the rest lower-case (lowRISC parameter style). */
const char *ig_camel(const char *s, char *buf)
{
    size_t n = 0;
    bool start = true;
    for (; *s && n + 1 < IG_IDENT_BUF; s++) {
        if (*s == '_') {
            start = true;
            continue;
        }
        buf[n++] = (char)(start ? ascii_upper((unsigned char)*s) : ascii_lower((unsigned char)*s));
        start = false;
    }
    buf[n] = '\0';
    return buf;
}

const char *ig_engine_text(const struct ig_model *m, int engine)
{
    if (engine == IG_ENGINE_CTRL || m->engine_enum < 0)
        return "CTRL";
    const struct ig_enum *e = &m->enums[m->engine_enum];
    for (size_t k = 0; k < e->nvals; k++)
        if (e->vals[k].value == engine)
            return e->vals[k].name;
    return "?";
}
