/* A small, valid program for the tiny preset, shaped like what `dpuc compile` will produce
 * for "quantize (CPU) -> 3x3 convolution + ReLU (accelerator) -> softmax (CPU)". Shared by
 * the prog.bin tests, the broken-file generator, the sample writer and the fuzz corpus.
 *
 *   tensors  0 x        float32 (1, 3, 5, 5) NCHW        INPUT    0..+300   graph input
 *            1 x_q      int8    (1, 3, 5, 5) NHWC/3      SCRATCH  0..+75    quantized
 *            2 logits   int8    (1, 4, 5, 5) NHWC/4      OUTPUT   400..+100 graph output
 *            3 probs    float32 (1, 4, 5, 5) NCHW        OUTPUT   0..+400   graph output
 *   plan     0 cpu   "quantize"  x -> x_q
 *            1 accel "conv1"     instructions 0..5 (LOAD, LOAD, LOAD, CONV, SAVE, END)
 *            2 cpu   "softmax"   logits -> probs
 *   layers   quantize (QuantizeLinear, no instructions), conv1 (Conv, 0..1 and 2..4),
 *            softmax (Softmax, no instructions)
 *   regions  CONST 704 (576 weight bytes + 8 PARAM records), INPUT 300, OUTPUT 500,
 *            SCRATCH 128
 */
#ifndef PROG_SAMPLE_H
#define PROG_SAMPLE_H

#include <stddef.h>

#include "dpu/program.h"

/* The sample's instructions as assembly text (docs/assembly.md). */
extern const char prog_sample_asm[];

/* Assembles text into insns (malloc'd, caller frees); aborts on failure (a test bug). */
void prog_sample_assemble(const char *text, dpu_insn **insns, size_t *count);

/* Fills p (initialised here) with the sample. Aborts on failure. */
void prog_sample_build(struct dpu_program *p);

/* Encodes p; aborts on failure. *bytes is malloc'd. */
void prog_sample_encode(const struct dpu_program *p, uint8_t **bytes, size_t *len);

#endif
