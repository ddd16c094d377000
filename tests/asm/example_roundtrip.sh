#!/bin/sh
# example_roundtrip.sh DPUC FILE.s WORKDIR
#
# A bundled example must assemble, disassemble and reassemble to the identical bytes, and
# its canonical text must be a fixed point (disassembling the reassembled stream gives the
# same text again).
set -u
dpuc=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" || exit 2
fail() { echo "FAIL: $src: $*"; exit 1; }

"$dpuc" asm "$src" -o "$work/a.bin" || fail "does not assemble"
size=$(wc -c <"$work/a.bin")
[ "$size" -gt 0 ] && [ $((size % 32)) -eq 0 ] || fail "stream size $size"
"$dpuc" disasm "$work/a.bin" -o "$work/a.s" || fail "does not disassemble"
"$dpuc" asm "$work/a.s" -o "$work/b.bin" || fail "canonical text does not assemble"
cmp "$work/a.bin" "$work/b.bin" || fail "bytes differ after asm -> disasm -> asm"
"$dpuc" disasm "$work/b.bin" -o "$work/b.s" || fail "second disassembly failed"
cmp "$work/a.s" "$work/b.s" || fail "canonical text is not a fixed point"
lines=$(wc -l <"$work/a.s")
[ "$lines" -eq $((size / 32)) ] || fail "$lines lines for $((size / 32)) instructions"
grep -q '^END  ; #' "$work/a.s" || fail "no END in the disassembly"
echo "ok: $((size / 32)) instructions round-trip"
