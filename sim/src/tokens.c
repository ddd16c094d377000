/* Token queues and the engines' vector clocks.
 *
 * In stream order a wait on an empty queue can never be satisfied (the token discipline of
 * isa.md section 4 requires every wait to consume a token signalled earlier in the stream),
 * and a signal into a full queue never goes through: these are the deadlocks the hardware
 * reports as TOKEN_UNDERFLOW and TOKEN_OVERFLOW. Each token carries the vector clock of the
 * signalling engine, so that a wait makes the waiting engine know everything the signaller
 * had done: the happens-before relation the race checker tests.
 */
#include <string.h>

#include "sim_tokens.h"

void sim_tokens_reset(struct dpu_sim *s)
{
    for (int a = 0; a < DPU_ENGINE_COUNT; a++) {
        for (int b = 0; b < DPU_ENGINE_COUNT; b++) {
            s->q[a][b].head = 0;
            s->q[a][b].count = 0;
        }
    }
    memset(s->vc, 0, sizeof s->vc);
}

bool sim_token_take(struct dpu_sim *s, int from, int self)
{
    struct sim_tokq *q = &s->q[from][self];
    if (q->count == 0)
        return false;
    const uint32_t *vc = q->vc[q->head];
    for (int e = 0; e < DPU_ENGINE_COUNT; e++)
        if (vc[e] > s->vc[self][e])
            s->vc[self][e] = vc[e];
    q->head = (q->head + 1) % s->p.token_queue_depth;
    q->count--;
    return true;
}

bool sim_token_give(struct dpu_sim *s, int self, int to)
{
    struct sim_tokq *q = &s->q[self][to];
    if (q->count >= s->p.token_queue_depth)
        return false;
    uint32_t tail = (q->head + q->count) % s->p.token_queue_depth;
    memcpy(q->vc[tail], s->vc[self], sizeof q->vc[tail]);
    q->count++;
    return true;
}

bool sim_tokens_empty(const struct dpu_sim *s, int *from, int *to)
{
    for (int a = 0; a < DPU_ENGINE_COUNT; a++) {
        for (int b = 0; b < DPU_ENGINE_COUNT; b++) {
            if (s->q[a][b].count) {
                *from = a;
                *to = b;
                return false;
            }
        }
    }
    return true;
}
