// The plugin references of a program, loaded: every reference is looked up on the plugin
// search path, its parameters checked and filled, and the plugin probed, first in a separate
// helper process (plugin_probe.h) and only then loaded here (plugin_host.h).
// Failures come back as program::BindProblem values that name the reference and parameter,
// with the same texts the front end has always shown; the caller places them in the spec.
#pragma once
#include <string>
#include <vector>

#include "runtime/plugin_host.h"
#include "runtime/program/plugin_ref.h"

namespace sgntk::runtime {

// One reference, usable: the instance and what quadrature and finite networks need of it.
struct BoundPlugin {
  PluginInstanceRef instance;   // null when the reference could not be bound
  ArrayFunctionRef eval;        // g over arrays, outputs checked (NaN/inf -> EvalError)
  GaussianAverageRef e1;        // E[g(V)], V ~ N(m, s2): null without the hook
  PluginExpectation2Ref e2;     // E[g(u) g(v)], zero means: null without the hook
  Shape shape;                  // break points and support, for quadrature
};

struct PluginBinding {
  std::vector<BoundPlugin> plugins;              // one per reference, in order
  std::vector<program::BindProblem> problems;
  bool ok() const;                               // no problem is an error
};

// `plugin_paths` are the --plugin-path entries; SGNTK_PLUGIN_PATH and the default folders
// follow them. No reference: the file system is not touched.
PluginBinding bind_plugins(const std::vector<program::PluginRef>& refs, const std::vector<std::string>& plugin_paths);

}  // namespace sgntk::runtime
