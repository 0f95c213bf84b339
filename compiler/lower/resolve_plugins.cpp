#include "compiler/lower/resolve_plugins.h"

#include <fmt/format.h>

namespace sgntk::lower {

namespace {

// Every surrogate definition with a plugin body, once per name: the module's own list first,
// then any a layer carries that the list lacks.
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

std::string search_path_text(const std::vector<runtime::SearchDir>& path) {
  std::string out;
  for (const runtime::SearchDir& d : path)
    out += fmt::format("{}'{}' ({})", out.empty() ? "" : ", ", d.path, runtime::origin_name(d.origin));
  return out;
}

// No usable descriptor has this id. Blame a library that failed to load when its file name or
// readable id says it was meant to provide it; otherwise say where we looked.
void report_missing(const std::string& id, SourceRange where, const runtime::PluginRegistry& registry,
                    Diagnostics& diags) {
  std::vector<const runtime::PluginLoadError*> blamed, others;
  for (const runtime::PluginLoadError& e : registry.errors()) {
    if (e.missing_path) continue;  // reported once, without a position
    const bool meant = e.id == id || (e.id.empty() && runtime::plugin_file_names_id(e.file, id));
    (meant ? blamed : others).push_back(&e);
  }
  if (!blamed.empty()) {
    diags.error(where, fmt::format("plugin '{}' in '{}' cannot be used: {}", id, blamed[0]->file, blamed[0]->message));
    for (std::size_t i = 1; i < blamed.size(); ++i) diags.note(where, "also: " + blamed[i]->text());
    return;
  }
  diags.error(where, fmt::format("no plugin provides surrogate '{}'", id));
  if (const std::string near = closest_name(id, registry.ids()); !near.empty())
    diags.note(where, fmt::format("did you mean '{}'?", near));
  diags.note(SourceRange{}, "searched " + search_path_text(registry.path()));
  for (const runtime::PluginLoadError* e : others) diags.note(SourceRange{}, "skipped " + e->text());
}

}  // namespace

std::map<std::string, ResolvedSurrogate> resolve_plugins(const sema::Module& module,
                                                         const std::vector<std::string>& plugin_paths,
                                                         Diagnostics& diags) {
  std::map<std::string, ResolvedSurrogate> resolved;
  const std::vector<const sema::FunctionDef*> defs = plugin_definitions(module);
  if (defs.empty()) return resolved;  // no need to touch the file system

  const auto registry = runtime::PluginRegistry::scan(runtime::plugin_search_path(plugin_paths));
  for (const runtime::PluginLoadError& e : registry.errors())
    if (e.missing_path) diags.error(fmt::format("plugin path '{}' does not exist", e.file));

  for (const sema::FunctionDef* def : defs) {
    const auto& spec = std::get<sema::PluginSurrogate>(def->body);
    const runtime::PluginDescriptor* descriptor = registry.find(spec.plugin_id);
    if (descriptor == nullptr) {
      report_missing(spec.plugin_id, def->where, registry, diags);
      continue;
    }
    runtime::InstantiateError error;
    const runtime::PluginInstanceRef instance = runtime::instantiate(*descriptor, spec.params, error);
    if (!instance) {
      const bool on_param = error.param >= 0 && static_cast<std::size_t>(error.param) < spec.param_where.size();
      const SourceRange where = on_param ? spec.param_where[error.param] : def->where;
      diags.error(where, error.message);
      if (error.param >= 0 && descriptor->find_param(spec.params[error.param].first) < 0) {
        const std::string near = closest_name(spec.params[error.param].first, descriptor->param_names());
        if (!near.empty()) diags.note(where, fmt::format("did you mean '{}'?", near));
      }
      continue;
    }
    resolved[def->name] = ResolvedSurrogate{runtime::plugin_function(instance), runtime::plugin_average(instance),
                                            runtime::plugin_expectation2(instance), instance->shape(),
                                            instance->text(), descriptor->file};
  }
  return resolved;
}

}  // namespace sgntk::lower
