/* opendpu error codes: one table, negative values, one strerror.
 *
 * Every library function that can fail returns 0 (DPU_OK) or one of these negative codes,
 * and writes a human-readable explanation (naming the file, line, node or field at fault)
 * into a caller-owned struct dpu_diag when one is passed.
 */
#ifndef DPU_ERR_H
#define DPU_ERR_H

#include <stdarg.h>
#include <stddef.h>

/* X(name, value, exit_class, text): exit_class 1 = the user's input is at fault, 2 = ours. */
#define DPU_ERR_TABLE(X)                                                                           \
    X(DPU_OK, 0, 0, "success")                                                                     \
    X(DPU_E_NOMEM, -1, 2, "out of memory")                                                         \
    X(DPU_E_IO, -2, 1, "input/output error")                                                       \
    X(DPU_E_PARSE, -3, 1, "malformed input")                                                       \
    X(DPU_E_RANGE, -4, 1, "value out of range")                                                    \
    X(DPU_E_UNSUPPORTED, -5, 1, "unsupported feature")                                             \
    X(DPU_E_INVALID, -6, 1, "invalid argument")                                                    \
    X(DPU_E_MISMATCH, -7, 1, "mismatch")                                                           \
    X(DPU_E_INTERNAL, -8, 2, "internal error")

enum dpu_err {
#define DPU_ERR_ENUM_(name, value, cls, text) name = value,
    DPU_ERR_TABLE(DPU_ERR_ENUM_)
#undef DPU_ERR_ENUM_
};

/* Static text for an error code; never NULL. */
const char *dpu_strerror(int err);

/* Process exit code for an error: 0 success, 1 user error, 2 internal error. */
int dpu_exit_code(int err);

/* A caller-owned diagnostic buffer. The first error set wins: later calls to dpu_diag_set
 * keep the original message so the root cause is what the user sees. */
struct dpu_diag {
    int err;
    char msg[1024];
};

void dpu_diag_clear(struct dpu_diag *d);

/* Records err with a printf-style message (if d is non-NULL and empty) and returns err, so
 * callers can write `return dpu_diag_set(d, DPU_E_PARSE, "%s:%d: ...", ...);`. */
int dpu_diag_set(struct dpu_diag *d, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int dpu_diag_vset(struct dpu_diag *d, int err, const char *fmt, va_list ap);

/* Formats the message for printing: the recorded message, or strerror(err) if none. */
const char *dpu_diag_message(const struct dpu_diag *d);

#endif
