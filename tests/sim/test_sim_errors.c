/* Every errcode the functional simulator reports (isa.md section 5), each from a tiny bad
 * program: the code, the faulting instruction and the fault address are asserted exactly.
 * AXI_ERROR is not among them: the functional simulator has no interconnect to fail.
 *
 * Regions for every case: CONST 704 bytes, INPUT 75, OUTPUT 100, SCRATCH empty. On tiny:
 * ACT and WGT 65536 bytes, PARAM 512 records (8192 bytes), ACC 1024 entries of 8 int32
 * (32768 bytes), token_queue_depth 8. */
#include "sim_test_util.h"

#include <stdlib.h>
#include <string.h>

#include "dpu/bits.h"

static uint8_t cst[704], input[75], output[100];

static struct dpu_sim *sim_with_regions(void)
{
    struct dpu_sim *s = tu_sim("tiny");
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_CONST, cst, sizeof cst), DPU_OK);
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_INPUT, input, sizeof input), DPU_OK);
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_OUTPUT, output, sizeof output), DPU_OK);
    return s;
}

/* Valid building blocks. */
#define LD(extra)                                                                                  \
    "LOAD buf=ACT region=INPUT rows=1 cols=1 bytes=8 ddr_off=0 ddr_row_stride=0 "                  \
    "ddr_col_stride=0 sram_col_stride=8 sram_addr=0 sram_row_stride=0 " extra "\n"
#define CV(extra)                                                                                  \
    "CONV kh=1 kw=1 oh=1 ow=1 act_addr=0 act_col_stride=8 act_row_stride=8 wgt_addr=0 "            \
    "acc_addr=0 " extra "\n"
#define POST "post=1 param_addr=0 out_addr=64 out_pstride=8 "
#define SV(extra)                                                                                  \
    "SAVE buf=ACT region=OUTPUT rows=1 cols=1 bytes=8 ddr_off=0 ddr_row_stride=0 "                 \
    "ddr_col_stride=0 sram_col_stride=8 sram_addr=0 sram_row_stride=0 " extra "\n"
#define PL(extra)                                                                                  \
    "POOL mode=MAX kh=1 kw=1 oh=1 ow=1 in_addr=0 in_row_stride=8 in_col_stride=8 out_addr=64 "     \
    "out_pstride=8 param_addr=0 valid_h=1 valid_w=1 " extra "\n"
#define EW(extra) "ELTW op=ADD a_addr=0 b_addr=8 len=8 out_addr=16 param_addr=0 " extra "\n"
#define DW(extra)                                                                                  \
    "DWCONV kh=1 kw=1 oh=1 ow=1 act_addr=0 act_col_stride=8 act_row_stride=8 wgt_addr=0 "          \
    "param_addr=0 out_addr=64 out_pstride=8 " extra "\n"
#define END "END\n"

/* The cases below write a valid instruction and then the fields they break: within a line a
 * later `field=value` replaces an earlier one (the assembler itself refuses duplicates). */
static char *last_field_wins(const char *text)
{
    size_t cap = strlen(text) + 1;
    char *out = calloc(cap, 1);
    assert_non_null(out);
    const char *line = text;
    while (*line) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        char buf[1024];
        assert_true(len < sizeof buf);
        memcpy(buf, line, len);
        buf[len] = '\0';
        /* Split into words; keep the first position of each key with its last value. */
        char *words[64];
        size_t nw = 0;
        for (char *w = strtok(buf, " "); w; w = strtok(NULL, " ")) {
            char *eq = strchr(w, '=');
            size_t klen = eq ? (size_t)(eq - w) : 0;
            size_t k = 0;
            for (; eq && k < nw; k++)
                if (strncmp(words[k], w, klen + 1) == 0)
                    break;
            if (eq && k < nw)
                words[k] = w;
            else {
                assert_true(nw < NELEM(words));
                words[nw++] = w;
            }
        }
        for (size_t k = 0; k < nw; k++) {
            strcat(out, words[k]);
            strcat(out, k + 1 < nw ? " " : "");
        }
        strcat(out, "\n");
        line = eol ? eol + 1 : line + len;
    }
    return out;
}

static void run_fault(struct dpu_sim *s, const char *text, unsigned code, size_t insn,
                      uint64_t addr)
{
    char *t = last_field_wins(text);
    tu_run_fault(s, t, code, insn, addr);
    free(t);
}

static void run_ok(struct dpu_sim *s, const char *text)
{
    char *t = last_field_wins(text);
    tu_run_ok(s, t, NULL);
    free(t);
}

static dpu_insn *asm_or_die(const char *text, size_t *n)
{
    char *t = last_field_wins(text);
    dpu_insn *p = tu_asm(t, n);
    free(t);
    return p;
}

struct bad {
    const char *name;
    const char *text;
    unsigned code;
    size_t insn;
    uint64_t addr;
};

static const struct bad cases[] = {
    /* ---- BAD_FIELD: tokens ---- */
    {"wait names own engine", LD("wait=LOAD") END, DPU_ERRCODE_BAD_FIELD, 0, 6},
    {"signal names own engine", CV("signal=CONV") END, DPU_ERRCODE_BAD_FIELD, 0, 10},
    {"SYNC waits on its engine", "SYNC engine=MISC wait=MISC\n" END, DPU_ERRCODE_BAD_FIELD, 0, 6},
    {"SYNC signals its engine", "SYNC engine=SAVE signal=SAVE\n" END, DPU_ERRCODE_BAD_FIELD, 0, 10},
    {"END waits", "END wait=LOAD\n", DPU_ERRCODE_BAD_FIELD, 0, 6},
    {"END signals", "SYNC engine=LOAD\nEND signal=SAVE\n", DPU_ERRCODE_BAD_FIELD, 1, 10},
    {"END not last", END LD(""), DPU_ERRCODE_BAD_FIELD, 0, 0},
    /* ---- BAD_FIELD: ranges ---- */
    {"LOAD rows 0", LD("rows=0") END, DPU_ERRCODE_BAD_FIELD, 0, 43},
    {"LOAD bytes > slot", LD("bytes=9") END, DPU_ERRCODE_BAD_FIELD, 0, 184},
    {"SAVE cols 0", SV("cols=0") END, DPU_ERRCODE_BAD_FIELD, 0, 29},
    {"CONV kh 0", CV("kh=0") END, DPU_ERRCODE_BAD_FIELD, 0, 17},
    {"CONV dil_w 0", CV("dil_w=0") END, DPU_ERRCODE_BAD_FIELD, 0, 34},
    {"POOL valid_w 0", PL("valid_w=0") END, DPU_ERRCODE_BAD_FIELD, 0, 210},
    {"POOL nvec 0", PL("nvec=0") END, DPU_ERRCODE_BAD_FIELD, 0, 166},
    {"ELTW len 0", EW("len=0") END, DPU_ERRCODE_BAD_FIELD, 0, 108},
    {"DWCONV nvec 0", DW("nvec=0") END, DPU_ERRCODE_BAD_FIELD, 0, 55},
    {"LUT len 0", "LUTLD src_addr=0\nLUT in_addr=0 out_addr=0 len=0\n" END, DPU_ERRCODE_BAD_FIELD,
     1, 108},
    {"CONV clamp", CV(POST "clamp_lo=5 clamp_hi=4") END, DPU_ERRCODE_BAD_FIELD, 0, 230},
    {"ELTW clamp", EW("clamp_lo=1 clamp_hi=0") END, DPU_ERRCODE_BAD_FIELD, 0, 40},
    {"DWCONV clamp", DW("clamp_lo=0 clamp_hi=-1") END, DPU_ERRCODE_BAD_FIELD, 0, 174},
    {"SAVE into CONST", SV("region=CONST") END, DPU_ERRCODE_BAD_FIELD, 0, 16},
    /* ---- BAD_FIELD: alignment (R = C = 8) ---- */
    {"CONV act_addr", CV("act_addr=4") END, DPU_ERRCODE_BAD_FIELD, 0, 64},
    {"CONV wgt_addr", CV("wgt_addr=4") END, DPU_ERRCODE_BAD_FIELD, 0, 128},
    {"CONV out_addr", CV(POST "out_addr=65") END, DPU_ERRCODE_BAD_FIELD, 0, 192},
    {"POOL in_row_stride", PL("in_row_stride=12") END, DPU_ERRCODE_BAD_FIELD, 0, 86},
    {"ELTW b_addr", EW("b_addr=9") END, DPU_ERRCODE_BAD_FIELD, 0, 86},
    {"DWCONV wgt_addr", DW("wgt_addr=4") END, DPU_ERRCODE_BAD_FIELD, 0, 128},
    {"LUTLD src_addr", "LUTLD src_addr=3\n" END, DPU_ERRCODE_BAD_FIELD, 0, 64},
    /* ---- BAD_FIELD: overlap rules ---- */
    {"LOAD rows overlap on chip", LD("rows=2 sram_row_stride=7") END, DPU_ERRCODE_BAD_FIELD, 0,
     230},
    {"SAVE DDR columns overlap", SV("cols=2 bytes=4 ddr_col_stride=3") END, DPU_ERRCODE_BAD_FIELD,
     0, 160},
    {"CONV output over input", CV(POST "out_addr=0") END, DPU_ERRCODE_BAD_FIELD, 0, 192},
    {"CONV out_pstride < C", CV(POST "oh=2 out_pstride=0") END, DPU_ERRCODE_BAD_FIELD, 0, 214},
    {"POOL out_pstride < nvec*R", PL("nvec=2 ow=2 out_pstride=8") END, DPU_ERRCODE_BAD_FIELD, 0,
     150},
    {"POOL output over input", PL("out_addr=0") END, DPU_ERRCODE_BAD_FIELD, 0, 128},
    {"ELTW partial overlap", EW("len=16 out_addr=8 b_addr=32") END, DPU_ERRCODE_BAD_FIELD, 0, 128},
    {"DWCONV output over input", DW("out_addr=0") END, DPU_ERRCODE_BAD_FIELD, 0, 192},
    {"LUT partial overlap", "LUTLD src_addr=0\nLUT in_addr=0 out_addr=8 len=9\n" END,
     DPU_ERRCODE_BAD_FIELD, 1, 86},
    /* ---- BAD_FIELD: the LUT read before any LUTLD in the stream ---- */
    {"CONV lut without post", CV("lut=1") END, DPU_ERRCODE_BAD_FIELD, 0, 16},
    {"CONV lut before LUTLD", CV(POST "lut=1") "LUTLD src_addr=0\n" END, DPU_ERRCODE_BAD_FIELD, 0,
     16},
    {"ELTW lut before LUTLD", EW("lut=1") END, DPU_ERRCODE_BAD_FIELD, 0, 15},
    {"DWCONV lut before LUTLD", DW("lut=1") END, DPU_ERRCODE_BAD_FIELD, 0, 14},
    {"DWCONV pads cover every row", DW("kh=3 pad_top=2 pad_bottom=1") END, DPU_ERRCODE_BAD_FIELD, 0,
     230},
    {"DWCONV pads cover every column", DW("kw=2 stride_w=3 pad_left=1 pad_right=1") END,
     DPU_ERRCODE_BAD_FIELD, 0, 238},
    {"LUT before LUTLD", "LUT in_addr=0 out_addr=0 len=1\n" END, DPU_ERRCODE_BAD_FIELD, 0, 0},
    /* ---- SRAM_RANGE: the highest address of the extent, in the field's unit ---- */
    {"LOAD beyond ACT", LD("sram_addr=65532") END, DPU_ERRCODE_SRAM_RANGE, 0, 65539},
    {"LOAD beyond ACC bytes", LD("buf=ACC sram_addr=32764") END, DPU_ERRCODE_SRAM_RANGE, 0, 32771},
    {"LOAD padded box beyond PARAM",
     LD("buf=PARAM pad_bottom=2 rows=1 sram_row_stride=8 "
        "sram_addr=8176") END,
     DPU_ERRCODE_SRAM_RANGE, 0, 8199},
    {"SAVE from ACC beyond", SV("buf=ACC sram_addr=32761") END, DPU_ERRCODE_SRAM_RANGE, 0, 32768},
    {"CONV input beyond ACT", CV("act_addr=65528 oh=2 act_row_stride=8") END,
     DPU_ERRCODE_SRAM_RANGE, 0, 65543},
    {"CONV weights beyond WGT", CV("kh=3 kw=3 oh=1 act_row_stride=64 wgt_addr=65024") END,
     DPU_ERRCODE_SRAM_RANGE, 0, 65599},
    {"CONV ACC entries", CV("ow=5 acc_addr=1020 act_col_stride=8") END, DPU_ERRCODE_SRAM_RANGE, 0,
     1024},
    {"CONV PARAM records", CV(POST "param_addr=510") END, DPU_ERRCODE_SRAM_RANGE, 0, 517},
    {"CONV output beyond ACT", CV(POST "oh=2 out_addr=65528") END, DPU_ERRCODE_SRAM_RANGE, 0,
     65543},
    {"POOL param", PL("param_addr=512") END, DPU_ERRCODE_SRAM_RANGE, 0, 512},
    {"ELTW ADD needs two records", EW("param_addr=511") END, DPU_ERRCODE_SRAM_RANGE, 0, 512},
    {"ELTW a beyond ACT", EW("a_addr=65528 len=9 b_addr=0 out_addr=16") END, DPU_ERRCODE_SRAM_RANGE,
     0, 65536},
    {"DWCONV records", DW("nvec=2 out_pstride=16 param_addr=500") END, DPU_ERRCODE_SRAM_RANGE, 0,
     515},
    /* implicit padding: only the stored 2 x 2 rectangle counts (its last byte 65551) */
    {"DWCONV stored rectangle beyond ACT",
     DW("kh=3 kw=3 pad_top=1 pad_left=1 act_addr=65528 act_row_stride=8") END,
     DPU_ERRCODE_SRAM_RANGE, 0, 65551},
    {"LUTLD beyond ACT", "LUTLD src_addr=65288\n" END, DPU_ERRCODE_SRAM_RANGE, 0, 65543},
    /* ---- DDR_RANGE: the highest offset the instruction would access ---- */
    {"LOAD beyond INPUT",
     LD("rows=5 cols=5 bytes=4 ddr_row_stride=15 ddr_col_stride=3 sram_col_stride=8 "
        "sram_row_stride=40") END,
     DPU_ERRCODE_DDR_RANGE, 0, 75},
    {"LOAD offset wraps 2^64",
     LD("ddr_off=0xfffffffffffffff0 bytes=8 rows=3 ddr_row_stride=8 "
        "sram_row_stride=8") END,
     DPU_ERRCODE_DDR_RANGE, 0, UINT64_MAX},
    {"SAVE into empty SCRATCH", SV("region=SCRATCH ddr_off=3") END, DPU_ERRCODE_DDR_RANGE, 0, 10},
    {"SAVE beyond OUTPUT", SV("ddr_off=93") END, DPU_ERRCODE_DDR_RANGE, 0, 100},
    /* ---- priority: BAD_FIELD before SRAM_RANGE before DDR_RANGE ---- */
    {"BAD_FIELD beats SRAM_RANGE", LD("sram_addr=65532 rows=2 sram_row_stride=1") END,
     DPU_ERRCODE_BAD_FIELD, 0, 230},
    {"SRAM_RANGE beats DDR_RANGE", LD("sram_addr=65532 ddr_off=70") END, DPU_ERRCODE_SRAM_RANGE, 0,
     65539},
    /* ---- tokens ---- */
    {"wait with nothing signalled", LD("") CV("wait=LOAD") END, DPU_ERRCODE_TOKEN_UNDERFLOW, 1, 0},
    {"wait for a later signal", CV("wait=LOAD") LD("signal=CONV") END, DPU_ERRCODE_TOKEN_UNDERFLOW,
     0, 0},
    {"ninth signal into a queue of 8",
     "SYNC engine=LOAD signal=CONV\nSYNC engine=LOAD signal=CONV\nSYNC engine=LOAD signal=CONV\n"
     "SYNC engine=LOAD signal=CONV\nSYNC engine=LOAD signal=CONV\nSYNC engine=LOAD signal=CONV\n"
     "SYNC engine=LOAD signal=CONV\nSYNC engine=LOAD signal=CONV\nSYNC engine=LOAD signal=CONV\n"
     "SYNC engine=CONV wait=LOAD\n" END,
     DPU_ERRCODE_TOKEN_OVERFLOW, 8, 0},
    {"token left at END", LD("signal=SAVE") SV("") END, DPU_ERRCODE_TOKEN_OVERFLOW, 2, 0},
    /* ---- MISSING_END: FAULT_INSN is the instruction count ---- */
    {"no END", LD("") SV(""), DPU_ERRCODE_MISSING_END, 2, 0},
    {"empty program", "", DPU_ERRCODE_MISSING_END, 0, 0},
    /* ---- first fault in stream order ---- */
    {"earliest fault wins", LD("") CV("kh=0") LD("rows=0") END, DPU_ERRCODE_BAD_FIELD, 1, 17},
};

static void test_bad_programs(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(cases); i++) {
        print_message("case: %s\n", cases[i].name);
        struct dpu_sim *s = sim_with_regions();
        run_fault(s, cases[i].text, cases[i].code, cases[i].insn, cases[i].addr);
        dpu_sim_destroy(s);
    }
}

/* PARAM contents are data: checked when the instruction executes, at the record's byte
 * address in PARAM. */
static void test_bad_param(void **state)
{
    (void)state;
    struct dpu_sim *s = sim_with_regions();
    /* CONV post uses records 0..7; record 3 has M < 0. */
    for (int q = 0; q < 8; q++)
        tu_param(s, q, 0, 1, 62);
    tu_param(s, 3, 0, -1, 0);
    run_fault(s, LD("") CV(POST) END, DPU_ERRCODE_BAD_PARAM, 1, 48);
    /* s = 63 is out of range for CONV. */
    tu_param(s, 3, 0, 1, 63);
    run_fault(s, CV(POST) END, DPU_ERRCODE_BAD_PARAM, 0, 48);
    /* s = -1 as well. */
    tu_param(s, 3, 0, 1, -1);
    run_fault(s, CV(POST) END, DPU_ERRCODE_BAD_PARAM, 0, 48);
    tu_param(s, 3, 0, 1, 62);
    run_ok(s, CV(POST) END);

    /* POOL allows shifts up to 31 only. */
    tu_param(s, 20, 0, 1, 31);
    run_ok(s, PL("param_addr=20") END);
    tu_param(s, 20, 0, 1, 32);
    run_fault(s, PL("param_addr=20") END, DPU_ERRCODE_BAD_PARAM, 0, 320);

    /* ELTW ADD: M1 of the second record must be >= 0; its shift is ignored. */
    tu_param(s, 30, 0, 1, 1);
    tu_param(s, 31, 0, -5, 99);
    run_fault(s, EW("param_addr=30") END, DPU_ERRCODE_BAD_PARAM, 0, 496);
    tu_param(s, 31, 0, 5, 99);
    run_ok(s, EW("param_addr=30") END);
    /* ... and MUL reads only the first. */
    tu_param(s, 31, 0, -5, 99);
    run_ok(s, EW("op=MUL param_addr=30") END);

    /* DWCONV: every one of its nvec*R records; record 40 + 9 is bad. */
    for (int q = 40; q < 56; q++)
        tu_param(s, q, 0, 1, 0);
    tu_param(s, 49, 0, 1, 70);
    run_fault(s, DW("nvec=2 out_pstride=16 param_addr=40") END, DPU_ERRCODE_BAD_PARAM, 0, 16 * 49);
    dpu_sim_destroy(s);
}

/* Encodings the assembler cannot write: an undefined opcode, reserved bits, undefined enum
 * values. BAD_OPCODE reports address 0; a reserved bit its own position; an enum its field. */
static void test_bad_encodings(void **state)
{
    (void)state;
    struct dpu_sim *s = sim_with_regions();
    size_t n;
    dpu_insn *p = asm_or_die(LD("") LD("") END, &n);
    assert_int_equal(n, 3);

    dpu_insn keep = p[1];
    p[1].w[0] = (p[1].w[0] & ~UINT64_C(0x3f)) | 0x3f; /* opcode 0x3f */
    tu_run_insns_fault(s, p, n, DPU_ERRCODE_BAD_OPCODE, 1, 0);
    memset(&p[1], 0, sizeof p[1]); /* zeroed memory never decodes */
    tu_run_insns_fault(s, p, n, DPU_ERRCODE_BAD_OPCODE, 1, 0);

    p[1] = keep;
    p[1].w[3] |= UINT64_C(1) << (250 - 192); /* LOAD uses bits up to 249 */
    tu_run_insns_fault(s, p, n, DPU_ERRCODE_BAD_FIELD, 1, 250);

    p[1] = keep;
    dpu_bits_set(p[1].w, DPU_LOAD_REGION_LO, DPU_LOAD_REGION_WIDTH, 5);
    tu_run_insns_fault(s, p, n, DPU_ERRCODE_BAD_FIELD, 1, 16);
    free(p);

    p = asm_or_die(SV("") END, &n);
    dpu_bits_set(p[0].w, DPU_SAVE_BUF_LO, DPU_SAVE_BUF_WIDTH, DPU_BUF_WGT); /* not a savebuf */
    tu_run_insns_fault(s, p, n, DPU_ERRCODE_BAD_FIELD, 0, 14);
    free(p);

    p = asm_or_die("SYNC engine=LOAD\n" END, &n);
    p[0].w[0] |= UINT64_C(1) << 16;
    tu_run_insns_fault(s, p, n, DPU_ERRCODE_BAD_FIELD, 0, 16);
    free(p);
    dpu_sim_destroy(s);
}

/* The loader's entry point: one instruction, no program. It sees the region sizes it is
 * given and does not know about LUTLD (a reader of the LUT passes). */
static void test_insn_check(void **state)
{
    (void)state;
    const struct dpu_preset *p = dpu_preset_find("tiny");
    const uint64_t sizes[DPU_REGION_COUNT] = {704, 75, 100, 0};
    size_t n;
    dpu_insn *in = asm_or_die(LD("rows=5 cols=5 bytes=3 ddr_row_stride=15 ddr_col_stride=3 "
                                 "sram_row_stride=40") CV(POST "lut=1") END,
                              &n);
    struct dpu_sim_fault f;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_sim_insn_check(p, &in[0], 7, sizes, &f, &d), DPU_OK);
    assert_int_equal(f.errcode, DPU_ERRCODE_NONE);
    assert_int_equal(dpu_sim_insn_check(p, &in[1], 8, sizes, &f, &d), DPU_OK);
    assert_int_equal(dpu_sim_insn_check(p, &in[2], 9, sizes, NULL, &d), DPU_OK);

    /* With a 74-byte INPUT the LOAD's last byte (74) is out of range. */
    const uint64_t small[DPU_REGION_COUNT] = {704, 74, 100, 0};
    assert_int_equal(dpu_sim_insn_check(p, &in[0], 7, small, &f, &d), DPU_E_INVALID);
    assert_int_equal(f.errcode, DPU_ERRCODE_DDR_RANGE);
    assert_int_equal(f.insn, 7);
    assert_int_equal(f.addr, 74);
    assert_string_equal(f.field, "ddr_off");
    assert_non_null(strstr(d.msg, "instruction 7 (LOAD): DDR_RANGE"));

    /* A preset that breaks its own rules (R = 0 would divide by zero) is refused. */
    struct dpu_preset broken = *p;
    broken.array_rows = 0;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_sim_insn_check(&broken, &in[1], 0, sizes, &f, &d), DPU_E_INVALID);
    assert_non_null(strstr(d.msg, "array_rows"));
    free(in);

    in = asm_or_die(CV("act_addr=3"), &n);
    dpu_diag_clear(&d);
    assert_int_equal(dpu_sim_insn_check(p, in, 0, sizes, &f, &d), DPU_E_INVALID);
    assert_int_equal(f.errcode, DPU_ERRCODE_BAD_FIELD);
    assert_int_equal(f.addr, 64);
    assert_string_equal(f.field, "act_addr");
    assert_non_null(strstr(d.msg, "act_addr"));
    assert_non_null(strstr(d.msg, "multiple"));
    free(in);
}

static void test_api_misuse(void **state)
{
    (void)state;
    struct dpu_sim *s = tu_sim("tiny");
    uint8_t b[4];
    assert_int_equal(dpu_sim_set_region(s, 4, b, 4), DPU_E_INVALID);
    assert_int_equal(dpu_sim_set_region(s, -1, b, 4), DPU_E_INVALID);
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_INPUT, NULL, 4), DPU_E_INVALID);
    assert_int_equal(dpu_sim_set_region(s, DPU_REGION_INPUT, NULL, 0), DPU_OK);
    uint8_t *data;
    uint64_t size;
    assert_int_equal(dpu_sim_buffer(s, 5, &data, &size), DPU_E_INVALID);
    assert_int_equal(dpu_sim_buffer(s, DPU_SIM_BUF_LUT, &data, &size), DPU_OK);
    assert_int_equal(size, 256);
    assert_int_equal(dpu_sim_buffer(s, DPU_BUF_ACC, &data, &size), DPU_OK);
    assert_int_equal(size, 4 * 8 * 1024);
    assert_int_equal(dpu_sim_buffer(s, DPU_BUF_PARAM, &data, &size), DPU_OK);
    assert_int_equal(size, 16 * 512);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_sim_run(s, NULL, 1, &(struct dpu_sim_status){0}, &d), DPU_E_INVALID);
    dpu_sim_destroy(s);
    dpu_sim_destroy(NULL);

    /* A preset that fails its own checks is refused. */
    struct dpu_preset bad = *dpu_preset_find("tiny");
    bad.array_rows = 3;
    struct dpu_sim *none = (struct dpu_sim *)1;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_sim_create(&bad, &none, &d), DPU_E_RANGE);
    assert_null(none);
    assert_non_null(strstr(d.msg, "array_rows"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_programs),  cmocka_unit_test(test_bad_param),
        cmocka_unit_test(test_bad_encodings), cmocka_unit_test(test_insn_check),
        cmocka_unit_test(test_api_misuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
