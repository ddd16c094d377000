/* Binary model.q8 reader. Order of checks: magic, version, flags, file length (naming the
 * section a truncation cuts), the section list, the trailer and CRC, then the contents:
 * strings, tensors with their data, nodes, graph inputs/outputs; finally dpu_graph_verify.
 * Every count is bounded by the bytes left in its section before anything is allocated, so
 * a hostile file can make us allocate at most a small multiple of its own size. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/crc32.h"
#include "dpu/fileio.h"
#include "dpu/q8.h"
#include "graph_verify_internal.h" /* dpu_vname: names fit for messages */
#include "q8_format.h"

struct section {
    char tag[5];
    size_t at, payload, len; /* header offset, payload offset, payload length */
    bool present;
};

enum { S_STRS, S_TENS, S_NODE, S_GRPH, S_DATA };
static const char *const section_tags[Q8_NSECTIONS] = {Q8_TAG_STRS, Q8_TAG_TENS, Q8_TAG_NODE,
                                                       Q8_TAG_GRPH, Q8_TAG_DATA};

struct reader {
    const char *name;
    const uint8_t *b;
    size_t len;
    struct dpu_diag *d;
    struct section sec[Q8_NSECTIONS];
    struct dpu_graph *g;
};

/* A position inside one section's payload. */
struct cursor {
    struct reader *r;
    const struct section *s;
    size_t pos, end; /* absolute offsets */
};

/* The tag as printable text (a corrupt tag may hold any bytes). */
static void tag_text(const uint8_t *p, char out[5])
{
    for (int i = 0; i < 4; i++)
        out[i] = (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\'') ? (char)p[i] : '?';
    out[4] = '\0';
}

static int fail(struct reader *r, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct reader *r, int err, const char *fmt, ...)
{
    char msg[sizeof r->d->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return dpu_diag_set(r->d, err, "%s: %s", r->name, msg);
}

static int cfail(struct cursor *c, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int cfail(struct cursor *c, int err, const char *fmt, ...)
{
    char msg[sizeof c->r->d->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return dpu_diag_set(c->r->d, err, "%s: section '%s' at offset %zu: %s", c->r->name, c->s->tag,
                        c->s->at, msg);
}

/* Makes sure n bytes of `what` are left at the cursor. */
static int need(struct cursor *c, size_t n, const char *what)
{
    if (c->end - c->pos < n)
        return cfail(c, DPU_E_PARSE,
                     "truncated: %s at offset %zu needs %zu bytes, but the section ends at "
                     "offset %zu",
                     what, c->pos, n, c->end);
    return DPU_OK;
}

/* Bounds a count read from the file by the bytes left: each element needs `each` bytes. */
static int need_count(struct cursor *c, uint64_t count, size_t each, const char *what)
{
    if (count > (c->end - c->pos) / each)
        return cfail(c, DPU_E_PARSE,
                     "%s count %" PRIu64 " at offset %zu cannot fit in the %zu bytes left in the "
                     "section (%zu bytes each)",
                     what, count, c->pos, c->end - c->pos, each);
    return DPU_OK;
}

/* Records are 8-byte aligned within their payload: skips the padding after one. */
static int skip_to8(struct cursor *c)
{
    size_t pad = q8_align(c->pos - c->s->payload, 8) - (c->pos - c->s->payload);
    int err = need(c, pad, "record padding");
    if (!err)
        c->pos += pad;
    return err;
}

/* The string at table offset off, checked to lie in the table and end in a NUL. */
static int get_string(struct cursor *c, uint64_t off, size_t at, const char *what, const char **out)
{
    const struct section *st = &c->r->sec[S_STRS];
    if (off >= st->len)
        return cfail(c, DPU_E_PARSE,
                     "%s at offset %zu: string offset %" PRIu64
                     " is outside the string table (%zu bytes)",
                     what, at, off, st->len);
    const uint8_t *s = c->r->b + st->payload + off;
    if (!memchr(s, 0, st->len - off))
        return cfail(c, DPU_E_PARSE,
                     "%s at offset %zu: string at table offset %" PRIu64 " is not NUL-terminated",
                     what, at, off);
    *out = (const char *)s;
    return DPU_OK;
}

static int dup_string(struct cursor *c, uint64_t off, size_t at, const char *what, char **out)
{
    const char *s = NULL;
    int err = get_string(c, off, at, what, &s);
    if (err)
        return err;
    *out = strdup(s);
    return *out ? DPU_OK : cfail(c, DPU_E_NOMEM, "out of memory");
}

static int expect_zero(struct cursor *c, uint64_t v, size_t at, const char *what)
{
    if (v != 0)
        return cfail(c, DPU_E_PARSE, "reserved field %s at offset %zu is %" PRIu64 ", not 0", what,
                     at, v);
    return DPU_OK;
}

/* ---- the frame: header, sections, trailer ---- */

static int check_header(struct reader *r, uint64_t *declared, uint32_t *nsec)
{
    size_t cmp = r->len < DPU_Q8_MAGIC_LEN ? r->len : DPU_Q8_MAGIC_LEN;
    if (memcmp(r->b, DPU_Q8_MAGIC, cmp) != 0)
        return fail(r, DPU_E_PARSE,
                    "not a binary model.q8: bad magic at offset 0 (expected \"DPUQ8\\r\\n\\x1a\")");
    if (r->len < Q8_HEADER_SIZE)
        return fail(r, DPU_E_PARSE, "truncated: %zu bytes, too short for the %d-byte header",
                    r->len, Q8_HEADER_SIZE);
    unsigned major = q8_get16(r->b + 8), minor = q8_get16(r->b + 10);
    if (major != DPU_Q8_VERSION_MAJOR)
        return fail(r, DPU_E_UNSUPPORTED,
                    "format version %u.%u is not supported (this reader reads version %d.x)", major,
                    minor, DPU_Q8_VERSION_MAJOR);
    uint32_t flags = q8_get32(r->b + 12);
    if (flags & ~Q8_FLAGS_KNOWN)
        return fail(r, DPU_E_UNSUPPORTED, "unknown flags 0x%08" PRIx32 " at offset 12",
                    flags & ~Q8_FLAGS_KNOWN);
    if (q8_get32(r->b + 28) != 0)
        return fail(r, DPU_E_PARSE, "reserved header field at offset 28 is not 0");
    r->g->quantized = (flags & Q8_FLAG_QUANTIZED) != 0;
    *declared = q8_get64(r->b + 16);
    *nsec = q8_get32(r->b + 24);
    return DPU_OK;
}

/* Walks the section headers between the header and limit. With report_cut, the first section
 * that does not fit is reported as a truncation; otherwise as malformed. */
static int walk_sections(struct reader *r, uint32_t nsec, size_t limit, bool report_cut)
{
    size_t at = Q8_HEADER_SIZE;
    const char *why = report_cut ? "truncated" : "malformed";
    for (uint32_t i = 0; i < nsec; i++) {
        if (limit - at < Q8_SECTION_HEADER)
            return fail(r, DPU_E_PARSE,
                        "%s: section %" PRIu32 " of %" PRIu32 " would start at offset %zu, but "
                        "the sections end at offset %zu",
                        why, i, nsec, at, limit);
        char tag[5];
        tag_text(r->b + at, tag);
        uint64_t plen = q8_get64(r->b + at + 8);
        if (plen > limit - at - Q8_SECTION_HEADER ||
            q8_align((size_t)plen, Q8_ALIGN) > limit - at - Q8_SECTION_HEADER)
            return fail(r, DPU_E_PARSE,
                        "%s: section '%s' at offset %zu has a %" PRIu64 "-byte payload that runs "
                        "past offset %zu",
                        why, tag, at, plen, limit);
        if (q8_get32(r->b + at + 4) != 0)
            return fail(r, DPU_E_PARSE, "section '%s' at offset %zu: reserved field is not 0", tag,
                        at);
        if (!report_cut) {
            int k = 0;
            while (k < Q8_NSECTIONS && memcmp(r->b + at, section_tags[k], 4) != 0)
                k++;
            if (k < Q8_NSECTIONS) {
                struct section *s = &r->sec[k];
                if (s->present)
                    return fail(r, DPU_E_PARSE,
                                "section '%s' appears twice, at offsets %zu and %zu", tag, s->at,
                                at);
                memcpy(s->tag, tag, 5);
                s->at = at;
                s->payload = at + Q8_SECTION_HEADER;
                s->len = (size_t)plen;
                s->present = true;
            } else if (!(r->b[at] >= 'a' && r->b[at] <= 'z')) {
                /* A lowercase first letter marks an ancillary section a reader may skip. */
                return fail(r, DPU_E_UNSUPPORTED, "unknown section '%s' at offset %zu", tag, at);
            }
        }
        at += Q8_SECTION_HEADER + q8_align((size_t)plen, Q8_ALIGN);
    }
    if (report_cut)
        return fail(r, DPU_E_PARSE, "truncated: the file ends at offset %zu, inside the trailer",
                    r->len);
    if (at != limit)
        return fail(r, DPU_E_PARSE,
                    "%zu unexpected bytes between the last section (ending at offset %zu) and the "
                    "trailer",
                    limit - at, at);
    for (int k = 0; k < Q8_NSECTIONS; k++)
        if (!r->sec[k].present)
            return fail(r, DPU_E_PARSE, "missing section '%s'", section_tags[k]);
    return DPU_OK;
}

static int check_frame(struct reader *r)
{
    uint64_t declared = 0; /* set by check_header on success */
    uint32_t nsec = 0;
    int err = check_header(r, &declared, &nsec);
    if (err)
        return err;
    if (declared < Q8_MIN_FILE)
        return fail(r, DPU_E_PARSE, "declared file length %" PRIu64 " at offset 16 is too small",
                    declared);
    if (declared > r->len) {
        /* Name the section the cut falls in. */
        struct dpu_diag inner;
        dpu_diag_clear(&inner);
        struct reader probe = *r;
        probe.d = &inner;
        walk_sections(&probe, nsec, r->len, true);
        return dpu_diag_set(r->d, DPU_E_PARSE, "%s (the header declares %" PRIu64 " bytes)",
                            inner.msg, declared);
    }
    if (nsec > (r->len - Q8_HEADER_SIZE) / Q8_SECTION_HEADER)
        return fail(r, DPU_E_PARSE,
                    "section count %" PRIu32 " at offset 24 cannot fit in a %zu-byte file", nsec,
                    r->len);
    if (declared < r->len)
        return fail(r, DPU_E_PARSE,
                    "%zu extra bytes after the declared end of the file at %" PRIu64,
                    r->len - (size_t)declared, declared);
    size_t trailer = r->len - Q8_TRAILER_SIZE;
    err = walk_sections(r, nsec, trailer, false);
    if (err)
        return err;
    if (memcmp(r->b + trailer, Q8_TRAILER_TAG, 4) != 0)
        return fail(r, DPU_E_PARSE, "trailer at offset %zu does not start with \"END\\0\"",
                    trailer);
    uint32_t stored = q8_get32(r->b + trailer + 4), computed = dpu_crc32(0, r->b, trailer);
    if (stored != computed)
        return fail(r, DPU_E_PARSE,
                    "CRC-32 mismatch: the trailer at offset %zu stores 0x%08" PRIx32
                    ", the bytes before it give 0x%08" PRIx32 " (the file is corrupt)",
                    trailer + 4, stored, computed);
    return DPU_OK;
}

/* ---- contents ---- */

static struct cursor open_section(struct reader *r, int k)
{
    struct cursor c = {r, &r->sec[k], r->sec[k].payload, r->sec[k].payload + r->sec[k].len};
    return c;
}

static int finish_section(struct cursor *c)
{
    if (c->pos != c->end)
        return cfail(c, DPU_E_PARSE, "%zu unused bytes at offset %zu after the last record",
                     c->end - c->pos, c->pos);
    return DPU_OK;
}

static int read_dims(struct cursor *c, struct dpu_gtensor *t, size_t i)
{
    char nb[VNAME_MAX];
    const char *tn = dpu_vname(t->name, nb);
    for (int k = 0; k < t->rank; k++) {
        int64_t v = q8_i64(q8_get64(c->r->b + c->pos));
        if (v < 0 || v > DPU_TENSOR_MAX_DIM)
            return cfail(c, DPU_E_RANGE,
                         "tensor %zu '%s': dimension %d at offset %zu is %" PRId64 ", %s", i, tn, k,
                         c->pos, v, v < 0 ? "negative" : "larger than 2^40");
        t->dims[k] = v;
        c->pos += 8;
    }
    if (dpu_shape_count(t->rank, t->dims) < 0)
        return cfail(c, DPU_E_RANGE, "tensor %zu '%s': shape has more than 2^40 elements", i, tn);
    return DPU_OK;
}

static int read_quant(struct cursor *c, struct dpu_gtensor *t, size_t count)
{
    if (count == 0)
        return DPU_OK;
    t->quant.scale = malloc(count * sizeof *t->quant.scale);
    t->quant.zero_point = malloc(count * sizeof *t->quant.zero_point);
    if (!t->quant.scale || !t->quant.zero_point)
        return cfail(c, DPU_E_NOMEM, "out of memory");
    t->quant.count = count;
    for (size_t k = 0; k < count; k++, c->pos += 4) {
        uint32_t bits = q8_get32(c->r->b + c->pos);
        memcpy(&t->quant.scale[k], &bits, 4);
    }
    for (size_t k = 0; k < count; k++, c->pos += 4)
        t->quant.zero_point[k] = q8_i32(q8_get32(c->r->b + c->pos));
    return DPU_OK;
}

static int read_data(struct cursor *c, struct dpu_gtensor *t, size_t i, size_t at, uint64_t off,
                     uint64_t len)
{
    char nb[VNAME_MAX];
    const char *tn = dpu_vname(t->name, nb);
    const struct section *data = &c->r->sec[S_DATA];
    size_t want = (size_t)dpu_shape_count(t->rank, t->dims) * dpu_dtype_size(t->dtype);
    if (len != want)
        return cfail(c, DPU_E_PARSE,
                     "tensor %zu '%s' at offset %zu: data length %" PRIu64 " does not match its "
                     "shape and dtype (%zu bytes)",
                     i, tn, at, len, want);
    if (off % Q8_ALIGN != 0)
        return cfail(c, DPU_E_PARSE,
                     "tensor %zu '%s' at offset %zu: data offset %" PRIu64
                     " is not a multiple of 16",
                     i, tn, at, off);
    if (off > data->len || len > data->len - off)
        return cfail(c, DPU_E_PARSE,
                     "tensor %zu '%s' at offset %zu: data [%" PRIu64 ", +%" PRIu64
                     ") lies outside the %zu-byte DATA section",
                     i, tn, at, off, len, data->len);
    t->data = malloc(want ? want : 1);
    if (!t->data)
        return cfail(c, DPU_E_NOMEM, "out of memory for %zu bytes of tensor '%s'", want, tn);
    if (want)
        memcpy(t->data, c->r->b + data->payload + off, want);
    return DPU_OK;
}

static int read_tensor(struct cursor *c, size_t i)
{
    struct dpu_gtensor *t = &c->r->g->tensors[i];
    size_t at = c->pos;
    int err = need(c, Q8_TENSOR_FIXED, "tensor record");
    if (err)
        return err;
    const uint8_t *p = c->r->b + at;
    t->quant.axis = -1;
    err = dup_string(c, q8_get32(p), at, "tensor name", &t->name);
    c->r->g->ntensors = i + 1; /* from here on dpu_graph_free releases this tensor */
    if (err)
        return err;
    char nb[VNAME_MAX];
    const char *tn = dpu_vname(t->name, nb);
    unsigned code = p[4], rank = p[5], flags = q8_get16(p + 6);
    if (code >= Q8_DT_COUNT)
        return cfail(c, DPU_E_PARSE, "tensor %zu '%s' at offset %zu: unknown dtype code %u", i, tn,
                     at + 4, code);
    t->dtype = q8_dtype_from_code(code);
    if (rank > DPU_TENSOR_MAX_RANK)
        return cfail(c, DPU_E_RANGE, "tensor %zu '%s' at offset %zu: rank %u is more than %d", i,
                     tn, at + 5, rank, DPU_TENSOR_MAX_RANK);
    t->rank = (int)rank;
    if (flags & ~Q8_TENSOR_FLAG_CONSTANT)
        return cfail(c, DPU_E_PARSE, "tensor %zu '%s' at offset %zu: unknown flags 0x%04x", i, tn,
                     at + 6, flags);
    t->quant.axis = q8_i32(q8_get32(p + 8));
    uint32_t qcount = q8_get32(p + 12);
    uint64_t off = q8_get64(p + 16), len = q8_get64(p + 24);
    c->pos += Q8_TENSOR_FIXED;
    if ((err = need(c, 8 * (size_t)rank, "dimensions")) || (err = read_dims(c, t, i)) ||
        (err = need_count(c, qcount, 8, "quantization")) || (err = read_quant(c, t, qcount)))
        return err;
    if (flags & Q8_TENSOR_FLAG_CONSTANT)
        err = read_data(c, t, i, at, off, len);
    else if (off != 0 || len != 0)
        err = cfail(c, DPU_E_PARSE,
                    "tensor %zu '%s' at offset %zu: not a constant, but has a data offset or "
                    "length",
                    i, tn, at);
    return err ? err : skip_to8(c);
}

static int read_tensors(struct reader *r)
{
    struct cursor c = open_section(r, S_TENS);
    int err = need(&c, Q8_LIST_HEADER, "tensor count");
    if (err)
        return err;
    uint32_t count = q8_get32(r->b + c.pos);
    if ((err = expect_zero(&c, q8_get32(r->b + c.pos + 4), c.pos + 4, "after the tensor count")))
        return err;
    c.pos += Q8_LIST_HEADER;
    if ((err = need_count(&c, count, Q8_TENSOR_FIXED, "tensor")))
        return err;
    if (count > INT32_MAX)
        return cfail(&c, DPU_E_RANGE, "%" PRIu32 " tensors is more than 2^31 - 1", count);
    r->g->tensors = calloc(count ? count : 1, sizeof *r->g->tensors);
    if (!r->g->tensors)
        return cfail(&c, DPU_E_NOMEM, "out of memory for %" PRIu32 " tensors", count);
    for (size_t i = 0; i < count; i++)
        if ((err = read_tensor(&c, i)))
            return err;
    return finish_section(&c);
}

/* Reads n int32 tensor indices, each -1 or a valid tensor. */
static int read_refs(struct cursor *c, size_t n, int32_t **out, const char *owner, const char *what)
{
    *out = malloc((n ? n : 1) * sizeof **out);
    if (!*out)
        return cfail(c, DPU_E_NOMEM, "out of memory");
    size_t nt = c->r->g->ntensors;
    for (size_t k = 0; k < n; k++, c->pos += 4) {
        int32_t v = q8_i32(q8_get32(c->r->b + c->pos));
        if (v < -1 || (v >= 0 && (size_t)v >= nt))
            return cfail(c, DPU_E_PARSE,
                         "%s: %s %zu at offset %zu refers to tensor %" PRId32
                         ", but the file has %zu tensors",
                         owner, what, k, c->pos, v, nt);
        (*out)[k] = v;
    }
    return DPU_OK;
}

static int read_attr(struct cursor *c, struct dpu_gnode *n, size_t k, const char *owner)
{
    struct dpu_attr *a = &n->attrs[k];
    size_t at = c->pos;
    int err = need(c, Q8_ATTR_FIXED, "attribute record");
    if (err)
        return err;
    const uint8_t *p = c->r->b + at;
    err = dup_string(c, q8_get32(p), at, "attribute name", &a->name);
    n->nattrs = k + 1;
    if (err)
        return err;
    char nb[VNAME_MAX];
    const char *an = dpu_vname(a->name, nb);
    if (p[5] || p[6] || p[7])
        return cfail(c, DPU_E_PARSE, "%s: attribute '%s' at offset %zu: reserved bytes are not 0",
                     owner, an, at + 5);
    uint64_t v = q8_get64(p + 8);
    c->pos += Q8_ATTR_FIXED;
    switch (p[4]) {
    case Q8_AT_INT:
        a->type = DPU_ATTR_INT;
        a->i = q8_i64(v);
        return DPU_OK;
    case Q8_AT_FLOAT:
        a->type = DPU_ATTR_FLOAT;
        memcpy(&a->f, &v, 8);
        return DPU_OK;
    case Q8_AT_STRING:
        a->type = DPU_ATTR_STRING;
        if (v > UINT32_MAX)
            return cfail(c, DPU_E_PARSE,
                         "%s: attribute '%s' at offset %zu: string offset %" PRIu64
                         " is outside the string table",
                         owner, an, at + 8, v);
        return dup_string(c, v, at + 8, "attribute string", &a->s);
    case Q8_AT_INTS:
    case Q8_AT_FLOATS:
        break;
    default:
        return cfail(c, DPU_E_PARSE, "%s: attribute '%s' at offset %zu: unknown type code %u",
                     owner, an, at + 4, p[4]);
    }
    if ((err = need_count(c, v, 8, "attribute value")))
        return err;
    a->n = (size_t)v;
    bool ints = p[4] == Q8_AT_INTS;
    a->type = ints ? DPU_ATTR_INTS : DPU_ATTR_FLOATS;
    void *arr = malloc(a->n ? a->n * 8 : 1);
    if (!arr)
        return cfail(c, DPU_E_NOMEM, "out of memory");
    if (ints)
        a->ints = arr;
    else
        a->floats = arr;
    for (size_t j = 0; j < a->n; j++, c->pos += 8) {
        uint64_t bits = q8_get64(c->r->b + c->pos);
        if (ints)
            a->ints[j] = q8_i64(bits);
        else
            memcpy(&a->floats[j], &bits, 8);
    }
    return DPU_OK;
}

static int read_node(struct cursor *c, size_t i)
{
    struct dpu_gnode *n = &c->r->g->nodes[i];
    size_t at = c->pos;
    int err = need(c, Q8_NODE_FIXED, "node record");
    if (err)
        return err;
    const uint8_t *p = c->r->b + at;
    err = dup_string(c, q8_get32(p), at, "node name", &n->name);
    c->r->g->nnodes = i + 1;
    if (err)
        return err;
    char owner[200];
    char nb[VNAME_MAX];
    snprintf(owner, sizeof owner, "node %zu '%s'", i, dpu_vname(n->name, nb));
    const char *opname = NULL;
    if ((err = get_string(c, q8_get32(p + 4), at + 4, "op name", &opname)))
        return err;
    n->op = dpu_node_op_from_name(opname);
    if (n->op == DPU_NODE_COUNT)
        return cfail(c, DPU_E_UNSUPPORTED, "%s at offset %zu: unknown op '%s'", owner, at + 4,
                     dpu_vname(opname, nb));
    uint32_t nin = q8_get32(p + 8), nout = q8_get32(p + 12), nattrs = q8_get32(p + 16);
    if ((err = expect_zero(c, q8_get32(p + 20), at + 20, "in a node record")))
        return err;
    c->pos += Q8_NODE_FIXED;
    if ((err = need_count(c, (uint64_t)nin + nout, 4, "input and output")))
        return err;
    n->ninputs = nin;
    n->noutputs = nout;
    if ((err = read_refs(c, nin, &n->inputs, owner, "input")) ||
        (err = read_refs(c, nout, &n->outputs, owner, "output")))
        return err;
    if ((err = skip_to8(c)) || (err = need_count(c, nattrs, Q8_ATTR_FIXED, "attribute")))
        return err;
    n->attrs = calloc(nattrs ? nattrs : 1, sizeof *n->attrs);
    if (!n->attrs)
        return cfail(c, DPU_E_NOMEM, "out of memory");
    for (size_t k = 0; k < nattrs; k++)
        if ((err = read_attr(c, n, k, owner)))
            return err;
    return DPU_OK;
}

static int read_nodes(struct reader *r)
{
    struct cursor c = open_section(r, S_NODE);
    int err = need(&c, Q8_LIST_HEADER, "node count");
    if (err)
        return err;
    uint32_t count = q8_get32(r->b + c.pos);
    if ((err = expect_zero(&c, q8_get32(r->b + c.pos + 4), c.pos + 4, "after the node count")))
        return err;
    c.pos += Q8_LIST_HEADER;
    if ((err = need_count(&c, count, Q8_NODE_FIXED, "node")))
        return err;
    r->g->nodes = calloc(count ? count : 1, sizeof *r->g->nodes);
    if (!r->g->nodes)
        return cfail(&c, DPU_E_NOMEM, "out of memory for %" PRIu32 " nodes", count);
    for (size_t i = 0; i < count; i++)
        if ((err = read_node(&c, i)))
            return err;
    return finish_section(&c);
}

static int read_graph(struct reader *r)
{
    struct cursor c = open_section(r, S_GRPH);
    int err = need(&c, Q8_GRAPH_FIXED, "graph record");
    if (err)
        return err;
    const uint8_t *p = r->b + c.pos;
    if ((err = dup_string(&c, q8_get32(p), c.pos, "graph name", &r->g->name)))
        return err;
    uint32_t nin = q8_get32(p + 4), nout = q8_get32(p + 8);
    if ((err = expect_zero(&c, q8_get32(p + 12), c.pos + 12, "in the graph record")))
        return err;
    c.pos += Q8_GRAPH_FIXED;
    if ((err = need_count(&c, (uint64_t)nin + nout, 4, "graph input and output")))
        return err;
    r->g->ninputs = nin;
    r->g->noutputs = nout;
    if ((err = read_refs(&c, nin, &r->g->inputs, "graph", "input")) ||
        (err = read_refs(&c, nout, &r->g->outputs, "graph", "output")) || (err = skip_to8(&c)))
        return err;
    return finish_section(&c);
}

static int decode(const char *name, const uint8_t *bytes, size_t len, bool verify,
                  struct dpu_graph *g, struct dpu_diag *d)
{
    dpu_graph_init(g);
    struct reader r = {.name = name, .b = bytes, .len = len, .d = d, .g = g};
    int err = check_frame(&r);
    if (!err)
        err = read_tensors(&r);
    if (!err)
        err = read_nodes(&r);
    if (!err)
        err = read_graph(&r);
    if (!err && verify) {
        struct dpu_diag inner;
        dpu_diag_clear(&inner);
        err = dpu_graph_verify(g, &inner);
        if (err)
            dpu_diag_set(d, err, "%s: %s", name, dpu_diag_message(&inner));
    }
    if (err)
        dpu_graph_free(g);
    return err;
}

int dpu_q8_decode(const char *name, const uint8_t *bytes, size_t len, struct dpu_graph *g,
                  struct dpu_diag *d)
{
    return decode(name, bytes, len, true, g, d);
}

int dpu_q8_decode_unverified(const char *name, const uint8_t *bytes, size_t len,
                             struct dpu_graph *g, struct dpu_diag *d)
{
    return decode(name, bytes, len, false, g, d);
}

int dpu_q8_read(const char *path, struct dpu_graph *g, struct dpu_diag *d)
{
    dpu_graph_init(g);
    uint8_t *bytes;
    size_t len;
    int err = dpu_read_file(path, DPU_Q8_MAX_FILE_BYTES, &bytes, &len, d);
    if (err)
        return err;
    err = dpu_q8_decode(path, bytes, len, g, d);
    free(bytes);
    return err;
}
