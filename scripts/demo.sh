#!/usr/bin/env bash
# The main job on the embedded default: for now, assemble the bundled example program,
# disassemble it, reassemble the listing and check both binaries are identical. This grows
# into quantize -> compile -> simulate -> check of a bundled model as the toolchain grows.
set -euo pipefail
BUILD=${BUILD:-build}
DPUC="$BUILD/bin/dpuc"
OUT=${OUT:-$BUILD/demo}
mkdir -p "$OUT"

example=examples/conv3x3_relu.s
echo "== dpuc asm $example"
"$DPUC" asm "$example" -o "$OUT/conv3x3_relu.bin"
echo "   $(stat -c %s "$OUT/conv3x3_relu.bin") bytes, $(( $(stat -c %s "$OUT/conv3x3_relu.bin") / 32 )) instructions"
echo "== dpuc disasm $OUT/conv3x3_relu.bin"
"$DPUC" disasm "$OUT/conv3x3_relu.bin" | tee "$OUT/conv3x3_relu.dis.s"
echo "== round trip: reassemble the listing"
"$DPUC" asm "$OUT/conv3x3_relu.dis.s" -o "$OUT/conv3x3_relu.rt.bin"
cmp "$OUT/conv3x3_relu.bin" "$OUT/conv3x3_relu.rt.bin"
echo "demo: OK (binary -> text -> binary identical)"
