// Replaces x by another expression: f(x) -> f(r). Used to call user functions (erf_m(2*x)).
#pragma once
#include "compiler/graph/context.h"

namespace sgntk::passes {
graph::Expr substitute(graph::GraphContext& g, graph::Expr f, graph::Expr replacement);
}
