/* libFuzzer target for the prog.bin reader: any input must be refused cleanly (an expected
 * error code, a message, an empty program) or accepted as a program that validates or is
 * refused with a message, whose layer map can be built, and that survives encode -> decode
 * unchanged with an encoding that is a fixed point. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/program.h"
#include "fuzz_target.h"

static void check_refused(int err, const struct dpu_diag *d, const struct dpu_program *p)
{
    FUZZ_CHECK(err == DPU_E_PARSE || err == DPU_E_UNSUPPORTED || err == DPU_E_RANGE ||
               err == DPU_E_INVALID || err == DPU_E_NOMEM);
    FUZZ_CHECK(d->err == err && d->msg[0] != '\0');
    FUZZ_CHECK(!p->insns && !p->ninsns && !p->tensors && !p->steps && !p->layers &&
               !p->preset_name && !p->const_data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dpu_diag d;
    dpu_diag_clear(&d);
    struct dpu_program p;
    int err = dpu_program_decode("fuzz.bin", data, size, &p, &d);
    if (err) {
        check_refused(err, &d, &p);
        return 0;
    }

    /* Whatever the verdict, validation terminates with a reason. */
    dpu_diag_clear(&d);
    err = dpu_program_validate(&p, NULL, &d);
    FUZZ_CHECK(err == DPU_OK || (d.err == err && d.msg[0] != '\0'));
    dpu_diag_clear(&d);
    err = dpu_program_validate(&p, dpu_preset_find("tiny"), &d);
    FUZZ_CHECK(err == DPU_OK || (d.err == err && d.msg[0] != '\0'));
    int32_t *map = NULL;
    FUZZ_CHECK(dpu_program_layer_map(&p, &map, &d) == DPU_OK);
    free(map);

    uint8_t *enc = NULL, *enc2 = NULL;
    size_t len = 0, len2 = 0;
    struct dpu_program back;
    dpu_diag_clear(&d);
    FUZZ_CHECK(dpu_program_encode(&p, &enc, &len, &d) == DPU_OK);
    FUZZ_CHECK(dpu_program_decode("encoded.bin", enc, len, &back, &d) == DPU_OK);
    FUZZ_CHECK(dpu_program_equal(&p, &back, NULL, 0));
    FUZZ_CHECK(dpu_program_encode(&back, &enc2, &len2, &d) == DPU_OK);
    FUZZ_CHECK(len2 == len && memcmp(enc, enc2, len) == 0);
    free(enc);
    free(enc2);
    dpu_program_free(&back);
    dpu_program_free(&p);
    return 0;
}
