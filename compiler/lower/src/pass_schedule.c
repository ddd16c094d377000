/* Pass schedule: dependency tokens derived from the buffers and DDR bytes each instruction
 * actually touches, so that engines overlap wherever the data allows (double buffering falls
 * out of isel's ping-pong buffer placement and stream order).
 *
 * Per accelerator segment, in stream order, every instruction j (engine b) is compared with
 * the earlier instructions i of other engines whose access extents overlap j's with at least
 * one of the two writing (docs/isa.md, ordering rule). Each space (ACT, WGT, PARAM, ACC, LUT,
 * each DDR region) is a map of byte segments holding the last writer and the last reader per
 * engine since that write, which is all a later access can still need (struct seg), so each
 * access costs a binary search plus the segments it covers: near-linear in the program size.
 * Each engine carries a vector clock: know[b][e] is the last instruction of e that
 * happens-before b's next instruction. When j needs i (engine e) and know[b][e] < i, j waits
 * on e and i signals b. Because i > know[b][e] >= every earlier signaller on (e -> b), signals
 * and waits of a queue pair up in stream order, every wait takes a token signalled earlier in
 * the stream, and every queue is empty at END (the token discipline). When i's signal would
 * put more than token_queue_depth tokens in the queue, the signal moves to a later instruction
 * of e (still before j); when no such instruction has room, an earlier wait of b is made to
 * take its token from i instead (add_token), which orders more, never less. Extents (lowest
 * to highest byte) over-approximate the exact byte sets, which can only add order. CONST is
 * never written, so reads of it are not recorded. */
#include <stdlib.h>
#include <string.h>

#include "lower.h"

#define NE DPU_ENGINE_COUNT

/* What the scheduler remembers of the bytes [lo, next segment's lo) of one space: the last
 * instruction that wrote them and, per engine, the last that read them since. That is all a
 * later access can conflict with and still need: an older writer happens-before the last one
 * (their conflict was ordered when the last one was scheduled), an older reader of an engine
 * happens-before that engine's last reader (engines run in order) or before the last writer. */
struct seg {
    uint64_t lo;
    long w;     /* last writer (stream index), -1 none */
    int weng;   /* its engine */
    long r[NE]; /* last reader per engine after w, -1 none */
};

/* A space as sorted, gap-free segments covering [0, 2^64): seg[0].lo == 0. */
struct smap {
    struct seg *v;
    size_t n, cap;
};

/* A (signal, wait) pair of one token queue. */
struct pair {
    size_t sig, wait;
};

struct sched {
    struct lw_ctx *c;
    struct smap sp[LW_SP_COUNT];
    long *vc; /* per instruction of the segment, NE clocks (stream indices, -1 none) */
    long know[NE][NE];
    size_t *ord[NE]; /* instructions of each engine, in stream order */
    size_t nord[NE];
    struct pair *pend[NE][NE]; /* pairs of each queue in stream order */
    size_t npend[NE][NE], cpend[NE][NE];
    size_t base;
};

int lw_engine_of(const dpu_insn *i)
{
    switch (dpu_insn_get_opcode(i)) {
    case DPU_OP_LOAD:
        return DPU_ENGINE_LOAD;
    case DPU_OP_CONV:
        return DPU_ENGINE_CONV;
    case DPU_OP_SAVE:
        return DPU_ENGINE_SAVE;
    case DPU_OP_POOL:
    case DPU_OP_ELTW:
    case DPU_OP_DWCONV:
    case DPU_OP_LUTLD:
    case DPU_OP_LUT:
        return DPU_ENGINE_MISC;
    case DPU_OP_SYNC:
        return (int)dpu_sync_get_engine(i);
    default:
        return -1; /* END */
    }
}

static int buf_space(int buf)
{
    switch (buf) {
    case DPU_BUF_ACT:
        return LW_SP_ACT;
    case DPU_BUF_WGT:
        return LW_SP_WGT;
    case DPU_BUF_PARAM:
        return LW_SP_PARAM;
    default:
        return LW_SP_ACC;
    }
}

/* Extent of a 2-D box of rows x cols items of n bytes. */
static uint64_t box_end(uint64_t base, uint64_t rows, uint64_t rs, uint64_t cols, uint64_t cs,
                        uint64_t n)
{
    return base + (rows - 1) * rs + (cols - 1) * cs + n;
}

/* The access extents of instruction in; returns how many (at most 6). */
int lw_accesses(const struct lw_ctx *c, const dpu_insn *in, struct lw_acc *a)
{
    uint64_t R = c->R, C = c->C, accb = 4 * (uint64_t)c->C;
    int n = 0;
#define ADD(s, l, h, w) (a[n++] = (struct lw_acc){(s), (l), (h), (w)})
    switch (dpu_insn_get_opcode(in)) {
    case DPU_OP_LOAD: {
        uint64_t H = dpu_load_get_pad_top(in) + dpu_load_get_rows(in) + dpu_load_get_pad_bottom(in);
        uint64_t W = dpu_load_get_pad_left(in) + dpu_load_get_cols(in) + dpu_load_get_pad_right(in);
        uint64_t s = dpu_load_get_sram_addr(in);
        ADD(buf_space((int)dpu_load_get_buf(in)), s,
            box_end(s, H, dpu_load_get_sram_row_stride(in), W, dpu_load_get_sram_col_stride(in),
                    dpu_load_get_sram_col_stride(in)),
            true);
        int region = (int)dpu_load_get_region(in);
        if (region != DPU_REGION_CONST) {
            uint64_t o = dpu_load_get_ddr_off(in);
            ADD(LW_SP_DDR + region, o,
                box_end(o, dpu_load_get_rows(in), dpu_load_get_ddr_row_stride(in),
                        dpu_load_get_cols(in), dpu_load_get_ddr_col_stride(in),
                        dpu_load_get_bytes(in)),
                false);
        }
        break;
    }
    case DPU_OP_SAVE: {
        uint64_t rows = dpu_save_get_rows(in), cols = dpu_save_get_cols(in);
        uint64_t nb = dpu_save_get_bytes(in), s = dpu_save_get_sram_addr(in);
        uint64_t o = dpu_save_get_ddr_off(in);
        ADD(buf_space((int)dpu_save_get_buf(in)), s,
            box_end(s, rows, dpu_save_get_sram_row_stride(in), cols,
                    dpu_save_get_sram_col_stride(in), nb),
            false);
        ADD(LW_SP_DDR + (int)dpu_save_get_region(in), o,
            box_end(o, rows, dpu_save_get_ddr_row_stride(in), cols, dpu_save_get_ddr_col_stride(in),
                    nb),
            true);
        break;
    }
    case DPU_OP_CONV: {
        uint64_t kh = dpu_conv_get_kh(in), kw = dpu_conv_get_kw(in);
        uint64_t oh = dpu_conv_get_oh(in), ow = dpu_conv_get_ow(in);
        uint64_t IY = (oh - 1) * dpu_conv_get_stride_h(in) + (kh - 1) * dpu_conv_get_dil_h(in);
        uint64_t IX = (ow - 1) * dpu_conv_get_stride_w(in) + (kw - 1) * dpu_conv_get_dil_w(in);
        uint64_t aa = dpu_conv_get_act_addr(in);
        ADD(LW_SP_ACT, aa,
            aa + IY * dpu_conv_get_act_row_stride(in) + IX * dpu_conv_get_act_col_stride(in) + R,
            false);
        uint64_t wa = dpu_conv_get_wgt_addr(in);
        ADD(LW_SP_WGT, wa, wa + kh * kw * R * C, false);
        uint64_t e = dpu_conv_get_acc_addr(in);
        ADD(LW_SP_ACC, e * accb, (e + oh * ow) * accb, true);
        if (dpu_conv_get_post(in)) {
            uint64_t p = dpu_conv_get_param_addr(in), o = dpu_conv_get_out_addr(in);
            ADD(LW_SP_PARAM, 16 * p, 16 * (p + C), false);
            ADD(LW_SP_ACT, o, o + (oh * ow - 1) * dpu_conv_get_out_pstride(in) + C, true);
            if (dpu_conv_get_lut(in))
                ADD(LW_SP_LUT, 0, 1, false);
        }
        break;
    }
    case DPU_OP_POOL: {
        uint64_t nv = dpu_pool_get_nvec(in), ia = dpu_pool_get_in_addr(in);
        uint64_t oh = dpu_pool_get_oh(in), ow = dpu_pool_get_ow(in);
        uint64_t vt = dpu_pool_get_valid_top(in), vl = dpu_pool_get_valid_left(in);
        uint64_t y1 = (oh - 1) * dpu_pool_get_stride_h(in) + dpu_pool_get_kh(in);
        uint64_t x1 = (ow - 1) * dpu_pool_get_stride_w(in) + dpu_pool_get_kw(in);
        if (y1 > vt + dpu_pool_get_valid_h(in))
            y1 = vt + dpu_pool_get_valid_h(in);
        if (x1 > vl + dpu_pool_get_valid_w(in))
            x1 = vl + dpu_pool_get_valid_w(in);
        if (y1 > vt && x1 > vl)
            ADD(LW_SP_ACT, ia,
                ia + (y1 - 1 - vt) * dpu_pool_get_in_row_stride(in) +
                    (x1 - 1 - vl) * dpu_pool_get_in_col_stride(in) + nv * R,
                false);
        uint64_t o = dpu_pool_get_out_addr(in), p = dpu_pool_get_param_addr(in);
        ADD(LW_SP_ACT, o, o + (oh * ow - 1) * dpu_pool_get_out_pstride(in) + nv * R, true);
        ADD(LW_SP_PARAM, 16 * p, 16 * (p + 1), false);
        break;
    }
    case DPU_OP_ELTW: {
        uint64_t len = dpu_eltw_get_len(in), p = dpu_eltw_get_param_addr(in);
        ADD(LW_SP_ACT, dpu_eltw_get_a_addr(in), dpu_eltw_get_a_addr(in) + len, false);
        ADD(LW_SP_ACT, dpu_eltw_get_b_addr(in), dpu_eltw_get_b_addr(in) + len, false);
        ADD(LW_SP_ACT, dpu_eltw_get_out_addr(in), dpu_eltw_get_out_addr(in) + len, true);
        ADD(LW_SP_PARAM, 16 * p, 16 * (p + 2), false);
        if (dpu_eltw_get_lut(in))
            ADD(LW_SP_LUT, 0, 1, false);
        break;
    }
    case DPU_OP_DWCONV: {
        uint64_t kh = dpu_dwconv_get_kh(in), kw = dpu_dwconv_get_kw(in);
        uint64_t oh = dpu_dwconv_get_oh(in), ow = dpu_dwconv_get_ow(in);
        uint64_t nv = dpu_dwconv_get_nvec(in), aa = dpu_dwconv_get_act_addr(in);
        /* the stored rectangle only (implicit padding reads nothing) */
        uint64_t IY = (oh - 1) * dpu_dwconv_get_stride_h(in) + (kh - 1) * dpu_dwconv_get_dil_h(in) -
                      dpu_dwconv_get_pad_top(in) - dpu_dwconv_get_pad_bottom(in);
        uint64_t IX = (ow - 1) * dpu_dwconv_get_stride_w(in) + (kw - 1) * dpu_dwconv_get_dil_w(in) -
                      dpu_dwconv_get_pad_left(in) - dpu_dwconv_get_pad_right(in);
        ADD(LW_SP_ACT, aa,
            aa + IY * dpu_dwconv_get_act_row_stride(in) + IX * dpu_dwconv_get_act_col_stride(in) +
                nv * R,
            false);
        uint64_t wa = dpu_dwconv_get_wgt_addr(in), p = dpu_dwconv_get_param_addr(in);
        ADD(LW_SP_WGT, wa, wa + nv * kh * kw * R, false);
        ADD(LW_SP_PARAM, 16 * p, 16 * (p + nv * R), false);
        uint64_t o = dpu_dwconv_get_out_addr(in);
        ADD(LW_SP_ACT, o, o + (oh * ow - 1) * dpu_dwconv_get_out_pstride(in) + nv * R, true);
        if (dpu_dwconv_get_lut(in))
            ADD(LW_SP_LUT, 0, 1, false);
        break;
    }
    case DPU_OP_LUTLD: {
        uint64_t s = dpu_lutld_get_src_addr(in);
        ADD(LW_SP_ACT, s, s + DPU_LUT_ENTRIES, false);
        ADD(LW_SP_LUT, 0, 1, true);
        break;
    }
    case DPU_OP_LUT: {
        uint64_t len = dpu_lut_get_len(in);
        ADD(LW_SP_ACT, dpu_lut_get_in_addr(in), dpu_lut_get_in_addr(in) + len, false);
        ADD(LW_SP_ACT, dpu_lut_get_out_addr(in), dpu_lut_get_out_addr(in) + len, true);
        ADD(LW_SP_LUT, 0, 1, false);
        break;
    }
    default:
        break;
    }
#undef ADD
    return n;
}

static void *grow(const struct lw_ctx *c, void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    size_t nc = *cap ? 2 * *cap : 64;
    while (nc < need)
        nc *= 2;
    void *q = realloc(p, nc * elem);
    if (!q)
        lw_ice(c, "out of memory scheduling");
    *cap = nc;
    return q;
}

/* Index of the segment holding byte x. */
static size_t seg_find(const struct smap *m, uint64_t x)
{
    size_t lo = 0, hi = m->n;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (m->v[mid].lo <= x)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Makes x a segment boundary; returns the index of the segment starting at x. */
static size_t seg_split(const struct lw_ctx *c, struct smap *m, uint64_t x)
{
    size_t k = seg_find(m, x);
    if (m->v[k].lo == x)
        return k;
    m->v = grow(c, m->v, &m->cap, m->n + 1, sizeof *m->v);
    memmove(&m->v[k + 2], &m->v[k + 1], (m->n - k - 1) * sizeof *m->v);
    m->v[k + 1] = m->v[k];
    m->v[k + 1].lo = x;
    m->n++;
    return k + 1;
}

static void smap_reset(const struct lw_ctx *c, struct smap *m)
{
    m->v = grow(c, m->v, &m->cap, 1, sizeof *m->v);
    m->v[0].lo = 0, m->v[0].w = -1, m->v[0].weng = 0;
    for (int e = 0; e < NE; e++)
        m->v[0].r[e] = -1;
    m->n = 1;
}

/* The latest instruction per engine (other than b) that access x of engine b conflicts with. */
static void conflicts(const struct smap *m, const struct lw_acc *x, int b, long *need)
{
    for (size_t k = seg_find(m, x->lo); k < m->n && m->v[k].lo < x->hi; k++) {
        const struct seg *g = &m->v[k];
        if (g->w >= 0 && g->weng != b && g->w > need[g->weng])
            need[g->weng] = g->w;
        if (x->write)
            for (int e = 0; e < NE; e++)
                if (e != b && g->r[e] > need[e])
                    need[e] = g->r[e];
    }
}

/* Records access x of instruction j (engine b). */
static void record(const struct lw_ctx *c, struct smap *m, const struct lw_acc *x, size_t j, int b)
{
    size_t a = seg_split(c, m, x->lo);
    size_t z = x->hi == UINT64_MAX ? m->n : seg_split(c, m, x->hi);
    if (!x->write) {
        for (size_t k = a; k < z; k++)
            m->v[k].r[b] = (long)j;
        return;
    }
    /* One segment replaces [a, z). */
    m->v[a].w = (long)j, m->v[a].weng = b;
    for (int e = 0; e < NE; e++)
        m->v[a].r[e] = -1;
    memmove(&m->v[a + 1], &m->v[z], (m->n - z) * sizeof *m->v);
    m->n -= z - a - 1;
}

/* The first instruction of engine e at or after stream index i (there is one: i itself). */
static size_t ord_from(const struct sched *s, int e, size_t i)
{
    size_t lo = 0, hi = s->nord[e];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->ord[e][mid] < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void import_clock(struct sched *s, int b, size_t i)
{
    const long *v = &s->vc[(i - s->base) * NE];
    for (int x = 0; x < NE; x++)
        if (v[x] > s->know[b][x])
            s->know[b][x] = v[x];
}

/* Make j (engine b) happen after instruction i of engine e, i > know[b][e]. Every earlier
 * signaller of the queue (e -> b) is at most know[b][e] < i, so a signal from i or later pairs
 * with j in stream order. The signal goes on the first instruction of e in [i, j) at which the
 * queue, counted in stream order, still has room. When there is none, the queue holds
 * token_queue_depth tokens at every such instruction, all waited for by instructions of b in
 * (i, j); the last of those waits is moved to a token from i instead (its old signaller is
 * earlier than i on the same engine, so that only orders more), and j, later on engine b,
 * follows it without a token of its own. */
static void add_token(struct sched *s, size_t i, int e, size_t j, int b)
{
    struct lw_ctx *c = s->c;
    size_t depth = c->p->token_queue_depth, np = s->npend[e][b];
    struct pair *pd = s->pend[e][b];
    for (size_t k = ord_from(s, e, i); k < s->nord[e] && s->ord[e][k] < j; k++) {
        size_t sig = s->ord[e][k], lo = 0, hi = np;
        while (lo < hi) { /* first pair waiting after sig: its token is queued at sig */
            size_t mid = (lo + hi) / 2;
            if (pd[mid].wait <= sig)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (np - lo + 1 <= depth) {
            dpu_insn *si = &c->insns[sig].in, *wj = &c->insns[j].in;
            if (dpu_insn_get_signal(si) >> b & 1)
                lw_ice(c, "instruction %zu already signals engine %d", sig, b);
            dpu_insn_set_signal(si, dpu_insn_get_signal(si) | (1u << b));
            dpu_insn_set_wait(wj, dpu_insn_get_wait(wj) | (1u << e));
            s->pend[e][b] = grow(c, s->pend[e][b], &s->cpend[e][b], np + 1, sizeof *pd);
            s->pend[e][b][s->npend[e][b]++] = (struct pair){sig, j};
            import_clock(s, b, sig);
            return;
        }
    }
    if (np == 0 || pd[np - 1].wait <= i || pd[np - 1].sig >= i)
        lw_ice(c, "token queue %d -> %d full for instruction %zu without a wait to move", e, b, j);
    struct pair *last = &pd[np - 1];
    dpu_insn *old = &c->insns[last->sig].in, *si = &c->insns[i].in;
    dpu_insn_set_signal(old, dpu_insn_get_signal(old) & ~(1u << b));
    dpu_insn_set_signal(si, dpu_insn_get_signal(si) | (1u << b));
    last->sig = i;
    import_clock(s, b, i);
}

static void schedule_segment(struct sched *s, size_t first, size_t count)
{
    struct lw_ctx *c = s->c;
    s->base = first;
    for (int a = 0; a < NE; a++) {
        s->nord[a] = 0;
        for (int b = 0; b < NE; b++)
            s->know[a][b] = -1, s->npend[a][b] = 0;
    }
    for (int sp = 0; sp < LW_SP_COUNT; sp++)
        smap_reset(c, &s->sp[sp]);
    for (size_t j = first; j < first + count; j++) {
        int e = lw_engine_of(&c->insns[j].in);
        if (e >= 0)
            s->ord[e][s->nord[e]++] = j;
    }
    for (size_t j = first; j < first + count; j++) {
        dpu_insn *in = &c->insns[j].in;
        int b = lw_engine_of(in);
        if (b < 0)
            continue;
        struct lw_acc a[8];
        int na = lw_accesses(c, in, a);
        long need[NE];
        for (int e = 0; e < NE; e++)
            need[e] = -1;
        for (int k = 0; k < na; k++)
            if (a[k].lo < a[k].hi)
                conflicts(&s->sp[a[k].space], &a[k], b, need);
        /* Satisfy the latest needs first: their clocks often cover the others. */
        for (;;) {
            int best = -1;
            for (int e = 0; e < NE; e++)
                if (need[e] > s->know[b][e] && (best < 0 || need[e] > need[best]))
                    best = e;
            if (best < 0)
                break;
            add_token(s, (size_t)need[best], best, j, b);
        }
        long *v = &s->vc[(j - first) * NE];
        s->know[b][b] = (long)j;
        memcpy(v, s->know[b], sizeof(long) * NE);
        /* Reads first: an instruction reading and writing the same bytes ends as their writer. */
        for (int pass = 0; pass < 2; pass++)
            for (int k = 0; k < na; k++)
                if (a[k].lo < a[k].hi && a[k].write == (pass == 1))
                    record(c, &s->sp[a[k].space], &a[k], j, b);
    }
}

int lw_pass_schedule(struct lw_ctx *c)
{
    struct sched s;
    memset(&s, 0, sizeof s);
    s.c = c;
    size_t maxn = 0;
    for (size_t t = 0; t < c->nsteps; t++)
        if (c->steps[t].accel && c->steps[t].insn_count > maxn)
            maxn = c->steps[t].insn_count;
    s.vc = malloc((maxn ? maxn : 1) * NE * sizeof *s.vc);
    for (int e = 0; e < NE; e++)
        s.ord[e] = malloc((maxn ? maxn : 1) * sizeof(size_t));
    if (!s.vc || !s.ord[0] || !s.ord[1] || !s.ord[2] || !s.ord[3])
        lw_ice(c, "out of memory scheduling");
    for (size_t t = 0; t < c->nsteps; t++)
        if (c->steps[t].accel)
            schedule_segment(&s, c->steps[t].insn_first, c->steps[t].insn_count);
    free(s.vc);
    for (int e = 0; e < NE; e++) {
        free(s.ord[e]);
        for (int b = 0; b < NE; b++)
            free(s.pend[e][b]);
    }
    for (int sp = 0; sp < LW_SP_COUNT; sp++)
        free(s.sp[sp].v);
    return 0;
}
