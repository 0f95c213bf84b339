// Gauss-Hermite rules for the standard normal weight: sum_i w_i h(z_i) ~ E[h(Z)], Z ~ N(0, 1),
// exact for polynomials of degree < 2n. Computed once per order and cached.
#pragma once
#include <vector>

namespace sgntk::runtime {

struct GaussHermiteRule {
  std::vector<double> nodes;    // ascending, symmetric about 0
  std::vector<double> weights;  // positive, summing to 1
};

// The n-point rule, 1 <= n <= 512. Thread-safe; the reference stays valid for the program's life.
// Nodes by Golub-Welsch (eigenvalues of the Jacobi matrix) polished by Newton steps on the
// orthonormal Hermite recurrence; weights by the Christoffel formula 1 / sum_k p_k(z)^2, which
// keeps even the tiny outer weights accurate to a few ulps relative.
const GaussHermiteRule& gauss_hermite(int n);

}  // namespace sgntk::runtime
