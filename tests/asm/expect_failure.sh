#!/bin/sh
# expect_failure.sh DPUC MODE FILE WORKDIR
#
# Runs `dpuc MODE` (asm or disasm) on FILE, which must be refused: exit code 1, every
# message on stderr prefixed "dpuc: ", no output file left behind, and stderr holding each
# text given on the file's `# expect: TEXT` lines (e.g. the file:line:col and field name).
# For disasm, FILE is a .hex file: hex bytes separated by blanks, '#' comments; it is
# turned into the binary stream first, so the bad inputs stay readable and reviewable.
set -u
dpuc=$1 mode=$2 src=$3 work=$4
rm -rf "$work" && mkdir -p "$work" || exit 2

fail() {
    echo "FAIL: $src: $*"
    echo "--- stderr:"
    cat "$work/stderr" 2>/dev/null
    exit 1
}

# Writes the bytes spelled in hex file $1 into file $2.
hex_to_bin() {
    : >"$2"
    for h in $(sed -e 's/#.*//' "$1"); do
        case $h in
        [0-9a-fA-F][0-9a-fA-F]) printf "\\$(printf '%03o' "0x$h")" >>"$2" ;;
        *) echo "FAIL: $1: '$h' is not a hex byte"; exit 1 ;;
        esac
    done
}

case $mode in
asm) input=$src out=$work/out.bin ;;
disasm) input=$work/in.bin out=$work/out.s; hex_to_bin "$src" "$input" ;;
*) echo "usage: $0 DPUC asm|disasm FILE WORKDIR"; exit 2 ;;
esac

grep -q '^[#;] *expect:' "$src" || fail "no '# expect:' lines"
"$dpuc" "$mode" "$input" -o "$out" >"$work/stdout" 2>"$work/stderr"
code=$?
[ "$code" -eq 1 ] || fail "exit code $code, expected 1"
[ -s "$work/stderr" ] || fail "no message on stderr"
if grep -v '^dpuc: ' "$work/stderr" >/dev/null; then fail "a stderr line lacks 'dpuc: '"; fi
[ ! -e "$out" ] || fail "an output file was written despite the error"
sed -n 's/^[#;] *expect: *//p' "$src" | while IFS= read -r want; do
    grep -F -q -- "$want" "$work/stderr" || { echo "FAIL: $src: message lacks: $want"; exit 1; }
done || fail "see above"
echo "ok: $(cat "$work/stderr")"
