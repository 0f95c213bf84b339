// `sgntk plugins [--verbose] [--check] [--plugin-path DIR]...`: lists the surrogate plugins on the
// search path: id, formula, parameters with defaults, normalisation, closed-form hooks and the
// file. --verbose adds descriptions, parameter ranges, versions and the search path itself.
// Libraries that fail to load are warnings; a --plugin-path that does not exist is an error.
// Every library is loaded in the probe helper, never here (runtime/plugin_probe.h). --check
// probes every plugin at its default parameters instead of listing, one line each, and exits 1
// when any library or plugin fails.
#include <algorithm>
#include <fmt/format.h>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "cli/exit_codes.h"
#include "runtime/plugin_host.h"
#include "runtime/plugin_probe.h"

namespace sgntk::cli {
namespace {

struct PluginsArgs {
  bool verbose = false;
  bool check = false;
  CommonOptions common;  // --plugin-path
};

std::string parameters_text(const runtime::PluginDescriptor& d, bool verbose) {
  if (d.params.empty()) return "none";
  std::string out;
  for (const runtime::PluginParam& p : d.params) {
    out += fmt::format("{}{} = {}", out.empty() ? "" : ", ", p.name, p.default_value);
    if (verbose) out += fmt::format(" in {}", p.range_text());
  }
  return out;
}

void print_plugin(const runtime::PluginDescriptor& d, bool shadowed, bool verbose) {
  std::cout << fmt::format("{}{}\n", d.id, shadowed ? "  (shadowed by an earlier one)" : "");
  if (verbose && !d.description.empty()) std::cout << fmt::format("    {}\n", d.description);
  std::cout << fmt::format("    g(x)          = {}\n", d.formula);
  std::cout << fmt::format("    parameters    : {}\n", parameters_text(d, verbose));
  if (verbose)
    for (const runtime::PluginParam& p : d.params)
      if (!p.description.empty()) std::cout << fmt::format("      {:<11} {}\n", p.name, p.description);
  std::cout << fmt::format("    normalisation : {}\n", runtime::normalisation_name(d.normalisation));
  std::cout << fmt::format("    capabilities  : {}\n", runtime::capability_names(d.caps));
  if (verbose) {
    std::cout << fmt::format("    version       : {} (plugin ABI {}.{})\n", d.version.empty() ? "-" : d.version,
                             d.abi_major, d.abi_minor);
  }
  std::cout << fmt::format("    file          : {}\n", d.file);
}

int missing_paths(const runtime::PluginRegistry& registry) {
  int status = exit_ok;
  for (const runtime::PluginLoadError& e : registry.errors())
    if (e.missing_path) {
      std::cerr << fmt::format("sgntk: error: plugin path '{}' does not exist\n", e.file);
      status = exit_input_error;
    }
  return status;
}

// One line per library that failed to load and per plugin, in search order (shadowed ones too).
int check_plugins(const runtime::PluginRegistry& registry) {
  int status = missing_paths(registry);
  for (const runtime::PluginLoadError& e : registry.errors())
    if (!e.missing_path) {
      std::cout << e.text() << "\n";
      status = exit_input_error;
    }
  std::vector<runtime::ProbeRequest> requests;
  for (const runtime::PluginDescriptor& d : registry.descriptors()) requests.push_back({d.file, d.id, {}});
  const std::vector<runtime::ProbeOutcome> outcomes = runtime::probe_plugins(requests);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (outcomes[i].ok) {
      std::cout << fmt::format("plugin '{}' ({}): ok\n", requests[i].id, requests[i].file);
    } else {
      std::cout << outcomes[i].message << "\n";
      status = exit_input_error;
    }
  }
  return status;
}

int run_plugins(const PluginsArgs& args) {
  const auto registry = runtime::scan_plugins_isolated(runtime::plugin_search_path(args.common.plugin_paths));
  if (args.check) return check_plugins(registry);
  if (args.verbose) {
    std::cout << "search path:\n";
    for (const runtime::SearchDir& dir : registry.path())
      std::cout << fmt::format("  {} ({})\n", dir.path, runtime::origin_name(dir.origin));
    std::cout << "\n";
  }
  std::vector<std::string> seen;
  for (const runtime::PluginDescriptor& d : registry.descriptors()) {
    const bool shadowed = std::find(seen.begin(), seen.end(), d.id) != seen.end();
    seen.push_back(d.id);
    print_plugin(d, shadowed, args.verbose);
  }
  if (registry.descriptors().empty()) std::cout << "no plugins found\n";
  const int status = missing_paths(registry);
  for (const runtime::PluginLoadError& e : registry.errors())
    if (!e.missing_path) std::cerr << fmt::format("sgntk: warning: skipped {}\n", e.text());
  return status;
}

}  // namespace

RunFunction register_plugins(CLI::App& app) {
  auto args = std::make_shared<PluginsArgs>();
  CLI::App* cmd = app.add_subcommand("plugins", "List the surrogate plugins found on the search path");
  cmd->add_flag("-v,--verbose", args->verbose, "Descriptions, parameter ranges, versions and the search path");
  cmd->add_flag("--check", args->check,
                "Probe every plugin in a separate process (eval finite, hooks agree with quadrature): "
                "one line each, exit 1 if any fails");
  add_common_options(*cmd, args->common, option_plugin_path);
  return [args] { return run_plugins(*args); };
}

}  // namespace sgntk::cli
