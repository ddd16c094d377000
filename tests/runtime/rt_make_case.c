/* rt_make_case DIR FORM: writes a hand-built case for the dpusim command-line tests:
 * DIR/prog.bin, DIR/model.q8, DIR/x.npy (an input), DIR/bad.npy (an input of the wrong shape)
 * and DIR/want.npy (dpu_ref_run of the model on x.npy).
 *   float       the float form of rt_case.h (boundary CPU steps)
 *   int8        the int8 form, int8 input
 *   int8-float  the int8 form given a float32 input (quantized by the boundary step)
 *   corrupt     the float form with one weight byte of CONST changed in prog.bin only */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpu/npy.h"
#include "dpu/q8.h"
#include "dpu/ref.h"
#include "rt_case.h"

static int fail(const char *what, const struct dpu_diag *d)
{
    fprintf(stderr, "rt_make_case: %s: %s\n", what, dpu_diag_message(d));
    return 2;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: rt_make_case DIR float|int8|int8-float|corrupt\n");
        return 2;
    }
    const char *form = argv[2];
    struct rt_case_spec s = {"tiny", 42, 5, 11, 5, 7, 13, 11, true};
    if (!strncmp(form, "int8", 4))
        s.float_io = false;
    struct rt_case c;
    rt_case_build(&s, &c);
    struct dpu_diag d;
    dpu_diag_clear(&d);
    char path[4096];
    struct dpu_tensor x = c.input, want, bad;
    if (!strcmp(form, "int8-float")) {
        if (dpu_tensor_alloc(&x, DPU_DT_FLOAT32, c.input.rank, c.input.dims, &d))
            return fail("input", &d);
        for (int64_t i = 0; i < dpu_tensor_count(&x); i++)
            ((float *)x.data)[i] = (float)((i * 53) % 300 - 150) * 0.021f;
    }
    if (!strcmp(form, "corrupt"))
        c.prog.const_data[0] ^= 0x40; /* weight (m 0, c 0, tap 0) */
    snprintf(path, sizeof path, "%s/prog.bin", argv[1]);
    if (dpu_program_write(path, &c.prog, &d))
        return fail(path, &d);
    snprintf(path, sizeof path, "%s/model.q8", argv[1]);
    if (dpu_q8_write(path, &c.model, &d))
        return fail(path, &d);
    snprintf(path, sizeof path, "%s/x.npy", argv[1]);
    if (dpu_npy_write(path, &x, &d))
        return fail(path, &d);
    int64_t bd[4] = {1, 5, 5, 6};
    if (dpu_tensor_alloc(&bad, x.dtype, 4, bd, &d))
        return fail("bad input", &d);
    snprintf(path, sizeof path, "%s/bad.npy", argv[1]);
    if (dpu_npy_write(path, &bad, &d))
        return fail(path, &d);
    if (dpu_ref_run(&c.model, &x, 1, &want, &d))
        return fail("reference", &d);
    snprintf(path, sizeof path, "%s/want.npy", argv[1]);
    if (dpu_npy_write(path, &want, &d))
        return fail(path, &d);
    if (x.data != c.input.data)
        dpu_tensor_free(&x);
    dpu_tensor_free(&bad);
    dpu_tensor_free(&want);
    rt_case_free(&c);
    return 0;
}
