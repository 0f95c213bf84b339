// The regular part of a distribution-valued derivative: every delta term replaced by 0. This is
// what back-propagation through a finite network computes almost everywhere (sign' = 0).
#pragma once
#include "compiler/graph/context.h"

namespace sgntk::lower {
graph::Expr regular_part(graph::GraphContext& g, graph::Expr e);
}
