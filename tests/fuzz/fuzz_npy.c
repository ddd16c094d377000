/* libFuzzer target for the .npy reader: any input must be refused cleanly (an expected error
 * code, a message, no tensor) or accepted as a tensor that fills the input exactly, survives
 * encode -> parse unchanged, and whose encoding is a fixed point. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/npy.h"
#include "fuzz_target.h"

static void check_same(const struct dpu_tensor *a, const struct dpu_tensor *b)
{
    FUZZ_CHECK(a->dtype == b->dtype && a->rank == b->rank);
    for (int i = 0; i < a->rank; i++)
        FUZZ_CHECK(a->dims[i] == b->dims[i]);
    int64_t nbytes = dpu_tensor_nbytes(a);
    FUZZ_CHECK(nbytes >= 0 && nbytes == dpu_tensor_nbytes(b));
    FUZZ_CHECK(a->data && b->data);
    FUZZ_CHECK(nbytes == 0 || memcmp(a->data, b->data, (size_t)nbytes) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct dpu_tensor t;
    int err = dpu_npy_parse("fuzz.npy", data, size, &t, &d);
    if (err) {
        FUZZ_CHECK(err == DPU_E_PARSE || err == DPU_E_UNSUPPORTED || err == DPU_E_RANGE);
        FUZZ_CHECK(d.err == err && d.msg[0] != '\0');
        FUZZ_CHECK(t.data == NULL);
        return 0;
    }
    /* Accepted: the header plus exactly the tensor's bytes make up the whole input. */
    int64_t nbytes = dpu_tensor_nbytes(&t);
    struct dpu_npy_header h;
    FUZZ_CHECK(nbytes >= 0);
    FUZZ_CHECK(dpu_npy_parse_header("fuzz.npy", data, size, &h, &d) == DPU_OK);
    FUZZ_CHECK(h.data_offset + (size_t)nbytes == size);

    uint8_t *enc = NULL, *enc2 = NULL;
    size_t len = 0, len2 = 0;
    struct dpu_tensor back;
    FUZZ_CHECK(dpu_npy_encode(&t, &enc, &len, &d) == DPU_OK);
    FUZZ_CHECK(dpu_npy_parse("encoded.npy", enc, len, &back, &d) == DPU_OK);
    check_same(&t, &back);
    FUZZ_CHECK(dpu_npy_encode(&back, &enc2, &len2, &d) == DPU_OK);
    FUZZ_CHECK(len2 == len && memcmp(enc, enc2, len) == 0);
    free(enc);
    free(enc2);
    dpu_tensor_free(&back);
    dpu_tensor_free(&t);
    return 0;
}
