#!/usr/bin/env bash
# `sgntk kernel` across MPI ranks, by hand (never by ctest): the erf NTK of specs/paper/erf_ntk.sgntk
# with input dimension 8 on N random points (bench/random_points.sh; N = 8000: a 512 MB .npy in
# DIR), computed by one plain process (--threads 2; in place, and out of core: the bands the ranks
# share) and by `mpirun --oversubscribe -np K` for each K
# of RANKS (--threads max(1, 2 / K) per rank), in ROUNDS alternating rounds. Every file is compared
# byte for byte with the plain process's; the table gives the median wall time (and its ratio to the
# plain process's median) and the fastest. -np 1 is one process under mpirun (the usual path); K > 1
# splits the kernel's bands between the ranks, which write them into one shared file.
#     bench/mpi_kernel.sh [N] [DIR] [ROUNDS] [RANKS]   (defaults: 8000, /tmp/sgntk-mpi-kernel, 3, "1 2 4")
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
sgntk="$root/build/sgntk"
n="${1:-8000}" dir="${2:-/tmp/sgntk-mpi-kernel}" rounds="${3:-3}" ranks="${4:-1 2 4}"
mpirun=(mpirun --oversubscribe --bind-to none)
if [[ $(id -u) == 0 ]]; then mpirun+=(--allow-run-as-root); fi
mkdir -p "$dir"
cd "$dir"
trap 'rm -f "$dir"/{spec.sgntk,x.csv,plain.npy,ranks.npy,times.txt,time.txt}' EXIT

. "$root/bench/random_points.sh"
sed 's/input = 2/input = 8/' "$root/specs/paper/erf_ntk.sgntk" > spec.sgntk
points "$n" > x.csv
: > times.txt
echo "$(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
timed() {  # LABEL COMMAND...: appends "LABEL SECONDS" to times.txt
  local label="$1"
  shift
  /usr/bin/time -f '%e' -o time.txt "$@"
  echo "$label $(cat time.txt)" >> times.txt
}
for round in $(seq "$rounds"); do
  timed plain "$sgntk" kernel spec.sgntk --kind ntk --x1 x.csv --out plain.npy --quiet --threads 2
  rm -f ranks.npy
  timed banded "$sgntk" kernel spec.sgntk --kind ntk --x1 x.csv --out ranks.npy --quiet --threads 2 --out-of-core
  cmp plain.npy ranks.npy || { echo "--out-of-core: the file differs from the plain process's"; exit 1; }
  for k in $ranks; do
    threads=$(( k >= 2 ? 1 : 2 / k ))
    rm -f ranks.npy
    timed "$k" "${mpirun[@]}" -np "$k" "$sgntk" kernel spec.sgntk --kind ntk --x1 x.csv --out ranks.npy --quiet \
      --threads "$threads"
    cmp plain.npy ranks.npy || { echo "-np $k: the file differs from the plain process's"; exit 1; }
  done
  echo "round $round: every file is the plain process's, byte for byte ($(stat -c %s plain.npy) bytes)"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$ranks" <<'PY'
import statistics, sys
times = {}
for line in open('times.txt'):
    label, seconds = line.split()
    times.setdefault(label, []).append(float(seconds))
plain = statistics.median(times['plain'])
print("| run | wall, median | ratio to one process | fastest |")
print("|---|---|---|---|")
print(f"| one process, 2 threads | {plain:.2f} s | 1 | {min(times['plain']):.2f} s |")
banded = statistics.median(times['banded'])
print(f"| one process, 2 threads, --out-of-core | {banded:.2f} s | {banded / plain:.2f} | {min(times['banded']):.2f} s |")
for k in sys.argv[1].split():
    m = statistics.median(times[k])
    threads = 1 if int(k) >= 2 else 2 // int(k)
    print(f"| mpirun -np {k} x {threads} thread{'s' if threads > 1 else ''} | {m:.2f} s | {m / plain:.2f} | {min(times[k]):.2f} s |")
PY
