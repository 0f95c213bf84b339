// Constant folding and algebraic simplification by a table of rules (simplify_rules.cpp),
// applied bottom-up to a fixed point. Includes the m -> inf limits: erf(inf*g) -> sign(g),
// tanh(inf*g) -> sign(g), sigmoid(inf*g) -> heaviside(g).
#pragma once
#include <string_view>
#include <vector>

#include "compiler/graph/context.h"

namespace sgntk::passes {
graph::Expr simplify(graph::GraphContext& g, graph::Expr e);

// The same, appending the name of every rule that fired, in order (tests, verbose dumps).
graph::Expr simplify(graph::GraphContext& g, graph::Expr e, std::vector<std::string_view>& fired);
}
