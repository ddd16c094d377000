#!/bin/sh
# The quantization-aware-training claim, checked without Python: the committed QDQ model
# (models/mobilenetv2_small_qat.onnx, written by models/qat_mobilenetv2_small.py) goes through
# `dpuc import` and `dpuc eval` on the first COUNT images of models/data/test_1000.npy, and the
# number of correct top-1 answers must equal torch's fake-quant count on the same images
# (recorded in models/mobilenetv2_small_qat.json) within 0.1 point (COUNT / 1000 images).
#
#   check_qat.sh DPUC ROOT WORKDIR COUNT      COUNT: 1000 or 250
set -eu
dpuc=$1 root=$2 work=$3 count=$4
json=$root/models/mobilenetv2_small_qat.json
key=torch_fakequant_hits_test_$count
want=$(tr ',' '\n' <"$json" | sed -n "s/.*\"$key\": *\([0-9][0-9]*\).*/\1/p")
[ -n "$want" ] || { echo "check_qat: no $key in $json" >&2; exit 2; }
mkdir -p "$work"
"$dpuc" import "$root/models/mobilenetv2_small_qat.onnx" -o "$work/qat.q8" --quantized
"$dpuc" eval "$work/qat.q8" --data "$root/models/data/test_1000.npy" \
    --labels "$root/models/data/test_1000_labels.npy" --mean 0.2860 --std 0.3530 \
    --count "$count" --json --quiet >"$work/qat_eval.json"
got=$(tr ',' '\n' <"$work/qat_eval.json" | sed -n 's/.*"top1_hits": *\([0-9][0-9]*\).*/\1/p')
[ -n "$got" ] || { echo "check_qat: no top1_hits in dpuc eval output" >&2; exit 2; }
# 0.1 point of COUNT images is COUNT / 1000 answers (1 of 1000; none of 250).
allowed=$((count / 1000))
diff=$((got - want))
[ "$diff" -lt 0 ] && diff=$((-diff))
echo "QAT model on the first $count test images: dpuc $got correct, torch fake-quant $want" \
     "(difference $diff, allowed $allowed)"
[ "$diff" -le "$allowed" ]
