#!/bin/sh
# Post-training quantization benchmark over the model zoo (docs/quantization.md, "Results").
#
# Default run: each zoo model is quantized with the default settings (per-channel weights,
# the default calibration method) calibrated on the first 1000 images of the Fashion-MNIST
# training set, and its float and int8 forms are measured on the full test set (10,000
# images). The int8 top-1 must stay within 0.3 points of the float top-1 (issue 4's target).
#
#   models/bench_quant.sh [--dpuc PATH] [--models "lenet5 resnet_small ..."] [--count N]
#                         [--calib FILE] [--calib-count N] [--target POINTS]
#                         [--table mobilenet] [-- QUANTIZE OPTIONS...]
#
#   --count N        test images to evaluate (default 0: all 10,000)
#   --calib FILE     calibration data (default: the training set's images, IDX)
#   --calib-count N  calibration images, the file's first N (default 1000)
#   --table mobilenet
#                    instead: the options table of the MobileNetV2-style model (per-channel,
#                    per-tensor, per-tensor with --cle / --bias-correct / both / --cle-relu6,
#                    per-channel with --cle / --bias-correct, --pof2 alone, with --cle, with
#                    both): top-1 on the test images and the SQNR of the logits against the
#                    float model on the first 1000, as the markdown table of
#                    docs/quantization.md
#
# QUANTIZE OPTIONS go to `dpuc quantize` as they are (e.g. -- --calib-method entropy --cle).
# DPUC defaults to build/bin/dpuc; build it with -DCMAKE_BUILD_TYPE=Release or RelWithDebInfo
# (the interpreters run every test image once per model and form: about 2 minutes per model on
# one core for the default run). The data directory is $FASHION_MNIST_DIR, by default
# /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist). Exits 0 when every model
# meets the target (the table has no target), 1 when one misses it, 2 on a setup error.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
dpuc=""
models="lenet5 resnet_small mobilenetv2_small"
count=0
target=0.3
calib=""
calib_count=1000
table=""
while [ $# -gt 0 ]; do
    case $1 in
    --dpuc) dpuc=$2; shift 2 ;;
    --models) models=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --target) target=$2; shift 2 ;;
    --calib) calib=$2; shift 2 ;;
    --calib-count) calib_count=$2; shift 2 ;;
    --table) table=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "bench_quant: unknown option '$1'" >&2; exit 2 ;;
    esac
done
case $table in
"" | mobilenet) ;;
*) echo "bench_quant: unknown table '$table' (known: mobilenet)" >&2; exit 2 ;;
esac
[ -n "$dpuc" ] || dpuc=$root/build/bin/dpuc
"$dpuc" help quantize >/dev/null 2>&1 || {
    echo "bench_quant: $dpuc has no quantize command (build dpuc first)" >&2
    exit 2
}
data=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
# The first existing file of: NAME.gz, NAME (both as Debian's package and as unpacked).
pick() {
    if [ -f "$data/$1.gz" ]; then echo "$data/$1.gz"; else echo "$data/$1"; fi
}
images=$(pick t10k-images-idx3-ubyte)
labels=$(pick t10k-labels-idx1-ubyte)
[ -n "$calib" ] || calib=$(pick train-images-idx3-ubyte)
for f in "$images" "$labels" "$calib"; do
    [ -f "$f" ] || {
        echo "bench_quant: no $f (apt-get install dataset-fashion-mnist)" >&2
        exit 2
    }
done
norm="--mean 0.2860 --std 0.3530"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# top-1 (a fraction) from the `dpuc eval --json` output of one model.
top1() {
    sed -e 's/.*"top1": \([0-9.]*\).*/\1/' "$1"
}

# evaluate MODEL OUT.json: top-1 of one model (float or int8) on the test images.
evaluate() {
    "$dpuc" eval "$1" --data "$images" --labels "$labels" $norm --count "$count" --json \
        --quiet >"$2"
}

# quantize MODEL OUT.q8 [OPTIONS...]: prints the wall-clock seconds it took.
# (sh has no local variables: the names here are the function's own.)
quantize() {
    q_model=$1 q_out=$2
    shift 2
    t0=$(date +%s.%N)
    "$dpuc" quantize "$q_model" --calib "$calib" --calib-count "$calib_count" $norm -o "$q_out" \
        --quiet "$@"
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }'
}

pct() {
    awk -v f="$1" 'BEGIN { printf "%.2f", 100 * f }'
}

if [ "$table" = mobilenet ]; then
    m=mobilenetv2_small
    evaluate "$here/$m.onnx" "$tmp/float.json"
    f=$(top1 "$tmp/float.json")
    n=$(sed -e 's/.*"samples": \([0-9]*\).*/\1/' "$tmp/float.json")
    sqnr_count=$((n < 1000 ? n : 1000))
    echo "MobileNetV2-style model, $n test images (SQNR: the first $sqnr_count), calibration:" \
        "first $calib_count of $(basename "$calib")"
    echo
    echo "| weights | options | top-1 % | vs float (points) | logits SQNR dB |"
    echo "|---|---|---:|---:|---:|"
    printf '| float | | %s | | |\n' "$(pct "$f")"
    # weights label | dpuc quantize options
    while IFS='|' read -r label opts; do
        quantize "$here/$m.onnx" "$tmp/q.q8" $opts >/dev/null
        evaluate "$tmp/q.q8" "$tmp/q.json"
        q=$(top1 "$tmp/q.json")
        # Top-1 moves by whole images; the SQNR of the logits against the float model's
        # (first $sqnr_count test images) shows the quantization noise itself.
        "$dpuc" eval "$here/$m.onnx" --compare "$tmp/q.q8" --data "$images" --labels "$labels" \
            $norm --count "$sqnr_count" --sqnr-count "$sqnr_count" --json --quiet >"$tmp/s.json"
        db=$(tr '{' '\n' <"$tmp/s.json" | grep '"sqnr_db"' | tail -n 1 |
            sed -e 's/.*"sqnr_db": \([0-9.]*\).*/\1/')
        printf '| %s | `%s` | %s | %s | %.1f |\n' "$label" "${opts:-(default)}" "$(pct "$q")" \
            "$(awk -v f="$f" -v q="$q" 'BEGIN { printf "%+.2f", 100 * (q - f) }')" "$db"
    done <<EOF
per-channel|
per-tensor|--per-tensor
per-tensor|--per-tensor --cle
per-tensor|--per-tensor --bias-correct
per-tensor|--per-tensor --cle --bias-correct
per-tensor|--per-tensor --cle-relu6
per-channel|--cle
per-channel|--bias-correct
per-channel, pof2|--pof2
per-channel, pof2|--pof2 --cle
per-channel, pof2|--pof2 --cle --bias-correct
EOF
    exit 0
fi

status=0
printf '%-20s %9s %10s %10s %8s  %s\n' model "calib s" "float" "int8" "diff" \
    "calibration: first $calib_count of $(basename "$calib"); options: $*"
for m in $models; do
    secs=$(quantize "$here/$m.onnx" "$tmp/$m.q8" "$@")
    evaluate "$here/$m.onnx" "$tmp/$m.float.json"
    evaluate "$tmp/$m.q8" "$tmp/$m.int8.json"
    f=$(top1 "$tmp/$m.float.json")
    q=$(top1 "$tmp/$m.int8.json")
    verdict=$(awk -v f="$f" -v q="$q" -v t="$target" 'BEGIN {
        d = 100 * (q - f); printf "%+8.2f  %s", d, (d >= -t) ? "ok" : "FAIL" }')
    printf '%-20s %9s %9s%% %9s%% %s\n' "$m" "$secs" "$(pct "$f")" "$(pct "$q")" "$verdict"
    case $verdict in *FAIL) status=1 ;; esac
done
exit $status
