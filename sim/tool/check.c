/* dpusim --check: the program against the reference interpreter, bytewise.
 *
 * Outputs are compared first. On a mismatch the program is run once more with a per-step
 * hook that compares every intermediate tensor present in both (the program's tensor names
 * are the graph's) right after the step that produced it, so the first layer whose output
 * differs can be named. Which step produced a tensor: the CPU step that binds it as an
 * output, or the ACCEL step holding the instructions of the layer named after the graph node
 * that produced it (for a node fused into an earlier layer, the nearest earlier node that has
 * a layer). A tensor whose bytes a later layer of the same step overwrites (memory reuse) is
 * not compared: its value at the end of the step says nothing. */
#include "check.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/ref.h"

/* What is known about each program tensor. */
struct origin {
    int32_t gt;    /* graph tensor of the same name, or -1 */
    int32_t node;  /* graph node producing it, or -1 */
    int32_t layer; /* program layer holding its instructions, or -1 */
    int64_t step;  /* plan step producing it, or -1 */
    uint64_t last; /* last instruction of that layer (ordering within a step) */
};

struct ctx {
    struct dpu_rt *rt;
    const struct dpu_graph *g;
    struct dpu_tensor *golden; /* g->ntensors, data NULL where the reference has no value */
    struct origin *org;        /* program->ntensors */
    /* The first differing intermediate tensor, by graph node order. */
    int64_t bad_tensor;
    int64_t bad_index;
    struct dpu_tensor bad_got; /* its value at the end of its step */
    struct dpu_diag *d;
};

static int collect(void *user, const struct dpu_graph *g, const struct dpu_ref_event *ev)
{
    struct ctx *c = user;
    struct dpu_tensor *t = &c->golden[ev->tensor];
    dpu_tensor_free(t);
    int err = dpu_tensor_alloc(t, ev->value->dtype, ev->value->rank, ev->value->dims, c->d);
    if (err)
        return err;
    memcpy(t->data, ev->value->data, (size_t)dpu_tensor_nbytes(t));
    return 0;
}

static int32_t node_producing(const struct dpu_graph *g, int32_t gt)
{
    for (size_t n = 0; n < g->nnodes; n++)
        for (size_t k = 0; k < g->nodes[n].noutputs; k++)
            if (g->nodes[n].outputs[k] == gt)
                return (int32_t)n;
    return -1;
}

static int32_t layer_named(const struct dpu_program *p, const char *name)
{
    for (size_t l = 0; l < p->nlayers; l++)
        if (strcmp(p->layers[l].name, name) == 0 && p->layers[l].nranges)
            return (int32_t)l;
    return -1;
}

static int64_t step_of_insn(const struct dpu_program *p, uint64_t insn)
{
    for (size_t s = 0; s < p->nsteps; s++) {
        const struct dpu_prog_step *st = &p->steps[s];
        if (st->kind == DPU_PROG_STEP_ACCEL && insn >= st->first && insn - st->first < st->count)
            return (int64_t)s;
    }
    return -1;
}

static void find_origin(const struct ctx *c, size_t t, struct origin *o)
{
    const struct dpu_program *p = c->rt->program;
    const char *name = p->tensors[t].name;
    o->gt = dpu_graph_find_tensor(c->g, name);
    o->node = o->gt >= 0 ? node_producing(c->g, o->gt) : -1;
    o->layer = -1;
    o->step = -1;
    o->last = 0;
    for (size_t s = 0; s < p->nsteps; s++) {
        const struct dpu_prog_step *st = &p->steps[s];
        for (size_t k = 0; st->kind == DPU_PROG_STEP_CPU && k < st->n_outputs; k++)
            if (st->outputs[k] == t)
                o->step = (int64_t)s;
    }
    if (o->step >= 0 || o->node < 0)
        return;
    for (int32_t n = o->node; n >= 0 && o->layer < 0; n--)
        o->layer = layer_named(p, c->g->nodes[n].name);
    if (o->layer < 0)
        return;
    const struct dpu_prog_layer *l = &p->layers[o->layer];
    for (size_t r = 0; r < l->nranges; r++)
        if (l->ranges[r].count && l->ranges[r].first + l->ranges[r].count - 1 >= o->last)
            o->last = l->ranges[r].first + l->ranges[r].count - 1;
    o->step = step_of_insn(p, o->last);
}

/* True when a tensor produced later in the same step overwrites some of t's bytes. */
static bool clobbered(const struct ctx *c, size_t t)
{
    const struct dpu_program *p = c->rt->program;
    const struct dpu_prog_tensor *a = &p->tensors[t];
    for (size_t u = 0; u < p->ntensors; u++) {
        const struct dpu_prog_tensor *b = &p->tensors[u];
        if (u == t || c->org[u].step != c->org[t].step || c->org[u].last <= c->org[t].last ||
            b->region != a->region)
            continue;
        if (b->offset < a->offset + a->size && a->offset < b->offset + b->size)
            return true;
    }
    return false;
}

/* Index of the first differing element of two tensors of equal dtype and shape, or -1. */
static int64_t first_diff(const struct dpu_tensor *a, const struct dpu_tensor *b)
{
    size_t es = dpu_dtype_size(a->dtype);
    int64_t n = dpu_tensor_count(a);
    const uint8_t *x = a->data, *y = b->data;
    for (int64_t i = 0; i < n; i++)
        if (memcmp(x + (size_t)i * es, y + (size_t)i * es, es) != 0)
            return i;
    return -1;
}

static bool same_form(const struct dpu_tensor *a, const struct dpu_tensor *b)
{
    return a->dtype == b->dtype && a->rank == b->rank &&
           memcmp(a->dims, b->dims, sizeof(int64_t) * (size_t)a->rank) == 0;
}

static int on_step(void *user, const struct dpu_rt *rt, const struct dpu_rt_event *ev)
{
    struct ctx *c = user;
    const struct dpu_program *p = rt->program;
    if (ev->phase != DPU_RT_STEP_END)
        return 0;
    for (size_t t = 0; t < p->ntensors; t++) {
        const struct origin *o = &c->org[t];
        if (o->step != (int64_t)ev->step || o->gt < 0 || !c->golden[o->gt].data ||
            p->tensors[t].role == DPU_PROG_ROLE_INPUT || clobbered(c, t))
            continue;
        struct dpu_tensor got;
        int err = dpu_rt_read_tensor(rt, t, &got, c->d);
        if (err)
            return err;
        int64_t at = same_form(&got, &c->golden[o->gt]) ? first_diff(&got, &c->golden[o->gt]) : -2;
        if (at != -1 && (c->bad_tensor < 0 || o->node < c->org[c->bad_tensor].node)) {
            dpu_tensor_free(&c->bad_got);
            c->bad_got = got;
            c->bad_tensor = (int64_t)t;
            c->bad_index = at;
        } else {
            dpu_tensor_free(&got);
        }
    }
    return 0;
}

/* Prints element i of t: integers in decimal, floats with their bits. */
static void print_elem(FILE *out, const struct dpu_tensor *t, int64_t i)
{
    switch (t->dtype) {
    case DPU_DT_INT8:
        fprintf(out, "%d", ((const int8_t *)t->data)[i]);
        break;
    case DPU_DT_UINT8:
        fprintf(out, "%u", ((const uint8_t *)t->data)[i]);
        break;
    case DPU_DT_INT32:
        fprintf(out, "%" PRId32, ((const int32_t *)t->data)[i]);
        break;
    case DPU_DT_FLOAT32: {
        float f = ((const float *)t->data)[i];
        uint32_t bits;
        memcpy(&bits, &f, sizeof bits);
        fprintf(out, "%.9g (0x%08" PRIx32 ")", (double)f, bits);
        break;
    }
    }
}

/* "(0, 3, 1, 2)": the NCHW coordinates of flat index i. */
static void print_coords(FILE *out, const struct dpu_tensor *t, int64_t i)
{
    int64_t co[DPU_TENSOR_MAX_RANK];
    for (int k = t->rank - 1; k >= 0; k--) {
        co[k] = t->dims[k] ? i % t->dims[k] : 0;
        i = t->dims[k] ? i / t->dims[k] : 0;
    }
    fputc('(', out);
    for (int k = 0; k < t->rank; k++)
        fprintf(out, "%s%" PRId64, k ? ", " : "", co[k]);
    fputc(')', out);
}

/* Where program tensor t came from: node, layer and plan step. */
static void print_origin(FILE *out, const struct ctx *c, size_t t)
{
    const struct dpu_program *p = c->rt->program;
    const struct origin *o = &c->org[t];
    if (o->node >= 0)
        fprintf(out, "  produced by node '%s' (%s)\n", c->g->nodes[o->node].name,
                dpu_node_op_name(c->g->nodes[o->node].op));
    if (o->layer >= 0) {
        const struct dpu_prog_layer *l = &p->layers[o->layer];
        fprintf(out, "  layer '%s' (%s), instructions", l->name, l->op);
        for (size_t r = 0; r < l->nranges; r++)
            fprintf(out, "%s %" PRIu64 "..%" PRIu64, r ? "," : "", l->ranges[r].first,
                    l->ranges[r].first + l->ranges[r].count - 1);
        fputc('\n', out);
    }
    if (o->step >= 0) {
        const struct dpu_prog_step *s = &p->steps[o->step];
        fprintf(out, "  plan step %" PRId64 " (%s '%s')\n", o->step,
                dpu_prog_step_kind_name(s->kind), s->name ? s->name : "");
    }
    if (o->node < 0 && o->layer < 0 && o->step < 0)
        fprintf(out, "  (no node, layer or step of the program is known to produce it)\n");
}

static void print_diff(FILE *out, const char *what, size_t k, const char *name,
                       const struct dpu_tensor *got, const struct dpu_tensor *want, int64_t at)
{
    fprintf(out, "%s %zu '%s': first difference at index %" PRId64 " ", what, k, name, at);
    print_coords(out, got, at);
    fprintf(out, ": got ");
    print_elem(out, got, at);
    fprintf(out, ", expected ");
    print_elem(out, want, at);
    fputc('\n', out);
}

/* Reruns the program with on_step and reports the first differing intermediate tensor. */
static int report_intermediate(struct ctx *c, const struct dpu_tensor *inputs, size_t ninputs,
                               FILE *out)
{
    struct dpu_rt *rt = c->rt;
    size_t nout = dpu_rt_noutputs(rt);
    struct dpu_tensor *tmp = calloc(nout + 1, sizeof *tmp);
    if (!tmp)
        return dpu_diag_set(c->d, DPU_E_NOMEM, "out of memory");
    dpu_rt_trace_fn saved = rt->trace;
    void *saved_user = rt->trace_user;
    rt->trace = on_step;
    rt->trace_user = c;
    int err = dpu_rt_run(rt, inputs, ninputs, tmp, nout, c->d);
    rt->trace = saved;
    rt->trace_user = saved_user;
    for (size_t k = 0; k < nout; k++)
        dpu_tensor_free(&tmp[k]);
    free(tmp);
    if (err) {
        dpu_tensor_free(&c->bad_got);
        return err;
    }
    if (c->bad_tensor < 0) {
        fprintf(out, "no intermediate tensor present in both differs where it can be compared\n");
        return 0;
    }
    size_t t = (size_t)c->bad_tensor;
    const struct origin *o = &c->org[t];
    const char *name = rt->program->tensors[t].name;
    if (o->node >= 0)
        fprintf(out, "first layer whose output differs: node '%s' (%s)\n",
                c->g->nodes[o->node].name, dpu_node_op_name(c->g->nodes[o->node].op));
    else
        fprintf(out, "first intermediate tensor that differs: '%s'\n", name);
    if (c->bad_index == -2)
        fprintf(out, "  tensor '%s' has another dtype or shape in the model\n", name);
    else
        print_diff(out, "  tensor", t, name, &c->bad_got, &c->golden[o->gt], c->bad_index);
    print_origin(out, c, t);
    dpu_tensor_free(&c->bad_got);
    return 0;
}

int dpusim_check(struct dpu_rt *rt, const struct dpu_graph *g, const struct dpu_tensor *inputs,
                 size_t ninputs, const struct dpu_tensor *outputs, FILE *out, struct dpu_diag *d)
{
    const struct dpu_program *p = rt->program;
    size_t nout = dpu_rt_noutputs(rt);
    if (g->noutputs != nout || g->ninputs != ninputs)
        return dpu_diag_set(d, DPU_E_MISMATCH,
                            "--check: the model has %zu inputs and %zu outputs, the program %zu "
                            "and %zu",
                            g->ninputs, g->noutputs, dpu_rt_ninputs(rt), nout);
    struct ctx c = {.rt = rt, .g = g, .bad_tensor = -1, .d = d};
    c.golden = calloc(g->ntensors + 1, sizeof *c.golden);
    c.org = calloc(p->ntensors + 1, sizeof *c.org);
    struct dpu_tensor *want = calloc(nout + 1, sizeof *want);
    int err = c.golden && c.org && want ? DPU_OK : dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    struct dpu_diag inner;
    dpu_diag_clear(&inner);
    if (!err) {
        err = dpu_ref_run_trace(g, inputs, ninputs, want, collect, &c, &inner);
        if (err)
            dpu_diag_set(d, err, "--check: the reference interpreter: %s",
                         dpu_diag_message(&inner));
    }
    for (size_t t = 0; !err && t < p->ntensors; t++)
        find_origin(&c, t, &c.org[t]);
    int result = 0;
    for (size_t k = 0; !err && k < nout && !result; k++) {
        size_t t = (size_t)dpu_rt_output_tensor(rt, k);
        const char *name = p->tensors[t].name;
        const char *gname = g->tensors[g->outputs[k]].name;
        if (strcmp(name, gname) != 0)
            fprintf(out, "note: output %zu is '%s' in the program, '%s' in the model\n", k, name,
                    gname);
        if (!same_form(&outputs[k], &want[k])) {
            char a[DPU_SHAPE_STR_MAX], b[DPU_SHAPE_STR_MAX];
            fprintf(out, "output %zu '%s': the program gives %s %s, the model %s %s\n", k, name,
                    dpu_dtype_name(outputs[k].dtype),
                    dpu_shape_format(outputs[k].rank, outputs[k].dims, a, sizeof a),
                    dpu_dtype_name(want[k].dtype),
                    dpu_shape_format(want[k].rank, want[k].dims, b, sizeof b));
            result = 1;
            continue;
        }
        int64_t at = first_diff(&outputs[k], &want[k]);
        if (at < 0)
            continue;
        print_diff(out, "output", k, name, &outputs[k], &want[k], at);
        print_origin(out, &c, t);
        result = 1;
    }
    if (!err && result)
        err = report_intermediate(&c, inputs, ninputs, out);
    for (size_t k = 0; k < nout && want; k++)
        dpu_tensor_free(&want[k]);
    for (size_t t = 0; t < g->ntensors && c.golden; t++)
        dpu_tensor_free(&c.golden[t]);
    free(want);
    free(c.golden);
    free(c.org);
    return err ? err : result;
}
