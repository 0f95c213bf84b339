// Where an expression in x is not smooth, for the quadrature planner: break points (kinks, jumps,
// poles and support edges), a smoothness flag, parity and compact support. Zeros of the
// arguments of abs, sign, heaviside, relu, of min/max differences, of Select indicators and of
// non-integer or negative power bases are solved when those arguments are affine in x; a
// non-affine one marks the expression non-smooth without a break point (the integrator then
// relies on adaptivity). Steep transitions (erf, tanh, sigmoid, atan of k*x + s with |k| > 10,
// and narrow exp(-q*(k*x + s)^2) bumps) are recorded with their center and width, also inside
// compositions, sums and products.
#pragma once
#include <optional>

#include "compiler/graph/expr.h"
#include "runtime/program/shape.h"

namespace sgntk::passes {

program::Shape analyze_shape(graph::Expr e);

// slope * x + intercept when e is affine in x (constant subtrees folded by evaluation).
struct Affine {
  double slope, intercept;
};
std::optional<Affine> affine(graph::Expr e);

}  // namespace sgntk::passes
