/* IDX reader (MNIST-style data files), gzipped or plain; the format is described in
 * dpu/idx.h. Decompression is zlib's (a gzip member, the way the data sets ship). */
#include "dpu/idx.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "dpu/fileio.h"

#define IDX_HEADER_FIXED 4

struct idx_type {
    uint8_t code;
    size_t size; /* bytes per element in the file */
    enum dpu_dtype dtype;
    const char *name;
};

static const struct idx_type idx_types[] = {
    {0x08, 1, DPU_DT_UINT8, "unsigned byte"}, {0x09, 1, DPU_DT_INT8, "signed byte"},
    {0x0B, 2, DPU_DT_INT32, "int16"},         {0x0C, 4, DPU_DT_INT32, "int32"},
    {0x0D, 4, DPU_DT_FLOAT32, "float32"},     {0x0E, 8, DPU_DT_FLOAT32, "double"},
};

static const struct idx_type *find_type(uint8_t code)
{
    for (size_t i = 0; i < sizeof idx_types / sizeof idx_types[0]; i++)
        if (idx_types[i].code == code)
            return &idx_types[i];
    return NULL;
}

static bool is_gzip(const uint8_t *b, size_t len)
{
    return len >= 2 && b[0] == 0x1f && b[1] == 0x8b;
}

bool dpu_idx_sniff(const uint8_t *b, size_t len)
{
    if (is_gzip(b, len))
        return true;
    return len >= IDX_HEADER_FIXED && b[0] == 0 && b[1] == 0 && find_type(b[2]) && b[3] >= 1 &&
           b[3] <= DPU_TENSOR_MAX_RANK;
}

/* Inflates one gzip member into a malloc'd buffer of at most DPU_IDX_MAX_BYTES. */
static int gunzip(const char *name, const uint8_t *in, size_t len, uint8_t **out, size_t *outlen,
                  struct dpu_diag *d)
{
    *out = NULL;
    *outlen = 0;
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) /* 16: expect a gzip header */
        return dpu_diag_set(d, DPU_E_NOMEM, "%s: cannot start zlib", name);
    size_t cap = len < 4096 ? 16384 : len * 4, n = 0, consumed = 0;
    uint8_t *buf = malloc(cap);
    int zerr = Z_OK, err = DPU_OK;
    if (!buf)
        err = dpu_diag_set(d, DPU_E_NOMEM, "%s: out of memory", name);
    while (!err && zerr != Z_STREAM_END) {
        if (n == cap) {
            if (cap >= DPU_IDX_MAX_BYTES) {
                err = dpu_diag_set(d, DPU_E_RANGE, "%s: decompresses to more than %zu bytes", name,
                                   (size_t)DPU_IDX_MAX_BYTES);
                break;
            }
            size_t ncap = cap * 2 > DPU_IDX_MAX_BYTES ? DPU_IDX_MAX_BYTES : cap * 2;
            uint8_t *nb = realloc(buf, ncap);
            if (!nb) {
                err = dpu_diag_set(d, DPU_E_NOMEM, "%s: out of memory", name);
                break;
            }
            buf = nb;
            cap = ncap;
        }
        /* zlib counts in uInt: feed and drain at most 1 GiB per call. */
        size_t in_left = len - consumed, out_left = cap - n;
        zs.next_in = (Bytef *)(in + consumed);
        zs.avail_in = (uInt)(in_left > (1u << 30) ? (1u << 30) : in_left);
        zs.next_out = buf + n;
        zs.avail_out = (uInt)(out_left > (1u << 30) ? (1u << 30) : out_left);
        uInt before_in = zs.avail_in, before_out = zs.avail_out;
        zerr = inflate(&zs, Z_NO_FLUSH);
        consumed += before_in - zs.avail_in;
        n += before_out - zs.avail_out;
        if (zerr == Z_STREAM_END)
            break;
        if (zerr == Z_BUF_ERROR && consumed == len)
            err = dpu_diag_set(d, DPU_E_PARSE, "%s: gzip stream truncated after %zu bytes", name,
                               len);
        else if (zerr != Z_OK && zerr != Z_BUF_ERROR)
            err = dpu_diag_set(d, DPU_E_PARSE, "%s: corrupt gzip stream at byte %zu: %s", name,
                               consumed, zs.msg ? zs.msg : "inflate failed");
    }
    inflateEnd(&zs);
    if (!err && consumed != len)
        err = dpu_diag_set(d, DPU_E_PARSE, "%s: %zu bytes after the end of the gzip stream", name,
                           len - consumed);
    if (err) {
        free(buf);
        return err;
    }
    *out = buf;
    *outlen = n;
    return DPU_OK;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* Converts count big-endian elements of type t at src into dst (host order, t->dtype). */
static void convert(const struct idx_type *t, const uint8_t *src, int64_t count, void *dst)
{
    for (int64_t i = 0; i < count; i++) {
        const uint8_t *p = src + (size_t)i * t->size;
        switch (t->code) {
        case 0x08:
        case 0x09:
            ((uint8_t *)dst)[i] = p[0];
            break;
        case 0x0B:
            ((int32_t *)dst)[i] = (int16_t)((uint16_t)(p[0] << 8 | p[1]));
            break;
        case 0x0C:
            ((int32_t *)dst)[i] = (int32_t)be32(p);
            break;
        case 0x0D: {
            uint32_t u = be32(p);
            memcpy((float *)dst + i, &u, 4);
            break;
        }
        default: { /* 0x0E */
            uint64_t u = be64(p);
            double v;
            memcpy(&v, &u, 8);
            ((float *)dst)[i] = (float)v;
            break;
        }
        }
    }
}

static int parse_plain(const char *name, const uint8_t *b, size_t len, struct dpu_tensor *out,
                       struct dpu_diag *d)
{
    if (len < IDX_HEADER_FIXED)
        return dpu_diag_set(d, DPU_E_PARSE, "%s: %zu bytes, too short for an IDX header", name,
                            len);
    if (b[0] != 0 || b[1] != 0)
        return dpu_diag_set(d, DPU_E_PARSE,
                            "%s: not an IDX file: starts with %02x %02x, expected 00 00", name,
                            b[0], b[1]);
    const struct idx_type *t = find_type(b[2]);
    if (!t)
        return dpu_diag_set(d, DPU_E_UNSUPPORTED, "%s: byte 2: unknown IDX type code 0x%02x", name,
                            b[2]);
    int rank = b[3];
    if (rank < 1 || rank > DPU_TENSOR_MAX_RANK)
        return dpu_diag_set(d, DPU_E_UNSUPPORTED, "%s: byte 3: rank %d, expected 1 to %d", name,
                            rank, DPU_TENSOR_MAX_RANK);
    size_t header = IDX_HEADER_FIXED + 4 * (size_t)rank;
    if (len < header)
        return dpu_diag_set(d, DPU_E_PARSE, "%s: truncated in the dimensions (%zu of %zu bytes)",
                            name, len, header);
    int64_t dims[DPU_TENSOR_MAX_RANK];
    for (int i = 0; i < rank; i++) {
        dims[i] = be32(b + IDX_HEADER_FIXED + 4 * (size_t)i);
        if (dims[i] > DPU_TENSOR_MAX_DIM)
            return dpu_diag_set(d, DPU_E_RANGE,
                                "%s: byte %zu: dimension %d is %" PRId64 ", above 2^40", name,
                                IDX_HEADER_FIXED + 4 * (size_t)i, i, dims[i]);
    }
    int64_t count = dpu_shape_count(rank, dims);
    if (count < 0 || (uint64_t)count > (DPU_IDX_MAX_BYTES - header) / t->size)
        return dpu_diag_set(d, DPU_E_RANGE, "%s: the shape holds too many elements", name);
    size_t need = (size_t)count * t->size, have = len - header;
    if (have != need)
        return dpu_diag_set(
            d, DPU_E_PARSE,
            "%s: data too %s: %zu bytes from offset %zu, but %" PRId64 " elements of %s need %zu",
            name, have < need ? "short" : "long", have, header, count, t->name, need);
    int err = dpu_tensor_alloc(out, t->dtype, rank, dims, d);
    if (err)
        return err;
    convert(t, b + header, count, out->data);
    return DPU_OK;
}

int dpu_idx_parse(const char *name, const uint8_t *bytes, size_t len, struct dpu_tensor *out,
                  struct dpu_diag *d)
{
    memset(out, 0, sizeof *out);
    if (!name)
        name = "<memory>";
    if (!is_gzip(bytes, len))
        return parse_plain(name, bytes, len, out, d);
    uint8_t *plain;
    size_t plen;
    int err = gunzip(name, bytes, len, &plain, &plen, d);
    if (err)
        return err;
    err = parse_plain(name, plain, plen, out, d);
    free(plain);
    return err;
}

int dpu_idx_read(const char *path, struct dpu_tensor *out, struct dpu_diag *d)
{
    memset(out, 0, sizeof *out);
    uint8_t *bytes;
    size_t len;
    int err = dpu_read_file(path, DPU_IDX_MAX_BYTES, &bytes, &len, d);
    if (err)
        return err;
    err = dpu_idx_parse(path, bytes, len, out, d);
    free(bytes);
    return err;
}
