// Numeric bivariate Gaussian expectations E[f(u) g(v)], (u, v) ~ N(0, [[a, c], [c, b]]), for the
// terms the compiler could not close: QuadratureTerm (tensor Gauss-Hermite or the conditional
// reduction) and BumpConditionalTerm (a Gaussian bump or delta on one side removes a dimension).
#pragma once
#include <cstddef>
#include <string>

#include "runtime/bound_program.h"

namespace sgntk::runtime {

// out[i] = E[f(u) g(v)] at (a[i], b[i], c[i]); inputs clamped (a, b >= 0, c^2 <= ab).
//   gauss_hermite: u = sqrt(a) z1, v = (c/sqrt a) z1 + sqrt(b - c^2/a) z2 on the order^2 grid.
//   conditional:   E[f(u) g(v)] = E_u[f(u) E1[g](c u / a, b - c^2 / a)], the outer average
//                  adaptive and split at f's break points, the inner one t.g_average when set,
//                  else adaptive over g's shape (gauss_expect_1d.h).
// The degenerate laws (a = 0, c^2 = ab) are the exact limits of these formulas.
void evaluate_quadrature(const QuadratureTerm& t, const double* a, const double* b, const double* c, double* out,
                         std::size_t n);

// out[i] = E[N(u - shift; 0, e) g(v)] = N(shift; 0, a + e) E1[g](c shift / (a + e), b - c^2 / (a + e))
// (u and v exchanged when t.bump_on_v). Where the density is +inf (a + e = 0, shift = 0) the
// result is +-inf unless E1[g] = 0.
void evaluate_bump_conditional(const BumpConditionalTerm& t, const double* a, const double* b, const double* c,
                               double* out, std::size_t n);

std::string describe(const QuadratureTerm& t);
// "2 break points (0.3, 0.7) and 1 steep transitions (0.2 width 0.001)", for dumps.
std::string describe_splits(const Shape& s);
std::string describe(const BumpConditionalTerm& t);

}  // namespace sgntk::runtime
