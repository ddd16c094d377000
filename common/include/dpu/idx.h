/* IDX files: the format of MNIST and Fashion-MNIST (and Debian's dataset-fashion-mnist),
 * plain or gzip-compressed.
 *
 * An IDX file is a 4-byte magic (0, 0, type, rank), rank big-endian u32 dimensions, then the
 * elements, big-endian, row-major. Types and what they become:
 *   0x08 unsigned byte -> uint8     0x0B int16  -> int32 (widened, exact)
 *   0x09 signed byte   -> int8      0x0C int32  -> int32
 *   0x0D float32       -> float32   0x0E double -> float32 (rounded to nearest)
 * A file starting with the gzip magic (1f 8b) is inflated first (zlib). Every error names the
 * file and the byte offset (in the decompressed stream) or the field at fault.
 */
#ifndef DPU_IDX_H
#define DPU_IDX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpu/err.h"
#include "dpu/tensor.h"

/* Largest decompressed IDX stream accepted: the tensor limit plus the longest header. */
#define DPU_IDX_MAX_BYTES ((size_t)DPU_TENSOR_MAX_BYTES + 36)

/* True when the len bytes start like an IDX file (0, 0, a known type, rank 1..8) or like a
 * gzip stream, which dpu_idx_parse will inflate and check. */
bool dpu_idx_sniff(const uint8_t *bytes, size_t len);

/* Parses an IDX file held in memory (gzipped or not); name is used in messages only. On
 * success out->data is malloc'd and owned by out (release with dpu_tensor_free). On failure
 * out is empty. Errors: DPU_E_PARSE (bad magic, truncated or overlong data, a corrupt gzip
 * stream), DPU_E_UNSUPPORTED (unknown type code, rank 0 or above 8), DPU_E_RANGE (a dimension
 * or the total size beyond the tensor limits), DPU_E_NOMEM. */
int dpu_idx_parse(const char *name, const uint8_t *bytes, size_t len, struct dpu_tensor *out,
                  struct dpu_diag *d);

/* Reads path and parses it as dpu_idx_parse does; DPU_E_IO when it cannot be read. */
int dpu_idx_read(const char *path, struct dpu_tensor *out, struct dpu_diag *d);

#endif
