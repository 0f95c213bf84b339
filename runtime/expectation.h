// The runtime's entry point for one layer expectation: evaluates an Expectation (program.h), a
// sum of closed-form, bump-conditional and quadrature terms, over a tile of covariance entries.
#pragma once
#include <cstddef>
#include <span>
#include <string>

#include "runtime/bound_program.h"
#include "runtime/closed_forms.h"
#include "runtime/hermite_series.h"

namespace sgntk::runtime {

// out[i] = E[f(u) g(v)] for (u, v) ~ N(0, [[a[i], c[i]], [c[i], b[i]]]), i < n.
// Inputs are first clamped to a valid covariance (a, b >= 0, |c| <= sqrt(ab)); degenerate
// covariances give the exact limits. Where e.infinite_on_diagonal and c^2 = ab the result is
// +inf. Thread-safe. Throws EvalError when an integrand cannot be evaluated.
void evaluate(const Expectation& e, const double* a, const double* b, const double* c, double* out, std::size_t n);

// The kernel engine's form: several expectations (a layer's E[phi phi] and E[phi' g]) of one
// tile whose gaps ab - c^2 the engine carries (closed_forms.h); outs[j] receives es[j], tile.n
// entries each. The shared quantities (sqrt of the gap, angles, roots) are computed once.
// series[j], when given, holds the tables of es[j]'s hermite_series terms in term order
// (series_terms()); a term without tables (or with null ones) takes its conditional quadrature.
void evaluate_all(std::span<const Expectation* const> es, TileQuantities& q, std::span<double* const> outs,
                  std::span<const std::span<const SeriesTile>> series = {});

// Whether every term of `e` has a cancellation-free distance D = E[f(u)^2] + E[f(v)^2] -
// 2 E[f(u) f(v)] (closed_forms.h has_distance); then expectation_distance() gives it.
bool has_distance(const Expectation& e);
void expectation_distance(const Expectation& e, TileQuantities& q, const double* dist, double* out);

// One line per term, "coef * method ...", for `sgntk check --dump program`.
std::string describe(const Expectation& e);

}  // namespace sgntk::runtime
