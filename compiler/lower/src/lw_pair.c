/* Two output pixels per array pass (docs/compiler.md, "Pairs of output pixels"): a packed
 * convolution with M <= C/2 output channels uses at most half the array's columns. Output
 * pixels 2p and 2p+1 of a row read the input columns (2p)*sw - left .. (2p+1)*sw - left +
 * kw - 1, one window of kw + sw columns at stride 2*sw; with block-diagonal weights (columns
 * 0..M-1 the kernel at window columns 0..kw-1, columns M..2M-1 the kernel at columns
 * sw..sw+kw-1) one pass computes both, and its 2M output bytes are exactly the two NHWC
 * pixels when the output's pixel stride is M. So the node runs as that convolution (ln->g)
 * over OW/2 columns, packed as any other; only the weights and records (isel_conv.c), the
 * output pixel stride and pass resident know it is two. */
#include "lower.h"

bool lw_pair_geom(const struct lw_ctx *c, size_t n, struct lw_geom *pg)
{
    const struct lw_node *ln = &c->nodes[n];
    const struct lw_geom *g = ln->pair ? &ln->g1 : &ln->g;
    const struct lw_tensor *y = &c->tensors[c->g->nodes[n].outputs[0]];
    /* The output's two pixels are one run of 2M bytes: dense in DDR, a tensor of its own. */
    if (ln->kind != LW_CONV || !ln->pack || ln->fuse_add || ln->flat || g->dw != 1 ||
        2 * (uint64_t)g->M > c->C || (uint64_t)g->M % c->R || g->OW % 2 ||
        y->pstride != (uint64_t)g->M || y->alias >= 0 || y->in_place)
        return false;
    *pg = *g;
    pg->kw = g->kw + g->sw;
    pg->sw = 2 * g->sw;
    pg->OW = g->OW / 2;
    pg->M = 2 * g->M;
    /* The same right edge: (OW/2 - 1)*2sw + kw + sw = (OW - 1)*sw + kw. */
    return pg->kw <= 15 && pg->sw <= 7;
}
