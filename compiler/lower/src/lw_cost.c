/* Cycle estimates the tile pass uses to compare tilings: the timing model's own formulas
 * (sim/src/timing_cost.c, docs/architecture.md), so the compiler and dpusim --timing cannot
 * disagree about what a transfer or a CONV costs. Fetch, tokens and the shared DDR channel
 * are left out here: only relative costs of one layer's tilings matter. */
#include "lower.h"

/* One instruction moving nruns runs of run bytes: the latency once (the engine keeps enough
 * bursts outstanding to cover it), then every burst's transfer. */
uint64_t lw_cost_ddr(const struct lw_ctx *c, uint64_t nruns, uint64_t run)
{
    if (nruns == 0 || run == 0)
        return 0;
    return c->tk.l_ddr + nruns * dpu_timing_run_cycles(&c->tk, run);
}

/* A post-processing CONV of T taps over P pixels. */
uint64_t lw_cost_conv(const struct lw_ctx *c, uint64_t T, uint64_t P)
{
    return dpu_timing_conv_cycles(&c->tk, T, P, true);
}
