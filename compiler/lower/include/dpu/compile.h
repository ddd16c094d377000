/* dpucompile: lowers a verified quantized graph (dpu/graph.h) to a DPU program
 * (dpu/program.h) for one hardware preset: `dpuc compile MODEL.q8 -o prog.bin --arch PRESET`.
 *
 * The pass pipeline (docs/compiler.md) is check, partition, layout, tile, ddr, isel,
 * schedule, emit; a verifier runs after each pass, and the IR can be printed after any of
 * them. Nodes the accelerator cannot run become CPU steps (a serialized model.q8 subgraph
 * run by the runtime with the reference kernels); each fallback is reported with its reason.
 *
 * Errors: 0 or a negative dpu_err with a message naming the node ("node 'conv1' (Conv2D):
 * ..."). An internal inconsistency (a bug in this library) aborts, naming the pass.
 */
#ifndef DPU_COMPILE_H
#define DPU_COMPILE_H

#include <stdbool.h>
#include <stdio.h>

#include "dpu/err.h"
#include "dpu/graph.h"
#include "dpu/preset.h"
#include "dpu/program.h"

struct dpu_compile_opts {
    const struct dpu_preset *preset; /* required */
    bool no_cpu_fallback;            /* a node the accelerator cannot run is an error */
    const char *dump_after;          /* pass name, or NULL: print the IR after that pass */
    FILE *dump;                      /* where dumps go (stdout when NULL) */
    FILE *log;                       /* fallback notes ("node 'x' (Softmax) runs on the CPU:
                                      * ..."); NULL: silent */
    int pack_rows;                   /* low-channel packing: 0 = kernel rows per vector group
                                      * chosen by the cost estimate; k > 0 = the largest valid
                                      * count up to k (tests, experiments) */
    int pack_pieces;                 /* low-channel packing's gather: 0 = by the cost estimate;
                                      * 1 = in pieces of stride_w columns wherever valid;
                                      * -1 = never in pieces (tests, experiments) */
    int pack_pairs;                  /* low-channel packing of two output pixels per array pass:
                                      * 0 = by the cost estimate; 1 = wherever valid; -1 =
                                      * never (tests, experiments) */
};

/* The pass names, in pipeline order, NULL-terminated. Static storage. */
extern const char *const dpu_compile_pass_names[];

/* True when name is one of dpu_compile_pass_names. */
bool dpu_compile_pass_known(const char *name);

/* Compiles g (verified here; dpu_graph_verify may reorder its nodes) into out, which is
 * emptied first (its previous contents are not freed) and on success owned by the caller
 * (dpu_program_free). On failure out is left empty. */
int dpu_compile(struct dpu_graph *g, const struct dpu_compile_opts *opts, struct dpu_program *out,
                struct dpu_diag *d);

#endif
