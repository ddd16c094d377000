#!/bin/bash
# Compile-time benchmark (issue 5 targets): exports full-size ResNet-50 and MobileNetV2 from
# torchvision (random weights), quantizes each with a few random calibration images, times
# `dpuc compile` on one core for every preset (best of 3), and prints instruction bytes vs
# weight bytes (from `dpuc info --json`) and, with --timing, dpusim --timing-only's cycles and
# MAC-array utilization.
#
#   scripts/bench_compile.sh [--timing] [BUILD_DIR] [WORK_DIR]
#
# BUILD_DIR defaults to build/, WORK_DIR (exported models, calibration data, programs) to
# BUILD_DIR/bench-compile. Goals: ResNet-50 < 2 s, MobileNetV2 < 1 s on every preset.
set -euo pipefail
timing=0
if [ "${1:-}" = --timing ]; then
    timing=1
    shift
fi
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
work=${2:-$build/bench-compile}
dpuc=$build/bin/dpuc
dpusim=$build/bin/dpusim
[ -x "$dpuc" ] || { echo "bench_compile: $dpuc not found (build first)" >&2; exit 1; }
mkdir -p "$work"
models=(resnet50 mobilenet_v2)
presets=(tiny b512 b1024 b4096)
for m in "${models[@]}"; do
    [ -f "$work/$m.onnx" ] || /usr/bin/python3 "$root/models/export_torchvision.py" "$work" --only "$m" >/dev/null
done
if [ ! -f "$work/calib.npy" ]; then
    /usr/bin/python3 - "$work/calib.npy" <<'PY'
import sys
import numpy as np
rng = np.random.default_rng(0)
np.save(sys.argv[1], rng.standard_normal((2, 3, 224, 224)).astype(np.float32))
PY
fi

json_num() { # KEY FILE: the first number after "KEY": in a dpuc info --json output
    sed -n "s/.*\"$1\": *\([0-9]*\).*/\1/p" "$2" | head -1
}

printf '%-13s %-6s %9s %7s %11s %12s %9s' model preset compile_s insns insn_bytes weight_bytes insn/wgt
[ $timing = 1 ] && printf ' %10s %6s' cycles util
printf '\n'
for m in "${models[@]}"; do
    q8=$work/$m.q8
    [ -f "$q8" ] || "$dpuc" quantize "$work/$m.onnx" --calib "$work/calib.npy" -o "$q8" --quiet >/dev/null
    for p in "${presets[@]}"; do
        prog=$work/$m.$p.bin
        best=
        for rep in 1 2 3; do
            t0=$(date +%s.%N)
            taskset -c 0 "$dpuc" compile "$q8" -o "$prog" --arch "$p" >/dev/null 2>"$work/$m.$p.log"
            t1=$(date +%s.%N)
            t=$(echo "$t1 - $t0" | bc)
            if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
        done
        "$dpuc" info "$prog" --json >"$work/$m.$p.json"
        insns=$(sed -n 's/.*"instructions": {"total": \([0-9]*\).*/\1/p' "$work/$m.$p.json")
        ibytes=$(json_num instruction_bytes "$work/$m.$p.json")
        wbytes=$(json_num weight_bytes "$work/$m.$p.json")
        ratio=$(echo "scale=5; $ibytes / $wbytes" | bc)
        printf '%-13s %-6s %9.3f %7s %11s %12s %9s' "$m" "$p" "$best" "$insns" "$ibytes" "$wbytes" "$ratio"
        if [ $timing = 1 ]; then
            "$dpusim" "$prog" --timing-only --model "$q8" >"$work/$m.$p.timing.txt"
            cycles=$(sed -n 's/^total *\([0-9]*\) cycles.*/\1/p' "$work/$m.$p.timing.txt")
            util=$(sed -n 's/.*MAC-array utilization \([0-9.]*%\).*/\1/p' "$work/$m.$p.timing.txt")
            printf ' %10s %6s' "$cycles" "$util"
        fi
        printf '\n'
    done
done
