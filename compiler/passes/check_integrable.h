// Whether a function of x (one side of a Gaussian expectation) can be integrated against the
// Gaussian at all, whatever the variance: it must be defined (not NaN) on the whole line, since
// the Gaussian puts mass everywhere (sqrt(x), log(x), x^0.5 are not), and its singularities
// must be integrable: near a zero s of an affine A, |A|^p is integrable only for p > -1 (1/x,
// 1/(x - s), abs(x)^-1.5 are not; log(abs(x)) and abs(x)^-0.5 are). The order of a singularity
// is read symbolically (products add orders, so sin(x)/x is regular at 0); definedness is
// sampled on a grid of the whole expression, so that guarded branches (if(x < 0, 0, sqrt(x)))
// are accepted.
#pragma once
#include <optional>
#include <string>

#include "compiler/graph/expr.h"

namespace sgntk::passes {

// The reason, as a user-facing text, or nothing when e can be integrated. e has no delta.
std::optional<std::string> integrability_problem(graph::Expr e);

// Each of f and g integrable, but both singular at x = 0 with orders that add up to -1 or
// less (abs(x)^-0.5 with itself): E[f(u) g(v)] is then infinite wherever c^2 = ab (u and v are
// proportional, and both vanish together), so every kernel diagonal diverges. The reason, or
// nothing.
std::optional<std::string> diagonal_singularity(graph::Expr f, graph::Expr g);

}  // namespace sgntk::passes
