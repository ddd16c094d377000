/* The lowering's IR and the passes' shared helpers (internal to libdpucompile).
 *
 * The IR is the graph itself, annotated: one lw_node per graph node (where it runs and how it
 * is tiled), one lw_tensor per graph tensor (layout and DDR placement), the instruction list
 * with the node each instruction belongs to, and the CONST image. Each pass fills in one more
 * layer of annotations; lw_verify checks every layer filled so far.
 */
#ifndef DPU_LOWER_H
#define DPU_LOWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dpu/compile.h"
#include "dpu/graph.h"
#include "dpu/program.h"
#include "dpu/qplan.h"
#include "dpu/sim_timing.h"

/* Pipeline stages, in order; a stage is reached when its pass has run. */
enum lw_stage {
    LW_NONE,
    LW_CHECK,
    LW_PARTITION,
    LW_LAYOUT,
    LW_TILE,
    LW_RESIDENT,
    LW_DDR,
    LW_ISEL,
    LW_SCHEDULE,
    LW_EMIT,
};

/* What an accelerator node lowers to. */
enum lw_kind {
    LW_CPU,
    LW_CONV,    /* Conv2D group 1, FullyConnected: CONV on the array */
    LW_DW,      /* depthwise Conv2D: DWCONV */
    LW_POOL,    /* MaxPool, AvgPool, GlobalAvgPool: POOL */
    LW_ELTW,    /* Add, Mul: ELTW */
    LW_RESCALE, /* Relu, Relu6, Clip: ELTW ADD of x with itself, M1 = 0 */
    LW_LUT,     /* LeakyRelu, Sigmoid, ...: LUTLD + LUT */
    LW_VIEW,    /* Flatten, Reshape: no instructions, the output is the input's bytes */
    LW_CONCAT,  /* channel Concat: producers write into their slices; copies where not */
    LW_GROUP,   /* grouped Conv2D (1 < group, not depthwise): CONV per channel slice */
};

/* Geometry of a windowed op (conv, depthwise, pool) in NHWC terms. FullyConnected is a 1x1
 * conv over a 1 x N image. */
struct lw_geom {
    int64_t N, H, W, C, OH, OW, M;
    int kh, kw, sh, sw, dh, dw, top, left, bottom, right;
};

struct lw_node {
    enum lw_kind kind;
    char why[200];    /* LW_CPU: why the accelerator cannot run it */
    int step;         /* index into ctx->steps */
    struct lw_geom g; /* windowed kinds */
    int band;         /* output rows per tile (windowed kinds) */
    bool wgt_all;     /* all weights fit WGT at once (LW_CONV) */
    bool param_all;   /* all PARAM records fit at once (LW_CONV) */
    int nbuf;         /* tile buffers in ACT: 2 = ping-pong halves (double buffering), 1 = one */
    bool flat;        /* LW_CONV 1x1 without padding: a tile is one row of pixels, input
                       * channel blocks are the kernel's taps (fewer, longer CONVs) */
    bool pack;        /* LW_CONV with few input channels: pack_kr kernel rows x kw kernel
                       * columns x C channels packed into the lanes, input dense in DDR
                       * (lw_tile_geom, isel_conv.c, lw_pack.c, isel_pack.c) */
    int pack_kr;      /* pack: kernel rows per packed vector group (1..kh) */
    bool pack_piece;  /* pack: each kernel row's window gathered in ceil(kw/sw) pieces of sw
                       * columns, one long DDR run per piece (isel_pack.c) */
    bool pair;        /* pack: two horizontally adjacent output pixels per array pass; g is
                       * then the paired geometry (lw_pair_geom) and g1 the node's own */
    struct lw_geom g1;
    bool fuse_add; /* LW_CONV: the residual Add add_node runs as an ELTW on each output tile
                    * while it is in ACT, and the conv SAVEs the Add's output (pass layout) */
    int add_node;
    uint64_t act_cap; /* ACT bytes [0, act_cap) free for the tile buffers: below every resident
                       * tensor live while this node runs (pass resident) */
    bool fused;       /* LW_ELTW Add fused into the conv producing one of its inputs: no
                       * instructions of its own; its output's producer is that conv */
    size_t insn_first, insn_count;
};

struct lw_tensor {
    bool is_const;
    bool accel;   /* read or written by an accelerator node */
    bool in_prog; /* has an entry in the program's tensor table */
    int producer; /* node index, -1 for graph inputs and constants */
    bool graph_in, graph_out;
    enum dpu_prog_layout layout;
    uint32_t cpad;    /* NHWC channel stride */
    uint64_t pstride; /* DDR bytes between pixels (NHWC: cpad; rank-2 dense: dims[1]) */
    int region;
    uint64_t off, size;
    uint32_t prog_index;
    /* A tensor living inside another one's DDR bytes (a view, or a slice of a Concat output
     * written in place): that tensor and the byte offset in it; -1 for its own buffer. */
    int32_t alias;
    uint64_t alias_off;
    bool in_place;             /* Concat input written by its producer straight into the output */
    int live_first, live_last; /* nodes (execution order) defining and last using the bytes */
    /* Resident in ACT (pass resident): no DDR bytes; the producer's output tiles are written
     * and the consumers' inputs read at act_off, pixels act_ps bytes apart, rows dense, live
     * over nodes [live_first, live_last]. */
    bool resident;
    uint64_t act_off, act_ps;
};

struct lw_step {
    bool accel;
    size_t first, last; /* node indices, inclusive */
    size_t insn_first, insn_count;
};

struct lw_insn {
    dpu_insn in;
    int node; /* graph node, -1 for END */
};

struct lw_ctx {
    struct dpu_graph *g;
    const struct dpu_preset *p;
    const struct dpu_compile_opts *o;
    struct dpu_diag *d;
    uint32_t R, C;
    struct dpu_timing_consts tk; /* the timing model's constants for the preset (costs) */
    enum lw_stage stage;
    const char *pass; /* the pass running, for internal errors */
    struct lw_node *nodes;
    struct lw_tensor *tensors;
    struct lw_step *steps;
    size_t nsteps;
    struct lw_insn *insns;
    size_t ninsns, cap_insns;
    uint8_t *cst;
    size_t ncst, cap_cst;
    uint64_t region_size[DPU_REGION_COUNT];
    struct dpu_program *prog;
    /* isel_conv.c: where the next layer's tile buffers (ACT bytes), stationary weights (WGT
     * bytes) and records (PARAM records) go: after the last layer's, from 0 when they do not
     * fit there (ring placement, so consecutive layers touch different bytes). */
    uint64_t ring_act, ring_wgt, ring_param;
};

/* Passes: each returns 0 or a negative dpu_err with ctx->d set. */
int lw_pass_check(struct lw_ctx *c);
int lw_pass_partition(struct lw_ctx *c);
int lw_pass_layout(struct lw_ctx *c);
int lw_pass_tile(struct lw_ctx *c);
int lw_pass_resident(struct lw_ctx *c);
int lw_pass_ddr(struct lw_ctx *c);
int lw_pass_isel(struct lw_ctx *c);
int lw_pass_schedule(struct lw_ctx *c);

/* The spaces an instruction touches (pass_schedule.c): the on-chip buffers, then each DDR
 * region. */
enum {
    LW_SP_ACT,
    LW_SP_WGT,
    LW_SP_PARAM,
    LW_SP_ACC,
    LW_SP_LUT,
    LW_SP_DDR,
    LW_SP_COUNT = LW_SP_DDR + DPU_REGION_COUNT
};
struct lw_acc {
    int space;
    uint64_t lo, hi; /* [lo, hi) */
    bool write;
};
/* The access extents of in (at most 8; reads of CONST are left out: nothing writes it). */
int lw_accesses(const struct lw_ctx *c, const dpu_insn *in, struct lw_acc *a);
/* The engine running in, -1 for END. */
int lw_engine_of(const dpu_insn *in);
/* Reorders each accelerator step's instructions into a list schedule (lw_order.c). */
void lw_order(struct lw_ctx *c);
int lw_pass_emit(struct lw_ctx *c);

/* The verifier run after every pass: checks each annotation of the stages reached. */
void lw_verify(struct lw_ctx *c);
/* Prints the IR (as far as it is filled in) to f. */
void lw_dump(struct lw_ctx *c, FILE *f);

/* Internal error: prints "dpucompile: internal error in pass P: ..." and aborts. */
_Noreturn void lw_ice(const struct lw_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A user-facing error naming node n: "node 'x' (Op): ...". Returns err. */
int lw_node_error(struct lw_ctx *c, size_t n, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Partition helpers (lw_geom.c). */
int lw_geom_of(const struct lw_ctx *c, const struct dpu_gnode *n, enum lw_kind kind,
               struct lw_geom *g, char *why, size_t cap);
/* The largest band of output rows whose tile fits the preset's buffers and field ranges, or
 * 0 when not even one row fits (why then says what does not fit). */
int lw_choose_band(const struct lw_ctx *c, size_t n, char *why, size_t cap);
/* Does a tile of bh output rows fit with nbuf sets of tile buffers (ln->flat as set)? */
bool lw_band_fits(const struct lw_ctx *c, const struct lw_node *ln, int64_t bh, int nbuf, char *why,
                  size_t cap);
/* Low-channel packing (lw_geom.c): may conv geometry g run packed (kw kernel columns x C
 * channels as the lanes of one input vector, a kh x 1 kernel over one packed column per output
 * column) and does it need fewer array passes than the plain form? */
bool lw_packable(const struct lw_ctx *c, const struct lw_geom *g);
/* The geometry the tile buffers and CONVs of node ln see: ln->g, or for a packed node the
 * equivalent convolution over packed columns (C = kw*C, W = OW, kernel kh x 1, stride_w 1,
 * no left/right padding). */
void lw_tile_geom(const struct lw_node *ln, struct lw_geom *tg);
/* The input rows a band of output rows [oy0, oy0+bh) of g reads: rows *r0..*r1 of the image,
 * *ptop rows of padding above them and *pbot below (lw_geom.c). *r1 < *r0 when the band reads
 * padding only. */
void lw_band_rows(const struct lw_geom *g, int64_t oy0, int64_t bh, int64_t *r0, int64_t *r1,
                  int64_t *ptop, int64_t *pbot);
/* Output columns [lo, hi] of g whose kernel window lies inside the input row (the rest meet
 * the left or right padding); hi < lo when there are none. */
void lw_pack_interior(const struct lw_geom *g, int64_t *lo, int64_t *hi);
/* Packing over kernel rows (lw_pack.c): kr kernel rows x kw columns x C channels per output
 * pixel. The tile geometry then has ceil(kh/kr) taps (taps) over packed rows: packed row q
 * holds input rows q*u - top + r*dh (r < kr), tap t of output row oy reads packed row
 * oy*sh + t*dh (the shape's sh, dh); rows packed rows in all. */
struct lw_pack_shape {
    int kr, taps, u, sh, dh;
    int64_t rows;
};
/* The shape of g packed with kr rows; false when it does not exist or its fields do not fit. */
bool lw_pack_shape(const struct lw_geom *g, int kr, struct lw_pack_shape *s);
/* The kernel rows [ra, rb] of packed row q that lie inside the input (false: none). */
bool lw_pack_row_span(const struct lw_geom *g, const struct lw_pack_shape *s, int64_t q, int *ra,
                      int *rb);
/* May node ln run packed with kr kernel rows per vector group, a one-row band fitting? */
bool lw_pack_rows_fit(const struct lw_ctx *c, const struct lw_node *ln, int kr, bool piece);
/* A kernel-row count node ln (an LW_CONV over a tensor that may be dense) can run packed
 * with: the smallest that fits, or with opts->pack_rows the largest that fits up to it; 0
 * when it cannot run packed at all (lw_packable). Pass tile then picks the fastest count. */
int lw_pack_choose(const struct lw_ctx *c, const struct lw_node *ln);
/* Estimated cycles of the LOADs of rows packed rows of node ln (its pack_kr, pack_piece). */
uint64_t lw_pack_load_cost(const struct lw_ctx *c, const struct lw_node *ln, uint64_t rows);
/* Kernel columns one kernel row occupies in the packed lanes: kw, or with pieces
 * ceil(kw/sw)*sw (the columns past kw meet zero weights). */
int64_t lw_pack_slot(const struct lw_node *ln);
/* Packed pixels per packed row on chip: OW, or with pieces u*W/sw (lw_pack.c), so that the
 * pieces of consecutive packed rows are evenly spaced both in DDR and on chip. */
int64_t lw_pack_width(const struct lw_node *ln);
/* Output columns [*lo, *hi] whose piece j (input columns ox*sw - left + j*sw, sw of them)
 * lies inside the input row. */
void lw_pack_piece_interior(const struct lw_geom *g, int64_t j, int64_t *lo, int64_t *hi);
/* The paired form of packed conv node n (lw_pair.c): two horizontally adjacent output pixels
 * per array pass, as one convolution of 2M output channels, kernel width kw + sw, stride
 * 2*sw over OW/2 columns; false when it is not valid. */
bool lw_pair_geom(const struct lw_ctx *c, size_t n, struct lw_geom *pg);
/* Where weight (ky, kx, ci) of node ln goes: lane (of the input vectors) and tap. */
void lw_pack_lane(const struct lw_node *ln, int64_t ky, int64_t kx, int64_t ci, uint64_t *lane,
                  uint64_t *tap);
/* lw_tile_geom's rows part for ln->pack_kr > 1 or ln->pack_piece. */
void lw_pack_tile_rows(const struct lw_node *ln, struct lw_geom *tg);
/* The band of a node packed with kr > 1 (isel_pack.c): output rows oy0 .. oy0+bh-1 of image
 * img from the dense input x into ACT at sram, packed pixels of pix bytes. */
void lw_load_packed_rows(struct lw_ctx *c, int node, const struct lw_tensor *x,
                         const struct lw_node *ln, int64_t img, int64_t oy0, int64_t bh,
                         uint64_t pix, int32_t zx, uint64_t sram);
/* Estimated cycles (docs/architecture.md, timing model) of DDR transfers of nruns runs of
 * run bytes, and of one CONV of T taps over P pixels (lw_cost.c). */
uint64_t lw_cost_ddr(const struct lw_ctx *c, uint64_t nruns, uint64_t run);
uint64_t lw_cost_conv(const struct lw_ctx *c, uint64_t T, uint64_t P);
uint64_t lw_cost_conv_chain(const struct lw_ctx *c, uint64_t P);

/* The program-table view of tensor t's shape: dtype, rank, dims from the graph, layout and
 * channel stride from the lowering (lw_emit_util.c); the other fields are left as they are. */
void lw_prog_tensor_shape(const struct lw_ctx *c, size_t t, struct dpu_prog_tensor *pt);

/* Instruction building (lw_emit_util.c). */
dpu_insn *lw_new_insn(struct lw_ctx *c, int node, unsigned opcode);
/* Appends size bytes (copied, or zeros for NULL) to CONST at an offset aligned to 64;
 * returns the offset. */
uint64_t lw_add_const(struct lw_ctx *c, const void *data, size_t size);
/* Checks that a field set on an instruction reads back as v (it fits); aborts otherwise. */
void lw_field_fits(const struct lw_ctx *c, int64_t v, int64_t got, const char *field);
#define LW_SET(ctx, insn, kind, field, value)                                                      \
    do {                                                                                           \
        int64_t v_ = (int64_t)(value);                                                             \
        dpu_##kind##_set_##field((insn), v_);                                                      \
        lw_field_fits((ctx), v_, (int64_t)dpu_##kind##_get_##field(insn), #kind "." #field);       \
    } while (0)

/* LOAD len bytes (a multiple of unit, unit <= 4095) from DDR to buffer buf at sram, as rows
 * of unit bytes. */
void lw_load_flat(struct lw_ctx *c, int node, int buf, int region, uint64_t off, uint64_t len,
                  uint64_t sram, uint32_t unit);
/* SAVE len bytes (a multiple of unit) from ACT at sram to DDR. */
void lw_save_flat(struct lw_ctx *c, int node, int region, uint64_t off, uint64_t len, uint64_t sram,
                  uint32_t unit);

/* The CONV fields of the window: g's kernel, strides and dilations over bh output rows of g->OW
 * pixels. */
void lw_conv_set_window(struct lw_ctx *c, dpu_insn *i, const struct lw_geom *g, int64_t bh);
/* The post-processing fields of the last CONV of an output block: PARAM records at param,
 * output at out_addr with pixel stride opix, qp's zero point and clamp. */
void lw_conv_set_post(struct lw_ctx *c, dpu_insn *i, uint64_t param, const struct dpu_qp_conv *qp,
                      uint64_t out_addr, uint64_t opix);

/* ACT bytes of the tile buffers of CONV or DW node n (isel_conv.c tile_bufs), given the
 * residency of its input, output and fused Add operand chosen so far. */
uint64_t lw_tile_act_bytes(const struct lw_ctx *c, size_t n);
/* The pixel stride of the tile buffers of CONV or DW node n: input, output. */
void lw_tile_pix(const struct lw_ctx *c, size_t n, uint64_t *pix, uint64_t *opix);

/* Instruction selection per kind (isel_*.c). */
int lw_isel_conv(struct lw_ctx *c, size_t n);
int lw_isel_dw(struct lw_ctx *c, size_t n);
int lw_isel_pool(struct lw_ctx *c, size_t n);
int lw_isel_eltw(struct lw_ctx *c, size_t n);
int lw_isel_concat(struct lw_ctx *c, size_t n);
int lw_isel_group(struct lw_ctx *c, size_t n);

/* CPU steps: the model.q8 subgraph of nodes [first, last] (lw_cpu_step.c). */
int lw_cpu_subgraph(struct lw_ctx *c, size_t first, size_t last, uint8_t **q8, size_t *len,
                    uint32_t **ins, size_t *nin, uint32_t **outs, size_t *nout);

static inline uint64_t lw_round_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) / a * a;
}

#endif
