# Sourced by the benchmark scripts: points N [D] [SEED] prints N seeded points of dimension D
# (default 8), N(0, 1) rows scaled by U(0.3, 2.5) (different norms), as csv; SEED defaults to 1.
points() {
  awk -v n="$1" -v d="${2:-8}" -v seed="${3:-1}" 'BEGIN { srand(seed); for (i = 0; i < n; i++) { s = 0.3 + 2.2 * rand(); line = "";
    for (k = 0; k < d; k++) { u = rand(); v = rand(); if (u < 1e-300) u = 1e-300;
      line = line (k ? "," : "") sprintf("%.17g", s * sqrt(-2 * log(u)) * cos(6.283185307179586 * v)) } print line } }'
}
