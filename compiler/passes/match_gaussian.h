// Plans a bivariate Gaussian expectation E[f(u) g(v)], (u, v) ~ N(0, [[a, c], [c, b]]):
// expands f and g into family atoms (gaussian_family.h), matches each pair against the table of
// closed forms (match_gaussian_rules.cpp), and plans numeric quadrature for the rest.
#pragma once
#include <optional>
#include <stdexcept>
#include <string>

#include "compiler/graph/context.h"
#include "runtime/program.h"

namespace sgntk::passes {

// A function known only by its values (a plugin surrogate), with optional closed 1-D average.
struct ExternalFunction {
  runtime::ArrayFunctionRef fn;
  runtime::GaussianAverageRef average;  // may be null
  runtime::Shape shape;
};

// One side of the expectation: an expression in x, or an external function.
struct Operand {
  graph::Expr expr = nullptr;
  std::optional<ExternalFunction> external;
  std::string text() const;
};

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

runtime::Expectation match_gaussian(graph::GraphContext& g, const Operand& f, const Operand& gside,
                                    const MatchOptions& options);

}  // namespace sgntk::passes
