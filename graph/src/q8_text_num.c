/* Exact numbers for the text form of model.q8: the shortest decimal that parses back to the
 * same bits, and strict parsers that never let strtod/strtof guess (no hex floats, no
 * "infinity", no locale). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "q8_text.h"

bool q8_text_word_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == ':' || c == '/' || c == '@' || c == '+' || c == '-';
}

bool q8_text_bare(const char *s)
{
    if (!s || !s[0] || strcmp(s, "-") == 0)
        return false;
    for (; *s; s++)
        if (!q8_text_word_char((unsigned char)*s))
            return false;
    return true;
}

/* "1" -> "1.0", "-0" -> "-0.0": a float must not read as an int. */
static void mark_float(char *buf)
{
    if (!strpbrk(buf, ".en"))
        strcat(buf, ".0");
}

void q8_format_f32(float v, char buf[Q8_NUM_MAX])
{
    if (isnan(v)) {
        uint32_t bits;
        memcpy(&bits, &v, sizeof bits);
        snprintf(buf, Q8_NUM_MAX, "nan:0x%08" PRIx32, bits);
        return;
    }
    if (isinf(v)) {
        strcpy(buf, v < 0 ? "-inf" : "inf");
        return;
    }
    for (int p = 1; p <= 9; p++) {
        snprintf(buf, Q8_NUM_MAX, "%.*g", p, (double)v);
        float back = strtof(buf, NULL);
        if (memcmp(&back, &v, sizeof v) == 0)
            break; /* p = 9 always round-trips a float32 */
    }
    mark_float(buf);
}

void q8_format_f64(double v, char buf[Q8_NUM_MAX])
{
    if (isnan(v)) {
        uint64_t bits;
        memcpy(&bits, &v, sizeof bits);
        snprintf(buf, Q8_NUM_MAX, "nan:0x%016" PRIx64, bits);
        return;
    }
    if (isinf(v)) {
        strcpy(buf, v < 0 ? "-inf" : "inf");
        return;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, Q8_NUM_MAX, "%.*g", p, v);
        double back = strtod(buf, NULL);
        if (memcmp(&back, &v, sizeof v) == 0)
            break; /* p = 17 always round-trips a double */
    }
    mark_float(buf);
}

static size_t digits(const char *s, size_t n, size_t i)
{
    size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    return i - start;
}

bool q8_is_int_token(const char *s, size_t n)
{
    size_t i = (n && s[0] == '-') ? 1 : 0;
    return i < n && digits(s, n, i) == n - i;
}

static bool is_nan_token(const char *s, size_t n, size_t hexdigits)
{
    if (n != 6 + hexdigits || memcmp(s, "nan:0x", 6) != 0)
        return false;
    for (size_t i = 6; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

bool q8_is_float_token(const char *s, size_t n)
{
    if ((n == 3 && memcmp(s, "inf", 3) == 0) || (n == 4 && memcmp(s, "-inf", 4) == 0) ||
        is_nan_token(s, n, 8) || is_nan_token(s, n, 16))
        return true;
    size_t i = (n && s[0] == '-') ? 1 : 0;
    size_t ip = digits(s, n, i), fp = 0;
    i += ip;
    bool dot = i < n && s[i] == '.';
    if (dot)
        fp = digits(s, n, ++i), i += fp;
    if (ip + fp == 0)
        return false;
    bool exp = i < n && (s[i] == 'e' || s[i] == 'E');
    if (exp) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t ep = digits(s, n, i);
        if (ep == 0)
            return false;
        i += ep;
    }
    return i == n && (dot || exp);
}

bool q8_parse_int(const char *s, size_t n, int64_t *out)
{
    if (!q8_is_int_token(s, n))
        return false;
    bool neg = s[0] == '-';
    uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (size_t i = neg ? 1 : 0; i < n; i++) {
        unsigned dgt = (unsigned)(s[i] - '0');
        if (v > (limit - dgt) / 10)
            return false;
        v = v * 10 + dgt;
    }
    /* -(2^63) is representable; write it without overflowing the negation. */
    *out = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
    return true;
}

/* Copies a float token into a NUL-terminated buffer; false when it is too long to be one we
 * would write (Q8_NUM_MAX) or a reasonable hand-written one (up to 63 characters). */
static bool copy_token(const char *s, size_t n, char buf[64])
{
    if (n >= 64)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return true;
}

bool q8_parse_f32(const char *s, size_t n, float *out)
{
    char buf[64];
    if (!q8_is_float_token(s, n) || !copy_token(s, n, buf))
        return false;
    if (buf[0] == 'n') {
        if (n != 14)
            return false;
        uint32_t bits = (uint32_t)strtoul(buf + 6, NULL, 16);
        memcpy(out, &bits, sizeof bits);
        return isnan(*out);
    }
    if (strcmp(buf, "inf") == 0 || strcmp(buf, "-inf") == 0) {
        *out = buf[0] == '-' ? -INFINITY : INFINITY;
        return true;
    }
    *out = strtof(buf, NULL);
    return !isinf(*out); /* a finite decimal that overflows float32 is refused */
}

bool q8_parse_f64(const char *s, size_t n, double *out)
{
    char buf[64];
    if (!q8_is_float_token(s, n) || !copy_token(s, n, buf))
        return false;
    if (buf[0] == 'n') {
        if (n != 22)
            return false;
        uint64_t bits = (uint64_t)strtoull(buf + 6, NULL, 16);
        memcpy(out, &bits, sizeof bits);
        return isnan(*out);
    }
    if (strcmp(buf, "inf") == 0 || strcmp(buf, "-inf") == 0) {
        *out = buf[0] == '-' ? -INFINITY : INFINITY;
        return true;
    }
    *out = strtod(buf, NULL);
    return !isinf(*out);
}
