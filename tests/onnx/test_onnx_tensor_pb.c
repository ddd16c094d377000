/* dpu_onnx_read_tensor_pb: TensorProto files as ONNX's test data sets store them, written
 * here with protobuf-c in every layout (raw_data, typed fields) and broken in every way the
 * reader must notice; and one file from libonnx-testdata. */
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
#include "dpu/onnx_import.h"
#include "onnx.pb-c.h"

#define TMP ONNX_TMP_DIR "/tensor_pb_test.pb"

static void write_pb(const Onnx__TensorProto *t)
{
    size_t len = onnx__tensor_proto__get_packed_size(t);
    uint8_t *buf = malloc(len + 1);
    assert_non_null(buf);
    onnx__tensor_proto__pack(t, buf);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    assert_int_equal(dpu_write_file(TMP, buf, len, &d), DPU_OK);
    free(buf);
}

static int read_pb(struct dpu_tensor *t, char *name, size_t cap, struct dpu_diag *d)
{
    dpu_diag_clear(d);
    return dpu_onnx_read_tensor_pb(TMP, t, name, cap, d);
}

/* Writes t, expects err and a message containing want. */
static void expect_error(const Onnx__TensorProto *pb, int err, const char *want)
{
    write_pb(pb);
    struct dpu_tensor t;
    struct dpu_diag d;
    assert_int_equal(read_pb(&t, NULL, 0, &d), err);
    if (!strstr(d.msg, want))
        fail_msg("message '%s' lacks '%s'", d.msg, want);
    assert_null(t.data);
}

static void test_raw_float(void **state)
{
    (void)state;
    Onnx__TensorProto pb = ONNX__TENSOR_PROTO__INIT;
    int64_t dims[2] = {2, 3};
    float v[6] = {1, -2, 3.5f, 0, 1e-3f, -7};
    pb.name = "input_a";
    pb.n_dims = 2;
    pb.dims = dims;
    pb.has_data_type = 1;
    pb.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    pb.has_raw_data = 1;
    pb.raw_data.len = sizeof v;
    pb.raw_data.data = (uint8_t *)v;
    write_pb(&pb);
    struct dpu_tensor t;
    struct dpu_diag d;
    char name[64];
    assert_int_equal(read_pb(&t, name, sizeof name, &d), DPU_OK);
    assert_string_equal(name, "input_a");
    assert_int_equal(t.dtype, DPU_DT_FLOAT32);
    assert_int_equal(t.rank, 2);
    assert_int_equal(t.dims[1], 3);
    assert_memory_equal(t.data, v, sizeof v);
    dpu_tensor_free(&t);

    /* A short name buffer truncates. */
    char small[4];
    assert_int_equal(read_pb(&t, small, sizeof small, &d), DPU_OK);
    assert_string_equal(small, "inp");
    dpu_tensor_free(&t);

    pb.raw_data.len = sizeof v - 4;
    expect_error(&pb, DPU_E_PARSE, "raw_data has 20 bytes");
    pb.raw_data.len = sizeof v;
    float extra = 1;
    pb.n_float_data = 1;
    pb.float_data = &extra;
    expect_error(&pb, DPU_E_PARSE, "both raw_data and typed data");
}

static void test_typed_fields(void **state)
{
    (void)state;
    Onnx__TensorProto pb = ONNX__TENSOR_PROTO__INIT;
    int64_t dim = 4;
    float f[4] = {0.5f, 1, 2, 4};
    pb.n_dims = 1;
    pb.dims = &dim;
    pb.has_data_type = 1;
    pb.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    pb.n_float_data = 4;
    pb.float_data = f;
    write_pb(&pb);
    struct dpu_tensor t;
    struct dpu_diag d;
    assert_int_equal(read_pb(&t, NULL, 0, &d), DPU_OK);
    assert_memory_equal(t.data, f, sizeof f);
    dpu_tensor_free(&t);
    pb.n_float_data = 3;
    expect_error(&pb, DPU_E_PARSE, "float_data has 3 values");

    /* int8 and uint8 travel in int32_data, one value each. */
    int32_t i8[4] = {-128, -1, 0, 127};
    pb.n_float_data = 0;
    pb.float_data = NULL;
    pb.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT8;
    pb.n_int32_data = 4;
    pb.int32_data = i8;
    write_pb(&pb);
    assert_int_equal(read_pb(&t, NULL, 0, &d), DPU_OK);
    assert_int_equal(t.dtype, DPU_DT_INT8);
    assert_int_equal(((int8_t *)t.data)[0], -128);
    assert_int_equal(((int8_t *)t.data)[3], 127);
    dpu_tensor_free(&t);
    pb.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__UINT8;
    expect_error(&pb, DPU_E_RANGE, "int32_data[0] = -128 does not fit uint8");

    /* int64 narrows to int32 when every value fits. */
    int64_t i64[4] = {-5, 0, 2147483647, -2147483648LL};
    pb.n_int32_data = 0;
    pb.int32_data = NULL;
    pb.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
    pb.n_int64_data = 4;
    pb.int64_data = i64;
    write_pb(&pb);
    assert_int_equal(read_pb(&t, NULL, 0, &d), DPU_OK);
    assert_int_equal(t.dtype, DPU_DT_INT32);
    assert_int_equal(((int32_t *)t.data)[2], 2147483647);
    assert_int_equal(((int32_t *)t.data)[3], INT32_MIN);
    dpu_tensor_free(&t);
    i64[1] = (int64_t)1 << 40;
    expect_error(&pb, DPU_E_RANGE, "does not fit int32");

    /* The wrong typed field for the type. */
    pb.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    expect_error(&pb, DPU_E_PARSE, "float32 data must be in float_data");
}

static void test_refused(void **state)
{
    (void)state;
    Onnx__TensorProto pb = ONNX__TENSOR_PROTO__INIT;
    int64_t dim = 2;
    uint8_t raw[8] = {0};
    pb.n_dims = 1;
    pb.dims = &dim;
    pb.has_data_type = 1;
    pb.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__BOOL;
    pb.has_raw_data = 1;
    pb.raw_data.len = 2;
    pb.raw_data.data = raw;
    expect_error(&pb, DPU_E_UNSUPPORTED, "element type bool is not supported");
    pb.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE;
    expect_error(&pb, DPU_E_UNSUPPORTED, "element type double");
    pb.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    pb.has_data_type = 0;
    expect_error(&pb, DPU_E_PARSE, "no element type");
    pb.has_data_type = 1;

    Onnx__TensorProto__Segment seg = ONNX__TENSOR_PROTO__SEGMENT__INIT;
    pb.raw_data.len = 8;
    pb.segment = &seg;
    expect_error(&pb, DPU_E_UNSUPPORTED, "segmented");
    pb.segment = NULL;

    Onnx__StringStringEntryProto loc = ONNX__STRING_STRING_ENTRY_PROTO__INIT;
    Onnx__StringStringEntryProto *locs[1] = {&loc};
    loc.key = "location";
    loc.value = "data.bin";
    pb.has_raw_data = 0;
    pb.has_data_location = 1;
    pb.data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
    pb.n_external_data = 1;
    pb.external_data = locs;
    expect_error(&pb, DPU_E_UNSUPPORTED, "external file");
    pb.has_data_location = 0;
    pb.n_external_data = 0;

    int64_t huge[3] = {(int64_t)1 << 30, (int64_t)1 << 30, 16};
    pb.n_dims = 3;
    pb.dims = huge;
    expect_error(&pb, DPU_E_RANGE, "2^40 bytes");
    int64_t neg = -3;
    pb.n_dims = 1;
    pb.dims = &neg;
    expect_error(&pb, DPU_E_RANGE, "dimension 0 is -3");
}

static void test_malformed_files(void **state)
{
    (void)state;
    struct dpu_diag d;
    const uint8_t junk[] = {0x0a, 0xff, 0xff, 0xff, 0x7f, 0x01};
    dpu_diag_clear(&d);
    assert_int_equal(dpu_write_file(TMP, junk, sizeof junk, &d), DPU_OK);
    struct dpu_tensor t;
    assert_int_equal(read_pb(&t, NULL, 0, &d), DPU_E_PARSE);
    assert_non_null(strstr(d.msg, "not a valid ONNX protobuf"));
    dpu_diag_clear(&d);
    assert_int_equal(dpu_onnx_read_tensor_pb(ONNX_TMP_DIR "/missing.pb", &t, NULL, 0, &d),
                     DPU_E_IO);
}

static void test_testdata_file(void **state)
{
    (void)state;
    const char *path = ONNX_TESTDATA_DIR "/node/test_relu/test_data_set_0/input_0.pb";
    if (access(path, R_OK) != 0)
        skip();
    struct dpu_tensor t;
    struct dpu_diag d;
    char name[32];
    dpu_diag_clear(&d);
    assert_int_equal(dpu_onnx_read_tensor_pb(path, &t, name, sizeof name, &d), DPU_OK);
    assert_string_equal(name, "x");
    assert_int_equal(t.dtype, DPU_DT_FLOAT32);
    assert_int_equal(t.rank, 3);
    assert_int_equal(t.dims[0] * t.dims[1] * t.dims[2], 60);
    dpu_tensor_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_raw_float),     cmocka_unit_test(test_typed_fields),
        cmocka_unit_test(test_refused),       cmocka_unit_test(test_malformed_files),
        cmocka_unit_test(test_testdata_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
