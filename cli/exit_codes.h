// Exit codes of the CLI contract (README.md, "The command line"): other tools and tests rely on them.
#pragma once

namespace sgntk::cli {
inline constexpr int exit_ok = 0;
inline constexpr int exit_input_error = 1;  // error in the spec, the data or a plugin
inline constexpr int exit_usage = 2;        // bad command line
inline constexpr int exit_internal = 3;     // a bug in sgntk
}  // namespace sgntk::cli
