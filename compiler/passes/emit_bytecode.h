// Lowers an expression graph in x to register bytecode (runtime/program/bytecode.h): one instruction
// per distinct node in post-order, constant operands of +, * and ^ folded into immediates,
// registers reused once a node's last user has run.
#pragma once
#include "compiler/graph/expr.h"
#include "runtime/program/bytecode.h"

namespace sgntk::passes {

// Precondition: !e->has_delta (a distribution has no point values). Throws std::invalid_argument
// otherwise. text() of the result is graph::to_spec(e).
program::Bytecode emit_bytecode(graph::Expr e);

}  // namespace sgntk::passes
