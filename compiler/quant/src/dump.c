/* --dump-after: the IR after a pass, in model.q8 text form (docs/q8-format.md). Before
 * emission that is the prepared float graph, followed by what the quantizer has decided so
 * far as `#` comments (fusions, calibration statistics, chosen ranges), so a dump still
 * reads back as a q8 text file. From emission on it is the quantized graph itself. */
#include <inttypes.h>

#include "dpu/q8.h"
#include "quant_internal.h"

static void annotations(const struct qctx *c, FILE *f)
{
    const struct dpu_graph *g = &c->fg;
    if (!c->nodes || !c->tensors)
        return;
    for (size_t i = 0; i < g->nnodes; i++)
        if (c->nodes[i].fused >= 0)
            fprintf(f, "# fused: %s (%s) <- %s (%s)\n", g->nodes[i].name,
                    dpu_node_op_name(g->nodes[i].op), g->nodes[c->nodes[i].fused].name,
                    dpu_node_op_name(g->nodes[c->nodes[i].fused].op));
    for (size_t t = 0; t < g->ntensors; t++) {
        const struct qtensor *qt = &c->tensors[t];
        if (qt->hist && qt->hist->count)
            fprintf(f, "# stats: %s min=%.9g max=%.9g count=%" PRIu64 " zeros=%" PRIu64 "\n",
                    g->tensors[t].name, qt->hist->min, qt->hist->max, qt->hist->count,
                    qt->hist->zeros);
        if (qt->has_q)
            fprintf(f, "# range: %s [%.9g, %.9g] scale=%.9g zp=%" PRId32 "\n", g->tensors[t].name,
                    qt->lo, qt->hi, (double)qt->scale, qt->zp);
    }
}

int q_dump(const struct qctx *c, FILE *f, const char *pass, const struct dpu_graph *qg,
           struct dpu_diag *d)
{
    fprintf(f, "# dpuc quantize: after pass '%s'\n", pass);
    int err = dpu_q8_text_write(f, qg ? qg : &c->fg, d);
    if (!err && !qg)
        annotations(c, f);
    fflush(f);
    return err;
}
