#!/usr/bin/env bash
# The main job on the embedded default model (models/lenet5.onnx, Fashion-MNIST):
# quantize -> compile -> simulate -> check, then the assembler round trip of the bundled
# example program. Everything runs from the build tree; no Python.
set -euo pipefail
BUILD=${BUILD:-build}
DPUC="$BUILD/bin/dpuc"
DPUSIM="$BUILD/bin/dpusim"
OUT=${OUT:-$BUILD/demo}
ARCH=${ARCH:-b512}
mkdir -p "$OUT"

model=models/lenet5.onnx
echo "== dpuc quantize $model (100 calibration images, per-channel int8)"
"$DPUC" quantize "$model" --calib models/data/calib_100.npy --mean 0.2860 --std 0.3530 \
  -o "$OUT/lenet5.q8"
echo "== dpuc eval: float vs int8 top-1 on 1000 Fashion-MNIST test images"
"$DPUC" eval "$OUT/lenet5.q8" --compare "$model" --data models/data/test_1000.npy \
  --labels models/data/test_1000_labels.npy --mean 0.2860 --std 0.3530
echo "== dpuc compile --arch $ARCH"
"$DPUC" compile "$OUT/lenet5.q8" -o "$OUT/lenet5.bin" --arch "$ARCH"
"$DPUC" info "$OUT/lenet5.bin" | head -n 12
echo "== dpusim: run 3 test images, each checked bytewise against the reference interpreter"
for i in 0 1 2; do
  "$DPUSIM" "$OUT/lenet5.bin" --input "models/data/test_${i}_input.npy" -o "$OUT/logits_$i.npy" \
    --check "$OUT/lenet5.q8"
done

example=examples/conv3x3_relu.s
echo "== dpuc asm/disasm round trip of $example"
"$DPUC" asm "$example" -o "$OUT/conv3x3_relu.bin"
"$DPUC" disasm "$OUT/conv3x3_relu.bin" >"$OUT/conv3x3_relu.dis.s"
"$DPUC" asm "$OUT/conv3x3_relu.dis.s" -o "$OUT/conv3x3_relu.rt.bin"
cmp "$OUT/conv3x3_relu.bin" "$OUT/conv3x3_relu.rt.bin"
echo "demo: OK (quantized, compiled for $ARCH, simulated bit-exactly; assembler round trip identical)"
