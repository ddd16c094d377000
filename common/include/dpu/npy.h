/* .npy tensor files, numpy's own format (docs/formats/npy.md).
 *
 * We read versions 1.0, 2.0 and 3.0 holding int8, uint8, int32 or float32 in C order, and
 * write version 1.0 byte-identical to numpy's np.save. Every error names the file and the
 * byte offset or header key at fault.
 */
#ifndef DPU_NPY_H
#define DPU_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "dpu/err.h"
#include "dpu/tensor.h"

/* Largest .npy file dpu_npy_read accepts: the tensor limit plus room for any header. */
#define DPU_NPY_MAX_FILE_BYTES ((size_t)DPU_TENSOR_MAX_BYTES + 65536)

/* What the preamble and header dictionary of a .npy file say. */
struct dpu_npy_header {
    int major, minor;     /* format version: 1.0, 2.0 or 3.0 */
    enum dpu_dtype dtype; /* element type named by 'descr' */
    int big_endian;       /* 1 if 'descr' says '>': data must be byte-swapped */
    int rank;             /* length of 'shape' */
    int64_t dims[DPU_TENSOR_MAX_RANK];
    size_t data_offset; /* byte offset of the data: preamble + header length */
};

/* Parses the magic, version, header length and header dictionary of the len bytes at bytes
 * (name is used in messages only; NULL means "<memory>"). Does not look at the data. Returns 0,
 * DPU_E_PARSE (not a well-formed .npy header), DPU_E_UNSUPPORTED (a valid header we do not handle:
 * another dtype, Fortran order, rank > 8, a later version) or DPU_E_RANGE (a dimension < 0 or >
 * 2^40 or a shape over 2^40 bytes). */
int dpu_npy_parse_header(const char *name, const uint8_t *bytes, size_t len,
                         struct dpu_npy_header *h, struct dpu_diag *d);

/* Parses a whole .npy file held in memory: the header, then checks that the data is exactly
 * as long as the shape and dtype require. On success out->data is a malloc'd copy owned by
 * out (free it with dpu_tensor_free), in native byte order. On failure out is empty. */
int dpu_npy_parse(const char *name, const uint8_t *bytes, size_t len, struct dpu_tensor *out,
                  struct dpu_diag *d);

/* Reads and parses the .npy file at path. Same results and ownership as dpu_npy_parse, plus
 * DPU_E_IO when the file cannot be read. */
int dpu_npy_read(const char *path, struct dpu_tensor *out, struct dpu_diag *d);

/* Encodes t as a version 1.0 .npy file exactly as numpy writes it. On success *bytes is a
 * malloc'd buffer of *len bytes owned by the caller, who frees it with free(). Returns
 * DPU_E_INVALID or DPU_E_RANGE for a tensor that fails dpu_tensor_check or has no data. */
int dpu_npy_encode(const struct dpu_tensor *t, uint8_t **bytes, size_t *len, struct dpu_diag *d);

/* Writes t to path (replacing it) as dpu_npy_encode would encode it. */
int dpu_npy_write(const char *path, const struct dpu_tensor *t, struct dpu_diag *d);

#endif
