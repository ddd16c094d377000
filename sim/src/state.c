/* Typed views of the byte buffers: PARAM records and ACC entries, both little-endian
 * (isa.md section 2), through sim_le32_load/store so that the host's byte order never
 * matters. */
#include "dpu/qmath.h"

#include "sim_internal.h"

struct sim_param sim_param_read(const struct dpu_sim *s, uint64_t q)
{
    const uint8_t *rec = s->buf[DPU_BUF_PARAM] + 16 * q;
    struct sim_param r;
    r.bias = dpu_i32_from_u32(sim_le32_load(rec));
    r.M = dpu_i32_from_u32(sim_le32_load(rec + 4));
    r.s = sim_i8(rec[8]); /* bytes 9..15 are reserved and ignored */
    return r;
}

bool sim_param_ok(struct sim_param r, int max_shift)
{
    return r.M >= 0 && r.s >= 0 && r.s <= max_shift;
}

int32_t sim_acc_get(const struct dpu_sim *s, uint64_t e, uint64_t c)
{
    return dpu_i32_from_u32(sim_le32_load(s->buf[DPU_BUF_ACC] + 4 * (e * s->C + c)));
}

void sim_acc_set(struct dpu_sim *s, uint64_t e, uint64_t c, int32_t v)
{
    sim_le32_store(s->buf[DPU_BUF_ACC] + 4 * (e * s->C + c), (uint32_t)v);
}
