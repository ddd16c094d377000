/* float32 Conv2D, the fast form: bit-identical to the direct loops of f32_conv.c, only
 * faster (calibration runs every conv of a model on a thousand images).
 *
 * Same arithmetic: each output value starts from 0.0 in a double accumulator and adds the
 * exact double products x * w over input channels, kernel rows, kernel columns in that order,
 * then the bias, and is rounded to float once. What changes is the loop nest:
 *
 *   - The input is copied into a zero-padded plane once per call, so no tap needs a bounds
 *     test. A padded tap adds x * w = +-0.0 where the direct loops skip the tap; that leaves
 *     the accumulator unchanged: a nonzero sum is unaffected by adding zero, and the sum is
 *     never -0.0 (it starts at +0.0 and round-to-nearest gives -0.0 only for -0 + -0), so
 *     +0.0 + -0.0 = +0.0 as well. It holds only for finite weights (0 * inf is NaN): the
 *     caller takes this path only when every weight is finite.
 *   - Outputs are computed in register tiles of TM output channels x TO output columns,
 *     each accumulator still summing its own taps in the order above; the weights of a tile
 *     are repacked as doubles, tap-major, so the inner loop reads them contiguously.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ref_internal.h"

#define TM 4 /* output channels per tile */
#define TO 4 /* output columns per tile */

struct tiled_geo {
    int64_t cg, taps; /* input channels per group; cg * kh * kw */
    int64_t kh, kw, dh, dw, sh, sw;
    int64_t hp, wp; /* padded input plane */
    int64_t oh, ow;
    const int64_t *off; /* per tap (c, ky, kx) in that order: its offset from the window corner */
};

/* Output columns ox .. ox + ob - 1 of channels m .. m + mb - 1 (one output row): xs points at
 * the first column's window corner in channel 0 of the group, wt at the repacked weights
 * [taps][TM], y at the first output, ystride apart per channel. Each accumulator sums its
 * own taps in order. Always inlined with constant mb and ob (see dispatch) and its loops
 * over them unrolled (the pragma is understood by gcc and clang) so that the tile's
 * accumulators live in registers. */
static inline __attribute__((always_inline)) void tile(const struct tiled_geo *g, const float *xs,
                                                       const double *wt, int mb, int ob,
                                                       const float *bias, float *y, int64_t ystride)
{
    double acc[TM][TO];
#pragma GCC unroll 4
    for (int i = 0; i < mb; i++)
#pragma GCC unroll 4
        for (int j = 0; j < ob; j++)
            acc[i][j] = 0.0;
    const int64_t sw = g->sw;
    for (int64_t t = 0; t < g->taps; t++, wt += TM) {
        const float *xk = xs + g->off[t];
        double xv[TO];
#pragma GCC unroll 4
        for (int j = 0; j < ob; j++)
            xv[j] = xk[j * sw];
#pragma GCC unroll 4
        for (int i = 0; i < mb; i++)
#pragma GCC unroll 4
            for (int j = 0; j < ob; j++)
                acc[i][j] += xv[j] * wt[i];
    }
#pragma GCC unroll 4
    for (int i = 0; i < mb; i++)
#pragma GCC unroll 4
        for (int j = 0; j < ob; j++)
            y[i * ystride + j] = (float)(bias ? acc[i][j] + (double)bias[i] : acc[i][j]);
}

/* One instance of tile per (mb, ob) in 1..TM x 1..TO. */
#define TILE_CASE(M, O)                                                                            \
    case (M - 1) * TO + (O - 1):                                                                   \
        tile(g, xs, wt, M, O, bias, y, ystride);                                                   \
        break;
#define TILE_ROW(M) TILE_CASE(M, 1) TILE_CASE(M, 2) TILE_CASE(M, 3) TILE_CASE(M, 4)

static void dispatch(const struct tiled_geo *g, const float *xs, const double *wt, int mb, int ob,
                     const float *bias, float *y, int64_t ystride)
{
    switch ((mb - 1) * TO + (ob - 1)) {
        TILE_ROW(1)
        TILE_ROW(2)
        TILE_ROW(3)
        TILE_ROW(4)
    default:
        break; /* unreachable: 1 <= mb <= TM, 1 <= ob <= TO */
    }
}

/* One row of outputs for a block of mb (<= TM) channels. */
static void conv_row(const struct tiled_geo *g, const float *xrow, const double *wt, int mb,
                     const float *bias, float *y, int64_t ystride)
{
    for (int64_t ox = 0; ox < g->ow; ox += TO) {
        int ob = (int)(g->ow - ox < TO ? g->ow - ox : TO);
        dispatch(g, xrow + ox * g->sw, wt, mb, ob, bias, y + ox, ystride);
    }
}

int ref_f32_conv2d_tiled(const struct ref_win *win, int64_t group, const float *x, const float *w,
                         const float *bias, int64_t cout, float *y, struct dpu_diag *d,
                         const struct dpu_gnode *n)
{
    struct tiled_geo g;
    int64_t cin = win->c, mg = cout / group;
    g.cg = cin / group;
    g.kh = win->kh;
    g.kw = win->kw;
    g.dh = win->dh;
    g.dw = win->dw;
    g.sh = win->sh;
    g.sw = win->sw;
    g.hp = win->h + win->pt + win->pb;
    g.wp = win->w + win->pl + win->pr;
    g.oh = win->oh;
    g.ow = win->ow;
    g.taps = g.cg * g.kh * g.kw;

    bool padded = win->pt || win->pl || win->pb || win->pr;
    float *xp = NULL;
    double *wt = malloc((size_t)g.taps * TM * sizeof *wt);
    int64_t *off = malloc((size_t)g.taps * sizeof *off);
    if (padded)
        xp = calloc((size_t)(win->n * cin * g.hp * g.wp), sizeof *xp);
    if (!wt || !off || (padded && !xp)) {
        free(wt);
        free(off);
        free(xp);
        return ref_node_err(d, n, DPU_E_NOMEM, "out of memory for the convolution's buffers");
    }
    for (int64_t c = 0, t = 0; c < g.cg; c++)
        for (int64_t ky = 0; ky < g.kh; ky++)
            for (int64_t kx = 0; kx < g.kw; kx++)
                off[t++] = (c * g.hp + ky * g.dh) * g.wp + kx * g.dw;
    g.off = off;
    if (padded)
        for (int64_t p = 0; p < win->n * cin; p++)
            for (int64_t iy = 0; iy < win->h; iy++)
                memcpy(xp + (p * g.hp + iy + win->pt) * g.wp + win->pl,
                       x + (p * win->h + iy) * win->w, (size_t)win->w * sizeof *x);
    const float *xb = padded ? xp : x;

    const int64_t plane_out = g.oh * g.ow;
    for (int64_t grp = 0; grp < group; grp++) {
        for (int64_t m0 = grp * mg; m0 < (grp + 1) * mg; m0 += TM) {
            int mb = (int)((grp + 1) * mg - m0 < TM ? (grp + 1) * mg - m0 : TM);
            /* Weights of channels m0 .. m0 + mb - 1 as doubles, [tap][TM]. */
            for (int64_t t = 0; t < g.taps; t++)
                for (int i = 0; i < TM; i++)
                    wt[t * TM + i] = i < mb ? (double)w[(m0 + i) * g.taps + t] : 0.0;
            for (int64_t b = 0; b < win->n; b++) {
                const float *xg = xb + (b * cin + grp * g.cg) * g.hp * g.wp;
                float *yb = y + (b * cout + m0) * plane_out;
                for (int64_t oy = 0; oy < g.oh; oy++)
                    conv_row(&g, xg + oy * g.sh * g.wp, wt, mb, bias ? bias + m0 : NULL,
                             yb + oy * g.ow, plane_out);
            }
        }
    }
    free(wt);
    free(off);
    free(xp);
    return DPU_OK;
}
