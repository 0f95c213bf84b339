// Semantic analysis: ast::Spec -> sema::Module. Resolves names, evaluates params (with --set
// overrides applied at their definition, so later params see them), builds every function body as
// a raw graph (the passes of lower/pass_order.h simplify it later), checks networks. std::nullopt
// when any error was reported.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compiler/parse/ast.h"
#include "compiler/sema/module.h"

namespace sgntk::sema {

struct ParamOverride {
  std::string name;
  double value = 0;
};

class Symbols;

// Checks the statements that sema leaves to their user (the experiment runner checks `data`,
// `target`, `task` and `quick`, cli/experiment/): called after params, functions and networks
// are built, with the same symbol table (one namespace) and diagnostics.
using StatementChecker = std::function<void(const ast::Spec& spec, Symbols& symbols, const Module& module)>;

// Statements no checker reads are not checked.
std::optional<Module> build_graph(const ast::Spec& spec, const SourceFile& file,
                                  const std::vector<ParamOverride>& overrides, Diagnostics& diags,
                                  const StatementChecker& check_more = {});

}  // namespace sgntk::sema
