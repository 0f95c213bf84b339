// Plugin surrogates of a checked module -> runtime objects. For every surrogate written
// `plugin("id", name = value, ...)` in the spec: find the plugin on the search path, check and
// fill its parameters, probe it, and wrap it for the runtime. Errors are diagnostics at the
// spec position that name the plugin file and id.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "compiler/sema/module.h"
#include "compiler/source/diagnostics.h"
#include "runtime/array_function.h"
#include "runtime/plugin_host.h"

namespace sgntk::lower {

struct ResolvedSurrogate {
  runtime::ArrayFunctionRef eval;         // g over arrays, outputs checked (NaN/inf -> EvalError)
  runtime::GaussianAverageRef e1;         // E[g(V)], V ~ N(m, s2): null without the hook;
                                          //   E[delta(u) g(v)] is built from it
  runtime::PluginExpectation2Ref e2;      // E[g(u) g(v)], zero means: null without the hook
  runtime::Shape shape;                   // break points and support, for quadrature
  std::string text;                       // plugin("id", every param = value), for dumps
  std::string file;                       // the library it came from
};

// Keyed by the surrogate's name in the spec (FunctionDef::name). `plugin_paths` are the
// --plugin-path entries; SGNTK_PLUGIN_PATH and the default folders follow them.
std::map<std::string, ResolvedSurrogate> resolve_plugins(const sema::Module& module,
                                                         const std::vector<std::string>& plugin_paths,
                                                         Diagnostics& diags);

}  // namespace sgntk::lower
