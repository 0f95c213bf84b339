#include "cli/common_options.h"

#include "compiler/sema/load_spec.h"

namespace sgntk::cli {
namespace {

// The syntax of one --set; whether the spec has that param is the spec's business (exit 1).
const CLI::Validator set_syntax(
    [](std::string& set) {
      std::string error;
      return parse_param_override(set, error) ? std::string() : error;
    },
    "");

}  // namespace

void add_common_options(CLI::App& command, CommonOptions& options, unsigned which) {
  if (which & option_network)
    command.add_option("--network", options.network, "Network of the spec to use (default: its only network)");
  if (which & option_set)
    command.add_option("--set", options.sets, "Override a param of the spec: NAME=VALUE (a number, inf or -inf; repeatable)")
        ->allow_extra_args(false)  // one value per --set, so a spec path after it stays positional
        ->check(set_syntax);       // a malformed NAME=VALUE is a usage error (exit 2)
  if (which & option_threads)
    command.add_option("--threads", options.threads, "Worker threads (default: all cores)")
        ->check(CLI::NonNegativeNumber);
  if (which & option_plugin_path)
    command
        .add_option("--plugin-path", options.plugin_paths,
                    "Folder or library searched first for surrogate plugins (repeatable); then SGNTK_PLUGIN_PATH, "
                    "then the built-in plugins")
        ->allow_extra_args(false);
  if (which & option_tolerance)
    command.add_option("--tolerance", options.tolerance, "Relative error target of numeric expectations")
        ->check(CLI::Range(1e-15, 1e-2));
  if (which & option_quiet) command.add_flag("--quiet", options.quiet, "No progress display");
}

}  // namespace sgntk::cli
