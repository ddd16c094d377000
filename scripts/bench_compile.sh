#!/bin/bash
# Compile-time benchmark (issue 5 targets): exports full-size ResNet-50 and MobileNetV2 from
# torchvision (random weights), quantizes each with a few random calibration images, times
# `dpuc compile --arch b4096` on one core and prints instruction bytes vs weight bytes.
#
#   scripts/bench_compile.sh [BUILD_DIR] [WORK_DIR]
#
# Weight bytes are the CONST section (packed weights, PARAM records, tables).
# BUILD_DIR defaults to build/, WORK_DIR (exported models, calibration data, programs) to
# BUILD_DIR/bench-compile. Goals: ResNet-50 < 2 s, MobileNetV2 < 1 s.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
work=${2:-$build/bench-compile}
dpuc=$build/bin/dpuc
[ -x "$dpuc" ] || { echo "bench_compile: $dpuc not found (build first)" >&2; exit 1; }
mkdir -p "$work"
models=(resnet50 mobilenet_v2)
for m in "${models[@]}"; do
    [ -f "$work/$m.onnx" ] || /usr/bin/python3 "$root/models/export_torchvision.py" "$work" --only "$m" >/dev/null
done
if [ ! -f "$work/calib.npy" ]; then
    /usr/bin/python3 - "$work/calib.npy" <<'PY'
import sys
import numpy as np
rng = np.random.default_rng(0)
np.save(sys.argv[1], rng.standard_normal((4, 3, 224, 224)).astype(np.float32))
PY
fi

printf '%-14s %10s %12s %12s %12s %8s\n' model compile_s insns insn_bytes const_bytes ratio
for m in "${models[@]}"; do
    q8=$work/$m.q8
    [ -f "$q8" ] || "$dpuc" quantize "$work/$m.onnx" --calib "$work/calib.npy" -o "$q8" --quiet >/dev/null
    prog=$work/$m.b4096.bin
    best=
    for rep in 1 2 3; do
        t0=$(date +%s.%N)
        taskset -c 0 "$dpuc" compile "$q8" -o "$prog" --arch b4096 >/dev/null 2>"$work/$m.compile.log"
        t1=$(date +%s.%N)
        t=$(echo "$t1 - $t0" | bc)
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
    done
    read -r insns ibytes wbytes < <(/usr/bin/python3 - "$prog" <<'PY'
import subprocess, sys
out = subprocess.run(["readelf", "-SW", sys.argv[1]], capture_output=True, text=True).stdout
insn = const = 0
for line in out.splitlines():
    f = line.replace("[ ", "[").split()
    if len(f) > 5 and f[0].startswith("[") and f[0][1:-1].isdigit():
        name, size = f[1], int(f[5], 16)
        if name.startswith(".dpu.insn") or name.startswith(".dpu.text") or name == ".text":
            insn += size
        elif name.startswith(".dpu.const") or name.startswith(".dpu.weights"):
            const += size
print(insn // 32, insn, const)
PY
)
    ratio=$(echo "scale=4; $ibytes / $wbytes" | bc 2>/dev/null || echo '?')
    printf '%-14s %10.3f %12s %12s %12s %8s\n' "$m" "$best" "$insns" "$ibytes" "$wbytes" "$ratio"
done
