/* Binary model.q8 writer: measures every section, allocates the file once (zeroed, so all
 * padding and reserved fields are 0), fills it, and stamps the CRC. The layout is in
 * q8_format.h and docs/q8-format.md. Strings are stored once each, in order of first use. */
#include <stdlib.h>
#include <string.h>

#include "dpu/crc32.h"
#include "dpu/fileio.h"
#include "dpu/q8.h"
#include "q8_format.h"
#include "strmap.h"

/* The string table under construction. */
struct strtab {
    struct dpu_strmap map;
    char *buf;
    size_t len, cap;
};

static const char *nz(const char *s)
{
    return s ? s : "";
}

/* Adds s (once) and stores its offset; false when out of memory or past 4 GiB. */
static bool strtab_add(struct strtab *st, const char *s)
{
    s = nz(s);
    size_t n = strlen(s);
    if (dpu_strmap_get(&st->map, s, n) >= 0)
        return true;
    if (st->len + n + 1 > UINT32_MAX)
        return false;
    if (st->len + n + 1 > st->cap) {
        size_t cap = st->cap ? st->cap : 1024;
        while (cap < st->len + n + 1)
            cap *= 2;
        char *nb = realloc(st->buf, cap);
        if (!nb)
            return false;
        st->buf = nb;
        st->cap = cap;
    }
    memcpy(st->buf + st->len, s, n + 1);
    /* The map's keys point into the graph, which outlives the table. */
    if (dpu_strmap_put(&st->map, s, n, (int64_t)st->len, NULL) < 0)
        return false;
    st->len += n + 1;
    return true;
}

static uint32_t strtab_off(const struct strtab *st, const char *s)
{
    s = nz(s);
    return (uint32_t)dpu_strmap_get(&st->map, s, strlen(s));
}

/* What the encoder needs to read the graph without crashing; everything else is the
 * verifier's business. */
static int check_encodable(const struct dpu_graph *g, struct dpu_diag *d)
{
    if (g->ntensors > INT32_MAX || g->nnodes > UINT32_MAX || g->ninputs > UINT32_MAX ||
        g->noutputs > UINT32_MAX)
        return dpu_diag_set(d, DPU_E_RANGE, "graph too large for model.q8");
    if ((g->ntensors && !g->tensors) || (g->nnodes && !g->nodes) || (g->ninputs && !g->inputs) ||
        (g->noutputs && !g->outputs))
        return dpu_diag_set(d, DPU_E_INVALID, "graph has a count without its array");
    for (size_t i = 0; i < g->ntensors; i++) {
        const struct dpu_gtensor *t = &g->tensors[i];
        if (q8_dtype_code(t->dtype) < 0 || dpu_shape_count(t->rank, t->dims) < 0)
            return dpu_diag_set(d, DPU_E_INVALID, "tensor %zu: bad dtype or shape", i);
        if (t->quant.count && (!t->quant.scale || !t->quant.zero_point))
            return dpu_diag_set(d, DPU_E_INVALID, "tensor %zu: quantization without arrays", i);
        if (t->quant.count > UINT32_MAX)
            return dpu_diag_set(d, DPU_E_RANGE, "tensor %zu: too many scales", i);
    }
    for (size_t i = 0; i < g->nnodes; i++) {
        const struct dpu_gnode *n = &g->nodes[i];
        if (!dpu_node_op_name(n->op))
            return dpu_diag_set(d, DPU_E_INVALID, "node %zu: unknown op %d", i, (int)n->op);
        if ((n->ninputs && !n->inputs) || (n->noutputs && !n->outputs) ||
            (n->nattrs && !n->attrs) || n->ninputs > UINT32_MAX || n->noutputs > UINT32_MAX ||
            n->nattrs > UINT32_MAX)
            return dpu_diag_set(d, DPU_E_INVALID, "node %zu: bad input, output or attribute list",
                                i);
        for (size_t k = 0; k < n->nattrs; k++) {
            const struct dpu_attr *a = &n->attrs[k];
            bool ok = a->type == DPU_ATTR_INT || a->type == DPU_ATTR_FLOAT ||
                      (a->type == DPU_ATTR_INTS && (!a->n || a->ints)) ||
                      (a->type == DPU_ATTR_FLOATS && (!a->n || a->floats)) ||
                      (a->type == DPU_ATTR_STRING && a->s);
            if (!ok)
                return dpu_diag_set(d, DPU_E_INVALID, "node %zu: attribute %zu is malformed", i, k);
        }
    }
    return DPU_OK;
}

static bool build_strtab(const struct dpu_graph *g, struct strtab *st)
{
    bool ok = strtab_add(st, g->name);
    for (size_t i = 0; ok && i < g->ntensors; i++)
        ok = strtab_add(st, g->tensors[i].name);
    for (size_t i = 0; ok && i < g->nnodes; i++) {
        const struct dpu_gnode *n = &g->nodes[i];
        ok = strtab_add(st, n->name) && strtab_add(st, dpu_node_op_name(n->op));
        for (size_t k = 0; ok && k < n->nattrs; k++) {
            ok = strtab_add(st, n->attrs[k].name);
            if (ok && n->attrs[k].type == DPU_ATTR_STRING)
                ok = strtab_add(st, n->attrs[k].s);
        }
    }
    return ok;
}

/* Payload sizes. Sizes are bounded by what the graph holds in memory, so sums of them fit
 * size_t on the 64-bit hosts we build for; the total is checked against the file limit. */
static size_t tensor_record_size(const struct dpu_gtensor *t)
{
    return q8_align(Q8_TENSOR_FIXED + 8 * (size_t)t->rank + 8 * t->quant.count, 8);
}

static size_t attr_record_size(const struct dpu_attr *a)
{
    bool list = a->type == DPU_ATTR_INTS || a->type == DPU_ATTR_FLOATS;
    return Q8_ATTR_FIXED + (list ? 8 * a->n : 0);
}

static size_t node_record_size(const struct dpu_gnode *n)
{
    size_t s = q8_align(Q8_NODE_FIXED + 4 * (n->ninputs + n->noutputs), 8);
    for (size_t k = 0; k < n->nattrs; k++)
        s += attr_record_size(&n->attrs[k]);
    return s;
}

static size_t tensor_bytes(const struct dpu_gtensor *t)
{
    return (size_t)dpu_shape_count(t->rank, t->dims) * dpu_dtype_size(t->dtype);
}

/* Writes one section header at *pos and returns where its payload starts. */
static size_t put_section(uint8_t *b, size_t *pos, const char *tag, size_t plen)
{
    size_t at = *pos;
    memcpy(b + at, tag, 4);
    q8_put64(b + at + 8, plen);
    *pos = at + Q8_SECTION_HEADER + q8_align(plen, Q8_ALIGN);
    return at + Q8_SECTION_HEADER;
}

static void fill_tensors(const struct dpu_graph *g, const struct strtab *st, uint8_t *p)
{
    q8_put32(p, (uint32_t)g->ntensors);
    p += Q8_LIST_HEADER;
    size_t data_off = 0;
    for (size_t i = 0; i < g->ntensors; i++) {
        const struct dpu_gtensor *t = &g->tensors[i];
        q8_put32(p, strtab_off(st, t->name));
        p[4] = (uint8_t)q8_dtype_code(t->dtype);
        p[5] = (uint8_t)t->rank;
        q8_put16(p + 6, t->data ? Q8_TENSOR_FLAG_CONSTANT : 0);
        q8_put32(p + 8, q8_u32(t->quant.axis));
        q8_put32(p + 12, (uint32_t)t->quant.count);
        if (t->data) {
            q8_put64(p + 16, data_off);
            q8_put64(p + 24, tensor_bytes(t));
            data_off = q8_align(data_off + tensor_bytes(t), Q8_ALIGN);
        }
        uint8_t *q = p + Q8_TENSOR_FIXED;
        for (int k = 0; k < t->rank; k++, q += 8)
            q8_put64(q, q8_u64(t->dims[k]));
        for (size_t c = 0; c < t->quant.count; c++, q += 4) {
            uint32_t bits;
            memcpy(&bits, &t->quant.scale[c], 4);
            q8_put32(q, bits);
        }
        for (size_t c = 0; c < t->quant.count; c++, q += 4)
            q8_put32(q, q8_u32(t->quant.zero_point[c]));
        p += tensor_record_size(t);
    }
}

static uint8_t *fill_attr(const struct strtab *st, const struct dpu_attr *a, uint8_t *p)
{
    static const uint8_t codes[] = {[DPU_ATTR_INT] = Q8_AT_INT,
                                    [DPU_ATTR_FLOAT] = Q8_AT_FLOAT,
                                    [DPU_ATTR_INTS] = Q8_AT_INTS,
                                    [DPU_ATTR_FLOATS] = Q8_AT_FLOATS,
                                    [DPU_ATTR_STRING] = Q8_AT_STRING};
    q8_put32(p, strtab_off(st, a->name));
    p[4] = codes[a->type];
    uint64_t bits;
    switch (a->type) {
    case DPU_ATTR_INT:
        q8_put64(p + 8, q8_u64(a->i));
        break;
    case DPU_ATTR_FLOAT:
        memcpy(&bits, &a->f, 8);
        q8_put64(p + 8, bits);
        break;
    case DPU_ATTR_INTS:
        q8_put64(p + 8, a->n);
        for (size_t j = 0; j < a->n; j++)
            q8_put64(p + Q8_ATTR_FIXED + 8 * j, q8_u64(a->ints[j]));
        break;
    case DPU_ATTR_FLOATS:
        q8_put64(p + 8, a->n);
        for (size_t j = 0; j < a->n; j++) {
            memcpy(&bits, &a->floats[j], 8);
            q8_put64(p + Q8_ATTR_FIXED + 8 * j, bits);
        }
        break;
    case DPU_ATTR_STRING:
        q8_put64(p + 8, strtab_off(st, a->s));
        break;
    }
    return p + attr_record_size(a);
}

static void fill_nodes(const struct dpu_graph *g, const struct strtab *st, uint8_t *p)
{
    q8_put32(p, (uint32_t)g->nnodes);
    p += Q8_LIST_HEADER;
    for (size_t i = 0; i < g->nnodes; i++) {
        const struct dpu_gnode *n = &g->nodes[i];
        q8_put32(p, strtab_off(st, n->name));
        q8_put32(p + 4, strtab_off(st, dpu_node_op_name(n->op)));
        q8_put32(p + 8, (uint32_t)n->ninputs);
        q8_put32(p + 12, (uint32_t)n->noutputs);
        q8_put32(p + 16, (uint32_t)n->nattrs);
        uint8_t *q = p + Q8_NODE_FIXED;
        for (size_t k = 0; k < n->ninputs; k++, q += 4)
            q8_put32(q, q8_u32(n->inputs[k]));
        for (size_t k = 0; k < n->noutputs; k++, q += 4)
            q8_put32(q, q8_u32(n->outputs[k]));
        p += q8_align(Q8_NODE_FIXED + 4 * (n->ninputs + n->noutputs), 8);
        for (size_t k = 0; k < n->nattrs; k++)
            p = fill_attr(st, &n->attrs[k], p);
    }
}

static void fill_graph(const struct dpu_graph *g, const struct strtab *st, uint8_t *p)
{
    q8_put32(p, strtab_off(st, g->name));
    q8_put32(p + 4, (uint32_t)g->ninputs);
    q8_put32(p + 8, (uint32_t)g->noutputs);
    p += Q8_GRAPH_FIXED;
    for (size_t k = 0; k < g->ninputs; k++, p += 4)
        q8_put32(p, q8_u32(g->inputs[k]));
    for (size_t k = 0; k < g->noutputs; k++, p += 4)
        q8_put32(p, q8_u32(g->outputs[k]));
}

static void fill_data(const struct dpu_graph *g, uint8_t *p)
{
    size_t off = 0;
    for (size_t i = 0; i < g->ntensors; i++) {
        const struct dpu_gtensor *t = &g->tensors[i];
        if (!t->data)
            continue;
        size_t n = tensor_bytes(t);
        if (n)
            memcpy(p + off, t->data, n);
        off = q8_align(off + n, Q8_ALIGN);
    }
}

int dpu_q8_encode(const struct dpu_graph *g, uint8_t **buf, size_t *len, struct dpu_diag *d)
{
    *buf = NULL;
    *len = 0;
    int err = check_encodable(g, d);
    if (err)
        return err;
    struct strtab st = {0};
    dpu_strmap_init(&st.map);
    if (!build_strtab(g, &st)) {
        dpu_strmap_free(&st.map);
        free(st.buf);
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory (or past 4 GiB) for the string table");
    }

    size_t tens = Q8_LIST_HEADER, node = Q8_LIST_HEADER, data = 0;
    for (size_t i = 0; i < g->ntensors; i++) {
        tens += tensor_record_size(&g->tensors[i]);
        if (g->tensors[i].data)
            data = q8_align(data, Q8_ALIGN) + tensor_bytes(&g->tensors[i]);
    }
    for (size_t i = 0; i < g->nnodes; i++)
        node += node_record_size(&g->nodes[i]);
    size_t grph = q8_align(Q8_GRAPH_FIXED + 4 * (g->ninputs + g->noutputs), 8);
    size_t plens[Q8_NSECTIONS] = {st.len, tens, node, grph, data};
    size_t total = Q8_HEADER_SIZE + Q8_TRAILER_SIZE;
    for (int s = 0; s < Q8_NSECTIONS; s++) {
        if (plens[s] > DPU_Q8_MAX_FILE_BYTES) {
            total = SIZE_MAX;
            break;
        }
        total += Q8_SECTION_HEADER + q8_align(plens[s], Q8_ALIGN);
    }
    uint8_t *b = total <= DPU_Q8_MAX_FILE_BYTES ? calloc(1, total) : NULL;
    if (!b) {
        dpu_strmap_free(&st.map);
        free(st.buf);
        if (total > DPU_Q8_MAX_FILE_BYTES)
            return dpu_diag_set(d, DPU_E_RANGE, "model.q8 would exceed %zu bytes",
                                DPU_Q8_MAX_FILE_BYTES);
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for a %zu-byte model.q8", total);
    }

    memcpy(b, DPU_Q8_MAGIC, DPU_Q8_MAGIC_LEN);
    q8_put16(b + 8, DPU_Q8_VERSION_MAJOR);
    q8_put16(b + 10, DPU_Q8_VERSION_MINOR);
    q8_put32(b + 12, g->quantized ? Q8_FLAG_QUANTIZED : 0);
    q8_put64(b + 16, total);
    q8_put32(b + 24, Q8_NSECTIONS);
    size_t pos = Q8_HEADER_SIZE;
    size_t p_strs = put_section(b, &pos, Q8_TAG_STRS, st.len);
    if (st.len)
        memcpy(b + p_strs, st.buf, st.len);
    fill_tensors(g, &st, b + put_section(b, &pos, Q8_TAG_TENS, tens));
    fill_nodes(g, &st, b + put_section(b, &pos, Q8_TAG_NODE, node));
    fill_graph(g, &st, b + put_section(b, &pos, Q8_TAG_GRPH, grph));
    fill_data(g, b + put_section(b, &pos, Q8_TAG_DATA, data));
    memcpy(b + pos, Q8_TRAILER_TAG, 4);
    q8_put32(b + pos + 4, dpu_crc32(0, b, pos));
    dpu_strmap_free(&st.map);
    free(st.buf);
    *buf = b;
    *len = total;
    return DPU_OK;
}

int dpu_q8_write(const char *path, const struct dpu_graph *g, struct dpu_diag *d)
{
    uint8_t *buf;
    size_t len;
    struct dpu_diag inner;
    dpu_diag_clear(&inner);
    int err = dpu_q8_encode(g, &buf, &len, &inner);
    if (err)
        return dpu_diag_set(d, err, "%s: %s", path, dpu_diag_message(&inner));
    err = dpu_write_file(path, buf, len, d);
    free(buf);
    return err;
}
