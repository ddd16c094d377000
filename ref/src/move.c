/* Data movement shared by the int8 and float32 interpreters: Reshape, Flatten, Transpose,
 * Resize (nearest, integer factors), Pad (constant) and the geometry of Concat. Elements are
 * moved as opaque values of the tensors' element size; no arithmetic. */
#include <string.h>

#include "ref_internal.h"

/* Input 0 present, with the output's dtype and any rank. */
static int same_dtype_input(const struct ref_args *a, struct dpu_diag *d)
{
    return ref_check_input(a, 0, a->out->dtype, 0, DPU_TENSOR_MAX_RANK, d);
}

/* Reshape keeps the bytes: the output shape is the graph's (already resolved from the
 * attribute `shape`), and only the element counts must agree. */
int ref_move_reshape(const struct ref_args *a, struct dpu_diag *d)
{
    int err = same_dtype_input(a, d);
    if (err)
        return err;
    const struct dpu_tensor *x = a->in[0];
    int64_t nx = ref_count(x), ny = ref_count(a->out);
    if (nx != ny) {
        char sx[DPU_SHAPE_STR_MAX], sy[DPU_SHAPE_STR_MAX];
        dpu_shape_format(x->rank, x->dims, sx, sizeof sx);
        dpu_shape_format(a->out->rank, a->out->dims, sy, sizeof sy);
        return ref_node_err(d, a->n, DPU_E_MISMATCH,
                            "cannot reshape %s (%lld elements) to %s (%lld elements)", sx,
                            (long long)nx, sy, (long long)ny);
    }
    memcpy(a->out->data, x->data, (size_t)nx * dpu_dtype_size(x->dtype));
    return DPU_OK;
}

/* Flatten: [prod(d[:axis]), prod(d[axis:])], axis in [-r, r] (default 1). */
int ref_move_flatten(const struct ref_args *a, struct dpu_diag *d)
{
    int err = same_dtype_input(a, d);
    if (err)
        return err;
    const struct dpu_tensor *x = a->in[0];
    int64_t axis_attr;
    int axis;
    if ((err = ref_attr_int(a->n, "axis", 1, &axis_attr, d)) ||
        (err = ref_norm_axis(a->n, axis_attr, x->rank, true, &axis, d)))
        return err;
    int64_t dims[2] = {1, 1};
    for (int i = 0; i < x->rank; i++)
        dims[i < axis ? 0 : 1] *= x->dims[i];
    if ((err = ref_check_output(a, x->dtype, 2, dims, d)))
        return err;
    memcpy(a->out->data, x->data, (size_t)ref_count(x) * dpu_dtype_size(x->dtype));
    return DPU_OK;
}

/* Transpose: out[i_0, .., i_(r-1)] = in[j] with j[perm[k]] = i_k, i.e. out dims[k] =
 * in dims[perm[k]]. Walks the output in order, stepping the input offset by the input stride
 * of axis perm[k]. */
int ref_move_transpose(const struct ref_args *a, struct dpu_diag *d)
{
    int err = same_dtype_input(a, d);
    if (err)
        return err;
    const struct dpu_tensor *x = a->in[0];
    int r = x->rank;
    int64_t perm[DPU_TENSOR_MAX_RANK], dims[DPU_TENSOR_MAX_RANK], istride[DPU_TENSOR_MAX_RANK];
    int64_t step[DPU_TENSOR_MAX_RANK], cnt[DPU_TENSOR_MAX_RANK] = {0};
    bool seen[DPU_TENSOR_MAX_RANK] = {false};
    if ((err = ref_attr_ints(a->n, "perm", (size_t)r, NULL, perm, d)))
        return err;
    for (int k = 0; k < r; k++) {
        if (perm[k] < 0 || perm[k] >= r || seen[perm[k]])
            return ref_node_err(d, a->n, DPU_E_INVALID,
                                "perm is not a permutation of 0..%d (entry %d is %lld)", r - 1, k,
                                (long long)perm[k]);
        seen[perm[k]] = true;
    }
    int64_t s = 1;
    for (int i = r - 1; i >= 0; i--) {
        istride[i] = s;
        s *= x->dims[i];
    }
    for (int k = 0; k < r; k++) {
        dims[k] = x->dims[perm[k]];
        step[k] = istride[perm[k]];
    }
    if ((err = ref_check_output(a, x->dtype, r, dims, d)))
        return err;
    size_t es = dpu_dtype_size(x->dtype);
    const unsigned char *src = x->data;
    unsigned char *dst = a->out->data;
    int64_t total = ref_count(a->out), off = 0;
    for (int64_t o = 0; o < total; o++) {
        memcpy(dst + (size_t)o * es, src + (size_t)off * es, es);
        for (int k = r - 1; k >= 0; k--) {
            off += step[k];
            if (++cnt[k] < dims[k])
                break;
            off -= step[k] * dims[k];
            cnt[k] = 0;
        }
    }
    return DPU_OK;
}

/* Resize (nearest, integer factor f per axis, attribute `scales`): out[i] = in[i / f] along
 * every axis, out dims = in dims * f. */
int ref_move_resize(const struct ref_args *a, struct dpu_diag *d)
{
    int err = same_dtype_input(a, d);
    if (err)
        return err;
    const struct dpu_tensor *x = a->in[0];
    int r = x->rank;
    int64_t f[DPU_TENSOR_MAX_RANK], dims[DPU_TENSOR_MAX_RANK], istride[DPU_TENSOR_MAX_RANK];
    int64_t cnt[DPU_TENSOR_MAX_RANK] = {0};
    if ((err = ref_attr_ints(a->n, "scales", (size_t)r, NULL, f, d)))
        return err;
    int64_t s = 1;
    for (int i = r - 1; i >= 0; i--) {
        /* Factors above 2^20 would make a tensor far beyond DPU_TENSOR_MAX_BYTES anyway;
         * bounding them keeps dims * f exact. */
        if (f[i] < 1 || f[i] > ((int64_t)1 << 20))
            return ref_node_err(d, a->n, DPU_E_INVALID,
                                "scales[%d] = %lld: nearest resize needs an integer factor "
                                ">= 1",
                                i, (long long)f[i]);
        dims[i] = x->dims[i] * f[i];
        istride[i] = s;
        s *= x->dims[i];
    }
    if ((err = ref_check_output(a, x->dtype, r, dims, d)))
        return err;
    size_t es = dpu_dtype_size(x->dtype);
    const unsigned char *src = x->data;
    unsigned char *dst = a->out->data;
    int64_t total = ref_count(a->out);
    for (int64_t o = 0; o < total; o++) {
        int64_t off = 0;
        for (int i = 0; i < r; i++)
            off += (cnt[i] / f[i]) * istride[i];
        memcpy(dst + (size_t)o * es, src + (size_t)off * es, es);
        for (int i = r - 1; i >= 0; i--) {
            if (++cnt[i] < dims[i])
                break;
            cnt[i] = 0;
        }
    }
    return DPU_OK;
}

/* Pad (constant): pads = [b_0 .. b_(r-1), e_0 .. e_(r-1)], all >= 0; out dims = b + in + e.
 * Every output position whose coordinates minus b_i all fall inside the input takes that
 * input element, every other one the fill value. */
int ref_move_pad(const struct ref_args *a, const void *fill, struct dpu_diag *d)
{
    int err = same_dtype_input(a, d);
    if (err)
        return err;
    const struct dpu_tensor *x = a->in[0];
    int r = x->rank;
    int64_t pads[2 * DPU_TENSOR_MAX_RANK], dims[DPU_TENSOR_MAX_RANK];
    int64_t istride[DPU_TENSOR_MAX_RANK], cnt[DPU_TENSOR_MAX_RANK] = {0};
    if ((err = ref_attr_ints(a->n, "pads", (size_t)(2 * r), NULL, pads, d)))
        return err;
    int64_t s = 1;
    for (int i = r - 1; i >= 0; i--) {
        if (pads[i] < 0 || pads[r + i] < 0 || pads[i] > DPU_TENSOR_MAX_DIM ||
            pads[r + i] > DPU_TENSOR_MAX_DIM)
            return ref_node_err(d, a->n, DPU_E_INVALID,
                                "pads for axis %d are %lld, %lld: constant Pad needs pads in "
                                "[0, 2^40]",
                                i, (long long)pads[i], (long long)pads[r + i]);
        dims[i] = pads[i] + x->dims[i] + pads[r + i];
        istride[i] = s;
        s *= x->dims[i];
    }
    if ((err = ref_check_output(a, x->dtype, r, dims, d)))
        return err;
    size_t es = dpu_dtype_size(x->dtype);
    const unsigned char *src = x->data;
    unsigned char *dst = a->out->data;
    int64_t total = ref_count(a->out);
    for (int64_t o = 0; o < total; o++) {
        int64_t off = 0;
        bool inside = true;
        for (int i = 0; i < r && inside; i++) {
            int64_t c = cnt[i] - pads[i];
            inside = c >= 0 && c < x->dims[i];
            off += c * istride[i];
        }
        memcpy(dst + (size_t)o * es, inside ? src + (size_t)off * es : fill, es);
        for (int i = r - 1; i >= 0; i--) {
            if (++cnt[i] < dims[i])
                break;
            cnt[i] = 0;
        }
    }
    return DPU_OK;
}

int ref_concat_setup(const struct ref_args *a, enum dpu_dtype dt, int *axis, int64_t *outer,
                     int64_t *inner, struct dpu_diag *d)
{
    const struct dpu_gnode *n = a->n;
    int err;
    if (n->ninputs < 1)
        return ref_node_err(d, n, DPU_E_INVALID, "Concat needs at least one input");
    if ((err = ref_check_input(a, 0, dt, 1, DPU_TENSOR_MAX_RANK, d)))
        return err;
    const struct dpu_tensor *x0 = a->in[0];
    int r = x0->rank;
    int64_t ax;
    if (!dpu_node_attr(n, "axis"))
        return ref_node_err(d, n, DPU_E_INVALID, "required attribute 'axis' is missing");
    if ((err = ref_attr_int(n, "axis", 0, &ax, d)) ||
        (err = ref_norm_axis(n, ax, r, false, axis, d)))
        return err;
    int64_t dims[DPU_TENSOR_MAX_RANK];
    for (int i = 0; i < r; i++)
        dims[i] = x0->dims[i];
    dims[*axis] = 0;
    for (size_t k = 0; k < n->ninputs; k++) {
        if ((err = ref_check_input(a, k, dt, r, r, d)))
            return err;
        const struct dpu_tensor *x = a->in[k];
        for (int i = 0; i < r; i++)
            if (i != *axis && x->dims[i] != x0->dims[i])
                return ref_node_err(d, n, DPU_E_MISMATCH,
                                    "input %zu '%s' has size %lld on axis %d, input 0 has %lld", k,
                                    ref_tensor_name(a->g, n->inputs[k]), (long long)x->dims[i], i,
                                    (long long)x0->dims[i]);
        dims[*axis] += x->dims[*axis];
    }
    if ((err = ref_check_output(a, dt, r, dims, d)))
        return err;
    *outer = 1;
    *inner = 1;
    for (int i = 0; i < *axis; i++)
        *outer *= dims[i];
    for (int i = *axis + 1; i < r; i++)
        *inner *= dims[i];
    return DPU_OK;
}
