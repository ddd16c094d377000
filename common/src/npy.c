/* Reading and writing whole .npy files; the header grammar lives in npy_header.c. */
#include "dpu/npy.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/fileio.h"

/* Tensors hold data in host order and .npy files we write say '<': both assume a
 * little-endian host, which every platform we target is. Fail the build elsewhere. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "opendpu's .npy code assumes a little-endian host"
#endif

/* numpy aligns the data to 64 bytes and leaves room for the first dimension to grow to 21
 * digits (numpy/lib/format.py: ARRAY_ALIGN, GROWTH_AXIS_MAX_DIGITS). Matching both makes our
 * files byte-identical to np.save's. */
#define NPY_ALIGN       64
#define NPY_GROWTH_ROOM 21
/* Preamble (10 bytes) + the longest dictionary (about 190 bytes at rank 8) + padding. */
#define NPY_HEADER_CAP 512

/* Checks that the data after the header is exactly what the shape and dtype need, and
 * returns that size in *nbytes. */
static int check_data_size(const char *name, const struct dpu_npy_header *h, size_t len,
                           size_t *nbytes, struct dpu_diag *d)
{
    struct dpu_tensor shape = {.dtype = h->dtype, .rank = h->rank};
    memcpy(shape.dims, h->dims, sizeof shape.dims);
    char text[DPU_SHAPE_STR_MAX];
    dpu_shape_format(h->rank, h->dims, text, sizeof text);
    int64_t need = dpu_tensor_nbytes(&shape);
    if (need < 0)
        return dpu_diag_set(d, DPU_E_RANGE, "%s: shape %s of %s needs more than 2^40 bytes", name,
                            text, dpu_dtype_name(h->dtype));
    size_t have = len - h->data_offset;
    if (have != (uint64_t)need)
        return dpu_diag_set(d, DPU_E_PARSE,
                            "%s: data too %s: %zu bytes from offset %zu, but shape %s of %s "
                            "needs %" PRId64 " bytes",
                            name, have < (uint64_t)need ? "short" : "long", have, h->data_offset,
                            text, dpu_dtype_name(h->dtype), need);
    *nbytes = (size_t)need;
    return DPU_OK;
}

/* Turns big-endian 4-byte elements into host (little-endian) order in place. */
static void swap32(uint8_t *p, size_t nbytes)
{
    for (size_t i = 0; i + 4 <= nbytes; i += 4) {
        uint8_t a = p[i], b = p[i + 1];
        p[i] = p[i + 3];
        p[i + 1] = p[i + 2];
        p[i + 2] = b;
        p[i + 3] = a;
    }
}

static void set_shape(struct dpu_tensor *out, const struct dpu_npy_header *h, void *data)
{
    memset(out, 0, sizeof *out);
    out->dtype = h->dtype;
    out->rank = h->rank;
    memcpy(out->dims, h->dims, sizeof out->dims);
    out->data = data;
}

int dpu_npy_parse(const char *name, const uint8_t *bytes, size_t len, struct dpu_tensor *out,
                  struct dpu_diag *d)
{
    memset(out, 0, sizeof *out);
    if (!name)
        name = "<memory>";
    struct dpu_npy_header h;
    size_t nbytes = 0;
    int err = dpu_npy_parse_header(name, bytes, len, &h, d);
    if (!err)
        err = check_data_size(name, &h, len, &nbytes, d);
    if (err)
        return err;
    /* The size is bounded by len, so this allocation is never larger than the input. */
    uint8_t *data = malloc(nbytes ? nbytes : 1);
    if (!data)
        return dpu_diag_set(d, DPU_E_NOMEM, "%s: out of memory for %zu bytes of data", name,
                            nbytes);
    if (nbytes)
        memcpy(data, bytes + h.data_offset, nbytes);
    if (h.big_endian)
        swap32(data, nbytes);
    set_shape(out, &h, data);
    return DPU_OK;
}

int dpu_npy_read(const char *path, struct dpu_tensor *out, struct dpu_diag *d)
{
    memset(out, 0, sizeof *out);
    uint8_t *buf;
    size_t len;
    int err = dpu_read_file(path, DPU_NPY_MAX_FILE_BYTES, &buf, &len, d);
    if (err)
        return err;
    struct dpu_npy_header h;
    size_t nbytes = 0;
    err = dpu_npy_parse_header(path, buf, len, &h, d);
    if (!err)
        err = check_data_size(path, &h, len, &nbytes, d);
    if (err) {
        free(buf);
        return err;
    }
    /* Reuse the file buffer for the data rather than holding two copies of a large tensor. */
    memmove(buf, buf + h.data_offset, nbytes);
    uint8_t *shrunk = realloc(buf, nbytes ? nbytes : 1);
    if (shrunk)
        buf = shrunk;
    if (h.big_endian)
        swap32(buf, nbytes);
    set_shape(out, &h, buf);
    return DPU_OK;
}

/* numpy's type string for each dtype, as np.save writes it. */
static const char *npy_descr(enum dpu_dtype dt)
{
    switch (dt) {
    case DPU_DT_INT8:
        return "|i1";
    case DPU_DT_UINT8:
        return "|u1";
    case DPU_DT_INT32:
        return "<i4";
    case DPU_DT_FLOAT32:
        return "<f4";
    }
    return NULL;
}

/* Checks t and builds the preamble and header np.save would write for it into buf
 * (NPY_HEADER_CAP bytes). Returns 0 and sets *hsize and *nbytes, or an error. */
static int format_header(const struct dpu_tensor *t, uint8_t *buf, size_t *hsize, size_t *nbytes,
                         struct dpu_diag *d)
{
    int err = dpu_tensor_check(t, d);
    if (err)
        return err;
    *nbytes = (size_t)dpu_tensor_nbytes(t);
    if (*nbytes && !t->data)
        return dpu_diag_set(d, DPU_E_INVALID, "tensor of %zu bytes has no data", *nbytes);

    char shape[DPU_SHAPE_STR_MAX];
    char *dict = (char *)buf + 10;
    size_t room = NPY_HEADER_CAP - 10;
    /* numpy prints the keys sorted, each followed by ", ", inside braces. */
    int n = snprintf(dict, room, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                     npy_descr(t->dtype), dpu_shape_format(t->rank, t->dims, shape, sizeof shape));
    if (n < 0 || (size_t)n >= room)
        return dpu_diag_set(d, DPU_E_INTERNAL, "npy header does not fit %d bytes", NPY_HEADER_CAP);
    size_t dlen = (size_t)n;
    if (t->rank > 0) {
        char first[24];
        int digits = snprintf(first, sizeof first, "%" PRId64, t->dims[0]);
        for (int i = digits; i < NPY_GROWTH_ROOM; i++)
            dict[dlen++] = ' ';
    }
    /* Pad with spaces so that the data starts on a 64-byte boundary; the '\n' ends the
     * header. Like numpy, an already aligned header still gets a full 64 spaces. */
    size_t pad = NPY_ALIGN - (10 + dlen + 1) % NPY_ALIGN;
    if (10 + dlen + pad + 1 > NPY_HEADER_CAP)
        return dpu_diag_set(d, DPU_E_INTERNAL, "npy header does not fit %d bytes", NPY_HEADER_CAP);
    memset(dict + dlen, ' ', pad);
    dict[dlen + pad] = '\n';
    size_t hlen = dlen + pad + 1;

    static const uint8_t preamble[8] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    memcpy(buf, preamble, sizeof preamble);
    buf[8] = (uint8_t)(hlen & 0xff);
    buf[9] = (uint8_t)(hlen >> 8);
    *hsize = 10 + hlen;
    return DPU_OK;
}

int dpu_npy_encode(const struct dpu_tensor *t, uint8_t **bytes, size_t *len, struct dpu_diag *d)
{
    *bytes = NULL;
    *len = 0;
    uint8_t header[NPY_HEADER_CAP];
    size_t hsize = 0, nbytes = 0; /* set by format_header on success */
    int err = format_header(t, header, &hsize, &nbytes, d);
    if (err)
        return err;
    uint8_t *out = malloc(hsize + nbytes);
    if (!out)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory encoding a %zu-byte tensor", nbytes);
    memcpy(out, header, hsize);
    if (nbytes)
        memcpy(out + hsize, t->data, nbytes);
    *bytes = out;
    *len = hsize + nbytes;
    return DPU_OK;
}

int dpu_npy_write(const char *path, const struct dpu_tensor *t, struct dpu_diag *d)
{
    uint8_t header[NPY_HEADER_CAP];
    size_t hsize = 0, nbytes = 0; /* set by format_header on success */
    /* The tensor's own explanation, prefixed with the file being written. */
    struct dpu_diag why;
    dpu_diag_clear(&why);
    int err = format_header(t, header, &hsize, &nbytes, &why);
    if (err)
        return dpu_diag_set(d, err, "%s: cannot write: %s", path, dpu_diag_message(&why));
    /* Header and data go out separately so a large tensor is never copied. */
    FILE *f = fopen(path, "wb");
    if (!f)
        return dpu_diag_set(d, DPU_E_IO, "%s: cannot create: %s", path, strerror(errno));
    int bad = fwrite(header, 1, hsize, f) != hsize;
    if (!bad && nbytes)
        bad = fwrite(t->data, 1, nbytes, f) != nbytes;
    int saved = errno;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    if (bad)
        return dpu_diag_set(d, DPU_E_IO, "%s: write error: %s", path, strerror(saved));
    return DPU_OK;
}
