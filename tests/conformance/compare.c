/* Comparison rules of the ONNX conformance driver (see compare.h for the rules). */
#include "compare.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void conf_cmp_init(struct conf_cmp *r)
{
    memset(r, 0, sizeof(*r));
    r->first_bad = -1;
}

void conf_cmp_merge(struct conf_cmp *dst, const struct conf_cmp *src)
{
    if (dst->first_bad < 0 && src->first_bad >= 0) {
        /* The index is only meaningful within its own tensor; the message that goes with it
         * names that tensor, so it is kept as is. */
        dst->first_bad = src->first_bad;
        dst->first_got = src->first_got;
        dst->first_exp = src->first_exp;
    }
    dst->count += src->count;
    dst->mismatches += src->mismatches;
    dst->ties += src->ties;
    dst->ties_off_pattern += src->ties_off_pattern;
    if (src->max_abs > dst->max_abs)
        dst->max_abs = src->max_abs;
    if (src->max_rel > dst->max_rel)
        dst->max_rel = src->max_rel;
}

/* Element i of an integer or float tensor, widened to double (exact for every dtype here). */
static double elem(const struct dpu_tensor *t, int64_t i)
{
    switch (t->dtype) {
    case DPU_DT_INT8:
        return ((const int8_t *)t->data)[i];
    case DPU_DT_UINT8:
        return ((const uint8_t *)t->data)[i];
    case DPU_DT_INT32:
        return ((const int32_t *)t->data)[i];
    case DPU_DT_FLOAT32:
        return ((const float *)t->data)[i];
    }
    return NAN;
}

/* Same dtype and shape, or -1 with the reason in msg. Returns the element count. */
static int64_t check_same_layout(const struct dpu_tensor *got, const struct dpu_tensor *exp,
                                 char *msg, size_t cap)
{
    char gs[DPU_SHAPE_STR_MAX], es[DPU_SHAPE_STR_MAX];
    if (got->dtype != exp->dtype) {
        snprintf(msg, cap, "dtype %s, expected %s", dpu_dtype_name(got->dtype),
                 dpu_dtype_name(exp->dtype));
        return -1;
    }
    bool same = got->rank == exp->rank;
    for (int k = 0; same && k < got->rank; k++)
        same = got->dims[k] == exp->dims[k];
    if (!same) {
        snprintf(msg, cap, "shape %s, expected %s",
                 dpu_shape_format(got->rank, got->dims, gs, sizeof(gs)),
                 dpu_shape_format(exp->rank, exp->dims, es, sizeof(es)));
        return -1;
    }
    int64_t n = dpu_tensor_count(exp);
    if (n < 0) {
        snprintf(msg, cap, "invalid tensor shape or dtype");
        return -1;
    }
    return n;
}

static void note_mismatch(struct conf_cmp *r, int64_t i, double g, double e)
{
    if (r->first_bad < 0) {
        r->first_bad = i;
        r->first_got = g;
        r->first_exp = e;
    }
    r->mismatches++;
}

/* Records |g - e| in the maxima (finite pairs only: an infinity or NaN has no error size). */
static void note_error(struct conf_cmp *r, double g, double e)
{
    if (!isfinite(g) || !isfinite(e))
        return;
    double d = fabs(g - e);
    double rel = d / fmax(1.0, fabs(e));
    if (d > r->max_abs)
        r->max_abs = d;
    if (rel > r->max_rel)
        r->max_rel = rel;
}

/* Exact equality for floats: ==, or both NaN (a NaN that ONNX expects is a match). */
static bool float_equal(double g, double e)
{
    return g == e || (isnan(g) && isnan(e));
}

int conf_compare_float(const struct dpu_tensor *got, const struct dpu_tensor *exp, double rtol,
                       struct conf_cmp *r, char *msg, size_t cap)
{
    conf_cmp_init(r);
    int64_t n = check_same_layout(got, exp, msg, cap);
    if (n < 0)
        return -1;
    bool is_float = exp->dtype == DPU_DT_FLOAT32;
    for (int64_t i = 0; i < n; i++) {
        double g = elem(got, i), e = elem(exp, i);
        note_error(r, g, e);
        bool ok;
        if (!is_float || !isfinite(g) || !isfinite(e))
            ok = float_equal(g, e); /* integers, infinities and NaN: exact */
        else
            ok = fabs(g - e) <= rtol * fmax(1.0, fabs(e));
        if (!ok)
            note_mismatch(r, i, g, e);
    }
    r->count = n;
    return 0;
}

/* The zero point that applies to element i, or false when zp does not say. */
static bool zero_point_of(const struct dpu_tensor *t, const struct conf_zero_points *zp, int64_t i,
                          int32_t *out)
{
    if (!zp || zp->count == 0 || !zp->zp)
        return false;
    if (zp->count == 1) {
        *out = zp->zp[0];
        return true;
    }
    if (zp->axis < 0 || zp->axis >= t->rank || (int64_t)zp->count != t->dims[zp->axis])
        return false;
    int64_t inner = 1;
    for (int k = zp->axis + 1; k < t->rank; k++)
        inner *= t->dims[k];
    *out = zp->zp[(i / inner) % t->dims[zp->axis]];
    return true;
}

int conf_compare_quant(const struct dpu_tensor *got, const struct dpu_tensor *exp,
                       const struct conf_zero_points *zp, struct conf_cmp *r, char *msg, size_t cap)
{
    conf_cmp_init(r);
    int64_t n = check_same_layout(got, exp, msg, cap);
    if (n < 0)
        return -1;
    bool is_8bit = exp->dtype == DPU_DT_INT8 || exp->dtype == DPU_DT_UINT8;
    for (int64_t i = 0; i < n; i++) {
        double g = elem(got, i), e = elem(exp, i);
        note_error(r, g, e);
        if (float_equal(g, e))
            continue;
        if (is_8bit && fabs(g - e) == 1.0) {
            r->ties++;
            /* The zero point may be in the uint8 or the int8 domain: they differ by 128,
             * which does not change the parity of e - zp. */
            int32_t z;
            bool on_pattern =
                g == e + 1 && zero_point_of(exp, zp, i, &z) && ((int64_t)e - z) % 2 == 0;
            if (!on_pattern)
                r->ties_off_pattern++;
            continue;
        }
        note_mismatch(r, i, g, e);
    }
    r->count = n;
    return 0;
}

int conf_uint8_to_int8(struct dpu_tensor *t)
{
    int64_t n = dpu_tensor_count(t);
    if (t->dtype != DPU_DT_UINT8 || n < 0)
        return -1;
    uint8_t *u = t->data;
    int8_t *s = t->data;
    for (int64_t i = 0; i < n; i++)
        s[i] = (int8_t)((int)u[i] - 128);
    t->dtype = DPU_DT_INT8;
    return 0;
}

int conf_int8_to_uint8(struct dpu_tensor *t)
{
    int64_t n = dpu_tensor_count(t);
    if (t->dtype != DPU_DT_INT8 || n < 0)
        return -1;
    int8_t *s = t->data;
    uint8_t *u = t->data;
    for (int64_t i = 0; i < n; i++)
        u[i] = (uint8_t)((int)s[i] + 128);
    t->dtype = DPU_DT_UINT8;
    return 0;
}
