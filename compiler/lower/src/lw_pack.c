/* Low-channel packing over kernel rows too (docs/compiler.md, "Low-channel packing"): a packed
 * convolution may gather kr kernel rows x kw kernel columns x C channels of every output
 * pixel's window into ceil(kr*kw*C / R) vectors, and the array then runs ceil(kh/kr) taps
 * instead of kh. The LOAD engine reads each input byte about kr*kw / (sh*sw) times to build
 * the patches, so more rows per vector is not always faster: kr is chosen by the timing
 * model's own formulas (lw_cost_ddr, lw_cost_conv) for the fewest estimated cycles.
 *
 * Packed row q of the tile geometry starts at input row q*u - top, u = gcd(sh, kr*dh), and
 * holds input rows q*u - top + r*dh, r < kr, in lanes (r*kw + kx)*C + c: tap t of output row
 * oy reads packed row oy*(sh/u) + t*(kr*dh/u), which holds kernel rows t*kr .. t*kr + kr - 1
 * (rows beyond kh meet zero weights). kr = 1 is the original packing.
 *
 * Gathered in pieces (pack_piece: docs/compiler.md "Gathering in pieces", isel_pack.c), a
 * kernel row takes ceil(kw/sw)*sw columns of lanes and the packed rows are u*W/sw packed
 * pixels apart on chip, so that each piece of the band moves as one DDR run. */
#include "lower.h"

static int64_t gcd64(int64_t a, int64_t b)
{
    while (b) {
        int64_t t = a % b;
        a = b, b = t;
    }
    return a;
}

bool lw_pack_shape(const struct lw_geom *g, int kr, struct lw_pack_shape *s)
{
    if (kr < 1 || kr > g->kh)
        return false;
    s->kr = kr;
    s->taps = (g->kh + kr - 1) / kr;
    /* kr = 1 keeps every input row (the original packing's LOAD: one per band); one tap
     * needs only the rows of the output rows. */
    s->u = kr == 1 ? 1 : s->taps == 1 ? g->sh : (int)gcd64(g->sh, (int64_t)kr * g->dh);
    s->sh = g->sh / s->u;
    s->dh = s->taps > 1 ? kr * g->dh / s->u : 1;
    s->rows = (g->OH - 1) * s->sh + (int64_t)(s->taps - 1) * s->dh + 1;
    return s->dh <= 7;
}

bool lw_pack_row_span(const struct lw_geom *g, const struct lw_pack_shape *s, int64_t q, int *ra,
                      int *rb)
{
    int64_t base = q * s->u - g->top, a = 0, b = s->kr - 1;
    if (base < 0)
        a = (-base + g->dh - 1) / g->dh;
    if (base + b * g->dh > g->H - 1)
        b = base > g->H - 1 ? -1 : (g->H - 1 - base) / g->dh;
    *ra = (int)a, *rb = (int)b;
    return a <= b;
}

void lw_pack_piece_interior(const struct lw_geom *g, int64_t j, int64_t *lo, int64_t *hi)
{
    int64_t sw = g->sw, a = g->left - j * sw, b = g->W - sw + g->left - j * sw;
    *lo = a <= 0 ? 0 : (a + sw - 1) / sw;
    *hi = b < 0 ? -1 : b / sw;
    if (*hi > g->OW - 1)
        *hi = g->OW - 1;
}

/* Pieces of a kernel row's window (stride_w columns each). */
static int64_t npieces(const struct lw_geom *g)
{
    return (g->kw + g->sw - 1) / g->sw;
}

int64_t lw_pack_slot(const struct lw_node *ln)
{
    return ln->pack_piece ? npieces(&ln->g) * ln->g.sw : ln->g.kw;
}

int64_t lw_pack_width(const struct lw_node *ln)
{
    struct lw_pack_shape s;
    if (!ln->pack_piece || !lw_pack_shape(&ln->g, ln->pack_kr, &s))
        return ln->g.OW;
    return (int64_t)s.u * ln->g.W / ln->g.sw;
}

/* The extra conditions of the gather in pieces (isel_pack.c): packed rows evenly spaced in
 * DDR by a whole number of packed pixels (u*W a multiple of sw, at least OW of them), every
 * piece inside the row for some output column, every window meeting the row (a border
 * column's LOAD copies its in-row part with the rest as its 4-bit padding columns). */
static bool pieces_ok(const struct lw_geom *g, const struct lw_pack_shape *s)
{
    int64_t u = s->u, sw = g->sw;
    if (g->kw > 15 || (u * g->W) % sw || u * g->W / sw < g->OW || sw * g->C > 4095 ||
        (uint64_t)u * (uint64_t)g->W * (uint64_t)g->C >= (UINT64_C(1) << 32))
        return false;
    for (int64_t j = 0; j < npieces(g); j++) {
        int64_t lo, hi;
        lw_pack_piece_interior(g, j, &lo, &hi);
        if (hi < lo)
            return false;
    }
    for (int64_t ox = 0; ox < g->OW; ox++) {
        int64_t ix0 = ox * sw - g->left;
        if (ix0 + g->kw <= 0 || ix0 >= g->W)
            return false;
    }
    return true;
}

/* May g run packed with kr kernel rows per vector (in pieces or not)? kr = 1 without pieces
 * is lw_packable's business; otherwise the fields of the LOADs must fit (isel_pack.c: one
 * LOAD per packed row, the columns as its rows and the kernel rows as its columns) and every
 * packed row hold at least one input row (a LOAD cannot write padding alone). */
static bool rows_ok(const struct lw_ctx *c, const struct lw_geom *g, int kr, bool piece)
{
    struct lw_pack_shape s;
    if (!lw_pack_shape(g, kr, &s))
        return false;
    if (kr == 1 && !piece)
        return true;
    uint64_t slot = piece ? (uint64_t)(npieces(g) * g->sw) : (uint64_t)g->kw;
    uint64_t lanes = (uint64_t)kr * slot * (uint64_t)g->C;
    if (lanes > 4095 || lw_round_up(lanes, c->R) > 4095 ||
        (uint64_t)g->dh * (uint64_t)g->W * (uint64_t)g->C >= (1u << 24))
        return false;
    if (piece && !pieces_ok(g, &s))
        return false;
    for (int64_t q = 0; q < s.rows; q++) {
        int ra, rb;
        if (!lw_pack_row_span(g, &s, q, &ra, &rb))
            return false;
    }
    return true;
}

/* Output columns that meet the left or right padding (one extra LOAD per packed row each). */
static uint64_t border_cols(const struct lw_geom *g)
{
    int64_t lo, hi;
    lw_pack_interior(g, &lo, &hi);
    return (uint64_t)(g->OW - (hi - lo + 1));
}

uint64_t lw_pack_load_cost(const struct lw_ctx *c, const struct lw_node *ln, uint64_t rows)
{
    const struct lw_geom *g = &ln->g;
    int64_t lo, hi;
    lw_pack_interior(g, &lo, &hi);
    uint64_t seg = (uint64_t)g->kw * (uint64_t)g->C, ow = (uint64_t)g->OW;
    uint64_t k = (uint64_t)(ln->pack_kr > 1 ? ln->pack_kr : 1);
    if (ln->pack_piece) {
        /* Per kernel row and piece, the band's pieces as LOADs of at most 1023 rows, each one
         * run (the rows partly outside the image, a few per layer, are not counted); per
         * border column and kernel row one LOAD of one run per packed row. */
        uint64_t n = rows * (uint64_t)lw_pack_width(ln), piece = (uint64_t)(g->sw * g->C);
        uint64_t t =
            n / 1023 * lw_cost_ddr(c, 1, 1023 * piece) + lw_cost_ddr(c, 1, n % 1023 * piece);
        t *= k * (uint64_t)npieces(g);
        int64_t a = 0, b = g->OW - 1;
        for (int64_t j = 0; j < npieces(g); j++) {
            int64_t pl, ph;
            lw_pack_piece_interior(g, j, &pl, &ph);
            a = pl > a ? pl : a, b = ph < b ? ph : b;
        }
        for (int64_t ox = a == 0 ? b + 1 : 0; ox < g->OW; ox = ox + 1 == a ? b + 1 : ox + 1) {
            int64_t ix0 = ox * g->sw - g->left, ka = ix0 < 0 ? -ix0 : 0;
            int64_t kb = g->W - ix0 < g->kw ? g->W - ix0 : g->kw;
            t += k * lw_cost_ddr(c, rows, (uint64_t)((kb - ka) * g->C));
        }
        return t;
    }
    if (k <= 1) /* one LOAD of a run of kw*C bytes per packed column (borders: about as many) */
        return lw_cost_ddr(c, rows * ow, seg);
    /* One LOAD per packed row, one per border column over the band (isel_pack.c). */
    uint64_t inner = (uint64_t)(hi - lo + 1);
    return rows * lw_cost_ddr(c, inner * k, seg) + border_cols(g) * lw_cost_ddr(c, rows * k, seg);
}

bool lw_pack_rows_fit(const struct lw_ctx *c, const struct lw_node *ln, int kr, bool piece)
{
    if (!rows_ok(c, &ln->g, kr, piece))
        return false;
    struct lw_node tmp = *ln;
    char why[200];
    tmp.pack = true, tmp.pack_kr = kr, tmp.pack_piece = piece;
    return lw_band_fits(c, &tmp, 1, 1, why, sizeof why);
}

int lw_pack_choose(const struct lw_ctx *c, const struct lw_node *ln)
{
    const struct lw_geom *g = &ln->g;
    if (!lw_packable(c, g))
        return 0;
    /* The first count that fits, or the largest up to the one forced; pass tile compares
     * the counts' estimated times (the band matters). */
    int force = c->o->pack_rows, got = 0;
    for (int kr = 1; kr <= g->kh; kr++) {
        if (force <= 0 && got)
            break;
        if ((force <= 0 || kr <= force) && lw_pack_rows_fit(c, ln, kr, false))
            got = kr;
    }
    return got;
}

void lw_pack_lane(const struct lw_node *ln, int64_t ky, int64_t kx, int64_t ci, uint64_t *lane,
                  uint64_t *tap)
{
    const struct lw_geom *g = &ln->g;
    int64_t kr = ln->pack_kr > 1 ? ln->pack_kr : 1;
    if (!ln->pack) { /* plain: tap ky*kw + kx, lane ci */
        *lane = (uint64_t)ci, *tap = (uint64_t)(ky * g->kw + kx);
        return;
    }
    *lane = (uint64_t)(((ky % kr) * lw_pack_slot(ln) + kx) * g->C + ci);
    *tap = (uint64_t)(ky / kr);
}

void lw_pack_tile_rows(const struct lw_node *ln, struct lw_geom *tg)
{
    struct lw_pack_shape s;
    if ((ln->pack_kr <= 1 && !ln->pack_piece) || !lw_pack_shape(&ln->g, ln->pack_kr, &s))
        return;
    tg->C *= ln->pack_kr;
    tg->W = lw_pack_width(ln);
    tg->H = s.rows;
    tg->kh = s.taps, tg->sh = s.sh, tg->dh = s.dh;
    tg->top = tg->bottom = 0;
}
