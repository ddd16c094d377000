/* Whole-file reading and writing with errors that name the file. */
#ifndef DPU_FILEIO_H
#define DPU_FILEIO_H

#include <stddef.h>
#include <stdint.h>

#include "dpu/err.h"

/* Reads all of path into a malloc'd buffer (NUL-terminated one past *len for text use).
 * The caller owns *data and frees it with free(). Refuses files over max_bytes. */
int dpu_read_file(const char *path, size_t max_bytes, uint8_t **data, size_t *len,
                  struct dpu_diag *d);

/* Writes len bytes to path (replacing it). */
int dpu_write_file(const char *path, const void *data, size_t len, struct dpu_diag *d);

#endif
