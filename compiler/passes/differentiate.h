// Symbolic d/dx, including distributional derivatives of jumps: sign' = 2 delta,
// heaviside' = delta, abs' = sign, relu' = heaviside, min/max through heaviside,
// delta^(k)' = delta^(k+1). Nothing is simplified here: the pass order (lower/pass_order.cpp)
// simplifies before, so that erf(inf*x) is already sign(x) and its derivative 2*delta(x) rather
// than a 0*inf form, and after.
#pragma once
#include <functional>

#include "compiler/graph/context.h"

namespace sgntk::passes {

// d/dx e (d/dx nodes inside e are expanded on the way).
graph::Expr differentiate(graph::GraphContext& g, graph::Expr e);

// e with every d/dx node written in the spec (graph::Kind::Derivative) replaced by derive(its
// operand), innermost first (the operand's own d/dx nodes are replaced before); e itself when it
// has none. The pass order passes a derive that simplifies around differentiate().
graph::Expr expand_derivatives(graph::GraphContext& g, graph::Expr e,
                               const std::function<graph::Expr(graph::Expr)>& derive);

}  // namespace sgntk::passes
