#!/usr/bin/env bash
# Configures and builds sgntk into build/ (Release, two jobs, ccache when present).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j "${SGNTK_JOBS:-2}"
