/* Every broken file in tests/npy/bad/ must be refused with the expected error code and a
 * message naming the file and the defect, by both dpu_npy_read and dpu_npy_parse. */
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
#include "dpu/npy.h"

#define BAD_DIR NPY_TEST_DIR "/bad"

struct bad_case {
    const char *file;
    int err;
    const char *keyword; /* must appear in the message */
};

/* The defect of each file is described in make_fixtures.py next to its bytes. */
static const struct bad_case cases[] = {
    {"empty.npy", DPU_E_PARSE, "too short for the magic"},
    {"truncated_magic.npy", DPU_E_PARSE, "too short for the magic"},
    {"wrong_magic.npy", DPU_E_PARSE, "bad magic at offset 0"},
    {"zip_npz.npy", DPU_E_PARSE, ".npz archive"},
    {"text_file.npy", DPU_E_PARSE, "not a .npy file"},
    {"truncated_version.npy", DPU_E_PARSE, "inside the version"},
    {"bad_version_4.npy", DPU_E_UNSUPPORTED, "version 4.0"},
    {"bad_version_1_1.npy", DPU_E_UNSUPPORTED, "version 1.1"},
    {"truncated_header_len.npy", DPU_E_PARSE, "inside the 2-byte header length"},
    {"header_len_past_eof.npy", DPU_E_PARSE, "header length 4096 at offset 8 runs past the end"},
    {"v2_header_len_past_eof.npy", DPU_E_PARSE, "header length 4294967295 at offset 8"},
    {"empty_header.npy", DPU_E_PARSE, "does not end in a newline"},
    {"no_newline.npy", DPU_E_PARSE, "does not end in a newline"},
    {"non_ascii_header.npy", DPU_E_PARSE, "non-ASCII byte 0xe9 at offset 71"},
    {"not_a_dict.npy", DPU_E_PARSE, "'[' at offset 10 where '{'"},
    {"unterminated_dict.npy", DPU_E_PARSE, "ends early, at offset 128, where a quoted key or '}'"},
    {"unterminated_string.npy", DPU_E_PARSE, "string at offset 51 is not closed before byte 0x0a"},
    {"escaped_string.npy", DPU_E_PARSE, "escape sequence"},
    {"missing_colon.npy", DPU_E_PARSE, "quote ' at offset 19 where ':' after a key"},
    {"missing_comma.npy", DPU_E_PARSE, "',' or '}' after a value"},
    {"garbage_after_dict.npy", DPU_E_PARSE, "'x' at offset 68 where the end of the header"},
    {"missing_shape.npy", DPU_E_PARSE, "missing the key 'shape'"},
    {"missing_descr.npy", DPU_E_PARSE, "missing the key 'descr'"},
    {"duplicate_key.npy", DPU_E_PARSE, "duplicate key 'descr' at offset 51"},
    {"unknown_key.npy", DPU_E_PARSE, "unknown key 'foo'"},
    {"descr_float64.npy", DPU_E_UNSUPPORTED, "'<f8' (float64)"},
    {"descr_int64_big.npy", DPU_E_UNSUPPORTED, "'>i8' (int64)"},
    {"descr_bool.npy", DPU_E_UNSUPPORTED, "'|b1' (bool)"},
    {"descr_unicode.npy", DPU_E_UNSUPPORTED, "unicode string"},
    {"descr_structured.npy", DPU_E_UNSUPPORTED, "structured dtype"},
    {"descr_not_string.npy", DPU_E_PARSE, "a dtype string for 'descr'"},
    {"fortran_order_true.npy", DPU_E_UNSUPPORTED, "'fortran_order' at offset 44 is True"},
    {"fortran_order_int.npy", DPU_E_PARSE, "True or False"},
    {"shape_not_tuple.npy", DPU_E_PARSE, "is (2), not a tuple"},
    {"shape_list.npy", DPU_E_PARSE, "a tuple '(' for 'shape'"},
    {"shape_float.npy", DPU_E_PARSE, "'.' at offset"},
    {"shape_leading_zero.npy", DPU_E_PARSE, "leading zero"},
    {"shape_unclosed.npy", DPU_E_PARSE, "ends early, at offset 128, where ')' closing 'shape'"},
    {"negative_dim.npy", DPU_E_RANGE, "negative dimension"},
    {"huge_dim.npy", DPU_E_RANGE, "larger than 2^40"},
    {"huge_dim_many_digits.npy", DPU_E_RANGE, "larger than 2^40"},
    {"overflow_product.npy", DPU_E_RANGE, "more than 2^40 elements"},
    {"bytes_over_limit.npy", DPU_E_RANGE, "needs more than 2^40 bytes"},
    {"rank9.npy", DPU_E_UNSUPPORTED, "more than 8 dimensions"},
    {"data_short.npy", DPU_E_PARSE,
     "data too short: 7 bytes from offset 128, but shape (2,) "
     "of int32 needs 8 bytes"},
    {"data_missing.npy", DPU_E_PARSE, "data too short: 0 bytes"},
    {"data_long.npy", DPU_E_PARSE, "data too long: 9 bytes"},
    {"data_long_scalar.npy", DPU_E_PARSE,
     "data too long: 2 bytes from offset 128, but shape () "
     "of uint8 needs 1 bytes"},
};

#define N_CASES (sizeof cases / sizeof cases[0])

static void check_message(const char *file, const char *path, const struct dpu_diag *d,
                          const char *keyword)
{
    if (!strstr(d->msg, keyword))
        fail_msg("%s: message \"%s\" lacks \"%s\"", file, d->msg, keyword);
    if (strncmp(d->msg, path, strlen(path)) != 0)
        fail_msg("%s: message \"%s\" does not start with the file name", file, d->msg);
}

static void test_bad_files(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_CASES; i++) {
        const struct bad_case *c = &cases[i];
        char path[512];
        snprintf(path, sizeof path, "%s/%s", BAD_DIR, c->file);

        struct dpu_diag d;
        dpu_diag_clear(&d);
        struct dpu_tensor t;
        int err = dpu_npy_read(path, &t, &d);
        if (err != c->err)
            fail_msg("%s: dpu_npy_read gave %d (%s), expected %d", c->file, err,
                     dpu_diag_message(&d), c->err);
        assert_int_equal(d.err, c->err);
        assert_null(t.data);
        check_message(c->file, path, &d, c->keyword);

        uint8_t *bytes;
        size_t len;
        dpu_diag_clear(&d);
        assert_int_equal(dpu_read_file(path, 1 << 20, &bytes, &len, &d), DPU_OK);
        dpu_diag_clear(&d);
        err = dpu_npy_parse(c->file, bytes, len, &t, &d);
        if (err != c->err)
            fail_msg("%s: dpu_npy_parse gave %d (%s), expected %d", c->file, err,
                     dpu_diag_message(&d), c->err);
        assert_null(t.data);
        check_message(c->file, c->file, &d, c->keyword);
        free(bytes);
    }
}

/* The table and the directory must not drift apart: every file in bad/ has a row. */
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
        int found = 0;
        for (size_t i = 0; i < N_CASES; i++)
            found |= !strcmp(cases[i].file, e->d_name);
        if (!found)
            fail_msg("%s/%s has no row in test_npy_bad.c", BAD_DIR, e->d_name);
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
