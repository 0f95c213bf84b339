#!/usr/bin/env bash
# The README's main job: install, build, then compile the paper's sign network (forward sign,
# backward surrogate erf') and compute its NNGP and SG-NTK rows K(x_mid, grid) on the paper's
# 100-point circle grid (science.md section 5), written to out/quickstart/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
mkdir -p out/quickstart
build/sgntk check specs/paper/sign_sgl.sgntk
for kind in nngp sgntk; do
  build/sgntk kernel specs/paper/sign_sgl.sgntk --kind "$kind" \
    --x1 specs/data/x_mid.csv --x2 specs/data/circle_grid.csv --out "out/quickstart/sign_${kind}_row.csv"
done
echo "quickstart: kernel rows written to out/quickstart/ (load with numpy.loadtxt(..., delimiter=','))"
