#!/usr/bin/env bash
# Simulator speed against ONNX Runtime (issue 6): full-size ResNet-50 (random weights),
# quantized on a few random images, compiled for b4096. Prints the median wall time of
# functional `dpusim` (data computed), of ONNX Runtime single-threaded on `dpuc export` of
# the same model.q8 (scripts/ort/run.mjs: 1 intra-op and 1 inter-op thread), their ratio
# (goal: dpusim <= 3x ORT), and `dpusim --timing-only` when dpusim has that flag.
#
#   scripts/bench_simspeed.sh [BUILD_DIR] [WORK_DIR]    (defaults: build, build/simspeed)
#   RUNS=N (default 3) runs of each; needs /usr/bin/python3 with torch (the model), node and
#   scripts/install-ort.sh (ORT).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
WORK=${2:-$BUILD/simspeed}
RUNS=${RUNS:-3}
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

say "timing dpusim ($RUNS runs)"
sim=$(median_time "$DPUSIM" "$WORK/resnet50.b4096.bin" -i "$WORK/x.npy" -o "$WORK/y.sim.npy")
say "timing ONNX Runtime ($RUNS runs after a warm-up)"
ort_ms=$(node scripts/ort/run.mjs "$WORK/resnet50.qdq.onnx" -i "$WORK/x.npy" --runs "$RUNS" |
  sed -n 's/^median_ms=\([0-9.]*\).*/\1/p')
ort=$(echo "$ort_ms / 1000" | bc -l)

echo "ResNet-50 (224x224, random weights, int8), one inference, median of $RUNS:"
printf '  %-44s %9.3f s\n' "dpusim functional (b4096, process wall time)" "$sim"
printf '  %-44s %9.3f s\n' "ONNX Runtime 1 thread (dpuc export, QDQ)" "$ort"
printf '  %-44s %9.2fx  (goal <= 3x)\n' "ratio dpusim / ONNX Runtime" "$(echo "$sim / $ort" | bc -l)"
if "$DPUSIM" --help 2>&1 | grep -q -- '--timing-only'; then
  tonly=$(median_time "$DPUSIM" "$WORK/resnet50.b4096.bin" --timing-only)
  printf '  %-44s %9.3f s  (goal < 0.5 s)\n' "dpusim --timing-only" "$tonly"
fi
