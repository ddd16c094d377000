/* The strict JSON parser and the trace-event rules (json_check.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"

struct jp {
    const char *s;
    size_t len, pos;
    char *why;
    size_t cap;
    int depth;
};

static int fail(struct jp *p, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(p->why, p->cap, "byte %zu: %s", p->pos, msg);
    return -1;
}

static void ws(struct jp *p)
{
    while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]) && p->s[p->pos])
        p->pos++;
}

static int peek(struct jp *p)
{
    return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static int hex4(struct jp *p, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        int c = peek(p);
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return fail(p, "bad \\u escape");
        *v = *v * 16 + (unsigned)d;
        p->pos++;
    }
    return 0;
}

static void put_utf8(char *buf, size_t *n, unsigned cp)
{
    if (cp < 0x80) {
        buf[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        buf[(*n)++] = (char)(0xc0 | cp >> 6);
        buf[(*n)++] = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        buf[(*n)++] = (char)(0xe0 | cp >> 12);
        buf[(*n)++] = (char)(0x80 | (cp >> 6 & 0x3f));
        buf[(*n)++] = (char)(0x80 | (cp & 0x3f));
    } else {
        buf[(*n)++] = (char)(0xf0 | cp >> 18);
        buf[(*n)++] = (char)(0x80 | (cp >> 12 & 0x3f));
        buf[(*n)++] = (char)(0x80 | (cp >> 6 & 0x3f));
        buf[(*n)++] = (char)(0x80 | (cp & 0x3f));
    }
}

static int string(struct jp *p, char **out)
{
    p->pos++; /* the opening quote */
    size_t start = p->pos;
    /* The decoded string is never longer than its source. */
    size_t end = start;
    while (end < p->len && p->s[end] != '"')
        end += p->s[end] == '\\' ? 2 : 1;
    char *buf = malloc(end - start + 1);
    if (!buf)
        return fail(p, "out of memory");
    size_t n = 0;
    for (;;) {
        int c = peek(p);
        if (c < 0) {
            free(buf);
            return fail(p, "unterminated string");
        }
        if (c < 0x20) {
            free(buf);
            return fail(p, "control character 0x%02x in a string", c);
        }
        p->pos++;
        if (c == '"')
            break;
        if (c != '\\') {
            buf[n++] = (char)c;
            continue;
        }
        c = peek(p);
        p->pos++;
        const char *esc = strchr("\"\\/bfnrt", c > 0 ? c : 'x');
        if (c > 0 && esc) {
            static const char map[] = "\"\\/\b\f\n\r\t";
            buf[n++] = map[esc - "\"\\/bfnrt"];
        } else if (c == 'u') {
            unsigned cp;
            if (hex4(p, &cp)) {
                free(buf);
                return -1;
            }
            if (cp >= 0xd800 && cp < 0xdc00) {
                unsigned lo;
                if (peek(p) != '\\' || (p->pos++, peek(p) != 'u') || (p->pos++, hex4(p, &lo)) ||
                    lo < 0xdc00 || lo >= 0xe000) {
                    free(buf);
                    return fail(p, "unpaired surrogate");
                }
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            } else if (cp >= 0xdc00 && cp < 0xe000) {
                free(buf);
                return fail(p, "unpaired surrogate");
            }
            if (cp == 0) {
                free(buf);
                return fail(p, "\\u0000 in a string");
            }
            put_utf8(buf, &n, cp);
        } else {
            free(buf);
            return fail(p, "bad escape");
        }
    }
    buf[n] = '\0';
    *out = buf;
    return 0;
}

static int number(struct jp *p, double *v)
{
    size_t start = p->pos;
    if (peek(p) == '-')
        p->pos++;
    if (peek(p) == '0') {
        p->pos++;
    } else if (peek(p) >= '1' && peek(p) <= '9') {
        while (peek(p) >= '0' && peek(p) <= '9')
            p->pos++;
    } else {
        return fail(p, "bad number");
    }
    if (peek(p) == '.') {
        p->pos++;
        if (!(peek(p) >= '0' && peek(p) <= '9'))
            return fail(p, "digits must follow the decimal point");
        while (peek(p) >= '0' && peek(p) <= '9')
            p->pos++;
    }
    if (peek(p) == 'e' || peek(p) == 'E') {
        p->pos++;
        if (peek(p) == '+' || peek(p) == '-')
            p->pos++;
        if (!(peek(p) >= '0' && peek(p) <= '9'))
            return fail(p, "digits must follow the exponent");
        while (peek(p) >= '0' && peek(p) <= '9')
            p->pos++;
    }
    char tmp[64];
    size_t n = p->pos - start;
    if (n >= sizeof tmp)
        n = sizeof tmp - 1;
    memcpy(tmp, p->s + start, n);
    tmp[n] = '\0';
    *v = strtod(tmp, NULL);
    return 0;
}

static int value(struct jp *p, struct jv *v);

static int push(struct jp *p, struct jv *v, const struct jv *item, char *key)
{
    struct jv *items = realloc(v->items, (v->n + 1) * sizeof *items);
    if (!items)
        return fail(p, "out of memory");
    v->items = items;
    if (v->type == J_OBJ) {
        char **keys = realloc(v->keys, (v->n + 1) * sizeof *keys);
        if (!keys)
            return fail(p, "out of memory");
        v->keys = keys;
        keys[v->n] = key;
    }
    items[v->n++] = *item;
    return 0;
}

static int container(struct jp *p, struct jv *v, bool obj)
{
    v->type = obj ? J_OBJ : J_ARR;
    if (++p->depth > 256)
        return fail(p, "nested too deeply");
    p->pos++;
    ws(p);
    if (peek(p) == (obj ? '}' : ']')) {
        p->pos++;
        p->depth--;
        return 0;
    }
    for (;;) {
        char *key = NULL;
        ws(p);
        if (obj) {
            if (peek(p) != '"')
                return fail(p, "expected a member name");
            if (string(p, &key))
                return -1;
            ws(p);
            if (peek(p) != ':') {
                free(key);
                return fail(p, "expected ':'");
            }
            p->pos++;
        }
        struct jv item;
        if (value(p, &item)) {
            free(key);
            jv_free(&item);
            return -1;
        }
        if (push(p, v, &item, key)) {
            free(key);
            jv_free(&item);
            return -1;
        }
        ws(p);
        int c = peek(p);
        p->pos++;
        if (c == ',')
            continue;
        if (c == (obj ? '}' : ']'))
            break;
        p->pos--;
        return fail(p, "expected ',' or '%c'", obj ? '}' : ']');
    }
    p->depth--;
    return 0;
}

static int literal(struct jp *p, const char *word)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n))
        return fail(p, "unexpected character");
    p->pos += n;
    return 0;
}

static int value(struct jp *p, struct jv *v)
{
    memset(v, 0, sizeof *v);
    ws(p);
    int c = peek(p);
    switch (c) {
    case '{':
        return container(p, v, true);
    case '[':
        return container(p, v, false);
    case '"':
        v->type = J_STR;
        return string(p, &v->str);
    case 't':
        v->type = J_BOOL;
        v->b = true;
        return literal(p, "true");
    case 'f':
        v->type = J_BOOL;
        return literal(p, "false");
    case 'n':
        v->type = J_NULL;
        return literal(p, "null");
    default:
        if (c == '-' || (c >= '0' && c <= '9')) {
            v->type = J_NUM;
            return number(p, &v->num);
        }
        return c < 0 ? fail(p, "unexpected end of text") : fail(p, "unexpected character");
    }
}

int json_parse(const char *text, size_t len, struct jv *out, char *why, size_t cap)
{
    struct jp p = {text, len, 0, why, cap, 0};
    if (value(&p, out)) {
        jv_free(out);
        return -1;
    }
    ws(&p);
    if (p.pos != len) {
        jv_free(out);
        return fail(&p, "text after the JSON value");
    }
    return 0;
}

void jv_free(struct jv *v)
{
    for (size_t i = 0; i < v->n; i++) {
        jv_free(&v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->str);
    memset(v, 0, sizeof *v);
}

const struct jv *jv_get(const struct jv *o, const char *key)
{
    if (!o || o->type != J_OBJ)
        return NULL;
    for (size_t i = 0; i < o->n; i++)
        if (!strcmp(o->keys[i], key))
            return &o->items[i];
    return NULL;
}

/* ---- trace events --------------------------------------------------------------------- */

struct slice {
    double pid, tid, ts, end;
    size_t index;
};

static int cmp_slice(const void *a, const void *b)
{
    const struct slice *x = a, *y = b;
    if (x->pid != y->pid)
        return x->pid < y->pid ? -1 : 1;
    if (x->tid != y->tid)
        return x->tid < y->tid ? -1 : 1;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

static int bad(char *why, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, cap, fmt, ap);
    va_end(ap);
    return -1;
}

static const struct jv *num(const struct jv *e, const char *key)
{
    const struct jv *v = jv_get(e, key);
    return v && v->type == J_NUM ? v : NULL;
}

int trace_check(const struct jv *root, size_t *nslices, char *why, size_t cap)
{
    const struct jv *ev = root->type == J_ARR ? root : jv_get(root, "traceEvents");
    if (!ev || ev->type != J_ARR)
        return bad(why, cap, "no traceEvents array");
    struct slice *sl = calloc(ev->n + 1, sizeof *sl);
    struct slice *open = calloc(ev->n + 1, sizeof *open); /* B events waiting for their E */
    if (!sl || !open) {
        free(sl);
        free(open);
        return bad(why, cap, "out of memory");
    }
    size_t n = 0, nopen = 0;
    int rc = 0;
    for (size_t i = 0; i < ev->n && !rc; i++) {
        const struct jv *e = &ev->items[i];
        const struct jv *ph = jv_get(e, "ph");
        if (e->type != J_OBJ || !ph || ph->type != J_STR) {
            rc = bad(why, cap, "event %zu: not an object with a string ph", i);
            break;
        }
        const char *k = ph->str;
        if (!strcmp(k, "M"))
            continue;
        const struct jv *pid = num(e, "pid"), *tid = num(e, "tid"), *ts = num(e, "ts");
        if (!pid || !tid || !ts || ts->num < 0) {
            rc = bad(why, cap, "event %zu (%s): needs numeric pid, tid and ts >= 0", i, k);
            break;
        }
        if (!strcmp(k, "X")) {
            const struct jv *dur = num(e, "dur"), *name = jv_get(e, "name");
            if (!dur || dur->num < 0 || !name || name->type != J_STR) {
                rc = bad(why, cap, "event %zu: X needs a name and dur >= 0", i);
                break;
            }
            sl[n++] = (struct slice){pid->num, tid->num, ts->num, ts->num + dur->num, i};
        } else if (!strcmp(k, "B")) {
            open[nopen++] = (struct slice){pid->num, tid->num, ts->num, 0, i};
        } else if (!strcmp(k, "E")) {
            size_t j = nopen;
            while (j > 0 && !(open[j - 1].pid == pid->num && open[j - 1].tid == tid->num))
                j--;
            if (!j || ts->num < open[j - 1].ts) {
                rc = bad(why, cap, "event %zu: E without a matching earlier B", i);
                break;
            }
            struct slice s = open[j - 1];
            s.end = ts->num;
            sl[n++] = s;
            memmove(&open[j - 1], &open[j], (nopen - j) * sizeof *open);
            nopen--;
        } else if (strcmp(k, "i") && strcmp(k, "I") && strcmp(k, "C")) {
            rc = bad(why, cap, "event %zu: unexpected ph '%s'", i, k);
        }
    }
    if (!rc && nopen)
        rc = bad(why, cap, "event %zu: B never ended", open[0].index);
    if (!rc) {
        qsort(sl, n, sizeof *sl, cmp_slice);
        for (size_t i = 1; i < n; i++) {
            /* Timestamps are decimal microseconds: allow for their rounding in a double. */
            if (sl[i].pid == sl[i - 1].pid && sl[i].tid == sl[i - 1].tid &&
                sl[i].ts < sl[i - 1].end - 1e-6) {
                rc = bad(why, cap, "events %zu and %zu overlap on track (%g, %g)", sl[i - 1].index,
                         sl[i].index, sl[i].pid, sl[i].tid);
                break;
            }
        }
    }
    if (nslices)
        *nslices = n;
    free(sl);
    free(open);
    return rc;
}

char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        char *b = realloc(buf, 2 * cap + 1);
        if (!b) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = b;
        cap *= 2;
    }
    bool bad = ferror(f) != 0;
    fclose(f);
    if (!buf || bad) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}
