/* The rules a preset must obey, compiled into presetgen (which refuses a preset file that
 * breaks one, pointing at the key) and into libdpuisa (for presets built at run time).
 *
 * The limits come from the ISA (isa/isa.tbl): on-chip byte addresses of ACT and WGT are
 * 22-bit fields (4 MiB), ACC entries and PARAM records are addressed by 16-bit fields, the
 * array accumulates in int32 and post-processing maps through a 256-byte lookup table that
 * lives in the activation buffer. */
#include "dpu/preset.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>

#define ISA_SRAM_ADDR_BITS  22 /* act_addr, wgt_addr, sram_addr, out_addr */
#define ISA_ENTRY_ADDR_BITS 16 /* acc_addr, param_addr */
#define LUT_BYTES           256

static bool is_pow2(uint32_t v)
{
    return v != 0 && (v & (v - 1)) == 0;
}

static bool name_ok(const char *s)
{
    if (!s || !(*s >= 'a' && *s <= 'z'))
        return false;
    size_t n = 0;
    for (; *s; s++, n++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return n <= 32;
}

/* Records the first failure: its key and message. */
static int fail(const char **key_at_fault, const char *key, struct dpu_diag *d, const char *fmt,
                ...) __attribute__((format(printf, 4, 5)));

static int fail(const char **key_at_fault, const char *key, struct dpu_diag *d, const char *fmt,
                ...)
{
    if (key_at_fault)
        *key_at_fault = key;
    va_list ap;
    va_start(ap, fmt);
    int err = dpu_diag_vset(d, DPU_E_RANGE, fmt, ap);
    va_end(ap);
    return err;
}

static int check_ranges(const struct dpu_preset *p, const char **key_at_fault, struct dpu_diag *d)
{
    for (size_t i = 0; i < dpu_preset_key_count; i++) {
        const struct dpu_preset_key *k = &dpu_preset_keys[i];
        uint32_t v = dpu_preset_get(p, k);
        if (v < k->min || v > k->max)
            return fail(key_at_fault, k->name, d,
                        "%s = %" PRIu32 " is out of range %" PRIu32 "..%" PRIu32, k->name, v,
                        k->min, k->max);
    }
    return 0;
}

/* The array and what one tile of it needs on chip. */
static int check_array(const struct dpu_preset *p, const char **kf, struct dpu_diag *d)
{
    uint32_t r = p->array_rows, c = p->array_cols;
    if (!is_pow2(r))
        return fail(kf, "array_rows", d, "array_rows = %" PRIu32 " is not a power of two", r);
    if (!is_pow2(c))
        return fail(kf, "array_cols", d, "array_cols = %" PRIu32 " is not a power of two", c);
    /* Depthwise and pooling work on vectors of R channels inside C-channel pixels. */
    if (c % r != 0)
        return fail(kf, "array_cols", d,
                    "array_cols = %" PRIu32 " is not a multiple of array_rows = %" PRIu32, c, r);
    if (p->acc_bits != 32)
        return fail(kf, "acc_bits", d,
                    "acc_bits = %" PRIu32 ": the ISA accumulates in int32, acc_bits must be 32",
                    p->acc_bits);
    return 0;
}

static int check_buffers(const struct dpu_preset *p, const char **kf, struct dpu_diag *d)
{
    uint32_t r = p->array_rows, c = p->array_cols;
    const uint32_t sram_max = UINT32_C(1) << ISA_SRAM_ADDR_BITS;
    const uint32_t entry_max = (UINT32_C(1) << ISA_ENTRY_ADDR_BITS) - 1;

    if (p->act_buf_bytes < LUT_BYTES)
        return fail(kf, "act_buf_bytes", d,
                    "act_buf_bytes = %" PRIu32 " cannot even hold the %d-byte lookup table",
                    p->act_buf_bytes, LUT_BYTES);
    if (p->act_buf_bytes < c)
        return fail(kf, "act_buf_bytes", d,
                    "act_buf_bytes = %" PRIu32 " cannot hold one pixel of array_cols = %" PRIu32
                    " channels",
                    p->act_buf_bytes, c);
    if (p->act_buf_bytes > sram_max)
        return fail(kf, "act_buf_bytes", d,
                    "act_buf_bytes = %" PRIu32 " is beyond the %d-bit byte address fields of "
                    "the ISA (at most %" PRIu32 " = 4 MiB)",
                    p->act_buf_bytes, ISA_SRAM_ADDR_BITS, sram_max);
    /* One tap of weights is an R x C block of int8. */
    if ((uint64_t)p->wgt_buf_bytes < (uint64_t)r * c)
        return fail(kf, "wgt_buf_bytes", d,
                    "wgt_buf_bytes = %" PRIu32 " cannot hold one %" PRIu32 "x%" PRIu32
                    " weight tile (%" PRIu64 " bytes)",
                    p->wgt_buf_bytes, r, c, (uint64_t)r * c);
    if (p->wgt_buf_bytes > sram_max)
        return fail(kf, "wgt_buf_bytes", d,
                    "wgt_buf_bytes = %" PRIu32 " is beyond the %d-bit byte address fields of "
                    "the ISA (at most %" PRIu32 " = 4 MiB)",
                    p->wgt_buf_bytes, ISA_SRAM_ADDR_BITS, sram_max);
    if (p->acc_buf_entries > entry_max)
        return fail(kf, "acc_buf_entries", d,
                    "acc_buf_entries = %" PRIu32 " is beyond the %d-bit acc_addr fields of the "
                    "ISA (at most %" PRIu32 ")",
                    p->acc_buf_entries, ISA_ENTRY_ADDR_BITS, entry_max);
    if (p->param_buf_records > entry_max)
        return fail(kf, "param_buf_records", d,
                    "param_buf_records = %" PRIu32 " is beyond the %d-bit param_addr fields of "
                    "the ISA (at most %" PRIu32 ")",
                    p->param_buf_records, ISA_ENTRY_ADDR_BITS, entry_max);
    /* CONV reads one record per output channel: C consecutive records. */
    if (p->param_buf_records < c)
        return fail(kf, "param_buf_records", d,
                    "param_buf_records = %" PRIu32 " cannot hold the parameters of "
                    "array_cols = %" PRIu32 " output channels",
                    p->param_buf_records, c);
    return 0;
}

static int check_bus(const struct dpu_preset *p, const char **kf, struct dpu_diag *d)
{
    uint32_t w = p->axi_data_bits;
    if (!is_pow2(w) || w < 32 || w > 1024)
        return fail(kf, "axi_data_bits", d,
                    "axi_data_bits = %" PRIu32 " is not an AXI4 data width (32, 64, ..., 1024)", w);
    uint32_t b = p->ddr_burst_bytes;
    if (!is_pow2(b))
        return fail(kf, "ddr_burst_bytes", d, "ddr_burst_bytes = %" PRIu32 " is not a power of two",
                    b);
    if (b < w / 8)
        return fail(kf, "ddr_burst_bytes", d,
                    "ddr_burst_bytes = %" PRIu32 " is shorter than one %" PRIu32 "-bit beat", b, w);
    /* AXI4 bursts have at most 256 beats (and may not cross 4 KiB, which the range covers). */
    if (b / (w / 8) > 256)
        return fail(kf, "ddr_burst_bytes", d,
                    "ddr_burst_bytes = %" PRIu32 " needs more than 256 beats of %" PRIu32 " bits",
                    b, w);
    return 0;
}

int dpu_preset_check(const struct dpu_preset *p, const char **key_at_fault, struct dpu_diag *d)
{
    if (key_at_fault)
        *key_at_fault = NULL;
    if (!p)
        return dpu_diag_set(d, DPU_E_INVALID, "no preset");
    if (!name_ok(p->name))
        return fail(key_at_fault, "name", d,
                    "name '%s' must be 1..32 characters of [a-z0-9_] starting with a letter",
                    p->name ? p->name : "(null)");
    int err = check_ranges(p, key_at_fault, d);
    if (!err)
        err = check_array(p, key_at_fault, d);
    if (!err)
        err = check_buffers(p, key_at_fault, d);
    if (!err)
        err = check_bus(p, key_at_fault, d);
    return err;
}
