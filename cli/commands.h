// The `sgntk` subcommands. Each lives in its own cmd_<name>.cpp and registers itself on the
// app: it adds a CLI11 subcommand and returns the function to run when that subcommand was
// chosen. Run functions return the process exit code (exit_codes.h).
#pragma once
#include <CLI/CLI.hpp>
#include <functional>

namespace sgntk::cli {

using RunFunction = std::function<int()>;

RunFunction register_check(CLI::App& app);
RunFunction register_kernel(CLI::App& app);
RunFunction register_plugins(CLI::App& app);
RunFunction register_train(CLI::App& app);
RunFunction register_empirical(CLI::App& app);
RunFunction register_predict(CLI::App& app);
RunFunction register_run(CLI::App& app);

}  // namespace sgntk::cli
