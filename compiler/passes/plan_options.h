// What the planning passes (match_gaussian, plan_quadrature) share: their options and the
// error of an integrand that cannot be planned.
#pragma once
#include <stdexcept>

namespace sgntk::passes {

struct MatchOptions {
  double tolerance = 1e-10;
  int gauss_hermite_order = 64;
  // false: no closed forms and no closed 1-D averages, only quadrature (a delta still removes
  // a dimension). Used to validate the quadrature path against the closed forms.
  bool closed_forms = true;
};

// Thrown when an integrand cannot be planned (e.g. a delta of a non-affine argument); the
// message is a user-facing diagnostic text.
struct MatchError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace sgntk::passes
