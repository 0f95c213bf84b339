// Symbolic d/dx, including distributional derivatives of jumps: sign' = 2 delta,
// heaviside' = delta, abs' = sign, relu' = heaviside, min/max through heaviside,
// delta^(k)' = delta^(k+1). The result is simplified.
#pragma once
#include "compiler/graph/context.h"

namespace sgntk::passes {
graph::Expr differentiate(graph::GraphContext& g, graph::Expr e);
}
