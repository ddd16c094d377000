/* The round-trip property shared by the fuzz targets. */
#ifndef DPU_FUZZ_ROUNDTRIP_H
#define DPU_FUZZ_ROUNDTRIP_H

#include "dpu/asm.h"

/* Aborts unless every instruction validates, and disassembling all of them and assembling
 * the text gives back the identical instructions and bytes. */
void fuzz_check_roundtrip(const dpu_insn *insns, size_t count);

#endif
