#!/usr/bin/env bash
# Installs every Debian package sgntk's build, tests, benchmarks and plotting scripts need.
# Idempotent: when everything is present it only checks (no apt-get update, a second or two).
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost-dev libboost-math-dev           # Spirit X3, Boost.Math (header-only parts), Boost.DLL
  libeigen3-dev libtbb-dev libopenblas-dev
  doctest-dev libcli11-dev libfmt-dev libsleef-dev
  libopenmpi-dev openmpi-bin               # MPI (optional at build time): train across ranks
  clang-14 libclang-rt-14-dev libfuzzer-14-dev   # the fuzz target (ASan + UBSan + libFuzzer)
  python3 python3-numpy python3-matplotlib  # plotting of the paper's figures
  python3-dev python3-venv                  # the Python package (its venv: scripts/python-env.sh)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
