#!/usr/bin/env bash
# Command 1 of the README: install the Debian packages, build, and run the main job.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"
scripts/demo.sh
