/* XML 1.0 well-formedness, enough for SVG files (json_check.h): one root element, matching
 * tags, quoted attributes without '<' and without duplicates, valid entity and character
 * references, comments, processing instructions and CDATA sections. No DTDs. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"

struct xp {
    const char *s;
    size_t len, pos;
    char *why;
    size_t cap;
};

static int fail(struct xp *p, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(p->why, p->cap, "byte %zu: %s", p->pos, msg);
    return -1;
}

static bool starts(const struct xp *p, const char *w)
{
    size_t n = strlen(w);
    return p->len - p->pos >= n && !memcmp(p->s + p->pos, w, n);
}

static bool name_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

static bool name_char(int c)
{
    return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static int peek(const struct xp *p)
{
    return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static void ws(struct xp *p)
{
    while (peek(p) == ' ' || peek(p) == '\t' || peek(p) == '\r' || peek(p) == '\n')
        p->pos++;
}

/* A name at pos; its extent in *at, *n. */
static int name(struct xp *p, size_t *at, size_t *n)
{
    if (!name_start(peek(p)))
        return fail(p, "expected a name");
    *at = p->pos;
    while (name_char(peek(p)))
        p->pos++;
    *n = p->pos - *at;
    return 0;
}

/* &...; at pos. */
static int reference(struct xp *p)
{
    static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    for (size_t i = 0; i < 5; i++) {
        if (starts(p, ents[i])) {
            p->pos += strlen(ents[i]);
            return 0;
        }
    }
    if (starts(p, "&#")) {
        bool hex = starts(p, "&#x");
        p->pos += hex ? 3 : 2;
        size_t d = 0;
        for (int c = peek(p); c > 0 && strchr(hex ? "0123456789abcdefABCDEF" : "0123456789", c);
             c = peek(p))
            p->pos++, d++;
        if (!d || peek(p) != ';')
            return fail(p, "bad character reference");
        p->pos++;
        return 0;
    }
    return fail(p, "undefined entity reference");
}

/* Character data up to the next '<' (or the end). */
static int text(struct xp *p, bool *nonblank)
{
    while (p->pos < p->len && p->s[p->pos] != '<') {
        int c = peek(p);
        if (c == '&') {
            if (reference(p))
                return -1;
            *nonblank = true;
            continue;
        }
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            return fail(p, "control character 0x%02x", c);
        if (starts(p, "]]>"))
            return fail(p, "']]>' in text");
        if (!strchr(" \t\r\n", c))
            *nonblank = true;
        p->pos++;
    }
    return 0;
}

static int skip_to(struct xp *p, const char *end, const char *what)
{
    const char *e = NULL;
    size_t n = strlen(end);
    for (size_t i = p->pos; i + n <= p->len; i++) {
        if (!memcmp(p->s + i, end, n)) {
            e = p->s + i;
            break;
        }
    }
    if (!e)
        return fail(p, "unterminated %s", what);
    p->pos = (size_t)(e - p->s) + n;
    return 0;
}

/* Comment, PI or CDATA at pos (after '<'); 1 if none of them. */
static int misc(struct xp *p)
{
    if (starts(p, "<!--")) {
        p->pos += 4;
        size_t at = p->pos;
        if (skip_to(p, "-->", "comment"))
            return -1;
        for (size_t i = at; i + 3 < p->pos; i++)
            if (p->s[i] == '-' && p->s[i + 1] == '-')
                return fail(p, "'--' inside a comment");
        return 0;
    }
    if (starts(p, "<?")) {
        p->pos += 2;
        return skip_to(p, "?>", "processing instruction");
    }
    if (starts(p, "<![CDATA["))
        return 1;
    if (starts(p, "<!"))
        return fail(p, "DTDs and declarations are not supported");
    return 1;
}

struct open_tag {
    size_t at, n;
};

static int element_tree(struct xp *p, const char *root, struct open_tag *stack, size_t max)
{
    size_t depth = 0;
    bool done = false;
    for (;;) {
        bool nonblank = false;
        if (text(p, &nonblank))
            return -1;
        if (nonblank && depth == 0)
            return fail(p, "text outside the root element");
        if (p->pos >= p->len)
            break;
        int m = misc(p);
        if (m < 0)
            return -1;
        if (m == 0)
            continue;
        if (starts(p, "<![CDATA[")) {
            if (!depth)
                return fail(p, "CDATA outside the root element");
            p->pos += 9;
            if (skip_to(p, "]]>", "CDATA section"))
                return -1;
            continue;
        }
        if (starts(p, "</")) {
            p->pos += 2;
            size_t at, n;
            if (name(p, &at, &n))
                return -1;
            ws(p);
            if (peek(p) != '>')
                return fail(p, "expected '>'");
            p->pos++;
            if (!depth || stack[depth - 1].n != n ||
                memcmp(p->s + stack[depth - 1].at, p->s + at, n))
                return fail(p, "end tag </%.*s> does not match", (int)n, p->s + at);
            if (--depth == 0)
                done = true;
            continue;
        }
        /* a start tag */
        p->pos++;
        if (done)
            return fail(p, "a second root element");
        size_t at, n;
        if (name(p, &at, &n))
            return -1;
        if (depth == 0 && root && (strlen(root) != n || memcmp(root, p->s + at, n)))
            return fail(p, "the root element is <%.*s>, not <%s>", (int)n, p->s + at, root);
        size_t attr_at[256], attr_n[256], nattr = 0;
        for (;;) {
            size_t before = p->pos;
            ws(p);
            if (peek(p) == '>' || starts(p, "/>"))
                break;
            if (p->pos == before)
                return fail(p, "expected white space before an attribute");
            size_t a, an;
            if (name(p, &a, &an))
                return -1;
            for (size_t i = 0; i < nattr; i++)
                if (attr_n[i] == an && !memcmp(p->s + attr_at[i], p->s + a, an))
                    return fail(p, "duplicate attribute %.*s", (int)an, p->s + a);
            if (nattr < 256) {
                attr_at[nattr] = a;
                attr_n[nattr++] = an;
            }
            ws(p);
            if (peek(p) != '=')
                return fail(p, "expected '=' after attribute %.*s", (int)an, p->s + a);
            p->pos++;
            ws(p);
            int q = peek(p);
            if (q != '"' && q != '\'')
                return fail(p, "attribute value must be quoted");
            p->pos++;
            while (peek(p) != q) {
                int c = peek(p);
                if (c < 0)
                    return fail(p, "unterminated attribute value");
                if (c == '<')
                    return fail(p, "'<' in an attribute value");
                if (c == '&') {
                    if (reference(p))
                        return -1;
                    continue;
                }
                p->pos++;
            }
            p->pos++;
        }
        if (starts(p, "/>")) {
            p->pos += 2;
            if (depth == 0)
                done = true;
            continue;
        }
        p->pos++;
        if (depth == max)
            return fail(p, "elements nested too deeply");
        stack[depth++] = (struct open_tag){at, n};
    }
    if (depth)
        return fail(p, "element <%.*s> is never closed", (int)stack[depth - 1].n,
                    p->s + stack[depth - 1].at);
    if (!done)
        return fail(p, "no root element");
    return 0;
}

int xml_check(const char *text, size_t len, const char *root, char *why, size_t cap)
{
    struct xp p = {text, len, 0, why, cap};
    if (memchr(text, '\0', len))
        return fail(&p, "NUL byte in the text");
    struct open_tag *stack = malloc(1024 * sizeof *stack);
    if (!stack)
        return fail(&p, "out of memory");
    int rc = element_tree(&p, root, stack, 1024);
    free(stack);
    return rc;
}
