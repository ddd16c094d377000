/* A walk over the protobuf wire format, guided by the generated descriptors, before
 * protobuf-c unpacks anything.
 *
 * protobuf-c (1.4) recurses once per nested message without a depth limit, and allocates a
 * C struct per message and an array element per repeated value, so a small crafted file
 * could exhaust the stack (GraphProto nests through AttributeProto without bound) or make
 * it allocate many times the file's size. This walk measures both first and refuses the
 * file with a message instead. It accepts a superset of what protobuf-c accepts: anything
 * else protobuf-c still refuses on its own.
 */
#include <inttypes.h>

#include "dpu/onnx_ctx.h"

/* The unpacked structures may take this much beyond 4 bytes per input byte. */
#define SLACK_BYTES ((uint64_t)256 << 20)

struct walk {
    const uint8_t *base;
    const char *name;
    uint64_t mem;
    struct dpu_diag *d;
};

/* Reads a varint at *p (< end); 0 on success. */
static int read_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    uint64_t r = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (*p >= end)
            return -1;
        uint8_t b = *(*p)++;
        if (shift == 63 && b > 1)
            return -1;
        r |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = r;
            return 0;
        }
    }
    return -1;
}

static int bad(struct walk *w, const uint8_t *at, const char *what)
{
    return dpu_diag_set(w->d, DPU_E_PARSE, "%s: not a valid ONNX protobuf (byte %td: %s)", w->name,
                        at - w->base, what);
}

/* Size of one element of a repeated field in the unpacked struct. */
static size_t elem_size(const ProtobufCFieldDescriptor *f)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_ENUM:
    case PROTOBUF_C_TYPE_BOOL:
        return 4;
    case PROTOBUF_C_TYPE_BYTES:
        return sizeof(ProtobufCBinaryData);
    default:
        return 8; /* 64-bit scalars, pointers to strings and messages */
    }
}

/* Element count of a packed field's payload. */
static uint64_t packed_count(const ProtobufCFieldDescriptor *f, const uint8_t *p, uint64_t len)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_FLOAT:
        return len / 4;
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_DOUBLE:
        return len / 8;
    default: {
        uint64_t n = 0; /* varints: one per byte without the continuation bit */
        for (uint64_t i = 0; i < len; i++)
            n += !(p[i] & 0x80);
        return n;
    }
    }
}

static int walk_msg(struct walk *w, const ProtobufCMessageDescriptor *desc, const uint8_t *p,
                    const uint8_t *end, int depth)
{
    if (depth > ONNX_MAX_DEPTH)
        return dpu_diag_set(w->d, DPU_E_UNSUPPORTED,
                            "%s: messages nested more than %d deep (byte %td)", w->name,
                            ONNX_MAX_DEPTH, p - w->base);
    w->mem += desc->sizeof_message;
    while (p < end) {
        const uint8_t *at = p;
        uint64_t tag;
        if (read_varint(&p, end, &tag))
            return bad(w, at, "truncated field tag");
        uint64_t num = tag >> 3;
        unsigned wire = (unsigned)(tag & 7);
        if (num == 0 || num > 536870911)
            return bad(w, at, "field number out of range");
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field(desc, (unsigned)num);
        if (f && f->label == PROTOBUF_C_LABEL_REPEATED)
            w->mem += elem_size(f);
        uint64_t v;
        switch (wire) {
        case 0:
            if (read_varint(&p, end, &v))
                return bad(w, at, "truncated varint");
            break;
        case 1:
        case 5: {
            size_t need = wire == 1 ? 8 : 4;
            if ((size_t)(end - p) < need)
                return bad(w, at, "truncated fixed-width value");
            p += need;
            break;
        }
        case 2:
            if (read_varint(&p, end, &v))
                return bad(w, at, "truncated length");
            if (v > (uint64_t)(end - p))
                return bad(w, at, "length runs past the end of its message");
            if (f && f->type == PROTOBUF_C_TYPE_MESSAGE) {
                int err = walk_msg(w, f->descriptor, p, p + v, depth + 1);
                if (err)
                    return err;
            } else if (f &&
                       (f->type == PROTOBUF_C_TYPE_STRING || f->type == PROTOBUF_C_TYPE_BYTES)) {
                w->mem += v + 1;
            } else if (f && f->label == PROTOBUF_C_LABEL_REPEATED) {
                w->mem += packed_count(f, p, v) * elem_size(f);
            }
            p += v;
            break;
        default:
            return bad(w, at, "unsupported wire type (groups are not used by ONNX)");
        }
        if (!f)
            w->mem += 32 + (uint64_t)(p - at); /* kept as an unknown field, copied */
    }
    return DPU_OK;
}

int onnx_wire_check(const ProtobufCMessageDescriptor *desc, const uint8_t *bytes, size_t len,
                    const char *name, struct dpu_diag *d)
{
    static const uint8_t empty[1];
    if (len == 0)
        bytes = empty; /* never form NULL + 0 */
    struct walk w = {.base = bytes, .name = name, .d = d};
    int err = walk_msg(&w, desc, bytes, bytes + len, 0);
    if (err)
        return err;
    if (w.mem > 4 * (uint64_t)len + SLACK_BYTES)
        return dpu_diag_set(d, DPU_E_RANGE,
                            "%s: would take %" PRIu64 " MiB of memory to unpack, more than 4 "
                            "times its size; refusing it",
                            name, w.mem >> 20);
    return DPU_OK;
}
