// Canonicalising constructors (see expr_kinds.def for the canonical form). They fold nothing
// beyond the canonical rewrites; simplify() (passes/simplify.h) does algebra.
#pragma once
#include "compiler/graph/context.h"

namespace sgntk::graph {

Expr add(GraphContext& g, Expr a, Expr b);
Expr sub(GraphContext& g, Expr a, Expr b);
Expr mul(GraphContext& g, Expr a, Expr b);
Expr div(GraphContext& g, Expr a, Expr b);
Expr neg(GraphContext& g, Expr a);
Expr pow(GraphContext& g, Expr a, Expr b);
Expr sqrt(GraphContext& g, Expr a);
Expr erfc(GraphContext& g, Expr a);
Expr call(GraphContext& g, Kind unary_kind, Expr a);          // exp, erf, sign, delta, ...
Expr call(GraphContext& g, Kind binary_kind, Expr a, Expr b); // min, max
Expr delta(GraphContext& g, Expr a, int order = 0);
enum class Compare { less, less_equal, greater, greater_equal };
Expr compare(GraphContext& g, Compare op, Expr a, Expr b);     // indicator: Heaviside(...)
Expr select(GraphContext& g, Expr indicator, Expr then_value, Expr else_value);

}  // namespace sgntk::graph
