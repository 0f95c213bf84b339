// A total structural order on expressions, independent of node ids (creation order), so that
// canonical operand orders and printed forms do not depend on the order in which a spec or a
// pass happened to build nodes.
#pragma once
#include "compiler/graph/expr.h"

namespace sgntk::graph {

// <0, 0 or >0. Orders by kind (in expr_kinds.def order), then value, then children left to
// right. Runs in O(depth): equal children are equal pointers and are skipped in O(1).
int compare_structure(Expr a, Expr b);

inline bool structurally_less(Expr a, Expr b) { return compare_structure(a, b) < 0; }

}  // namespace sgntk::graph
