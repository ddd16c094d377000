/* The functional simulator (libdpusim) as a runtime backend. */
#include <stdlib.h>

#include "dpu/runtime.h"
#include "dpu/sim.h"

struct sim_dev {
    struct dpu_sim *sim;
    struct dpu_rt_status last;
};

static int sim_set_region(void *dev, int region, uint8_t *data, uint64_t size, struct dpu_diag *d)
{
    struct sim_dev *s = dev;
    int err = dpu_sim_set_region(s->sim, region, data, size);
    if (err)
        return dpu_diag_set(d, err, "simulator: cannot lend region %d (%s)", region,
                            dpu_strerror(err));
    return DPU_OK;
}

static int sim_run(void *dev, const dpu_insn *insns, size_t count, struct dpu_rt_status *st,
                   struct dpu_diag *d)
{
    struct sim_dev *s = dev;
    struct dpu_sim_status ss;
    int err = dpu_sim_run(s->sim, insns, count, &ss, d);
    struct dpu_rt_status r = {
        .done = ss.done,
        .error = ss.error,
        .errcode = ss.fault.errcode,
        .fault_insn = ss.fault.insn,
        .fault_addr = ss.fault.addr,
        .executed = ss.executed,
        .race = ss.race.found,
        .race_first = ss.race.first,
        .race_second = ss.race.second,
    };
    s->last = r;
    *st = r;
    return err;
}

static void sim_status(void *dev, struct dpu_rt_status *st)
{
    *st = ((struct sim_dev *)dev)->last;
}

static void sim_destroy(void *dev)
{
    struct sim_dev *s = dev;
    if (!s)
        return;
    dpu_sim_destroy(s->sim);
    free(s);
}

static const struct dpu_rt_backend_ops sim_ops = {
    .name = "sim",
    .set_region = sim_set_region,
    .run = sim_run,
    .status = sim_status,
    .destroy = sim_destroy,
};

int dpu_rt_sim_backend(const struct dpu_preset *p, bool check_races, struct dpu_rt_backend *b,
                       struct dpu_diag *d)
{
    b->ops = NULL;
    b->dev = NULL;
    struct sim_dev *s = calloc(1, sizeof *s);
    if (!s)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory");
    int err = dpu_sim_create(p, &s->sim, d);
    if (err) {
        free(s);
        return err;
    }
    dpu_sim_set_check_races(s->sim, check_races);
    b->ops = &sim_ops;
    b->dev = s;
    return DPU_OK;
}

struct dpu_sim *dpu_rt_sim_backend_sim(const struct dpu_rt_backend *b)
{
    if (!b || b->ops != &sim_ops || !b->dev)
        return NULL;
    return ((struct sim_dev *)b->dev)->sim;
}
