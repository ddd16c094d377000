#include "dpu/fileio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dpu_read_file(const char *path, size_t max_bytes, uint8_t **data, size_t *len,
                  struct dpu_diag *d)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return dpu_diag_set(d, DPU_E_IO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap + 1);
    if (!buf) {
        fclose(f);
        return dpu_diag_set(d, DPU_E_NOMEM, "%s: out of memory", path);
    }
    for (;;) {
        if (n == cap) {
            if (cap > max_bytes) {
                free(buf);
                fclose(f);
                return dpu_diag_set(d, DPU_E_RANGE, "%s: file larger than the limit of %zu bytes",
                                    path, max_bytes);
            }
            cap *= 2;
            uint8_t *nb = realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                fclose(f);
                return dpu_diag_set(d, DPU_E_NOMEM, "%s: out of memory", path);
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return dpu_diag_set(d, DPU_E_IO, "%s: read error", path);
    }
    if (n > max_bytes) {
        free(buf);
        return dpu_diag_set(d, DPU_E_RANGE, "%s: file larger than the limit of %zu bytes", path,
                            max_bytes);
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return DPU_OK;
}

int dpu_write_file(const char *path, const void *data, size_t len, struct dpu_diag *d)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return dpu_diag_set(d, DPU_E_IO, "%s: cannot create: %s", path, strerror(errno));
    size_t put = len ? fwrite(data, 1, len, f) : 0;
    int bad = (put != len);
    if (fclose(f) != 0)
        bad = 1;
    if (bad)
        return dpu_diag_set(d, DPU_E_IO, "%s: write error", path);
    return DPU_OK;
}
