/* Shape checks shared by the kernels, and numpy broadcasting. A kernel derives the shape its
 * output must have from its inputs and attributes and refuses any other: that is what keeps
 * every index inside the buffers even for a graph that was never verified. */
#include <stdio.h>
#include <string.h>

#include "ref_internal.h"

int64_t ref_count(const struct dpu_tensor *t)
{
    int64_t c = dpu_tensor_count(t);
    return c < 0 ? 0 : c;
}

int ref_check_input(const struct ref_args *a, size_t i, enum dpu_dtype dt, int rank_lo, int rank_hi,
                    struct dpu_diag *d)
{
    const struct dpu_gnode *n = a->n;
    if (i >= n->ninputs || !a->in[i])
        return ref_node_err(d, n, DPU_E_INVALID, "input %zu is missing", i);
    const struct dpu_tensor *t = a->in[i];
    const char *name = ref_tensor_name(a->g, n->inputs[i]);
    if (t->dtype != dt)
        return ref_node_err(d, n, DPU_E_MISMATCH, "input %zu '%s' is %s, expected %s", i, name,
                            dpu_dtype_name(t->dtype), dpu_dtype_name(dt));
    if (t->rank < rank_lo || t->rank > rank_hi) {
        char s[DPU_SHAPE_STR_MAX];
        dpu_shape_format(t->rank, t->dims, s, sizeof s);
        if (rank_lo == rank_hi)
            return ref_node_err(d, n, DPU_E_MISMATCH,
                                "input %zu '%s' has shape %s, expected "
                                "rank %d",
                                i, name, s, rank_lo);
        return ref_node_err(d, n, DPU_E_MISMATCH,
                            "input %zu '%s' has shape %s, expected rank "
                            "%d to %d",
                            i, name, s, rank_lo, rank_hi);
    }
    return DPU_OK;
}

static bool same_shape(int ra, const int64_t *da, int rb, const int64_t *db)
{
    if (ra != rb)
        return false;
    for (int i = 0; i < ra; i++)
        if (da[i] != db[i])
            return false;
    return true;
}

int ref_check_output(const struct ref_args *a, enum dpu_dtype dt, int rank, const int64_t *dims,
                     struct dpu_diag *d)
{
    const struct dpu_tensor *o = a->out;
    const char *name = ref_tensor_name(a->g, a->n->noutputs ? a->n->outputs[0] : -1);
    if (o->dtype != dt)
        return ref_node_err(d, a->n, DPU_E_MISMATCH, "output '%s' is %s, expected %s", name,
                            dpu_dtype_name(o->dtype), dpu_dtype_name(dt));
    if (!same_shape(o->rank, o->dims, rank, dims)) {
        char got[DPU_SHAPE_STR_MAX], want[DPU_SHAPE_STR_MAX];
        dpu_shape_format(o->rank, o->dims, got, sizeof got);
        dpu_shape_format(rank, dims, want, sizeof want);
        return ref_node_err(d, a->n, DPU_E_MISMATCH,
                            "output '%s' has shape %s, but the inputs and attributes give %s", name,
                            got, want);
    }
    return DPU_OK;
}

int ref_norm_axis(const struct dpu_gnode *n, int64_t axis, int rank, bool allow_end, int *out,
                  struct dpu_diag *d)
{
    int64_t hi = allow_end ? rank : rank - 1;
    int64_t v = axis < 0 ? axis + rank : axis;
    if (v < 0 || v > hi)
        return ref_node_err(d, n, DPU_E_INVALID, "axis %lld is out of range for rank %d",
                            (long long)axis, rank);
    *out = (int)v;
    return DPU_OK;
}

/* numpy rule: align the shapes on the right; along each axis the sizes must be equal or one of
 * them 1 (a missing leading axis counts as 1), and the result takes the larger. */
int ref_broadcast(const struct dpu_gnode *n, int ra, const int64_t *da, int rb, const int64_t *db,
                  struct ref_bcast *bc, struct dpu_diag *d)
{
    int r = ra > rb ? ra : rb;
    int64_t stride_a = 1, stride_b = 1;
    memset(bc, 0, sizeof *bc);
    bc->rank = r;
    for (int i = r - 1; i >= 0; i--) {
        int ia = i - (r - ra), ib = i - (r - rb);
        int64_t xa = ia >= 0 ? da[ia] : 1, xb = ib >= 0 ? db[ib] : 1;
        if (xa != xb && xa != 1 && xb != 1) {
            char sa[DPU_SHAPE_STR_MAX], sb[DPU_SHAPE_STR_MAX];
            dpu_shape_format(ra, da, sa, sizeof sa);
            dpu_shape_format(rb, db, sb, sizeof sb);
            return ref_node_err(d, n, DPU_E_MISMATCH, "shapes %s and %s do not broadcast", sa, sb);
        }
        bc->dims[i] = xa == 1 ? xb : xa;
        bc->sa[i] = xa == 1 ? 0 : stride_a;
        bc->sb[i] = xb == 1 ? 0 : stride_b;
        stride_a *= xa;
        stride_b *= xb;
    }
    return DPU_OK;
}

void ref_bcast_next(const struct ref_bcast *bc, int64_t *cnt, int64_t *ia, int64_t *ib)
{
    for (int i = bc->rank - 1; i >= 0; i--) {
        *ia += bc->sa[i];
        *ib += bc->sb[i];
        if (++cnt[i] < bc->dims[i])
            return;
        *ia -= bc->sa[i] * bc->dims[i];
        *ib -= bc->sb[i] * bc->dims[i];
        cnt[i] = 0;
    }
}
