#!/bin/sh
# bench_perf.sh: the performance numbers of docs/performance.md in one run.
#
#   scripts/bench_perf.sh [BUILD_DIR] [WORK_DIR]
#
# 1. Full-size ResNet-50 and MobileNetV2 (torchvision, 224x224, random weights, exported by
#    models/export_torchvision.py and quantized with two random calibration images) compiled
#    for b4096 and run through `dpusim --timing-only`: MAC utilization, model cycles against
#    the sum of the per-layer roofline bounds, fps, next to the published Vitis AI DPU B4096
#    figures (ZCU104, 300 MHz, one core: 75 fps ResNet-50 ~ 47% of peak, 255 fps
#    MobileNetV2 ~ 14% of peak).
# 2. The array-size sweep: the same models on tiny, b512, b1024 and b4096 (a table, and an
#    SVG drawn by scripts/bench_sweep_svg.py in WORK_DIR/sweep.svg).
# 3. How long `dpusim --timing-only` takes on ResNet-50 (goal: under 0.5 s).
# The exported and quantized models are kept in WORK_DIR (default /tmp/opendpu-bench) and
# reused by later runs. Needs /usr/bin/python3 with torch, torchvision and onnx (Debian).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
work=${2:-/tmp/opendpu-bench}
dpuc=$build/bin/dpuc
dpusim=$build/bin/dpusim
py=/usr/bin/python3
mkdir -p "$work"

for m in resnet50 mobilenet_v2; do
    if [ ! -f "$work/$m.onnx" ]; then
        echo "exporting $m ..." >&2
        "$py" "$here/models/export_torchvision.py" "$work" --only "$m" >&2
    fi
done
if [ ! -f "$work/calib.npy" ]; then
    "$py" -c "import numpy as np; np.save('$work/calib.npy', np.random.RandomState(0).rand(2, 3, 224, 224).astype(np.float32))"
fi
for m in resnet50 mobilenet_v2; do
    if [ ! -f "$work/$m.q8" ] || [ "$work/$m.onnx" -nt "$work/$m.q8" ]; then
        echo "quantizing $m ..." >&2
        "$dpuc" quantize "$work/$m.onnx" --calib "$work/calib.npy" -o "$work/$m.q8" >&2
    fi
done

# The timing report of model $1 on preset $2 as JSON in $work/$1.$2.json.
# Returns 1 (after saying why) when the compiler or the simulator fails.
report() {
    rm -f "$work/$1.$2.json"
    if ! "$dpuc" compile "$work/$1.q8" --arch "$2" -o "$work/$1.$2.bin" 2>"$work/$1.$2.log"; then
        printf '%-13s %-7s compile failed: %s\n' "$1" "$2" "$(tail -1 "$work/$1.$2.log")"
        return 1
    fi
    "$dpusim" "$work/$1.$2.bin" --timing-only --model "$work/$1.q8" --report "$work/$1.$2.json" \
        --plot "$work/$1.$2.svg" >/dev/null
}

# field FILE KEY: a number from the report's "total" object.
field() {
    "$py" -c "import json,sys; print(json.load(open(sys.argv[1]))['total'][sys.argv[2]])" "$1" "$2"
}

echo "== Compiler quality on b4096 (dpusim --timing-only; ours vs Vitis AI DPU B4096) =="
printf '%-13s %14s %9s %11s %9s %8s %14s %12s\n' model cycles fps "MAC util" "cyc/roof" goal \
    "Vitis AI fps" "Vitis util"
for m in resnet50 mobilenet_v2; do
    report "$m" b4096 || continue
    j=$work/$m.b4096.json
    case $m in
    resnet50) vfps=75 vutil=47 goal=">=70%" ;;
    *) vfps=255 vutil=14 goal=">=35%" ;;
    esac
    "$py" - "$j" "$m" "$vfps" "$vutil" "$goal" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["total"]
print("%-13s %14d %9.1f %10.1f%% %9.3f %8s %14s %11s%%" % (sys.argv[2], t["cycles"],
      t["inferences_per_s"], 100 * t["mac_utilization"], t["ratio_to_roofline"], sys.argv[5],
      sys.argv[3], sys.argv[4]))
PY
done
echo "(cyc/roof: model cycles / sum of per-layer roofline bounds; goal <= 1.15)"
echo

echo "== Array-size sweep (dpusim --timing-only) =="
printf '%-13s %-7s %14s %10s %9s %9s %9s\n' model preset cycles "latency ms" fps "MAC util" GOPS
for m in resnet50 mobilenet_v2; do
    for p in tiny b512 b1024 b4096; do
        if [ "$p" != b4096 ] || [ ! -f "$work/$m.$p.json" ]; then
            report "$m" "$p" || continue
        fi
        "$py" - "$work/$m.$p.json" "$m" "$p" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["total"]
print("%-13s %-7s %14d %10.3f %9.1f %8.1f%% %9.1f" % (sys.argv[2], sys.argv[3], t["cycles"],
      t["latency_ms"], t["inferences_per_s"], 100 * t["mac_utilization"], t["gops"]))
PY
    done
done
"$py" "$here/scripts/bench_sweep_svg.py" "$work" "$work/sweep.svg"
echo "sweep plot: $work/sweep.svg; per-model plots: $work/MODEL.PRESET.svg"
echo

echo "== dpusim --timing-only speed on ResNet-50 b4096 (goal < 0.5 s) =="
start=$(date +%s.%N)
"$dpusim" "$work/resnet50.b4096.bin" --timing-only >/dev/null
end=$(date +%s.%N)
"$py" -c "print('%.3f s' % ($end - $start))"
