/* dpurt: the program runtime. It runs a compiled program (dpu/program.h) on a device backend
 * and is what dpusim, the driver (libdpu) and the RTL harness share: "a device backend + a
 * plan executor".
 *
 *   backend   a struct of function pointers that lends DDR regions to a device and runs one
 *             accelerator segment on it. The functional simulator is the first backend
 *             (dpu_rt_sim_backend); the driver adds the board, the RTL a Verilator model.
 *   executor  dpu_rt_load checks the program, allocates its four regions (CONST filled from
 *             the program, INPUT, OUTPUT and SCRATCH zeroed) and decodes every CPU step's
 *             model.q8 once; dpu_rt_run writes the inputs into their regions, runs the plan's
 *             steps in order (CPU steps on the reference interpreter, accelerator segments on
 *             the backend) and reads the graph outputs back as NCHW tensors.
 *
 * Inputs are given in the model's terms, exactly what `dpuc run MODEL.q8` accepts: for each
 * program tensor of role INPUT (in the order of the program's tensors, which is the graph's
 * input order) a tensor of its logical shape, either of its dtype, or float32 for an int8
 * quantized input (quantized with the tensor's scale and zero point: dpu_quantize_f32, the
 * boundary step). Outputs are the tensors of role OUTPUT, in the same order.
 *
 * Ownership: struct dpu_rt is caller-owned; dpu_rt_load fills it and dpu_rt_unload releases
 * what it owns (the regions, the decoded CPU graphs and the backend it was given or created).
 * The program is borrowed and must outlive the runtime. Errors: 0 or a negative dpu_err,
 * with a message naming the step, the tensor or the instruction index (stream-absolute) at
 * fault.
 */
#ifndef DPU_RUNTIME_H
#define DPU_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpu/err.h"
#include "dpu/graph.h"
#include "dpu/isa_gen.h"
#include "dpu/preset.h"
#include "dpu/program.h"
#include "dpu/tensor.h"

/* ---- device backends ------------------------------------------------------------------ */

/* What a device reports after running a segment (the STATUS, FAULT_INSN and FAULT_ADDR
 * registers of the register map). fault_insn is relative to the segment's first instruction;
 * dpu_rt_run turns it into a stream index in its messages. */
struct dpu_rt_status {
    bool done;                      /* the segment reached END */
    bool error;                     /* the device stopped on a fault */
    unsigned errcode;               /* enum dpu_errcode; DPU_ERRCODE_NONE when done */
    size_t fault_insn;              /* index in the segment of the faulting instruction */
    uint64_t fault_addr;            /* as docs/isa.md section 5 defines it */
    uint64_t executed;              /* instructions executed, END included */
    bool race;                      /* a race was found (backends that check races) */
    size_t race_first, race_second; /* segment indices of the racing pair */
};

struct dpu_rt_backend_ops {
    const char *name; /* "sim", "board", "verilator" */
    /* Lends the size bytes at data to the device as DDR region `region` (enum dpu_region);
     * the runtime keeps them alive until unload. */
    int (*set_region)(void *dev, int region, uint8_t *data, uint64_t size, struct dpu_diag *d);
    /* Runs count instructions (one segment, ending with its END). Fills *st either way;
     * returns 0 when the segment completed, DPU_E_INVALID on a device fault (d says which,
     * with segment-relative indices), another code when the device itself failed. */
    int (*run)(void *dev, const dpu_insn *insns, size_t count, struct dpu_rt_status *st,
               struct dpu_diag *d);
    /* The status of the last run (what a driver reads from STATUS). */
    void (*status)(void *dev, struct dpu_rt_status *st);
    /* Releases dev; NULL allowed. */
    void (*destroy)(void *dev);
};

/* A device: its operations and its state. ops NULL: no backend. */
struct dpu_rt_backend {
    const struct dpu_rt_backend_ops *ops;
    void *dev;
};

/* The functional simulator (dpu/sim.h) as a backend for preset p, with the race checker on
 * when check_races. On success *b owns a simulator released by b->ops->destroy(b->dev) (or by
 * dpu_rt_unload once given to dpu_rt_load). */
int dpu_rt_sim_backend(const struct dpu_preset *p, bool check_races, struct dpu_rt_backend *b,
                       struct dpu_diag *d);

struct dpu_sim;
/* The simulator inside a backend made by dpu_rt_sim_backend (borrowed: owned by the backend),
 * for attaching a timing model (dpu/sim_timing.h); NULL for any other backend. */
struct dpu_sim *dpu_rt_sim_backend_sim(const struct dpu_rt_backend *b);

/* ---- the executor --------------------------------------------------------------------- */

enum dpu_rt_phase {
    DPU_RT_STEP_BEGIN,
    DPU_RT_STEP_END,
};

/* What the trace hook sees before and after each plan step. */
struct dpu_rt_event {
    enum dpu_rt_phase phase;
    size_t step;                      /* index into program->steps */
    const struct dpu_prog_step *info; /* the step (kind, name, range or bindings) */
    const char *name;                 /* the step's name, or "step N" when it has none */
};

struct dpu_rt;

/* Return 0 to continue; any other value stops dpu_rt_run, which returns it. */
typedef int (*dpu_rt_trace_fn)(void *user, const struct dpu_rt *rt, const struct dpu_rt_event *ev);

struct dpu_rt_cpu_step {
    struct dpu_graph graph; /* the decoded model.q8 of a CPU step; empty for ACCEL steps */
};

struct dpu_rt {
    const struct dpu_program *program; /* borrowed */
    const struct dpu_preset *preset;   /* the preset the program was checked against (static) */
    uint8_t *region[DPU_REGION_COUNT]; /* owned; program->region_size[r] bytes each */
    struct dpu_rt_cpu_step *cpu;       /* owned; program->nsteps entries */
    struct dpu_rt_backend backend;     /* owned */
    dpu_rt_trace_fn trace;             /* optional per-step hook */
    void *trace_user;
    /* Filled by dpu_rt_run: the backend status of the last ACCEL step run. */
    struct dpu_rt_status last_status;
};

/* Checks p with dpu_program_validate against preset (NULL: the preset the program names; a
 * wrong preset is refused with a message naming both), allocates the regions and decodes the
 * CPU steps. backend: the device to run on; NULL runs on a new simulator backend for the
 * program's preset. Ownership of *backend passes to rt in every case (on failure it is
 * destroyed). On failure rt is left empty. */
int dpu_rt_load(struct dpu_rt *rt, const struct dpu_program *p, const struct dpu_preset *preset,
                const struct dpu_rt_backend *backend, struct dpu_diag *d);

/* Releases everything rt owns and empties it; rt may be empty. */
void dpu_rt_unload(struct dpu_rt *rt);

/* Number of graph inputs / outputs (program tensors of role INPUT / OUTPUT), and the index
 * into program->tensors of the i-th one (-1 when out of range). */
size_t dpu_rt_ninputs(const struct dpu_rt *rt);
size_t dpu_rt_noutputs(const struct dpu_rt *rt);
int64_t dpu_rt_input_tensor(const struct dpu_rt *rt, size_t i);
int64_t dpu_rt_output_tensor(const struct dpu_rt *rt, size_t i);

/* Runs the program once on ninputs inputs (see the top of this file). On success
 * outputs[0 .. noutputs-1] are NCHW tensors whose data the caller owns (dpu_tensor_free);
 * noutputs must equal dpu_rt_noutputs. On failure the outputs are left empty. Regions keep
 * their contents afterwards (for dpu_rt_read_tensor). */
int dpu_rt_run(struct dpu_rt *rt, const struct dpu_tensor *inputs, size_t ninputs,
               struct dpu_tensor *outputs, size_t noutputs, struct dpu_diag *d);

/* Reads program tensor `tensor` from the regions as it is now into *out (NCHW, the tensor's
 * dtype and logical shape; out->data malloc'd and owned by the caller). */
int dpu_rt_read_tensor(const struct dpu_rt *rt, size_t tensor, struct dpu_tensor *out,
                       struct dpu_diag *d);

/* ---- layout conversion (NCHW dense <-> a program tensor's region layout) --------------- */

/* Writes src (NCHW, t's dtype and shape, checked by the caller) into dst, the t->size bytes of
 * the tensor in its region: NCHW is a copy; NHWC puts element (n,c,h,w) at element
 * ((n*H + h)*W + w)*cpad + c and leaves the padding channels untouched. */
void dpu_rt_pack(const struct dpu_prog_tensor *t, const void *src, uint8_t *dst);
/* The inverse: reads the t->size bytes at src into dst (NCHW, element count of t's shape). */
void dpu_rt_unpack(const struct dpu_prog_tensor *t, const uint8_t *src, void *dst);

#endif
