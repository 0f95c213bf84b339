// Closed-form bivariate Gaussian expectations E[f(u) g(v)], (u, v) ~ N(0, [[a, c], [c, b]]),
// for every ClosedFormId of program.h, evaluated over arrays. Formulas are written so that they
// stay accurate (1e-12 relative or better) near perfect correlation c^2 = ab and take their
// exact limits at a = 0, b = 0 and c^2 = ab instead of producing NaN.
#pragma once
#include <cmath>
#include <cstddef>
#include <string>

#include "runtime/bound_program.h"

namespace sgntk::runtime {

// out[i] = the closed form `t` at (a[i], b[i], c[i]). Precondition: a, b >= 0 and
// c^2 <= ab exactly (expectation.h clamps c first). Throws std::invalid_argument for parameters
// outside an id's documented range (an internal error: the compiler emitted a bad term).
void evaluate_closed_form(const ClosedFormTerm& t, const double* a, const double* b, const double* c,
                          double* out, std::size_t n);

// One scalar entry; the same arithmetic as the array form (for tests and tabulation).
// The same with gap[i] = ab - c^2 >= 0 precomputed stably (covariance_gap), shared by all terms.
void evaluate_closed_form(const ClosedFormTerm& t, const double* a, const double* b, const double* c,
                          const double* gap, double* out, std::size_t n);

double evaluate_closed_form(const ClosedFormTerm& t, double a, double b, double c);

// "erf_erf(e1=0.125, e2=0.5)" plus " swapped" when the roles of u and v are exchanged.
std::string describe(const ClosedFormTerm& t);

// ab - c^2 >= 0 without the cancellation of forming ab and c^2 separately:
// (sqrt(ab) - |c|)(sqrt(ab) + |c|), exactly 0 when c was clamped to +-sqrt(ab).
inline double covariance_gap(double a, double b, double c) {
  const double s = std::sqrt(a * b), ac = std::fabs(c);
  return std::fmax(0.0, (s - ac) * (s + ac));
}
}  // namespace sgntk::runtime
