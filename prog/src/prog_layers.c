/* Layer ranges: inside the stream, non-empty, and no instruction claimed by two layers (so
 * `dpuc disasm` can name one layer per instruction and the layer map is linear to build).
 * Shared by the reader and by dpu_program_validate. */
#include <stdlib.h>

#include "prog_internal.h"

struct claim {
    uint64_t first, count;
    size_t layer, range;
};

static int by_first(const void *a, const void *b)
{
    const struct claim *x = a, *y = b;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return x->layer < y->layer ? -1 : x->layer > y->layer;
}

int prog_check_layer_ranges(const char *name, const struct dpu_program *p, struct dpu_diag *d)
{
    const char *pre = name ? name : "", *sep = name ? ": " : "";
    size_t total = 0;
    for (size_t l = 0; l < p->nlayers; l++) {
        const struct dpu_prog_layer *layer = &p->layers[l];
        for (size_t r = 0; r < layer->nranges; r++) {
            uint64_t first = layer->ranges[r].first, count = layer->ranges[r].count;
            if (count == 0 || first >= p->ninsns || count > p->ninsns - first)
                return dpu_diag_set(d, DPU_E_RANGE,
                                    "%s%slayer %zu '%s' (%s): range %zu, instructions %llu..+%llu, "
                                    "is empty or outside the %zu-instruction stream",
                                    pre, sep, l, layer->name ? layer->name : "",
                                    layer->op ? layer->op : "", r, (unsigned long long)first,
                                    (unsigned long long)count, p->ninsns);
        }
        total += layer->nranges;
    }
    if (total < 2)
        return DPU_OK;
    struct claim *c = malloc(total * sizeof *c);
    if (!c)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for %zu layer ranges", total);
    size_t n = 0;
    for (size_t l = 0; l < p->nlayers; l++) {
        for (size_t r = 0; r < p->layers[l].nranges; r++)
            c[n++] =
                (struct claim){p->layers[l].ranges[r].first, p->layers[l].ranges[r].count, l, r};
    }
    qsort(c, n, sizeof *c, by_first);
    int err = DPU_OK;
    for (size_t i = 1; i < n && !err; i++) {
        if (c[i - 1].first + c[i - 1].count <= c[i].first)
            continue;
        const struct dpu_prog_layer *a = &p->layers[c[i - 1].layer], *b = &p->layers[c[i].layer];
        err = dpu_diag_set(d, DPU_E_INVALID,
                           "%s%sinstruction %llu is claimed by two layer ranges: layer %zu '%s' "
                           "and layer %zu '%s'",
                           pre, sep, (unsigned long long)c[i].first, c[i - 1].layer,
                           a->name ? a->name : "", c[i].layer, b->name ? b->name : "");
    }
    free(c);
    return err;
}
