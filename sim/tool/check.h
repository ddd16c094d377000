/* dpusim --check: run the reference interpreter on the model with the same inputs and compare
 * the program's outputs (and, on a mismatch, its intermediate tensors) bytewise. */
#ifndef DPUSIM_CHECK_H
#define DPUSIM_CHECK_H

#include <stddef.h>
#include <stdio.h>

#include "dpu/graph.h"
#include "dpu/runtime.h"

/* Compares outputs[0 .. dpu_rt_noutputs(rt)) (the program's results on inputs) with what
 * dpu_ref_run computes for g on the same inputs. On a mismatch prints to out the first
 * differing output element, the node, layer and plan step that produced it, and the first
 * intermediate tensor (present in both) that differs (rerunning the program on rt), and
 * returns 1. Returns 0 when every output is byte-identical, or a negative dpu_err (d says
 * why) when the comparison could not be made. */
int dpusim_check(struct dpu_rt *rt, const struct dpu_graph *g, const struct dpu_tensor *inputs,
                 size_t ninputs, const struct dpu_tensor *outputs, FILE *out, struct dpu_diag *d);

#endif
