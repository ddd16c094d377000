/* What one instruction costs in isolation: the formulas of docs/architecture.md, "Timing
 * model". Queues and tokens are timing.c's business.
 *
 *   xfer(n)     = max(ceil(n * clock_mhz / ddr_bandwidth_mbps), ceil(n / BUS_BYTES))
 *   ddr_cycles  = L_DDR + sum over the bursts b of xfer(bytes_b)
 *   LOAD        = ddr_cycles + ceil(pad_bytes / BUS_BYTES)
 *   SAVE        = ddr_cycles
 *                 (alone on the DDR channel; timing.c adds the waits for older bursts)
 *   CONV issue  = max(0, R - P_prev) + T*P + (T-1)*max(0, R-P)     (P_prev = 0 alone)
 *   CONV latency= (R+C-1) + (post ? D_POST : 0)      (after the issue cycles; timing.c
 *                 overlaps it with the next CONV's issue)
 *   POOL        = oh*ow*nvec*kh*kw + D_MISC
 *   DWCONV      = kh*kw + (nvec-1)*max(V, kh*kw) + V + D_MISC
 *                 V = oh*kh*max(ceil((kw + (ow-1)*n_new)/R_MISC), ow*ceil(kw/K_DW))
 *                 n_new = stride_w/dil_w when dil_w divides stride_w and the quotient < kw,
 *                 else kw (the window columns a step to the next output pixel reads)
 *   ELTW        = max(nv, ceil(2*nv/R_MISC)) + D_MISC, nv = ceil(len/R)   (a and b share
 *                 the R_MISC read vectors; R lanes write one vector per cycle)
 *   LUT         = ceil(len/R) + D_MISC
 *   LUTLD       = ceil(256/R) + D_MISC
 *   SYNC        = T_SYNC;  END = 0
 */
#include "dpu/sim_timing.h"

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
    return (a + b - 1) / b;
}

static uint64_t max64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

void dpu_timing_consts_of(const struct dpu_preset *p, struct dpu_timing_consts *k)
{
    k->R = p->array_rows;
    k->C = p->array_cols;
    k->l_ddr = p->ddr_latency_cycles;
    k->burst = p->ddr_burst_bytes;
    k->bus_bytes = p->axi_ports * p->axi_data_bits / 8;
    k->clock_mhz = p->clock_mhz;
    k->ddr_mbps = p->ddr_bandwidth_mbps;
    k->q_insn = p->insn_queue_depth;
    k->q_token = p->token_queue_depth;
    k->t_token = 1;
    k->d_post = 4;
    k->d_misc = 3;
    k->t_sync = 1;
    k->dw_taps = p->dw_mults_per_lane;
    k->misc_reads = p->misc_act_read_vectors;
    double bw = (double)p->ddr_bandwidth_mbps / p->clock_mhz;
    k->ddr_bytes_cycle = bw < k->bus_bytes ? bw : (double)k->bus_bytes;
}

/* Cycles to move n > 0 bytes over DDR once the burst's latency has passed. */
static uint64_t xfer(const struct dpu_timing_consts *k, uint64_t n)
{
    return max64(ceil_div(n * k->clock_mhz, k->ddr_mbps), ceil_div(n, k->bus_bytes));
}

uint64_t dpu_timing_run_cycles(const struct dpu_timing_consts *k, uint64_t len)
{
    uint64_t full = len / k->burst, rem = len % k->burst;
    return full * xfer(k, k->burst) + (rem ? xfer(k, rem) : 0);
}

/* n runs of len contiguous bytes each. */
static void add_runs(const struct dpu_timing_consts *k, uint64_t n, uint64_t len, uint64_t *cycles,
                     uint64_t *bursts)
{
    if (!n || !len)
        return;
    *cycles += n * dpu_timing_run_cycles(k, len);
    *bursts += n * (len / k->burst + (len % k->burst ? 1 : 0));
}

uint64_t dpu_timing_ddr_cycles(const struct dpu_timing_consts *k, uint64_t rows, uint64_t cols,
                               uint64_t bytes, uint64_t row_stride, uint64_t col_stride,
                               uint64_t *bursts)
{
    uint64_t cyc = 0, nb = 0;
    /* Runs: maximal sequences in which each column starts where the previous one ended
     * (in the loop order rows, then columns). */
    if (cols == 1 || col_stride == bytes) {
        uint64_t row_len = cols * bytes;
        if (rows == 1 || row_stride == row_len)
            add_runs(k, 1, rows * row_len, &cyc, &nb);
        else
            add_runs(k, rows, row_len, &cyc, &nb);
    } else if (rows > 1 && row_stride == (cols - 1) * col_stride + bytes) {
        /* Columns are separate, but the last column of a row runs into the first of the
         * next: rows-1 double runs, the other columns single. */
        add_runs(k, rows * (cols - 2) + 2, bytes, &cyc, &nb);
        add_runs(k, rows - 1, 2 * bytes, &cyc, &nb);
    } else {
        add_runs(k, rows * cols, bytes, &cyc, &nb);
    }
    if (bursts)
        *bursts = nb;
    return k->l_ddr + cyc;
}

static void load_cost(const struct dpu_timing_consts *k, const dpu_insn *in,
                      struct dpu_timing_cost *c)
{
    uint64_t rows = dpu_load_get_rows(in), cols = dpu_load_get_cols(in);
    uint64_t bytes = dpu_load_get_bytes(in);
    uint64_t H = dpu_load_get_pad_top(in) + rows + dpu_load_get_pad_bottom(in);
    uint64_t W = dpu_load_get_pad_left(in) + cols + dpu_load_get_pad_right(in);
    uint64_t pad_bytes = (H * W - rows * cols) * dpu_load_get_sram_col_stride(in);
    uint64_t ddr = dpu_timing_ddr_cycles(k, rows, cols, bytes, dpu_load_get_ddr_row_stride(in),
                                         dpu_load_get_ddr_col_stride(in), &c->bursts);
    c->ddr_busy = ddr - k->l_ddr;
    c->cycles = ddr + ceil_div(pad_bytes, k->bus_bytes);
    c->ddr_read = rows * cols * bytes;
}

static void save_cost(const struct dpu_timing_consts *k, const dpu_insn *in,
                      struct dpu_timing_cost *c)
{
    uint64_t rows = dpu_save_get_rows(in), cols = dpu_save_get_cols(in);
    uint64_t bytes = dpu_save_get_bytes(in);
    c->cycles = dpu_timing_ddr_cycles(k, rows, cols, bytes, dpu_save_get_ddr_row_stride(in),
                                      dpu_save_get_ddr_col_stride(in), &c->bursts);
    c->ddr_busy = c->cycles - k->l_ddr;
    c->ddr_write = rows * cols * bytes;
}

uint64_t dpu_timing_conv_issue(const struct dpu_timing_consts *k, uint64_t T, uint64_t P,
                               uint64_t P_prev)
{
    uint64_t R = k->R;
    return (P_prev < R ? R - P_prev : 0)    /* first tap's preload, less what the previous
                                             * CONV's last tap hid */
           + T * P                          /* one pixel vector per cycle per tap */
           + (T - 1) * (P < R ? R - P : 0); /* later preloads not hidden */
}

uint64_t dpu_timing_conv_latency(const struct dpu_timing_consts *k, bool post)
{
    return (k->R + k->C - 1)         /* fill and drain: last pixel in to its last column in ACC */
           + (post ? k->d_post : 0); /* post-processing pipeline depth */
}

uint64_t dpu_timing_conv_cycles(const struct dpu_timing_consts *k, uint64_t T, uint64_t P,
                                bool post)
{
    return dpu_timing_conv_issue(k, T, P, 0) + dpu_timing_conv_latency(k, post);
}

static void conv_cost(const struct dpu_timing_consts *k, const dpu_insn *in,
                      struct dpu_timing_cost *c)
{
    uint64_t P = dpu_conv_get_oh(in) * dpu_conv_get_ow(in);
    uint64_t T = dpu_conv_get_kh(in) * dpu_conv_get_kw(in);
    c->cycles = dpu_timing_conv_issue(k, T, P, 0);
    c->latency = dpu_timing_conv_latency(k, dpu_conv_get_post(in));
    c->issued_macs = T * P * (uint64_t)k->R * k->C;
}

/* DWCONV on the MISC engine (docs/architecture.md, "The MISC engine"): for each vector v (its
 * filter preloaded into shadow registers while the previous vector runs, so the first load
 * of kh*kw vectors shows, and a later one only where it takes longer than a vector's work)
 * and output row, the engine walks the row pixel by pixel with a kh x kw window of input
 * vectors; each kernel row costs ceil(kw/K_DW) multiplier cycles, and the ACT read path
 * (R_MISC vectors per cycle) brings in kw vectors per kernel row for the first pixel of a
 * row and n_new for each next one. Reads of the next pixel overlap the multiplies of this
 * one, so a row costs the larger of the two. Implicit padding is not read: a kernel row on a
 * padding row costs its multiplies only, and (without dilation along the row, where each
 * column of the row is read once) the padding columns come off the reads. */
uint64_t dpu_timing_dwconv_cycles(const struct dpu_timing_consts *k, uint64_t kh, uint64_t kw,
                                  uint64_t oh, uint64_t ow, uint64_t nvec, uint64_t sw, uint64_t dw,
                                  const struct dpu_timing_dw_pad *pad)
{
    uint64_t n_new = sw % dw == 0 && sw / dw < kw ? sw / dw : kw;
    uint64_t reads = kw + (ow - 1) * n_new, mults = ow * ceil_div(kw, k->dw_taps);
    uint64_t prows = 0; /* (output row, kernel row) pairs on a padding row */
    if (pad) {
        if (dw == 1 && reads > pad->left + pad->right) /* else invalid: nothing stored */
            reads -= pad->left + pad->right;
        uint64_t ih = (oh - 1) * pad->sh + (kh - 1) * pad->dh + 1;
        for (uint64_t oy = 0; oy < oh; oy++)
            for (uint64_t ky = 0; ky < kh; ky++) {
                uint64_t iy = oy * pad->sh + ky * pad->dh;
                prows += iy < pad->top || iy >= ih - pad->bottom;
            }
    }
    uint64_t vec = (oh * kh - prows) * max64(ceil_div(reads, k->misc_reads), mults) + prows * mults;
    uint64_t filter = kh * kw; /* WGT, R bytes per cycle */
    if (nvec == 0)             /* not a valid DWCONV; keeps the sum below from wrapping */
        return filter + k->d_misc;
    return filter + (nvec - 1) * max64(vec, filter) + vec + k->d_misc;
}

uint64_t dpu_timing_eltw_cycles(const struct dpu_timing_consts *k, uint64_t len)
{
    uint64_t nv = ceil_div(len, k->R);
    return max64(nv, ceil_div(2 * nv, k->misc_reads)) + k->d_misc;
}

uint64_t dpu_timing_pool_cycles(const struct dpu_timing_consts *k, uint64_t oh, uint64_t ow,
                                uint64_t nvec, uint64_t kh, uint64_t kw)
{
    return oh * ow * nvec * kh * kw + k->d_misc;
}

static void dwconv_cost(const struct dpu_timing_consts *k, const dpu_insn *in,
                        struct dpu_timing_cost *c)
{
    uint64_t kh = dpu_dwconv_get_kh(in), kw = dpu_dwconv_get_kw(in);
    uint64_t oh = dpu_dwconv_get_oh(in), ow = dpu_dwconv_get_ow(in);
    uint64_t nvec = dpu_dwconv_get_nvec(in);
    struct dpu_timing_dw_pad pad = {dpu_dwconv_get_pad_top(in),  dpu_dwconv_get_pad_bottom(in),
                                    dpu_dwconv_get_pad_left(in), dpu_dwconv_get_pad_right(in),
                                    dpu_dwconv_get_stride_h(in), dpu_dwconv_get_dil_h(in)};
    bool padded = pad.top || pad.bottom || pad.left || pad.right;
    c->cycles = dpu_timing_dwconv_cycles(k, kh, kw, oh, ow, nvec, dpu_dwconv_get_stride_w(in),
                                         dpu_dwconv_get_dil_w(in), padded ? &pad : NULL);
    c->issued_macs = oh * ow * nvec * kh * kw * k->R;
}

void dpu_timing_cost_of(const struct dpu_timing_consts *k, const dpu_insn *in,
                        struct dpu_timing_cost *c)
{
    *c = (struct dpu_timing_cost){0};
    uint64_t R = k->R;
    switch ((unsigned)dpu_insn_get_opcode(in)) {
    case DPU_OP_LOAD:
        load_cost(k, in, c);
        break;
    case DPU_OP_SAVE:
        save_cost(k, in, c);
        break;
    case DPU_OP_CONV:
        conv_cost(k, in, c);
        break;
    case DPU_OP_POOL:
        c->cycles =
            dpu_timing_pool_cycles(k, dpu_pool_get_oh(in), dpu_pool_get_ow(in),
                                   dpu_pool_get_nvec(in), dpu_pool_get_kh(in), dpu_pool_get_kw(in));
        break;
    case DPU_OP_DWCONV:
        dwconv_cost(k, in, c);
        break;
    case DPU_OP_ELTW:
        c->cycles = dpu_timing_eltw_cycles(k, dpu_eltw_get_len(in));
        break;
    case DPU_OP_LUT:
        c->cycles = ceil_div(dpu_lut_get_len(in), R) + k->d_misc;
        break;
    case DPU_OP_LUTLD:
        c->cycles = ceil_div(256, R) + k->d_misc;
        break;
    case DPU_OP_SYNC:
        c->cycles = k->t_sync;
        break;
    default: /* END */
        break;
    }
}
