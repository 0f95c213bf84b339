// Prints an expression back in spec syntax with minimal parentheses, e.g. "2*delta(x)",
// "erf(5*x)", "x - 1", "1/(1 + 25*abs(x))^2". Parsing the output gives the same graph.
#pragma once
#include <string>

#include "compiler/graph/expr.h"

namespace sgntk::graph {
std::string to_spec(Expr e);
}
