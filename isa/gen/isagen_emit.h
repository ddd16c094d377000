/* isagen, step 3: the emitters. Each writes one kind of output from a checked model and
 * returns false (after a message on stderr) on an I/O error. Output depends only on the
 * model, never on time or paths, so builds are reproducible. */
#ifndef ISAGEN_EMIT_H
#define ISAGEN_EMIT_H

#include "isagen_model.h"

bool ig_emit_c_header(const struct ig_model *m, const char *path); /* dpu/isa_gen.h */
bool ig_emit_c_source(const struct ig_model *m, const char *path); /* isa_gen.c */
bool ig_emit_sv(const struct ig_model *m, const char *path);       /* dpu_isa_pkg.sv */
bool ig_emit_md(const struct ig_model *m, const char *dir);        /* isa-*.md fragments */

#endif
