/* Broken prog.bin files: each is made here from the valid sample program (prog_sample.h),
 * either by breaking the program before encoding it or by patching bytes of the encoded file
 * (found with libelf, at the record offsets docs/program-format.md gives), and must be refused
 * by dpu_program_decode or dpu_program_validate with the expected error and a message holding
 * the expected words.
 *
 * The same files are committed in tests/prog/bad/ (seeds for the fuzz target, and a check
 * that files written by an older build are still refused for the same reason). After a
 * deliberate format or ISA change, re-create them with
 *   build/tests/test_prog_bad --write tests/prog/bad
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/fileio.h"
#include "prog_patch.h"
#include "prog_sample.h"

/* --- makers: each returns a malloc'd broken file --- */

static void encode(const struct dpu_program *p, uint8_t **b, size_t *n)
{
    prog_sample_encode(p, b, n);
}

static void sample_bytes(uint8_t **b, size_t *n)
{
    struct dpu_program p;
    prog_sample_build(&p);
    encode(&p, b, n);
    dpu_program_free(&p);
}

static void mk_empty(uint8_t **b, size_t *n)
{
    *b = prog_dup(NULL, 0);
    *n = 0;
}

static void mk_text_file(uint8_t **b, size_t *n)
{
    static const char text[] = "LOAD buf=WGT region=CONST\nEND\n";
    *b = prog_dup((const uint8_t *)text, sizeof text - 1);
    *n = sizeof text - 1;
}

static void mk_truncated_header(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    *n = 40;
}

static void mk_truncated_half(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    *n /= 2;
}

static void mk_truncated_last_byte(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    *n -= 1;
}

static void mk_elfclass32(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    (*b)[EI_CLASS] = ELFCLASS32;
}

static void mk_big_endian(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    (*b)[EI_DATA] = ELFDATA2MSB;
}

static void mk_machine_x86_64(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    prog_poke_u16(*b, offsetof(Elf64_Ehdr, e_machine), EM_X86_64);
}

static void mk_type_exec(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    prog_poke_u16(*b, offsetof(Elf64_Ehdr, e_type), ET_EXEC);
}

/* Renames a section by overwriting its name in .shstrtab (same length). */
static void rename_section(uint8_t *b, size_t n, const char *from, const char *to)
{
    struct prog_section_loc s = prog_find_section(b, n, from);
    memcpy(b + s.name_off, to, strlen(to));
}

static void mk_missing_text(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    rename_section(*b, *n, ".dpu.text", ".dpu.txet");
}

static void mk_duplicate_plan(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    rename_section(*b, *n, ".dpu.bind", ".dpu.plan");
}

/* The note: 12-byte header, "opendpu\0", then the 48-byte descriptor. */
static uint64_t note_desc(const uint8_t *b, size_t n)
{
    return prog_find_section(b, n, ".note.opendpu").offset + 12 + 8;
}

static void mk_note_owner(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    memcpy(*b + prog_find_section(*b, *n, ".note.opendpu").offset + 12, "openDPU", 7);
}

static void mk_format_major(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    prog_poke_u16(*b, note_desc(*b, *n) + 0, 9);
}

static void mk_isa_minor(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    prog_poke_u16(*b, note_desc(*b, *n) + 6, 99);
}

static void mk_preset_hash(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    (*b)[note_desc(*b, *n) + 8] ^= 0x01;
}

static void mk_unknown_preset(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    memcpy(*b + note_desc(*b, *n) + 16, "huge", 4);
}

static void mk_preset_name_unterminated(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    memset(*b + note_desc(*b, *n) + 16, 'a', 32);
}

static void mk_other_preset(uint8_t **b, size_t *n)
{
    struct dpu_program p;
    prog_sample_build(&p);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_program_set_target(&p, dpu_preset_find("b4096"), &d))
        abort();
    encode(&p, b, n);
    dpu_program_free(&p);
}

static void mk_text_size(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    struct prog_section_loc s = prog_find_section(*b, *n, ".dpu.text");
    prog_poke_u64(*b, s.hdr + offsetof(Elf64_Shdr, sh_size), s.size - 1);
}

static void mk_bad_opcode(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    struct prog_section_loc s = prog_find_section(*b, *n, ".dpu.text");
    (*b)[s.offset + 2 * 32] |= 0x3f; /* opcode bits 5:0 of instruction 2 */
}

static void mk_section_past_eof(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    struct prog_section_loc s = prog_find_section(*b, *n, ".dpu.const");
    prog_poke_u64(*b, s.hdr + offsetof(Elf64_Shdr, sh_offset), *n - 100);
}

static void mk_tensors_entsize(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    struct prog_section_loc s = prog_find_section(*b, *n, ".dpu.tensors");
    prog_poke_u64(*b, s.hdr + offsetof(Elf64_Shdr, sh_entsize), 100);
}

static void mk_strtab_no_nul(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    struct prog_section_loc s = prog_find_section(*b, *n, ".dpu.strtab");
    (*b)[s.offset + s.size - 1] = 'x';
}

/* .dpu.tensors records are 104 bytes: name +0, role +4, region +5, dtype +6, layout +7,
 * rank +8, flags +9, offset +16. */
static uint64_t tensor_rec(const uint8_t *b, size_t n, int i)
{
    return prog_find_section(b, n, ".dpu.tensors").offset + 104 * (uint64_t)i;
}

static void mk_tensor_dtype(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    (*b)[tensor_rec(*b, *n, 1) + 6] = 9;
}

static void mk_tensor_flags(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    (*b)[tensor_rec(*b, *n, 2) + 9] |= 0x80;
}

static void mk_tensor_name_offset(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    prog_poke_u32(*b, tensor_rec(*b, *n, 3) + 0, 0xffffff);
}

static void mk_symbol_mismatch(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    uint64_t at = prog_find_symbol(*b, *n, "logits") + offsetof(Elf64_Sym, st_value);
    prog_poke_u64(*b, at, 404);
}

/* .dpu.plan records are 32 bytes: kind +0, name +4, a +8, b +16. */
static void mk_cpu_payload(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    uint64_t rec = prog_find_section(*b, *n, ".dpu.plan").offset + 2 * 32;
    prog_poke_u64(*b, rec + 16, 1u << 20);
}

static void mk_segment_gap(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    uint64_t rec = prog_find_section(*b, *n, ".dpu.plan").offset + 1 * 32;
    prog_poke_u64(*b, rec + 8, 1);
    prog_poke_u64(*b, rec + 16, 5);
}

/* .dpu.ranges records are 16 bytes: first +0, count +8; conv1's are records 0 and 1. */
static void mk_layer_range(uint8_t **b, size_t *n)
{
    sample_bytes(b, n);
    uint64_t rec = prog_find_section(*b, *n, ".dpu.ranges").offset + 1 * 16;
    prog_poke_u64(*b, rec + 8, 100);
}

/* Program-level breakage, encoded as is (the writer writes whatever it is given). */
static void with_stream(const char *text, uint8_t **b, size_t *n)
{
    struct dpu_program p;
    prog_sample_build(&p);
    dpu_insn *insns;
    size_t count;
    prog_sample_assemble(text, &insns, &count);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_program_set_insns(&p, insns, count, &d))
        abort();
    free(insns);
    p.steps[1].count = count;
    p.layers[1].nranges = 0;
    encode(&p, b, n);
    dpu_program_free(&p);
}

static void mk_no_end(uint8_t **b, size_t *n)
{
    struct dpu_program p;
    prog_sample_build(&p);
    p.ninsns = 5;
    p.steps[1].count = 5;
    encode(&p, b, n);
    dpu_program_free(&p);
}

static void mk_token_underflow(uint8_t **b, size_t *n)
{
    with_stream("SYNC engine=CONV wait=LOAD\nEND\n", b, n);
}

static void mk_token_overflow(uint8_t **b, size_t *n)
{
    char text[1024] = "";
    for (int i = 0; i < 9; i++)
        strcat(text, "SYNC engine=LOAD signal=CONV\n");
    for (int i = 0; i < 9; i++)
        strcat(text, "SYNC engine=CONV wait=LOAD\n");
    strcat(text, "END\n");
    with_stream(text, b, n);
}

static void mk_token_leftover(uint8_t **b, size_t *n)
{
    with_stream("SYNC engine=LOAD signal=CONV\nSYNC engine=LOAD signal=SAVE\n"
                "SYNC engine=CONV wait=LOAD\nEND\n",
                b, n);
}

static void mk_tensor_outside(uint8_t **b, size_t *n)
{
    struct dpu_program p;
    prog_sample_build(&p);
    p.tensors[0].offset = 1;
    encode(&p, b, n);
    dpu_program_free(&p);
}

static void mk_binding_range(uint8_t **b, size_t *n)
{
    struct dpu_program p;
    prog_sample_build(&p);
    p.steps[2].outputs[0] = 9;
    encode(&p, b, n);
    dpu_program_free(&p);
}

static void mk_duplicate_tensor(uint8_t **b, size_t *n)
{
    struct dpu_program p;
    prog_sample_build(&p);
    p.tensors[1].name[1] = '\0'; /* "x_q" -> "x" */
    encode(&p, b, n);
    dpu_program_free(&p);
}

struct bad_case {
    const char *name;
    void (*make)(uint8_t **b, size_t *n);
    const char *device; /* preset to validate against, NULL: the one the program names */
    int err;
    const char *keyword;
};

static const struct bad_case cases[] = {
    {"empty", mk_empty, NULL, DPU_E_PARSE, "not an ELF file"},
    {"text_file", mk_text_file, NULL, DPU_E_PARSE, "not an ELF file"},
    {"truncated_header", mk_truncated_header, NULL, DPU_E_PARSE, "truncated ELF header"},
    {"truncated_half", mk_truncated_half, NULL, DPU_E_PARSE, "truncated"},
    {"truncated_last_byte", mk_truncated_last_byte, NULL, DPU_E_PARSE, "truncated"},
    {"elfclass32", mk_elfclass32, NULL, DPU_E_UNSUPPORTED, "ELFCLASS64"},
    {"big_endian", mk_big_endian, NULL, DPU_E_UNSUPPORTED, "little-endian"},
    {"machine_x86_64", mk_machine_x86_64, NULL, DPU_E_UNSUPPORTED, "EM_NONE"},
    {"type_exec", mk_type_exec, NULL, DPU_E_UNSUPPORTED, "ET_REL"},
    {"missing_text", mk_missing_text, NULL, DPU_E_PARSE, "missing section .dpu.text"},
    {"duplicate_plan", mk_duplicate_plan, NULL, DPU_E_PARSE, "duplicate section .dpu.plan"},
    {"note_owner", mk_note_owner, NULL, DPU_E_PARSE, "no note of owner \"opendpu\""},
    {"format_major", mk_format_major, NULL, DPU_E_UNSUPPORTED, "format version 9.0"},
    {"isa_minor", mk_isa_minor, NULL, DPU_E_MISMATCH, "ISA version 0.99"},
    {"preset_hash", mk_preset_hash, NULL, DPU_E_MISMATCH, "preset changed"},
    {"unknown_preset", mk_unknown_preset, NULL, DPU_E_MISMATCH, "unknown preset 'huge'"},
    {"preset_name_unterminated", mk_preset_name_unterminated, NULL, DPU_E_PARSE,
     "not NUL-terminated"},
    {"other_preset", mk_other_preset, "tiny", DPU_E_MISMATCH,
     "built for preset b4096 (hash 0x969f22c2ab297f40) but this device is tiny"},
    {"text_size", mk_text_size, NULL, DPU_E_PARSE, "not a multiple of its 32-byte records"},
    {"bad_opcode", mk_bad_opcode, NULL, DPU_E_PARSE, "instruction 2 (byte 64): unknown opcode"},
    {"section_past_eof", mk_section_past_eof, NULL, DPU_E_PARSE, "section .dpu.const (bytes"},
    {"tensors_entsize", mk_tensors_entsize, NULL, DPU_E_PARSE, "entsize 100"},
    {"strtab_no_nul", mk_strtab_no_nul, NULL, DPU_E_PARSE, "NUL byte"},
    {"tensor_dtype", mk_tensor_dtype, NULL, DPU_E_PARSE, "record 1 (byte"},
    {"tensor_flags", mk_tensor_flags, NULL, DPU_E_PARSE, "reserved bits"},
    {"tensor_name_offset", mk_tensor_name_offset, NULL, DPU_E_PARSE, "string offset outside"},
    {"symbol_mismatch", mk_symbol_mismatch, NULL, DPU_E_PARSE, "symbol table disagrees"},
    {"cpu_payload", mk_cpu_payload, NULL, DPU_E_PARSE, "CPU payload outside .dpu.cpu"},
    {"segment_gap", mk_segment_gap, NULL, DPU_E_INVALID, "must tile the stream"},
    {"layer_range", mk_layer_range, NULL, DPU_E_RANGE, "layer 1 'conv1' (Conv): range 1"},
    {"no_end", mk_no_end, NULL, DPU_E_INVALID, "does not end with END"},
    {"token_underflow", mk_token_underflow, NULL, DPU_E_INVALID,
     "instruction 0 (SYNC): token underflow"},
    {"token_overflow", mk_token_overflow, NULL, DPU_E_INVALID,
     "instruction 8 (SYNC): token overflow"},
    {"token_leftover", mk_token_leftover, NULL, DPU_E_INVALID, "LOAD -> SAVE queue still holds 1"},
    {"tensor_outside", mk_tensor_outside, NULL, DPU_E_RANGE, "tensor 0 'x'"},
    {"binding_range", mk_binding_range, NULL, DPU_E_RANGE, "output binding 0 names tensor 9"},
    {"duplicate_tensor", mk_duplicate_tensor, NULL, DPU_E_INVALID, "two tensors are named 'x'"},
};
#define NCASES (sizeof cases / sizeof cases[0])

/* Reads bytes the way a loader does (decode, then validate) and returns the error. */
static int load(const char *name, const uint8_t *b, size_t n, const char *device,
                struct dpu_diag *d)
{
    struct dpu_program p;
    int err = dpu_program_decode(name, b, n, &p, d);
    if (err) {
        /* A refused file leaves nothing behind. */
        if (p.insns || p.tensors || p.steps || p.layers || p.preset_name || p.ninsns)
            fail_msg("%s: decode failed but left the program non-empty", name);
        return err;
    }
    err = dpu_program_validate(&p, device ? dpu_preset_find(device) : NULL, d);
    dpu_program_free(&p);
    return err;
}

static void check_case(const struct bad_case *c, const char *name, const uint8_t *b, size_t n)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = load(name, b, n, c->device, &d);
    if (err != c->err)
        fail_msg("%s: expected error %d (%s), got %d: %s", name, c->err, dpu_strerror(c->err), err,
                 dpu_diag_message(&d));
    if (!strstr(d.msg, c->keyword))
        fail_msg("%s: message lacks '%s': %s", name, c->keyword, d.msg);
    if (getenv("PROG_BAD_VERBOSE"))
        printf("%-26s %s\n", c->name, d.msg);
}

static void test_generated(void **state)
{
    (void)state;
    assert_true(NCASES >= 15);
    for (size_t i = 0; i < NCASES; i++) {
        uint8_t *b;
        size_t n;
        cases[i].make(&b, &n);
        check_case(&cases[i], cases[i].name, b, n);
        free(b);
    }
}

/* The committed copies are refused for the same reasons. */
static void test_committed(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCASES; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s.bin", PROG_BAD_DIR, cases[i].name);
        struct dpu_diag d;
        dpu_diag_clear(&d);
        uint8_t *b;
        size_t n;
        if (dpu_read_file(path, (size_t)1 << 24, &b, &n, &d))
            fail_msg("%s (re-create with: test_prog_bad --write tests/prog/bad)",
                     dpu_diag_message(&d));
        check_case(&cases[i], path, b, n);
        free(b);
    }
}

static int write_all(const char *dir)
{
    for (size_t i = 0; i < NCASES; i++) {
        uint8_t *b;
        size_t n;
        cases[i].make(&b, &n);
        char path[1024];
        snprintf(path, sizeof path, "%s/%s.bin", dir, cases[i].name);
        struct dpu_diag d;
        dpu_diag_clear(&d);
        int err = dpu_write_file(path, b, n, &d);
        free(b);
        if (err) {
            fprintf(stderr, "%s\n", dpu_diag_message(&d));
            return 1;
        }
    }
    printf("wrote %zu files to %s\n", NCASES, dir);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write") == 0)
        return write_all(argv[2]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generated),
        cmocka_unit_test(test_committed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
