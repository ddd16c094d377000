/* Cycle estimates the tile pass uses to compare tilings. They follow the timing model of
 * docs/architecture.md (the one dpusim --timing implements); only relative costs matter here,
 * so fetch, token hand-off and pipeline depths beyond the array's are left out. */
#include "lower.h"

static uint64_t div_up(uint64_t a, uint64_t b)
{
    return (a + b - 1) / b;
}

/* Bytes per cycle: min(bandwidth / clock, AXI bus width). */
static uint64_t ddr_bpc(const struct dpu_preset *p)
{
    uint64_t bw = p->ddr_bandwidth_mbps / p->clock_mhz;
    uint64_t bus = (uint64_t)p->axi_ports * p->axi_data_bits / 8;
    bw = bw < bus ? bw : bus;
    return bw ? bw : 1;
}

/* One instruction moving nruns runs of run bytes: the latency once (the engine keeps enough
 * bursts outstanding to cover it), then every burst's transfer, at least one cycle each. */
uint64_t lw_cost_ddr(const struct lw_ctx *c, uint64_t nruns, uint64_t run)
{
    const struct dpu_preset *p = c->p;
    if (nruns == 0 || run == 0)
        return 0;
    uint64_t burst = p->ddr_burst_bytes ? p->ddr_burst_bytes : run;
    uint64_t full = run / burst, rest = run % burst, bpc = ddr_bpc(p);
    uint64_t per_run = full * div_up(burst, bpc) + (rest ? div_up(rest, bpc) : 0);
    return p->ddr_latency_cycles + nruns * per_run;
}

uint64_t lw_cost_conv(const struct lw_ctx *c, uint64_t T, uint64_t P)
{
    uint64_t R = c->R, C = c->C;
    return R + T * P + (T - 1) * (P < R ? R - P : 0) + R + C - 1 + 4;
}
