// Plugins in isolation. This process never loads a library that has not first been loaded and
// exercised in a separate helper process (sgntk-plugin-probe, runtime/probe/), so that a plugin
// whose constructor, eval or hook crashes, hangs, exits or lies is reported with its file and
// id, and the other plugins keep working. Two services:
//   * the scan: every library on the search path is listed by the helper (a library that takes
//     the helper down becomes a load error of its own, and the scan goes on with the next);
//   * the probe: one helper per plugin instance instantiates it (names, ranges, check_params,
//     finite eval) and runs check_plugin (plugin_check.h); the helpers run concurrently.
// The helper is killed when it reports no progress for probe_timeout(). Results are cached in
// this process only, keyed by the library file's identity and modification time.
#pragma once
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "runtime/plugin_host.h"

namespace sgntk::runtime {

// The search path scanned as PluginRegistry::scan does, each library loaded in the helper. The
// descriptors carry metadata only (no library, no function pointers).
PluginRegistry scan_plugins_isolated(const std::vector<SearchDir>& path);

struct ProbeRequest {
  std::string file, id;  // the library and the descriptor's id in it
  std::vector<std::pair<std::string, double>> given;  // parameters as the spec gives them
};

struct ProbeOutcome {
  bool ok = false;
  std::string message;  // why not, naming the plugin and its file
  int param = -1;       // as InstantiateError::param: the given parameter to blame
};

// One outcome per request, in order.
std::vector<ProbeOutcome> probe_plugins(const std::vector<ProbeRequest>& requests);

// SGNTK_PLUGIN_TIMEOUT (seconds) when set to a positive number, else 5 s.
std::chrono::milliseconds probe_timeout();

// The helper executable: beside this program or this library, else the build's one. "" when
// none is found.
std::string probe_helper_path();

}  // namespace sgntk::runtime
