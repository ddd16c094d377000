/* Either form of model.q8. The binary form is recognized by its magic (or the first 5 bytes
 * of it, so that a damaged magic is reported by the binary reader) or by control bytes in
 * its first 64 bytes; anything else is read as text. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/fileio.h"
#include "dpu/q8.h"

/* Binary: the magic, or enough of it, or control bytes a text model.q8 never holds. */
static bool looks_binary(const uint8_t *b, size_t len)
{
    if (len >= 5 && memcmp(b, DPU_Q8_MAGIC, 5) == 0)
        return true;
    for (size_t i = 0; i < len && i < 64; i++)
        if (b[i] < 0x20 && b[i] != '\t' && b[i] != '\n' && b[i] != '\r')
            return true;
    return false;
}

int dpu_q8_decode_any(const char *name, const uint8_t *bytes, size_t len, struct dpu_graph *g,
                      struct dpu_diag *d)
{
    dpu_graph_init(g);
    static const uint8_t elf_magic[4] = {0x7f, 'E', 'L', 'F'};
    if (len == 0)
        return dpu_diag_set(d, DPU_E_PARSE, "%s: empty file (0 bytes), not a model.q8", name);
    /* An ELF file here is most likely a compiled prog.bin given in place of the model. */
    if (len >= 4 && memcmp(bytes, elf_magic, 4) == 0)
        return dpu_diag_set(d, DPU_E_PARSE,
                            "%s: an ELF file (a compiled prog.bin?), not a model.q8", name);
    if (looks_binary(bytes, len))
        return dpu_q8_decode(name, bytes, len, g, d);
    return dpu_q8_text_read(name, (const char *)bytes, len, g, d);
}

int dpu_q8_load_any(const char *path, struct dpu_graph *g, struct dpu_diag *d)
{
    dpu_graph_init(g);
    uint8_t *bytes;
    size_t len;
    int err = dpu_read_file(path, DPU_Q8_MAX_FILE_BYTES, &bytes, &len, d);
    if (err)
        return err;
    err = dpu_q8_decode_any(path, bytes, len, g, d);
    free(bytes);
    return err;
}
