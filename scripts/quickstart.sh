#!/usr/bin/env bash
# The README's main job: install, build, then reproduce the paper's Figure 3 in quick mode
# (sign networks trained by surrogate gradient learning against the SG-NTK Gaussian process),
# with the data, a JSON manifest and the plot in out/figure3/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build/sgntk check specs/paper/sign_sgl.sgntk
build/sgntk run specs/paper/figure3.sgntk --quick --out out/figure3
echo "quickstart: Figure 3 (quick) is out/figure3/figure3.png; its data and manifest.json are beside it"
