/* The per-layer time of the timing report under overlap (docs/dpusim.md, Definitions).
 *
 * Each instruction holds its engine over an interval [from, to) of the global timeline. Every
 * cycle is shared equally among the layers that hold at least one engine in it (a layer
 * with two engines busy counts once), so the shares add up to the cycles in which anything
 * runs; cycles in which nothing runs are idle and go to no layer. Instructions of no layer
 * (SYNC) take part as one more "layer", index nlayers. Kept apart from the report so that
 * the attribution can be tested on hand-made timelines. */
#ifndef DPUSIM_TIMING_SHARE_H
#define DPUSIM_TIMING_SHARE_H

#include <stddef.h>
#include <stdint.h>

/* A share is counted exactly in units of 1/TS_UNIT cycle: TS_UNIT = lcm(1..16) divides one
 * cycle among up to 16 layers without remainder (more is spread as evenly as integers
 * allow, see timing_share.c). */
#define TS_UNIT 720720u

struct ts_hold {
    uint64_t from, to; /* cycles; empty when to <= from */
    int32_t layer;     /* 0..nlayers-1, or -1 for no layer */
};

struct ts_time {
    uint64_t units;  /* its share of the timeline, in 1/TS_UNIT cycles */
    uint64_t cycles; /* units rounded so that the cycles of all entries add up (largest
                      * remainder; ties to the lower index) */
    uint64_t active; /* cycles in which it holds at least one engine */
};

/* out: nlayers + 1 entries (the last: instructions of no layer); *held: the cycles in which
 * at least one instruction holds an engine (the entries' cycles add up to it). 0, or -1
 * when out of memory. */
int ts_share(const struct ts_hold *h, size_t n, size_t nlayers, struct ts_time *out,
             uint64_t *held);

#endif
