#!/usr/bin/env bash
# `sgntk predict` with a large test set, by hand (never by ctest): the erf NTK of
# specs/paper/erf_ntk.sgntk with input dimension 8, N_TRAIN training points and N_TEST test points
# (N(0, 1) rows scaled by U(0.3, 2.5)), t = inf, the covariance streamed to DIR/c.npy
# (--out-of-core; N_TEST = 20000: 3.2 GB). Reports the wall time and the peak RSS
# (/usr/bin/time -f %M) against the covariance's size; then, unless IN_MEMORY=0, runs the same
# prediction in memory (--memory-budget 16G) and compares both files byte for byte (cmp), with its
# own peak RSS. MEMORY_BUDGET=SIZE streams with that budget instead (e.g. 1G: the solved test rows,
# 640 MB at the defaults, then go to a scratch file beside the output). Removes DIR's files.
#     bench/predict_stream.sh [N_TRAIN] [N_TEST] [DIR]      (defaults: 2000, 20000, /tmp/sgntk-predict-stream)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
sgntk="$root/build/sgntk"
n_train="${1:-2000}" n_test="${2:-20000}" dir="${3:-/tmp/sgntk-predict-stream}"
mkdir -p "$dir"
cd "$dir"
trap 'rm -f "$dir"/{spec.sgntk,x_train.csv,y_train.csv,x_test.csv,p.npy,c.npy,p_mem.npy,c_mem.npy,time.txt}' EXIT

sed 's/input = 2/input = 8/' "$root/specs/paper/erf_ntk.sgntk" > spec.sgntk
. "$root/bench/random_points.sh"
points "$n_train" 8 1 > x_train.csv
points "$n_test" 8 2 > x_test.csv
awk -F, '{ printf "%.17g\n", sin($1) + 0.5 * $2 * $3 }' x_train.csv > y_train.csv
run() {  # label, then extra options
  local label="$1"; shift
  /usr/bin/time -f '%e %M' -o time.txt "$sgntk" predict spec.sgntk --kind ntk --t inf --x-train x_train.csv \
    --y-train y_train.csv --x-test x_test.csv --quiet "$@"
  read -r seconds peak_kb < time.txt
  bytes=$(stat -c %s "${@: -1}")
  echo "$label: $seconds s, peak RSS $peak_kb KB = $(awk -v k="$peak_kb" -v b="$bytes" 'BEGIN { printf "%.1f", 100 * k * 1024 / b }')% of the covariance ($bytes bytes)"
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
stream=(--out-of-core)
if [[ -n "${MEMORY_BUDGET:-}" ]]; then stream=(--memory-budget "$MEMORY_BUDGET"); fi
run "N_train = $n_train, N_test = $n_test, streamed (${stream[*]})" "${stream[@]}" --out p.npy --cov c.npy
if [[ "${IN_MEMORY:-1}" != 0 ]]; then
  run "the same in memory" --memory-budget 16G --out p_mem.npy --cov c_mem.npy
  cmp c.npy c_mem.npy && cmp p.npy p_mem.npy && echo "the streamed files are the in-memory ones, byte for byte"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
