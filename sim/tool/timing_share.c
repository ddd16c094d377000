/* Sharing the timeline among the layers that hold an engine (timing_share.h): one sweep over
 * the sorted starts and ends of the holds, keeping the set of layers with a hold open. */
#include <stdlib.h>
#include <string.h>

#include "timing_share.h"

struct event {
    uint64_t at;
    int delta; /* +1 a hold opens, -1 it closes */
    size_t layer;
};

static int cmp_event(const void *a, const void *b)
{
    const struct event *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at;
}

struct rem {
    uint64_t rem;
    size_t index;
};

/* Order of the rounding: larger remainder first, then lower index. */
static int cmp_rem(const void *a, const void *b)
{
    const struct rem *x = a, *y = b;
    if (x->rem != y->rem)
        return x->rem > y->rem ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

int ts_share(const struct ts_hold *h, size_t n, size_t nlayers, struct ts_time *out, uint64_t *held)
{
    size_t nl = nlayers + 1;
    memset(out, 0, nl * sizeof *out);
    *held = 0;
    struct event *ev = malloc((n ? 2 * n : 1) * sizeof *ev);
    size_t *open = calloc(nl, sizeof *open); /* holds open per entry */
    size_t *set = malloc(nl * sizeof *set);  /* entries with a hold open */
    size_t *pos = malloc(nl * sizeof *pos);  /* index of an entry in set */
    if (!ev || !open || !set || !pos) {
        free(ev), free(open), free(set), free(pos);
        return -1;
    }
    size_t ne = 0;
    for (size_t i = 0; i < n; i++) {
        if (h[i].to <= h[i].from)
            continue;
        size_t l = h[i].layer >= 0 && (size_t)h[i].layer < nlayers ? (size_t)h[i].layer : nlayers;
        ev[ne++] = (struct event){h[i].from, +1, l};
        ev[ne++] = (struct event){h[i].to, -1, l};
    }
    qsort(ev, ne, sizeof *ev, cmp_event);
    size_t m = 0; /* entries in set */
    for (size_t e = 0; e < ne;) {
        uint64_t at = ev[e].at;
        /* All the events of this cycle first: the set then holds for [at, next event). */
        for (; e < ne && ev[e].at == at; e++) {
            size_t l = ev[e].layer;
            if (ev[e].delta > 0) {
                if (open[l]++ == 0)
                    pos[l] = m, set[m++] = l;
            } else if (--open[l] == 0) {
                size_t last = set[--m];
                set[pos[l]] = last;
                pos[last] = pos[l];
            }
        }
        if (!m || e == ne)
            continue;
        uint64_t len = ev[e].at - at;
        *held += len;
        /* len cycles among m entries: exactly len*TS_UNIT/m each when m divides TS_UNIT;
         * otherwise the units that do not divide go one each to the first entries of the set
         * (the shares still add up exactly). */
        uint64_t units = len * TS_UNIT, q = units / m, r = units % m;
        for (size_t k = 0; k < m; k++) {
            out[set[k]].units += q + (k < r);
            out[set[k]].active += len;
        }
    }
    /* Round: the floors, then one more cycle to the largest remainders until they add up. */
    uint64_t sum = 0;
    for (size_t l = 0; l < nl; l++) {
        out[l].cycles = out[l].units / TS_UNIT;
        sum += out[l].cycles;
    }
    free(ev), free(open), free(set), free(pos);
    struct rem *order = malloc(nl * sizeof *order);
    if (!order)
        return -1;
    for (size_t l = 0; l < nl; l++)
        order[l] = (struct rem){out[l].units % TS_UNIT, l};
    qsort(order, nl, sizeof *order, cmp_rem);
    for (size_t k = 0; sum < *held && k < nl; k++, sum++)
        out[order[k].index].cycles++;
    free(order);
    return 0;
}
