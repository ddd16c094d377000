/* Text model.q8 reader: a line-at-a-time recursive-descent parser over q8_text_lex.c's
 * tokens, building the graph with the graph.h builders and finally verifying it. The
 * grammar (docs/q8-format.md, "The text form"):
 *
 *   file    := header line*                  blank lines and '#' comments anywhere
 *   header  := "q8" VERSION ("quantized" | "float") ["name" "=" name] EOL
 *   line    := "tensor" name DTYPE ints ["quant" "=" INT "scale" "=" floats "zp" "=" ints]
 *                  ["data" "=" HEX] EOL
 *            | "node" name OP "in" "=" refs "out" "=" refs (key "=" value)* EOL
 *            | "inputs" refs EOL | "outputs" refs EOL          (each exactly once)
 *   refs    := "[" [ref ("," ref)*] "]"      ref := name | "-" (absent)
 *   value   := INT | FLOAT | STRING | "[" ints "]" | "[" floats "]" | "floats" "[" floats "]"
 * Tensors must be declared before a line refers to them. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/q8.h"
#include "q8_text.h"
#include "q8_text_lex.h"
#include "strmap.h"

struct parser {
    struct q8_lexer lx;
    struct dpu_graph *g;
    struct dpu_strmap tensors, nodes; /* name -> index; keys are the graph's own strings */
    bool saw_inputs, saw_outputs;
    /* scratch lists, reused line after line */
    int64_t *ints;
    double *dbls;
    float *flts;
    int32_t *refs;
    size_t n, cap; /* elements in the list being read */
};

static int fail(struct parser *p, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct parser *p, int err, const char *fmt, ...)
{
    char msg[sizeof p->lx.d->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return q8_lex_fail(&p->lx, err, "%s", msg);
}

static int unexpected(struct parser *p, const char *what)
{
    char desc[Q8_TOKDESC_MAX];
    return fail(p, DPU_E_PARSE, "expected %s, found %s", what, q8_lex_describe(&p->lx, desc));
}

static int next(struct parser *p)
{
    return q8_lex_next(&p->lx);
}

static bool at(const struct parser *p, enum q8_tok t)
{
    return p->lx.tok == t;
}

/* Consumes the current token if it is t, else reports that `what` was expected. */
static int expect(struct parser *p, enum q8_tok t, const char *what)
{
    return at(p, t) ? next(p) : unexpected(p, what);
}

/* Consumes `key =`. */
static int expect_key(struct parser *p, const char *key)
{
    char what[32];
    snprintf(what, sizeof what, "'%s='", key);
    if (!q8_lex_is_word(&p->lx, key))
        return unexpected(p, what);
    int err = next(p);
    return err ? err : expect(p, TK_EQ, what);
}

static int end_of_line(struct parser *p)
{
    if (at(p, TK_EOF))
        return DPU_OK;
    return expect(p, TK_NEWLINE, "end of line");
}

/* Makes room for one more scratch element. */
static int grow(struct parser *p)
{
    if (p->n < p->cap)
        return DPU_OK;
    size_t cap = p->cap ? p->cap * 2 : 64;
    int64_t *i = realloc(p->ints, cap * sizeof *i);
    if (i)
        p->ints = i;
    double *d = realloc(p->dbls, cap * sizeof *d);
    if (d)
        p->dbls = d;
    float *f = realloc(p->flts, cap * sizeof *f);
    if (f)
        p->flts = f;
    int32_t *r = realloc(p->refs, cap * sizeof *r);
    if (r)
        p->refs = r;
    if (!i || !d || !f || !r)
        return fail(p, DPU_E_NOMEM, "out of memory");
    p->cap = cap;
    return DPU_OK;
}

/* A name token (bare word or string) copied into *out (malloc'd). */
static int take_name(struct parser *p, const char *what, char **out)
{
    if (at(p, TK_WORD))
        *out = strndup(p->lx.text, p->lx.n);
    else if (at(p, TK_STRING))
        *out = strdup(p->lx.str);
    else
        return unexpected(p, what);
    return *out ? next(p) : fail(p, DPU_E_NOMEM, "out of memory");
}

enum elem { E_INT, E_F32, E_F64, E_REF };

static int take_elem(struct parser *p, enum elem kind)
{
    int err = grow(p);
    if (err)
        return err;
    const char *s = p->lx.text;
    size_t n = p->lx.n;
    if (kind == E_REF) {
        if (at(p, TK_WORD) && n == 1 && s[0] == '-') {
            p->refs[p->n++] = -1;
            return next(p);
        }
        const char *name = at(p, TK_STRING) ? p->lx.str : NULL;
        size_t len = name ? p->lx.str_len : n;
        if (!at(p, TK_WORD) && !name)
            return unexpected(p, "a tensor name or '-'");
        int64_t idx = dpu_strmap_get(&p->tensors, name ? name : s, len);
        if (idx < 0) {
            char desc[Q8_TOKDESC_MAX];
            return fail(p, DPU_E_PARSE, "unknown tensor %s (tensors are declared before use)",
                        q8_lex_describe(&p->lx, desc));
        }
        p->refs[p->n++] = (int32_t)idx;
        return next(p);
    }
    if (!at(p, TK_WORD))
        return unexpected(p, kind == E_INT ? "an integer" : "a number");
    bool ok = kind == E_INT   ? q8_parse_int(s, n, &p->ints[p->n])
              : kind == E_F32 ? q8_parse_f32(s, n, &p->flts[p->n])
                              : q8_parse_f64(s, n, &p->dbls[p->n]);
    if (!ok) {
        char desc[Q8_TOKDESC_MAX];
        bool syntax = kind == E_INT ? q8_is_int_token(s, n) : q8_is_float_token(s, n);
        return fail(p, syntax ? DPU_E_RANGE : DPU_E_PARSE, "%s %s", q8_lex_describe(&p->lx, desc),
                    !syntax         ? (kind == E_INT ? "is not an integer" : "is not a number")
                    : kind == E_INT ? "does not fit in 64 bits"
                    : kind == E_F32 ? "is out of the float32 range"
                                    : "is out of the double range");
    }
    p->n++;
    return next(p);
}

/* "[" [elem ("," elem)*] "]" into the scratch list of that kind. */
static int take_list(struct parser *p, enum elem kind)
{
    p->n = 0;
    int err = expect(p, TK_LBRACK, "'['");
    if (err || at(p, TK_RBRACK))
        return err ? err : next(p);
    for (;;) {
        if ((err = take_elem(p, kind)))
            return err;
        if (at(p, TK_RBRACK))
            return next(p);
        if ((err = expect(p, TK_COMMA, "',' or ']'")))
            return err;
    }
}

static int take_int(struct parser *p, int64_t lo, int64_t hi, const char *what, int64_t *out)
{
    p->n = 0;
    int line = p->lx.tline, col = p->lx.tcol;
    int err = take_elem(p, E_INT);
    if (err)
        return err;
    *out = p->ints[0];
    if (*out < lo || *out > hi)
        return dpu_diag_set(p->lx.d, DPU_E_RANGE,
                            "%s:%d:%d: %s %" PRId64 " is outside [%" PRId64 ", %" PRId64 "]",
                            p->lx.path, line, col, what, *out, lo, hi);
    return DPU_OK;
}

static int parse_header(struct parser *p)
{
    while (at(p, TK_NEWLINE))
        if (next(p))
            return p->lx.d->err;
    if (!q8_lex_is_word(&p->lx, "q8"))
        return unexpected(p, "the header 'q8 1.0 quantized|float name=...'");
    int err = next(p);
    if (err)
        return err;
    /* VERSION is MAJOR.MINOR: a word such as "1.0". */
    unsigned major = 0, minor = 0;
    size_t i = 0, n = p->lx.n;
    const char *s = p->lx.text;
    bool ok = at(p, TK_WORD) && n <= 11;
    for (; ok && i < n && s[i] >= '0' && s[i] <= '9'; i++)
        major = major * 10 + (unsigned)(s[i] - '0');
    ok = ok && i > 0 && i < n && s[i] == '.' && i + 1 < n;
    for (i++; ok && i < n; i++) {
        ok = s[i] >= '0' && s[i] <= '9';
        minor = minor * 10 + (unsigned)(s[i] - '0');
    }
    if (!ok)
        return unexpected(p, "a version MAJOR.MINOR such as 1.0");
    if (major != DPU_Q8_VERSION_MAJOR)
        return fail(p, DPU_E_UNSUPPORTED,
                    "model.q8 text version %u.%u is not supported (this reader reads %d.x)", major,
                    minor, DPU_Q8_VERSION_MAJOR);
    if ((err = next(p)))
        return err;
    if (q8_lex_is_word(&p->lx, "quantized"))
        p->g->quantized = true;
    else if (!q8_lex_is_word(&p->lx, "float"))
        return unexpected(p, "'quantized' or 'float'");
    if ((err = next(p)))
        return err;
    if (q8_lex_is_word(&p->lx, "name")) {
        if ((err = expect_key(p, "name")) || (err = take_name(p, "the graph name", &p->g->name)))
            return err;
    }
    return end_of_line(p);
}

static int parse_dtype(struct parser *p, enum dpu_dtype *dt)
{
    static const enum dpu_dtype all[] = {DPU_DT_INT8, DPU_DT_UINT8, DPU_DT_INT32, DPU_DT_FLOAT32};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (q8_lex_is_word(&p->lx, dpu_dtype_name(all[i]))) {
            *dt = all[i];
            return next(p);
        }
    return unexpected(p, "a dtype (int8, uint8, int32 or float32)");
}

static int parse_dims(struct parser *p, int *rank, int64_t *dims)
{
    int line = p->lx.tline, col = p->lx.tcol;
    int err = take_list(p, E_INT);
    if (err)
        return err;
    if (p->n > DPU_TENSOR_MAX_RANK)
        return dpu_diag_set(p->lx.d, DPU_E_RANGE,
                            "%s:%d:%d: shape has %zu dimensions, more than %d", p->lx.path, line,
                            col, p->n, DPU_TENSOR_MAX_RANK);
    for (size_t i = 0; i < p->n; i++) {
        if (p->ints[i] < 0 || p->ints[i] > DPU_TENSOR_MAX_DIM)
            return dpu_diag_set(p->lx.d, DPU_E_RANGE,
                                "%s:%d:%d: dimension %zu is %" PRId64 ", outside [0, 2^40]",
                                p->lx.path, line, col, i, p->ints[i]);
        dims[i] = p->ints[i];
    }
    *rank = (int)p->n;
    if (dpu_shape_count(*rank, dims) < 0)
        return dpu_diag_set(p->lx.d, DPU_E_RANGE, "%s:%d:%d: shape has more than 2^40 elements",
                            p->lx.path, line, col);
    return DPU_OK;
}

/* A tensor's quantization as read, before the tensor exists. */
struct quant_in {
    bool present;
    int axis;
    size_t count;
    float *scale;
    int32_t *zp;
};

/* quant=AXIS scale=[...] zp=[...], after the shape. */
static int parse_quant(struct parser *p, struct quant_in *q)
{
    int64_t axis;
    int err = expect_key(p, "quant");
    if (!err)
        err = take_int(p, -1, DPU_TENSOR_MAX_RANK - 1, "quantization axis", &axis);
    if (!err)
        err = expect_key(p, "scale");
    if (!err)
        err = take_list(p, E_F32);
    if (err)
        return err;
    q->present = true;
    q->axis = (int)axis;
    q->count = p->n;
    q->scale = malloc((q->count ? q->count : 1) * sizeof *q->scale);
    q->zp = malloc((q->count ? q->count : 1) * sizeof *q->zp);
    if (!q->scale || !q->zp)
        return fail(p, DPU_E_NOMEM, "out of memory");
    if (q->count)
        memcpy(q->scale, p->flts, q->count * sizeof *q->scale);
    int line = p->lx.tline, col = p->lx.tcol;
    err = expect_key(p, "zp");
    if (!err)
        err = take_list(p, E_INT);
    if (!err && p->n != q->count)
        err = dpu_diag_set(p->lx.d, DPU_E_PARSE, "%s:%d:%d: zp has %zu values, scale has %zu",
                           p->lx.path, line, col, p->n, q->count);
    for (size_t i = 0; i < p->n && !err; i++) {
        if (p->ints[i] < INT32_MIN || p->ints[i] > INT32_MAX)
            err = dpu_diag_set(p->lx.d, DPU_E_RANGE,
                               "%s:%d:%d: zero point %" PRId64 " does not fit in int32", p->lx.path,
                               line, col, p->ints[i]);
        else
            q->zp[i] = (int32_t)p->ints[i];
    }
    return err;
}

static int decode_data(struct parser *p, enum dpu_dtype dt, int rank, const int64_t *dims,
                       uint8_t **out)
{
    size_t want = (size_t)dpu_shape_count(rank, dims) * dpu_dtype_size(dt);
    if (p->lx.n / 2 != want)
        return fail(p, DPU_E_PARSE, "data has %zu bytes, but the shape and dtype need %zu",
                    p->lx.n / 2, want);
    uint8_t *b = malloc(want ? want : 1);
    if (!b)
        return fail(p, DPU_E_NOMEM, "out of memory for %zu bytes of data", want);
    for (size_t i = 0; i < want; i++) {
        char hex[3] = {p->lx.text[2 * i], p->lx.text[2 * i + 1], 0};
        b[i] = (uint8_t)strtoul(hex, NULL, 16);
    }
    *out = b;
    return next(p);
}

static int add_tensor(struct parser *p, int line, int col, const char *name, enum dpu_dtype dt,
                      int rank, const int64_t *dims, const uint8_t *data, const struct quant_in *q)
{
    if (dpu_strmap_get(&p->tensors, name, strlen(name)) >= 0)
        return dpu_diag_set(p->lx.d, DPU_E_PARSE, "%s:%d:%d: tensor '%s' is declared twice",
                            p->lx.path, line, col, name);
    int t = dpu_graph_add_tensor(p->g, name, dt, rank, dims, data);
    if (t < 0)
        return dpu_diag_set(p->lx.d, t, "%s:%d:%d: cannot add tensor '%s'", p->lx.path, line, col,
                            name);
    if (dpu_strmap_put(&p->tensors, p->g->tensors[t].name, strlen(name), t, NULL) < 0)
        return fail(p, DPU_E_NOMEM, "out of memory");
    if (q->count) {
        int err = dpu_graph_set_quant(p->g, t, q->axis, q->count, q->scale, q->zp);
        if (err)
            return dpu_diag_set(p->lx.d, err, "%s:%d:%d: cannot store %zu scales", p->lx.path, line,
                                col, q->count);
    }
    if (q->present)
        p->g->tensors[t].quant.axis = q->axis;
    return DPU_OK;
}

static int parse_tensor(struct parser *p)
{
    int line = p->lx.tline, col = p->lx.tcol;
    char *name = NULL;
    enum dpu_dtype dt = DPU_DT_INT8;
    int rank = 0;
    int64_t dims[DPU_TENSOR_MAX_RANK];
    uint8_t *data = NULL;
    struct quant_in q = {0};
    int err = take_name(p, "a tensor name", &name);
    if (!err)
        err = parse_dtype(p, &dt);
    if (!err)
        err = parse_dims(p, &rank, dims);
    if (!err && q8_lex_is_word(&p->lx, "quant"))
        err = parse_quant(p, &q);
    if (!err && q8_lex_is_word(&p->lx, "data")) {
        err = expect_key(p, "data");
        if (!err && !at(p, TK_HEX))
            err = unexpected(p, "data as <hex bytes>");
        if (!err)
            err = decode_data(p, dt, rank, dims, &data);
    }
    if (!err && !at(p, TK_EOF) && !at(p, TK_NEWLINE))
        err = unexpected(p, q.present || data ? "end of line" : "'quant=', 'data=' or end of line");
    if (!err)
        err = add_tensor(p, line, col, name, dt, rank, dims, data, &q);
    free(name);
    free(data);
    free(q.scale);
    free(q.zp);
    return err ? err : end_of_line(p);
}

/* One attribute value, stored on node `node` under `key`. */
static int parse_value(struct parser *p, int node, const char *key)
{
    int err, r;
    if (at(p, TK_STRING)) {
        r = dpu_node_set_string(p->g, node, key, p->lx.str);
        return r < 0 ? fail(p, r, "out of memory") : next(p);
    }
    if (at(p, TK_WORD) && !q8_lex_is_word(&p->lx, "floats")) {
        const char *s = p->lx.text;
        size_t n = p->lx.n;
        p->n = 0;
        if (q8_is_int_token(s, n)) {
            if ((err = take_elem(p, E_INT)))
                return err;
            r = dpu_node_set_int(p->g, node, key, p->ints[0]);
        } else {
            if ((err = take_elem(p, E_F64)))
                return err;
            r = dpu_node_set_float(p->g, node, key, p->dbls[0]);
        }
        return r < 0 ? fail(p, r, "out of memory") : DPU_OK;
    }
    bool floats = q8_lex_is_word(&p->lx, "floats");
    if (floats && (err = next(p)))
        return err;
    if (!at(p, TK_LBRACK))
        return unexpected(p, "a value (integer, number, \"string\" or [list])");
    /* The first element decides between a list of ints and one of floats. */
    struct q8_lexer peek = p->lx;
    peek.d = NULL; /* a lexing error is reported when the list itself is read */
    peek.str = NULL;
    peek.str_cap = 0;
    if (!floats && q8_lex_next(&peek) == DPU_OK && peek.tok == TK_WORD)
        floats = !q8_is_int_token(peek.text, peek.n);
    q8_lex_free(&peek);
    if ((err = take_list(p, floats ? E_F64 : E_INT)))
        return err;
    r = floats ? dpu_node_set_floats(p->g, node, key, p->n, p->dbls)
               : dpu_node_set_ints(p->g, node, key, p->n, p->ints);
    return r < 0 ? fail(p, r, "out of memory") : DPU_OK;
}

static int parse_attrs(struct parser *p, int node)
{
    while (!at(p, TK_EOF) && !at(p, TK_NEWLINE)) {
        char *key = NULL;
        int err = take_name(p, "an attribute name", &key);
        if (!err && dpu_node_attr(&p->g->nodes[node], key))
            err = fail(p, DPU_E_PARSE, "attribute '%s' is given twice", key);
        if (!err)
            err = expect(p, TK_EQ, "'='");
        if (!err)
            err = parse_value(p, node, key);
        free(key);
        if (err)
            return err;
    }
    return DPU_OK;
}

/* Copies the scratch reference list (for a node's inputs, then its outputs). */
static int32_t *copy_refs(struct parser *p, size_t *n)
{
    *n = p->n;
    int32_t *c = malloc((p->n ? p->n : 1) * sizeof *c);
    if (c && p->n)
        memcpy(c, p->refs, p->n * sizeof *c);
    return c;
}

/* The op named by the current word, or DPU_NODE_COUNT. */
static enum dpu_node_op op_from_token(const struct parser *p)
{
    char buf[64];
    if (p->lx.n >= sizeof buf)
        return DPU_NODE_COUNT;
    memcpy(buf, p->lx.text, p->lx.n);
    buf[p->lx.n] = '\0';
    return dpu_node_op_from_name(buf);
}

static int parse_node(struct parser *p)
{
    int line = p->lx.tline, col = p->lx.tcol;
    char *name = NULL;
    int32_t *ins = NULL;
    size_t nin = 0;
    int err = take_name(p, "a node name", &name);
    enum dpu_node_op op = DPU_NODE_COUNT;
    if (!err && !at(p, TK_WORD))
        err = unexpected(p, "an op name");
    if (!err && (op = op_from_token(p)) == DPU_NODE_COUNT) {
        char desc[Q8_TOKDESC_MAX];
        err = fail(p, DPU_E_UNSUPPORTED, "node '%s': unknown op %s", name,
                   q8_lex_describe(&p->lx, desc));
    }
    if (!err)
        err = next(p);
    if (!err)
        err = expect_key(p, "in");
    if (!err)
        err = take_list(p, E_REF);
    if (!err && !(ins = copy_refs(p, &nin)))
        err = fail(p, DPU_E_NOMEM, "out of memory");
    if (!err)
        err = expect_key(p, "out");
    if (!err)
        err = take_list(p, E_REF);
    int node = -1;
    if (!err) {
        if (dpu_strmap_get(&p->nodes, name, strlen(name)) >= 0)
            err = dpu_diag_set(p->lx.d, DPU_E_PARSE, "%s:%d:%d: node '%s' is declared twice",
                               p->lx.path, line, col, name);
        else if ((node = dpu_graph_add_node(p->g, name, op, nin, ins, p->n, p->refs)) < 0)
            err = dpu_diag_set(p->lx.d, node,
                               "%s:%d:%d: cannot add node '%s' with %zu inputs and %zu outputs",
                               p->lx.path, line, col, name, nin, p->n);
        else if (dpu_strmap_put(&p->nodes, p->g->nodes[node].name, strlen(name), node, NULL) < 0)
            err = fail(p, DPU_E_NOMEM, "out of memory");
    }
    free(name);
    free(ins);
    if (!err)
        err = parse_attrs(p, node);
    return err ? err : end_of_line(p);
}

static int parse_io(struct parser *p, bool inputs)
{
    bool *seen = inputs ? &p->saw_inputs : &p->saw_outputs;
    if (*seen)
        return fail(p, DPU_E_PARSE, "a second '%s' line", inputs ? "inputs" : "outputs");
    *seen = true;
    int err = next(p);
    if (!err)
        err = take_list(p, E_REF);
    for (size_t i = 0; i < p->n && !err; i++) {
        int32_t **arr = inputs ? &p->g->inputs : &p->g->outputs;
        size_t *n = inputs ? &p->g->ninputs : &p->g->noutputs;
        /* The builders refuse -1, which must still reach the verifier's message. */
        int32_t *na = realloc(*arr, (*n + 1) * sizeof *na);
        if (!na)
            return fail(p, DPU_E_NOMEM, "out of memory");
        *arr = na;
        na[(*n)++] = p->refs[i];
    }
    return err ? err : end_of_line(p);
}

static int parse_file(struct parser *p)
{
    int err = next(p);
    if (!err)
        err = parse_header(p);
    while (!err) {
        if (at(p, TK_NEWLINE)) {
            err = next(p);
        } else if (at(p, TK_EOF)) {
            break;
        } else if (q8_lex_is_word(&p->lx, "tensor")) {
            err = next(p);
            if (!err)
                err = parse_tensor(p);
        } else if (q8_lex_is_word(&p->lx, "node")) {
            err = next(p);
            if (!err)
                err = parse_node(p);
        } else if (q8_lex_is_word(&p->lx, "inputs") || q8_lex_is_word(&p->lx, "outputs")) {
            err = parse_io(p, q8_lex_is_word(&p->lx, "inputs"));
        } else {
            err = unexpected(p, "'tensor', 'node', 'inputs' or 'outputs'");
        }
    }
    if (!err && (!p->saw_inputs || !p->saw_outputs))
        err = fail(p, DPU_E_PARSE, "missing the '%s' line", p->saw_inputs ? "outputs" : "inputs");
    return err;
}

static int text_read(const char *path, const char *text, size_t len, bool verify,
                     struct dpu_graph *g, struct dpu_diag *d)
{
    dpu_graph_init(g);
    struct parser p = {.g = g};
    q8_lex_init(&p.lx, path, text, len, d);
    dpu_strmap_init(&p.tensors);
    dpu_strmap_init(&p.nodes);
    int err = parse_file(&p);
    q8_lex_free(&p.lx);
    dpu_strmap_free(&p.tensors);
    dpu_strmap_free(&p.nodes);
    free(p.ints);
    free(p.dbls);
    free(p.flts);
    free(p.refs);
    if (!err && verify) {
        struct dpu_diag inner;
        dpu_diag_clear(&inner);
        err = dpu_graph_verify(g, &inner);
        if (err)
            dpu_diag_set(d, err, "%s: %s", path, dpu_diag_message(&inner));
    }
    if (err)
        dpu_graph_free(g);
    return err;
}

int dpu_q8_text_read(const char *path, const char *text, size_t len, struct dpu_graph *g,
                     struct dpu_diag *d)
{
    return text_read(path, text, len, true, g, d);
}

int dpu_q8_text_read_unverified(const char *path, const char *text, size_t len, struct dpu_graph *g,
                                struct dpu_diag *d)
{
    return text_read(path, text, len, false, g, d);
}
