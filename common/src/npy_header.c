/* The preamble and header dictionary of a .npy file.
 *
 *   offset 0  6 bytes  magic "\x93NUMPY"
 *          6  1 byte   major version (1, 2 or 3)
 *          7  1 byte   minor version (0)
 *          8  2 bytes  header length, little-endian (version 1.0)
 *             4 bytes  header length, little-endian (versions 2.0 and 3.0)
 *   10 or 12  header   a Python dict literal, ASCII, padded with spaces, ending in '\n':
 *                      {'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }
 *
 * numpy reads the header with Python's literal evaluator; we accept the subset of Python
 * syntax numpy and other writers produce (either quote style, any whitespace between tokens,
 * an optional trailing comma) and refuse everything else with the byte offset at fault.
 * Offsets in messages count from the start of the file.
 */
#include "dpu/npy.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const uint8_t npy_magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

/* Longest string we quote back in a message, so a hostile header cannot flood it. */
#define QUOTE_MAX 40

/* A cursor over header bytes [pos, end) of the file bytes b. */
struct hdr_cursor {
    const char *name;
    const uint8_t *b;
    size_t pos, end;
    struct dpu_diag *d;
};

/* A string literal found in the header: its text (without quotes) and where it starts. */
struct hdr_str {
    const uint8_t *s;
    size_t len;
    size_t offset;
};

static int is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

static void skip_space(struct hdr_cursor *c)
{
    while (c->pos < c->end && is_space(c->b[c->pos]))
        c->pos++;
}

/* Reports what the cursor found instead of `want`: a byte, or the end of the header. */
static int unexpected(struct hdr_cursor *c, const char *want)
{
    if (c->pos >= c->end)
        return dpu_diag_set(c->d, DPU_E_PARSE,
                            "%s: header ends early, at offset %zu, where %s was expected", c->name,
                            c->pos, want);
    uint8_t ch = c->b[c->pos];
    if (ch == '\'' || ch == '"')
        return dpu_diag_set(c->d, DPU_E_PARSE,
                            "%s: header has a quote %c at offset %zu where %s was expected",
                            c->name, ch, c->pos, want);
    if (ch >= 0x20 && ch < 0x7f)
        return dpu_diag_set(c->d, DPU_E_PARSE,
                            "%s: header has '%c' at offset %zu where %s was "
                            "expected",
                            c->name, ch, c->pos, want);
    return dpu_diag_set(c->d, DPU_E_PARSE,
                        "%s: header has byte 0x%02x at offset %zu where %s was expected", c->name,
                        ch, c->pos, want);
}

static int str_is(const struct hdr_str *s, const char *lit)
{
    return s->len == strlen(lit) && memcmp(s->s, lit, s->len) == 0;
}

static int quote_len(const struct hdr_str *s)
{
    return (int)(s->len > QUOTE_MAX ? QUOTE_MAX : s->len);
}

/* A Python string literal in single or double quotes, without escapes (no key or dtype
 * needs them). */
static int parse_string(struct hdr_cursor *c, struct hdr_str *out, const char *what)
{
    if (c->pos >= c->end || (c->b[c->pos] != '\'' && c->b[c->pos] != '"'))
        return unexpected(c, what);
    uint8_t quote = c->b[c->pos];
    size_t start = c->pos + 1;
    for (size_t i = start; i < c->end; i++) {
        uint8_t ch = c->b[i];
        if (ch == quote) {
            out->s = c->b + start;
            out->len = i - start;
            out->offset = c->pos;
            c->pos = i + 1;
            return DPU_OK;
        }
        if (ch == '\\')
            return dpu_diag_set(c->d, DPU_E_PARSE,
                                "%s: header string at offset %zu has an escape sequence at "
                                "offset %zu (not supported)",
                                c->name, c->pos, i);
        if (ch < 0x20)
            return dpu_diag_set(c->d, DPU_E_PARSE,
                                "%s: header string at offset %zu is not closed before byte "
                                "0x%02x at offset %zu",
                                c->name, c->pos, ch, i);
    }
    return dpu_diag_set(c->d, DPU_E_PARSE,
                        "%s: header string at offset %zu is not closed before the end of the "
                        "header at offset %zu",
                        c->name, c->pos, c->end);
}

/* Names a numpy type string for messages: '<f8' -> "float64", '|b1' -> "bool". */
static const char *describe_descr(const struct hdr_str *s, char *buf, size_t cap)
{
    const uint8_t *p = s->s;
    size_t n = s->len;
    if (n > 0 && p[0] && strchr("<>|=", p[0]))
        p++, n--;
    if (n < 2)
        return "an unknown type";
    int bytes = 0;
    for (size_t i = 1; i < n; i++) {
        if (!is_digit(p[i]) || bytes > 9999)
            return "an unknown type";
        bytes = bytes * 10 + (p[i] - '0');
    }
    const char *kind = NULL;
    switch (p[0]) {
    case 'i':
        kind = "int";
        break;
    case 'u':
        kind = "uint";
        break;
    case 'f':
        kind = "float";
        break;
    case 'c':
        kind = "complex";
        break;
    case 'b':
        return "bool";
    case 'U':
        return "a unicode string";
    case 'S':
        return "a byte string";
    case 'O':
        return "Python objects";
    case 'M':
        return "datetime64";
    case 'm':
        return "timedelta64";
    case 'V':
        return "raw bytes (void)";
    default:
        return "an unknown type";
    }
    snprintf(buf, cap, "%s%d", kind, bytes * 8);
    return buf;
}

/* 'descr': one of the four type strings we handle, with an optional byte-order mark. */
static int parse_descr(struct hdr_cursor *c, struct dpu_npy_header *h)
{
    if (c->pos < c->end && (c->b[c->pos] == '[' || c->b[c->pos] == '{'))
        return dpu_diag_set(c->d, DPU_E_UNSUPPORTED,
                            "%s: 'descr' at offset %zu is a structured dtype (a list or dict); "
                            "only int8, uint8, int32 and float32 arrays are supported",
                            c->name, c->pos);
    struct hdr_str s;
    int err = parse_string(c, &s, "a dtype string for 'descr'");
    if (err)
        return err;
    char order = '|';
    const uint8_t *p = s.s;
    size_t n = s.len;
    if (n > 0 && p[0] && strchr("<>|=", p[0]))
        order = (char)p[0], p++, n--;
    struct hdr_str rest = {p, n, s.offset};
    h->big_endian = 0;
    if (str_is(&rest, "i1") || str_is(&rest, "u1")) {
        /* Byte order means nothing for one-byte types: numpy writes '|', any mark is fine. */
        h->dtype = p[0] == 'i' ? DPU_DT_INT8 : DPU_DT_UINT8;
        return DPU_OK;
    }
    if (str_is(&rest, "i4") || str_is(&rest, "f4")) {
        h->dtype = p[0] == 'i' ? DPU_DT_INT32 : DPU_DT_FLOAT32;
        /* '=' and '|' (and no mark) mean native order, which is little-endian on our hosts. */
        h->big_endian = order == '>';
        return DPU_OK;
    }
    char kind[32];
    return dpu_diag_set(c->d, DPU_E_UNSUPPORTED,
                        "%s: 'descr' at offset %zu is '%.*s' (%s); supported dtypes are int8 "
                        "'|i1', uint8 '|u1', int32 '<i4' and float32 '<f4'",
                        c->name, s.offset, quote_len(&s), (const char *)s.s,
                        describe_descr(&s, kind, sizeof kind));
}

/* 'fortran_order': the Python word True or False; only False is supported. */
static int parse_fortran_order(struct hdr_cursor *c)
{
    size_t start = c->pos, i = start;
    while (i < c->end && ((c->b[i] >= 'a' && c->b[i] <= 'z') || (c->b[i] >= 'A' && c->b[i] <= 'Z')))
        i++;
    struct hdr_str word = {c->b + start, i - start, start};
    if (str_is(&word, "False")) {
        c->pos = i;
        return DPU_OK;
    }
    if (str_is(&word, "True"))
        return dpu_diag_set(c->d, DPU_E_UNSUPPORTED,
                            "%s: 'fortran_order' at offset %zu is True: Fortran-ordered "
                            "(column-major) arrays are not supported; save a C-ordered copy "
                            "(numpy.ascontiguousarray)",
                            c->name, start);
    return unexpected(c, "True or False for 'fortran_order'");
}

/* One dimension: a non-negative decimal integer without leading zeros (as in Python 3),
 * at most 2^40. */
static int parse_dim(struct hdr_cursor *c, int64_t *out)
{
    size_t start = c->pos;
    if (c->pos < c->end && c->b[c->pos] == '-')
        return dpu_diag_set(c->d, DPU_E_RANGE, "%s: 'shape' has a negative dimension at offset %zu",
                            c->name, start);
    if (c->pos >= c->end || !is_digit(c->b[c->pos]))
        return unexpected(c, "a dimension (a non-negative integer) in 'shape'");
    if (c->b[c->pos] == '0' && c->pos + 1 < c->end && is_digit(c->b[c->pos + 1]))
        return dpu_diag_set(c->d, DPU_E_PARSE,
                            "%s: 'shape' dimension at offset %zu has a leading zero", c->name,
                            start);
    int64_t v = 0;
    while (c->pos < c->end && is_digit(c->b[c->pos])) {
        v = v * 10 + (c->b[c->pos] - '0');
        /* Stop before v can overflow: 2^40 * 10 + 9 is far inside int64. */
        if (v > DPU_TENSOR_MAX_DIM)
            return dpu_diag_set(c->d, DPU_E_RANGE,
                                "%s: 'shape' dimension at offset %zu is larger than 2^40 "
                                "(%" PRId64 ")",
                                c->name, start, DPU_TENSOR_MAX_DIM);
        c->pos++;
    }
    *out = v;
    return DPU_OK;
}

/* 'shape': a Python tuple of dimensions: (), (5,), (2, 3) or (2, 3,). */
static int parse_shape(struct hdr_cursor *c, struct dpu_npy_header *h)
{
    size_t start = c->pos;
    if (c->pos >= c->end || c->b[c->pos] != '(')
        return unexpected(c, "a tuple '(' for 'shape'");
    c->pos++;
    h->rank = 0;
    int trailing_comma = 0;
    skip_space(c);
    while (c->pos < c->end && c->b[c->pos] != ')') {
        if (h->rank == DPU_TENSOR_MAX_RANK)
            return dpu_diag_set(c->d, DPU_E_UNSUPPORTED,
                                "%s: 'shape' at offset %zu has more than %d dimensions (the "
                                "maximum rank)",
                                c->name, start, DPU_TENSOR_MAX_RANK);
        int err = parse_dim(c, &h->dims[h->rank]);
        if (err)
            return err;
        h->rank++;
        trailing_comma = 0;
        skip_space(c);
        if (c->pos < c->end && c->b[c->pos] == ',') {
            c->pos++;
            trailing_comma = 1;
            skip_space(c);
        } else if (c->pos >= c->end || c->b[c->pos] != ')') {
            return unexpected(c, "',' or ')' in 'shape'");
        }
    }
    if (c->pos >= c->end)
        return unexpected(c, "')' closing 'shape'");
    /* In Python (5) is the integer 5, not a tuple: numpy refuses it and so do we. */
    if (h->rank == 1 && !trailing_comma)
        return dpu_diag_set(c->d, DPU_E_PARSE,
                            "%s: 'shape' at offset %zu is (%" PRId64 "), not a tuple; a 1-D "
                            "shape is written (%" PRId64 ",)",
                            c->name, start, h->dims[0], h->dims[0]);
    c->pos++;
    if (dpu_shape_count(h->rank, h->dims) < 0) {
        char shape[DPU_SHAPE_STR_MAX];
        return dpu_diag_set(c->d, DPU_E_RANGE,
                            "%s: 'shape' %s at offset %zu has more than 2^40 elements "
                            "(overflow)",
                            c->name, dpu_shape_format(h->rank, h->dims, shape, sizeof shape),
                            start);
    }
    return DPU_OK;
}

enum { KEY_DESCR = 1, KEY_FORTRAN = 2, KEY_SHAPE = 4, KEY_ALL = 7 };

/* The dictionary itself: '{' (key ':' value ',')* '}' with the last comma optional. */
static int parse_dict(struct hdr_cursor *c, struct dpu_npy_header *h)
{
    skip_space(c);
    if (c->pos >= c->end || c->b[c->pos] != '{')
        return unexpected(c, "'{' opening the header dictionary");
    c->pos++;
    int seen = 0;
    for (;;) {
        skip_space(c);
        if (c->pos < c->end && c->b[c->pos] == '}')
            break;
        struct hdr_str key;
        int err = parse_string(c, &key, "a quoted key or '}'");
        if (err)
            return err;
        int bit = str_is(&key, "descr")           ? KEY_DESCR
                  : str_is(&key, "fortran_order") ? KEY_FORTRAN
                  : str_is(&key, "shape")         ? KEY_SHAPE
                                                  : 0;
        if (!bit)
            return dpu_diag_set(c->d, DPU_E_PARSE,
                                "%s: header has unknown key '%.*s' at offset %zu (expected "
                                "'descr', 'fortran_order' and 'shape')",
                                c->name, quote_len(&key), (const char *)key.s, key.offset);
        if (seen & bit)
            return dpu_diag_set(c->d, DPU_E_PARSE,
                                "%s: header has duplicate key '%.*s' at offset %zu", c->name,
                                quote_len(&key), (const char *)key.s, key.offset);
        seen |= bit;
        skip_space(c);
        if (c->pos >= c->end || c->b[c->pos] != ':')
            return unexpected(c, "':' after a key");
        c->pos++;
        skip_space(c);
        err = bit == KEY_DESCR     ? parse_descr(c, h)
              : bit == KEY_FORTRAN ? parse_fortran_order(c)
                                   : parse_shape(c, h);
        if (err)
            return err;
        skip_space(c);
        if (c->pos < c->end && c->b[c->pos] == ',') {
            c->pos++;
            continue;
        }
        if (c->pos < c->end && c->b[c->pos] == '}')
            break;
        return unexpected(c, "',' or '}' after a value");
    }
    c->pos++; /* the '}' */
    skip_space(c);
    if (c->pos < c->end)
        return unexpected(c, "the end of the header (only spaces may follow '}')");
    static const char *const names[] = {"descr", "fortran_order", "shape"};
    for (int i = 0; i < 3; i++) {
        if (!(seen & (1 << i)))
            return dpu_diag_set(c->d, DPU_E_PARSE, "%s: header is missing the key '%s'", c->name,
                                names[i]);
    }
    return DPU_OK;
}

int dpu_npy_parse_header(const char *name, const uint8_t *bytes, size_t len,
                         struct dpu_npy_header *h, struct dpu_diag *d)
{
    memset(h, 0, sizeof *h);
    if (!name)
        name = "<memory>";
    if (len < sizeof npy_magic || memcmp(bytes, npy_magic, sizeof npy_magic) != 0) {
        /* Name the common mix-ups: a text file, or a .npz (zip) archive. */
        const char *hint = len >= 2 && bytes[0] == 'P' && bytes[1] == 'K'
                               ? " (it looks like a zip file: a .npz archive?)"
                               : "";
        if (len < sizeof npy_magic)
            return dpu_diag_set(d, DPU_E_PARSE,
                                "%s: not a .npy file: %zu bytes is too short for the magic "
                                "\"\\x93NUMPY\"%s",
                                name, len, hint);
        return dpu_diag_set(d, DPU_E_PARSE,
                            "%s: not a .npy file: bad magic at offset 0 (expected "
                            "\"\\x93NUMPY\")%s",
                            name, hint);
    }
    if (len < 8)
        return dpu_diag_set(d, DPU_E_PARSE, "%s: file ends at offset %zu inside the version", name,
                            len);
    h->major = bytes[6];
    h->minor = bytes[7];
    if (h->major < 1 || h->major > 3 || h->minor != 0)
        return dpu_diag_set(d, DPU_E_UNSUPPORTED,
                            "%s: unsupported .npy version %d.%d at offset 6 (we read 1.0, 2.0 "
                            "and 3.0)",
                            name, h->major, h->minor);
    /* Version 1.0 has a 2-byte header length; 2.0 and 3.0 widened it to 4 bytes. */
    size_t hl_size = h->major == 1 ? 2 : 4;
    size_t start = 8 + hl_size;
    if (len < start)
        return dpu_diag_set(d, DPU_E_PARSE,
                            "%s: file ends at offset %zu inside the %zu-byte header length", name,
                            len, hl_size);
    uint32_t hlen = 0;
    for (size_t i = 0; i < hl_size; i++)
        hlen |= (uint32_t)bytes[8 + i] << (8 * i);
    if (hlen > len - start)
        return dpu_diag_set(d, DPU_E_PARSE,
                            "%s: header length %" PRIu32 " at offset 8 runs past the end of the "
                            "file (%zu bytes, so at most %zu)",
                            name, hlen, len, len - start);
    size_t end = start + hlen;
    /* numpy decodes the header as latin-1 (3.0: UTF-8), but keys, dtypes and shapes are all
     * ASCII: a high byte is corruption or a header we could not interpret the same way. */
    for (size_t i = start; i < end; i++) {
        if (bytes[i] >= 0x80)
            return dpu_diag_set(d, DPU_E_PARSE,
                                "%s: header has non-ASCII byte 0x%02x at offset %zu", name,
                                bytes[i], i);
    }
    if (hlen == 0 || bytes[end - 1] != '\n')
        return dpu_diag_set(d, DPU_E_PARSE,
                            "%s: header (offsets %zu..%zu) does not end in a newline '\\n'", name,
                            start, end);
    struct hdr_cursor c = {name, bytes, start, end, d};
    int err = parse_dict(&c, h);
    if (err)
        return err;
    h->data_offset = end;
    return DPU_OK;
}
