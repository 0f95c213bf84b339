#!/usr/bin/env bash
# Runs the Python package's tests (python/tests) against the extension in build/python, with the
# venv of scripts/python-env.sh. Extra arguments go to pytest (e.g. -k kernel).
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(scripts/python-env.sh)
if ! compgen -G "build/python/sgntk/_core*.so" >/dev/null; then
  echo "pytest.sh: build/python/sgntk/_core*.so is missing: run scripts/build.sh (with .venv present)" >&2
  exit 1
fi
PYTHONPATH="$PWD/build/python" SGNTK_EXE="$PWD/build/sgntk" "$python" -m pytest -q python/tests "$@"
