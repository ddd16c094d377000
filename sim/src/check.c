/* The validity checks shared by every instruction, the dispatch to the per-instruction
 * checks (check_<insn>.c) and the public dpu_sim_insn_check.
 *
 * A check returns DPU_ERRCODE_NONE or the errcode the hardware reports (isa.md section 5),
 * after recording the fault address and the field. Checks run in the priority order of
 * section 5: BAD_OPCODE, then every BAD_FIELD rule, then SRAM_RANGE, then DDR_RANGE, so an
 * instruction that breaks several rules reports the first code that applies.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "sim_internal.h"

void sim_check_init(struct sim_check *c, const struct dpu_preset *p,
                    const uint64_t region_sizes[DPU_REGION_COUNT])
{
    c->R = p->array_rows;
    c->C = p->array_cols;
    c->act_bytes = p->act_buf_bytes;
    c->wgt_bytes = p->wgt_buf_bytes;
    c->param_records = p->param_buf_records;
    c->acc_entries = p->acc_buf_entries;
    c->buf_bytes[DPU_BUF_ACT] = p->act_buf_bytes;
    c->buf_bytes[DPU_BUF_WGT] = p->wgt_buf_bytes;
    c->buf_bytes[DPU_BUF_PARAM] = 16 * c->param_records;
    c->buf_bytes[DPU_BUF_ACC] = 4 * c->C * c->acc_entries;
    for (int r = 0; r < DPU_REGION_COUNT; r++)
        c->region_size[r] = region_sizes ? region_sizes[r] : 0;
    c->lut_loaded = true;
    c->index = 0;
    c->mnemonic = "?";
    c->f = NULL;
    c->d = NULL;
}

unsigned sim_fail(struct sim_check *c, unsigned errcode, uint64_t addr, const char *field,
                  const char *fmt, ...)
{
    if (c->f) {
        c->f->errcode = errcode;
        c->f->insn = c->index;
        c->f->addr = addr;
        c->f->field = field;
    }
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    const char *code = dpu_errcode_name(errcode);
    dpu_diag_set(c->d, DPU_E_INVALID, "instruction %zu (%s): %s%s%s: %s", c->index, c->mnemonic,
                 code ? code : "?", field ? " in field " : "", field ? field : "", why);
    return errcode;
}

unsigned sim_check_sram(struct sim_check *c, struct sim_ext e, uint64_t size, const char *field,
                        const char *what)
{
    if (e.hi <= size)
        return DPU_ERRCODE_NONE;
    return sim_fail(c, DPU_ERRCODE_SRAM_RANGE, e.hi - 1, field,
                    "%s [%" PRIu64 ", %" PRIu64 ") ends beyond the buffer's %" PRIu64, what, e.lo,
                    e.hi, size);
}

unsigned sim_check_ddr(struct sim_check *c, uint64_t region, uint64_t off, uint64_t rows,
                       uint64_t row_stride, uint64_t cols, uint64_t col_stride, uint64_t bytes,
                       const char *field)
{
    /* rows, cols < 2^10, strides < 2^32, bytes < 2^12: the span is below 2^43. Only the sum
     * with the 64-bit offset can wrap, and then the highest byte lies beyond every region; its
     * offset does not fit FAULT_ADDR and is reported as UINT64_MAX. */
    uint64_t span = (rows - 1) * row_stride + (cols - 1) * col_stride + bytes;
    uint64_t size = c->region_size[region];
    if (off > UINT64_MAX - span)
        return sim_fail(c, DPU_ERRCODE_DDR_RANGE, UINT64_MAX, field,
                        "offset %" PRIu64 " + %" PRIu64 " bytes is beyond 2^64", off, span);
    if (off + span > size)
        return sim_fail(c, DPU_ERRCODE_DDR_RANGE, off + span - 1, field,
                        "bytes [%" PRIu64 ", %" PRIu64 ") are beyond the %" PRIu64
                        " bytes of region %s",
                        off, off + span, size, dpu_sim_space_name(DPU_SIM_SPACE_DDR + (int)region));
    return DPU_ERRCODE_NONE;
}

unsigned sim_check_align(struct sim_check *c, uint64_t v, uint64_t m, const char *m_name,
                         unsigned lo, const char *field)
{
    if (v % m == 0)
        return DPU_ERRCODE_NONE;
    return SIM_BAD_FIELD(c, lo, field, "%" PRIu64 " is not a multiple of %s = %" PRIu64, v, m_name,
                         m);
}

unsigned sim_check_nonzero(struct sim_check *c, uint64_t v, unsigned lo, const char *field)
{
    if (v >= 1)
        return DPU_ERRCODE_NONE;
    return SIM_BAD_FIELD(c, lo, field, "must be at least 1");
}

unsigned sim_check_lut_loaded(struct sim_check *c, unsigned lo, const char *field)
{
    if (c->lut_loaded)
        return DPU_ERRCODE_NONE;
    return SIM_BAD_FIELD(c, lo, field, "reads the lookup table before any LUTLD in the stream");
}

int sim_insn_engine(const dpu_insn *in)
{
    unsigned op = (unsigned)dpu_insn_get_opcode(in);
    if (op == DPU_OP_SYNC)
        return (int)dpu_sync_get_engine(in);
    const struct dpu_insn_desc *desc = dpu_insn_desc_by_opcode(op);
    return desc ? desc->engine : DPU_ENGINE_CTRL;
}

unsigned sim_check_tokens(struct sim_check *c, const dpu_insn *in)
{
    uint64_t wait = dpu_insn_get_wait(in), signal = dpu_insn_get_signal(in);
    int self = sim_insn_engine(in);
    if (self == DPU_ENGINE_CTRL) { /* END: no tokens at all */
        if (wait)
            return SIM_BAD_FIELD(c, DPU_INSN_WAIT_LO, "wait", "END must not wait for tokens");
        if (signal)
            return SIM_BAD_FIELD(c, DPU_INSN_SIGNAL_LO, "signal", "END must not signal tokens");
        return DPU_ERRCODE_NONE;
    }
    const char *name = dpu_engine_name(self);
    if (wait & (UINT64_C(1) << self))
        return SIM_BAD_FIELD(c, DPU_INSN_WAIT_LO, "wait",
                             "waits for a token from its own engine %s", name);
    if (signal & (UINT64_C(1) << self))
        return SIM_BAD_FIELD(c, DPU_INSN_SIGNAL_LO, "signal",
                             "signals a token to its own engine %s", name);
    return DPU_ERRCODE_NONE;
}

unsigned sim_check_insn(struct sim_check *c, const dpu_insn *in)
{
    unsigned e = sim_check_encoding(c, in);
    if (!e)
        e = sim_check_tokens(c, in);
    if (e)
        return e;
    switch (dpu_insn_get_opcode(in)) {
    case DPU_OP_LOAD:
        return sim_check_load(c, in);
    case DPU_OP_SAVE:
        return sim_check_save(c, in);
    case DPU_OP_CONV:
        return sim_check_conv(c, in);
    case DPU_OP_POOL:
        return sim_check_pool(c, in);
    case DPU_OP_ELTW:
        return sim_check_eltw(c, in);
    case DPU_OP_DWCONV:
        return sim_check_dwconv(c, in);
    case DPU_OP_LUTLD:
        return sim_check_lutld(c, in);
    case DPU_OP_LUT:
        return sim_check_lut(c, in);
    default: /* END and SYNC have no rules beyond encoding and tokens */
        return DPU_ERRCODE_NONE;
    }
}

int dpu_sim_insn_check(const struct dpu_preset *p, const dpu_insn *insn, size_t index,
                       const uint64_t region_sizes[DPU_REGION_COUNT], struct dpu_sim_fault *f,
                       struct dpu_diag *d)
{
    struct dpu_sim_fault local;
    if (!f)
        f = &local;
    f->errcode = DPU_ERRCODE_NONE;
    f->insn = index;
    f->addr = 0;
    f->field = NULL;
    if (!p || !insn)
        return dpu_diag_set(d, DPU_E_INVALID, "dpu_sim_insn_check: no preset or instruction");
    /* The checks divide by R and C and size buffers from p: a broken preset is refused. */
    if (dpu_preset_check(p, NULL, d))
        return DPU_E_INVALID;
    struct sim_check c;
    sim_check_init(&c, p, region_sizes);
    c.index = index;
    c.f = f;
    c.d = d;
    return sim_check_insn(&c, insn) ? DPU_E_INVALID : DPU_OK;
}
