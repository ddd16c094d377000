#!/bin/sh
# cli.sh DPUC EXAMPLE.s WORKDIR: the dpuc command line (help, version, usage errors, exit
# codes, "-" for standard input and output, default output names, empty streams).
set -u
dpuc=$1 example=$2 work=$3
rm -rf "$work" && mkdir -p "$work" || exit 2
failures=0

# check WANT_CODE STREAM PATTERN -- ARGS...: runs dpuc ARGS, checks the exit code and that
# stdout or stderr (STREAM) contains PATTERN (fixed string; empty = no check).
check() {
    want=$1 stream=$2 pattern=$3
    shift 4
    "$dpuc" "$@" >"$work/out" 2>"$work/err" </dev/null
    code=$?
    if [ "$code" -ne "$want" ]; then
        echo "FAIL: dpuc $*: exit $code, expected $want"
        failures=$((failures + 1))
    elif [ -n "$pattern" ] && ! grep -F -q -- "$pattern" "$work/$stream"; then
        echo "FAIL: dpuc $*: $stream lacks '$pattern'"
        cat "$work/$stream"
        failures=$((failures + 1))
    fi
}

check 0 out "disasm" -- --help
check 0 out "usage: dpuc COMMAND" -- -h
check 0 out "ISA opendpu" -- --version
check 1 err "no command given" --
check 1 err "unknown command 'frob'" -- frob
check 1 err "usage: dpuc" -- frob
check 1 err "unknown option '--frob'" -- --frob
check 0 out "usage: dpuc COMMAND" -- help
check 0 out "usage: dpuc asm" -- help asm
check 0 out "usage: dpuc disasm" -- help disasm
check 1 err "unknown command 'frob'" -- help frob
check 0 out "usage: dpuc asm" -- asm --help
check 0 out "--no-index" -- disasm -h
check 1 err "dpuc: asm: missing the input file" -- asm
check 1 err "dpuc: disasm: missing the input file" -- disasm
check 1 err "unknown option '--bogus'" -- asm "$example" --bogus
check 1 err "usage: dpuc asm" -- asm "$example" --bogus
check 1 err "option -o needs a value" -- asm "$example" -o
check 1 err "unexpected argument" -- asm "$example" "$example"
check 1 err "cannot open" -- asm "$work/nonexistent.s" -o "$work/x.bin"
check 1 err "cannot open" -- disasm "$work/nonexistent.bin"
check 1 err "-o FILE is required" -- asm -

# Assembling from a file, from stdin and with the default output name agree.
check 0 out "" -- asm "$example" -o "$work/a.bin"
"$dpuc" asm - -o "$work/stdin.bin" <"$example" || { echo "FAIL: asm from stdin"; failures=$((failures + 1)); }
cmp "$work/a.bin" "$work/stdin.bin" || failures=$((failures + 1))
cp "$example" "$work/prog.s"
check 0 out "" -- asm "$work/prog.s"
cmp "$work/a.bin" "$work/prog.bin" || { echo "FAIL: default output name"; failures=$((failures + 1)); }
check 0 out "" -- asm "$example" --output="$work/long.bin"
cmp "$work/a.bin" "$work/long.bin" || failures=$((failures + 1))
"$dpuc" asm "$example" -o - >"$work/stdout.bin" || failures=$((failures + 1))
cmp "$work/a.bin" "$work/stdout.bin" || { echo "FAIL: asm to stdout"; failures=$((failures + 1)); }

# Disassembly to stdout, from stdin, with and without index comments.
check 0 out "END  ; #" -- disasm "$work/a.bin"
"$dpuc" disasm - <"$work/a.bin" >"$work/stdin.s" || failures=$((failures + 1))
cmp "$work/out" "$work/stdin.s" || { echo "FAIL: disasm from stdin"; failures=$((failures + 1)); }
check 0 out "CONV wait=LOAD" -- disasm --no-index "$work/a.bin"
if grep -q '; #' "$work/out"; then echo "FAIL: --no-index kept comments"; failures=$((failures + 1)); fi

# Empty streams and sources are valid and empty; a text file is not a stream and a stream
# is not a source.
: >"$work/empty.bin"
: >"$work/empty.s"
check 0 out "" -- disasm "$work/empty.bin"
[ -s "$work/out" ] && { echo "FAIL: empty stream printed text"; failures=$((failures + 1)); }
check 0 out "" -- asm "$work/empty.s" -o "$work/empty2.bin"
[ -s "$work/empty2.bin" ] && { echo "FAIL: empty source gave bytes"; failures=$((failures + 1)); }
check 1 err "not a multiple of the 32-byte" -- disasm "$example"
check 1 err "NUL byte" -- asm "$work/a.bin" -o "$work/x.bin"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "ok"
