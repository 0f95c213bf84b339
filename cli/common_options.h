// The options several commands share, registered by one function with one help text each, so
// that `sgntk kernel --help` and `sgntk train --help` say the same about --set or --threads.
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace sgntk::cli {

struct CommonOptions {
  std::string network;                    // --network; empty: the spec's only network
  std::vector<std::string> sets;          // --set NAME=VALUE, as written
  int threads = 0;                        // --threads; 0: all cores
  std::vector<std::string> plugin_paths;  // --plugin-path
  double tolerance = 1e-10;               // --tolerance of numeric expectations
  bool quiet = false;                     // --quiet: no progress display
};

// Which of the common options a command takes (or-ed together).
enum CommonOption : unsigned {
  option_network = 1u << 0,
  option_set = 1u << 1,
  option_threads = 1u << 2,
  option_plugin_path = 1u << 3,
  option_tolerance = 1u << 4,
  option_quiet = 1u << 5,
};

void add_common_options(CLI::App& command, CommonOptions& options, unsigned which);

}  // namespace sgntk::cli
