// Plugin surrogates as data: a program names a plugin by id and parameters; runtime::bind
// (runtime/bind.h) finds, checks and loads it. What bind finds wrong comes back as data too,
// naming the reference and parameter, so the front end can point at the spec position.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sgntk::program {

struct PluginRef {
  std::string name;  // the surrogate's name in the spec: `surrogate NAME = plugin(...)`
  std::string id;    // the plugin id
  std::vector<std::pair<std::string, double>> params;  // as written, in spec order
  bool operator==(const PluginRef&) const = default;
};

// A use of a plugin: index into KernelProgram::plugins.
struct PluginCall {
  std::size_t plugin = 0;
  bool operator==(const PluginCall&) const = default;
};

// One message of bind about the plugin references. `plugin` names the reference (none: the
// message has no spec position, e.g. about the search path); `param` indexes its params when
// one parameter is to blame. When `unknown_name` is set the front end follows the message with
// "did you mean" the closest of `known_names`, at the same position.
struct BindProblem {
  enum class Severity { error, note };
  Severity severity = Severity::error;
  std::optional<std::size_t> plugin;
  std::optional<std::size_t> param;
  std::string message;
  std::string unknown_name;
  std::vector<std::string> known_names;
};

}  // namespace sgntk::program
