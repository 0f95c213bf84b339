#include "runtime/bind_plugins.h"

#include <exception>
#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <thread>

#include "runtime/plugin_probe.h"

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

// instantiate() (here or in the probe helper) refused the reference: blame the parameter it names.
BindProblem instantiate_problem(const program::PluginRef& ref, std::size_t i, const PluginDescriptor& descriptor,
                                const InstantiateError& error) {
  BindProblem p = problem(BindProblem::Severity::error, i, error.message);
  if (error.param >= 0 && static_cast<std::size_t>(error.param) < ref.params.size()) {
    p.param = static_cast<std::size_t>(error.param);
    const std::string& name = ref.params[static_cast<std::size_t>(error.param)].first;
    if (descriptor.find_param(name) < 0) {
      p.unknown_name = name;
      p.known_names = descriptor.param_names();
    }
  }
  return p;
}

// The library each reference most likely comes from: the first on the search path whose file
// name names its id (libsgntk_<id>.so, lib<id>.so, <id>.so). Only a guess, to start probing
// while the helper lists the path; the listing decides.
std::vector<ProbeRequest> likely_providers(const std::vector<program::PluginRef>& refs,
                                           const std::vector<SearchDir>& path) {
  std::vector<ProbeRequest> out;
  for (const program::PluginRef& ref : refs)
    for (const SearchDir& dir : path) {
      std::error_code ec;
      std::string found;
      if (std::filesystem::is_directory(dir.path, ec)) {
        for (const std::string& name : {"libsgntk_" + ref.id + ".so", "lib" + ref.id + ".so", ref.id + ".so"})
          if (found.empty() && std::filesystem::is_regular_file(std::filesystem::path(dir.path) / name, ec))
            found = (std::filesystem::path(dir.path) / name).string();
      } else if (plugin_file_names_id(dir.path, ref.id) && std::filesystem::is_regular_file(dir.path, ec)) {
        found = dir.path;
      }
      if (!found.empty()) {
        out.push_back({found, ref.id, ref.params});
        break;
      }
    }
  return out;
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

  // Which library provides which id is learnt in the probe helper: no library is loaded here
  // before it has been loaded, instantiated and checked there (plugin_probe.h).
  // The likely providers are probed meanwhile: their outcomes wait in the probe cache.
  const std::vector<SearchDir> path = plugin_search_path(plugin_paths);
  std::thread early([guesses = likely_providers(refs, path)] {
    try {
      probe_plugins(guesses);
    } catch (const std::exception&) {
      // a guess that fails is probed again below
    }
  });
  const auto registry = scan_plugins_isolated(path);
  early.join();
  for (const PluginLoadError& e : registry.errors())
    if (e.missing_path)
      out.problems.push_back(problem(BindProblem::Severity::error, std::nullopt,
                                     fmt::format("plugin path '{}' does not exist", e.file)));

  std::vector<std::vector<BindProblem>> problems(refs.size());  // reported in reference order
  std::vector<ProbeRequest> requests;
  std::vector<std::size_t> requested;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const PluginDescriptor* d = registry.find(refs[i].id);
    if (d == nullptr) {
      report_missing(refs[i].id, i, registry, problems[i]);
      continue;
    }
    requests.push_back({d->file, d->id, refs[i].params});
    requested.push_back(i);
  }
  const std::vector<ProbeOutcome> outcomes = probe_plugins(requests);

  std::map<std::string, PluginLoadResult> loaded;  // the sound libraries, loaded here once each
  for (std::size_t k = 0; k < requested.size(); ++k) {
    const std::size_t i = requested[k];
    const program::PluginRef& ref = refs[i];
    const PluginDescriptor* listed = registry.find(ref.id);
    if (!outcomes[k].ok) {
      problems[i].push_back(instantiate_problem(ref, i, *listed, {outcomes[k].message, outcomes[k].param}));
      continue;
    }
    auto [at, fresh] = loaded.try_emplace(listed->file);
    if (fresh) at->second = load_plugin_library(listed->file);
    const PluginDescriptor* descriptor = nullptr;
    for (const PluginDescriptor& d : at->second.descriptors)
      if (d.id == ref.id) descriptor = &d;
    if (descriptor == nullptr) {
      problems[i].push_back(problem(BindProblem::Severity::error, i,
                                    fmt::format("plugin '{}' ({}) changed while it was being checked", ref.id,
                                                listed->file)));
      continue;
    }
    InstantiateError error;
    const PluginInstanceRef instance = instantiate(*descriptor, ref.params, error);
    if (!instance) {
      problems[i].push_back(instantiate_problem(ref, i, *descriptor, error));
      continue;
    }
    out.plugins[i] = BoundPlugin{instance, plugin_function(instance), plugin_average(instance),
                                 plugin_expectation2(instance), instance->shape()};
  }
  for (std::vector<BindProblem>& p : problems)
    for (BindProblem& q : p) out.problems.push_back(std::move(q));
  return out;
}

}  // namespace sgntk::runtime
