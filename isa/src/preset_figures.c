/* Figures derived from a preset. Compiled into presetgen (for the docs table) and into
 * libdpuisa (for the simulator's timing model and the compiler's tiling). */
#include "dpu/preset.h"

uint64_t dpu_preset_macs_per_cycle(const struct dpu_preset *p)
{
    return (uint64_t)p->array_rows * p->array_cols;
}

double dpu_preset_peak_gops(const struct dpu_preset *p)
{
    /* MACs/cycle * 2 ops * clock_mhz * 10^6 cycles/s, in units of 10^9 ops/s. */
    return (double)dpu_preset_macs_per_cycle(p) * 2.0 * (double)p->clock_mhz / 1000.0;
}

double dpu_preset_ddr_bytes_per_cycle(const struct dpu_preset *p)
{
    if (p->clock_mhz == 0)
        return 0.0;
    /* MB/s over MHz: 10^6 bytes per 10^6 cycles. */
    double ddr = (double)p->ddr_bandwidth_mbps / (double)p->clock_mhz;
    double axi = (double)p->axi_ports * (double)p->axi_data_bits / 8.0;
    return ddr < axi ? ddr : axi;
}
