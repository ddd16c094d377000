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

/* A CONV of T taps over P pixels inside a chain of CONVs of P pixels each, which the array
 * streams back to back: its issue cycles, with its first preload hidden as far as the
 * previous CONV's last tap hides it. */
uint64_t lw_cost_conv(const struct lw_ctx *c, uint64_t T, uint64_t P)
{
    return dpu_timing_conv_issue(&c->tk, T, P, P);
}

/* What such a chain costs on top of the sum of its lw_cost_conv: the first CONV's preload
 * that nothing hides, and the last one's fill/drain and post-processing. */
uint64_t lw_cost_conv_chain(const struct lw_ctx *c, uint64_t P)
{
    const struct dpu_timing_consts *k = &c->tk;
    return dpu_timing_conv_issue(k, 1, P, 0) - dpu_timing_conv_issue(k, 1, P, P) +
           dpu_timing_conv_latency(k, true);
}
