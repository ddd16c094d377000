/* .npy reading and writing: round trips of every dtype at ranks 0..4, byte-identical output
 * against files numpy wrote, and the values of every numpy-written fixture in good/. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dpu/fileio.h"
#include "dpu/npy.h"
#include "dpu/tensor.h"

#define GOOD(name) NPY_TEST_DIR "/good/" name

static const enum dpu_dtype all_dtypes[] = {DPU_DT_INT8, DPU_DT_UINT8, DPU_DT_INT32,
                                            DPU_DT_FLOAT32};

/* A distinct, sign-mixing value for element i of each dtype, so swapped or shifted elements
 * show up as mismatches. */
static void fill_pattern(struct dpu_tensor *t)
{
    int64_t n = dpu_tensor_count(t);
    for (int64_t i = 0; i < n; i++) {
        switch (t->dtype) {
        case DPU_DT_INT8:
            ((int8_t *)t->data)[i] = (int8_t)((i * 37) % 256 - 128);
            break;
        case DPU_DT_UINT8:
            ((uint8_t *)t->data)[i] = (uint8_t)(i * 53 + 7);
            break;
        case DPU_DT_INT32:
            ((int32_t *)t->data)[i] = (int32_t)(i * 1000003 - 5000000);
            break;
        case DPU_DT_FLOAT32:
            ((float *)t->data)[i] = (float)i * -0.375f + 1e-3f;
            break;
        }
    }
}

static void assert_same_tensor(const struct dpu_tensor *a, const struct dpu_tensor *b)
{
    assert_int_equal(a->dtype, b->dtype);
    assert_int_equal(a->rank, b->rank);
    for (int i = 0; i < a->rank; i++)
        assert_int_equal(a->dims[i], b->dims[i]);
    int64_t nbytes = dpu_tensor_nbytes(a);
    assert_true(nbytes >= 0);
    assert_int_equal(nbytes, dpu_tensor_nbytes(b));
    assert_non_null(b->data);
    if (nbytes)
        assert_memory_equal(a->data, b->data, (size_t)nbytes);
}

/* A fresh path in the build tree for a test's temporary file. */
static void temp_path(char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/npy_test_XXXXXX", NPY_TMP_DIR);
    int fd = mkstemp(buf);
    assert_true(fd >= 0);
    close(fd);
}

static void test_dtype_helpers(void **state)
{
    (void)state;
    assert_string_equal(dpu_dtype_name(DPU_DT_INT8), "int8");
    assert_string_equal(dpu_dtype_name(DPU_DT_UINT8), "uint8");
    assert_string_equal(dpu_dtype_name(DPU_DT_INT32), "int32");
    assert_string_equal(dpu_dtype_name(DPU_DT_FLOAT32), "float32");
    assert_string_equal(dpu_dtype_name((enum dpu_dtype)42), "?");
    assert_int_equal(dpu_dtype_size(DPU_DT_INT8), 1);
    assert_int_equal(dpu_dtype_size(DPU_DT_UINT8), 1);
    assert_int_equal(dpu_dtype_size(DPU_DT_INT32), 4);
    assert_int_equal(dpu_dtype_size(DPU_DT_FLOAT32), 4);
    assert_int_equal(dpu_dtype_size((enum dpu_dtype)42), 0);
}

static void test_shape_count(void **state)
{
    (void)state;
    int64_t big = DPU_TENSOR_MAX_DIM;
    assert_int_equal(dpu_shape_count(0, NULL), 1);
    assert_int_equal(dpu_shape_count(4, (int64_t[]){1, 3, 28, 28}), 2352);
    /* A zero dimension empties the tensor however large the others are. */
    assert_int_equal(dpu_shape_count(3, (int64_t[]){big, big, 0}), 0);
    assert_int_equal(dpu_shape_count(1, (int64_t[]){big}), big);
    assert_int_equal(dpu_shape_count(2, (int64_t[]){big, 2}), -1);
    assert_int_equal(dpu_shape_count(3, (int64_t[]){big, big, big}), -1);
    assert_int_equal(dpu_shape_count(1, (int64_t[]){big + 1}), -1);
    assert_int_equal(dpu_shape_count(1, (int64_t[]){-1}), -1);
    assert_int_equal(dpu_shape_count(9, (int64_t[]){1, 1, 1, 1, 1, 1, 1, 1, 1}), -1);
    assert_int_equal(dpu_shape_count(-1, NULL), -1);

    struct dpu_tensor t = {.dtype = DPU_DT_INT32, .rank = 2, .dims = {3, 5}};
    assert_int_equal(dpu_tensor_count(&t), 15);
    assert_int_equal(dpu_tensor_nbytes(&t), 60);
    /* 2^40 elements fit, but 2^42 bytes of int32 do not. */
    t.rank = 1;
    t.dims[0] = big;
    assert_int_equal(dpu_tensor_count(&t), big);
    assert_int_equal(dpu_tensor_nbytes(&t), -1);
    t.dtype = (enum dpu_dtype)9;
    assert_int_equal(dpu_tensor_count(&t), -1);
}

static void test_shape_format(void **state)
{
    (void)state;
    char buf[DPU_SHAPE_STR_MAX];
    assert_string_equal(dpu_shape_format(0, NULL, buf, sizeof buf), "()");
    assert_string_equal(dpu_shape_format(1, (int64_t[]){5}, buf, sizeof buf), "(5,)");
    assert_string_equal(dpu_shape_format(4, (int64_t[]){1, 3, 28, 28}, buf, sizeof buf),
                        "(1, 3, 28, 28)");
    int64_t max[8];
    for (int i = 0; i < 8; i++)
        max[i] = DPU_TENSOR_MAX_DIM;
    dpu_shape_format(8, max, buf, sizeof buf);
    assert_int_equal(strlen(buf), 1 + 8 * 13 + 7 * 2 + 1);
    /* A small buffer truncates but stays terminated. */
    char small[6];
    assert_string_equal(dpu_shape_format(2, (int64_t[]){123, 456}, small, sizeof small), "(123,");
}

static void test_tensor_alloc(void **state)
{
    (void)state;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct dpu_tensor t;
    assert_int_equal(dpu_tensor_alloc(&t, DPU_DT_FLOAT32, 2, (int64_t[]){2, 3}, &d), DPU_OK);
    assert_int_equal(t.rank, 2);
    assert_int_equal(t.dims[0], 2);
    assert_int_equal(t.dims[1], 3);
    for (int i = 0; i < 6; i++)
        assert_true(((float *)t.data)[i] == 0.0f);
    dpu_tensor_free(&t);
    assert_null(t.data);
    assert_int_equal(t.rank, 0);
    dpu_tensor_free(&t); /* freeing an empty tensor is harmless */

    /* Empty tensors still get a non-NULL buffer. */
    assert_int_equal(dpu_tensor_alloc(&t, DPU_DT_INT8, 1, (int64_t[]){0}, &d), DPU_OK);
    assert_non_null(t.data);
    dpu_tensor_free(&t);

    assert_int_equal(dpu_tensor_alloc(&t, DPU_DT_INT8, 9, (int64_t[9]){0}, &d), DPU_E_RANGE);
    assert_non_null(strstr(d.msg, "rank 9"));
    assert_null(t.data);
    dpu_diag_clear(&d);
    assert_int_equal(dpu_tensor_alloc(&t, DPU_DT_INT8, 1, (int64_t[]){-4}, &d), DPU_E_RANGE);
    assert_non_null(strstr(d.msg, "-4"));
    dpu_diag_clear(&d);
    assert_int_equal(dpu_tensor_alloc(&t, DPU_DT_INT32, 2, (int64_t[]){1 << 20, 1 << 20}, &d),
                     DPU_E_RANGE);
    assert_non_null(strstr(d.msg, "2^40 bytes"));
    dpu_diag_clear(&d);
    assert_int_equal(dpu_tensor_alloc(&t, (enum dpu_dtype)7, 0, NULL, &d), DPU_E_INVALID);
    assert_non_null(strstr(d.msg, "dtype"));
}

/* Every dtype at ranks 0..4, through memory and through a file. */
static void test_round_trips(void **state)
{
    (void)state;
    static const int64_t dims[] = {2, 3, 1, 5};
    char path[512];
    temp_path(path, sizeof path);
    for (size_t k = 0; k < sizeof all_dtypes / sizeof all_dtypes[0]; k++) {
        for (int rank = 0; rank <= 4; rank++) {
            struct dpu_diag d;
            dpu_diag_clear(&d);
            struct dpu_tensor t, back;
            assert_int_equal(dpu_tensor_alloc(&t, all_dtypes[k], rank, dims, &d), DPU_OK);
            fill_pattern(&t);

            uint8_t *bytes;
            size_t len;
            assert_int_equal(dpu_npy_encode(&t, &bytes, &len, &d), DPU_OK);
            /* The data starts on a 64-byte boundary and fills the rest of the file. */
            size_t hsize = 10 + (size_t)(bytes[8] | bytes[9] << 8);
            assert_int_equal(hsize % 64, 0);
            assert_int_equal(len - hsize, dpu_tensor_nbytes(&t));
            assert_int_equal(bytes[hsize - 1], '\n');
            assert_int_equal(dpu_npy_parse("mem.npy", bytes, len, &back, &d), DPU_OK);
            assert_same_tensor(&t, &back);
            dpu_tensor_free(&back);

            assert_int_equal(dpu_npy_write(path, &t, &d), DPU_OK);
            assert_int_equal(dpu_npy_read(path, &back, &d), DPU_OK);
            assert_same_tensor(&t, &back);
            /* The file holds exactly what encode produced. */
            uint8_t *file;
            size_t flen;
            assert_int_equal(dpu_read_file(path, 1 << 20, &file, &flen, &d), DPU_OK);
            assert_int_equal(flen, len);
            assert_memory_equal(file, bytes, len);
            free(file);
            free(bytes);
            dpu_tensor_free(&back);
            dpu_tensor_free(&t);
        }
    }
    unlink(path);
}

/* The exact header text numpy writes, growth room and padding included. */
static void test_header_text(void **state)
{
    (void)state;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct dpu_tensor t;
    assert_int_equal(dpu_tensor_alloc(&t, DPU_DT_INT8, 4, (int64_t[]){1, 3, 28, 28}, &d), 0);
    uint8_t *bytes;
    size_t len;
    assert_int_equal(dpu_npy_encode(&t, &bytes, &len, &d), DPU_OK);
    const char *want = "{'descr': '|i1', 'fortran_order': False, 'shape': (1, 3, 28, 28), }";
    assert_int_equal(len, 128 + 2352);
    assert_memory_equal(bytes, "\x93NUMPY\x01\x00\x76\x00", 10);
    assert_memory_equal(bytes + 10, want, strlen(want));
    for (size_t i = 10 + strlen(want); i < 127; i++)
        assert_int_equal(bytes[i], ' ');
    assert_int_equal(bytes[127], '\n');
    free(bytes);
    dpu_tensor_free(&t);

    /* A dictionary plus growth room of 117 bytes ends exactly on a 64-byte boundary (10 +
     * 117 + '\n' = 128): numpy's formula then pads a full 64 spaces, data at 192. This also
     * pins the 21-digit growth room, which elsewhere only shifts spaces around. Checked by
     * hand against numpy.lib.format._wrap_header. */
    struct dpu_tensor edge = {
        .dtype = DPU_DT_INT8, .rank = 8, .dims = {0, 10000000000, 10000000000, 1, 1, 1, 1, 1}};
    assert_int_equal(dpu_npy_encode(&edge, &bytes, &len, &d), DPU_OK);
    assert_int_equal(len, 192);
    assert_int_equal(bytes[8] | bytes[9] << 8, 182);
    assert_memory_equal(bytes + 10 + 117,
                        "                                                    "
                        "            \n",
                        65);
    free(bytes);
}

/* Our encoder must reproduce numpy's own files byte for byte. */
static void test_encode_matches_numpy(void **state)
{
    (void)state;
    static const char *const files[] = {
        GOOD("i8_1x3x28x28.npy"), GOOD("u8_5.npy"),    GOOD("i32_scalar.npy"),
        GOOD("f32_2x3.npy"),      GOOD("i32_0x3.npy"), GOOD("i8_rank8.npy"),
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        struct dpu_diag d;
        dpu_diag_clear(&d);
        uint8_t *numpy_bytes, *ours;
        size_t numpy_len, our_len;
        struct dpu_tensor t;
        assert_int_equal(dpu_read_file(files[i], 1 << 20, &numpy_bytes, &numpy_len, &d), 0);
        assert_int_equal(dpu_npy_parse(files[i], numpy_bytes, numpy_len, &t, &d), DPU_OK);
        assert_int_equal(dpu_npy_encode(&t, &ours, &our_len, &d), DPU_OK);
        if (our_len != numpy_len || memcmp(ours, numpy_bytes, our_len) != 0)
            fail_msg("%s: our encoding differs from numpy's", files[i]);
        free(ours);
        free(numpy_bytes);
        dpu_tensor_free(&t);
    }
}

/* What each fixture in good/ must hold; values come from make_fixtures.py's formulas. */
struct fixture {
    const char *path;
    enum dpu_dtype dtype;
    int rank;
    int64_t dims[8];
    int version;
};

static const struct fixture fixtures[] = {
    {GOOD("i8_1x3x28x28.npy"), DPU_DT_INT8, 4, {1, 3, 28, 28}, 1},
    {GOOD("u8_5.npy"), DPU_DT_UINT8, 1, {5}, 1},
    {GOOD("i32_scalar.npy"), DPU_DT_INT32, 0, {0}, 1},
    {GOOD("f32_2x3.npy"), DPU_DT_FLOAT32, 2, {2, 3}, 1},
    {GOOD("i32_0x3.npy"), DPU_DT_INT32, 2, {0, 3}, 1},
    {GOOD("i32_2x3x4_big_endian.npy"), DPU_DT_INT32, 3, {2, 3, 4}, 1},
    {GOOD("f32_3_big_endian.npy"), DPU_DT_FLOAT32, 1, {3}, 1},
    {GOOD("i8_rank8.npy"), DPU_DT_INT8, 8, {1, 1, 1, 1, 1, 1, 2, 3}, 1},
    {GOOD("u8_4x2_v2.npy"), DPU_DT_UINT8, 2, {4, 2}, 2},
    {GOOD("u8_4x2_v3.npy"), DPU_DT_UINT8, 2, {4, 2}, 3},
    {GOOD("i32_2x3_hand.npy"), DPU_DT_INT32, 2, {2, 3}, 1},
};

static void check_fixture_values(const struct fixture *f, const struct dpu_tensor *t)
{
    const char *name = strrchr(f->path, '/') + 1;
    int64_t n = dpu_tensor_count(t);
    if (!strcmp(name, "i8_1x3x28x28.npy")) {
        for (int64_t i = 0; i < n; i++)
            assert_int_equal(((int8_t *)t->data)[i], (int8_t)((i * 37) % 256 - 128));
    } else if (!strcmp(name, "u8_5.npy")) {
        assert_memory_equal(t->data, ((uint8_t[]){0, 1, 127, 128, 255}), 5);
    } else if (!strcmp(name, "i32_scalar.npy")) {
        assert_int_equal(((int32_t *)t->data)[0], -123456789);
    } else if (!strcmp(name, "f32_2x3.npy")) {
        float want[] = {0.0f, -1.5f, 3.25f, 1e30f, -0.0f, 0.1f};
        assert_memory_equal(t->data, want, sizeof want); /* bits, so -0.0 counts */
    } else if (!strcmp(name, "i32_2x3x4_big_endian.npy")) {
        for (int64_t i = 0; i < n; i++)
            assert_int_equal(((int32_t *)t->data)[i], (int32_t)(i * 1000003 - 5000000));
    } else if (!strcmp(name, "f32_3_big_endian.npy")) {
        float want[] = {1.0f, -2.5f, 1e-7f};
        assert_memory_equal(t->data, want, sizeof want);
    } else if (!strcmp(name, "i8_rank8.npy")) {
        assert_memory_equal(t->data, ((int8_t[]){-3, -2, -1, 0, 1, 2}), 6);
    } else if (!strncmp(name, "u8_4x2_v", 8)) {
        for (int64_t i = 0; i < n; i++)
            assert_int_equal(((uint8_t *)t->data)[i], (uint8_t)(i * 31));
    } else if (!strcmp(name, "i32_2x3_hand.npy")) {
        assert_memory_equal(t->data, ((int32_t[]){1, -2, 3, -4, 5, -6}), 24);
    } else {
        assert_int_equal(n, 0); /* i32_0x3: nothing to compare */
    }
}

static void test_read_fixtures(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++) {
        const struct fixture *f = &fixtures[i];
        struct dpu_diag d;
        dpu_diag_clear(&d);
        struct dpu_tensor t;
        int err = dpu_npy_read(f->path, &t, &d);
        if (err)
            fail_msg("%s: %s", f->path, dpu_diag_message(&d));
        assert_int_equal(t.dtype, f->dtype);
        assert_int_equal(t.rank, f->rank);
        for (int k = 0; k < f->rank; k++)
            assert_int_equal(t.dims[k], f->dims[k]);
        check_fixture_values(f, &t);

        /* dpu_npy_parse on the same bytes agrees with dpu_npy_read. */
        uint8_t *bytes;
        size_t len;
        struct dpu_tensor again;
        struct dpu_npy_header h;
        assert_int_equal(dpu_read_file(f->path, 1 << 20, &bytes, &len, &d), DPU_OK);
        assert_int_equal(dpu_npy_parse_header(f->path, bytes, len, &h, &d), DPU_OK);
        assert_int_equal(h.major, f->version);
        assert_int_equal(h.minor, 0);
        assert_int_equal(dpu_npy_parse(f->path, bytes, len, &again, &d), DPU_OK);
        assert_same_tensor(&t, &again);
        free(bytes);
        dpu_tensor_free(&again);
        dpu_tensor_free(&t);
    }
}

/* Every prefix of a valid file and every single-byte change to its header must be either
 * accepted or refused with a message, never crash (run under ASan in build-h5-san). */
static void test_truncations_and_flips(void **state)
{
    (void)state;
    uint8_t *bytes;
    size_t len;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_read_file(GOOD("f32_2x3.npy"), 1 << 20, &bytes, &len, &d), DPU_OK);
    for (size_t cut = 0; cut < len; cut++) {
        struct dpu_tensor t;
        dpu_diag_clear(&d);
        /* A copy of exactly cut bytes, so ASan sees any read past the end. */
        uint8_t *prefix = malloc(cut ? cut : 1);
        memcpy(prefix, bytes, cut);
        assert_int_not_equal(dpu_npy_parse("cut.npy", prefix, cut, &t, &d), DPU_OK);
        assert_true(d.msg[0] != '\0');
        assert_null(t.data);
        free(prefix);
    }
    size_t hsize = 10 + (size_t)(bytes[8] | bytes[9] << 8);
    static const uint8_t flips[] = {0x00, 0x20, 0x27, 0x28, 0x29, 0x2c, 0x2d, 0x30,
                                    0x39, 0x3a, 0x7b, 0x7d, 0x0a, 0x80, 0xff};
    for (size_t pos = 0; pos < hsize; pos++) {
        for (size_t k = 0; k < sizeof flips; k++) {
            uint8_t saved = bytes[pos];
            bytes[pos] = flips[k];
            struct dpu_tensor t;
            dpu_diag_clear(&d);
            int err = dpu_npy_parse("flip.npy", bytes, len, &t, &d);
            if (err) {
                assert_true(err == DPU_E_PARSE || err == DPU_E_UNSUPPORTED || err == DPU_E_RANGE);
                assert_true(d.msg[0] != '\0');
            }
            dpu_tensor_free(&t);
            bytes[pos] = saved;
        }
    }
    free(bytes);
}

static void test_write_errors(void **state)
{
    (void)state;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct dpu_tensor t;
    assert_int_equal(dpu_tensor_alloc(&t, DPU_DT_INT8, 1, (int64_t[]){4}, &d), DPU_OK);
    assert_int_equal(dpu_npy_write("/nonexistent-dir/x.npy", &t, &d), DPU_E_IO);
    assert_non_null(strstr(d.msg, "/nonexistent-dir/x.npy"));

    /* A tensor with elements but no data, or a bad shape, is refused before any output. */
    struct dpu_tensor nodata = {.dtype = DPU_DT_INT32, .rank = 1, .dims = {3}, .data = NULL};
    uint8_t *bytes = (uint8_t *)"unchanged";
    size_t len = 99;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_npy_encode(&nodata, &bytes, &len, &d), DPU_E_INVALID);
    assert_null(bytes);
    assert_int_equal(len, 0);
    assert_non_null(strstr(d.msg, "no data"));
    dpu_diag_clear(&d);
    char path[512];
    temp_path(path, sizeof path);
    assert_int_equal(dpu_npy_write(path, &nodata, &d), DPU_E_INVALID);
    assert_non_null(strstr(d.msg, path));
    assert_non_null(strstr(d.msg, "no data"));
    unlink(path);

    struct dpu_tensor badrank = {.dtype = DPU_DT_INT8, .rank = 12, .data = t.data};
    dpu_diag_clear(&d);
    assert_int_equal(dpu_npy_encode(&badrank, &bytes, &len, &d), DPU_E_RANGE);
    assert_non_null(strstr(d.msg, "rank 12"));

    /* An empty tensor needs no data pointer at all. */
    struct dpu_tensor empty = {.dtype = DPU_DT_FLOAT32, .rank = 2, .dims = {4, 0}};
    dpu_diag_clear(&d);
    assert_int_equal(dpu_npy_encode(&empty, &bytes, &len, &d), DPU_OK);
    assert_int_equal(len, 128);
    free(bytes);
    dpu_tensor_free(&t);
}

static void test_read_missing_file(void **state)
{
    (void)state;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct dpu_tensor t;
    assert_int_equal(dpu_npy_read(NPY_TEST_DIR "/no-such-file.npy", &t, &d), DPU_E_IO);
    assert_non_null(strstr(d.msg, "no-such-file.npy"));
    assert_null(t.data);

    /* Without a name, messages say where the bytes came from as "<memory>". */
    dpu_diag_clear(&d);
    assert_int_equal(dpu_npy_parse(NULL, (const uint8_t *)"PK", 2, &t, &d), DPU_E_PARSE);
    assert_non_null(strstr(d.msg, "<memory>: not a .npy file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dtype_helpers),         cmocka_unit_test(test_shape_count),
        cmocka_unit_test(test_shape_format),          cmocka_unit_test(test_tensor_alloc),
        cmocka_unit_test(test_round_trips),           cmocka_unit_test(test_header_text),
        cmocka_unit_test(test_encode_matches_numpy),  cmocka_unit_test(test_read_fixtures),
        cmocka_unit_test(test_truncations_and_flips), cmocka_unit_test(test_write_errors),
        cmocka_unit_test(test_read_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
