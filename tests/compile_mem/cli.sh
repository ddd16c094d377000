#!/bin/sh
# cli.sh DPUC DPUSIM ONNX_DIR WORKDIR: `dpuc compile` of already-quantized ONNX files (imported
# as `dpuc import` does, then compiled; the program bytewise equal to the reference run of the
# imported model; --pack-rows, --pack-pieces, --pack-pairs), its refusals (a float ONNX model,
# a broken one naming its node, --no-cpu-fallback naming the node), and `dpuc info`'s
# code/weights and SCRATCH lines.
set -u
dpuc=$1 dpusim=$2 models=$3 work=$4
rm -rf "$work" && mkdir -p "$work" || exit 2
failures=0

# run WANT_CODE STREAM PATTERN -- PROGRAM ARGS...: checks the exit code and that stdout or
# stderr (STREAM) contains PATTERN (fixed string; empty: any).
run() {
    want=$1 stream=$2 pattern=$3
    shift 4
    "$@" >"$work/out" 2>"$work/err" </dev/null
    code=$?
    if [ "$code" -ne "$want" ]; then
        echo "FAIL: $*: exit $code, expected $want"
        cat "$work/err"
        failures=$((failures + 1))
    elif [ -n "$pattern" ] && ! grep -F -q -- "$pattern" "$work/$stream"; then
        echo "FAIL: $*: $stream lacks '$pattern'"
        cat "$work/$stream"
        failures=$((failures + 1))
    fi
}

# A QDQ model: compile the ONNX file directly, check against the imported model.q8.
run 0 err "" -- "$dpuc" compile "$models/qdq_conv.onnx" --arch tiny -o "$work/qdq.bin"
run 0 err "" -- "$dpuc" import "$models/qdq_conv.onnx" -o "$work/qdq.q8"
run 0 out "bytewise equal" -- "$dpusim" "$work/qdq.bin" --input "$models/qdq_conv.x.npy" \
    -o "$work/y.npy" --check "$work/qdq.q8"
# The same program as compiling the imported model.q8.
run 0 err "" -- "$dpuc" compile "$work/qdq.q8" --arch tiny -o "$work/qdq2.bin"
cmp -s "$work/qdq.bin" "$work/qdq2.bin" || {
    echo "FAIL: compiling qdq_conv.onnx and its import differ"
    failures=$((failures + 1))
}
# --pack-rows: the low-channel conv gathers 1 or 3 kernel rows per vector group as told, and
# stays bytewise equal; a count outside 1..15 is refused.
for k in 1 3; do
    run 0 out "packed ($k kernel rows)" -- "$dpuc" compile "$models/qdq_conv.onnx" --arch tiny \
        --pack-rows $k --dump-after tile
    run 0 err "" -- "$dpuc" compile "$models/qdq_conv.onnx" --arch tiny --pack-rows $k \
        -o "$work/qdq_k$k.bin"
    run 0 out "bytewise equal" -- "$dpusim" "$work/qdq_k$k.bin" --input \
        "$models/qdq_conv.x.npy" -o "$work/y.npy" --check "$work/qdq.q8"
done
run 1 err "--pack-rows needs a count from 1 to 15" -- \
    "$dpuc" compile "$models/qdq_conv.onnx" --arch tiny --pack-rows 0 -o "$work/k0.bin"
# --pack-pieces: the low-channel conv gathers its windows in pieces (on) or not (off), and
# stays bytewise equal; another value is refused.
for pp in on off; do
    run 0 err "" -- "$dpuc" compile "$models/qdq_conv.onnx" --arch tiny --pack-pieces $pp \
        --dump-after tile
    if [ "$pp" = on ] && ! grep -q "kernel rows, pieces)" "$work/out"; then
        echo "FAIL: --pack-pieces on: the conv is not gathered in pieces"
        failures=$((failures + 1))
    fi
    if [ "$pp" = off ] && grep -q "pieces)" "$work/out"; then
        echo "FAIL: --pack-pieces off: the conv is gathered in pieces"
        failures=$((failures + 1))
    fi
    run 0 err "" -- "$dpuc" compile "$models/qdq_conv.onnx" --arch tiny --pack-pieces $pp \
        -o "$work/qdq_p$pp.bin"
    run 0 out "bytewise equal" -- "$dpusim" "$work/qdq_p$pp.bin" --input \
        "$models/qdq_conv.x.npy" -o "$work/y.npy" --check "$work/qdq.q8"
done
run 1 err "--pack-pieces needs on or off" -- \
    "$dpuc" compile "$models/qdq_conv.onnx" --arch tiny --pack-pieces maybe -o "$work/pm.bin"
# --pack-pairs on is accepted, the same program (nothing pairs on tiny: M would be a multiple
# of R = 8 and at most C/2 = 4).
run 0 err "" -- "$dpuc" compile "$models/qdq_conv.onnx" --arch tiny --pack-pairs on \
    -o "$work/qdq_pairs.bin"
cmp -s "$work/qdq.bin" "$work/qdq_pairs.bin" || {
    echo "FAIL: --pack-pairs on changed a conv that cannot pair"
    failures=$((failures + 1))
}
run 1 err "--pack-pairs needs on or off" -- \
    "$dpuc" compile "$models/qdq_conv.onnx" --arch tiny --pack-pairs maybe -o "$work/pm.bin"
# Operator form (QLinear*), with uint8 at the boundary.
run 0 err "uint8" -- "$dpuc" compile "$models/qlinear_ops.onnx" --arch b512 -o "$work/ql.bin"

# Refusals: exit 1 and a message naming what and where.
run 1 err "float ONNX model: quantize it first" -- \
    "$dpuc" compile "$models/float_cnn.onnx" --arch tiny -o "$work/f.bin"
run 1 err "node '" -- "$dpuc" compile "$models/../../fuzz/corpus/onnx/bad_unsupported_op.onnx" \
    --arch tiny -o "$work/bad.bin"
run 1 err "node 'sigmoid' (Sigmoid): cannot run on the accelerator (--no-cpu-fallback)" -- \
    "$dpuc" compile "$models/qdq_luts.onnx" --arch tiny --no-cpu-fallback -o "$work/l.bin"
run 0 err "node 'sigmoid' (Sigmoid) runs on the CPU" -- \
    "$dpuc" compile "$models/qdq_luts.onnx" --arch tiny -o "$work/l.bin"
[ ! -e "$work/f.bin" ] || {
    echo "FAIL: a refused compile left an output file"
    failures=$((failures + 1))
}

# dpuc info: instruction bytes vs weight bytes, SCRATCH vs the tensors it holds.
run 0 out "code/weights   " -- "$dpuc" info "$work/qdq.bin"
run 0 out "instruction bytes, " -- "$dpuc" info "$work/qdq.bin"
run 0 out "scratch        " -- "$dpuc" info "$work/qdq.bin"
run 0 out '"instruction_bytes": ' -- "$dpuc" info --json "$work/qdq.bin"
run 0 out '"scratch_tensor_bytes": ' -- "$dpuc" info --json "$work/qdq.bin"
run 0 out '"weight_bytes": ' -- "$dpuc" info --json "$work/qdq.bin"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "compile_mem cli: all checks passed"
