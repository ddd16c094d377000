#!/bin/sh
# cli.sh DPUC MAKE_SAMPLE BAD_DIR WORKDIR: `dpuc info` and `dpuc disasm` on ELF programs:
# the sample program (tests/prog/prog_sample.h), standard input, and broken files.
set -u
dpuc=$1 make_sample=$2 bad=$3 work=$4
rm -rf "$work" && mkdir -p "$work" || exit 2
failures=0
"$make_sample" "$work/prog.bin" || exit 2

# check WANT_CODE STREAM PATTERN -- ARGS...: runs dpuc ARGS (stdin from $stdin), checks the
# exit code and that stdout or stderr (STREAM) contains PATTERN (fixed string).
stdin=/dev/null
check() {
    want=$1 stream=$2 pattern=$3
    shift 4
    "$dpuc" "$@" >"$work/out" 2>"$work/err" <"$stdin"
    code=$?
    if [ "$code" -ne "$want" ]; then
        echo "FAIL: dpuc $*: exit $code, expected $want"
        cat "$work/err"
        failures=$((failures + 1))
    elif [ -n "$pattern" ] && ! grep -F -q -- "$pattern" "$work/$stream"; then
        echo "FAIL: dpuc $*: $stream lacks '$pattern'"
        cat "$work/$stream"
        failures=$((failures + 1))
    fi
}

p=$work/prog.bin
check 0 out "preset         tiny (hash 0x" -- info "$p"
check 0 out "isa            0." -- info "$p"
check 0 out "check          ok" -- info "$p"
check 0 out "instructions   6 (192 bytes): LOAD 3, CONV 1, MISC 0, SAVE 1, SYNC 0, END 1" -- info "$p"
check 0 out "weights        704 bytes" -- info "$p"
check 0 out "regions        CONST 704, INPUT 300, OUTPUT 500, SCRATCH 128 bytes" -- info "$p"
check 0 out "ddr footprint  1824 bytes" -- info "$p"
check 0 out "scale 0.0235 zp -3" -- info "$p"
check 0 out "model.q8 27 bytes; in: x; out: x_q" -- info "$p"
check 0 out "instructions 0..5 (6)" -- info "$p"
check 0 out "0..1 2..4 (5 instructions)" -- info "$p"
check 0 out '"valid": true' -- info --json "$p"
check 0 out '"instructions": {"total": 6, "bytes": 192, "LOAD": 3' -- info --json "$p"
check 0 out '{"name": "conv1", "op": "Conv", "ranges": [[0, 2], [2, 3]]}' -- info --json "$p"
check 0 out '"inputs": [2], "outputs": [3]' -- info --json "$p"

# Each instruction names its layer; END belongs to none.
check 0 out "; #3 conv1" -- disasm "$p"
check 0 out "END  ; #5" -- disasm "$p"
if grep -q "#5 " "$work/out"; then
    echo "FAIL: END is listed with a layer"
    failures=$((failures + 1))
fi

# Standard input works for both.
stdin=$p
check 0 out "check          ok" -- info -
check 0 out "; #0 conv1" -- disasm -
stdin=/dev/null

# disasm of the ELF -> asm -> the same listing.
check 0 out "" -- disasm --no-index "$p"
cp "$work/out" "$work/listing.s"
check 0 out "" -- asm "$work/listing.s" -o "$work/listing.raw"
check 0 out "" -- disasm --no-index "$work/listing.raw"
if ! cmp -s "$work/out" "$work/listing.s"; then
    echo "FAIL: disasm(asm(disasm(prog.bin))) differs from disasm(prog.bin)"
    failures=$((failures + 1))
fi

# A file that decodes but would not load is described, with the reason.
check 0 out "check          FAILED: instruction 0 (SYNC): token underflow" -- info "$bad/token_underflow.bin"
check 0 out '"valid": false' -- info --json "$bad/preset_hash.bin"
check 0 out '"problem": "program built for preset tiny with hash' -- info --json "$bad/preset_hash.bin"
check 0 out "preset         b4096" -- info "$bad/other_preset.bin"
# A file that does not decode is refused, naming the file and the problem.
check 1 err "tensor_dtype.bin: section .dpu.tensors, record 1" -- info "$bad/tensor_dtype.bin"
check 1 err "unknown opcode" -- disasm "$bad/bad_opcode.bin"
check 1 err "truncated" -- disasm "$bad/truncated_half.bin"

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all checks passed"
