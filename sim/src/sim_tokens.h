/* Token queues (tokens.c). */
#ifndef DPU_SIM_TOKENS_H
#define DPU_SIM_TOKENS_H

#include <stdbool.h>

#include "sim_internal.h"

/* Empties every queue and zeroes every engine's vector clock: the state at program start. */
void sim_tokens_reset(struct dpu_sim *s);
/* Takes one token from queue (from -> self) and joins its clock into self's; false when the
 * queue is empty. */
bool sim_token_take(struct dpu_sim *s, int from, int self);
/* Puts one token carrying self's clock into queue (self -> to); false when it is full. */
bool sim_token_give(struct dpu_sim *s, int self, int to);
/* True when every queue is empty; otherwise names one non-empty queue. */
bool sim_tokens_empty(const struct dpu_sim *s, int *from, int *to);

#endif
