#!/usr/bin/env bash
# Long randomized compiler runs: random DAGs with random seeds (tests/compile/rgraph.c),
# each compiled, run through the runtime on the simulator and compared bytewise with the
# reference interpreter, until a case fails or the time is up. A failure prints its seed,
# the case and the command that reproduces it (test_compile_rgraph --seed S -v); exit 1.
#
#   scripts/compile_fuzz.sh [MINUTES]      (default 10; BUILD=dir selects the build tree,
#                                           BATCH=n the cases per process, default 500;
#                                           BIG=1 residency chains up to the whole ACT of
#                                           every preset, slower: test_compile_rgraph --big)
set -euo pipefail
BUILD=${BUILD:-build}
BATCH=${BATCH:-500}
BIG=${BIG:-0}
MINUTES=${1:-10}
BIN="$BUILD/tests/test_compile_rgraph"
if [ ! -x "$BIN" ]; then
  echo "compile_fuzz: $BIN not found (build first, or set BUILD=dir)" >&2
  exit 2
fi
end=$(($(date +%s) + 60 * MINUTES))
total=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
while [ "$(date +%s)" -lt "$end" ]; do
  args=(--random "$BATCH")
  if [ "$BIG" = 1 ]; then args+=(--big); fi
  if ! "$BIN" "${args[@]}" >"$log" 2>&1; then
    grep -A2 "FAIL seed" "$log" || cat "$log"
    echo "compile_fuzz: failure after $total passing cases" >&2
    exit 1
  fi
  total=$((total + BATCH))
  if [ -t 1 ]; then
    printf '\rcompile_fuzz: %d cases passed' "$total"
  fi
done
if [ -t 1 ]; then echo; fi
echo "compile_fuzz: $total random cases passed in $MINUTES min"
