/* Program files -> instructions.
 *
 * A file that starts with the ELF magic is a prog.bin: libdpuprog decodes it (without
 * dpu_program_validate, so a program built for another preset or ISA can still be listed)
 * and the stream is the contents of .dpu.text. Anything else is a raw instruction stream.
 * (A raw stream cannot start with the magic: byte 0x7f holds opcode 0x3f, which is undefined.)
 * Every command that reads programs (disasm now; info and run later) goes through here.
 */
#include "prog_input.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dpuc.h"

#include "dpu/program.h"

static int read_raw(const char *path, const uint8_t *data, size_t len, dpu_insn **insns,
                    size_t *count, struct dpu_diag *d)
{
    struct dpu_diag local;
    dpu_diag_clear(&local);
    int err = dpu_insns_from_bytes(data, len, insns, count, &local);
    if (err)
        return dpu_diag_set(d, err, "%s: %s", dpuc_display_name(path), dpu_diag_message(&local));
    return DPU_OK;
}

/* One block: count pointers, then each layer's name once; pointers into the names. */
static int layer_labels(const struct dpu_program *p, const char ***out, struct dpu_diag *d)
{
    *out = NULL;
    int32_t *layer_of;
    int err = dpu_program_layer_map(p, &layer_of, d);
    if (err)
        return err;
    size_t names = 0;
    for (size_t l = 0; l < p->nlayers; l++)
        names += strlen(p->layers[l].name ? p->layers[l].name : "") + 1;
    size_t head = p->ninsns * sizeof(const char *);
    char *block = malloc(head + names + 1);
    if (!block) {
        free(layer_of);
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for the layer names");
    }
    const char **labels = (const char **)(void *)block;
    char *text = block + head;
    const char **at = malloc((p->nlayers ? p->nlayers : 1) * sizeof *at);
    if (!at) {
        free(block);
        free(layer_of);
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for the layer names");
    }
    for (size_t l = 0; l < p->nlayers; l++) {
        const char *name = p->layers[l].name ? p->layers[l].name : "";
        size_t n = strlen(name) + 1;
        memcpy(text, name, n);
        at[l] = text;
        text += n;
    }
    for (size_t i = 0; i < p->ninsns; i++)
        labels[i] = layer_of[i] >= 0 ? at[layer_of[i]] : NULL;
    free(at);
    free(layer_of);
    *out = labels;
    return DPU_OK;
}

static int read_elf(const char *path, const uint8_t *data, size_t len, dpu_insn **insns,
                    size_t *count, const char ***layers, struct dpu_diag *d)
{
    struct dpu_program p;
    int err = dpu_program_decode(dpuc_display_name(path), data, len, &p, d);
    if (err)
        return err;
    if (layers)
        err = layer_labels(&p, layers, d);
    if (!err) {
        /* Hand the stream over instead of copying it. */
        *insns = p.insns;
        *count = p.ninsns;
        p.insns = NULL;
        p.ninsns = 0;
    }
    dpu_program_free(&p);
    return err;
}

int dpuc_read_program_annotated(const char *path, dpu_insn **insns, size_t *count,
                                const char ***layers, struct dpu_diag *d)
{
    *insns = NULL;
    *count = 0;
    if (layers)
        *layers = NULL;
    uint8_t *data;
    size_t len;
    int err = dpuc_read_input(path, DPUC_MAX_PROGRAM_BYTES, &data, &len, d);
    if (err)
        return err;
    if (dpu_program_is_elf(data, len))
        err = read_elf(path, data, len, insns, count, layers, d);
    else
        err = read_raw(path, data, len, insns, count, d);
    free(data);
    return err;
}

int dpuc_read_program_insns(const char *path, dpu_insn **insns, size_t *count, struct dpu_diag *d)
{
    return dpuc_read_program_annotated(path, insns, count, NULL, d);
}
