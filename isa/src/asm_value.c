/* Value tokens of the assembly syntax: numbers, enum names and flag sets.
 *
 * Numbers are parsed into a sign and a 64-bit magnitude, never through int64 alone, so
 * that 64-bit unsigned fields accept the whole range 0..2^64-1 and signed fields the whole
 * two's-complement range.
 */
#include "asm_value.h"

#include <stdbool.h>

#include "dpu/bits.h"
#include "dpu/err.h"

static bool is_ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static size_t ident_len(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && is_ident_char(s[k]))
        k++;
    return k;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

struct number {
    bool neg;      /* a leading '-' was written */
    bool overflow; /* the magnitude does not fit 64 bits */
    uint64_t mag;
    size_t used; /* bytes of the token that form the number */
};

/* Reads [-](decimal | 0x hex | 0b binary) from the start of s. False if no digit follows
 * the sign and prefix. Stops at the first byte that is not a digit of the base. */
static bool parse_number(const char *s, size_t n, struct number *num)
{
    size_t i = 0;
    unsigned base = 10;
    *num = (struct number){0};
    if (i < n && s[i] == '-') {
        num->neg = true;
        i++;
    }
    if (i + 1 < n && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
        base = 16;
        i += 2;
    } else if (i + 1 < n && s[i] == '0' && (s[i + 1] == 'b' || s[i + 1] == 'B')) {
        base = 2;
        i += 2;
    }
    size_t first = i;
    for (; i < n; i++) {
        int dv = digit_value(s[i]);
        if (dv >= (int)base)
            break;
        if (num->mag > (UINT64_MAX - (uint64_t)dv) / base)
            num->overflow = true;
        else
            num->mag = num->mag * base + (uint64_t)dv;
    }
    num->used = i;
    return i > first;
}

static int out_of_range(const struct dpu_field_desc *f, const char *tok, size_t n, size_t *err_at,
                        struct dpu_tbuf *why)
{
    dpu_tbuf_putf(why, "value ");
    dpu_tbuf_put_token(why, tok, n);
    dpu_tbuf_putf(why, " out of range for field '%s' (%s %u bits: ", f->name,
                  f->kind == DPU_FIELD_S ? "signed" : "unsigned", f->width);
    dpu_tbuf_put_range(why, f);
    dpu_tbuf_putf(why, ")");
    *err_at = 0;
    return DPU_E_RANGE;
}

static int garbage_after(const struct dpu_field_desc *f, const char *tok, size_t n, size_t at,
                         size_t *err_at, struct dpu_tbuf *why)
{
    dpu_tbuf_putf(why, "garbage after value ");
    dpu_tbuf_put_token(why, tok, at);
    dpu_tbuf_putf(why, " of field '%s': ", f->name);
    dpu_tbuf_put_token(why, tok + at, n - at);
    *err_at = at;
    return DPU_E_PARSE;
}

static int parse_integer(const struct dpu_field_desc *f, const char *tok, size_t n, uint64_t *bits,
                         size_t *err_at, struct dpu_tbuf *why)
{
    struct number num;
    if (!parse_number(tok, n, &num)) {
        dpu_tbuf_putf(why, "malformed number ");
        dpu_tbuf_put_token(why, tok, n);
        dpu_tbuf_putf(why, " for field '%s' (expected %sdecimal, 0x hex or 0b binary)", f->name,
                      f->kind == DPU_FIELD_S ? "[-]" : "");
        *err_at = 0;
        return DPU_E_PARSE;
    }
    if (num.used < n)
        return garbage_after(f, tok, n, num.used, err_at, why);
    if (num.overflow)
        return out_of_range(f, tok, n, err_at, why);
    uint64_t mask = dpu_mask64(f->width);
    if (f->kind == DPU_FIELD_U) {
        if ((num.neg && num.mag != 0) || num.mag > mask)
            return out_of_range(f, tok, n, err_at, why);
        *bits = num.mag;
        return DPU_OK;
    }
    /* Signed: the magnitude may be at most 2^63 (negative) or 2^63-1 (positive) before the
     * field's own width is checked. */
    const uint64_t two63 = (uint64_t)1 << 63;
    int64_t value;
    if (num.neg) {
        if (num.mag > two63)
            return out_of_range(f, tok, n, err_at, why);
        value = num.mag == two63 ? INT64_MIN : -(int64_t)num.mag;
    } else {
        if (num.mag >= two63)
            return out_of_range(f, tok, n, err_at, why);
        value = (int64_t)num.mag;
    }
    if (!dpu_fits(value, f->width, true))
        return out_of_range(f, tok, n, err_at, why);
    *bits = (uint64_t)value & mask;
    return DPU_OK;
}

/* Appends "; did you mean 'X'?" when some value name of e is within edit distance 2. */
static void suggest_enum(struct dpu_tbuf *why, const struct dpu_enum_desc *e, const char *s,
                         size_t n)
{
    const char *best = NULL;
    unsigned best_d = 3;
    for (size_t i = 0; i < e->count; i++) {
        unsigned dist = dpu_edit_distance(e->vals[i].name, s, n);
        if (dist < best_d) {
            best_d = dist;
            best = e->vals[i].name;
        }
    }
    if (best)
        dpu_tbuf_putf(why, "; did you mean '%s'?", best);
}

static int parse_enum(const struct dpu_field_desc *f, const char *tok, size_t n, uint64_t *bits,
                      size_t *err_at, struct dpu_tbuf *why)
{
    const struct dpu_enum_desc *e = f->enm;
    size_t k = ident_len(tok, n);
    const struct dpu_enum_val *v = dpu_enum_find(e, tok, k);
    if (!v || k == 0) {
        dpu_tbuf_putf(why, "bad value ");
        dpu_tbuf_put_token(why, tok, n);
        dpu_tbuf_putf(why, " for field '%s': expected one of ", f->name);
        dpu_tbuf_put_enum_names(why, e, ", ");
        suggest_enum(why, e, tok, k);
        *err_at = 0;
        return DPU_E_PARSE;
    }
    if (k < n)
        return garbage_after(f, tok, n, k, err_at, why);
    *bits = (uint64_t)v->value & dpu_mask64(f->width);
    return DPU_OK;
}

static int parse_flags(const struct dpu_field_desc *f, const char *tok, size_t n, uint64_t *bits,
                       size_t *err_at, struct dpu_tbuf *why)
{
    const struct dpu_enum_desc *e = f->enm;
    if (n == 1 && (tok[0] == '0' || tok[0] == '-')) {
        *bits = 0;
        return DPU_OK;
    }
    uint64_t set = 0;
    size_t pos = 0;
    for (;;) {
        size_t k = ident_len(tok + pos, n - pos);
        const struct dpu_enum_val *v = dpu_enum_find(e, tok + pos, k);
        if (!v) {
            if (k == 0 && pos > 0) {
                dpu_tbuf_putf(why,
                              "expected a flag name after '|' in field '%s' (flags: ", f->name);
            } else if (k == 0 || (tok[pos] >= '0' && tok[pos] <= '9')) {
                /* Not even a name: say what the whole value should look like. */
                dpu_tbuf_putf(why, "bad value ");
                dpu_tbuf_put_token(why, tok, n);
                dpu_tbuf_putf(why,
                              " for field '%s': expected flag names joined by '|', or 0 or - "
                              "for none (flags: ",
                              f->name);
            } else {
                dpu_tbuf_putf(why, "bad flag ");
                dpu_tbuf_put_token(why, tok + pos, k);
                dpu_tbuf_putf(why, " in field '%s' (flags: ", f->name);
            }
            dpu_tbuf_put_enum_names(why, e, "|");
            dpu_tbuf_putf(why, ")");
            if (k > 0)
                suggest_enum(why, e, tok + pos, k);
            *err_at = pos;
            return DPU_E_PARSE;
        }
        if (v->value < 0 || v->value >= (int64_t)f->width) {
            dpu_tbuf_putf(why, "flag '%s' is bit %lld, outside the %u-bit field '%s'", v->name,
                          (long long)v->value, f->width, f->name);
            *err_at = pos;
            return DPU_E_INTERNAL;
        }
        uint64_t bit = (uint64_t)1 << v->value;
        if (set & bit) {
            dpu_tbuf_putf(why, "flag '%s' given twice in field '%s'", v->name, f->name);
            *err_at = pos;
            return DPU_E_PARSE;
        }
        set |= bit;
        pos += k;
        if (pos == n)
            break;
        if (tok[pos] != '|')
            return garbage_after(f, tok, n, pos, err_at, why);
        pos++;
    }
    *bits = set;
    return DPU_OK;
}

int dpu_asm_parse_value(const struct dpu_field_desc *f, const char *tok, size_t n, uint64_t *bits,
                        size_t *err_at, struct dpu_tbuf *why)
{
    *bits = 0;
    *err_at = 0;
    switch (f->kind) {
    case DPU_FIELD_U:
    case DPU_FIELD_S:
        return parse_integer(f, tok, n, bits, err_at, why);
    case DPU_FIELD_ENUM:
        if (f->enm)
            return parse_enum(f, tok, n, bits, err_at, why);
        break;
    case DPU_FIELD_FLAGS:
        if (f->enm)
            return parse_flags(f, tok, n, bits, err_at, why);
        break;
    }
    dpu_tbuf_putf(why, "field '%s' has no value set in the instruction tables", f->name);
    return DPU_E_INTERNAL;
}
