/* Phase 2 of the verifier: Kahn's algorithm with a min-heap of ready node indices. Taking
 * the lowest-numbered ready node each time gives the lexicographically smallest topological
 * order, so a graph already in a valid order keeps it exactly, and otherwise nodes move only
 * as far as their dependencies force them. When nodes remain, they are on a cycle or behind
 * one; walking from one of them to an unfinished producer must revisit a node, and the nodes
 * between the two visits are the cycle that the message prints. */
#include <stdlib.h>
#include <string.h>

#include "graph_verify_internal.h"

struct heap {
    size_t n;
    size_t *v;
};

static void heap_push(struct heap *h, size_t x)
{
    size_t i = h->n++;
    while (i > 0 && h->v[(i - 1) / 2] > x) {
        h->v[i] = h->v[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->v[i] = x;
}

static size_t heap_pop(struct heap *h)
{
    size_t top = h->v[0], x = h->v[--h->n], i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->v[c + 1] < h->v[c])
            c++;
        if (h->v[c] >= x)
            break;
        h->v[i] = h->v[c];
        i = c;
    }
    if (h->n)
        h->v[i] = x;
    return top;
}

/* Appends s to buf (of cap bytes, holding *len); marks the cut with "..." once full. */
static void append(char *buf, size_t cap, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (*len + n + 4 >= cap) {
        if (*len + 4 < cap) {
            memcpy(buf + *len, "...", 4);
            *len += 3;
        }
        *len = cap; /* full: later appends do nothing */
        return;
    }
    memcpy(buf + *len, s, n + 1);
    *len += n;
}

static int report_cycle(const struct dpu_graph *g, const int32_t *producer, const bool *done,
                        size_t *walk, size_t *seen_at, struct dpu_diag *d)
{
    size_t start = 0;
    while (done[start])
        start++;
    for (size_t i = 0; i < g->nnodes; i++)
        seen_at[i] = SIZE_MAX;
    size_t len = 0, cur = start;
    while (seen_at[cur] == SIZE_MAX) {
        seen_at[cur] = len;
        walk[len++] = cur;
        const struct dpu_gnode *n = &g->nodes[cur];
        size_t next = SIZE_MAX;
        for (size_t k = 0; k < n->ninputs && next == SIZE_MAX; k++) {
            int32_t t = n->inputs[k];
            if (t >= 0 && producer[t] >= 0 && !done[producer[t]])
                next = (size_t)producer[t];
        }
        if (next == SIZE_MAX) /* cannot happen: an unfinished node waits on some producer */
            return dpu_vfail_node(d, n, DPU_E_INTERNAL, "topological sort is stuck");
        cur = next;
    }
    /* walk[seen_at[cur]..len) runs against the data flow; print it along the data flow. */
    char path[sizeof d->msg / 2], nb[VNAME_MAX];
    size_t plen = 0;
    path[0] = '\0';
    for (size_t i = len; i-- > seen_at[cur];) {
        append(path, sizeof path, &plen, "'");
        append(path, sizeof path, &plen, dpu_vname(g->nodes[walk[i]].name, nb));
        append(path, sizeof path, &plen, "' -> ");
    }
    append(path, sizeof path, &plen, "'");
    append(path, sizeof path, &plen, dpu_vname(g->nodes[walk[len - 1]].name, nb));
    append(path, sizeof path, &plen, "'");
    return dpu_vfail_node(d, &g->nodes[walk[len - 1]], DPU_E_INVALID, "is on a cycle: %s", path);
}

int dpu_verify_topo_sort(struct dpu_graph *g, const int32_t *producer, struct dpu_diag *d)
{
    size_t n = g->nnodes, nedges = 0;
    if (n == 0)
        return DPU_OK;
    for (size_t i = 0; i < n; i++)
        nedges += g->nodes[i].ninputs; /* at most 64 each (ops.def), checked in phase 1 */
    size_t *indeg = calloc(n, sizeof *indeg), *first = calloc(n + 1, sizeof *first);
    size_t *adj = malloc((nedges ? nedges : 1) * sizeof *adj);
    size_t *order = malloc(n * sizeof *order), *scratch = malloc(n * sizeof *scratch);
    bool *done = calloc(n, sizeof *done);
    struct heap h = {0, malloc(n * sizeof *h.v)};
    struct dpu_gnode *sorted = malloc(n * sizeof *sorted);
    int err = DPU_OK;
    if (!indeg || !first || !adj || !order || !scratch || !done || !h.v || !sorted) {
        err = dpu_diag_set(d, DPU_E_NOMEM, "out of memory sorting %zu nodes", n);
        goto out;
    }
    /* Edges producer -> consumer, one per input occurrence, in CSR form. */
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < g->nodes[i].ninputs; k++) {
            int32_t t = g->nodes[i].inputs[k];
            if (t >= 0 && producer[t] >= 0) {
                first[producer[t] + 1]++;
                indeg[i]++;
            }
        }
    for (size_t i = 0; i < n; i++)
        first[i + 1] += first[i];
    memcpy(scratch, first, n * sizeof *scratch);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < g->nodes[i].ninputs; k++) {
            int32_t t = g->nodes[i].inputs[k];
            if (t >= 0 && producer[t] >= 0)
                adj[scratch[producer[t]]++] = i;
        }
    for (size_t i = 0; i < n; i++)
        if (indeg[i] == 0)
            heap_push(&h, i);
    size_t count = 0;
    while (h.n) {
        size_t i = heap_pop(&h);
        done[i] = true;
        order[count++] = i;
        for (size_t e = first[i]; e < first[i + 1]; e++)
            if (--indeg[adj[e]] == 0)
                heap_push(&h, adj[e]);
    }
    if (count < n) {
        err = report_cycle(g, producer, done, order, scratch, d);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        sorted[i] = g->nodes[order[i]];
    memcpy(g->nodes, sorted, n * sizeof *sorted);
out:
    free(indeg);
    free(first);
    free(adj);
    free(order);
    free(scratch);
    free(done);
    free(h.v);
    free(sorted);
    return err;
}
