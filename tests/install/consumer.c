/* A program outside the tree, built only from the installed headers, libraries and
 * pkg-config file: proves `cmake --install` ships everything a user needs. */
#include <stdio.h>
#include <stdlib.h>

#include "dpu/asm.h"
#include "dpu/preset.h"
#include "dpu/regs_gen.h"

int main(void)
{
    const struct dpu_preset *p = dpu_preset_find("b4096");
    if (!p || p->array_rows != 32 || p->array_cols != 64 || p->hash != dpu_preset_compute_hash(p))
        return 1;
    static const char text[] = "END\n";
    dpu_insn *insns = NULL;
    size_t n = 0;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_asm_text("consumer", text, sizeof text - 1, &insns, &n, &d) != DPU_OK || n != 1)
        return 1;
    free(insns);
    printf("consumer: preset %s, ID register at 0x%03x\n", p->name, (unsigned)DPU_REG_ID);
    return 0;
}
