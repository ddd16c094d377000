/* The comparison rules of the ONNX conformance driver, kept apart from file reading and
 * running so that a unit test can check them on hand-made tensors.
 *
 * float rule (float tests): an element passes when |got - exp| <= rtol * max(1, |exp|).
 *   Both NaN, or equal infinities, also pass. The report carries the largest |got - exp|
 *   (max_abs) and the largest |got - exp| / max(1, |exp|) (max_rel, the quantity bounded by
 *   rtol), over the finite elements.
 * quant rule (quantized tests): int8 / uint8 elements must be equal, except that a
 *   difference of exactly 1 is a "tie": ONNX rounds ties to even in float, our arithmetic
 *   contract rounds ties toward +infinity with an integer multiplier (docs/arithmetic.md,
 *   section 9), and the two may differ by 1 LSB. Ties pass and are counted. Any larger
 *   difference fails. int32 and float32 elements must be equal (floats: ==, or both NaN).
 */
#ifndef CONF_COMPARE_H
#define CONF_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "dpu/tensor.h"

/* The relative tolerance of float tests. */
#define CONF_FLOAT_RTOL 1e-5

/* The output's zero points, to tell which 1-LSB differences sit on a rounding tie: the ONNX
 * result exp and ours got = exp + 1 with (exp - zp) even is exactly "ties to even chose the
 * lower, even neighbour; ties up chose the upper one". axis = -1 (count 1) is per tensor. */
struct conf_zero_points {
    int axis;
    size_t count; /* 0: unknown (then no element is classified as on the tie pattern) */
    const int32_t *zp;
};

/* What one comparison found; conf_cmp_merge accumulates several (outputs, data sets). */
struct conf_cmp {
    int64_t count;            /* elements compared */
    int64_t mismatches;       /* elements that break the rule */
    int64_t ties;             /* quant rule: elements 1 LSB apart (pass) */
    int64_t ties_off_pattern; /* of the ties, those not of the form got = exp + 1, exp - zp even */
    double max_abs;           /* largest |got - exp| over finite elements */
    double max_rel;           /* largest |got - exp| / max(1, |exp|) over finite elements */
    int64_t first_bad;        /* flat index of the first mismatch, -1 if none */
    double first_got, first_exp;
};

void conf_cmp_init(struct conf_cmp *r);
/* Adds src into dst (counts summed, maxima kept, the first mismatch kept if dst has none). */
void conf_cmp_merge(struct conf_cmp *dst, const struct conf_cmp *src);

/* Compares under the float rule (float32 tensors; integer tensors are compared exactly).
 * Returns 0 when the tensors could be compared (then r says how it went) or -1 when their
 * dtype or shape differ, with a message in msg. */
int conf_compare_float(const struct dpu_tensor *got, const struct dpu_tensor *exp, double rtol,
                       struct conf_cmp *r, char *msg, size_t cap);

/* Compares under the quant rule; zp may be NULL. Same return convention. */
int conf_compare_quant(const struct dpu_tensor *got, const struct dpu_tensor *exp,
                       const struct conf_zero_points *zp, struct conf_cmp *r, char *msg,
                       size_t cap);

/* The uint8 boundary: the importer turns ONNX uint8 tensors into int8 by subtracting 128
 * from values and zero points (dpu_onnx_report). These convert a tensor in place, values
 * and dtype together; they return -1 (and change nothing) on a tensor of another dtype. */
int conf_uint8_to_int8(struct dpu_tensor *t);
int conf_int8_to_uint8(struct dpu_tensor *t);

#endif
