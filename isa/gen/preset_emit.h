/* Writing the generated preset files. Every function takes the presets in their final
 * order (MACs per cycle, then name) and prints its own errors. */
#ifndef DPU_PRESET_EMIT_H
#define DPU_PRESET_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "preset_read.h"

/* dpu/presets_gen.h: DPU_PRESET_COUNT, DPU_PRESET_<NAME>_INDEX and _HASH. */
bool preset_emit_c_header(const char *path, const struct preset_src *ps, size_t n);
/* presets_gen.c: the dpu_presets[] table. */
bool preset_emit_c_source(const char *path, const struct preset_src *ps, size_t n);
/* DIR/dpu_preset_<name>_pkg.sv, one SystemVerilog package per preset. */
bool preset_emit_sv(const char *dir, const struct preset_src *ps, size_t n);
/* DIR/presets.md: one Markdown table, a column per preset. */
bool preset_emit_md(const char *dir, const struct preset_src *ps, size_t n);

/* Writes the preset file paths as given ("isa/presets/a.preset, ..."): the build passes them
 * relative to the source root, so the output does not depend on where the tree is. */
void preset_put_sources(FILE *fp, const struct preset_src *ps, size_t n);

#endif
