#!/usr/bin/env bash
# Installs ONNX Runtime for Node.js (onnxruntime-node, from npm) into third_party/ort/ of
# the repository (gitignored), for the export comparison test (tests/export.cmake) and
# scripts/bench_simspeed.sh. The package ships its CPU binaries; --ignore-scripts skips its
# postinstall step, which only fetches optional GPU libraries. The version is pinned: 1.20.1
# runs on Debian 12's node 18 and on node 20. Idempotent; needs node and npm.
#   usage: scripts/install-ort.sh [--check]   (--check: only say whether it is installed)
set -euo pipefail
cd "$(dirname "$0")/.."
ORT_VERSION=1.20.1
DIR=third_party/ort
STAMP=$DIR/.installed-$ORT_VERSION

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "install-ort: node and npm are needed (Debian: apt-get install nodejs npm)" >&2
  exit 1
fi
if [ -f "$STAMP" ] && node scripts/ort/run.mjs --version >/dev/null 2>&1; then
  echo "install-ort: onnxruntime-node $ORT_VERSION present in $DIR"
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  echo "install-ort: onnxruntime-node $ORT_VERSION is not installed in $DIR" >&2
  exit 1
fi
mkdir -p "$DIR"
echo "install-ort: installing onnxruntime-node@$ORT_VERSION into $DIR"
npm install --prefix "$DIR" --ignore-scripts --no-audit --no-fund --no-save --loglevel=error \
  "onnxruntime-node@$ORT_VERSION"
node scripts/ort/run.mjs --version
touch "$STAMP"
