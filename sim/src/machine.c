/* The machine state: on-chip buffers sized from the preset, borrowed DDR regions, and the
 * lifecycle of a simulator. */
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

static const char *const space_names[DPU_SIM_SPACE_COUNT] = {
    "ACT", "WGT", "PARAM", "ACC", "LUT", "DDR:CONST", "DDR:INPUT", "DDR:OUTPUT", "DDR:SCRATCH",
};

const char *dpu_sim_space_name(int space)
{
    if (space < 0 || space >= DPU_SIM_SPACE_COUNT)
        return "?";
    return space_names[space];
}

static void free_queues(struct dpu_sim *s)
{
    for (int a = 0; a < DPU_ENGINE_COUNT; a++)
        for (int b = 0; b < DPU_ENGINE_COUNT; b++)
            free(s->q[a][b].vc);
}

void dpu_sim_destroy(struct dpu_sim *s)
{
    if (!s)
        return;
    for (int i = 0; i < DPU_SIM_BUF_COUNT; i++)
        free(s->buf[i]);
    free_queues(s);
    free(s->conv_sums);
    sim_fast_free(s->fast);
    sim_races_free(s->races);
    free(s);
}

int dpu_sim_create(const struct dpu_preset *p, struct dpu_sim **out, struct dpu_diag *d)
{
    if (!out)
        return dpu_diag_set(d, DPU_E_INVALID, "dpu_sim_create: no place for the simulator");
    *out = NULL;
    int err = dpu_preset_check(p, NULL, d);
    if (err)
        return err;
    struct dpu_sim *s = calloc(1, sizeof *s);
    if (!s)
        return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for the simulator");
    s->p = *p;
    s->R = p->array_rows;
    s->C = p->array_cols;
    /* Sizes in bytes (isa.md section 2); dpu_preset_check bounds them well below 2^32. */
    s->buf_size[DPU_BUF_ACT] = p->act_buf_bytes;
    s->buf_size[DPU_BUF_WGT] = p->wgt_buf_bytes;
    s->buf_size[DPU_BUF_PARAM] = (uint64_t)16 * p->param_buf_records;
    s->buf_size[DPU_BUF_ACC] = (uint64_t)4 * p->array_cols * p->acc_buf_entries;
    s->buf_size[DPU_SIM_BUF_LUT] = 256;
    for (int i = 0; i < DPU_SIM_BUF_COUNT; i++) {
        s->buf[i] = calloc((size_t)s->buf_size[i], 1);
        if (!s->buf[i])
            goto nomem;
    }
    for (int a = 0; a < DPU_ENGINE_COUNT; a++) {
        for (int b = 0; b < DPU_ENGINE_COUNT; b++) {
            s->q[a][b].vc = calloc(p->token_queue_depth, sizeof *s->q[a][b].vc);
            if (!s->q[a][b].vc)
                goto nomem;
        }
    }
    s->conv_sums = calloc(s->C, sizeof *s->conv_sums);
    if (!s->conv_sums || sim_fast_alloc(s))
        goto nomem;
    *out = s;
    return DPU_OK;
nomem:
    dpu_sim_destroy(s);
    return dpu_diag_set(d, DPU_E_NOMEM, "out of memory for the buffers of preset %s", p->name);
}

int dpu_sim_set_region(struct dpu_sim *s, int region, uint8_t *data, uint64_t size)
{
    if (!s || region < 0 || region >= DPU_REGION_COUNT || (!data && size != 0))
        return DPU_E_INVALID;
    s->region[region] = data;
    s->region_size[region] = size;
    return DPU_OK;
}

void dpu_sim_set_check_races(struct dpu_sim *s, bool on)
{
    if (s)
        s->check_races = on;
}

int dpu_sim_buffer(struct dpu_sim *s, int buf, uint8_t **data, uint64_t *size)
{
    if (!s || buf < 0 || buf >= DPU_SIM_BUF_COUNT || !data || !size)
        return DPU_E_INVALID;
    *data = s->buf[buf];
    *size = s->buf_size[buf];
    return DPU_OK;
}
