#include "compiler/lower/plugin_refs.h"

#include <fmt/format.h>

namespace sgntk::lower {
namespace {

std::vector<const sema::FunctionDef*> plugin_definitions(const sema::Module& module) {
  std::vector<const sema::FunctionDef*> defs;
  auto add = [&defs](const sema::FunctionDef& f) {
    if (f.is_expression()) return;
    for (const sema::FunctionDef* d : defs)
      if (d->name == f.name) return;
    defs.push_back(&f);
  };
  for (const sema::FunctionDef& f : module.surrogates) add(f);
  for (const sema::Network& n : module.networks)
    for (const sema::Layer& l : n.hidden)
      if (l.surrogate) add(*l.surrogate);
  return defs;
}

// The spec position a problem points at: the blamed parameter, else the definition.
SourceRange position(const sema::Module& module, const program::KernelProgram& program,
                     const program::BindProblem& problem) {
  if (!problem.plugin || *problem.plugin >= program.plugins.size()) return {};
  const std::string& name = program.plugins[*problem.plugin].name;
  for (const sema::FunctionDef* def : plugin_definitions(module)) {
    if (def->name != name) continue;
    const auto& spec = std::get<sema::PluginSurrogate>(def->body);
    if (problem.param && *problem.param < spec.param_where.size()) return spec.param_where[*problem.param];
    return def->where;
  }
  return {};
}

}  // namespace

std::vector<program::PluginRef> plugin_refs(const sema::Module& module) {
  std::vector<program::PluginRef> refs;
  for (const sema::FunctionDef* def : plugin_definitions(module)) {
    const auto& spec = std::get<sema::PluginSurrogate>(def->body);
    refs.push_back(program::PluginRef{def->name, spec.plugin_id, spec.params});
  }
  return refs;
}

void report_bind_problems(const sema::Module& module, const program::KernelProgram& program,
                          const std::vector<program::BindProblem>& problems, Diagnostics& diags) {
  for (const program::BindProblem& problem : problems) {
    const SourceRange where = position(module, program, problem);
    if (problem.severity == program::BindProblem::Severity::error)
      diags.error(where, problem.message);
    else
      diags.note(where, problem.message);
    if (problem.unknown_name.empty()) continue;
    if (const std::string near = closest_name(problem.unknown_name, problem.known_names); !near.empty())
      diags.note(where, fmt::format("did you mean '{}'?", near));
  }
}

}  // namespace sgntk::lower
