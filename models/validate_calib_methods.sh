#!/bin/sh
# Chooses among calibration methods without looking at the test set (docs/quantization.md,
# "Choosing the default calibration method").
#
# For every zoo model and method, `dpuc quantize` calibrates on the first 1000 training images
# (as everywhere else) and `dpuc eval` measures top-1 and the SQNR of the logits against the
# float model on a *validation* split: training images 50000..59999, which calibration never
# sees. The test set is not read.
#
#   models/validate_calib_methods.sh [--dpuc PATH] [--models "lenet5 ..."] [--sqnr-count N]
#                                    [--methods "minmax mse percentile:99.99 ..."]
#
# A method is minmax, mse, percentile:P or entropy; a suffix +adaround adds --adaround
# (minmax+adaround), +bias-correct adds --bias-correct.
#
# Prints one line per model and method: model, method, float and int8 top-1 hits of 10,000,
# logits SQNR in dB (first N validation images, default 2000). Exits 2 on a setup error.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
dpuc=$root/build/bin/dpuc
models="lenet5 resnet_small mobilenetv2_small"
sqnr_count=2000
methods="minmax mse percentile:99.99 percentile:99.999 entropy"
while [ $# -gt 0 ]; do
    case $1 in
    --dpuc) dpuc=$2; shift 2 ;;
    --models) models=$2; shift 2 ;;
    --sqnr-count) sqnr_count=$2; shift 2 ;;
    --methods) methods=$2; shift 2 ;;
    *) echo "validate_calib_methods: unknown option '$1'" >&2; exit 2 ;;
    esac
done
data=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
"$dpuc" help quantize >/dev/null 2>&1 || { echo "validate_calib_methods: no dpuc at $dpuc" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
norm="--mean 0.2860 --std 0.3530"
for m in $models; do
    for spec in $methods; do
        base=${spec%%+*}
        extra=""
        case $spec in *+adaround*) extra="$extra --adaround" ;; esac
        case $spec in *+bias-correct*) extra="$extra --bias-correct" ;; esac
        method=${base%%:*}
        args="--calib-method $method$extra"
        [ "$method" = "$base" ] || args="$args --percentile ${base#*:}"
        # shellcheck disable=SC2086 # word splitting of the option lists is intended
        "$dpuc" quantize "$root/models/$m.onnx" --calib "$data/train-images-idx3-ubyte.gz" \
            --calib-count 1000 $norm $args --quiet -o "$tmp/q.q8"
        # shellcheck disable=SC2086
        "$dpuc" eval "$root/models/$m.onnx" --compare "$tmp/q.q8" $norm \
            --data "$data/train-images-idx3-ubyte.gz" --labels "$data/train-labels-idx1-ubyte.gz" \
            --offset 50000 --count 10000 --sqnr-count "$sqnr_count" --json --quiet >"$tmp/e.json"
        /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sys.argv[2], sys.argv[3], d["models"][0]["top1_hits"], d["models"][1]["top1_hits"],
      "%.2f" % d["sqnr"][-1]["sqnr_db"])' "$tmp/e.json" "$m" "$spec"
    done
done
