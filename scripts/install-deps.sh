#!/usr/bin/env bash
# Installs the Debian 12 packages opendpu needs to build and test. Idempotent.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git
  clang clang-format libclang-rt-14-dev   # fuzzing (libFuzzer) and the style check
  libcmocka-dev                           # unit tests
  libelf-dev                              # program files are ELF
  protobuf-c-compiler libprotobuf-c-dev   # ONNX parsing
  libonnx-dev libonnx-testdata            # onnx.proto and ONNX's conformance tests
  verilator iverilog                      # RTL lint and simulation
)
# Node.js and npm run ONNX Runtime (onnxruntime-node) for the dpuc export test. Machines that
# already have them from elsewhere (e.g. NodeSource's nodejs, which bundles npm and conflicts
# with Debian's npm package) keep theirs; otherwise Debian's packages.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# onnxruntime-node from npm into third_party/ort (tests/export.cmake, scripts/bench_simspeed.sh)
"$(dirname "$0")/install-ort.sh"
