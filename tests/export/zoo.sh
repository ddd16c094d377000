#!/bin/sh
# dpuc export on the models/ zoo: quantize each model (models/zoo.json's normalization) into
# TMP, then check that re-importing the export gives the identical model.q8, in the text
# form and the binary form. ort_compare.sh uses the files left in TMP.
#   zoo.sh DPUC REPO_DIR TMP_DIR
set -eu
dpuc=$1 repo=$2 tmp=$3
mkdir -p "$tmp"
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
for m in lenet5 resnet_small mobilenetv2_small; do
    "$dpuc" quantize "$repo/models/$m.onnx" --calib "$repo/models/data/calib_100.npy" \
        --calib-count 10 --mean 0.2860 --std 0.3530 --quiet -o "$tmp/$m.q8.txt" ||
        fail "$m: dpuc quantize"
    "$dpuc" export "$tmp/$m.q8.txt" -o "$tmp/$m.onnx" || fail "$m: dpuc export"
    "$dpuc" import "$tmp/$m.onnx" --text -o "$tmp/$m.rt.q8.txt" || fail "$m: re-import"
    cmp "$tmp/$m.q8.txt" "$tmp/$m.rt.q8.txt" || {
        diff "$tmp/$m.q8.txt" "$tmp/$m.rt.q8.txt" | cut -c1-200 | head -20
        fail "$m: the re-imported model.q8 differs from the exported one"
    }
    # The binary form: the binary re-import holds the same graph (its export is the same
    # bytes). Quantizing once more to compare binary files would double the time under ASan.
    "$dpuc" import "$tmp/$m.onnx" -o "$tmp/$m.rt.q8" || fail "$m: re-import (binary)"
    "$dpuc" export "$tmp/$m.rt.q8" -o "$tmp/$m.rt.onnx" || fail "$m: export of the binary form"
    cmp "$tmp/$m.onnx" "$tmp/$m.rt.onnx" || fail "$m: the binary model.q8 differs"
    echo "$m: round trip identical"
done
