#!/bin/sh
# Post-training quantization benchmark over the model zoo: each model is quantized with the 100
# calibration images (data/calib_100.npy) and its float and int8 forms are measured on the
# full Fashion-MNIST test set (10,000 images, Debian's dataset-fashion-mnist). The int8 top-1
# must stay within 0.3 points of the float top-1.
#
#   models/bench_quant.sh [--dpuc PATH] [--models "lenet5 resnet_small ..."] [--count N]
#                         [--target POINTS] [-- QUANTIZE OPTIONS...]
#
# QUANTIZE OPTIONS go to `dpuc quantize` as they are (e.g. -- --calib-method entropy --cle).
# DPUC defaults to build/bin/dpuc. The data directory is $FASHION_MNIST_DIR, by default
# /usr/share/datasets/fashion-mnist. Build with -DCMAKE_BUILD_TYPE=Release: the reference
# interpreter runs every image twice per model (about 10 minutes for the three models on
# one core). Exits 0 when every model meets the target, 1 otherwise.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
dpuc=""
models="lenet5 resnet_small mobilenetv2_small"
count=0
target=0.3
while [ $# -gt 0 ]; do
    case $1 in
    --dpuc) dpuc=$2; shift 2 ;;
    --models) models=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --target) target=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "bench_quant: unknown option '$1'" >&2; exit 2 ;;
    esac
done
[ -n "$dpuc" ] || dpuc=$root/build/bin/dpuc
"$dpuc" help quantize >/dev/null 2>&1 || {
    echo "bench_quant: $dpuc has no quantize command (build dpuc first)" >&2
    exit 2
}
data=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
images=$data/t10k-images-idx3-ubyte.gz
labels=$data/t10k-labels-idx1-ubyte.gz
[ -f "$images" ] || images=$data/t10k-images-idx3-ubyte
[ -f "$labels" ] || labels=$data/t10k-labels-idx1-ubyte
[ -f "$images" ] && [ -f "$labels" ] || {
    echo "bench_quant: no Fashion-MNIST test set in $data (apt-get install dataset-fashion-mnist)" >&2
    exit 2
}
norm="--mean 0.2860 --std 0.3530"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A field of the `dpuc eval --json` output: json_field FILE MODEL_INDEX KEY.
json_field() {
    tr '{' '\n' <"$1" | grep '"file"' | sed -n "$(($2 + 1))p" |
        sed -e "s/.*\"$3\": \([0-9.]*\).*/\1/"
}

status=0
printf '%-20s %10s %10s %8s  %s\n' model "float" "int8" "diff" "options: $*"
for m in $models; do
    "$dpuc" quantize "$here/$m.onnx" --calib "$here/data/calib_100.npy" $norm \
        -o "$tmp/$m.q8" --quiet "$@"
    "$dpuc" eval "$here/$m.onnx" --compare "$tmp/$m.q8" --data "$images" --labels "$labels" \
        $norm --count "$count" --sqnr-count 1 --json --quiet >"$tmp/$m.json"
    f=$(json_field "$tmp/$m.json" 0 top1)
    q=$(json_field "$tmp/$m.json" 1 top1)
    verdict=$(awk -v f="$f" -v q="$q" -v t="$target" 'BEGIN {
        d = 100 * (q - f); printf "%+8.2f  %s", d, (d >= -t) ? "ok" : "FAIL" }')
    printf '%-20s %9.2f%% %9.2f%% %s\n' "$m" "$(awk -v f="$f" 'BEGIN{print 100*f}')" \
        "$(awk -v q="$q" 'BEGIN{print 100*q}')" "$verdict"
    case $verdict in *FAIL) status=1 ;; esac
done
exit $status
