// Semantic analysis of the experiment statements (`data`, `target`, `task`, `quick`): checks
// every argument against the task's signature, resolves names (data, targets, networks, tasks,
// params) and fills Module::data, targets and tasks. Errors go to the symbol table's sink.
#pragma once
#include <vector>

#include "compiler/parse/ast.h"
#include "compiler/sema/module.h"
#include "compiler/sema/symbols.h"

namespace sgntk::sema {

// Runs after params, functions and networks are built (tasks refer to them).
void build_experiment(const std::vector<const ast::Data*>& data, const std::vector<const ast::Target*>& targets,
                      const std::vector<const ast::Task*>& tasks, const std::vector<const ast::Quick*>& quicks,
                      Symbols& symbols, Module& module);

}  // namespace sgntk::sema
