// Where an expression in x is not smooth, for the quadrature planner: break points (kinks, jumps,
// poles and support edges), a smoothness flag, parity and compact support. Zeros of the
// arguments of abs, sign, heaviside, relu, of min/max differences, of Select indicators and of
// non-integer or negative power bases are solved when those arguments are affine in x; a
// non-affine one marks the expression non-smooth without a break point (the integrator then
// relies on adaptivity).
#pragma once
#include "compiler/graph/expr.h"
#include "runtime/program/shape.h"

namespace sgntk::passes {

program::Shape analyze_shape(graph::Expr e);

}  // namespace sgntk::passes
