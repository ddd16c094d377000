/* prog.bin round trips: every field survives encode -> decode and write -> read, re-encoding
 * a decoded file gives the same bytes, and the ELF file has the sections, note and symbols
 * docs/program-format.md promises (checked through libelf, independently of the reader). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <gelf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/asm.h"
#include "dpu/presets_gen.h"
#include "prog_patch.h"
#include "prog_sample.h"

static void decode_ok(const uint8_t *bytes, size_t len, struct dpu_program *p)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_program_decode("t.bin", bytes, len, p, &d);
    if (err)
        fail_msg("decode: %s", dpu_diag_message(&d));
}

static void assert_equal(const struct dpu_program *a, const struct dpu_program *b)
{
    char why[256];
    if (!dpu_program_equal(a, b, why, sizeof why))
        fail_msg("programs differ: %s", why);
}

/* Field by field, so that a bug in dpu_program_equal cannot hide a lost field. */
static void assert_sample_fields(const struct dpu_program *p)
{
    assert_string_equal(p->preset_name, "tiny");
    assert_true(p->preset_hash == DPU_PRESET_TINY_HASH);
    assert_int_equal(p->isa_major, DPU_ISA_VERSION_MAJOR);
    assert_int_equal(p->isa_minor, DPU_ISA_VERSION_MINOR);
    dpu_insn *insns;
    size_t n;
    prog_sample_assemble(prog_sample_asm, &insns, &n);
    assert_int_equal(p->ninsns, n);
    assert_memory_equal(p->insns, insns, n * sizeof *insns);
    free(insns);
    assert_int_equal(p->region_size[DPU_REGION_CONST], 704);
    assert_int_equal(p->region_size[DPU_REGION_INPUT], 300);
    assert_int_equal(p->region_size[DPU_REGION_OUTPUT], 500);
    assert_int_equal(p->region_size[DPU_REGION_SCRATCH], 128);
    assert_int_equal(p->const_data[1], (uint8_t)(37 + 11));
    assert_int_equal(p->const_data[576 + 16 + 7], 0x40);

    assert_int_equal(p->ntensors, 4);
    const struct dpu_prog_tensor *q = &p->tensors[1];
    assert_string_equal(q->name, "x_q");
    assert_int_equal(q->role, DPU_PROG_ROLE_INTERNAL);
    assert_int_equal(q->region, DPU_REGION_SCRATCH);
    assert_int_equal(q->offset, 0);
    assert_int_equal(q->size, 75);
    assert_int_equal(q->dtype, DPU_DT_INT8);
    assert_int_equal(q->rank, 4);
    assert_int_equal(q->dims[1], 3);
    assert_int_equal(q->dims[3], 5);
    assert_int_equal(q->layout, DPU_PROG_LAYOUT_NHWC);
    assert_int_equal(q->cpad, 3);
    assert_true(q->quantized);
    assert_true(q->scale == 0.0235f);
    assert_int_equal(q->zero_point, -3);
    assert_string_equal(p->tensors[2].name, "logits");
    assert_int_equal(p->tensors[2].offset, 400);
    assert_int_equal(p->tensors[3].role, DPU_PROG_ROLE_OUTPUT);
    assert_false(p->tensors[3].quantized);

    assert_int_equal(p->nsteps, 3);
    assert_int_equal(p->steps[0].kind, DPU_PROG_STEP_CPU);
    assert_string_equal(p->steps[0].name, "quantize");
    assert_int_equal(p->steps[0].n_inputs, 1);
    assert_int_equal(p->steps[0].inputs[0], 0);
    assert_int_equal(p->steps[0].outputs[0], 1);
    assert_memory_equal(p->steps[2].q8, "DPUQ8\r\n\x1a softmax", 16);
    assert_int_equal(p->steps[1].kind, DPU_PROG_STEP_ACCEL);
    assert_int_equal(p->steps[1].first, 0);
    assert_int_equal(p->steps[1].count, 6);

    assert_int_equal(p->nlayers, 3);
    assert_string_equal(p->layers[1].name, "conv1");
    assert_string_equal(p->layers[1].op, "Conv");
    assert_int_equal(p->layers[1].nranges, 2);
    assert_int_equal(p->layers[1].ranges[1].first, 2);
    assert_int_equal(p->layers[1].ranges[1].count, 3);
    assert_int_equal(p->layers[0].nranges, 0);
}

static void test_sample_validates(void **state)
{
    (void)state;
    struct dpu_program p;
    prog_sample_build(&p);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_program_validate(&p, NULL, &d);
    if (err)
        fail_msg("%s", dpu_diag_message(&d));
    assert_int_equal(dpu_program_validate(&p, dpu_preset_find("tiny"), &d), DPU_OK);
    dpu_program_free(&p);
}

static void test_encode_decode_every_field(void **state)
{
    (void)state;
    struct dpu_program p, back;
    prog_sample_build(&p);
    uint8_t *bytes;
    size_t len;
    prog_sample_encode(&p, &bytes, &len);
    decode_ok(bytes, len, &back);
    assert_sample_fields(&back);
    assert_equal(&p, &back);
    free(bytes);
    dpu_program_free(&back);
    dpu_program_free(&p);
}

static void test_reencode_is_identical(void **state)
{
    (void)state;
    struct dpu_program p, back;
    prog_sample_build(&p);
    uint8_t *a, *b, *c;
    size_t alen, blen, clen;
    prog_sample_encode(&p, &a, &alen);
    prog_sample_encode(&p, &c, &clen); /* the same program twice: the same bytes */
    assert_int_equal(alen, clen);
    assert_memory_equal(a, c, alen);
    decode_ok(a, alen, &back);
    prog_sample_encode(&back, &b, &blen);
    assert_int_equal(alen, blen);
    assert_memory_equal(a, b, alen);
    free(a);
    free(b);
    free(c);
    dpu_program_free(&back);
    dpu_program_free(&p);
}

static void test_write_read_file(void **state)
{
    (void)state;
    struct dpu_program p, back;
    prog_sample_build(&p);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    const char *path = PROG_WORK_DIR "/roundtrip.bin";
    assert_int_equal(dpu_program_write(path, &p, &d), DPU_OK);
    int err = dpu_program_read(path, &back, &d);
    if (err)
        fail_msg("%s", dpu_diag_message(&d));
    assert_sample_fields(&back);
    assert_equal(&p, &back);
    dpu_program_free(&back);
    dpu_program_free(&p);

    dpu_diag_clear(&d);
    assert_int_equal(dpu_program_read(PROG_WORK_DIR "/no-such-file.bin", &back, &d), DPU_E_IO);
    assert_non_null(strstr(d.msg, "no-such-file.bin"));
    assert_null(back.tensors);
}

/* The ELF container, read with libelf: what readelf and a loader see. */
static void test_elf_layout(void **state)
{
    (void)state;
    struct dpu_program p;
    prog_sample_build(&p);
    uint8_t *bytes;
    size_t len;
    prog_sample_encode(&p, &bytes, &len);
    assert_true(dpu_program_is_elf(bytes, len));
    assert_int_equal(bytes[EI_CLASS], ELFCLASS64);
    assert_int_equal(bytes[EI_DATA], ELFDATA2LSB);

    assert_int_equal(elf_version(EV_CURRENT) != EV_NONE, 1);
    uint8_t *copy = prog_dup(bytes, len);
    Elf *e = elf_memory((char *)copy, len);
    assert_non_null(e);
    GElf_Ehdr eh;
    assert_non_null(gelf_getehdr(e, &eh));
    assert_int_equal(eh.e_type, ET_REL);
    assert_int_equal(eh.e_machine, EM_NONE);

    struct prog_section_loc text = prog_find_section(bytes, len, ".dpu.text");
    assert_int_equal(text.size, 6 * DPU_INSN_BYTES);
    assert_int_equal(text.offset % 32, 0);
    GElf_Shdr sh;
    assert_non_null(gelf_getshdr(elf_getscn(e, text.index), &sh));
    assert_int_equal(sh.sh_flags, SHF_ALLOC | SHF_EXECINSTR);
    assert_int_equal(sh.sh_addralign, 32);
    assert_int_equal(sh.sh_entsize, 32);
    uint8_t first[DPU_INSN_BYTES];
    dpu_insns_to_bytes(&p.insns[0], 1, first);
    assert_memory_equal(bytes + text.offset, first, sizeof first);

    struct prog_section_loc cst = prog_find_section(bytes, len, ".dpu.const");
    assert_int_equal(cst.size, 704);
    assert_int_equal(cst.offset % 64, 0);
    assert_memory_equal(bytes + cst.offset, p.const_data, 704);

    struct prog_section_loc in = prog_find_section(bytes, len, ".dpu.input");
    assert_non_null(gelf_getshdr(elf_getscn(e, in.index), &sh));
    assert_int_equal(sh.sh_type, SHT_NOBITS);
    assert_int_equal(sh.sh_size, 300);

    /* The note: owner "opendpu", type 1, preset name and hash, format and ISA versions. */
    struct prog_section_loc note = prog_find_section(bytes, len, ".note.opendpu");
    Elf_Data *nd = elf_getdata(elf_getscn(e, note.index), NULL);
    GElf_Nhdr nh;
    size_t name_off, desc_off;
    assert_true(gelf_getnote(nd, 0, &nh, &name_off, &desc_off) > 0);
    assert_string_equal((const char *)nd->d_buf + name_off, "opendpu");
    assert_int_equal(nh.n_type, 1);
    assert_int_equal(nh.n_descsz, 48);
    const uint8_t *desc = (const uint8_t *)nd->d_buf + desc_off;
    assert_int_equal(desc[0], DPU_PROG_FORMAT_MAJOR);
    assert_int_equal(desc[4], DPU_ISA_VERSION_MAJOR);
    assert_int_equal(desc[6], DPU_ISA_VERSION_MINOR);
    uint64_t hash = 0;
    for (int i = 7; i >= 0; i--)
        hash = hash << 8 | desc[8 + i];
    assert_true(hash == DPU_PRESET_TINY_HASH);
    assert_string_equal((const char *)desc + 16, "tiny");

    /* Symbols: inputs/outputs in their region's marker section, layers in .dpu.text. */
    struct prog_section_loc out = prog_find_section(bytes, len, ".dpu.output");
    struct {
        const char *name;
        size_t shndx;
        uint64_t value, size;
        int bind, type;
    } const want[] = {
        {"x", in.index, 0, 300, STB_GLOBAL, STT_OBJECT},
        {"logits", out.index, 400, 100, STB_GLOBAL, STT_OBJECT},
        {"probs", out.index, 0, 400, STB_GLOBAL, STT_OBJECT},
        {"conv1", text.index, 0, 2 * DPU_INSN_BYTES, STB_LOCAL, STT_FUNC},
    };
    struct prog_section_loc symtab = prog_find_section(bytes, len, ".symtab");
    Elf_Data *sd = elf_getdata(elf_getscn(e, symtab.index), NULL);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        uint64_t at = prog_find_symbol(bytes, len, want[i].name);
        GElf_Sym s;
        assert_non_null(gelf_getsym(sd, (int)((at - symtab.offset) / sizeof(Elf64_Sym)), &s));
        assert_int_equal(s.st_shndx, want[i].shndx);
        assert_int_equal(s.st_value, want[i].value);
        assert_int_equal(s.st_size, want[i].size);
        assert_int_equal(GELF_ST_BIND(s.st_info), want[i].bind);
        assert_int_equal(GELF_ST_TYPE(s.st_info), want[i].type);
    }
    elf_end(e);
    free(copy);
    free(bytes);
    dpu_program_free(&p);
}

/* An empty program (no instructions, tensors, steps or layers) still round-trips. */
static void test_empty_program(void **state)
{
    (void)state;
    struct dpu_program p, back;
    dpu_program_init(&p);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_program_set_target(&p, dpu_preset_find("b4096"), &d), DPU_OK);
    uint8_t *a, *b;
    size_t alen, blen;
    prog_sample_encode(&p, &a, &alen);
    decode_ok(a, alen, &back);
    assert_equal(&p, &back);
    prog_sample_encode(&back, &b, &blen);
    assert_int_equal(alen, blen);
    assert_memory_equal(a, b, alen);
    /* It is not runnable, though: nothing to run. */
    dpu_diag_clear(&d);
    assert_int_equal(dpu_program_validate(&back, NULL, &d), DPU_E_INVALID);
    assert_non_null(strstr(d.msg, "empty plan"));
    free(a);
    free(b);
    dpu_program_free(&back);
    dpu_program_free(&p);
}

/* Values at the edges of their fields: floats bit for bit, 64-bit offsets, rank 8, odd
 * names, a step without a name, big region sizes. */
static void test_edge_values(void **state)
{
    (void)state;
    struct dpu_program p, back;
    prog_sample_build(&p);
    struct dpu_prog_tensor t;
    memset(&t, 0, sizeof t);
    t.name = "/model/conv.1/Conv_output_0 \"quoted\"";
    t.role = DPU_PROG_ROLE_INTERNAL;
    t.region = DPU_REGION_SCRATCH;
    t.offset = UINT64_MAX - 7;
    t.size = UINT64_MAX;
    t.dtype = DPU_DT_INT32;
    t.rank = DPU_TENSOR_MAX_RANK;
    for (int i = 0; i < t.rank; i++)
        t.dims[i] = INT64_MAX - i;
    t.layout = DPU_PROG_LAYOUT_NHWC;
    t.cpad = UINT32_MAX;
    t.quantized = true;
    t.scale = -0.0f;
    t.zero_point = INT32_MIN;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_program_add_tensor(&p, &t, NULL, &d), DPU_OK);
    t.name = "nan";
    t.scale = nanf("");
    t.rank = 0;
    assert_int_equal(dpu_program_add_tensor(&p, &t, NULL, &d), DPU_OK);
    p.region_size[DPU_REGION_SCRATCH] = UINT64_MAX;
    assert_int_equal(dpu_program_add_accel_step(&p, NULL, UINT64_MAX, UINT64_MAX, &d), DPU_OK);

    uint8_t *bytes;
    size_t len;
    prog_sample_encode(&p, &bytes, &len);
    decode_ok(bytes, len, &back);
    assert_equal(&p, &back);
    assert_true(signbit(back.tensors[4].scale));
    assert_true(isnan(back.tensors[5].scale));
    assert_null(back.steps[3].name);
    free(bytes);
    dpu_program_free(&back);
    dpu_program_free(&p);
}

static void test_encoder_refusals(void **state)
{
    (void)state;
    struct dpu_program p;
    uint8_t *bytes;
    size_t len;
    struct dpu_diag d;

    prog_sample_build(&p);
    free(p.preset_name);
    p.preset_name = strdup("a_preset_name_that_is_far_too_long_for_the_note");
    dpu_diag_clear(&d);
    assert_int_equal(dpu_program_encode(&p, &bytes, &len, &d), DPU_E_RANGE);
    assert_non_null(strstr(d.msg, "preset name"));
    assert_null(bytes);
    dpu_program_free(&p);

    prog_sample_build(&p);
    char *long_name = malloc(DPU_PROG_NAME_MAX + 2);
    memset(long_name, 'n', DPU_PROG_NAME_MAX + 1);
    long_name[DPU_PROG_NAME_MAX + 1] = '\0';
    free(p.layers[0].name);
    p.layers[0].name = long_name;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_program_encode(&p, &bytes, &len, &d), DPU_E_RANGE);
    assert_non_null(strstr(d.msg, "layer 0"));
    dpu_program_free(&p);

    prog_sample_build(&p);
    p.tensors[2].dtype = (enum dpu_dtype)9;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_program_encode(&p, &bytes, &len, &d), DPU_E_INVALID);
    assert_non_null(strstr(d.msg, "tensor 2"));
    dpu_program_free(&p);

    prog_sample_build(&p);
    free(p.const_data);
    p.const_data = NULL;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_program_encode(&p, &bytes, &len, &d), DPU_E_INVALID);
    assert_non_null(strstr(d.msg, "CONST"));
    dpu_program_free(&p);

    prog_sample_build(&p);
    uint32_t *many = calloc(70000, sizeof *many);
    dpu_diag_clear(&d);
    assert_int_equal(
        dpu_program_add_cpu_step(&p, "big", (const uint8_t *)"q", 1, many, 70000, many, 1, &d),
        DPU_E_RANGE);
    assert_int_equal(p.nsteps, 3); /* unchanged */
    free(many);
    dpu_program_free(&p);
}

static void test_layer_map(void **state)
{
    (void)state;
    struct dpu_program p;
    prog_sample_build(&p);
    int32_t *map;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_program_layer_map(&p, &map, &d), DPU_OK);
    const int32_t want[6] = {1, 1, 1, 1, 1, -1}; /* conv1 is layer 1; END belongs to none */
    assert_memory_equal(map, want, sizeof want);
    free(map);
    dpu_program_free(&p);
}

static void test_equal_notices_differences(void **state)
{
    (void)state;
    struct dpu_program a, b;
    prog_sample_build(&a);
    prog_sample_build(&b);
    char why[128];
    assert_true(dpu_program_equal(&a, &b, why, sizeof why));
    b.steps[2].q8[3] ^= 1;
    assert_false(dpu_program_equal(&a, &b, why, sizeof why));
    assert_non_null(strstr(why, "plan step 2"));
    b.steps[2].q8[3] ^= 1;
    b.tensors[1].scale = 0.5f;
    assert_false(dpu_program_equal(&a, &b, why, sizeof why));
    assert_non_null(strstr(why, "x_q"));
    b.tensors[1].scale = a.tensors[1].scale;
    b.layers[1].ranges[0].count = 1;
    assert_false(dpu_program_equal(&a, &b, why, sizeof why));
    assert_non_null(strstr(why, "conv1"));
    dpu_program_free(&a);
    dpu_program_free(&b);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(dpu_prog_role_name(DPU_PROG_ROLE_OUTPUT), "output");
    assert_string_equal(dpu_prog_role_name(7), "?");
    assert_string_equal(dpu_prog_layout_name(DPU_PROG_LAYOUT_NHWC), "NHWC");
    assert_string_equal(dpu_prog_step_kind_name(DPU_PROG_STEP_CPU), "cpu");
    assert_string_equal(dpu_prog_region_name(DPU_REGION_SCRATCH), "SCRATCH");
    assert_string_equal(dpu_prog_region_name(-1), "?");
    assert_false(dpu_program_is_elf((const uint8_t *)"\x7f"
                                                     "EL",
                                    3));
    assert_true(dpu_program_is_elf((const uint8_t *)"\x7f"
                                                    "ELF",
                                   4));
}

static void test_footprint(void **state)
{
    (void)state;
    struct dpu_prog_tensor t;
    memset(&t, 0, sizeof t);
    t.dtype = DPU_DT_INT8;
    t.rank = 4;
    t.dims[0] = 2;
    t.dims[1] = 3;
    t.dims[2] = 4;
    t.dims[3] = 5;
    assert_int_equal(dpu_prog_tensor_footprint(&t), 120);
    t.layout = DPU_PROG_LAYOUT_NHWC;
    t.cpad = 8; /* N*H*W*cpad */
    assert_int_equal(dpu_prog_tensor_footprint(&t), 2 * 4 * 5 * 8);
    t.dtype = DPU_DT_FLOAT32;
    assert_int_equal(dpu_prog_tensor_footprint(&t), 4 * 2 * 4 * 5 * 8);
    t.cpad = 2; /* below C */
    assert_int_equal(dpu_prog_tensor_footprint(&t), -1);
    t.cpad = 3;
    t.rank = 3; /* NHWC needs rank 4 */
    assert_int_equal(dpu_prog_tensor_footprint(&t), -1);
    t.rank = 4;
    t.dims[0] = (int64_t)1 << 40;
    t.cpad = UINT32_MAX; /* would exceed DPU_TENSOR_MAX_BYTES */
    assert_int_equal(dpu_prog_tensor_footprint(&t), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_validates),
        cmocka_unit_test(test_encode_decode_every_field),
        cmocka_unit_test(test_reencode_is_identical),
        cmocka_unit_test(test_write_read_file),
        cmocka_unit_test(test_elf_layout),
        cmocka_unit_test(test_empty_program),
        cmocka_unit_test(test_edge_values),
        cmocka_unit_test(test_encoder_refusals),
        cmocka_unit_test(test_layer_map),
        cmocka_unit_test(test_equal_notices_differences),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_footprint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
