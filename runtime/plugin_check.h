// The checks the probe helper (runtime/probe/) runs on an instantiated plugin, beyond those of
// instantiate(): eval over a wide grid in one large batch (every value finite), and each
// closed-form hook against quadrature of the plugin's own eval, so that a hook that lies is
// caught before the runtime trusts it. Runs inside the helper process: a plugin that crashes
// or hangs here takes only the helper down.
#pragma once
#include <string>

#include "runtime/plugin_host.h"

namespace sgntk::runtime {

// A hook agrees with quadrature when |hook - quadrature| <= hook_tolerance * scale, the scale
// being |quadrature| or, for small averages, a fixed fraction of g's peak (plugin_check.cpp).
// The quadrature is run to 1e-12 and the built-in hooks are closed forms good to a few ulp;
// 1e-8 leaves four orders of margin for either, while a hook off by 1e-6 or more is caught.
inline constexpr double hook_tolerance = 1e-8;

// Why the instance cannot be trusted (a message naming it), or "" when it can. Plugin errors
// (status codes, NaN) come back as messages too.
std::string check_plugin(const PluginInstance& g, const PluginStage& stage);

}  // namespace sgntk::runtime
