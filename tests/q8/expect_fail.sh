#!/bin/sh
# expect_fail.sh EXIT PATTERN COMMAND...: runs COMMAND and passes when it exits with EXIT and
# its standard error matches the grep pattern PATTERN (and its standard output is empty).
want=$1 pattern=$2
shift 2
err=$("$@" 2>&1 >/dev/null)
code=$?
out=$("$@" 2>/dev/null)
if [ "$code" != "$want" ]; then
    echo "exit code $code, expected $want; stderr: $err"
    exit 1
fi
if ! printf '%s\n' "$err" | grep -q -- "$pattern"; then
    echo "stderr does not match '$pattern': $err"
    exit 1
fi
if [ -n "$out" ]; then
    echo "unexpected standard output: $out"
    exit 1
fi
exit 0
