// One `network NAME(input = d) { dense(...) ... readout(...) }` statement -> sema::Network:
// named arguments with defaults, range checks (integer widths >= 1, sigmas >= 0), activation
// and surrogate by name or inline expression, exactly one readout, last.
#pragma once
#include <optional>

#include "compiler/parse/ast.h"
#include "compiler/sema/module.h"
#include "compiler/sema/symbols.h"

namespace sgntk::sema {
std::optional<Network> build_network(const ast::Network& network, Symbols& symbols);
}
