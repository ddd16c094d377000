/* prog_make_sample OUT.bin: writes the sample program (prog_sample.h) for the readelf and
 * dpuc command-line tests, after checking that it validates.
 *
 * prog_make_sample --corpus DIR: writes the fuzz seeds of tests/fuzz/corpus/prog (the sample
 * and variants that reach other paths of the reader), e.g. after a format change:
 *   build/tests/prog_make_sample --corpus tests/fuzz/corpus/prog
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prog_sample.h"

static int save(const char *dir, const char *name, const struct dpu_program *p)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_program_write(path, p, &d)) {
        fprintf(stderr, "prog_make_sample: %s\n", dpu_diag_message(&d));
        return 1;
    }
    return 0;
}

/* Two accelerator segments with tokens, and a layer in each. */
static void two_segments(struct dpu_program *p)
{
    prog_sample_build(p);
    dpu_insn *insns;
    size_t n;
    prog_sample_assemble("SYNC engine=LOAD signal=CONV\nSYNC engine=CONV wait=LOAD\nEND\n"
                         "SYNC engine=SAVE signal=MISC\nSYNC engine=MISC wait=SAVE\nEND\n",
                         &insns, &n);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    dpu_program_set_insns(p, insns, n, &d);
    free(insns);
    p->steps[1].count = 3;
    dpu_program_add_accel_step(p, "tail", 3, 3, &d);
    p->layers[1].ranges[0] = (struct dpu_prog_range){0, 2};
    p->layers[1].ranges[1] = (struct dpu_prog_range){3, 2};
}

/* Odd values: a NaN scale, 64-bit offsets, rank 8, a nameless step. */
static void edge_values(struct dpu_program *p)
{
    prog_sample_build(p);
    struct dpu_prog_tensor t;
    memset(&t, 0, sizeof t);
    t.name = "edge";
    t.role = DPU_PROG_ROLE_INTERNAL;
    t.region = DPU_REGION_SCRATCH;
    t.offset = UINT64_MAX;
    t.dtype = DPU_DT_INT32;
    t.rank = DPU_TENSOR_MAX_RANK;
    for (int i = 0; i < t.rank; i++)
        t.dims[i] = i + 1;
    t.quantized = true;
    t.scale = nanf("");
    struct dpu_diag d;
    dpu_diag_clear(&d);
    dpu_program_add_tensor(p, &t, NULL, &d);
    dpu_program_add_accel_step(p, NULL, 6, 0, &d);
}

/* One DWCONV with ISA 0.2's implicit padding (pads on every side, a pad_value), so that
 * mutations reach its fields and dpu_sim_insn_check's rules for them. */
static void dwconv_pads(struct dpu_program *p)
{
    prog_sample_build(p);
    dpu_insn *insns;
    size_t n;
    prog_sample_assemble("DWCONV kh=3 kw=3 stride_h=2 dil_w=2 oh=2 ow=3 nvec=2 act_addr=64 "
                         "act_col_stride=16 act_row_stride=96 wgt_addr=0 param_addr=0 out_zp=1 "
                         "out_addr=4096 out_pstride=16 pad_top=1 pad_bottom=2 pad_left=1 "
                         "pad_right=3 pad_value=-3\nEND\n",
                         &insns, &n);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    dpu_program_set_insns(p, insns, n, &d);
    free(insns);
    p->steps[1].count = n;
    p->layers[1].nranges = 0;
}

static int corpus(const char *dir)
{
    struct dpu_program p;
    int bad = 0;
    prog_sample_build(&p);
    bad |= save(dir, "sample.bin", &p);
    dpu_program_free(&p);

    two_segments(&p);
    bad |= save(dir, "two_segments.bin", &p);
    dpu_program_free(&p);

    edge_values(&p);
    bad |= save(dir, "edge_values.bin", &p);
    dpu_program_free(&p);

    dwconv_pads(&p);
    bad |= save(dir, "dwconv_pads.bin", &p);
    dpu_program_free(&p);

    dpu_program_init(&p); /* nothing but the note */
    struct dpu_diag d;
    dpu_diag_clear(&d);
    dpu_program_set_target(&p, dpu_preset_find("b512"), &d);
    bad |= save(dir, "empty_program.bin", &p);
    dpu_program_free(&p);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--corpus") == 0)
        return corpus(argv[2]);
    if (argc != 2 || argv[1][0] == '-') { /* an option is never an output file name */
        fprintf(stderr, "usage: prog_make_sample OUT.bin | --corpus DIR\n");
        return argc == 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
    }
    struct dpu_program p;
    prog_sample_build(&p);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_program_validate(&p, NULL, &d);
    if (!err)
        err = dpu_program_write(argv[1], &p, &d);
    dpu_program_free(&p);
    if (err) {
        fprintf(stderr, "prog_make_sample: %s\n", dpu_diag_message(&d));
        return 1;
    }
    return 0;
}
