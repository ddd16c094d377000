/* Data for the bundled example programs (examples/), shared by the simulator tests:
 * reading a program file, and the model of examples/conv3x3_relu.s (isa.md section 7) with
 * its DDR images. */
#ifndef SIM_EXAMPLE_DATA_H
#define SIM_EXAMPLE_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "dpu/isa_gen.h"

/* Assembles examples/<name>; the caller frees the result. Fails the test on error. */
dpu_insn *ex_load_program(const char *name, size_t *count);

/* The 3x3 convolution of isa.md section 7: 5x5x3 input (zero point -3), 4 output channels
 * (zero point -10, ReLU), weights w[co][ci][ky][kx], bias, and per-channel M, s. */
struct ex_conv3x3 {
    int8_t x[5][5][3];
    int8_t w[4][3][3][3];
    int32_t bias[4], M[4];
    int s[4];
};

/* Fills the model with fixed, varied numbers. */
void ex_conv3x3_model(struct ex_conv3x3 *m);
/* The DDR images the program expects: INPUT (75 bytes, HWC) and CONST (704 bytes: weights
 * packed per tap as R x C = 8 x 8 blocks, then 8 PARAM records with the input zero point
 * folded into the bias: bias' = bias + 3*S). */
void ex_conv3x3_input(const struct ex_conv3x3 *m, uint8_t input[75]);
void ex_conv3x3_const(const struct ex_conv3x3 *m, uint8_t cst[704]);

#endif
