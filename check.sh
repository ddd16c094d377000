#!/usr/bin/env bash
# Command 2 of the README: build and run the whole test suite twice, plainly and under
# AddressSanitizer + UndefinedBehaviorSanitizer, and replay/run the fuzz targets with clang.
# Warnings are errors in every build.
# DPU_REQUIRE_ORT: the ONNX Runtime comparison (tests/export.cmake) fails instead of skipping
# when ORT is missing (scripts/install-deps.sh installs it).
set -euo pipefail
cd "$(dirname "$0")"
JOBS=$(nproc)

run_suite() { # run_suite NAME BUILD_DIR CMAKE_ARGS...
  local name=$1 dir=$2
  shift 2
  echo "=== [$name] configure + build ($dir)"
  cmake -S . -B "$dir" "$@" >"$dir.configure.log" 2>&1 || { cat "$dir.configure.log"; return 1; }
  cmake --build "$dir" -j"$JOBS"
  echo "=== [$name] ctest"
  ctest --test-dir "$dir" --output-on-failure -j"$JOBS" ${CTEST_ARGS:-}
}

mkdir -p build-check
run_suite plain build-check/plain -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDPU_REQUIRE_ORT=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite asan+ubsan build-check/sanitize -DCMAKE_BUILD_TYPE=Debug -DDPU_SANITIZE=ON -DDPU_REQUIRE_ORT=ON
if command -v clang >/dev/null 2>&1; then
  # The fuzz build runs only the fuzz_* tests: the rest of the suite already ran twice.
  CTEST_ARGS="-R ^fuzz_" run_suite fuzz build-check/fuzz -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
    -DDPU_FUZZ=ON
else
  echo "=== [fuzz] skipped: clang not installed"
fi
echo "check: all suites passed"
