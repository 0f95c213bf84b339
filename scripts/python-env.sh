#!/usr/bin/env bash
# Creates .venv/ (from Debian's /usr/bin/python3, the interpreter every script of this project
# uses) with what building and testing the Python package needs: nanobind and scikit-build-core
# (the extension's build), numpy, pytest and mpmath (the tests' high-precision references).
# Idempotent: quick when everything is present.
# Prints the venv's python on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
python=/usr/bin/python3
venv=.venv
requirements=(nanobind scikit-build-core numpy pytest mpmath)

if [[ ! -x $venv/bin/python ]]; then
  "$python" -m venv "$venv" >&2
fi
if ! "$venv/bin/python" -c "import nanobind, scikit_build_core, numpy, pytest, mpmath" 2>/dev/null; then
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "${requirements[@]}" >&2
fi
echo "$PWD/$venv/bin/python"
