/* Writing the generated register files from a checked, sorted table. Each function prints
 * its own errors. */
#ifndef DPU_REGGEN_EMIT_H
#define DPU_REGGEN_EMIT_H

#include <stdbool.h>

#include "reggen_model.h"

/* dpu/regs_gen.h: offsets, shifts, masks, resets, enums. */
bool rg_emit_c_header(const char *path, const struct rg_table *t);
/* regs_gen.c: dpu_reg_descs[] and the lookup functions of dpu/regs_desc.h. */
bool rg_emit_c_source(const char *path, const struct rg_table *t);
/* dpu_regs_pkg.sv. */
bool rg_emit_sv(const char *path, const struct rg_table *t);
/* DIR/registers.md: the register map, then a field table per register. */
bool rg_emit_md(const char *dir, const struct rg_table *t);

#endif
