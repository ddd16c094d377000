/* dpu_rt_run: write the inputs into their regions, run the plan's steps in order, read the
 * outputs back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/qparams.h"
#include "dpu/ref.h"
#include "dpu/runtime.h"

static const char *step_name(const struct dpu_prog_step *s, size_t i, char *buf, size_t cap)
{
    if (s->name && *s->name)
        return s->name;
    snprintf(buf, cap, "step %zu", i);
    return buf;
}

static bool same_shape(const struct dpu_tensor *t, const struct dpu_prog_tensor *pt)
{
    return t->rank == pt->rank &&
           memcmp(t->dims, pt->dims, sizeof(int64_t) * (size_t)(t->rank > 0 ? t->rank : 0)) == 0;
}

int dpu_rt_read_tensor(const struct dpu_rt *rt, size_t tensor, struct dpu_tensor *out,
                       struct dpu_diag *d)
{
    memset(out, 0, sizeof *out);
    if (!rt->program || tensor >= rt->program->ntensors)
        return dpu_diag_set(d, DPU_E_RANGE, "no program tensor %zu", tensor);
    const struct dpu_prog_tensor *pt = &rt->program->tensors[tensor];
    int err = dpu_tensor_alloc(out, pt->dtype, pt->rank, pt->dims, d);
    if (err)
        return err;
    dpu_rt_unpack(pt, rt->region[pt->region] + pt->offset, out->data);
    return DPU_OK;
}

/* Writes user input i (already checked against pt) into its region. */
static int write_input(struct dpu_rt *rt, size_t i, const struct dpu_prog_tensor *pt,
                       const struct dpu_tensor *t, struct dpu_diag *d)
{
    char want[DPU_SHAPE_STR_MAX], got[DPU_SHAPE_STR_MAX];
    uint8_t *dst = rt->region[pt->region] + pt->offset;
    bool quantize = pt->dtype == DPU_DT_INT8 && pt->quantized && t->dtype == DPU_DT_FLOAT32;
    if (!t->data || !same_shape(t, pt) || (t->dtype != pt->dtype && !quantize))
        return dpu_diag_set(
            d, DPU_E_MISMATCH, "input %zu '%s': expected %s %s%s, got %s %s", i, pt->name,
            dpu_dtype_name(pt->dtype), dpu_shape_format(pt->rank, pt->dims, want, sizeof want),
            pt->dtype == DPU_DT_INT8 && pt->quantized
                ? " (or float32, quantized at the input's scale)"
                : "",
            dpu_dtype_name(t->dtype), dpu_shape_format(t->rank, t->dims, got, sizeof got));
    if (!quantize) {
        dpu_rt_pack(pt, t->data, dst);
        return DPU_OK;
    }
    /* The boundary step: ONNX QuantizeLinear at the input's scale and zero point. */
    struct dpu_tensor q;
    int err = dpu_tensor_alloc(&q, DPU_DT_INT8, pt->rank, pt->dims, d);
    if (err)
        return err;
    int64_t n = dpu_tensor_count(&q);
    const float *x = t->data;
    int8_t *y = q.data;
    for (int64_t k = 0; k < n; k++)
        y[k] = (int8_t)dpu_quantize_f32(x[k], pt->scale, pt->zero_point, -128, 127);
    dpu_rt_pack(pt, q.data, dst);
    dpu_tensor_free(&q);
    return DPU_OK;
}

static int write_inputs(struct dpu_rt *rt, const struct dpu_tensor *inputs, size_t ninputs,
                        struct dpu_diag *d)
{
    size_t want = dpu_rt_ninputs(rt);
    if (ninputs != want)
        return dpu_diag_set(d, DPU_E_MISMATCH, "the program takes %zu inputs, %zu given", want,
                            ninputs);
    for (size_t i = 0; i < ninputs; i++) {
        const struct dpu_prog_tensor *pt = &rt->program->tensors[dpu_rt_input_tensor(rt, i)];
        int err = write_input(rt, i, pt, &inputs[i], d);
        if (err)
            return err;
    }
    return DPU_OK;
}

static int run_cpu_step(struct dpu_rt *rt, size_t i, const char *name, struct dpu_diag *d)
{
    const struct dpu_program *p = rt->program;
    const struct dpu_prog_step *s = &p->steps[i];
    size_t nin = s->n_inputs, nout = s->n_outputs;
    struct dpu_tensor *ins = calloc(nin + nout + 1, sizeof *ins);
    if (!ins)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    struct dpu_tensor *outs = ins + nin;
    int err = DPU_OK;
    for (size_t k = 0; k < nin && !err; k++)
        err = dpu_rt_read_tensor(rt, s->inputs[k], &ins[k], d);
    struct dpu_diag inner;
    dpu_diag_clear(&inner);
    if (!err) {
        err = dpu_ref_run(&rt->cpu[i].graph, ins, nin, outs, &inner);
        if (err)
            dpu_diag_set(d, err, "plan step %zu (cpu '%s'): %s", i, name, dpu_diag_message(&inner));
    }
    for (size_t k = 0; k < nout && !err; k++) {
        const struct dpu_prog_tensor *pt = &p->tensors[s->outputs[k]];
        if (outs[k].dtype != pt->dtype || !same_shape(&outs[k], pt)) {
            err = dpu_diag_set(d, DPU_E_INTERNAL,
                               "plan step %zu (cpu '%s'): output %zu does not fit tensor '%s'", i,
                               name, k, pt->name);
            break;
        }
        dpu_rt_pack(pt, outs[k].data, rt->region[pt->region] + pt->offset);
    }
    for (size_t k = 0; k < nin + nout; k++)
        dpu_tensor_free(&ins[k]);
    free(ins);
    return err;
}

/* "layer 'conv1' (Conv2D)" for stream instruction insn, or "no layer". */
static void layer_of_insn(const struct dpu_program *p, size_t insn, char *buf, size_t cap)
{
    int32_t *map = NULL;
    snprintf(buf, cap, "no layer");
    if (dpu_program_layer_map(p, &map, NULL) == 0 && map && insn < p->ninsns && map[insn] >= 0)
        snprintf(buf, cap, "layer '%s' (%s)", p->layers[map[insn]].name, p->layers[map[insn]].op);
    free(map);
}

static int run_accel_step(struct dpu_rt *rt, size_t i, const char *name, struct dpu_diag *d)
{
    const struct dpu_program *p = rt->program;
    const struct dpu_prog_step *s = &p->steps[i];
    struct dpu_rt_status st;
    memset(&st, 0, sizeof st);
    struct dpu_diag inner;
    dpu_diag_clear(&inner);
    int err =
        rt->backend.ops->run(rt->backend.dev, p->insns + s->first, (size_t)s->count, &st, &inner);
    rt->last_status = st;
    if (!err)
        return DPU_OK;
    char layer[DPU_PROG_NAME_MAX * 2 + 32];
    if (st.race) {
        size_t a = (size_t)s->first + st.race_first, b = (size_t)s->first + st.race_second;
        char la[sizeof layer];
        layer_of_insn(p, a, la, sizeof la);
        layer_of_insn(p, b, layer, sizeof layer);
        return dpu_diag_set(d, err,
                            "plan step %zu (accel '%s'): race between instructions %zu (%s) and "
                            "%zu (%s) of the stream: %s",
                            i, name, a, la, b, layer, dpu_diag_message(&inner));
    }
    if (st.error) {
        size_t at = (size_t)s->first + st.fault_insn;
        layer_of_insn(p, at, layer, sizeof layer);
        return dpu_diag_set(d, err,
                            "plan step %zu (accel '%s'): device fault at instruction %zu of the "
                            "stream (%zu of the segment), %s: %s",
                            i, name, at, st.fault_insn, layer, dpu_diag_message(&inner));
    }
    return dpu_diag_set(d, err, "plan step %zu (accel '%s'): %s backend: %s", i, name,
                        rt->backend.ops->name, dpu_diag_message(&inner));
}

static int trace(struct dpu_rt *rt, enum dpu_rt_phase ph, size_t i, const char *name)
{
    if (!rt->trace)
        return 0;
    struct dpu_rt_event ev = {ph, i, &rt->program->steps[i], name};
    return rt->trace(rt->trace_user, rt, &ev);
}

static int run_steps(struct dpu_rt *rt, struct dpu_diag *d)
{
    const struct dpu_program *p = rt->program;
    for (size_t i = 0; i < p->nsteps; i++) {
        char buf[32];
        const char *name = step_name(&p->steps[i], i, buf, sizeof buf);
        int err = trace(rt, DPU_RT_STEP_BEGIN, i, name);
        if (err)
            return err;
        err = p->steps[i].kind == DPU_PROG_STEP_CPU ? run_cpu_step(rt, i, name, d)
                                                    : run_accel_step(rt, i, name, d);
        if (!err)
            err = trace(rt, DPU_RT_STEP_END, i, name);
        if (err)
            return err;
    }
    return DPU_OK;
}

int dpu_rt_run(struct dpu_rt *rt, const struct dpu_tensor *inputs, size_t ninputs,
               struct dpu_tensor *outputs, size_t noutputs, struct dpu_diag *d)
{
    for (size_t k = 0; k < noutputs; k++)
        memset(&outputs[k], 0, sizeof outputs[k]);
    if (!rt->program || !rt->backend.ops)
        return dpu_diag_set(d, DPU_E_INVALID, "dpu_rt_run: runtime not loaded");
    size_t want = dpu_rt_noutputs(rt);
    if (noutputs != want)
        return dpu_diag_set(d, DPU_E_MISMATCH, "the program has %zu outputs, room for %zu given",
                            want, noutputs);
    /* Every run starts from the loaded state: INPUT, OUTPUT and SCRATCH zeroed. CONST keeps
     * what dpu_rt_load copied from the program: nothing writes it (validation refuses a SAVE
     * into CONST, and CPU steps write only their tensors, none of which lives there), and
     * copying it again cost ~3% of a ResNet-50 run. */
    for (int r = 0; r < DPU_REGION_COUNT; r++)
        if (rt->region[r] && r != DPU_REGION_CONST)
            memset(rt->region[r], 0, (size_t)rt->program->region_size[r]);
    int err = write_inputs(rt, inputs, ninputs, d);
    if (!err)
        err = run_steps(rt, d);
    for (size_t k = 0; k < noutputs && !err; k++)
        err = dpu_rt_read_tensor(rt, (size_t)dpu_rt_output_tensor(rt, k), &outputs[k], d);
    if (err) {
        for (size_t k = 0; k < noutputs; k++)
            dpu_tensor_free(&outputs[k]);
    }
    return err;
}
