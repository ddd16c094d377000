/* prog.bin: a compiled program, in memory and as an ELF file.
 *
 * A program is what `dpuc compile` produces and what dpusim, the RTL harness and libdpu run:
 * the instruction stream, the CONST region image (packed weights, PARAM records, LUTs), the
 * sizes of the INPUT, OUTPUT and SCRATCH regions, the tensors that live in those regions,
 * the execution plan (accelerator segments and CPU steps, in order) and, for tools and error
 * messages, which graph node (layer) produced which instructions. docs/program-format.md
 * specifies the ELF file byte by byte.
 *
 * Ownership: struct dpu_program is caller-owned. Every pointer inside it (strings, arrays,
 * the CONST image, the CPU steps' model.q8 bytes and bindings, the layers' ranges) is a
 * separate malloc'd block owned by the program and released by dpu_program_free; the
 * dpu_program_set_* and dpu_program_add_* helpers copy what they are given. A program may
 * also be filled by hand, as long as every pointer obeys that rule.
 *
 * Errors: functions return 0 (DPU_OK) or a negative code from dpu/err.h and, when d is
 * non-NULL, a message naming the file, section, byte offset, instruction index or tensor at
 * fault. Readers refuse anything malformed (DPU_E_PARSE), a file of an unknown kind or newer
 * major format (DPU_E_UNSUPPORTED), and never crash, hang or read out of bounds.
 * dpu_program_validate checks what a loader must check before running a program.
 */
#ifndef DPU_PROGRAM_H
#define DPU_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpu/err.h"
#include "dpu/isa_gen.h"
#include "dpu/preset.h"
#include "dpu/tensor.h"

/* Version of the file format (not of the ISA): a reader refuses another major version and
 * reads a newer minor version (which may only add sections and notes it can ignore). */
#define DPU_PROG_FORMAT_MAJOR 1
#define DPU_PROG_FORMAT_MINOR 0

/* Longest name (tensor, step, layer, op), in bytes without the NUL; longer ones are refused
 * by the writer and the reader, which keeps a hostile file from multiplying memory use. */
#define DPU_PROG_NAME_MAX 1024
/* Longest preset name the ELF note can hold, in bytes without the NUL. */
#define DPU_PROG_PRESET_NAME_MAX 31
/* Largest prog.bin dpu_program_read accepts. */
#define DPU_PROG_MAX_FILE_BYTES ((size_t)1 << 32)

enum dpu_prog_role {
    DPU_PROG_ROLE_INPUT,    /* a graph input: the caller writes it into the INPUT region */
    DPU_PROG_ROLE_OUTPUT,   /* a graph output: read back from the OUTPUT region */
    DPU_PROG_ROLE_INTERNAL, /* an intermediate tensor (any region) */
};
#define DPU_PROG_ROLE_COUNT 3

enum dpu_prog_layout {
    DPU_PROG_LAYOUT_NCHW, /* dense row-major in the logical shape, last dimension fastest */
    DPU_PROG_LAYOUT_NHWC, /* rank 4 only: element (n,c,h,w) at element index
                           * ((n*H + h)*W + w)*cpad + c, with cpad >= C */
};
#define DPU_PROG_LAYOUT_COUNT 2

struct dpu_prog_tensor {
    char *name;              /* non-empty, unique among the program's tensors */
    enum dpu_prog_role role; /* INPUT lives in region INPUT, OUTPUT in region OUTPUT */
    enum dpu_region region;  /* from dpu/isa_gen.h */
    uint64_t offset;         /* byte offset of element 0 in the region */
    uint64_t size;           /* bytes: count * dtype size (NCHW), N*H*W*cpad * dtype size (NHWC) */
    enum dpu_dtype dtype;
    int rank;                          /* 0..DPU_TENSOR_MAX_RANK: the logical (NCHW) shape */
    int64_t dims[DPU_TENSOR_MAX_RANK]; /* dims[0..rank-1]; the rest are zero */
    enum dpu_prog_layout layout;
    uint32_t cpad;  /* NHWC: the channel stride in elements (>= C); NCHW: 0 */
    bool quantized; /* scale and zero_point are meaningful */
    float scale;    /* real = scale * (q - zero_point); 0 when not quantized */
    int32_t zero_point;
};

enum dpu_prog_step_kind {
    DPU_PROG_STEP_ACCEL, /* run instructions [first, first + count) on the accelerator */
    DPU_PROG_STEP_CPU,   /* run a model.q8 subgraph on the host */
};
#define DPU_PROG_STEP_KIND_COUNT 2

struct dpu_prog_step {
    enum dpu_prog_step_kind kind;
    char *name; /* for people ("quantize input", "softmax"); may be NULL */
    /* ACCEL: a segment of the stream, ending with its only END. The ACCEL steps, in plan
     * order, tile the instruction stream exactly. */
    uint64_t first, count;
    /* CPU: a serialized model.q8 (dpu/q8.h; opaque here) and the program tensors bound to
     * its graph inputs and outputs, in the subgraph's order (indices into tensors[]). */
    uint8_t *q8;
    size_t q8_len;
    uint32_t *inputs, *outputs;
    size_t n_inputs, n_outputs; /* at most 65535 each */
};

/* Instructions [first, first + count) of the stream. */
struct dpu_prog_range {
    uint64_t first, count;
};

/* One compiled graph node and the instruction ranges it produced (none if it runs on the
 * CPU or was folded away). An instruction belongs to at most one layer. */
struct dpu_prog_layer {
    char *name; /* the graph node's name, non-empty */
    char *op;   /* its op ("Conv", "MaxPool", ...), non-empty */
    struct dpu_prog_range *ranges;
    size_t nranges;
};

struct dpu_program {
    char *preset_name;    /* the preset the program was compiled for */
    uint64_t preset_hash; /* that preset's hash (dpu_preset_compute_hash) */
    uint16_t isa_major, isa_minor;

    dpu_insn *insns; /* the whole instruction stream, every segment */
    size_t ninsns;

    /* Sizes in bytes of the four DDR regions, indexed by enum dpu_region. const_data holds
     * exactly region_size[DPU_REGION_CONST] bytes (NULL when that is 0). */
    uint64_t region_size[DPU_REGION_COUNT];
    uint8_t *const_data;

    struct dpu_prog_tensor *tensors;
    size_t ntensors;
    struct dpu_prog_step *steps; /* the execution plan, in order */
    size_t nsteps;
    struct dpu_prog_layer *layers;
    size_t nlayers;
};

/* Empties p (every field zero). Call before first use; a freed program is also empty. */
void dpu_program_init(struct dpu_program *p);

/* Frees everything p owns and empties it; p may be NULL. */
void dpu_program_free(struct dpu_program *p);

/* --- Building (each copies its arguments; p keeps its previous contents on failure) --- */

/* Stamps preset name, hash and the current ISA version (DPU_ISA_VERSION_MAJOR/MINOR). */
int dpu_program_set_target(struct dpu_program *p, const struct dpu_preset *preset,
                           struct dpu_diag *d);
/* Replaces the instruction stream with a copy of count instructions. */
int dpu_program_set_insns(struct dpu_program *p, const dpu_insn *insns, size_t count,
                          struct dpu_diag *d);
/* Replaces the CONST image with a copy of size bytes (and sets its region size). */
int dpu_program_set_const(struct dpu_program *p, const uint8_t *data, uint64_t size,
                          struct dpu_diag *d);
/* Appends a copy of *t (its name duplicated); *index (if non-NULL) receives its index. */
int dpu_program_add_tensor(struct dpu_program *p, const struct dpu_prog_tensor *t, uint32_t *index,
                           struct dpu_diag *d);
int dpu_program_add_accel_step(struct dpu_program *p, const char *name, uint64_t first,
                               uint64_t count, struct dpu_diag *d);
int dpu_program_add_cpu_step(struct dpu_program *p, const char *name, const uint8_t *q8,
                             size_t q8_len, const uint32_t *inputs, size_t n_inputs,
                             const uint32_t *outputs, size_t n_outputs, struct dpu_diag *d);
int dpu_program_add_layer(struct dpu_program *p, const char *name, const char *op,
                          const struct dpu_prog_range *ranges, size_t nranges, struct dpu_diag *d);

/* --- Files --- */

/* Writes p as an ELF file. The writer writes whatever program it is given (so a broken one
 * can be inspected), refusing only what the format cannot hold (DPU_E_RANGE: a name longer
 * than DPU_PROG_NAME_MAX, a preset name longer than DPU_PROG_PRESET_NAME_MAX, more than 65535
 * bindings, more than 2^32 tensors or records). *bytes is malloc'd and owned by the caller.
 * The output depends only on p: encoding the same program twice gives the same bytes. */
int dpu_program_encode(const struct dpu_program *p, uint8_t **bytes, size_t *len,
                       struct dpu_diag *d);
int dpu_program_write(const char *path, const struct dpu_program *p, struct dpu_diag *d);

/* Reads an ELF prog.bin into p (which is emptied first: its previous contents are not
 * freed). Checks the container and every record (references, sizes, the symbols of the
 * input and output tensors, the encoding of every instruction) but not what
 * dpu_program_validate checks. On failure p is left empty. name is used in messages only. */
int dpu_program_decode(const char *name, const uint8_t *bytes, size_t len, struct dpu_program *p,
                       struct dpu_diag *d);
int dpu_program_read(const char *path, struct dpu_program *p, struct dpu_diag *d);

/* True when bytes start with the ELF magic (the test dpuc uses to tell prog.bin apart). */
bool dpu_program_is_elf(const uint8_t *bytes, size_t len);

/* --- Checks and queries --- */

/* Checks that p can run on expected_preset (or, when that is NULL, on the preset it names):
 * the ISA version (same major; same minor while the major is 0; otherwise not newer), the
 * preset (known and with the generated hash; or, when expected_preset is given, its hash),
 * every instruction (encoding; with the simulator library also field ranges, alignment,
 * on-chip ranges in the preset's buffers and DDR ranges in the regions), the plan (ACCEL
 * segments tile the stream, each ends with its only END, tokens balance per segment: no
 * wait on an empty queue, no queue above token_queue_depth, all empty at END), the tensors
 * (inside their regions, sizes matching shapes and layouts, unique names), the CPU steps'
 * bindings and the layers' ranges. Returns DPU_E_MISMATCH for a wrong version or preset,
 * DPU_E_RANGE for something out of range, DPU_E_INVALID otherwise. */
int dpu_program_validate(const struct dpu_program *p, const struct dpu_preset *expected_preset,
                         struct dpu_diag *d);

/* Sets *layer_of to a malloc'd array of p->ninsns entries (caller frees; NULL when ninsns
 * is 0): the index of the layer each instruction belongs to, or -1. Ranges outside the
 * stream are ignored; where layers overlap the later layer wins. */
int dpu_program_layer_map(const struct dpu_program *p, int32_t **layer_of, struct dpu_diag *d);

/* True when a and b hold the same program, floats compared bit for bit and a NULL string
 * equal to "". Otherwise false, with the first difference described in why (cap bytes, may
 * be NULL). */
bool dpu_program_equal(const struct dpu_program *a, const struct dpu_program *b, char *why,
                       size_t cap);

/* Static names: "input", "output", "internal"; "NCHW", "NHWC"; "accel", "cpu"; "CONST",
 * "INPUT", "OUTPUT", "SCRATCH". "?" for a value outside the enum. */
const char *dpu_prog_role_name(int role);
const char *dpu_prog_layout_name(int layout);
const char *dpu_prog_step_kind_name(int kind);
const char *dpu_prog_region_name(int region);

/* Bytes a tensor of this dtype, shape and layout occupies (see size above), or -1 if the
 * dtype, shape or layout is invalid (NHWC needs rank 4 and cpad >= C) or the size would
 * exceed DPU_TENSOR_MAX_BYTES. */
int64_t dpu_prog_tensor_footprint(const struct dpu_prog_tensor *t);

#endif
