/* What the parts of dpu_program_validate share. */
#ifndef DPU_PROG_VALIDATE_H
#define DPU_PROG_VALIDATE_H

#include "prog_internal.h"

struct pv_ctx {
    const struct dpu_program *p;
    const struct dpu_preset *preset; /* the preset the program will run on */
    const int32_t *layer_of;         /* layer of each instruction or -1; NULL if no insns */
    struct dpu_diag *d;
};

/* Each instruction on its own (encoding; with libdpusim also ranges). */
int pv_check_insns(const struct pv_ctx *c);
/* The ACCEL steps: tiling, END, tokens. */
int pv_check_segments(const struct pv_ctx *c);

#endif
