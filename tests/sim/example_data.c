#include "sim_test_util.h"
#include "example_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

dpu_insn *ex_load_program(const char *name, size_t *count)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", DPU_EXAMPLES_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        print_error("cannot open %s\n", path);
    assert_non_null(f);
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    return tu_asm(text, count);
}

void ex_conv3x3_model(struct ex_conv3x3 *m)
{
    /* Filled as flat byte arrays (the element order is the arrays' own). */
    int8_t *x = (int8_t *)m->x, *w = (int8_t *)m->w;
    for (int i = 0; i < (int)sizeof m->x; i++)
        x[i] = (int8_t)((i * 37 + 11) % 256 - 128);
    for (int i = 0; i < (int)sizeof m->w; i++)
        w[i] = (int8_t)((i * 53 + 7) % 255 - 127);
    for (int c = 0; c < 4; c++) {
        m->bias[c] = 1000 * c - 1500;
        m->M[c] = 1395864371 + 1000003 * c;
        m->s[c] = 39 + c % 2;
    }
}

void ex_conv3x3_input(const struct ex_conv3x3 *m, uint8_t input[75])
{
    memcpy(input, m->x, 75); /* HWC: (y, x, ch) at y*15 + x*3 + ch */
}

static void put_le32(uint8_t *p, int32_t v)
{
    uint32_t u = (uint32_t)v;
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(u >> (8 * i));
}

void ex_conv3x3_const(const struct ex_conv3x3 *m, uint8_t cst[704])
{
    memset(cst, 0, 704);
    for (int ky = 0; ky < 3; ky++)
        for (int kx = 0; kx < 3; kx++)
            for (int r = 0; r < 3; r++)
                for (int c = 0; c < 4; c++)
                    cst[(ky * 3 + kx) * 64 + r * 8 + c] = (uint8_t)m->w[c][r][ky][kx];
    for (int c = 0; c < 4; c++) {
        int32_t S = 0;
        for (int r = 0; r < 3; r++)
            for (int t = 0; t < 9; t++)
                S += m->w[c][r][t / 3][t % 3];
        uint8_t *rec = cst + 576 + 16 * c;
        put_le32(rec, m->bias[c] + 3 * S); /* z_in = -3: bias - z_in*S */
        put_le32(rec + 4, m->M[c]);
        rec[8] = (uint8_t)m->s[c];
    }
}
