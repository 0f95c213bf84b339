#!/usr/bin/env bash
# The out-of-core kernel at scale, by hand (never by ctest): the erf NTK of specs/paper/erf_ntk.sgntk
# with input dimension 8 on N random points of different norms (N(0, 1) rows scaled by U(0.3, 2.5)),
# written out of core to DIR/k.npy (N = 30000: 7.2 GB). Reports the wall time and the peak RSS
# (/usr/bin/time -f %M, which counts resident mapped file pages too) against the output's size, and
# checks a sample of rows bit for bit against the in-memory path on those rows, K(x_S, X); then
# checks at N_SMALL that the whole file is the in-memory path's, byte for byte. Removes DIR's files.
#     bench/out_of_core.sh [N] [DIR] [N_SMALL]      (defaults: 30000, /tmp/sgntk-out-of-core, 8000)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
sgntk="$root/build/sgntk"
n="${1:-30000}" dir="${2:-/tmp/sgntk-out-of-core}" n_small="${3:-8000}"
mkdir -p "$dir"
cd "$dir"
trap 'rm -f "$dir"/{spec.sgntk,x.csv,x_small.csv,sample.csv,k.npy,sample.npy,small_mem.npy,small_ooc.npy}' EXIT

sed 's/input = 2/input = 8/' "$root/specs/paper/erf_ntk.sgntk" > spec.sgntk
. "$root/bench/random_points.sh"
points "$n" > x.csv
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# Out of core because 8 N^2 bytes exceed the default memory budget (1/8 of physical memory) for
# N = 30000 on a 24 GiB machine; --out-of-core makes it so on any machine.
/usr/bin/time -f '%e %M' -o time.txt "$sgntk" kernel spec.sgntk --kind ntk --x1 x.csv --out k.npy --quiet --out-of-core
read -r seconds peak_kb < time.txt
rm -f time.txt
bytes=$(stat -c %s k.npy)
echo "N = $n: out of core $seconds s, peak RSS $peak_kb KB = $(awk -v k="$peak_kb" -v b="$bytes" 'BEGIN { printf "%.2f", 100 * k * 1024 / b }')% of the output ($bytes bytes)"

# A sample of rows (every 61st point) through the in-memory path: K(x_S, X), rows of the same matrix.
awk 'NR % 61 == 1' x.csv > sample.csv
"$sgntk" kernel spec.sgntk --kind ntk --x1 sample.csv --x2 x.csv --out sample.npy --quiet
python3 - "$n" <<'PY'
import struct, sys
n = int(sys.argv[1])
def header_bytes(f):
    f.seek(8); return 10 + struct.unpack('<H', f.read(2))[0]
rows = list(range(0, n, 61))
with open('k.npy', 'rb') as big, open('sample.npy', 'rb') as sample:
    hb, hs = header_bytes(big), header_bytes(sample)
    same = worst = 0
    for s, i in enumerate(rows):
        big.seek(hb + 8 * i * n); a = big.read(8 * n)
        sample.seek(hs + 8 * s * n); b = sample.read(8 * n)
        same += sum(a[k:k + 8] == b[k:k + 8] for k in range(0, 8 * n, 8))
        va, vb = struct.unpack(f'<{n}d', a), struct.unpack(f'<{n}d', b)
        worst = max(worst, max(abs(x - y) / max(abs(y), 1e-300) for x, y in zip(va, vb)))
    total = len(rows) * n
    print(f"sample: {len(rows)} rows x {n} entries against K(x_S, X) in memory: {same} of {total} bitwise equal, max relative difference {worst:.3g}")
PY

# The whole file at N_SMALL: in memory and out of core, byte for byte.
points "$n_small" > x_small.csv
"$sgntk" kernel spec.sgntk --kind ntk --x1 x_small.csv --out small_mem.npy --quiet
"$sgntk" kernel spec.sgntk --kind ntk --x1 x_small.csv --out small_ooc.npy --quiet --out-of-core
cmp small_mem.npy small_ooc.npy && echo "N = $n_small: the out-of-core file is the in-memory one, byte for byte"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
