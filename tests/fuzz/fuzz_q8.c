/* libFuzzer target for the model.q8 readers, binary and text. Any input must be refused
 * cleanly (an expected error code, a message, an empty graph) or accepted as a graph that
 *   - re-encodes (binary and text) to bytes that decode to an equal graph,
 *   - whose encodings are fixed points (encode(decode(encode(g))) == encode(g)),
 *   - that the summary (graph_info) can describe.
 * Binary inputs are also tried with their CRC re-stamped, so that mutations reach the
 * section parsers instead of stopping at the checksum. The unverified binary reader gets
 * the same treatment: what it accepts must round-trip as well. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/crc32.h"
#include "dpu/graph_info.h"
#include "dpu/q8.h"
#include "fuzz_target.h"

static bool expected_error(int err)
{
    return err == DPU_E_PARSE || err == DPU_E_UNSUPPORTED || err == DPU_E_RANGE ||
           err == DPU_E_INVALID || err == DPU_E_MISMATCH;
}

static void check_refusal(int err, const struct dpu_diag *d, const struct dpu_graph *g)
{
    FUZZ_CHECK(expected_error(err));
    FUZZ_CHECK(d->err == err && d->msg[0] != '\0');
    FUZZ_CHECK(!g->tensors && !g->nodes && !g->inputs && !g->outputs && !g->name);
}

static void check_binary_roundtrip(const struct dpu_graph *g, bool verified)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    uint8_t *b1, *b2;
    size_t n1, n2;
    FUZZ_CHECK(dpu_q8_encode(g, &b1, &n1, &d) == DPU_OK);
    struct dpu_graph back;
    int err = verified ? dpu_q8_decode("re.q8", b1, n1, &back, &d)
                       : dpu_q8_decode_unverified("re.q8", b1, n1, &back, &d);
    if (err)
        fprintf(stderr, "re-decode: %s\n", d.msg);
    FUZZ_CHECK(err == DPU_OK);
    FUZZ_CHECK(dpu_q8_graph_equal(g, &back, NULL, 0));
    FUZZ_CHECK(dpu_q8_encode(&back, &b2, &n2, &d) == DPU_OK);
    FUZZ_CHECK(n1 == n2 && memcmp(b1, b2, n1) == 0);
    free(b1);
    free(b2);
    dpu_graph_free(&back);
}

static char *text_of(const struct dpu_graph *g, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    FUZZ_CHECK(f != NULL);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    int err = dpu_q8_text_write(f, g, &d);
    FUZZ_CHECK(fclose(f) == 0);
    FUZZ_CHECK(err == DPU_OK);
    return buf;
}

static void check_text_roundtrip(const struct dpu_graph *g)
{
    size_t n1, n2;
    char *t1 = text_of(g, &n1);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct dpu_graph back;
    int err = dpu_q8_text_read("re.q8.txt", t1, n1, &back, &d);
    if (err)
        fprintf(stderr, "text re-read: %s\n", d.msg);
    FUZZ_CHECK(err == DPU_OK);
    FUZZ_CHECK(dpu_q8_graph_equal(g, &back, NULL, 0));
    char *t2 = text_of(&back, &n2);
    FUZZ_CHECK(n1 == n2 && memcmp(t1, t2, n1) == 0);
    free(t1);
    free(t2);
    dpu_graph_free(&back);
}

static void check_summary(const struct dpu_graph *g)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct dpu_graph_info info;
    FUZZ_CHECK(dpu_graph_info_compute(g, &info, &d) == DPU_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    FUZZ_CHECK(f != NULL);
    FUZZ_CHECK(dpu_graph_info_print_text(f, g, &info, &d) == DPU_OK);
    FUZZ_CHECK(dpu_graph_info_print_json(f, g, &info, &d) == DPU_OK);
    fclose(f);
    free(buf);
    dpu_graph_info_free(&info);
}

static void check_input(const uint8_t *data, size_t size)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct dpu_graph g;
    int err = dpu_q8_decode_any("fuzz", data, size, &g, &d);
    if (err) {
        check_refusal(err, &d, &g);
    } else {
        check_binary_roundtrip(&g, true);
        check_text_roundtrip(&g);
        check_summary(&g);
        dpu_graph_free(&g);
    }
    if (size < DPU_Q8_MAGIC_LEN || memcmp(data, DPU_Q8_MAGIC, DPU_Q8_MAGIC_LEN) != 0)
        return;
    dpu_diag_clear(&d);
    err = dpu_q8_decode_unverified("fuzz", data, size, &g, &d);
    if (err) {
        check_refusal(err, &d, &g);
        return;
    }
    check_binary_roundtrip(&g, false);
    dpu_graph_free(&g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_input(data, size);
    /* The same bytes with a valid CRC-32 in the trailer. */
    if (size >= 40 && memcmp(data, DPU_Q8_MAGIC, DPU_Q8_MAGIC_LEN) == 0) {
        uint8_t *copy = malloc(size);
        FUZZ_CHECK(copy != NULL);
        memcpy(copy, data, size);
        uint32_t crc = dpu_crc32(0, copy, size - 8);
        for (int i = 0; i < 4; i++)
            copy[size - 4 + i] = (uint8_t)(crc >> (8 * i));
        if (memcmp(copy, data, size) != 0)
            check_input(copy, size);
        free(copy);
    }
    return 0;
}
