#include "runtime/bind_plugins.h"

#include <fmt/format.h>

namespace sgntk::runtime {
namespace {

using program::BindProblem;

BindProblem problem(BindProblem::Severity severity, std::optional<std::size_t> plugin, std::string message) {
  BindProblem p;
  p.severity = severity;
  p.plugin = plugin;
  p.message = std::move(message);
  return p;
}

std::string search_path_text(const std::vector<SearchDir>& path) {
  std::string out;
  for (const SearchDir& d : path) out += fmt::format("{}'{}' ({})", out.empty() ? "" : ", ", d.path, origin_name(d.origin));
  return out;
}

// No usable descriptor has this id. Blame a library that failed to load when its file name or
// readable id says it was meant to provide it; otherwise say where we looked.
void report_missing(const std::string& id, std::size_t ref, const PluginRegistry& registry,
                    std::vector<BindProblem>& out) {
  using Severity = BindProblem::Severity;
  std::vector<const PluginLoadError*> blamed, others;
  for (const PluginLoadError& e : registry.errors()) {
    if (e.missing_path) continue;  // reported once, without a position
    const bool meant = e.id == id || (e.id.empty() && plugin_file_names_id(e.file, id));
    (meant ? blamed : others).push_back(&e);
  }
  if (!blamed.empty()) {
    out.push_back(problem(Severity::error, ref,
                          fmt::format("plugin '{}' in '{}' cannot be used: {}", id, blamed[0]->file, blamed[0]->message)));
    for (std::size_t i = 1; i < blamed.size(); ++i) out.push_back(problem(Severity::note, ref, "also: " + blamed[i]->text()));
    return;
  }
  BindProblem missing = problem(Severity::error, ref, fmt::format("no plugin provides surrogate '{}'", id));
  missing.unknown_name = id;
  missing.known_names = registry.ids();
  out.push_back(std::move(missing));
  out.push_back(problem(Severity::note, std::nullopt, "searched " + search_path_text(registry.path())));
  for (const PluginLoadError* e : others) out.push_back(problem(Severity::note, std::nullopt, "skipped " + e->text()));
}

}  // namespace

bool PluginBinding::ok() const {
  for (const BindProblem& p : problems)
    if (p.severity == BindProblem::Severity::error) return false;
  return true;
}

PluginBinding bind_plugins(const std::vector<program::PluginRef>& refs, const std::vector<std::string>& plugin_paths) {
  PluginBinding out;
  out.plugins.resize(refs.size());
  if (refs.empty()) return out;  // no need to touch the file system

  const auto registry = PluginRegistry::scan(plugin_search_path(plugin_paths));
  for (const PluginLoadError& e : registry.errors())
    if (e.missing_path)
      out.problems.push_back(problem(BindProblem::Severity::error, std::nullopt,
                                     fmt::format("plugin path '{}' does not exist", e.file)));

  for (std::size_t i = 0; i < refs.size(); ++i) {
    const program::PluginRef& ref = refs[i];
    const PluginDescriptor* descriptor = registry.find(ref.id);
    if (descriptor == nullptr) {
      report_missing(ref.id, i, registry, out.problems);
      continue;
    }
    InstantiateError error;
    const PluginInstanceRef instance = instantiate(*descriptor, ref.params, error);
    if (!instance) {
      BindProblem p = problem(BindProblem::Severity::error, i, error.message);
      if (error.param >= 0) {
        p.param = static_cast<std::size_t>(error.param);
        const std::string& name = ref.params[static_cast<std::size_t>(error.param)].first;
        if (descriptor->find_param(name) < 0) {
          p.unknown_name = name;
          p.known_names = descriptor->param_names();
        }
      }
      out.problems.push_back(std::move(p));
      continue;
    }
    out.plugins[i] = BoundPlugin{instance, plugin_function(instance), plugin_average(instance),
                                 plugin_expectation2(instance), instance->shape()};
  }
  return out;
}

}  // namespace sgntk::runtime
