// Plugin surrogates between the spec and the program. The compiler does not load plugins: it
// records every `plugin("id", name = value, ...)` surrogate of the spec as a program::PluginRef,
// and runtime::bind loads them. bind's problems come back as data naming a reference and a
// parameter; report_bind_problems turns them into diagnostics at those spec positions.
#pragma once
#include <vector>

#include "compiler/sema/module.h"
#include "compiler/source/diagnostics.h"
#include "runtime/program/program.h"

namespace sgntk::lower {

// Every surrogate definition with a plugin body, once per name: the module's own list first,
// then any a layer carries that the list lacks.
std::vector<program::PluginRef> plugin_refs(const sema::Module& module);

// Each problem as a diagnostic: at the parameter it blames, else at the surrogate definition,
// else without a position; followed by a "did you mean" note where a name was unknown.
void report_bind_problems(const sema::Module& module, const program::KernelProgram& program,
                          const std::vector<program::BindProblem>& problems, Diagnostics& diags);

}  // namespace sgntk::lower
