#!/bin/sh
# dpuc quantize and dpuc eval on the zoo's LeNet-5, from the command line:
#   cli.sh DPUC MODELS_DIR TMP_DIR
set -eu
dpuc=$1 models=$2 tmp=$3
mkdir -p "$tmp"
norm="--mean 0.2860 --std 0.3530"
data="--data $models/data/test_20.npy --labels $models/data/test_20_labels.npy"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Binary and text model.q8; the text form says what it is on its first line.
"$dpuc" quantize "$models/lenet5.onnx" --calib "$models/data/calib_100.npy" $norm \
    --calib-count 20 -o "$tmp/lenet5.q8" --quiet || fail "quantize"
head -c 5 "$tmp/lenet5.q8" | grep -q DPUQ8 || fail "not a binary model.q8"
"$dpuc" quantize "$models/lenet5.onnx" --calib "$models/data/calib_100.npy" $norm \
    --calib-count 20 --calib-method entropy --pof2 --cle --bias-correct \
    -o "$tmp/lenet5.q8.txt" --quiet || fail "quantize with options"
head -n 1 "$tmp/lenet5.q8.txt" | grep -q "^q8 1.0 quantized" || fail "not a text model.q8"
"$dpuc" quantize "$models/lenet5.onnx" --calib "$models/data/calib_100.npy" $norm \
    --calib-count 20 --adaround-iters 20 --adaround-count 4 -o "$tmp/lenet5_ar.q8" --quiet ||
    fail "quantize --adaround"
cmp -s "$tmp/lenet5.q8" "$tmp/lenet5_ar.q8" && fail "--adaround changed nothing"

# --dump-after prints the IR after that pass on standard output.
"$dpuc" quantize "$models/lenet5.onnx" --calib "$models/data/calib_100.npy" $norm \
    --calib-count 5 -o "$tmp/dump.q8" --dump-after fuse-activations --quiet >"$tmp/dump.txt"
grep -q "after pass 'fuse-activations'" "$tmp/dump.txt" || fail "no dump"
grep -q "# fused: /0/Conv (Conv2D) <- /1/Relu (Relu)" "$tmp/dump.txt" || fail "no fusion in dump"

# eval: one model; two models with the SQNR table; JSON.
"$dpuc" eval "$tmp/lenet5.q8" $data $norm --quiet >"$tmp/eval.txt" || fail "eval"
grep -q "quantized" "$tmp/eval.txt" || fail "eval: no kind"
"$dpuc" eval "$models/lenet5.onnx" $data $norm --compare "$tmp/lenet5.q8" --quiet \
    >"$tmp/cmp.txt" || fail "eval --compare"
grep -q "^difference" "$tmp/cmp.txt" || fail "no difference line"
grep -q "/1/Relu_output_0 *Conv2D" "$tmp/cmp.txt" || fail "no SQNR row for the first conv"
"$dpuc" eval "$models/lenet5.onnx" $data $norm --compare "$tmp/lenet5.q8.txt" --json --quiet \
    >"$tmp/cmp.json" || fail "eval --json"
grep -q '"samples": 20' "$tmp/cmp.json" || fail "json: samples"
grep -q '"kind": "float", "top1": 0.950000' "$tmp/cmp.json" || fail "json: float top-1 of test_20"
grep -q '"sqnr": \[{"node": "input:quantize"' "$tmp/cmp.json" || fail "json: sqnr table"
# --scores / --compare-scores: float32 .npy [20, 10] each (a 128-byte header + 800 bytes).
"$dpuc" eval "$models/lenet5.onnx" $data $norm --compare "$tmp/lenet5.q8" --quiet \
    --scores "$tmp/f.npy" --compare-scores "$tmp/q.npy" >/dev/null || fail "eval --scores"
for f in f q; do
    [ "$(wc -c <"$tmp/$f.npy")" -eq 928 ] || fail "$f.npy: $(wc -c <"$tmp/$f.npy") bytes"
    head -c 128 "$tmp/$f.npy" | grep -q "'descr': '<f4'.*'shape': (20, 10)" ||
        fail "$f.npy: not float32 (20, 10)"
done

# Errors: exit code 1 and a message saying what is wrong.
expect_error() { # EXPECTED_TEXT COMMAND...
    want=$1
    shift
    set +e
    "$@" >"$tmp/out" 2>"$tmp/err"
    code=$?
    set -e
    [ "$code" -eq 1 ] || fail "exit code $code, expected 1: $*"
    grep -q -- "$want" "$tmp/err" || fail "no '$want' in: $(cat "$tmp/err")"
}
expect_error "missing --calib" "$dpuc" quantize "$models/lenet5.onnx"
expect_error "--compare-scores needs --compare OTHER" \
    "$dpuc" eval "$models/lenet5.onnx" $data --compare-scores "$tmp/x.npy"
expect_error "unknown calibration method 'kl'" \
    "$dpuc" quantize "$models/lenet5.onnx" --calib x.npy --calib-method kl
expect_error "is not in (0, 100]" \
    "$dpuc" quantize "$models/lenet5.onnx" --calib x.npy --percentile 101
expect_error "--adaround-iters: must be at least 1" \
    "$dpuc" quantize "$models/lenet5.onnx" --calib x.npy --adaround-iters 0
expect_error "--adaround-count: 'many' is not a count" \
    "$dpuc" quantize "$models/lenet5.onnx" --calib x.npy --adaround-count many
expect_error "--adaround-count: must be at least 1" \
    "$dpuc" quantize "$models/lenet5.onnx" --calib x.npy --adaround-count 0
expect_error "cannot open" \
    "$dpuc" quantize "$models/lenet5.onnx" --calib "$tmp/none.npy" -o "$tmp/x.q8"
expect_error "unknown pass 'fold'" "$dpuc" quantize "$models/lenet5.onnx" \
    --calib "$models/data/calib_100.npy" -o "$tmp/x.q8" --dump-after fold
expect_error "takes samples of 784 values, but the data set's samples have 1" "$dpuc" quantize "$models/lenet5.onnx" \
    --calib "$models/data/calib_100_labels.npy" -o "$tmp/x.q8"
expect_error "already quantized" \
    "$dpuc" quantize "$tmp/lenet5.q8" --calib "$models/data/calib_100.npy" -o "$tmp/x.q8"
expect_error "missing --data" "$dpuc" eval "$tmp/lenet5.q8"
expect_error "20 labels for 1000 samples" "$dpuc" eval "$tmp/lenet5.q8" \
    --data "$models/data/test_1000.npy" --labels "$models/data/test_20_labels.npy"
expect_error "holds 20 samples, none after skipping 20" "$dpuc" eval "$tmp/lenet5.q8" $data \
    --offset 20
expect_error "20 labels for 5 samples from sample 16 on" "$dpuc" eval "$tmp/lenet5.q8" \
    --data "$models/data/test_1000.npy" --labels "$models/data/test_20_labels.npy" \
    --offset 16 --count 5

# --calib-offset / --offset take samples further into a file: calibrating on samples 10..19
# differs from 0..9; evaluating test_20 from sample 10 on counts 10 samples.
"$dpuc" quantize "$models/lenet5.onnx" --calib "$models/data/calib_100.npy" $norm \
    --calib-count 10 -o "$tmp/a.q8.txt" --quiet
"$dpuc" quantize "$models/lenet5.onnx" --calib "$models/data/calib_100.npy" $norm \
    --calib-count 10 --calib-offset 10 -o "$tmp/b.q8.txt" --quiet
! cmp -s "$tmp/a.q8.txt" "$tmp/b.q8.txt" || fail "--calib-offset changed nothing"
"$dpuc" eval "$tmp/lenet5.q8" $data $norm --offset 10 --json --quiet >"$tmp/off.json"
grep -q '"samples": 10' "$tmp/off.json" || fail "--offset: $(cat "$tmp/off.json")"

# Progress: on a terminal (here forced with --progress) a line per percent on standard
# error; off a terminal (the default here, stderr is a file) nothing.
"$dpuc" quantize "$models/lenet5.onnx" --calib "$models/data/calib_100.npy" $norm \
    --calib-count 10 -o "$tmp/p.q8" --progress 2>"$tmp/progress.txt"
grep -q "calibrating: 10/10 (100%)" "$tmp/progress.txt" || fail "no progress line"
"$dpuc" quantize "$models/lenet5.onnx" --calib "$models/data/calib_100.npy" $norm \
    --calib-count 10 -o "$tmp/p.q8" 2>"$tmp/quiet.txt"
[ ! -s "$tmp/quiet.txt" ] || fail "progress off a terminal: $(cat "$tmp/quiet.txt")"
echo "quant cli: all passed"
