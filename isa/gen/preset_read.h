/* Reading one preset file (isa/presets/NAME.preset) into a struct dpu_preset, remembering
 * where each key was written so that every refusal points at the line at fault. */
#ifndef DPU_PRESET_READ_H
#define DPU_PRESET_READ_H

#include <stdbool.h>

#include "dpu/preset.h"

/* Slots of preset_src.at[]: name, description, then the integer keys in table order. */
#define PRESET_AT_NAME 0
#define PRESET_AT_DESC 1
#define PRESET_AT_INT0 2
#define PRESET_AT_MAX  (PRESET_AT_INT0 + 64)

struct preset_pos {
    int line, col; /* line 0: the key was not written */
};

struct preset_src {
    const char *path;                    /* as given on the command line; not owned */
    struct dpu_preset p;                 /* name and description point at the strings below */
    char *name, *description;            /* owned */
    struct preset_pos at[PRESET_AT_MAX]; /* where each key's value was written */
};

/* Reads and checks path (syntax, every key present once, ranges, dpu_preset_check(), name
 * equal to the file name). Prints every problem as "path:line:col: error: ..." and returns
 * false if there was one. p.hash is filled in on success. Free with preset_src_free() in
 * every case. */
bool preset_read(const char *path, struct preset_src *out);
void preset_src_free(struct preset_src *s);

#endif
