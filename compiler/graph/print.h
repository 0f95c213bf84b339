// Prints an expression back in spec syntax with minimal parentheses, e.g. "2*delta(x)",
// "erf(5*x)", "x - 1", "1/(1 + 25*abs(x))^2". Parsing the output gives the same graph.
// node_list() shows the hash-consed DAG itself (`sgntk check --dump graph`).
#pragma once
#include <string>

#include "compiler/graph/expr.h"

namespace sgntk::graph {
std::string to_spec(Expr e);

// The graph as a numbered node list, children first and shared nodes once, one line per node
// indented by four spaces: "    %2 = * %0 %1".
std::string node_list(Expr e);
}
