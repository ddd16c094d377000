/* The sample program of prog_sample.h. The instructions are those of the worked example of
 * docs/isa.md section 7 (examples/conv3x3_relu.s), reading the quantized input from
 * SCRATCH (where the CPU quantize step puts it) and saving into OUTPUT at byte 400. */
#include "prog_sample.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/asm.h"

const char prog_sample_asm[] =
    "LOAD buf=WGT region=CONST rows=1 cols=1 bytes=576 ddr_off=0 ddr_row_stride=0 "
    "ddr_col_stride=0 sram_col_stride=576 sram_addr=0 sram_row_stride=0\n"
    "LOAD buf=PARAM region=CONST rows=1 cols=1 bytes=128 ddr_off=576 ddr_row_stride=0 "
    "ddr_col_stride=0 sram_col_stride=128 sram_addr=0 sram_row_stride=0\n"
    "LOAD signal=CONV buf=ACT region=SCRATCH pad_top=1 pad_bottom=1 pad_left=1 pad_right=1 "
    "pad_value=-3 rows=5 cols=5 ddr_off=0 ddr_row_stride=15 ddr_col_stride=3 bytes=3 "
    "sram_col_stride=8 sram_addr=0 sram_row_stride=56\n"
    "CONV wait=LOAD signal=SAVE post=1 kh=3 kw=3 oh=5 ow=5 act_addr=0 act_col_stride=8 "
    "act_row_stride=56 wgt_addr=0 acc_addr=0 param_addr=0 out_zp=-10 out_addr=512 "
    "out_pstride=8 clamp_lo=-10\n"
    "SAVE wait=CONV buf=ACT region=OUTPUT rows=5 cols=5 bytes=4 ddr_off=400 ddr_row_stride=20 "
    "ddr_col_stride=4 sram_col_stride=8 sram_addr=512 sram_row_stride=40\n"
    "END\n";

static void check(int err, const struct dpu_diag *d, const char *what)
{
    if (err) {
        fprintf(stderr, "prog_sample: %s: %s\n", what, dpu_diag_message(d));
        abort();
    }
}

void prog_sample_assemble(const char *text, dpu_insn **insns, size_t *count)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    check(dpu_asm_text("sample.s", text, strlen(text), insns, count, &d), &d, "assembling");
}

static struct dpu_prog_tensor tensor(const char *name, enum dpu_prog_role role,
                                     enum dpu_region region, uint64_t offset, enum dpu_dtype dt,
                                     int64_t c, enum dpu_prog_layout layout)
{
    struct dpu_prog_tensor t;
    memset(&t, 0, sizeof t);
    t.name = (char *)name;
    t.role = role;
    t.region = region;
    t.offset = offset;
    t.dtype = dt;
    t.rank = 4;
    t.dims[0] = 1;
    t.dims[1] = c;
    t.dims[2] = 5;
    t.dims[3] = 5;
    t.layout = layout;
    t.cpad = layout == DPU_PROG_LAYOUT_NHWC ? (uint32_t)c : 0;
    t.size = (uint64_t)dpu_prog_tensor_footprint(&t);
    return t;
}

/* Opaque stand-ins for the model.q8 payloads of the CPU steps: libdpuprog never looks
 * inside, so any bytes do; lengths are not multiples of 16 to exercise the padding. */
static const uint8_t q8_quantize[] = "DPUQ8\r\n\x1a quantize x -> x_q";
static const uint8_t q8_softmax[] = "DPUQ8\r\n\x1a softmax logits -> probs (longer payload)";

void prog_sample_build(struct dpu_program *p)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    dpu_program_init(p);
    check(dpu_program_set_target(p, dpu_preset_find("tiny"), &d), &d, "target");

    dpu_insn *insns;
    size_t n;
    prog_sample_assemble(prog_sample_asm, &insns, &n);
    check(dpu_program_set_insns(p, insns, n, &d), &d, "insns");
    free(insns);

    /* 576 weight bytes, then 8 PARAM records: bias i, M = 2^30, s = 30. */
    uint8_t cst[704];
    for (int i = 0; i < 576; i++)
        cst[i] = (uint8_t)(i * 37 + 11);
    memset(cst + 576, 0, 128);
    for (int r = 0; r < 8; r++) {
        uint8_t *rec = cst + 576 + 16 * r;
        rec[0] = (uint8_t)r;
        rec[7] = 0x40; /* M = 0x40000000, little-endian */
        rec[8] = 30;
    }
    check(dpu_program_set_const(p, cst, sizeof cst, &d), &d, "const");
    p->region_size[DPU_REGION_INPUT] = 300;
    p->region_size[DPU_REGION_OUTPUT] = 500;
    p->region_size[DPU_REGION_SCRATCH] = 128;

    struct dpu_prog_tensor t[4] = {
        tensor("x", DPU_PROG_ROLE_INPUT, DPU_REGION_INPUT, 0, DPU_DT_FLOAT32, 3,
               DPU_PROG_LAYOUT_NCHW),
        tensor("x_q", DPU_PROG_ROLE_INTERNAL, DPU_REGION_SCRATCH, 0, DPU_DT_INT8, 3,
               DPU_PROG_LAYOUT_NHWC),
        tensor("logits", DPU_PROG_ROLE_OUTPUT, DPU_REGION_OUTPUT, 400, DPU_DT_INT8, 4,
               DPU_PROG_LAYOUT_NHWC),
        tensor("probs", DPU_PROG_ROLE_OUTPUT, DPU_REGION_OUTPUT, 0, DPU_DT_FLOAT32, 4,
               DPU_PROG_LAYOUT_NCHW),
    };
    t[1].quantized = true;
    t[1].scale = 0.0235f;
    t[1].zero_point = -3;
    t[2].quantized = true;
    t[2].scale = 0.125f;
    t[2].zero_point = -10;
    for (int i = 0; i < 4; i++)
        check(dpu_program_add_tensor(p, &t[i], NULL, &d), &d, "tensor");

    const uint32_t in0 = 0, out0 = 1, in2 = 2, out2 = 3;
    check(dpu_program_add_cpu_step(p, "quantize", q8_quantize, sizeof q8_quantize, &in0, 1, &out0,
                                   1, &d),
          &d, "cpu step");
    check(dpu_program_add_accel_step(p, "conv1", 0, n, &d), &d, "accel step");
    check(dpu_program_add_cpu_step(p, "softmax", q8_softmax, sizeof q8_softmax, &in2, 1, &out2, 1,
                                   &d),
          &d, "cpu step");

    const struct dpu_prog_range conv[2] = {{0, 2}, {2, 3}};
    check(dpu_program_add_layer(p, "quantize", "QuantizeLinear", NULL, 0, &d), &d, "layer");
    check(dpu_program_add_layer(p, "conv1", "Conv", conv, 2, &d), &d, "layer");
    check(dpu_program_add_layer(p, "softmax", "Softmax", NULL, 0, &d), &d, "layer");
}

void prog_sample_encode(const struct dpu_program *p, uint8_t **bytes, size_t *len)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    check(dpu_program_encode(p, bytes, len, &d), &d, "encoding");
}
