#!/bin/sh
# dpuc import and dpuc run on the committed models (tests/onnx/models):
#   cli.sh DPUC MODELS_DIR CORPUS_DIR TMP_DIR
# Exits 77 (skipped) while dpuc has no import command registered.
set -eu
dpuc=$1 models=$2 corpus=$3 tmp=$4
mkdir -p "$tmp"

if ! "$dpuc" help import >/dev/null 2>&1; then
    echo "dpuc has no import command: skipped"
    exit 77
fi

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Every valid committed model imports, in both forms.
for m in "$models"/*.onnx; do
    "$dpuc" import "$m" -o "$tmp/m.q8" 2>"$tmp/notes" || fail "import $m"
    "$dpuc" import "$m" --text -o "$tmp/m.q8.txt" 2>"$tmp/notes" || fail "import --text $m"
done

# The QDQ model gives numpy's expected output exactly, from the .onnx, the binary model.q8
# and the text model.q8 alike.
"$dpuc" import "$models/qdq_conv.onnx" -o "$tmp/qdq_conv.q8"
"$dpuc" import "$models/qdq_conv.onnx" --text -o "$tmp/qdq_conv.q8.txt"
for m in "$models/qdq_conv.onnx" "$tmp/qdq_conv.q8" "$tmp/qdq_conv.q8.txt"; do
    "$dpuc" run "$m" --input "$models/qdq_conv.x.npy" -o "$tmp/y.npy" || fail "run $m"
    cmp "$tmp/y.npy" "$models/qdq_conv.y.npy" || fail "$m: output differs from numpy's"
done

# The float model: the same output through the .onnx and through model.q8.
"$dpuc" import "$models/float_cnn.onnx"  -o "$tmp/float_cnn.q8"
"$dpuc" run "$models/float_cnn.onnx" -i "$models/float_cnn.x.npy" -o "$tmp/a.npy"
"$dpuc" run "$tmp/float_cnn.q8" -i "$models/float_cnn.x.npy" -o "$tmp/b.npy"
cmp "$tmp/a.npy" "$tmp/b.npy" || fail "float_cnn: .onnx and .q8 differ"

# uint8 I/O: reported on import, and dpuc run keeps the files uint8.
"$dpuc" import "$models/qlinear_ops.onnx" -o "$tmp/ql.q8" 2>"$tmp/notes"
grep -q "graph input 'x' is uint8" "$tmp/notes" || fail "no uint8 note"
"$dpuc" run "$models/qlinear_ops.onnx" -i "$models/qlinear_ops.x.npy" -o "$tmp/q.npy"
head -c 64 "$tmp/q.npy" | grep -q "'|u1'" || fail "qlinear_ops output is not uint8"

# Errors: exit code 1 and a message naming the ONNX node.
expect_error() { # EXPECTED_TEXT COMMAND...
    want=$1
    shift
    set +e
    "$@" >"$tmp/out" 2>"$tmp/err"
    code=$?
    set -e
    [ "$code" -eq 1 ] || fail "exit $code (expected 1): $*"
    grep -q -- "$want" "$tmp/err" || fail "message lacks '$want': $(cat "$tmp/err")"
}
expect_error "node 'lstm' (LSTM): op LSTM is not supported" \
    "$dpuc" import "$corpus/bad_unsupported_op.onnx" -o "$tmp/z.q8"
expect_error "not a valid ONNX protobuf" "$dpuc" import "$corpus/bad_truncated.onnx" -o "$tmp/z.q8"
expect_error "opset 18" "$dpuc" import "$corpus/bad_opset18.onnx" -o "$tmp/z.q8"
expect_error "not fully quantized" "$dpuc" import --quantized "$models/float_cnn.onnx" -o "$tmp/z.q8"
expect_error "float import was requested" "$dpuc" import --float "$models/qdq_conv.onnx" -o "$tmp/z.q8"
expect_error "the model has 1 inputs" \
    "$dpuc" run "$tmp/float_cnn.q8" -i "$models/float_cnn.x.npy" -i "$models/float_cnn.x.npy" -o "$tmp/c.npy"
expect_error "missing the ONNX model" "$dpuc" import
expect_error "unknown option" "$dpuc" run "$tmp/float_cnn.q8" --frobnicate
echo "cli.sh: all passed"
