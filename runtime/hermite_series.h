// Mehler's series for the kernel engine: numeric expectations of smooth functions at the cost
// of a short sum per entry.
//
// With u = sqrt(a) z1, v = sqrt(b) z2, corr(z1, z2) = rho = c / sqrt(ab):
//   E[f(u) g(v)] = sum_k rho^k f_k(a) g_k(b),   f_k(a) = E[f(sqrt(a) Z) He_k(Z)] / sqrt(k!).
// The coefficients are one-dimensional integrals: a table per point set, layer and function,
// built once (tabulate). An entry then costs a Horner sum of K + 1 terms (sum_tile). Since the
// normalised He_k are orthonormal, Cauchy-Schwarz bounds what the truncation leaves out:
//   |sum_{k > K} rho^k f_k g_k| <= |rho|^(K+1) sqrt(T_f(K) T_g(K)),  T_f(K) = E[f^2] - sum_{k<=K} f_k^2,
// a bound each entry checks; where it misses the target (|rho| near 1 and slow convergence) the
// entry takes the term's conditional quadrature instead, and entries of a point with itself
// (u = v) take E[f(u) g(u)] directly.
//
// The integrals use the trapezoidal rule on z in [-L, L], which converges geometrically for
// integrands analytic in a strip; the step is chosen so that halving it changes no coefficient
// beyond the rounding level, and L so that the Gaussian weight has decayed below it.
#pragma once
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "runtime/bound_program.h"
#include "runtime/closed_forms.h"

namespace sgntk::runtime {

// f_k(a_i) for k <= order and the points i of one point set (stride >= points, a multiple of
// the tile side, zero beyond the points), with the relative tails T_f(k) / E[f^2].
struct HermiteTable {
  int order = 0;
  std::size_t points = 0, stride = 0;
  std::vector<double> coef;      // coef[k * stride + i]
  // The relative tails T_f(k) / E[f^2] (>= 0), as much of them as the tiles read:
  std::vector<double> tile_tail; // tile_tail[k * tiles + t]: the largest of tile t's 16 points at order k
  std::vector<double> root_tail; // per point: its tail at the table's order, ^(-1 / (2 (order + 1))), +inf for 0
};

// One hermite_series term tabulated on one point set: its u-side function (rows of a tile)
// and its v-side function (columns), which may be one table, and E[f(u) g(u)] per point.
struct SeriesTables {
  const QuadratureTerm* term = nullptr;
  std::shared_ptr<const HermiteTable> u_side, v_side;  // null: the series does not suit this layer
  std::vector<double> on_diagonal;
};

// Tabulates term t (method hermite_series) at the variances a[i] of one point set. When no
// rule of reasonable size resolves the functions, the tables stay null and every entry takes
// the conditional method.
SeriesTables tabulate(const QuadratureTerm& t, std::span<const double> a);

// The view of a tile: the tables of its rows' and columns' point sets for one term, the
// tile's position, and whether its entries are the points themselves (the diagonal recursion).
struct SeriesTile {
  const SeriesTables* rows = nullptr;
  const SeriesTables* cols = nullptr;
  std::size_t i0 = 0, j0 = 0, ni = 0, nj = 0;
  bool diagonal = false;
};

// out[k] = E[f(u) g(v)] at the tile's entries (row-major ni x nj, padded to q.tile().n with the
// last entry), to the term's tolerance.
void sum_tile(const QuadratureTerm& t, const SeriesTile& view, TileQuantities& q, double* out);

// Every hermite_series term of an expectation, in term order.
std::vector<const QuadratureTerm*> series_terms(const Expectation& e);

}  // namespace sgntk::runtime
