/* Round-trip tests driven by the descriptor tables: for every instruction, random valid
 * encodings must survive disassemble -> assemble and bytes -> instructions -> bytes
 * unchanged, and the canonical text must look as docs/assembly.md specifies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dpu/asm.h"
#include "dpu/bits.h"

enum { PER_OPCODE = 3000, PROGRAM_LEN = 600 };

/* xorshift64*: a fixed seed keeps every run identical, so a failure is reproducible. */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1du;
}

/* A random legal value for f, biased towards the edges where encodings break. */
static uint64_t random_field_bits(const struct dpu_field_desc *f)
{
    uint64_t mask = dpu_mask64(f->width);
    switch (f->kind) {
    case DPU_FIELD_ENUM:
        return (uint64_t)f->enm->vals[rnd() % f->enm->count].value;
    case DPU_FIELD_FLAGS: {
        uint64_t v = 0;
        for (size_t i = 0; i < f->enm->count; i++) {
            if (rnd() & 1)
                v |= (uint64_t)1 << f->enm->vals[i].value;
        }
        return v;
    }
    case DPU_FIELD_U:
    case DPU_FIELD_S:
        break;
    }
    switch (rnd() % 8) {
    case 0:
        return 0;
    case 1:
        return mask; /* unsigned max, or -1 for signed */
    case 2:
        return f->kind == DPU_FIELD_S ? (mask >> 1) : mask - 1; /* signed max */
    case 3:
        return f->kind == DPU_FIELD_S ? (mask ^ (mask >> 1)) : 1; /* signed min */
    case 4:
        return f->has_default ? ((uint64_t)f->def & mask) : 0;
    case 5:
        return (rnd() % 17) & mask;
    default:
        return rnd() & mask;
    }
}

static dpu_insn random_insn(const struct dpu_insn_desc *desc)
{
    dpu_insn insn;
    memset(&insn, 0, sizeof insn);
    for (size_t i = 0; i < desc->nfields; i++) {
        const struct dpu_field_desc *f = &desc->fields[i];
        uint64_t v = strcmp(f->name, "opcode") == 0 ? desc->opcode : random_field_bits(f);
        dpu_bits_set(insn.w, f->lo, f->width, v);
    }
    return insn;
}

static void assert_same_insn(const dpu_insn *a, const dpu_insn *b, const char *text)
{
    if (memcmp(a, b, sizeof *a) != 0) {
        print_error("round trip changed the instruction\n  text: %s\n", text);
        for (unsigned w = 0; w < DPU_INSN_WORDS; w++)
            print_error("  w[%u] %016llx -> %016llx\n", w, (unsigned long long)a->w[w],
                        (unsigned long long)b->w[w]);
        fail();
    }
}

static void reassemble_one(const dpu_insn *insn)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    char line[DPU_DISASM_LINE_MAX];
    assert_int_equal(dpu_insn_validate(insn, 0, &d), DPU_OK);
    int err = dpu_disasm_insn(insn, line, sizeof line, &d);
    if (err)
        print_error("disasm: %s\n", d.msg);
    assert_int_equal(err, DPU_OK);
    dpu_insn *out = NULL;
    size_t n = 0;
    err = dpu_asm_text("rt.s", line, strlen(line), &out, &n, &d);
    if (err)
        print_error("asm of '%s': %s\n", line, d.msg);
    assert_int_equal(err, DPU_OK);
    assert_int_equal(n, 1);
    assert_same_insn(insn, &out[0], line);
    free(out);
}

static void test_every_opcode_random(void **state)
{
    (void)state;
    assert_true(dpu_insn_desc_count >= 10);
    for (size_t k = 0; k < dpu_insn_desc_count; k++) {
        for (int i = 0; i < PER_OPCODE; i++) {
            dpu_insn insn = random_insn(&dpu_insn_descs[k]);
            reassemble_one(&insn);
        }
    }
}

/* Only the required fields written: every default must be encoded exactly as a
 * disassembler that omits it expects. */
static void test_defaults_only(void **state)
{
    (void)state;
    for (size_t k = 0; k < dpu_insn_desc_count; k++) {
        const struct dpu_insn_desc *desc = &dpu_insn_descs[k];
        dpu_insn insn;
        memset(&insn, 0, sizeof insn);
        for (size_t i = 0; i < desc->nfields; i++) {
            const struct dpu_field_desc *f = &desc->fields[i];
            if (strcmp(f->name, "opcode") == 0)
                dpu_bits_set(insn.w, f->lo, f->width, desc->opcode);
            else if (f->has_default)
                dpu_bits_set(insn.w, f->lo, f->width, (uint64_t)f->def);
            else if (f->kind == DPU_FIELD_ENUM)
                dpu_bits_set(insn.w, f->lo, f->width, (uint64_t)f->enm->vals[0].value);
        }
        reassemble_one(&insn);
        /* The line shows no defaulted field: count '=' against the required fields. */
        char line[DPU_DISASM_LINE_MAX];
        assert_int_equal(dpu_disasm_insn(&insn, line, sizeof line, NULL), DPU_OK);
        size_t required = 0, eq = 0;
        for (size_t i = 0; i < desc->nfields; i++)
            required += !desc->fields[i].has_default && strcmp(desc->fields[i].name, "opcode");
        for (const char *p = line; *p; p++)
            eq += *p == '=';
        assert_int_equal(eq, required);
    }
}

/* The longest text each field can produce still fits DPU_DISASM_LINE_MAX. */
static void test_longest_line_fits(void **state)
{
    (void)state;
    for (size_t k = 0; k < dpu_insn_desc_count; k++) {
        const struct dpu_insn_desc *desc = &dpu_insn_descs[k];
        dpu_insn insn;
        memset(&insn, 0, sizeof insn);
        for (size_t i = 0; i < desc->nfields; i++) {
            const struct dpu_field_desc *f = &desc->fields[i];
            uint64_t v = dpu_mask64(f->width);
            if (strcmp(f->name, "opcode") == 0) {
                v = desc->opcode;
            } else if (f->kind == DPU_FIELD_S) {
                v = v ^ (v >> 1); /* the minimum: the longest decimal */
            } else if (f->kind == DPU_FIELD_ENUM) {
                size_t best = 0;
                for (size_t j = 1; j < f->enm->count; j++) {
                    if (strlen(f->enm->vals[j].name) > strlen(f->enm->vals[best].name))
                        best = j;
                }
                v = (uint64_t)f->enm->vals[best].value;
            } else if (f->kind == DPU_FIELD_FLAGS) {
                v = 0;
                for (size_t j = 0; j < f->enm->count; j++)
                    v |= (uint64_t)1 << f->enm->vals[j].value;
            }
            dpu_bits_set(insn.w, f->lo, f->width, v);
        }
        reassemble_one(&insn);
    }
}

/* A whole program of random instructions, as `dpuc disasm` prints it (with index
 * comments), assembles back to the same stream, and the stream survives bytes. */
static void test_program_roundtrip(void **state)
{
    (void)state;
    dpu_insn *prog = calloc(PROGRAM_LEN, sizeof *prog);
    char *text = malloc((size_t)PROGRAM_LEN * (DPU_DISASM_LINE_MAX + 32));
    assert_non_null(prog);
    assert_non_null(text);
    size_t len = 0;
    for (size_t i = 0; i < PROGRAM_LEN; i++) {
        prog[i] = random_insn(&dpu_insn_descs[rnd() % dpu_insn_desc_count]);
        char line[DPU_DISASM_LINE_MAX];
        assert_int_equal(dpu_disasm_insn(&prog[i], line, sizeof line, NULL), DPU_OK);
        len += (size_t)sprintf(text + len, "%s  ; #%zu\n", line, i);
    }
    struct dpu_diag d;
    dpu_diag_clear(&d);
    dpu_insn *back = NULL;
    size_t n = 0;
    assert_int_equal(dpu_asm_text("prog.s", text, len, &back, &n, &d), DPU_OK);
    assert_int_equal(n, PROGRAM_LEN);
    assert_memory_equal(back, prog, PROGRAM_LEN * sizeof *prog);

    uint8_t *bytes = malloc(PROGRAM_LEN * DPU_INSN_BYTES);
    assert_non_null(bytes);
    dpu_insns_to_bytes(prog, PROGRAM_LEN, bytes);
    dpu_insn *decoded = NULL;
    assert_int_equal(dpu_insns_from_bytes(bytes, PROGRAM_LEN * DPU_INSN_BYTES, &decoded, &n, &d),
                     DPU_OK);
    assert_int_equal(n, PROGRAM_LEN);
    assert_memory_equal(decoded, prog, PROGRAM_LEN * sizeof *prog);
    free(decoded);
    free(bytes);
    free(back);
    free(text);
    free(prog);
}

static void expect_canonical(const char *in, const char *want)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    dpu_insn *insns = NULL;
    size_t n = 0;
    int err = dpu_asm_text("c.s", in, strlen(in), &insns, &n, &d);
    if (err)
        print_error("%s\n", d.msg);
    assert_int_equal(err, DPU_OK);
    assert_int_equal(n, 1);
    char line[DPU_DISASM_LINE_MAX];
    assert_int_equal(dpu_disasm_insn(&insns[0], line, sizeof line, &d), DPU_OK);
    assert_string_equal(line, want);
    free(insns);
}

/* The canonical form: upper-case mnemonic, table order, lower-case names, defaults
 * omitted, enums and flags by name, signed in decimal, unsigned > 16 bits in hex. */
static void test_canonical_text(void **state)
{
    (void)state;
    expect_canonical("end", "END");
    expect_canonical("END wait=0 signal=-", "END");
    expect_canonical("sync engine=misc signal=save|Load", "SYNC signal=LOAD|SAVE engine=MISC");
    expect_canonical(
        "CONV clamp_lo=-20 out_pstride=8 out_addr=512 param_addr=5 acc_addr=0 wgt_addr=0 "
        "act_row_stride=64 act_col_stride=8 act_addr=0 ow=6 oh=6 kw=3 kh=3 post=1 stride_h=1 "
        "clamp_hi=127 wait=LOAD|SAVE",
        "CONV wait=LOAD|SAVE post=1 kh=3 kw=3 oh=6 ow=6 act_addr=0x0 act_col_stride=8 "
        "act_row_stride=0x40 wgt_addr=0x0 acc_addr=0 param_addr=5 out_addr=0x200 "
        "out_pstride=8 clamp_lo=-20");
    expect_canonical("LUT in_addr=0b101 out_addr=0X10 len=1048575",
                     "LUT in_addr=0x5 out_addr=0x10 len=0xfffff");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_opcode_random), cmocka_unit_test(test_defaults_only),
        cmocka_unit_test(test_longest_line_fits),   cmocka_unit_test(test_program_roundtrip),
        cmocka_unit_test(test_canonical_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
