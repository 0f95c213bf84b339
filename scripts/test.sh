#!/usr/bin/env bash
# Installs dependencies, builds, and runs the whole test suite: ctest, the Python package's
# pytest suite (in .venv/), then the fuzz run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/python-env.sh >/dev/null
scripts/build.sh
ctest --test-dir build --output-on-failure -j 2
scripts/pytest.sh
if [[ -x scripts/fuzz.sh ]]; then scripts/fuzz.sh; fi
