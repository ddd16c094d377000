/* Every broken file in tests/q8/bad/ (written by make_q8_bad.c, which says how each is
 * broken) is refused by its form's reader with the expected error code and a message that
 * starts with the file's name and holds the keyword; dpu_q8_load_any refuses it too. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/fileio.h"
#include "dpu/q8.h"

#define BAD_DIR Q8_TEST_DIR "/bad"

struct bad_case {
    const char *file;
    int err;
    const char *keyword;
};

static const struct bad_case cases[] = {
    /* binary: the frame */
    {"empty.q8", DPU_E_PARSE, "truncated: 0 bytes, too short for the 32-byte header"},
    {"wrong_magic.q8", DPU_E_PARSE, "bad magic at offset 0"},
    {"truncated_magic.q8", DPU_E_PARSE, "truncated: 5 bytes"},
    {"truncated_header.q8", DPU_E_PARSE, "truncated: 20 bytes, too short for the 32-byte header"},
    {"future_major.q8", DPU_E_UNSUPPORTED,
     "format version 2.0 is not supported (this reader reads version 1.x)"},
    {"unknown_flags.q8", DPU_E_UNSUPPORTED, "unknown flags 0x00000080 at offset 12"},
    {"reserved_header.q8", DPU_E_PARSE, "reserved header field at offset 28 is not 0"},
    {"truncated_in_strs.q8", DPU_E_PARSE,
     "truncated: section 'STRS' at offset 32 has a 115-byte payload that runs past offset 100"},
    {"truncated_in_tens.q8", DPU_E_PARSE, "truncated: section 'TENS' at offset 176"},
    {"truncated_in_node.q8", DPU_E_PARSE, "truncated: section 'NODE' at offset 544"},
    {"truncated_in_data.q8", DPU_E_PARSE,
     "truncated: section 'DATA' at offset 832 has a 24-byte payload that runs past offset 853 "
     "(the header declares 888 bytes)"},
    {"truncated_trailer.q8", DPU_E_PARSE, "the file ends at offset 884, inside the trailer"},
    {"extra_bytes.q8", DPU_E_PARSE, "16 extra bytes after the declared end of the file at 888"},
    {"bad_crc.q8", DPU_E_PARSE,
     "CRC-32 mismatch: the trailer at offset 884 stores 0x5f1b8426, the bytes before it give "
     "0x5003bce4"},
    {"bad_trailer_tag.q8", DPU_E_PARSE, "trailer at offset 880 does not start with"},
    {"section_count_huge.q8", DPU_E_PARSE,
     "section count 4294967295 at offset 24 cannot fit in a 888-byte file"},
    {"section_count_short.q8", DPU_E_PARSE,
     "48 unexpected bytes between the last section (ending at offset 832) and the trailer"},
    {"declared_length_small.q8", DPU_E_PARSE, "declared file length 16 at offset 16 is too small"},
    {"missing_section.q8", DPU_E_PARSE, "missing section 'GRPH'"},
    {"unknown_section.q8", DPU_E_UNSUPPORTED, "unknown section 'XXXX' at offset 784"},
    {"duplicate_section.q8", DPU_E_PARSE, "section 'TENS' appears twice, at offsets 176 and 784"},
    {"section_past_end.q8", DPU_E_PARSE,
     "section 'NODE' at offset 544 has a 1048576-byte payload that runs past offset 880"},
    {"section_reserved.q8", DPU_E_PARSE, "section 'NODE' at offset 544: reserved field is not 0"},
    /* binary: counts and references */
    {"tensor_count_beyond.q8", DPU_E_PARSE,
     "tensor count 2147483647 at offset 200 cannot fit in the 336 bytes left"},
    {"node_count_beyond.q8", DPU_E_PARSE, "node count 1000 at offset 568 cannot fit"},
    {"attr_count_beyond.q8", DPU_E_PARSE, "attribute count 268435456 at offset 672 cannot fit"},
    {"input_count_beyond.q8", DPU_E_PARSE, "input and output count 4294967296 at offset 592"},
    {"ints_count_beyond.q8", DPU_E_PARSE,
     "attribute value count 1152921504606846976 at offset 688 cannot fit"},
    {"string_offset_out_of_range.q8", DPU_E_PARSE,
     "tensor name at offset 352: string offset 16777215 is outside the string table (115 bytes)"},
    {"string_not_terminated.q8", DPU_E_PARSE, "string at table offset 107 is not NUL-terminated"},
    {"unknown_op.q8", DPU_E_UNSUPPORTED, "node 1 'pool #1' at offset 644: unknown op 'MaxPoox'"},
    {"bad_dtype.q8", DPU_E_PARSE, "tensor 3 'conv:out' at offset 396: unknown dtype code 9"},
    {"rank_9.q8", DPU_E_RANGE, "tensor 3 'conv:out' at offset 397: rank 9 is more than 8"},
    {"negative_dim.q8", DPU_E_RANGE, "dimension 1 at offset 432 is -1, negative"},
    {"huge_dim.q8", DPU_E_RANGE, "dimension 2 at offset 440 is 2199023255552, larger than 2^40"},
    {"too_many_elements.q8", DPU_E_RANGE, "tensor 3 'conv:out': shape has more than 2^40"},
    {"data_length_mismatch.q8", DPU_E_PARSE,
     "tensor 1 'conv/w' at offset 272: data length 5 does not match its shape and dtype (4 "
     "bytes)"},
    {"data_offset_unaligned.q8", DPU_E_PARSE, "data offset 8 is not a multiple of 16"},
    {"data_outside.q8", DPU_E_PARSE, "data [4096, +8) lies outside the 24-byte DATA section"},
    {"activation_with_data.q8", DPU_E_PARSE, "not a constant, but has a data offset or length"},
    {"tensor_flags_unknown.q8", DPU_E_PARSE, "unknown flags 0x0002"},
    {"dangling_tensor_ref.q8", DPU_E_PARSE,
     "node 0 'conv': input 1 at offset 596 refers to tensor 99, but the file has 5 tensors"},
    {"dangling_graph_output.q8", DPU_E_PARSE, "graph: output 0 at offset 820 refers to tensor 5"},
    {"bad_attr_type.q8", DPU_E_PARSE, "attribute 'clamp' at offset 612: unknown type code 7"},
    {"attr_reserved.q8", DPU_E_PARSE, "attribute 'kernel_shape' at offset 677: reserved bytes"},
    /* binary: parses, but the verifier refuses */
    {"attr_floats_not_ints.q8", DPU_E_INVALID,
     "node 'pool #1' (MaxPool): attribute 'kernel_shape' is floats, expected ints"},
    {"cycle.q8", DPU_E_INVALID, "is on a cycle: 'pool #1' -> 'conv' -> 'pool #1'"},
    {"duplicate_producer.q8", DPU_E_INVALID,
     "output 0 'conv:out' is already produced by node 'conv' (Conv2D)"},
    {"shape_mismatch.q8", DPU_E_MISMATCH,
     "node 'conv' (Conv2D): output 'conv:out' has shape [1,2,3,4], but the op gives [1,2,3,3]"},
    {"verify_weights_zero_point.q8", DPU_E_RANGE,
     "weights input 1 'conv/w' zero point 1 is 200, outside [-128, 127]"},
    /* text */
    {"text_empty.q8.txt", DPU_E_PARSE, ":1:1: expected the header"},
    {"text_bad_header.q8.txt", DPU_E_PARSE, ":1:1: expected the header"},
    {"text_future_major.q8.txt", DPU_E_UNSUPPORTED,
     ":1:4: model.q8 text version 2.0 is not supported"},
    {"text_bad_version.q8.txt", DPU_E_PARSE, ":1:4: expected a version MAJOR.MINOR"},
    {"text_bad_kind.q8.txt", DPU_E_PARSE, ":1:8: expected 'quantized' or 'float', found 'double'"},
    {"text_unknown_line.q8.txt", DPU_E_PARSE, ":3:1: expected 'tensor', 'node', 'inputs' or"},
    {"text_unknown_op.q8.txt", DPU_E_UNSUPPORTED, ":4:8: node 'r': unknown op 'Relu7'"},
    {"text_unknown_tensor.q8.txt", DPU_E_PARSE, ":3:25: unknown tensor 'z'"},
    {"text_duplicate_tensor.q8.txt", DPU_E_PARSE, ":3:8: tensor 'x' is declared twice"},
    {"text_duplicate_node.q8.txt", DPU_E_PARSE, ":5:6: node 'r' is declared twice"},
    {"text_bad_dtype.q8.txt", DPU_E_PARSE, ":2:10: expected a dtype"},
    {"text_huge_dim.q8.txt", DPU_E_RANGE, ":2:15: dimension 1 is 2199023255553"},
    {"text_negative_dim.q8.txt", DPU_E_RANGE, ":2:15: dimension 1 is -2"},
    {"text_rank_9.q8.txt", DPU_E_RANGE, "shape has 9 dimensions, more than 8"},
    {"text_too_many_elements.q8.txt", DPU_E_RANGE, "shape has more than 2^40 elements"},
    {"text_unterminated_string.q8.txt", DPU_E_PARSE, ":1:19: string is not closed"},
    {"text_bad_escape.q8.txt", DPU_E_PARSE, "unknown escape at column 21"},
    {"text_data_length.q8.txt", DPU_E_PARSE, "data has 3 bytes, but the shape and dtype need 4"},
    {"text_odd_hex.q8.txt", DPU_E_PARSE, "odd number (3) of hex digits"},
    {"text_bad_hex.q8.txt", DPU_E_PARSE, "byte 0x7a at column 27 is not a hex digit"},
    {"text_int_overflow.q8.txt", DPU_E_RANGE, "'99999999999999999999' does not fit in 64 bits"},
    {"text_float_overflow.q8.txt", DPU_E_RANGE, "'1e39' is out of the float32 range"},
    {"text_missing_outputs.q8.txt", DPU_E_PARSE, "missing the 'outputs' line"},
    {"text_second_inputs.q8.txt", DPU_E_PARSE, ":4:1: a second 'inputs' line"},
    {"text_zp_count.q8.txt", DPU_E_PARSE, "zp has 2 values, scale has 1"},
    {"text_truncated_list.q8.txt", DPU_E_PARSE, ":2:19: expected ',' or ']', found end of file"},
    {"text_garbage_char.q8.txt", DPU_E_PARSE, ":2:15: unexpected character '{'"},
    {"text_mixed_list.q8.txt", DPU_E_PARSE, ":4:37: '1.5' is not an integer"},
    {"text_missing_in.q8.txt", DPU_E_PARSE, ":4:13: expected 'in=', found 'out'"},
    {"text_attr_twice.q8.txt", DPU_E_PARSE, "attribute 'clamp' is given twice"},
    {"text_nul_byte.q8.txt", DPU_E_PARSE, ":2:20: unexpected byte 0x00"},
    {"text_cycle.q8.txt", DPU_E_INVALID, "node 'b' (Relu): is on a cycle: 'b' -> 'a' -> 'b'"},
    {"text_unknown_attr.q8.txt", DPU_E_INVALID, "node 'r' (Relu): unknown attribute 'junk'"},
    {"text_group_float.q8.txt", DPU_E_INVALID,
     "node 'c' (Conv2D): attribute 'group' is float, expected int"},
};
#define N_CASES (sizeof cases / sizeof cases[0])

static bool is_text(const char *file)
{
    size_t n = strlen(file);
    return n > 7 && strcmp(file + n - 7, ".q8.txt") == 0;
}

static void check(const struct bad_case *c, const char *reader, const char *prefix, int err,
                  const struct dpu_diag *d, const struct dpu_graph *g, const char *keyword)
{
    if (err != c->err || d->err != err)
        fail_msg("%s: %s gave %d (%s), expected %d", c->file, reader, err, d->msg, c->err);
    if (strncmp(d->msg, prefix, strlen(prefix)) != 0)
        fail_msg("%s: %s: message \"%s\" does not start with \"%s\"", c->file, reader, d->msg,
                 prefix);
    if (keyword && !strstr(d->msg, keyword))
        fail_msg("%s: %s: message \"%s\" lacks \"%s\"", c->file, reader, d->msg, keyword);
    if (g->nnodes || g->ntensors || g->tensors || g->nodes || g->name)
        fail_msg("%s: %s left a half-built graph behind", c->file, reader);
}

static void test_bad_files(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_CASES; i++) {
        const struct bad_case *c = &cases[i];
        char path[512];
        snprintf(path, sizeof path, "%s/%s", BAD_DIR, c->file);
        uint8_t *bytes;
        size_t len;
        struct dpu_diag d;
        dpu_diag_clear(&d);
        assert_int_equal(dpu_read_file(path, 1 << 20, &bytes, &len, &d), DPU_OK);
        struct dpu_graph g;
        int err;
        dpu_diag_clear(&d);
        if (is_text(c->file)) {
            err = dpu_q8_text_read(c->file, (const char *)bytes, len, &g, &d);
            check(c, "dpu_q8_text_read", c->file, err, &d, &g, c->keyword);
        } else {
            err = dpu_q8_decode(c->file, bytes, len, &g, &d);
            check(c, "dpu_q8_decode", c->file, err, &d, &g, c->keyword);
            dpu_diag_clear(&d);
            err = dpu_q8_read(path, &g, &d);
            check(c, "dpu_q8_read", path, err, &d, &g, c->keyword);
        }
        /* Either form through the detecting loader: refused with the same code. */
        dpu_diag_clear(&d);
        err = dpu_q8_load_any(path, &g, &d);
        check(c, "dpu_q8_load_any", path, err, &d, &g, NULL);
        free(bytes);
    }
}

/* The table and the directory must not drift apart. */
static void test_every_bad_file_listed(void **state)
{
    (void)state;
    DIR *dir = opendir(BAD_DIR);
    assert_non_null(dir);
    size_t seen = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        bool found = false;
        for (size_t i = 0; i < N_CASES; i++)
            found |= strcmp(cases[i].file, e->d_name) == 0;
        if (!found)
            fail_msg("%s/%s has no row in test_q8_bad.c", BAD_DIR, e->d_name);
        seen++;
    }
    closedir(dir);
    assert_int_equal(seen, N_CASES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_every_bad_file_listed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
