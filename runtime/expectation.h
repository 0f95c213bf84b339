// The runtime's entry point for one layer expectation: evaluates an Expectation (program.h), a
// sum of closed-form, bump-conditional and quadrature terms, over a tile of covariance entries.
#pragma once
#include <cstddef>
#include <span>
#include <string>

#include "runtime/bound_program.h"

namespace sgntk::runtime {

// out[i] = E[f(u) g(v)] for (u, v) ~ N(0, [[a[i], c[i]], [c[i], b[i]]]), i < n.
// Inputs are first clamped to a valid covariance (a, b >= 0, |c| <= sqrt(ab)); degenerate
// covariances give the exact limits. Where e.infinite_on_diagonal and c^2 = ab the result is
// +inf. Thread-safe; allocation-free in steady state for closed-form-only expectations
// (per-thread workspace). Throws EvalError when an integrand cannot be evaluated.
void evaluate(const Expectation& e, const double* a, const double* b, const double* c, double* out, std::size_t n);

// Several expectations of the same covariances (a layer's E[phi phi] and E[phi' g]): the
// inputs are clamped once. outs[j] receives es[j]; same guarantees as evaluate().
void evaluate_all(std::span<const Expectation* const> es, const double* a, const double* b, const double* c,
                  std::span<double* const> outs, std::size_t n);

// One line per term, "coef * method ...", for `sgntk check --dump program`.
std::string describe(const Expectation& e);

}  // namespace sgntk::runtime
