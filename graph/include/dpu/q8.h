/* model.q8: the files that hold a graph (dpu/graph.h) between opendpu's tools.
 *
 * Two forms with the same content, specified byte by byte and line by line in
 * docs/q8-format.md:
 *   binary  versioned, little-endian, sectioned, 16-byte-aligned constant data, CRC-32;
 *   text    one line per tensor or node, readable with a pager, round-tripping exactly.
 *
 * Readers refuse anything malformed with a message naming the file and the section and byte
 * offset (binary) or line:column (text), then run dpu_graph_verify, so a graph that loads is
 * a verified graph. Writers write whatever graph they are given (so a broken graph can be
 * dumped for inspection); only their own memory-safety preconditions are checked.
 *
 * Ownership: on success the readers fill *g, which the caller releases with dpu_graph_free.
 * Readers start by zeroing *g (its previous contents are not freed) and leave it empty on
 * failure. The encoder's *buf is malloc'd and owned by the caller.
 *
 * Errors: DPU_E_PARSE (malformed or corrupt, including a CRC mismatch), DPU_E_UNSUPPORTED
 * (a newer major version, unknown flags or critical sections, an unknown op), DPU_E_RANGE
 * (a dimension or size out of range), DPU_E_IO, DPU_E_NOMEM, and the verifier's codes
 * (DPU_E_INVALID, DPU_E_MISMATCH, DPU_E_RANGE, DPU_E_UNSUPPORTED) for a graph that parses but
 * is not valid.
 */
#ifndef DPU_Q8_H
#define DPU_Q8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dpu/err.h"
#include "dpu/graph.h"

#define DPU_Q8_VERSION_MAJOR 1
#define DPU_Q8_VERSION_MINOR 0

/* The first 8 bytes of a binary model.q8: "DPUQ8", CR LF (catches line-ending conversion),
 * Ctrl-Z (stops `type` on Windows). */
#define DPU_Q8_MAGIC     "DPUQ8\r\n\x1a"
#define DPU_Q8_MAGIC_LEN 8

/* Largest file the path-based readers accept. */
#define DPU_Q8_MAX_FILE_BYTES ((size_t)1 << 32)

/* Binary form. */
int dpu_q8_encode(const struct dpu_graph *g, uint8_t **buf, size_t *len, struct dpu_diag *d);
int dpu_q8_write(const char *path, const struct dpu_graph *g, struct dpu_diag *d);
/* name is used in messages only. */
int dpu_q8_decode(const char *name, const uint8_t *bytes, size_t len, struct dpu_graph *g,
                  struct dpu_diag *d);
int dpu_q8_read(const char *path, struct dpu_graph *g, struct dpu_diag *d);

/* Text form. text need not be NUL-terminated; path is used in messages only. */
int dpu_q8_text_write(FILE *f, const struct dpu_graph *g, struct dpu_diag *d);
int dpu_q8_text_read(const char *path, const char *text, size_t len, struct dpu_graph *g,
                     struct dpu_diag *d);

/* The readers without the final dpu_graph_verify: for tools that show a broken model and for
 * tests. Tensor references are still in range (or -1) and every count matches its array,
 * but nothing else is promised: never hand such a graph to an interpreter. */
int dpu_q8_decode_unverified(const char *name, const uint8_t *bytes, size_t len,
                             struct dpu_graph *g, struct dpu_diag *d);
int dpu_q8_text_read_unverified(const char *path, const char *text, size_t len, struct dpu_graph *g,
                                struct dpu_diag *d);

/* Reads path in either form: binary when it starts with (the first 5 bytes of) DPU_Q8_MAGIC
 * or holds control bytes other than tab, CR and LF in its first 64 bytes; text otherwise. */
int dpu_q8_load_any(const char *path, struct dpu_graph *g, struct dpu_diag *d);
/* The same for bytes already in memory. */
int dpu_q8_decode_any(const char *name, const uint8_t *bytes, size_t len, struct dpu_graph *g,
                      struct dpu_diag *d);

/* True when a and b hold the same graph as far as model.q8 can tell: same names, order,
 * shapes, data bytes, quantization and attribute values, floats compared bit for bit (a NULL
 * name equals ""). Otherwise false, with the first difference described in why (cap bytes,
 * may be NULL). */
bool dpu_q8_graph_equal(const struct dpu_graph *a, const struct dpu_graph *b, char *why,
                        size_t cap);

#endif
