/* Small text utilities shared by the assembler, disassembler and stream decoder. */
#include "isa_internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dpu/bits.h"

void dpu_tbuf_init(struct dpu_tbuf *tb, char *buf, size_t size)
{
    tb->buf = buf;
    tb->size = size;
    tb->len = 0;
    tb->overflow = false;
    if (size > 0)
        buf[0] = '\0';
}

void dpu_tbuf_putf(struct dpu_tbuf *tb, const char *fmt, ...)
{
    if (tb->overflow || tb->size == 0) {
        tb->overflow = true;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    size_t room = tb->size - tb->len;
    int n = vsnprintf(tb->buf + tb->len, room, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= room) {
        /* Keep what fitted (vsnprintf truncated and terminated it) and remember the loss. */
        tb->overflow = true;
        tb->len = tb->size - 1;
        return;
    }
    tb->len += (size_t)n;
}

void dpu_tbuf_putc(struct dpu_tbuf *tb, char c)
{
    if (tb->overflow || tb->len + 1 >= tb->size) {
        tb->overflow = true;
        return;
    }
    tb->buf[tb->len++] = c;
    tb->buf[tb->len] = '\0';
}

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

void dpu_tbuf_put_token(struct dpu_tbuf *tb, const char *s, size_t n)
{
    enum { SHOWN = 40 };
    dpu_tbuf_putf(tb, "'");
    for (size_t i = 0; i < n && i < SHOWN; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            dpu_tbuf_putc(tb, (char)c);
        else
            dpu_tbuf_putf(tb, "\\x%02x", c);
    }
    dpu_tbuf_putf(tb, "%s'", n > SHOWN ? "..." : "");
}

bool dpu_name_eq(const char *name, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (name[i] == '\0' || ascii_lower(name[i]) != ascii_lower(s[i]))
            return false;
    }
    return name[n] == '\0';
}

unsigned dpu_edit_distance(const char *name, const char *s, size_t n)
{
    /* Two-row dynamic programme; names and tokens longer than this cannot be within
     * distance 2 of a short table name in a way worth suggesting, so cap the work. */
    enum { MAXLEN = 48, FAR = 3 };
    size_t m = strlen(name);
    if (m > MAXLEN || n > MAXLEN)
        return FAR;
    if ((m > n ? m - n : n - m) >= FAR)
        return FAR;
    unsigned prev[MAXLEN + 1], cur[MAXLEN + 1];
    for (size_t j = 0; j <= n; j++)
        prev[j] = (unsigned)j;
    for (size_t i = 1; i <= m; i++) {
        cur[0] = (unsigned)i;
        for (size_t j = 1; j <= n; j++) {
            unsigned sub = prev[j - 1] + (ascii_lower(name[i - 1]) != ascii_lower(s[j - 1]));
            unsigned del = prev[j] + 1, ins = cur[j - 1] + 1;
            unsigned best = sub < del ? sub : del;
            cur[j] = best < ins ? best : ins;
        }
        memcpy(prev, cur, sizeof prev);
    }
    return prev[n];
}

bool dpu_field_is_opcode(const struct dpu_field_desc *f)
{
    return strcmp(f->name, "opcode") == 0;
}

void dpu_tbuf_put_range(struct dpu_tbuf *tb, const struct dpu_field_desc *f)
{
    if (f->kind == DPU_FIELD_S) {
        int64_t lo = f->width >= 64 ? INT64_MIN : -((int64_t)1 << (f->width - 1));
        int64_t hi = f->width >= 64 ? INT64_MAX : ((int64_t)1 << (f->width - 1)) - 1;
        dpu_tbuf_putf(tb, "%" PRId64 "..%" PRId64, lo, hi);
        return;
    }
    uint64_t hi = dpu_mask64(f->width);
    dpu_tbuf_putf(tb, "0..%" PRIu64, hi);
    if (f->width > 16)
        dpu_tbuf_putf(tb, " (0x%" PRIx64 ")", hi);
}

void dpu_tbuf_put_enum_names(struct dpu_tbuf *tb, const struct dpu_enum_desc *e, const char *sep)
{
    for (size_t i = 0; i < e->count; i++)
        dpu_tbuf_putf(tb, "%s%s", i ? sep : "", e->vals[i].name);
}

const struct dpu_enum_val *dpu_enum_find(const struct dpu_enum_desc *e, const char *s, size_t n)
{
    for (size_t i = 0; i < e->count; i++) {
        if (dpu_name_eq(e->vals[i].name, s, n))
            return &e->vals[i];
    }
    return NULL;
}
