#include "compiler/lower/lower.h"

#include <fmt/format.h>

#include "compiler/lower/pass_order.h"
#include "compiler/lower/plugin_refs.h"

namespace sgntk::lower {
namespace {

const sema::Network* pick_network(const sema::Module& module, const std::string& name, Diagnostics& diags) {
  if (!name.empty()) {
    if (const sema::Network* n = module.find_network(name)) return n;
    std::vector<std::string> names;
    for (const auto& n : module.networks) names.push_back(n.name);
    const std::string hint = closest_name(name, names);
    diags.error(fmt::format("no network named '{}' in the spec{}", name,
                            hint.empty() ? "" : fmt::format("; did you mean '{}'?", hint)));
    return nullptr;
  }
  if (module.networks.size() == 1) return &module.networks.front();
  if (module.networks.empty()) {
    diags.error("the spec defines no network");
  } else {
    std::string names;
    for (const auto& n : module.networks) names += (names.empty() ? "'" : ", '") + n.name + "'";
    diags.error(fmt::format("the spec defines several networks ({}); choose one with --network", names));
  }
  return nullptr;
}

}  // namespace

std::optional<program::KernelProgram> lower(const sema::Module& module, const std::string& name,
                                            const LowerOptions& options, Diagnostics& diags) {
  const sema::Network* network = pick_network(module, name, diags);
  if (!network) return std::nullopt;
  program::KernelProgram program;
  program.network = network->name;
  program.input_dim = network->input_dim;
  program.outputs = network->readout.width;
  program.readout_sigma_w = network->readout.sigma_w;
  program.readout_sigma_b = network->readout.sigma_b;
  program.plugins = plugin_refs(module);
  PassContext context{*module.context, program.plugins, options, diags};
  for (std::size_t i = 0; i < network->hidden.size(); ++i) {
    std::optional<LayerState> layer = start_layer(*network, i, diags);
    if (!layer || !run_passes(context, *layer, pass_order().size() - 1)) return std::nullopt;
    program.hidden.push_back(std::move(layer->program));
  }
  return program;
}

}  // namespace sgntk::lower
