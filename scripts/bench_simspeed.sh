#!/usr/bin/env bash
# Simulator speed against ONNX Runtime (issue 6): full-size ResNet-50 (random weights),
# quantized on a few random images, compiled for b4096. Like for like: the time of one
# inference alone, without loading, in both engines: `dpusim --repeat N` times dpu_rt_run
# (inputs in, every plan step, outputs out) and ONNX Runtime single-threaded on `dpuc export`
# of the same model.q8 (scripts/ort/run.mjs --runs N: session.run after a warm-up, 1 intra-op
# and 1 inter-op thread). Prints both medians and fastest runs, their ratios (goal: dpusim <=
# 3x ORT), both engines' CPU time per run and its ratio, the whole dpusim process (load,
# validation, .npy I/O) and `dpusim --timing-only`. On a loaded machine wall times stretch
# with the load; CPU times and the fastest runs are the steadier figures.
#
#   scripts/bench_simspeed.sh [BUILD_DIR] [WORK_DIR]    (defaults: build, build/simspeed)
#   RUNS=N (default 5) runs of each; needs /usr/bin/python3 with torch (the model), node and
#   scripts/install-ort.sh (ORT).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
WORK=${2:-$BUILD/simspeed}
RUNS=${RUNS:-5}
DPUC=$BUILD/bin/dpuc
DPUSIM=$BUILD/bin/dpusim
mkdir -p "$WORK"
[ -x "$DPUC" ] && [ -x "$DPUSIM" ] || { echo "bench_simspeed: build first ($DPUC, $DPUSIM)" >&2; exit 1; }
node scripts/ort/run.mjs --version >/dev/null || { echo "bench_simspeed: run scripts/install-ort.sh" >&2; exit 1; }

say() { echo "bench_simspeed: $*" >&2; }
if [ ! -f "$WORK/resnet50.onnx" ]; then
  say "exporting ResNet-50 from torchvision (random weights)"
  /usr/bin/python3 models/export_torchvision.py "$WORK" --only resnet50 >&2
fi
if [ ! -f "$WORK/calib.npy" ]; then
  /usr/bin/python3 - "$WORK" <<'EOF'
import sys
import numpy as np
rng = np.random.default_rng(0)
np.save(sys.argv[1] + "/calib.npy", rng.normal(0, 1, size=(4, 3, 224, 224)).astype("float32"))
np.save(sys.argv[1] + "/x.npy", rng.normal(0, 1, size=(1, 3, 224, 224)).astype("float32"))
EOF
fi
if [ ! -f "$WORK/resnet50.q8" ]; then
  say "quantizing"
  "$DPUC" quantize "$WORK/resnet50.onnx" --calib "$WORK/calib.npy" --quiet -o "$WORK/resnet50.q8"
fi
say "compiling for b4096 and exporting to ONNX"
"$DPUC" compile "$WORK/resnet50.q8" --arch b4096 -o "$WORK/resnet50.b4096.bin" >/dev/null
"$DPUC" export "$WORK/resnet50.q8" -o "$WORK/resnet50.qdq.onnx"

# Median wall time in seconds of RUNS runs of a command.
median_time() {
  local times=()
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null
    t1=$(date +%s.%N)
    times+=("$(echo "$t1 - $t0" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

say "timing dpusim ($RUNS runs in one process)"
simline=$("$DPUSIM" "$WORK/resnet50.b4096.bin" -i "$WORK/x.npy" -o "$WORK/y.sim.npy" \
  --repeat "$RUNS" 2>&1 >/dev/null | grep 'median_ms=')
field() { sed -n "s/.*[ ^]$1=\([0-9.]*\).*/\1/p" <<<" $2"; }
sim_ms=$(field median_ms "$simline")
sim_min=$(field min_ms "$simline")
sim_cpu=$(field cpu_median_ms "$simline")
say "timing ONNX Runtime ($RUNS runs after a warm-up)"
# ORT's CPU time per run: the process's CPU time with the warm-up and RUNS runs, less that of
# a process that only creates the session (--runs 0), divided by RUNS + 1 (a mean: ORT reports
# no CPU time of its own).
ort_cpu_s() { /usr/bin/time -f '%U %S' -o "$WORK/ort.time" "$@" >"$WORK/ort.out" &&
  awk '{ print $1 + $2 }' "$WORK/ort.time"; }
cpu_all=$(ort_cpu_s node scripts/ort/run.mjs "$WORK/resnet50.qdq.onnx" -i "$WORK/x.npy" --runs "$RUNS")
ortline=$(cat "$WORK/ort.out")
cpu_none=$(ort_cpu_s node scripts/ort/run.mjs "$WORK/resnet50.qdq.onnx" -i "$WORK/x.npy" --runs 0)
ort_cpu=$(echo "($cpu_all - $cpu_none) * 1000 / ($RUNS + 1)" | bc -l)
ort_ms=$(field median_ms "$ortline")
ort_min=$(field min_ms "$ortline")
say "timing the whole dpusim process ($RUNS runs)"
proc=$(median_time "$DPUSIM" "$WORK/resnet50.b4096.bin" -i "$WORK/x.npy" -o "$WORK/y.sim.npy")

ms() { printf '  %-44s %9.1f ms%s\n' "$1" "$2" "${3:-}"; }
echo "ResNet-50 (224x224, random weights, int8), one inference, $RUNS runs each:"
ms "ONNX Runtime 1 thread, median (QDQ export)" "$ort_ms"
ms "ONNX Runtime 1 thread, fastest" "$ort_min"
ms "ONNX Runtime CPU time per run, mean" "$ort_cpu"
ms "dpusim functional b4096, median" "$sim_ms"
ms "dpusim functional b4096, fastest" "$sim_min"
ms "dpusim CPU time per run, median" "$sim_cpu"
printf '  %-44s %9.2fx  (goal <= 3x)\n' "ratio dpusim / ONNX Runtime, medians" \
  "$(echo "$sim_ms / $ort_ms" | bc -l)"
printf '  %-44s %9.2fx\n' "ratio dpusim / ONNX Runtime, fastest" "$(echo "$sim_min / $ort_min" | bc -l)"
printf '  %-44s %9.2fx\n' "ratio dpusim / ONNX Runtime, CPU time" "$(echo "$sim_cpu / $ort_cpu" | bc -l)"
printf '  %-44s %9.3f s  (load, validation, .npy I/O included)\n' "dpusim whole process, median" "$proc"
if "$DPUSIM" --help 2>&1 | grep -q -- '--timing-only'; then
  tonly=$(median_time "$DPUSIM" "$WORK/resnet50.b4096.bin" --timing-only)
  printf '  %-44s %9.3f s  (goal < 0.5 s)\n' "dpusim --timing-only" "$tonly"
fi
