#!/bin/sh
# ONNX Runtime against the reference interpreter on the zoo: each model's export (left in
# TMP by zoo.sh) runs on ORT (scripts/ort/run.mjs, single-threaded) and its model.q8 on
# `dpuc run`, over the images of models/data/test_20.npy; outputs must agree element-wise
# within 1 LSB (ONNX rounds ties to even, we round them up: docs/arithmetic.md), and the
# 1-LSB differences are counted and printed.
#   ort_compare.sh DPUC REPO_DIR TMP_DIR REQUIRE_ORT(0|1)
# Without ONNX Runtime: exit 77 (skipped) unless REQUIRE_ORT is 1, then a failure.
set -eu
dpuc=$1 repo=$2 tmp=$3 require=$4
ort="$repo/scripts/ort"
if ! command -v node >/dev/null 2>&1 || ! node "$ort/run.mjs" --version >/dev/null 2>&1; then
    msg="ONNX Runtime is not installed (needs node and npm, then scripts/install-ort.sh)"
    if [ "$require" = 1 ]; then
        echo "FAIL: $msg; DPU_REQUIRE_ORT is ON" >&2
        exit 1
    fi
    echo "skipped: $msg"
    exit 77
fi
node "$ort/run.mjs" --version
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
img="$tmp/images"
node "$ort/npytool.mjs" images "$repo/models/data/test_20.npy" "$img" --mean 0.2860 --std 0.3530 ||
    fail "preparing the images"
status=0
for m in lenet5 resnet_small mobilenetv2_small; do
    [ -f "$tmp/$m.onnx" ] || fail "$m: $tmp/$m.onnx is missing (zoo.sh makes it)"
    ins="" outs="" pairs=""
    for i in $(seq 0 19); do
        "$dpuc" run "$tmp/$m.q8.txt" -i "$img/x_$i.npy" -o "$img/$m.ref_$i.npy" ||
            fail "$m: dpuc run on image $i"
        ins="$ins -i $img/x_$i.npy"
        outs="$outs -o $img/$m.ort_$i.npy"
        pairs="$pairs $img/$m.ref_$i.npy $img/$m.ort_$i.npy"
    done
    # shellcheck disable=SC2086
    node "$ort/run.mjs" "$tmp/$m.onnx" $ins $outs || fail "$m: ONNX Runtime"
    # The output's LSB: the scale of the int8 tensor its Dequantize reads.
    scale=$(sed -n "s/^tensor logits:q int8 .* scale=\[\([^],]*\)\].*/\1/p" "$tmp/$m.q8.txt")
    [ -n "$scale" ] || fail "$m: no scale for the output 'logits:q'"
    printf '%s (LSB %s): ' "$m" "$scale"
    # shellcheck disable=SC2086
    node "$ort/npytool.mjs" compare --scale "$scale" $pairs || status=1
done
[ $status = 0 ] || fail "ONNX Runtime and the reference interpreter differ by more than 1 LSB"
