/* Hardware configuration presets: array size, buffers, bus, clock and DDR of one build of
 * the accelerator.
 *
 * One file per preset (isa/presets/NAME.preset) is THE source: the build turns them into the
 * table dpu_presets[] (build/isa/src/presets_gen.c), DPU_PRESET_<NAME>_HASH constants
 * (build/isa/include/dpu/presets_gen.h), a SystemVerilog package per preset and the docs
 * table. The hash of a preset is stamped into every program and readable from the
 * PRESET_HASH registers, so a program built for another configuration is refused.
 *
 * This header does not include the generated one, so that the generator itself can use the
 * key table, the checks and the hash below.
 */
#ifndef DPU_PRESET_H
#define DPU_PRESET_H

#include <stddef.h>
#include <stdint.h>

#include "dpu/err.h"

/* X(key, min, max, unit, meaning) for every integer key, in the order of the preset files.
 * min..max is the plain sanity range; the rules that tie keys together (and the limits the
 * ISA's address fields impose) live in dpu_preset_check(). */
#define DPU_PRESET_INT_KEYS(X)                                                                     \
    X(array_rows, 1, 1024, "", "rows of the systolic array: input channels per pass")              \
    X(array_cols, 1, 1024, "", "columns of the systolic array: output channels per pass")          \
    X(act_buf_bytes, 1, 1u << 30, "bytes",                                                         \
      "activation buffer of array_rows-byte vectors (and the 256-byte LUT)")                       \
    X(wgt_buf_bytes, 1, 1u << 30, "bytes", "weight buffer")                                        \
    X(acc_buf_entries, 1, 1u << 24, "entries",                                                     \
      "accumulator buffer: entries of array_cols x acc_bits")                                      \
    X(param_buf_records, 1, 1u << 24, "records", "per-channel parameter buffer, 16 B each")        \
    X(acc_bits, 1, 64, "bits", "accumulator width")                                                \
    X(axi_data_bits, 8, 4096, "bits", "data width of each AXI master port")                        \
    X(axi_ports, 1, 16, "", "AXI master ports to DDR")                                             \
    X(clock_mhz, 1, 2000, "MHz", "core clock")                                                     \
    X(ddr_bandwidth_mbps, 1, 1000000, "MB/s", "DDR bandwidth available to the accelerator")        \
    X(ddr_latency_cycles, 0, 100000, "cycles", "DDR read latency at the core clock")               \
    X(ddr_burst_bytes, 1, 4096, "bytes", "bytes per AXI burst")                                    \
    X(insn_queue_depth, 1, 65536, "insns", "instruction queue depth of each engine")               \
    X(token_queue_depth, 1, 256, "tokens", "dependency tokens each engine pair can hold")          \
    X(dw_mults_per_lane, 1, 15, "",                                                                \
      "multipliers per lane of the MISC engine's depthwise datapath (K_DW)")                       \
    X(misc_act_read_vectors, 1, 4, "vectors",                                                      \
      "array_rows-byte ACT vectors the MISC engine reads per cycle (R_MISC)")

struct dpu_preset {
    const char *name;        /* [a-z][a-z0-9_]*, equal to the file name */
    const char *description; /* one line of free text; not part of the hash */
#define DPU_PRESET_FIELD_(key, min, max, unit, doc) uint32_t key;
    DPU_PRESET_INT_KEYS(DPU_PRESET_FIELD_)
#undef DPU_PRESET_FIELD_
    uint64_t hash; /* dpu_preset_compute_hash() of the fields above */
};

/* One integer key: its name in the preset files, where it lives in struct dpu_preset and
 * its sanity range. Walked by the generator, the checks and the hash. */
struct dpu_preset_key {
    const char *name;
    size_t offset; /* of the uint32_t field in struct dpu_preset */
    uint32_t min, max;
    const char *unit; /* "" for plain counts */
    const char *doc;
};

/* Every integer key, in the order of DPU_PRESET_INT_KEYS. Static storage. */
extern const struct dpu_preset_key dpu_preset_keys[];
extern const size_t dpu_preset_key_count;

/* Returns the key called name, or NULL. */
const struct dpu_preset_key *dpu_preset_key_find(const char *name);

static inline uint32_t dpu_preset_get(const struct dpu_preset *p, const struct dpu_preset_key *k)
{
    return *(const uint32_t *)(const void *)((const char *)p + k->offset);
}

/* The generated presets (build/isa/src/presets_gen.c), ordered by MACs per cycle, then
 * name. Static storage; never modified. */
extern const struct dpu_preset dpu_presets[];
extern const size_t dpu_preset_count;

/* Returns the preset called name (a pointer into dpu_presets[]), or NULL if there is none
 * or name is NULL. */
const struct dpu_preset *dpu_preset_find(const char *name);

/* 64-bit FNV-1a over the canonical text of p: "key=value\n" for every key except
 * description (name included), keys in alphabetical order, integers in decimal. The
 * generator stamps exactly this value into p->hash, the SystemVerilog package and the docs:
 * one implementation (isa/src/preset_hash.c) is compiled into both. p->hash is ignored. */
uint64_t dpu_preset_compute_hash(const struct dpu_preset *p);

/* Checks the sanity ranges of every key and the rules that tie them together (power-of-two
 * array, buffers that hold one tile, sizes that the ISA's address fields can reach).
 * Returns 0 or DPU_E_RANGE with a message in d; *key_at_fault (if non-NULL) is set to the
 * name of the key to blame ("name" for a bad name), or NULL on success. */
int dpu_preset_check(const struct dpu_preset *p, const char **key_at_fault, struct dpu_diag *d);

/* Multiply-accumulates per cycle: rows * cols. */
uint64_t dpu_preset_macs_per_cycle(const struct dpu_preset *p);

/* Peak throughput in 10^9 operations per second (a MAC counts as two): 2 * MACs * clock. */
double dpu_preset_peak_gops(const struct dpu_preset *p);

/* Bytes the accelerator can move to or from DDR per core cycle: the smaller of the DDR
 * bandwidth (MB/s = 10^6 bytes/s) over the clock, and axi_ports * axi_data_bits / 8. */
double dpu_preset_ddr_bytes_per_cycle(const struct dpu_preset *p);

#endif
