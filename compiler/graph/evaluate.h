// Scalar evaluation of an expression at a point (tests, constant folding). Delta terms have no
// point value: evaluate() returns NaN for them (check Node::has_delta first).
#pragma once
#include "compiler/graph/expr.h"

namespace sgntk::graph {
double evaluate(Expr e, double x);
}
