#!/usr/bin/env bash
# Configures and builds sgntk into build/ (Release, two jobs, ccache when present). With .venv/
# (scripts/python-env.sh) the Python extension is built too, for that venv's interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."
python_args=()
if [[ -x .venv/bin/python ]]; then python_args=(-DPython_EXECUTABLE="$PWD/.venv/bin/python"); fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "${python_args[@]}" "$@" >/dev/null
cmake --build build -j "${SGNTK_JOBS:-2}"
