/* Writes the broken-file corpus tests/q8/bad/ and the fuzz seeds tests/fuzz/corpus/q8/.
 *
 *   make_q8_bad BAD_DIR CORPUS_DIR            (re)write both directories' files
 *   make_q8_bad --check BAD_DIR CORPUS_DIR    exit 1 if a committed file differs
 *
 * Every binary case starts from the encoding of q8_fixture_small (tests/q8/golden/small.q8),
 * breaks one thing at an offset found by walking the layout (q8-format.md), and re-stamps the
 * CRC unless the CRC is the point, so that the reader reaches the defect under test. The
 * text cases are written out literally. test_q8_bad.c holds the expected error of each. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/crc32.h"
#include "dpu/fileio.h"
#include "dpu/q8.h"
#include "q8_fixtures.h"

static bool check_mode;
static int failures, written;

static void emit(const char *dir, const char *name, const void *bytes, size_t len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (check_mode) {
        uint8_t *have;
        size_t hlen;
        if (dpu_read_file(path, 1 << 24, &have, &hlen, &d) != DPU_OK) {
            fprintf(stderr, "make_q8_bad: %s\n", dpu_diag_message(&d));
            failures++;
            return;
        }
        if (hlen != len || (len && memcmp(have, bytes, len) != 0)) {
            fprintf(stderr, "make_q8_bad: %s is stale: rerun make_q8_bad to regenerate it\n", path);
            failures++;
        }
        free(have);
        return;
    }
    if (dpu_write_file(path, bytes, len, &d) != DPU_OK) {
        fprintf(stderr, "make_q8_bad: %s\n", dpu_diag_message(&d));
        failures++;
    }
    written++;
}

/* ---- the layout, walked just far enough to find what a case breaks ---- */

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
    return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

struct file {
    uint8_t *b;
    size_t len;
};

/* Offset of the header of section `tag`. */
static size_t section(const struct file *f, const char *tag)
{
    size_t at = 32;
    while (at + 16 <= f->len - 8) {
        if (memcmp(f->b + at, tag, 4) == 0)
            return at;
        at += 16 + (get64(f->b + at + 8) + 15) / 16 * 16;
    }
    fprintf(stderr, "make_q8_bad: no section %s\n", tag);
    exit(2);
}

static size_t payload(const struct file *f, const char *tag)
{
    return section(f, tag) + 16;
}

/* Offset of tensor record i. */
static size_t tensor(const struct file *f, unsigned i)
{
    size_t at = payload(f, "TENS") + 8;
    for (unsigned k = 0; k < i; k++) {
        size_t rank = f->b[at + 5], q = get32(f->b + at + 12);
        at += (32 + 8 * rank + 8 * q + 7) / 8 * 8;
    }
    return at;
}

/* Offset of node record i; *attrs receives the offset of its first attribute. */
static size_t node(const struct file *f, unsigned i, size_t *attrs)
{
    size_t at = payload(f, "NODE") + 8;
    for (unsigned k = 0;; k++) {
        size_t nin = get32(f->b + at + 8), nout = get32(f->b + at + 12);
        size_t na = get32(f->b + at + 16);
        size_t a = at + (24 + 4 * (nin + nout) + 7) / 8 * 8;
        if (k == i) {
            if (attrs)
                *attrs = a;
            return at;
        }
        for (size_t j = 0; j < na; j++) {
            uint8_t type = f->b[a + 4];
            a += 16 + ((type == 2 || type == 3) ? 8 * get64(f->b + a + 8) : 0);
        }
        at = a;
    }
}

static void restamp(struct file *f)
{
    put32(f->b + f->len - 4, dpu_crc32(0, f->b, f->len - 8));
}

/* ---- cases ---- */

static struct file base;
static const char *bad_dir, *corpus_dir;

static void out_bad(const char *name, const struct file *f)
{
    emit(bad_dir, name, f->b, f->len);
    char cname[256];
    snprintf(cname, sizeof cname, "bad_%s", name);
    emit(corpus_dir, cname, f->b, f->len);
}

static struct file copy(void)
{
    struct file f = {malloc(base.len + 64), base.len};
    if (!f.b)
        exit(2);
    memcpy(f.b, base.b, base.len);
    return f;
}

typedef void (*mutate_fn)(struct file *f);

static void bin_case(const char *name, mutate_fn m, bool fix_crc)
{
    struct file f = copy();
    m(&f);
    if (fix_crc && f.len >= 40)
        restamp(&f);
    out_bad(name, &f);
    free(f.b);
}

#define M(name) static void name(struct file *f)

M(empty)
{
    f->len = 0;
}
M(wrong_magic)
{
    f->b[3] = 'X';
}
M(truncated_magic)
{
    f->len = 5;
}
M(truncated_header)
{
    f->len = 20;
}
M(future_major)
{
    f->b[8] = 2;
}
M(unknown_flags)
{
    f->b[12] |= 0x80;
}
M(reserved_header)
{
    f->b[28] = 1;
}
M(truncated_in_strs)
{
    f->len = 100;
}
M(truncated_in_tens)
{
    f->len = payload(f, "TENS") + 40;
}
M(truncated_in_node)
{
    f->len = payload(f, "NODE") + 60;
}
M(truncated_in_data)
{
    f->len = payload(f, "DATA") + 5;
}
M(truncated_trailer)
{
    f->len -= 4;
}
M(extra_bytes)
{
    memset(f->b + f->len, 0, 16);
    f->len += 16;
}
M(bad_crc)
{
    f->b[payload(f, "DATA") + 1] ^= 0x40;
}
M(bad_trailer_tag)
{
    f->b[f->len - 8] = 'X';
}
M(section_count_huge)
{
    put32(f->b + 24, 0xFFFFFFFFu);
}
M(section_count_short)
{
    put32(f->b + 24, 4);
}
M(declared_length_small)
{
    put64(f->b + 16, 16);
}
M(missing_section)
{
    f->b[section(f, "GRPH")] = 'g';
} /* lowercase: skippable, so GRPH is gone */
M(unknown_section)
{
    memcpy(f->b + section(f, "GRPH"), "XXXX", 4);
}
M(duplicate_section)
{
    memcpy(f->b + section(f, "GRPH"), "TENS", 4);
}
M(section_past_end)
{
    put64(f->b + section(f, "NODE") + 8, 0x100000);
}
M(section_reserved)
{
    f->b[section(f, "NODE") + 4] = 1;
}
M(tensor_count_beyond)
{
    put32(f->b + payload(f, "TENS"), 0x7FFFFFFF);
}
M(node_count_beyond)
{
    put32(f->b + payload(f, "NODE"), 1000);
}
M(attr_count_beyond)
{
    put32(f->b + node(f, 1, NULL) + 16, 0x10000000);
}
M(input_count_beyond)
{
    put32(f->b + node(f, 0, NULL) + 8, 0xFFFFFFFFu);
}
M(ints_count_beyond)
{
    size_t a;
    node(f, 1, &a);
    put64(f->b + a + 8, (uint64_t)1 << 60);
}
M(string_offset_out_of_range)
{
    put32(f->b + tensor(f, 2), 0x00FFFFFF);
}
M(string_not_terminated)
{
    size_t s = payload(f, "STRS"), n = get64(f->b + section(f, "STRS") + 8);
    f->b[s + n - 1] = 'x';
}
M(unknown_op)
{
    size_t s = payload(f, "STRS"), n = get64(f->b + section(f, "STRS") + 8);
    uint8_t *p = f->b + s;
    for (size_t i = 0; i + 7 <= n; i++)
        if (memcmp(p + i, "MaxPool", 7) == 0)
            p[i + 6] = 'x';
}
M(bad_dtype)
{
    f->b[tensor(f, 3) + 4] = 9;
}
M(rank_9)
{
    f->b[tensor(f, 3) + 5] = 9;
}
M(negative_dim)
{
    put64(f->b + tensor(f, 3) + 32 + 8, (uint64_t)-1);
}
M(huge_dim)
{
    put64(f->b + tensor(f, 3) + 32 + 16, (uint64_t)1 << 41);
}
M(too_many_elements)
{
    size_t t = tensor(f, 3) + 32;
    for (int k = 0; k < 3; k++)
        put64(f->b + t + 8 * k, (uint64_t)1 << 20);
}
M(data_length_mismatch)
{
    put64(f->b + tensor(f, 1) + 24, 5);
}
M(data_offset_unaligned)
{
    put64(f->b + tensor(f, 2) + 16, 8);
}
M(data_outside)
{
    put64(f->b + tensor(f, 2) + 16, 4096);
}
M(activation_with_data)
{
    put64(f->b + tensor(f, 3) + 24, 4);
}
M(tensor_flags_unknown)
{
    f->b[tensor(f, 3) + 6] = 0x02;
}
M(dangling_tensor_ref)
{
    put32(f->b + node(f, 0, NULL) + 24 + 4, 99);
}
M(dangling_graph_output)
{
    put32(f->b + payload(f, "GRPH") + 16 + 4, 5);
}
M(bad_attr_type)
{
    size_t a;
    node(f, 0, &a);
    f->b[a + 4] = 7;
}
M(attr_floats_not_ints)
{
    size_t a;
    node(f, 1, &a); /* kernel_shape: ints -> floats, same layout */
    f->b[a + 4] = 3;
}
M(attr_reserved)
{
    size_t a;
    node(f, 1, &a);
    f->b[a + 6] = 1;
}
M(cycle)
{
    put32(f->b + node(f, 0, NULL) + 24, 4);
} /* conv reads pool's output */
M(duplicate_producer)
{
    put32(f->b + node(f, 1, NULL) + 28, 3);
} /* pool writes conv:out */
M(shape_mismatch)
{
    put64(f->b + tensor(f, 3) + 32 + 24, 4);
} /* conv:out [1,2,3,4] */
M(verify_weights_zero_point)
{
    /* conv/w (tensor 1: rank 4, 2 scales): zero point 1 = 200, outside the int8 range. */
    put32(f->b + tensor(f, 1) + 32 + 8 * 4 + 4 * 2 + 4 * 1, 200);
}

static void text_case(const char *name, const char *text)
{
    struct file f = {(uint8_t *)text, strlen(text)};
    out_bad(name, &f);
}

#define HEAD "q8 1.0 quantized name=\"t\"\n"
#define X_   "tensor x int8 [1,2] quant=-1 scale=[0.5] zp=[0]\n"
#define Y_   "tensor y int8 [1,2] quant=-1 scale=[0.5] zp=[0]\n"
#define IO_  "inputs [x]\noutputs [y]\n"

static void text_cases(void)
{
    text_case("text_empty.q8.txt", "");
    text_case("text_bad_header.q8.txt", "q9 1.0 float\n");
    text_case("text_future_major.q8.txt", "q8 2.0 float name=\"t\"\n");
    text_case("text_bad_version.q8.txt", "q8 one float\n");
    text_case("text_bad_kind.q8.txt", "q8 1.0 double\n");
    text_case("text_unknown_line.q8.txt", HEAD X_ "tensr y int8 [1]\n");
    text_case("text_unknown_op.q8.txt", HEAD X_ Y_ "node r Relu7 in=[x] out=[y]\n" IO_);
    text_case("text_unknown_tensor.q8.txt", HEAD X_ "node r Relu in=[x] out=[z]\n" IO_);
    text_case("text_duplicate_tensor.q8.txt", HEAD X_ X_ IO_);
    text_case("text_duplicate_node.q8.txt",
              HEAD X_ Y_ "node r Relu in=[x] out=[y] clamp=[0,127]\n"
                         "node r Relu in=[x] out=[y] clamp=[0,127]\n" IO_);
    text_case("text_bad_dtype.q8.txt", HEAD "tensor x int4 [1,2]\n" IO_);
    text_case("text_huge_dim.q8.txt", HEAD "tensor x int8 [1,2199023255553]\n" IO_);
    text_case("text_negative_dim.q8.txt", HEAD "tensor x int8 [1,-2]\n" IO_);
    text_case("text_rank_9.q8.txt", HEAD "tensor x int8 [1,1,1,1,1,1,1,1,1]\n" IO_);
    text_case("text_too_many_elements.q8.txt",
              HEAD "tensor x int8 [1048576,1048576,1048576]\n" IO_);
    text_case("text_unterminated_string.q8.txt", "q8 1.0 float name=\"abc\n");
    text_case("text_bad_escape.q8.txt", "q8 1.0 float name=\"a\\qb\"\n");
    text_case("text_data_length.q8.txt", HEAD "tensor w int8 [2,2] data=<010203>\n" IO_);
    text_case("text_odd_hex.q8.txt", HEAD "tensor w int8 [2] data=<010>\n" IO_);
    text_case("text_bad_hex.q8.txt", HEAD "tensor w int8 [2] data=<01zz>\n" IO_);
    text_case("text_int_overflow.q8.txt", HEAD "tensor x int8 [99999999999999999999]\n");
    text_case("text_float_overflow.q8.txt",
              HEAD "tensor x int8 [1,2] quant=-1 scale=[1e39] zp=[0]\n");
    text_case("text_missing_outputs.q8.txt", HEAD X_ "inputs [x]\n");
    text_case("text_second_inputs.q8.txt", HEAD X_ "inputs [x]\ninputs [x]\n");
    text_case("text_zp_count.q8.txt", HEAD "tensor x int8 [1,2] quant=-1 scale=[0.5] zp=[0,1]\n");
    text_case("text_truncated_list.q8.txt", HEAD "tensor x int8 [1,2");
    text_case("text_garbage_char.q8.txt", HEAD "tensor x int8 {1,2}\n");
    text_case("text_mixed_list.q8.txt", HEAD X_ Y_ "node r Relu in=[x] out=[y] clamp=[0,1.5]\n");
    text_case("text_missing_in.q8.txt", HEAD X_ Y_ "node r Relu out=[y] in=[x]\n" IO_);
    text_case("text_attr_twice.q8.txt",
              HEAD X_ Y_ "node r Relu in=[x] out=[y] clamp=[0,127] clamp=[0,127]\n" IO_);
    text_case("text_cycle.q8.txt", HEAD X_ Y_ "tensor z int8 [1,2] quant=-1 scale=[0.5] zp=[0]\n"
                                              "node a Add in=[x,z] out=[y] clamp=[-128,127]\n"
                                              "node b Relu in=[y] out=[z] clamp=[0,127]\n" IO_);
    text_case("text_unknown_attr.q8.txt",
              HEAD X_ Y_ "node r Relu in=[x] out=[y] clamp=[0,127] junk=1.5\n" IO_);
    text_case("text_group_float.q8.txt",
              "q8 1.0 float name=\"t\"\n"
              "tensor x float32 [1,1,2,2]\ntensor w float32 [1,1,1,1] data=<0000803f>\n"
              "tensor y float32 [1,1,2,2]\nnode c Conv2D in=[x,w] out=[y] group=1.5\n"
              "inputs [x]\noutputs [y]\n");
    /* A NUL byte inside an otherwise valid line. */
    static const char nul[] = HEAD "tensor x int8 [1,2]\0 quant=-1\n";
    struct file f = {(uint8_t *)nul, sizeof nul - 1};
    out_bad("text_nul_byte.q8.txt", &f);
}

static void bin_cases(void)
{
    struct {
        const char *name;
        mutate_fn m;
        bool fix_crc;
    } c[] = {
        {"empty.q8", empty, false},
        {"wrong_magic.q8", wrong_magic, true},
        {"truncated_magic.q8", truncated_magic, false},
        {"truncated_header.q8", truncated_header, false},
        {"future_major.q8", future_major, true},
        {"unknown_flags.q8", unknown_flags, true},
        {"reserved_header.q8", reserved_header, true},
        {"truncated_in_strs.q8", truncated_in_strs, false},
        {"truncated_in_tens.q8", truncated_in_tens, false},
        {"truncated_in_node.q8", truncated_in_node, false},
        {"truncated_in_data.q8", truncated_in_data, false},
        {"truncated_trailer.q8", truncated_trailer, false},
        {"extra_bytes.q8", extra_bytes, false},
        {"bad_crc.q8", bad_crc, false},
        {"bad_trailer_tag.q8", bad_trailer_tag, true},
        {"section_count_huge.q8", section_count_huge, true},
        {"section_count_short.q8", section_count_short, true},
        {"declared_length_small.q8", declared_length_small, true},
        {"missing_section.q8", missing_section, true},
        {"unknown_section.q8", unknown_section, true},
        {"duplicate_section.q8", duplicate_section, true},
        {"section_past_end.q8", section_past_end, true},
        {"section_reserved.q8", section_reserved, true},
        {"tensor_count_beyond.q8", tensor_count_beyond, true},
        {"node_count_beyond.q8", node_count_beyond, true},
        {"attr_count_beyond.q8", attr_count_beyond, true},
        {"input_count_beyond.q8", input_count_beyond, true},
        {"ints_count_beyond.q8", ints_count_beyond, true},
        {"string_offset_out_of_range.q8", string_offset_out_of_range, true},
        {"string_not_terminated.q8", string_not_terminated, true},
        {"unknown_op.q8", unknown_op, true},
        {"bad_dtype.q8", bad_dtype, true},
        {"rank_9.q8", rank_9, true},
        {"negative_dim.q8", negative_dim, true},
        {"huge_dim.q8", huge_dim, true},
        {"too_many_elements.q8", too_many_elements, true},
        {"data_length_mismatch.q8", data_length_mismatch, true},
        {"data_offset_unaligned.q8", data_offset_unaligned, true},
        {"data_outside.q8", data_outside, true},
        {"activation_with_data.q8", activation_with_data, true},
        {"tensor_flags_unknown.q8", tensor_flags_unknown, true},
        {"dangling_tensor_ref.q8", dangling_tensor_ref, true},
        {"dangling_graph_output.q8", dangling_graph_output, true},
        {"bad_attr_type.q8", bad_attr_type, true},
        {"attr_floats_not_ints.q8", attr_floats_not_ints, true},
        {"attr_reserved.q8", attr_reserved, true},
        {"cycle.q8", cycle, true},
        {"duplicate_producer.q8", duplicate_producer, true},
        {"shape_mismatch.q8", shape_mismatch, true},
        {"verify_weights_zero_point.q8", verify_weights_zero_point, true},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        bin_case(c[i].name, c[i].m, c[i].fix_crc);
}

/* Valid seeds for the fuzzer: every fixture in both forms. */
static void seeds(void)
{
    int (*fx[])(struct dpu_graph *) = {q8_fixture_small, q8_fixture_int8_all_ops,
                                       q8_fixture_float_all_ops};
    const char *names[] = {"small", "int8_all_ops", "float_all_ops"};
    for (size_t k = 0; k < 3; k++) {
        struct dpu_graph g;
        struct dpu_diag d;
        dpu_graph_init(&g);
        dpu_diag_clear(&d);
        uint8_t *bytes;
        size_t len;
        if (fx[k](&g) || dpu_graph_verify(&g, &d) || dpu_q8_encode(&g, &bytes, &len, &d)) {
            fprintf(stderr, "make_q8_bad: fixture %s: %s\n", names[k], dpu_diag_message(&d));
            exit(2);
        }
        char name[64];
        snprintf(name, sizeof name, "%s.q8", names[k]);
        emit(corpus_dir, name, bytes, len);
        free(bytes);
        char *text = NULL;
        size_t tlen = 0;
        FILE *mf = open_memstream(&text, &tlen);
        if (!mf || dpu_q8_text_write(mf, &g, &d) || fclose(mf)) {
            fprintf(stderr, "make_q8_bad: text of %s failed\n", names[k]);
            exit(2);
        }
        snprintf(name, sizeof name, "%s.q8.txt", names[k]);
        emit(corpus_dir, name, text, tlen);
        free(text);
        dpu_graph_free(&g);
    }
}

int main(int argc, char **argv)
{
    int a = 1;
    if (a < argc && strcmp(argv[a], "--check") == 0) {
        check_mode = true;
        a++;
    }
    if (argc - a != 2) {
        fprintf(stderr, "usage: make_q8_bad [--check] BAD_DIR CORPUS_DIR\n");
        return 2;
    }
    bad_dir = argv[a];
    corpus_dir = argv[a + 1];
    struct dpu_graph g;
    struct dpu_diag d;
    dpu_graph_init(&g);
    dpu_diag_clear(&d);
    if (q8_fixture_small(&g) || dpu_q8_encode(&g, &base.b, &base.len, &d)) {
        fprintf(stderr, "make_q8_bad: cannot encode the base graph: %s\n", dpu_diag_message(&d));
        return 2;
    }
    dpu_graph_free(&g);
    bin_cases();
    text_cases();
    seeds();
    free(base.b);
    if (!check_mode)
        printf("make_q8_bad: wrote %d files\n", written);
    return failures ? 1 : 0;
}
