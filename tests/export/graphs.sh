#!/bin/sh
# dpuc export on hand-built graphs (tests/export/graphs): float graphs covering the ops the
# zoo does not use (AvgPool, Concat, Sigmoid, Tanh, depthwise Conv2D, Softmax, Pad,
# LeakyRelu, HardSigmoid, HardSwish, Mul, Resize, Clip, Reshape, Transpose, MatMul, Gelu,
# Relu6), quantized, exported and re-imported: the model.q8 must come back identical. With
# ONNX Runtime installed the export also runs there against `dpuc run` (within 1 LSB). And
# the refusals: a float graph, a raw int32 output.
#   graphs.sh DPUC REPO_DIR TMP_DIR
set -eu
dpuc=$1 repo=$2 tmp=$3
dir="$repo/tests/export/graphs" ort="$repo/scripts/ort"
mkdir -p "$tmp"
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
have_ort=0
if command -v node >/dev/null 2>&1 && node "$ort/run.mjs" --version >/dev/null 2>&1; then
    have_ort=1
fi
for g in branches elementwise; do
    "$dpuc" quantize "$dir/$g.q8.txt" --calib "$dir/$g.calib.npy" --quiet -o "$tmp/$g.q8.txt" ||
        fail "$g: dpuc quantize"
    "$dpuc" export "$tmp/$g.q8.txt" -o "$tmp/$g.onnx" || fail "$g: dpuc export"
    "$dpuc" import "$tmp/$g.onnx" --text -o "$tmp/$g.rt.q8.txt" || fail "$g: re-import"
    cmp "$tmp/$g.q8.txt" "$tmp/$g.rt.q8.txt" || {
        diff "$tmp/$g.q8.txt" "$tmp/$g.rt.q8.txt" | cut -c1-200 | head -20
        fail "$g: the re-imported model.q8 differs from the exported one"
    }
    echo "$g: round trip identical"
    if [ $have_ort = 1 ]; then
        "$dpuc" run "$tmp/$g.q8.txt" -i "$dir/$g.x.npy" -o "$tmp/$g.ref.npy" || fail "$g: dpuc run"
        node "$ort/run.mjs" "$tmp/$g.onnx" -i "$dir/$g.x.npy" -o "$tmp/$g.ort.npy" ||
            fail "$g: ONNX Runtime"
        # Both outputs are Dequantize results; the LSB is the scale of the int8 tensor read.
        out=$(sed -n 's/^outputs \[\(.*\)\]$/\1/p' "$tmp/$g.q8.txt")
        q=$(sed -n "s/^node [^ ]* Dequantize in=\[\([^]]*\)\] out=\[$out\].*/\1/p" "$tmp/$g.q8.txt")
        scale=$(sed -n "s/^tensor $q int8 .* scale=\[\([^],]*\)\].*/\1/p" "$tmp/$g.q8.txt")
        [ -n "$scale" ] || fail "$g: no output scale"
        printf '%s vs ONNX Runtime: ' "$g"
        node "$ort/npytool.mjs" compare --scale "$scale" "$tmp/$g.ref.npy" "$tmp/$g.ort.npy" ||
            fail "$g: ONNX Runtime differs by more than 1 LSB"
    fi
done

# Refusals: exit code 1 and a message naming the node or the graph.
expect_refusal() { # expect_refusal MODEL TEXT
    if "$dpuc" export "$1" -o "$tmp/refused.onnx" 2>"$tmp/err"; then
        fail "$1: exported, expected a refusal"
    else
        rc=$?
    fi
    [ $rc = 1 ] || fail "$1: exit code $rc, expected 1"
    grep -q "$2" "$tmp/err" || fail "$1: message '$(cat "$tmp/err")' lacks '$2'"
}
expect_refusal "$dir/raw_int32.q8.txt" "node 'conv' (Conv2D): a raw int32 accumulator"
expect_refusal "$dir/branches.q8.txt" "graph 'branches' is a float graph"
echo "refusals: ok"
