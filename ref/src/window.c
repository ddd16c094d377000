/* Geometry of a 2-D sliding window over NCHW (Conv2D, MaxPool, AvgPool): attributes, their
 * ranges, and the output size. Every value is bounded here so that the kernels' index
 * arithmetic (at most a few products of dims) stays far below 2^63. */
#include "dpu/qmath.h"
#include "ref_internal.h"

/* Strides, dilations and pads beyond 2^30 are certainly wrong, and bounding them keeps
 * (k - 1) * dilation and i + pads exact. */
#define ATTR_MAX ((int64_t)1 << 30)

/* Output size along one axis; see ref_win_setup. Returns -1 when the window (k - 1) * dil + 1
 * does not fit in the padded size i + pb + pe. */
static int64_t out_size(int64_t i, int64_t k, int64_t s, int64_t dil, int64_t pb, int64_t pe,
                        bool ceil_mode)
{
    int64_t padded = i + pb + pe;
    if (k < 1 || padded < 1 || (k - 1) > (padded - 1) / dil)
        return -1;
    int64_t span = padded - ((k - 1) * dil + 1); /* >= 0 */
    int64_t o = span / s + 1;
    if (ceil_mode && span % s != 0) {
        o += 1;
        /* The last window must start inside the input or the leading padding. */
        if ((o - 1) * s >= i + pb)
            o -= 1;
    }
    return o;
}

int ref_win_setup(const struct ref_args *a, struct ref_win *w, bool is_pool, bool has_dilations,
                  struct dpu_diag *d)
{
    const struct dpu_gnode *n = a->n;
    static const int64_t ones[2] = {1, 1}, zeros[4] = {0, 0, 0, 0};
    int64_t st[2], dl[2] = {1, 1}, pd[4], v;
    int err;

    if ((err = ref_attr_ints(n, "strides", 2, ones, st, d)) ||
        (has_dilations && (err = ref_attr_ints(n, "dilations", 2, ones, dl, d))) ||
        (err = ref_attr_ints(n, "pads", 4, zeros, pd, d)))
        return err;
    for (int i = 0; i < 2; i++) {
        if (st[i] < 1 || st[i] > ATTR_MAX)
            return ref_node_err(d, n, DPU_E_INVALID, "strides[%d] = %lld is out of range", i,
                                (long long)st[i]);
        if (dl[i] < 1 || dl[i] > ATTR_MAX)
            return ref_node_err(d, n, DPU_E_INVALID, "dilations[%d] = %lld is out of range", i,
                                (long long)dl[i]);
    }
    for (int i = 0; i < 4; i++)
        if (pd[i] < 0 || pd[i] > ATTR_MAX)
            return ref_node_err(d, n, DPU_E_INVALID, "pads[%d] = %lld is out of range", i,
                                (long long)pd[i]);
    w->sh = st[0];
    w->sw = st[1];
    w->dh = dl[0];
    w->dw = dl[1];
    w->pt = pd[0];
    w->pl = pd[1];
    w->pb = pd[2];
    w->pr = pd[3];
    w->ceil_mode = false;
    w->count_include_pad = false;
    if (is_pool) {
        if ((err = ref_attr_int(n, "ceil_mode", 0, &v, d)))
            return err;
        w->ceil_mode = v != 0;
        if (n->op == DPU_NODE_AVG_POOL) {
            if ((err = ref_attr_int(n, "count_include_pad", 0, &v, d)))
                return err;
            w->count_include_pad = v != 0;
        }
    }
    w->oh = out_size(w->h, w->kh, w->sh, w->dh, w->pt, w->pb, w->ceil_mode);
    w->ow = out_size(w->w, w->kw, w->sw, w->dw, w->pl, w->pr, w->ceil_mode);
    if (w->oh < 1 || w->ow < 1)
        return ref_node_err(d, n, DPU_E_MISMATCH,
                            "kernel %lldx%lld (dilations %lld, %lld) does not fit the padded "
                            "input %lldx%lld",
                            (long long)w->kh, (long long)w->kw, (long long)w->dh, (long long)w->dw,
                            (long long)(w->h + w->pt + w->pb), (long long)(w->w + w->pl + w->pr));
    return DPU_OK;
}

int ref_pool_setup(const struct ref_args *a, enum dpu_dtype dt, struct ref_win *w,
                   struct dpu_diag *d)
{
    int64_t ks[2];
    int err;
    if ((err = ref_check_input(a, 0, dt, 4, 4, d)) ||
        (err = ref_attr_ints(a->n, "kernel_shape", 2, NULL, ks, d)))
        return err;
    const struct dpu_tensor *x = a->in[0];
    if (ks[0] < 1 || ks[1] < 1 || ks[0] > ATTR_MAX || ks[1] > ATTR_MAX)
        return ref_node_err(d, a->n, DPU_E_INVALID, "kernel_shape [%lld, %lld] is out of range",
                            (long long)ks[0], (long long)ks[1]);
    w->n = x->dims[0];
    w->c = x->dims[1];
    w->h = x->dims[2];
    w->w = x->dims[3];
    w->kh = ks[0];
    w->kw = ks[1];
    if ((err = ref_win_setup(a, w, true, a->n->op == DPU_NODE_MAX_POOL, d)))
        return err;
    const int64_t ydims[4] = {w->n, w->c, w->oh, w->ow};
    return ref_check_output(a, dt, 4, ydims, d);
}

int ref_global_pool_setup(const struct ref_args *a, enum dpu_dtype dt, int64_t *spatial,
                          struct dpu_diag *d)
{
    int err = ref_check_input(a, 0, dt, 3, DPU_TENSOR_MAX_RANK, d);
    if (err)
        return err;
    const struct dpu_tensor *x = a->in[0];
    int64_t ydims[DPU_TENSOR_MAX_RANK];
    *spatial = 1;
    for (int i = 0; i < x->rank; i++) {
        ydims[i] = i < 2 ? x->dims[i] : 1;
        if (i >= 2)
            *spatial *= x->dims[i];
    }
    return ref_check_output(a, dt, x->rank, ydims, d);
}

void ref_taps(int64_t base, int64_t dil, int64_t k, int64_t lo, int64_t hi, int64_t *t0,
              int64_t *t1)
{
    /* base + t * dil >= lo  <=>  t >= ceil((lo - base) / dil) = -floor((base - lo) / dil)
     * base + t * dil < hi   <=>  t <= floor((hi - 1 - base) / dil) */
    int64_t first = -dpu_floor_div64(base - lo, dil);
    int64_t last = dpu_floor_div64(hi - 1 - base, dil);
    *t0 = first < 0 ? 0 : first;
    *t1 = last + 1 > k ? k : last + 1;
    if (*t1 < *t0)
        *t1 = *t0;
}
