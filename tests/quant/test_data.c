/* Data sets: the IDX reader (plain and gzipped, every element type, the refusals) and the
 * calibration/evaluation sets (.npy, IDX, raw; preprocessing; labels). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "dpu/fileio.h"
#include "dpu/idx.h"
#include "dpu/npy.h"
#include "quant_test_util.h"

/* uint8 [3, 2, 2]: 0 .. 11. */
static const uint8_t idx_u8[] = {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0,  0,
                                 0, 2, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};

static size_t gzip_bytes(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (Bytef *)in;
    zs.avail_in = (uInt)len;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t n = cap - zs.avail_out;
    deflateEnd(&zs);
    return n;
}

static void expect_u8(const struct dpu_tensor *t)
{
    assert_int_equal(t->dtype, DPU_DT_UINT8);
    assert_int_equal(t->rank, 3);
    assert_int_equal(t->dims[0], 3);
    assert_int_equal(t->dims[1], 2);
    assert_int_equal(t->dims[2], 2);
    for (int i = 0; i < 12; i++)
        assert_int_equal(((uint8_t *)t->data)[i], i);
}

static void test_idx_plain_and_gzip(void **state)
{
    (void)state;
    struct dpu_tensor t;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_true(dpu_idx_sniff(idx_u8, sizeof idx_u8));
    assert_int_equal(dpu_idx_parse("a.idx", idx_u8, sizeof idx_u8, &t, &d), 0);
    expect_u8(&t);
    dpu_tensor_free(&t);
    uint8_t gz[256];
    size_t n = gzip_bytes(idx_u8, sizeof idx_u8, gz, sizeof gz);
    assert_true(dpu_idx_sniff(gz, n));
    assert_int_equal(dpu_idx_parse("a.idx.gz", gz, n, &t, &d), 0);
    expect_u8(&t);
    dpu_tensor_free(&t);
    /* And from a file, as data set and as labels source. */
    char path[512];
    snprintf(path, sizeof path, "%s/quant_test.idx.gz", QUANT_TMP_DIR);
    assert_int_equal(dpu_write_file(path, gz, n, &d), 0);
    assert_int_equal(dpu_idx_read(path, &t, &d), 0);
    expect_u8(&t);
    dpu_tensor_free(&t);
}

static void test_idx_types(void **state)
{
    (void)state;
    struct dpu_tensor t;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    /* int16 [2]: -2, 300 -> int32. */
    const uint8_t i16[] = {0, 0, 0x0B, 1, 0, 0, 0, 2, 0xFF, 0xFE, 0x01, 0x2C};
    assert_int_equal(dpu_idx_parse(NULL, i16, sizeof i16, &t, &d), 0);
    assert_int_equal(t.dtype, DPU_DT_INT32);
    assert_int_equal(((int32_t *)t.data)[0], -2);
    assert_int_equal(((int32_t *)t.data)[1], 300);
    dpu_tensor_free(&t);
    /* int32 [1]: -100000 = 0xFFFE7960. */
    const uint8_t i32[] = {0, 0, 0x0C, 1, 0, 0, 0, 1, 0xFF, 0xFE, 0x79, 0x60};
    assert_int_equal(dpu_idx_parse(NULL, i32, sizeof i32, &t, &d), 0);
    assert_int_equal(((int32_t *)t.data)[0], -100000);
    dpu_tensor_free(&t);
    /* float32 [1]: 1.5 = 0x3FC00000; signed byte [1]: -3. */
    const uint8_t f32[] = {0, 0, 0x0D, 1, 0, 0, 0, 1, 0x3F, 0xC0, 0, 0};
    assert_int_equal(dpu_idx_parse(NULL, f32, sizeof f32, &t, &d), 0);
    assert_true(((float *)t.data)[0] == 1.5f);
    dpu_tensor_free(&t);
    const uint8_t i8[] = {0, 0, 0x09, 1, 0, 0, 0, 1, 0xFD};
    assert_int_equal(dpu_idx_parse(NULL, i8, sizeof i8, &t, &d), 0);
    assert_int_equal(t.dtype, DPU_DT_INT8);
    assert_int_equal(((int8_t *)t.data)[0], -3);
    dpu_tensor_free(&t);
    /* double [1]: 0.1 = 0x3FB999999999999A -> (float)0.1. */
    const uint8_t f64[] = {0,    0,    0x0E, 1,    0,    0,    0,    1,
                           0x3F, 0xB9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A};
    assert_int_equal(dpu_idx_parse(NULL, f64, sizeof f64, &t, &d), 0);
    assert_true(((float *)t.data)[0] == 0.1f);
    dpu_tensor_free(&t);
}

static void idx_refused(const uint8_t *b, size_t len, int err, const char *text)
{
    struct dpu_tensor t;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    qt_expect_error(dpu_idx_parse("bad.idx", b, len, &t, &d), &d, err, "bad.idx", text, NULL);
    assert_null(t.data);
}

static void test_idx_refusals(void **state)
{
    (void)state;
    idx_refused(idx_u8, 3, DPU_E_PARSE, "too short");
    const uint8_t magic[] = {1, 0, 8, 1, 0, 0, 0, 1, 7};
    idx_refused(magic, sizeof magic, DPU_E_PARSE, "not an IDX file");
    const uint8_t type[] = {0, 0, 0x0A, 1, 0, 0, 0, 1, 7};
    idx_refused(type, sizeof type, DPU_E_UNSUPPORTED, "type code 0x0a");
    const uint8_t rank0[] = {0, 0, 8, 0};
    idx_refused(rank0, sizeof rank0, DPU_E_UNSUPPORTED, "rank 0");
    idx_refused(idx_u8, 10, DPU_E_PARSE, "truncated in the dimensions");
    idx_refused(idx_u8, sizeof idx_u8 - 1, DPU_E_PARSE, "data too short");
    uint8_t longer[sizeof idx_u8 + 1];
    memcpy(longer, idx_u8, sizeof idx_u8);
    longer[sizeof idx_u8] = 0;
    idx_refused(longer, sizeof longer, DPU_E_PARSE, "data too long");
    uint8_t gz[256];
    size_t n = gzip_bytes(idx_u8, sizeof idx_u8, gz, sizeof gz);
    idx_refused(gz, n - 6, DPU_E_PARSE, "gzip stream truncated");
    gz[n] = 'x';
    idx_refused(gz, n + 1, DPU_E_PARSE, "after the end of the gzip stream");
    gz[12] ^= 0xff;
    struct dpu_tensor t;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_not_equal(dpu_idx_parse("bad.idx", gz, n, &t, &d), 0);
}

/* The zoo's normalisation: x = (u8 / 255 - 0.2860) / 0.3530. */
static void test_preprocess_uint8(void **state)
{
    (void)state;
    uint8_t raw[8] = {0, 255, 128, 1, 2, 3, 4, 5};
    struct dpu_tensor t = {DPU_DT_UINT8, 4, {2, 1, 2, 2}, raw};
    struct dpu_data_options o;
    dpu_data_options_init(&o);
    o.nmean = o.nstd = 1;
    o.mean[0] = 0.2860;
    o.std[0] = 0.3530;
    struct dpu_calib_set cs;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_calib_from_tensor("t", &t, &o, &cs, &d), 0);
    assert_int_equal(cs.count, 2);
    assert_int_equal(cs.sample_elems, 4);
    for (int i = 0; i < 8; i++)
        assert_true(((float *)cs.data.data)[i] == (float)((raw[i] / 255.0 - 0.2860) / 0.3530));
    assert_true(dpu_calib_sample(&cs, 1)[0] == (float)((2 / 255.0 - 0.2860) / 0.3530));
    dpu_calib_free(&cs);
    /* An explicit scale replaces the division by 255; limit keeps the first samples. */
    o.scale = 2.0;
    o.limit = 1;
    assert_int_equal(dpu_calib_from_tensor("t", &t, &o, &cs, &d), 0);
    assert_int_equal(cs.count, 1);
    assert_true(((float *)cs.data.data)[1] == (float)((255 * 2.0 - 0.2860) / 0.3530));
    dpu_calib_free(&cs);
}

static void test_preprocess_channels(void **state)
{
    (void)state;
    float raw[6] = {1, 2, 3, 4, 5, 6}; /* [1, 3, 1, 2]: channels (1,2), (3,4), (5,6) */
    struct dpu_tensor t = {DPU_DT_FLOAT32, 4, {1, 3, 1, 2}, raw};
    struct dpu_data_options o;
    dpu_data_options_init(&o);
    o.nmean = 3;
    o.mean[0] = 1;
    o.mean[1] = 2;
    o.mean[2] = 3;
    o.nstd = 1;
    o.std[0] = 0.5;
    struct dpu_calib_set cs;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_calib_from_tensor("t", &t, &o, &cs, &d), 0);
    float want[6] = {0, 2, 2, 4, 4, 6};
    assert_memory_equal(cs.data.data, want, sizeof want);
    dpu_calib_free(&cs);
    o.nmean = 2;
    qt_expect_error(dpu_calib_from_tensor("t", &t, &o, &cs, &d), &d, DPU_E_MISMATCH,
                    "2 mean values for samples of 3 channels", NULL);
    o.nmean = 0;
    o.std[0] = 0;
    dpu_diag_clear(&d);
    qt_expect_error(dpu_calib_from_tensor("t", &t, &o, &cs, &d), &d, DPU_E_RANGE, "std value",
                    NULL);
}

static void test_load_files_and_labels(void **state)
{
    (void)state;
    char npy[512], lab[512], raw[512], idx[512];
    snprintf(npy, sizeof npy, "%s/quant_test_x.npy", QUANT_TMP_DIR);
    snprintf(lab, sizeof lab, "%s/quant_test_y.npy", QUANT_TMP_DIR);
    snprintf(raw, sizeof raw, "%s/quant_test_x.bin", QUANT_TMP_DIR);
    snprintf(idx, sizeof idx, "%s/quant_test_y.idx", QUANT_TMP_DIR);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    uint8_t px[12] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    int32_t labels[3] = {7, 0, 9};
    struct dpu_tensor x = {DPU_DT_UINT8, 4, {3, 1, 2, 2}, px};
    struct dpu_tensor y = {DPU_DT_INT32, 1, {3}, labels};
    assert_int_equal(dpu_npy_write(npy, &x, &d), 0);
    assert_int_equal(dpu_npy_write(lab, &y, &d), 0);
    assert_int_equal(dpu_write_file(raw, px, 12, &d), 0);
    const uint8_t idx_labels[] = {0, 0, 8, 1, 0, 0, 0, 3, 7, 0, 9};
    assert_int_equal(dpu_write_file(idx, idx_labels, sizeof idx_labels, &d), 0);

    struct dpu_data_options o;
    dpu_data_options_init(&o);
    struct dpu_calib_set a, b;
    assert_int_equal(dpu_calib_load(npy, &o, &a, &d), 0);
    assert_int_equal(dpu_calib_load_labels(lab, &a, &d), 0);
    assert_int_equal(a.labels[0], 7);
    assert_int_equal(a.labels[2], 9);
    assert_true(((float *)a.data.data)[11] == (float)(11 / 255.0));
    /* The same samples as raw bytes, labels from IDX. */
    assert_int_equal(dpu_data_parse_shape("1x2x2", &o, &d), 0);
    assert_int_equal(o.raw_rank, 3);
    assert_int_equal(dpu_calib_load(raw, &o, &b, &d), 0);
    assert_int_equal(b.count, 3);
    assert_memory_equal(a.data.data, b.data.data, 12 * sizeof(float));
    assert_int_equal(dpu_calib_load_labels(idx, &b, &d), 0);
    assert_memory_equal(a.labels, b.labels, sizeof labels);
    dpu_calib_free(&b);
    /* A raw file that is not a whole number of samples; a data file without a format. */
    assert_int_equal(dpu_data_parse_shape("5", &o, &d), 0);
    qt_expect_error(dpu_calib_load(raw, &o, &b, &d), &d, DPU_E_MISMATCH, "whole number", NULL);
    dpu_data_options_init(&o);
    dpu_diag_clear(&d);
    qt_expect_error(dpu_calib_load(raw, &o, &b, &d), &d, DPU_E_PARSE, "neither a .npy nor an IDX",
                    NULL);
    /* Fewer labels than samples; float labels. */
    struct dpu_calib_set big = a;
    big.count = 4;
    dpu_diag_clear(&d);
    qt_expect_error(dpu_calib_load_labels(lab, &big, &d), &d, DPU_E_MISMATCH, "3 labels for 4",
                    NULL);
    dpu_diag_clear(&d);
    qt_expect_error(dpu_calib_load_labels(npy, &a, &d), &d, DPU_E_MISMATCH, "labels must be", NULL);
    dpu_calib_free(&a);
}

static void test_parse_lists(void **state)
{
    (void)state;
    double v[4];
    size_t n;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_data_parse_list("--mean", "0.485,0.456,0.406", v, 4, &n, &d), 0);
    assert_int_equal(n, 3);
    assert_true(v[1] == 0.456);
    assert_int_equal(dpu_data_parse_list("--std", "2", v, 4, &n, &d), 0);
    assert_int_equal(n, 1);
    qt_expect_error(dpu_data_parse_list("--mean", "1,,2", v, 4, &n, &d), &d, DPU_E_PARSE, "--mean",
                    NULL);
    dpu_diag_clear(&d);
    qt_expect_error(dpu_data_parse_list("--mean", "1,2,3,4,5", v, 4, &n, &d), &d, DPU_E_RANGE,
                    "more than 4", NULL);
    struct dpu_data_options o;
    dpu_data_options_init(&o);
    assert_int_equal(dpu_data_parse_shape("3,224,224", &o, &d), 0);
    assert_int_equal(o.raw_rank, 3);
    assert_int_equal(o.raw_dims[2], 224);
    dpu_diag_clear(&d);
    qt_expect_error(dpu_data_parse_shape("3x0", &o, &d), &d, DPU_E_PARSE, "positive", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idx_plain_and_gzip),  cmocka_unit_test(test_idx_types),
        cmocka_unit_test(test_idx_refusals),        cmocka_unit_test(test_preprocess_uint8),
        cmocka_unit_test(test_preprocess_channels), cmocka_unit_test(test_load_files_and_labels),
        cmocka_unit_test(test_parse_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
