#!/usr/bin/env bash
# Installs dependencies, builds, and runs the whole test suite through ctest (plus the fuzz run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j 2
if [[ -x scripts/fuzz.sh ]]; then scripts/fuzz.sh; fi
